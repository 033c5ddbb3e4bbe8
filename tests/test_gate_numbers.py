"""A translation never changes a printed figure, whatever door it comes through.

`1%(days)s` printed "145 jours" in French and passed `check`, `catalog review`, `build
--release --print` and `stock order`; a phone number typed with no-break spaces (French
typography's own) passed the typed-contact check, through `catalog import` too; an HTML
character reference could carry a direction override or a digit. The gate is one function
(leaflet.edition.checks.check_language); these tests knock on every door with variants of
each class: other scripts' digits, other spaces, other entry points.
"""

from __future__ import annotations

import shutil

import polib
import pytest

from conftest import EDITION, copy_workspace, invoke

FR = "translations/fr/LC_MESSAGES/leaflet.po"
AR = "translations/ar/LC_MESSAGES/leaflet.po"
HI = "translations/hi/LC_MESSAGES/leaflet.po"
PERIOD = "<strong>Reflection period"


def entry_with(po, placeholder: str):
    return next(e for e in po if placeholder in e.msgid and e.msgstr
                and placeholder in e.msgstr and not e.msgid_plural)


def glue(catalogue: str, placeholder: str, before: str = "", after: str = ""):
    """Put `before`/`after` right against `placeholder` in the first entry that has it."""
    def mutate(ws):
        po = polib.pofile(str(ws / catalogue), wrapwidth=76)
        entry = entry_with(po, placeholder)
        entry.msgstr = entry.msgstr.replace(placeholder, before + placeholder + after, 1)
        po.save()
    return mutate


def typed(catalogue: str, text: str):
    """Append `text` to the translation of "Medical help." (an entry with no number)."""
    def mutate(ws):
        po = polib.pofile(str(ws / catalogue), wrapwidth=76)
        entry = next(e for e in po if e.msgid == "Medical help.")
        entry.msgstr = entry.msgstr + " " + text
        po.save()
    return mutate


# (id, catalogue's language, mutation, the finding that must name it)
CASES = [
    ("digit-before-days", "fr", glue(FR, "%(days)s", before="1"), "NUMBERS"),
    ("digit-after-days", "fr", glue(FR, "%(days)s", after="5"), "NUMBERS"),
    ("arabic-indic-before-days", "ar", glue(AR, "%(days)s", before="١"), "NUMBERS"),
    ("devanagari-after-days", "hi", glue(HI, "%(days)s", after="०"), "NUMBERS"),
    ("full-width-after-days", "fr", glue(FR, "%(days)s", after="\uff15"), "NUMBERS"),
    ("superscript-after-days", "fr", glue(FR, "%(days)s", after="²"), "NUMBERS"),
    ("fraction-after-days", "fr", glue(FR, "%(days)s", after=" ½"), "NUMBERS"),
    ("zero-before-number", "fr", glue(FR, "%(number)s", before="0"), "NUMBERS"),
    ("digit-after-number-space", "fr", glue(FR, "%(number)s", after=" 5"), "NUMBERS"),
    ("digit-after-number-nbsp", "fr", glue(FR, "%(number)s", after="\u00a05"), "NUMBERS"),
    ("digit-after-number-narrow-nbsp", "fr", glue(FR, "%(number)s", after="\u202f5"),
     "NUMBERS"),
    ("digit-after-number-dot", "fr", glue(FR, "%(number)s", after=".9"), "NUMBERS"),
    ("months-digit", "fr", glue(FR, "%(months)s", before="1"), "NUMBERS"),
    ("a-number-the-english-lacks", "fr", typed(FR, "(48 heures)"), "NUMBERS"),
    ("phone-nbsp", "fr", typed(FR, "02\u00a0511\u00a064\u00a064"), "CONTACT"),
    ("phone-narrow-nbsp", "fr", typed(FR, "02\u202f511\u202f64\u202f64"), "CONTACT"),
    ("phone-thin-space", "fr", typed(FR, "0478\u200912\u200934\u200956"), "CONTACT"),
    ("phone-ideographic-space", "fr", typed(FR, "0478\u300012\u300034\u300056"), "CONTACT"),
    ("phone-non-breaking-hyphen", "fr", typed(FR, "0478\u201112\u201134\u201156"), "CONTACT"),
    ("phone-middle-dot", "fr", typed(FR, "0478·12·34·56"), "CONTACT"),
    ("phone-arabic-digits-nbsp", "ar", typed(AR, "٠٤٧٨\u00a0١٢\u00a0٣٤\u00a0٥٦"), "CONTACT"),
    ("reference-rlo", "fr", typed(FR, "&#x202E;x"), "MARKUP"),
    ("reference-digit", "fr", typed(FR, "&#49;&#50;"), "MARKUP"),
    ("reference-named-rlm", "fr", typed(FR, "&rlm;"), "MARKUP"),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    return copy_workspace(tmp_path_factory.mktemp("gate") / "ws",
                          languages=["en", "fr", "ar", "hi"])


@pytest.fixture
def broken(pristine, tmp_path, request):
    name, code, mutate, finding = request.param
    ws = tmp_path / "ws"
    shutil.copytree(pristine, ws)
    mutate(ws)
    return ws, code, finding


@pytest.mark.parametrize("broken", CASES, ids=[c[0] for c in CASES], indirect=True)
def test_check_names_it(broken):
    ws, code, finding = broken
    result = invoke(ws, "check", "--lang", code, "--no-layout")
    assert result.exit_code == 1, result.output
    assert f": {finding}: " in result.output, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


# Every door, for two variants each (a digit glued to a placeholder; a phone typed with a
# narrow no-break space): the same gate refuses them all, and nothing is written.
DOORS = [c for c in CASES if c[0] in ("digit-before-days", "phone-narrow-nbsp")]


@pytest.mark.parametrize("broken", DOORS, ids=[c[0] for c in DOORS], indirect=True)
def test_every_door_refuses_it(broken):
    ws, code, finding = broken
    build = invoke(ws, "build", "--lang", code)
    assert build.exit_code == 1 and finding in build.output, build.output
    assert not (ws / "output" / EDITION / f"{code}.pdf").exists()
    printed = invoke(ws, "build", "--release", "--print", "--allow-unverified", "--lang", code)
    assert printed.exit_code == 1, printed.output
    review = invoke(ws, "catalog", "review", code, "--reviewer", "A. Reviewer, Test")
    assert review.exit_code != 0 and finding in review.output, review.output
    order = invoke(ws, "stock", "order", f"{code}=10", "--allow-draft",
                   "--output-dir", str(ws / "order"))
    assert order.exit_code == 1 and "failing `leaflet check`" in order.output, order.output
    assert not (ws / "order").exists()
    site = invoke(ws, "build", "--site", "--lang", code)
    assert site.exit_code == 1
    assert not (ws / "output" / EDITION / "site" / code).exists()


@pytest.mark.parametrize("variant", ["1%(days)s", "%(days)s\u202f5"])
def test_an_xliff_import_cannot_bring_it_in(pristine, tmp_path, variant):
    ws = tmp_path / "ws"
    shutil.copytree(pristine, ws)
    exported = tmp_path / "fr.xlf"
    assert invoke(ws, "catalog", "export", "fr", "-o", str(exported)).exit_code == 0
    text = exported.read_text(encoding="utf-8")
    start = text.index("<target", text.index("%(days)s"))
    end = text.index("</target>", start)
    target = text[start:end]
    assert "%(days)s" in target
    exported.write_text(text[:start] + target.replace("%(days)s", variant, 1) + text[end:],
                        encoding="utf-8")
    before = (ws / FR).read_bytes()
    result = invoke(ws, "catalog", "import", str(exported))
    assert result.exit_code == 1 and "NUMBERS" in result.output, result.output
    assert (ws / FR).read_bytes() == before


def test_the_shipped_catalogues_bring_in_no_figure():
    """Every catalogue of the edition passes NUMBERS and CONTACT (a repeated number such
    as "24 heures sur 24" is the English's own; a number written out in words is fine)."""
    from leaflet.edition.checks import entries as checks
    from leaflet.translation.catalog import read_po
    from conftest import ROOT

    found = []
    for path in sorted((ROOT / "translations").glob("*/LC_MESSAGES/leaflet.po")):
        for entry in read_po(path):
            if entry.obsolete or not entry.msgid:
                continue
            for check in (checks.check_numbers, checks.check_contact, checks.check_markup):
                found += [str(f) for f in check(entry, str(path))]
    assert found == []
