"""The coordinator runs `leaflet check` before printing: every fault is named, file and line."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from conftest import EDITION, ROOT, copy_workspace, invoke, mark_reviewed

BAD = sorted((ROOT / "tests" / "fixtures" / "bad-po").glob("*.po"))


def expectation(path: Path) -> tuple[str, int | None]:
    first = path.read_bytes().split(b"\n", 1)[0].decode()  # "# expect: CHECK-ID LINE"
    check, line = first.split()[2:4]
    return check, None if line == "-" else int(line)


@pytest.fixture(scope="module")
def fr_workspace(tmp_path_factory):
    return copy_workspace(tmp_path_factory.mktemp("check") / "ws", languages=["fr"])


def test_there_are_at_least_fifteen_broken_catalogues():
    assert len(BAD) >= 15
    assert len({expectation(p)[0] for p in BAD}) >= 12  # distinct checks exercised


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_each_broken_catalogue_is_flagged_with_its_check_and_line(fr_workspace, fixture,
                                                                   tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(fr_workspace, ws)
    shutil.copy(fixture, ws / "translations" / "fr" / "LC_MESSAGES" / "leaflet.po")
    result = invoke(ws, "check", "--lang", "fr", "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    check, line = expectation(fixture)
    errors = [(f["check"], f["line"]) for f in report["findings"] if f["severity"] == "error"]
    assert (check, line) in errors, errors
    text = invoke(ws, "check", "--lang", "fr")
    expected_prefix = "translations/fr/LC_MESSAGES/leaflet.po" + (f":{line}" if line else "")
    assert f"{expected_prefix}: {check}: " in text.stdout, text.stdout


def test_layout_finding_names_the_section_and_by_how_much(fr_workspace, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(fr_workspace, ws)
    shutil.copy(ROOT / "tests/fixtures/bad-po/overflowing.po",
                ws / "translations" / "fr" / "LC_MESSAGES" / "leaflet.po")
    result = invoke(ws, "check", "--lang", "fr")
    assert "section 'stay' overflows its page by" in result.stdout, result.stdout
    assert " mm " in result.stdout


def test_shipped_catalogues_raise_no_error():
    # Without the layout: the `built` fixture (tests/conftest.py) builds all 34 languages, and
    # a build refuses a language whose layout fails, with the same fitting as `check`
    # (tests/test_edition_build.py asserts it built every one); the layout findings of
    # `check` itself are tested on a catalogue made to overflow (below).
    result = invoke(ROOT, "check", "--no-layout", "--format", "json")
    report = json.loads(result.stdout)
    assert report["errors"] == 0, [f for f in report["findings"] if f["severity"] == "error"]
    assert result.exit_code == 0
    # Unverified contact details are warnings now, errors for a release.
    assert any(f["check"] == "DATA-UNVERIFIED" for f in report["findings"])
    release = invoke(ROOT, "check", "--release", "--no-layout", "--lang", "en")
    assert release.exit_code == 1 and "DATA-UNVERIFIED" in release.stdout
    allowed = invoke(ROOT, "check", "--release", "--allow-unverified", "--no-layout",
                     "--lang", "en")
    assert allowed.exit_code == 0, allowed.output


def shipped_catalogues():
    return sorted((ROOT / "translations").glob("*/LC_MESSAGES/leaflet.po"))


@pytest.mark.parametrize("po", shipped_catalogues(), ids=lambda p: p.parent.parent.name)
def test_peer_validators_agree_on_shipped_catalogues(po, tmp_path):
    """What `leaflet check` passes, GNU msgfmt and translate-toolkit's pofilter pass too."""
    msgfmt = subprocess.run(["msgfmt", "--check-format", "--check-header", "-o", "/dev/null",
                             str(po)], capture_output=True, text=True)
    assert msgfmt.returncode == 0 and msgfmt.stderr == "", msgfmt.stderr
    out = tmp_path / "pofilter.po"
    tests = [a for t in ("variables", "pythonbraceformat", "printf", "urls", "emails",
                         "xmltags") for a in ("-t", t)]
    pofilter = subprocess.run([str(Path(ROOT / ".venv/bin/pofilter")) if (
        ROOT / ".venv/bin/pofilter").exists() else "pofilter", "--progress=none", *tests,
        str(po), str(out)], capture_output=True, text=True)
    assert pofilter.returncode == 0, pofilter.stderr
    flagged = [e for e in polib.pofile(str(out)) if e.msgid] if out.exists() else []
    assert flagged == [], [(e.msgid, e.tcomment) for e in flagged]


def test_pofilter_and_msgfmt_do_catch_what_they_are_meant_to(tmp_path):
    """The peer validators are not vacuous: they flag a dropped placeholder."""
    bad = ROOT / "tests/fixtures/bad-po/dropped-placeholder.po"
    msgfmt = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(bad)],
                            capture_output=True, text=True)
    assert msgfmt.returncode != 0


def test_script_in_a_translation_never_reaches_the_html_unescaped(tmp_path):
    from leaflet.edition import plan
    from leaflet.workspace import load_workspace

    ws = copy_workspace(tmp_path / "ws", languages=["fr"])
    shutil.copy(ROOT / "tests/fixtures/bad-po/script-tag.po",
                ws / "translations" / "fr" / "LC_MESSAGES" / "leaflet.po")
    workspace = load_workspace(ws)
    # The build refuses the catalogue (MARKUP) before rendering it ...
    assert plan.plan(workspace, ["fr"], force=True)[0] == []
    # ... and were it rendered, the escaping layer would still keep the tag inert.
    from leaflet.translation import catalog
    from leaflet.translation import messages
    from leaflet.languages import scripts

    path = catalog.catalog_path(workspace.translations_dir, "fr")
    pending = plan.Pending(scripts.language("fr"), messages.load_translations(path), "0" * 64,
                            tmp_path / "fr.pdf")
    html = plan.prepare(workspace, [pending])[0].html
    assert "<script>" not in html and "alert(1)" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_catalog_update_marks_exactly_the_changed_entries_fuzzy(tmp_path):
    ws = copy_workspace(tmp_path / "ws", languages=["fr", "de"])
    template = ws / "templates" / "leaflet.html.j2"
    text = template.read_text()
    text = text.replace("{% trans %}Medical help.{% endtrans %}",
                        "{% trans %}Medical help, free of charge.{% endtrans %}")
    text = text.replace("<li>{% trans %}Psychological support.{% endtrans %}</li>",
                        "<li>{% trans %}Psychological support.{% endtrans %}</li>\n"
                        "    <li>{% trans %}Interpreters when you need them.{% endtrans %}</li>")
    template.write_text(text)
    assert invoke(ws, "catalog", "extract").exit_code == 0
    result = invoke(ws, "catalog", "update")
    assert result.exit_code == 0, result.output
    for locale in ("fr", "de"):
        po = polib.pofile(str(ws / "translations" / locale / "LC_MESSAGES" / "leaflet.po"))
        fuzzy = [e.msgid for e in po.fuzzy_entries()]
        empty = [e.msgid for e in po.untranslated_entries() if not e.fuzzy]
        assert fuzzy == ["Medical help, free of charge."], (locale, fuzzy)
        assert po.find("Medical help, free of charge.").previous_msgid == "Medical help."
        assert empty == ["Interpreters when you need them."], (locale, empty)
        assert po.metadata["X-Review-Status"] == "draft"
    report = json.loads(invoke(ws, "check", "--no-layout", "--format", "json").stdout)
    found = {(f["lang"], f["check"]) for f in report["findings"]}
    assert {("fr", "FUZZY"), ("fr", "UNTRANSLATED"), ("de", "FUZZY"),
            ("de", "UNTRANSLATED")} <= found
    stats = json.loads(invoke(ws, "catalog", "stats", "--format", "json").stdout)
    fr = next(row for row in stats if row["language"] == "fr")
    assert (fr["fuzzy"], fr["untranslated"], fr["review_status"]) == (1, 1, "draft")


def test_release_build_names_the_languages_failing_check(tmp_path):
    ws = copy_workspace(tmp_path / "ws", languages=["fr"])
    po_path = ws / "translations" / "fr" / "LC_MESSAGES" / "leaflet.po"
    mark_reviewed(ws, "fr")  # reviewed, then broken: the check refuses it before anything
    bad = polib.pofile(str(ROOT / "tests/fixtures/bad-po/dropped-placeholder.po"))
    po = polib.pofile(str(po_path))
    po.find("Police: %(number)s").msgstr = bad.find(
        "Police: %(number)s").msgstr
    po.save()
    result = invoke(ws, "build", "--release", "--allow-unverified")
    assert result.exit_code == 1
    assert "languages failing `leaflet check`: fr" in result.output
    assert not (ws / "output" / EDITION).exists()
