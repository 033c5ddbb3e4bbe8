"""The tool's own language (issue 25): every sentence an officer, an auditor, a coordinator or a
reviewer reads is marked for translation; French, Dutch and German are complete and pass the
catalogues' checks; the compiled catalogues and the template are those of the sources; the
language comes from the environment as gettext reads it."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import polib
import pytest

from conftest import ROOT, subprocess_env
from i18n_scan import python_findings, template_findings

from leaflet import i18n

TEMPLATES = ROOT / "templates"
# The templates of the tool's own pages and of the pages the person reads before choosing a
# language (the kiosk's first page, the quick exit's, the site's first page).
CHECKED_TEMPLATES = sorted([*TEMPLATES.glob("station/*.j2"), TEMPLATES / "report.html.j2",
                            TEMPLATES / "print-order.html.j2", TEMPLATES / "proof.html.j2",
                            TEMPLATES / "site" / "index.html.j2"])
UI_LANGUAGES = [code for code in i18n.LANGUAGES if code != i18n.SOURCE]


@pytest.fixture(scope="module")
def env():
    from leaflet.render.templates import environment

    return environment(TEMPLATES)


@pytest.mark.parametrize("path", CHECKED_TEMPLATES, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_every_sentence_of_the_tools_templates_is_marked(path, env):
    assert template_findings(path, env) == []


MODULES = sorted((ROOT / "leaflet").rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_message_of_the_code_is_marked(path):
    assert python_findings(path) == []


def test_the_finders_see_unmarked_text(env, tmp_path):
    """The two tests above could fail: text left outside gettext is found, marked text is
    not, and codes, options and commands are not text."""
    template = tmp_path / "page.html.j2"
    template.write_text(
        '<h1>{{ _("Record a hand-over") }}</h1>\n<p>Answer this question.</p>\n'
        '<p>{% trans %}Kiosk code{% endtrans %} <code>{{ code }}</code></p>\n'
        '<input aria-label="Search a language">\n{{ "two words" if x else "" }}\n'
        '<p>LEAFLET-GIVEN --unit `leaflet stock receive`</p>\n', encoding="utf-8")
    found = [text for _line, text in template_findings(template, env)]
    assert found == ['"two words"', "Answer this question.", "Search a language"]
    module = tmp_path / "module.py"
    module.write_text(
        "import click\nfrom leaflet.i18n import _\n"
        "def f(x):\n"
        "    raise UsageError(f'--unit {x} is not a unit code', hint=_('letters'))\n"
        "def g(x):\n"
        "    click.echo(_('wrote %(path)s') % {'path': x})\n"
        "    click.echo('wrote the file')\n"
        "@click.command()\n"
        "def h():\n"
        "    '''Show one record.'''\n", encoding="utf-8")
    assert [text for _line, text in python_findings(module)] == [
        "--unit {} is not a unit code", "wrote the file", "Show one record."]


@pytest.mark.parametrize("code", UI_LANGUAGES)
def test_each_language_is_complete_and_passes_the_checks(code):
    from leaflet.edition.checks import interface as checks
    from leaflet.translation.rules import ERROR

    po = polib.pofile(str(i18n.catalogue_path(code, ".po")))
    live = [e for e in po if not e.obsolete]
    assert len(live) > 1000
    assert [e.msgid for e in live if not e.translated()] == []
    errors = [str(f) for f in checks.check_catalogue(code) if f.severity == ERROR]
    assert errors == []
    assert po.metadata["X-Review-Status"] == "draft"  # written by us: a draft, never reviewed


def test_the_template_holds_every_message_of_the_sources():
    from leaflet.translation import interface

    extracted = {(m.context, m.id if isinstance(m.id, str) else m.id[0])
                 for m in interface.extract() if m.id}
    pot = {(e.msgctxt, e.msgid) for e in polib.pofile(str(interface.POT))}
    assert extracted - pot == set(), "run `leaflet catalog interface update`"
    assert pot - extracted == set()


@pytest.mark.parametrize("code", UI_LANGUAGES)
def test_the_compiled_catalogue_is_its_source(code):
    po = polib.pofile(str(i18n.catalogue_path(code, ".po")))
    assert i18n.catalogue_path(code).read_bytes() == po.to_binary(), \
        "run `leaflet catalog interface update` (it compiles the .mo)"


@pytest.mark.parametrize("environ, expected", [
    ({}, "en"),
    ({"LANG": "nl_BE.UTF-8"}, "nl"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LC_ALL": "de_BE.UTF-8", "LANG": "fr_BE.UTF-8"}, "de"),
    ({"LC_MESSAGES": "fr_BE.UTF-8", "LANG": "nl_BE.UTF-8"}, "fr"),
    ({"LANGUAGE": "es:nl", "LANG": "fr_BE.UTF-8"}, "nl"),
    ({"LANGUAGE": "es", "LANG": "fr_BE.UTF-8"}, "fr"),
    ({"LANGUAGE": "fr", "LC_ALL": "de_DE.UTF-8"}, "fr"),
    ({"LANG": "pt_BR.UTF-8"}, "en"),
])
def test_the_language_comes_from_the_environment_as_gettext_reads_it(environ, expected):
    assert i18n.from_environment(environ) == expected


def test_a_chosen_language_wins_and_ends_with_its_block():
    message = "wrong account name or password"
    with i18n.language("nl"):
        dutch = i18n._(message)
        with i18n.language("de"):
            german = i18n._(message)
        assert i18n._(message) == dutch
    assert dutch != message and german not in (message, dutch)
    with i18n.language("en"):
        assert i18n._(message) == message


def _leaflet(*args, language: str, cwd=None) -> subprocess.CompletedProcess:
    env = subprocess_env(LANGUAGE=language, LANG="C.UTF-8")
    return subprocess.run([sys.executable, "-m", "leaflet", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, stdin=subprocess.DEVNULL, timeout=120)


def test_click_and_the_commands_speak_the_environments_language():
    french = _leaflet("handover", "--bogus", language="fr")
    assert french.returncode == 2
    english = _leaflet("handover", "--bogus", language="en")
    assert english.stderr != french.stderr
    assert "Usage:" in english.stderr and "Usage:" not in french.stderr
    helped = _leaflet("report", "--help", language="nl")
    assert "--lang" in helped.stdout and "Show this message and exit." not in helped.stdout
    # a draft translation says so in `leaflet --help`
    assert i18n._(i18n.DRAFT_NOTICE) not in _leaflet("--help", language="en").stdout
    with i18n.language("de"):
        notice = " ".join(i18n._(i18n.DRAFT_NOTICE).split())
    assert notice in " ".join(_leaflet("--help", language="de").stdout.split())


def test_the_handover_checklist_in_french(tmp_path):
    db = tmp_path / "log.sqlite3"
    args = ["handover", "--db", str(db), "--service", "police", "--unit", "PZ-5339",
            "--officer", "A1234", "--assessment", "victim", "--residence-status", "illegal",
            "--person-language", "ti", "--leaflet", "not_given", "--not-given-reason", "other",
            "--note", "the person left", "--centre-action", "none",
            "--foreigners-dept-not-informed"]
    french = _leaflet(*args, language="fr", cwd=tmp_path)
    assert french.returncode == 0, french.stderr
    lines = [line.strip() for line in french.stderr.splitlines() if line.strip().startswith("[")]
    assert lines, french.stderr  # the checklist goes to stderr; stdout is the record id
    from leaflet.duties.rules import RULES

    with i18n.language("fr"):
        duties = {rule.id: i18n._(rule.duty) for rule in RULES}
        todo = i18n._(RULES[0].todo)
    for line in lines:
        rule = line.split("]", 1)[1].split(":", 1)[0].strip()
        assert duties[rule] in line, line
        assert not any(r.duty in line for r in RULES if r.duty != duties[r.id]), line
    assert todo in french.stderr
    english = _leaflet(*args, language="en", cwd=tmp_path)
    assert RULES[0].todo in english.stderr and todo not in english.stderr
    assert len(french.stdout.strip()) == 36 and french.stdout != english.stdout  # two ids


def test_no_code_formats_a_message_before_translating_it():
    """`_(f"…")`, `_("…" % x)` or `_("…".format())` would look up a text no catalogue has."""
    bad = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "N_")
                    and node.args and _formatted(node.args[0])):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == []


def _formatted(node) -> bool:
    return (isinstance(node, (ast.JoinedStr, ast.BinOp))
            or isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "format")


def test_environment_language_does_not_leak_into_machine_readable_output(tmp_path):
    """The CSV and JSON of a report keep their English keys and values in any language."""
    db = tmp_path / "log.sqlite3"
    made = _leaflet("handover", "--db", str(db), "--service", "police", "--unit", "PZ-1",
                    "--officer", "A1", "--assessment", "victim", "--residence-status", "legal",
                    "--person-language", "ti", "--leaflet", "not_given",
                    "--not-given-reason", "no_language", "--centre-action", "none",
                    language="en", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    for fmt in ("json", "csv"):
        outputs = {lang: _leaflet("report", "--db", str(db), "--format", fmt, language=lang,
                                  cwd=tmp_path).stdout for lang in ("en", "fr", "nl", "de")}
        assert len(set(outputs.values())) == 1, fmt
        outputs = {lang: _leaflet("report", "--db", str(db), "--format", fmt, "--lang", lang,
                                  language="en", cwd=tmp_path).stdout
                   for lang in ("en", "nl")}
        assert len(set(outputs.values())) == 1, fmt
        if fmt == "json":
            assert "leaflet not given (no_language)" in outputs["en"]


def test_the_environment_is_not_needed_to_import(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert i18n.current() == "en"
    assert os.environ.get("LANG") is None


@pytest.fixture
def locale_copy(tmp_path, monkeypatch):
    """The interface's catalogues copied, and leaflet.i18n pointed at the copy."""
    import shutil

    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    i18n.translations.cache_clear()
    yield copy
    i18n.translations.cache_clear()


def test_an_interface_catalogue_goes_to_xliff_and_back(locale_copy, tmp_path):
    """A zone's translation service reviews the Dutch in its CAT tool: one target and one
    plural form edited come back, compiled; a target that breaks a placeholder is refused
    whole, nothing written."""
    from leaflet.edition.checks import interface as checks
    from leaflet.translation import interface, xliff

    def check(code, override):
        return checks.check_catalogue(code, override)

    exported = interface.export_xliff("nl", tmp_path / "nl.xlf")
    xml = exported.read_text(encoding="utf-8")
    po = polib.pofile(str(i18n.catalogue_path("nl", ".po")))
    old = po.find("Answer this question.").msgstr
    assert f">{old}</target>" in xml
    plural = next(e for e in po if e.msgid_plural and "%(n)s" in e.msgid)
    assert f">{plural.msgstr_plural[1]}</target>" in xml
    edited = (xml.replace(f">{old}</target>", ">Beantwoord deze vraag, a.u.b.</target>")
              .replace(f">{plural.msgstr_plural[1]}</target>",
                       ">" + plural.msgstr_plural[1].replace("%(n)s", "%(n)s ") + "</target>", 1))
    (tmp_path / "edited.xlf").write_text(edited, encoding="utf-8")
    result = interface.import_xliff(tmp_path / "edited.xlf", "nl", check=check)
    assert sorted(result.changed) == sorted(["Answer this question.", plural.msgid])
    with i18n.language("nl"):
        i18n.translations.cache_clear()
        assert i18n._("Answer this question.") == "Beantwoord deze vraag, a.u.b."
    before = i18n.catalogue_path("nl", ".po").read_bytes()
    broken = edited.replace(">Beantwoord deze vraag, a.u.b.</target>",
                            ">Beantwoord %(vraag)s.</target>")
    (tmp_path / "broken.xlf").write_text(broken, encoding="utf-8")
    with pytest.raises(xliff.XliffRefused, match="PLACEHOLDERS"):
        interface.import_xliff(tmp_path / "broken.xlf", check=check)
    assert i18n.catalogue_path("nl", ".po").read_bytes() == before
    (tmp_path / "german.xlf").write_text(edited.replace('target-language="nl"',
                                                        'target-language="de"'),
                                         encoding="utf-8")
    with pytest.raises(xliff.XliffRefused):
        interface.import_xliff(tmp_path / "german.xlf", "nl", check=check)


def test_a_reviewed_interface_catalogue_says_no_draft(locale_copy):
    from leaflet.edition.checks import interface as checks
    from leaflet.translation import interface

    assert i18n.is_draft("fr")
    interface.mark_reviewed("fr", "A. Relecteur, Service de traduction", "2026-12-01",
                            check=lambda code, override: checks.check_catalogue(code))
    i18n.translations.cache_clear()
    assert not i18n.is_draft("fr") and i18n.is_draft("nl")
    po = polib.pofile(str(i18n.catalogue_path("fr", ".po")))
    assert po.metadata["X-Reviewed-By"] == "A. Relecteur, Service de traduction"
