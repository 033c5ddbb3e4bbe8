"""A new language fits by itself (issue 26): the coordinator runs `leaflet catalog init`, a
translator fills the catalogue, and the build finds the text size at which every page fits,
with nothing to tune. Georgian, a script no shipped language uses, stands in: each entry
about 1.15 times its English, in Georgian letters. When an entry is far too long, the layout
finding names it (its number in the proof and the XLIFF file, its first words) and the way out.
"""

from __future__ import annotations

import contextlib
import json
import re

import polib
import pytest

from conftest import EDITION, copy_workspace, invoke

GEORGIAN = [chr(c) for c in range(0x10D0, 0x10F1)]  # ა … ჰ, the 33 letters of Mkhedruli
KEEP = re.compile(r"%\(\w+\)s|<[^>]+>|&\w+;")


def georgian(text: str, stretch: float = 1.15) -> str:
    """`text` as a Georgian translation of about its length × `stretch`: letters become
    Georgian letters, each word a little longer; placeholders, tags, digits and punctuation
    stay as they are."""
    out, last = [], 0
    for match in KEEP.finditer(text):
        out.append(_words(text[last:match.start()], stretch))
        out.append(match.group(0))
        last = match.end()
    out.append(_words(text[last:], stretch))
    return "".join(out)


def _words(text: str, stretch: float) -> str:
    def word(match):
        letters = match.group(0)
        extra = max(0, round(len(letters) * stretch) - len(letters))
        mapped = "".join(GEORGIAN[(ord(ch.lower()) - 97) % len(GEORGIAN)] for ch in letters)
        return mapped + "".join(GEORGIAN[(i * 7) % len(GEORGIAN)] for i in range(extra))
    return re.sub(r"[A-Za-z]+", word, text)


@pytest.fixture(scope="module")
def georgian_ws(tmp_path_factory):
    ws = copy_workspace(tmp_path_factory.mktemp("ka") / "ws", languages=["en"])
    result = invoke(ws, "catalog", "init", "ka")
    assert result.exit_code == 0, result.output
    assert "added ka to [build] languages" in result.output
    toml = (ws / "leaflet.toml").read_text(encoding="utf-8")
    assert re.search(r'languages = \[[^\]]*"ka"', toml), toml
    path = ws / "translations" / "ka" / "LC_MESSAGES" / "leaflet.po"
    po = polib.pofile(str(path), wrapwidth=76)
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: georgian(entry.msgid), 1: georgian(entry.msgid_plural)}
        else:
            entry.msgstr = georgian(entry.msgid)
    po.save()
    return ws


def _po(ws):
    path = ws / "translations" / "ka" / "LC_MESSAGES" / "leaflet.po"
    return path, polib.pofile(str(path), wrapwidth=76)


def _number(po, msgid: str) -> int:
    """The entry's number in the review proof and the XLIFF file."""
    live = [e for e in po if not e.obsolete and e.msgid]
    return next(i for i, e in enumerate(live, 1) if e.msgid == msgid)


def test_a_new_language_builds_with_no_hand_tuning(georgian_ws):
    result = invoke(georgian_ws, "build", "--lang", "ka")
    assert result.exit_code == 0, result.output
    manifest = json.loads((georgian_ws / "output" / EDITION / "manifest.json").read_text())
    entry = manifest["languages"]["ka"]
    assert entry["pages"] == 12 and entry["script"] == "Geor"
    assert 10 <= entry["text_size"] <= 14 and not entry["text_size_pinned"]
    # Its empty term base costs one line, not one per term.
    terms = [line for line in result.output.splitlines() if "terms.tbx" in line]
    assert len(terms) <= 1, terms


@contextlib.contextmanager
def _built_stretched(ws, msgids, stretch: float):
    """Build Georgian with `msgids` `stretch` times as long; (catalogue, result); the
    catalogue is put back afterwards."""
    path, po = _po(ws)
    before = path.read_bytes()
    try:
        for msgid in msgids:
            po.find(msgid).msgstr = georgian(msgid, stretch=stretch)
        po.save()
        yield po, invoke(ws, "build", "--lang", "ka")
    finally:
        path.write_bytes(before)


def test_a_card_entry_far_too_long_is_named_with_the_text_size(georgian_ws):
    msgid = "The centres' help is free."
    with _built_stretched(georgian_ws, [msgid], 9) as (po, result):
        assert result.exit_code == 1
        finding = next(line for line in result.output.splitlines() if "card-back" in line)
        assert f"#{_number(po, msgid)} " in finding, finding
        assert "text size is fixed" in finding, finding


def test_a_page_that_fits_at_no_size_names_its_entries_and_the_way_out(georgian_ws):
    from leaflet.edition import fitting

    msgid = "It is normal to need time. You can say no at first and call again later."
    page = fitting.section_messages(georgian_ws / "templates" / "leaflet.html.j2")["call"]
    assert msgid in page
    # every entry of the page four times as long: no size holds it
    with _built_stretched(georgian_ws, page, 4) as (po, result):
        assert result.exit_code == 1
        finding = next(line for line in result.output.splitlines() if "'call'" in line)
        assert f"#{_number(po, msgid)} " in finding, finding
        assert "even at the smallest text size (10 pt)" in finding, finding


def test_a_pinned_text_size_is_named_as_the_way_out(georgian_ws, tmp_path):
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(georgian_ws, ws)
    with open(ws / "leaflet.toml", "a", encoding="utf-8") as toml:
        toml.write("\n[languages.ka]\ntext_size = 14\n")
    result = invoke(ws, "build", "--lang", "ka")
    assert result.exit_code == 1
    finding = next(line for line in result.output.splitlines() if "overflows" in line)
    assert "pinned at 14 pt by [languages.ka] text_size" in finding, finding
    assert re.search(r"#\d+ '", finding), finding


def test_fitting_finds_the_largest_size_whatever_it_starts_from():
    """The sizes that fit are one interval; the search ends at its top from any start."""
    from leaflet.edition import fitting

    def run(low: float, high: float, hint: float | None):
        def lay_out(html):
            return {"size": float(re.search(r"font-size: ([\d.]+)pt", html).group(1))}

        def problems(laid, _html):
            return laid["size"] > high, laid["size"] < low
        html = "<style>html { font-size: 12pt; }</style>"
        return fitting.fit(html, lay_out, problems, hint=hint)

    for low, high in ((10, 14), (10, 11.5), (12.5, 13), (13.5, 14)):
        for hint in (None, 10, 11, 12, 13.5, 14):
            found = run(low, high, hint)
            assert found["fits"] and found["size"] == high, (low, high, hint, found["size"])
    nothing = run(15, 16, 12)  # never fits: the last size tried, marked
    assert not nothing["fits"]
    overflow = run(9, 9.5, 12)
    assert not overflow["fits"] and overflow["size"] == 10
    pinned = fitting.fit("<style>html { font-size: 12pt; }</style>",
                         lambda html: {"html": html}, lambda laid, html: (False, False),
                         pinned=13.5)
    assert pinned["size"] == 13.5 and "font-size: 13.5pt" in pinned["html"]


def test_an_xliff_failing_only_the_layout_is_kept_as_a_draft(georgian_ws, tmp_path):
    """The build, not the import, is the layout's gate: a complete translation that passes
    every other check is kept, its layout findings listed, and the build refuses to print it."""
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(georgian_ws, ws)
    exported = invoke(ws, "catalog", "export", "ka", "-o", str(tmp_path / "ka.xlf"))
    assert exported.exit_code == 0, exported.output
    xml = (tmp_path / "ka.xlf").read_text(encoding="utf-8")
    from leaflet.edition import fitting

    page = fitting.section_messages(ws / "templates" / "leaflet.html.j2")["call"]
    _path, po = _po(ws)
    for msgid in page:  # the whole page four times as long: it fits at no text size
        old = po.find(msgid).msgstr
        assert xml.count(f">{old}</target>") == 1, msgid
        xml = xml.replace(f">{old}</target>", f">{georgian(msgid, stretch=4)}</target>")
    (tmp_path / "long.xlf").write_text(xml, encoding="utf-8")
    result = invoke(ws, "catalog", "import", str(tmp_path / "long.xlf"))
    assert result.exit_code == 0, result.output
    assert f"{len(page)} entries changed" in result.output
    assert "still to fix" in result.output and "LAYOUT" in result.output
    _path, po = _po(ws)
    assert all(po.find(msgid).msgstr == georgian(msgid, stretch=4) for msgid in page)
    assert po.metadata["X-Review-Status"] == "draft"
    assert invoke(ws, "build", "--lang", "ka").exit_code == 1
