"""Hostile input, edition side: catalogues, leaflet.toml, build, check and catalogue commands.

Each row breaks one thing the way a careless or hostile user would, runs the real command
line, and asserts (tests/hostile/harness.py): the exit code, one error line naming the file
and line (or the option), no traceback, and nothing written: no PDF, no print file, no
manifest, no catalogue change.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import EDITION, EDITION_DATE, copy_workspace
from hostile.harness import assert_refused, run_cli, snapshot

FR = "translations/fr/LC_MESSAGES/leaflet.po"


# --- how each case breaks the workspace ---------------------------------------------------

def msgstr_sub(msgid_start: str, old: str | None, new: str):
    """Replace `old` (or the whole msgstr when None) in the translation of one entry."""
    def mutate(ws: Path):
        import polib

        path = ws / FR
        po = polib.pofile(str(path), wrapwidth=76)
        entry = next(e for e in po if e.msgid.startswith(msgid_start))
        if old is None:
            entry.msgstr = new
        else:
            assert old in entry.msgstr, (old, entry.msgstr)
            entry.msgstr = entry.msgstr.replace(old, new, 1)
        po.save()
    return mutate


def po_bytes(transform):
    def mutate(ws: Path):
        path = ws / FR
        data = path.read_bytes()
        changed = transform(data)
        assert changed != data, "the mutation changed nothing"
        path.write_bytes(changed)
    return mutate


def toml_sub(old: str, new: str, count: int = 1):
    def mutate(ws: Path):
        path = ws / "leaflet.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return mutate


def toml_bytes(transform):
    def mutate(ws: Path):
        path = ws / "leaflet.toml"
        data = path.read_bytes()
        changed = transform(data)
        assert changed != data, "the mutation changed nothing"
        path.write_bytes(changed)
    return mutate


def copy_catalogue(source: str):
    def mutate(ws: Path):
        shutil.copy(ws / f"translations/{source}/LC_MESSAGES/leaflet.po", ws / FR)
    return mutate


def output_is_a_file(ws: Path):
    (ws / "output").write_text("not a folder\n")


def edition_folder_is_a_file(ws: Path):
    (ws / "output").mkdir()
    (ws / "output" / EDITION).write_text("not a folder\n")


def nothing(ws: Path):
    pass


def built_then(mutation):
    """Build fr first (the card lists built languages), then break the catalogue."""
    def mutate(ws: Path):
        outcome = run_cli("--workspace", str(ws), "build", "--lang", "fr")
        assert outcome.code == 0, outcome.stderr
        mutation(ws)
    return mutate


PERIOD = "<strong>Reflection period"
MEDICAL = "Medical help."
BUILD_FR = ("build", "--lang", "fr")
PRINT_FR = ("build", "--print", "--lang", "fr")
CHECK_FR = ("check", "--lang", "fr", "--no-layout")
PO_LINE = r"translations/fr/LC_MESSAGES/leaflet\.po:\d+: "
TOML_LINE = r"leaflet\.toml:\d+: "

# (id, mutation, args, exit code, where (regex on the error line), what it says (regex))
CASES = [
    # -- what a translator (or an attacker with write access to a catalogue) types ------------
    ("phone-typed", msgstr_sub(MEDICAL, None, "Aide médicale : appelez le 0478 12 34 56."),
     BUILD_FR, 1, PO_LINE, "CONTACT"),
    ("phone-typed-print", msgstr_sub(MEDICAL, None, "Aide médicale : 02 511 64 64."),
     PRINT_FR, 1, PO_LINE, "CONTACT"),
    ("phone-arabic-indic-digits", msgstr_sub(MEDICAL, None, "Aide médicale : ٠٤٧٨ ١٢ ٣٤ ٥٦"),
     BUILD_FR, 1, PO_LINE, "CONTACT"),
    ("email-typed", msgstr_sub(MEDICAL, None, "Aide médicale : aide@example.org"),
     BUILD_FR, 1, PO_LINE, "CONTACT"),
    ("url-typed", msgstr_sub(MEDICAL, None, "Aide médicale : https://evil.example/aide"),
     BUILD_FR, 1, PO_LINE, "CONTACT"),
    ("dutch-catalogue-in-fr", copy_catalogue("nl"), BUILD_FR, 1, PO_LINE, "PO-LANGUAGE"),
    ("percent-s", msgstr_sub(MEDICAL, None, "Aide médicale %s."), BUILD_FR, 1, PO_LINE,
     "PLACEHOLDERS"),
    ("percent-d-bare", msgstr_sub(MEDICAL, None, "Aide médicale %d."), BUILD_FR, 1, PO_LINE,
     "PLACEHOLDERS"),
    ("stray-percent", msgstr_sub(MEDICAL, None, "Aide médicale à 100 % gratuite."), BUILD_FR, 1,
     PO_LINE, "PLACEHOLDERS"),
    ("unknown-placeholder", msgstr_sub(PERIOD, "%(days)s", "%(dayz)s"), BUILD_FR, 1, PO_LINE,
     "PLACEHOLDERS"),
    ("missing-placeholder", msgstr_sub(PERIOD, "%(days)s", "45"), BUILD_FR, 1, PO_LINE,
     "PLACEHOLDERS"),
    ("placeholder-with-width", msgstr_sub(PERIOD, "%(days)s", "%(days)5s"), BUILD_FR, 1,
     PO_LINE, "PLACEHOLDERS"),
    ("jinja-expression", msgstr_sub(MEDICAL, None, "Aide médicale {{ 7*7 }}."), BUILD_FR, 1,
     PO_LINE, "PLACEHOLDERS"),
    ("img-onerror", msgstr_sub(MEDICAL, None, 'Aide <img src=x onerror="alert(1)">.'), BUILD_FR,
     1, PO_LINE, "MARKUP"),
    ("script-tag", msgstr_sub(MEDICAL, None, "Aide <script>alert(1)</script>."), PRINT_FR, 1,
     PO_LINE, "MARKUP"),
    ("style-tag", msgstr_sub(MEDICAL, None, "Aide <span style='display:none'>x</span>."),
     BUILD_FR, 1, PO_LINE, "MARKUP"),
    ("rlo-around-days", msgstr_sub(PERIOD, "%(days)s", "\u202e%(days)s\u202c"), BUILD_FR, 1,
     PO_LINE, r"INVISIBLE: U\+202E"),
    ("rlo-around-days-print", msgstr_sub(PERIOD, "%(days)s", "\u202e%(days)s\u202c"), PRINT_FR,
     1, PO_LINE, r"INVISIBLE: U\+202E"),
    ("lre-embedding", msgstr_sub(PERIOD, "%(days)s", "\u202a%(days)s\u202c"), BUILD_FR, 1,
     PO_LINE, r"U\+202A"),
    ("rli-isolate", msgstr_sub(PERIOD, "%(days)s", "\u2067%(days)s\u2069"), BUILD_FR, 1,
     PO_LINE, r"U\+2067"),
    ("lrm-mark", msgstr_sub(MEDICAL, None, "Aide\u200e médicale."), BUILD_FR, 1, PO_LINE,
     r"U\+200E"),
    ("rlm-mark", msgstr_sub(MEDICAL, None, "Aide\u200f médicale."), BUILD_FR, 1, PO_LINE,
     r"U\+200F"),
    ("zero-width-space", msgstr_sub(MEDICAL, None, "Aide mé\u200bdicale."), BUILD_FR, 1, PO_LINE,
     r"U\+200B"),
    ("word-joiner", msgstr_sub(MEDICAL, None, "Aide mé\u2060dicale."), BUILD_FR, 1, PO_LINE,
     r"U\+2060"),
    ("bom-inside-text", msgstr_sub(MEDICAL, None, "Aide \ufeffmédicale."), BUILD_FR, 1, PO_LINE,
     r"U\+FEFF"),
    ("soft-hyphen", msgstr_sub(MEDICAL, None, "Aide mé\u00addicale."), BUILD_FR, 1, PO_LINE,
     r"U\+00AD"),
    ("zwnj-in-latin", msgstr_sub(MEDICAL, None, "Aide mé\u200cdicale."), BUILD_FR, 1, PO_LINE,
     r"U\+200C.*ZWNJ/ZWJ are allowed only"),
    ("bell-control", msgstr_sub(MEDICAL, None, "Aide\x07 médicale."), BUILD_FR, 1, PO_LINE,
     r"U\+0007"),
    ("line-separator", msgstr_sub(MEDICAL, None, "Aide\u2028médicale."), BUILD_FR, 1, PO_LINE,
     "line break inside a line"),
    ("huge-msgstr", msgstr_sub(MEDICAL, None, "Aide médicale. " * 7000), BUILD_FR, 1, PO_LINE,
     "LENGTH"),
    ("huge-msgstr-check", msgstr_sub(MEDICAL, None, "Aide médicale. " * 7000),
     ("check", "--lang", "fr"), 1, None, None),
    ("fuzzy", po_bytes(lambda b: b.replace(b'msgid "Medical help."',
                                           b'#, fuzzy\nmsgid "Medical help."', 1)),
     BUILD_FR, 1, PO_LINE, "FUZZY"),
    ("untranslated", msgstr_sub(MEDICAL, None, ""), BUILD_FR, 1, PO_LINE, "UNTRANSLATED"),
    ("nul-byte", po_bytes(lambda b: b.replace(b"aide m", b"aide\x00 m", 1)), BUILD_FR, 1,
     PO_LINE, "NUL byte"),
    ("bom-at-start", po_bytes(lambda b: b"\xef\xbb\xbf" + b), BUILD_FR, 1,
     r"leaflet\.po:1: ", r"byte-order mark \(BOM\)"),
    ("latin-1-bytes", po_bytes(lambda b: b.replace("médicale".encode(), b"m\xe9dicale", 1)),
     BUILD_FR, 1, PO_LINE, "UTF-8"),
    ("unterminated-string", po_bytes(lambda b: b.replace(b'msgstr "Une aide m', b'msgstr Une aide m', 1)),
     BUILD_FR, 1, PO_LINE, "syntax error"),
    ("cr-inside-line", po_bytes(lambda b: b.replace(b"aide m", b"aide\rm", 1)), BUILD_FR, 1,
     PO_LINE, "line break inside a line"),
    # -- a figure or a phone number slipped in (round 3) -----------------------------------
    ("digit-glued-to-days", msgstr_sub(PERIOD, "%(days)s", "1%(days)s"), BUILD_FR, 1, PO_LINE,
     "NUMBERS"),
    ("digit-glued-to-days-print", msgstr_sub(PERIOD, "%(days)s", "1%(days)s"), PRINT_FR, 1,
     PO_LINE, "NUMBERS"),
    ("arabic-digit-glued-to-days", msgstr_sub(PERIOD, "%(days)s", "%(days)s٥"), BUILD_FR, 1,
     PO_LINE, "NUMBERS"),
    ("digit-after-number", msgstr_sub("Police: ", "%(number)s", "%(number)s 5"),
     BUILD_FR, 1, PO_LINE, "NUMBERS"),
    ("phone-no-break-spaces", msgstr_sub(MEDICAL, None, "Aide : 02\u00a0511\u00a064\u00a064."),
     BUILD_FR, 1, PO_LINE, "CONTACT"),
    ("phone-narrow-no-break-spaces-print",
     msgstr_sub(MEDICAL, None, "Aide : 02\u202f511\u202f64\u202f64."), PRINT_FR, 1, PO_LINE,
     "CONTACT"),
    ("character-reference-rlo", msgstr_sub(MEDICAL, None, "Aide &#x202E;médicale."), BUILD_FR,
     1, PO_LINE, "MARKUP|INVISIBLE"),
    ("character-reference-digit", msgstr_sub(MEDICAL, None, "Aide médicale &#52;&#53;."),
     BUILD_FR, 1, PO_LINE, "MARKUP|NUMBERS"),
    ("email-all-cyrillic", toml_sub('"info@pag-asa.be"', '"инфо@паг-аса.бе"'), BUILD_FR, 1,
     TOML_LINE, "ASCII only"),
    ("website-all-cyrillic", toml_sub('"https://www.asblsurya.org"', '"https://суря.орг"'),
     BUILD_FR, 1, TOML_LINE, "ASCII only"),
    ("helpline-premium-rate", toml_sub('value = "078 055 800"', 'value = "0903 12 345"'),
     BUILD_FR, 1, TOML_LINE, "premium-rate"),
    ("card-rlo", built_then(msgstr_sub("I speak English.", None, "Je parle \u202efrançais\u202c.")),
     ("card",), 1, PO_LINE, r"U\+202E"),
    ("card-phone", built_then(msgstr_sub("I speak English.", None, "Je parle français : 0478 12 34 56.")),
     ("card",), 1, PO_LINE, "CONTACT"),
    # -- leaflet.toml: contact data by kind ---------------------------------------------------
    ("helpline-letter-o", toml_sub('value = "078 055 800"', 'value = "078 O55 8OO"'), BUILD_FR,
     1, TOML_LINE, "helpline.phone .*'O'"),
    ("helpline-letter-o-check", toml_sub('value = "078 055 800"', 'value = "078 O55 8OO"'),
     CHECK_FR, 1, None, None),
    ("centre-digit-missing", toml_sub('value = "+32 2 511 64 64"', 'value = "+32 2 511 64 6"'),
     BUILD_FR, 1, TOML_LINE, "not a valid number"),
    ("centre-numbers-disagree", toml_sub('value = "+32 2 511 64 64"',
                                         'value = "+32 2 511 64 65"'),
     BUILD_FR, 1, TOML_LINE, "different numbers"),
    ("centre-phone-no-trunk-zero", toml_sub('value = "02 511 64 64"', 'value = "2 511 64 64"'),
     BUILD_FR, 1, TOML_LINE, "not what is printed"),
    ("centre-phone-arabic-digits", toml_sub('value = "02 511 64 64"', 'value = "٠٢ ٥١١ ٦٤ ٦٤"'),
     BUILD_FR, 1, TOML_LINE, "ASCII digits"),
    ("website-javascript", toml_sub('"https://www.asblsurya.org"', '"javascript:alert(1)"'),
     BUILD_FR, 1, TOML_LINE, "https://"),
    ("website-http", toml_sub('"https://www.asblsurya.org"', '"http://www.asblsurya.org"'),
     BUILD_FR, 1, TOML_LINE, "https://"),
    ("website-space", toml_sub('"https://www.asblsurya.org"', '"https://www.asbl surya.org"'),
     BUILD_FR, 1, TOML_LINE, "no spaces"),
    ("website-userinfo", toml_sub('"https://www.asblsurya.org"',
                                  '"https://www.asblsurya.org@evil.example"'),
     BUILD_FR, 1, TOML_LINE, "user name"),
    ("website-bad-host", toml_sub('"https://www.asblsurya.org"', '"https://-asblsurya-.org"'),
     BUILD_FR, 1, TOML_LINE, "not a valid domain"),
    ("website-port", toml_sub('"https://www.asblsurya.org"', '"https://www.asblsurya.org:8443"'),
     BUILD_FR, 1, TOML_LINE, "port"),
    ("contact-website-default-javascript",
     toml_sub('default = "https://www.stophumantrafficking.be"',
              'default = "javascript:alert(1)"'),
     BUILD_FR, 1, TOML_LINE, "https://"),
    ("email-invalid", toml_sub('"info@pag-asa.be"', '"info@@pag-asa.be"'), BUILD_FR, 1,
     TOML_LINE, "not a valid e-mail"),
    ("email-no-domain", toml_sub('"info@pag-asa.be"', '"info@pag-asa"'), BUILD_FR, 1,
     TOML_LINE, "e-mail"),
    # -- leaflet.toml: invisible characters, scripts, encoding --------------------------------
    ("toml-rlo-in-address", toml_sub("Rue des Alexiens 16B", "Rue des Alexiens \u202e16B\u202c"),
     BUILD_FR, 1, TOML_LINE, r"U\+202E"),
    ("toml-zwsp-in-name", toml_sub('name = "Payoke"', 'name = "Pay\u200boke"'), BUILD_FR, 1,
     TOML_LINE, r"U\+200B"),
    ("toml-cyrillic-a", toml_sub('name = "Payoke"', 'name = "P\u0430yoke"'), BUILD_FR, 1,
     TOML_LINE, "mixes scripts"),
    ("toml-bom", toml_bytes(lambda b: b"\xef\xbb\xbf" + b), BUILD_FR, 1, r"leaflet\.toml:1: ",
     "BOM"),
    ("toml-nul", toml_bytes(lambda b: b.replace(b'name = "Payoke"', b'name = "Pay\x00oke"', 1)),
     BUILD_FR, 1, TOML_LINE, "NUL byte"),
    ("toml-huge-value", toml_sub('name = "Payoke"', 'name = "' + "Payoke " * 1500 + '"'),
     BUILD_FR, 1, TOML_LINE, "characters long"),
    ("toml-huge-edition-id", toml_sub(f'id = "{EDITION}"', 'id = "' + "x" * 10000 + '"'),
     BUILD_FR, 1, TOML_LINE, "edition"),
    # -- leaflet.toml: dates, codes, settings ---------------------------------------------------
    ("edition-in-3000", toml_sub(f"date = {EDITION_DATE}", "date = 3000-12-01"), BUILD_FR, 1,
     TOML_LINE, "days ahead"),
    ("edition-before-1997", toml_sub(f"date = {EDITION_DATE}", "date = 1990-12-01"), BUILD_FR, 1,
     TOML_LINE, "1997"),
    ("verified-on-future", toml_sub("verified_on = 2026-11-28", "verified_on = 2999-11-28"),
     BUILD_FR, 1, TOML_LINE, "in the future"),
    ("language-upper-case", toml_sub('"en", "fr",', '"en", "fr", "FR",'), BUILD_FR, 1,
     TOML_LINE, "write 'fr', not 'FR'"),
    ("language-twice", toml_sub('"en", "fr",', '"en", "fr", "fr",'), BUILD_FR, 1, TOML_LINE,
     "'fr' twice"),
    ("language-not-a-code", toml_sub('"en", "fr",', '"en", "fr", "fr_BE!",'), BUILD_FR, 1,
     TOML_LINE, "not a BCP 47 code"),
    ("language-unknown-to-cldr", toml_sub('"en", "fr",', '"en", "fr", "qqq",'),
     ("build", "--lang", "qqq"), 1, TOML_LINE, r"\[build\] languages: 'qqq'"),
    ("timezone-number", toml_sub('timezone = "Europe/Brussels"', "timezone = 5"), BUILD_FR, 1,
     TOML_LINE, "time zone"),
    ("timezone-unknown", toml_sub('timezone = "Europe/Brussels"', 'timezone = "Mars/Olympus"'),
     BUILD_FR, 1, TOML_LINE, "time zone"),
    ("case-ref-backtracking", toml_sub("case_ref_pattern = '^[A-Za-z0-9./-]{1,40}$'",
                                       "case_ref_pattern = '^(a+)+$'"),
     BUILD_FR, 1, TOML_LINE, "exponential"),
    ("case-ref-nested-star", toml_sub("case_ref_pattern = '^[A-Za-z0-9./-]{1,40}$'",
                                      "case_ref_pattern = '^([A-Z0-9]*-?)*$'"),
     CHECK_FR, 1, TOML_LINE, "exponential"),
    ("case-ref-not-regex", toml_sub("case_ref_pattern = '^[A-Za-z0-9./-]{1,40}$'",
                                    "case_ref_pattern = '^[A-Z'"),
     BUILD_FR, 1, TOML_LINE, "regular expression"),
    ("language-setting-unknown", toml_sub('font = "Noto Nastaliq Urdu"',
                                          'font = "Noto Nastaliq Urdu"\ncolour = "red"'),
     BUILD_FR, 1, TOML_LINE, "unknown setting"),
    # -- the command line and the output folder ----------------------------------------------
    ("unknown-lang-option", nothing, ("build", "--lang", "xx"), 2, "--lang", "'xx'"),
    ("jobs-zero", nothing, ("build", "--jobs", "0"), 2, "--jobs", None),
    ("check-format", nothing, ("check", "--format", "xml"), 2, "--format", None),
    ("output-is-a-file", output_is_a_file, BUILD_FR, 1, r"output", "writ|folder|director"),
    ("edition-folder-is-a-file", edition_folder_is_a_file, BUILD_FR, 1, rf"output/{EDITION}",
     None),
    ("catalog-update-one-broken", po_bytes(lambda b: b"\xef\xbb\xbf" + b), ("catalog", "update"),
     1, r"leaflet\.po:1: ", "BOM"),
    ("catalog-init-bad-code", nothing, ("catalog", "init", "x!"), 2, "LANG", "language code"),
    ("catalog-init-existing", nothing, ("catalog", "init", "fr"), 1, r"fr/LC_MESSAGES/leaflet\.po",
     "exists"),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return copy_workspace(tmp_path_factory.mktemp("hostile") / "ws", languages=["en", "fr", "ur"])


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_edition_input(case, pristine, tmp_path):
    name, mutate, args, code, where, says = case
    ws = tmp_path / "ws"
    shutil.copytree(pristine, ws)
    mutate(ws)
    before = snapshot(ws)
    started = time.monotonic()
    outcome = run_cli("--workspace", str(ws), *args, cwd=tmp_path)
    elapsed = time.monotonic() - started
    if where is None:  # `check`: findings on stdout, exit 1, no traceback, nothing written
        assert outcome.code == 1, outcome.stderr
        assert "Traceback" not in outcome.stdout + outcome.stderr
        assert re.search(r"(LENGTH|DATA-INVALID)", outcome.stdout), outcome.stdout
        assert snapshot(ws) == before
    else:
        assert_refused(outcome, code, where, message=says, before=before, after=snapshot(ws))
        assert "internal error" not in outcome.stdout + outcome.stderr
    if "card" not in args:  # the card case built fr on purpose, before breaking it
        assert not (ws / "output" / EDITION / "fr.pdf").exists()
    assert not list(ws.rglob("*.tmp"))
    # Resource bound: a 100 KB msgstr is refused in about the time of an ordinary check.
    assert elapsed < 30, f"{name} took {elapsed:.1f} s"


def test_the_table_is_large_enough():
    assert len(CASES) >= 60
