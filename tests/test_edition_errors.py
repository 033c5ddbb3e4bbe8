"""Bad input gets a one-line error naming the file (and line), and output/ stays untouched."""

from __future__ import annotations

import re

import pytest

from conftest import EDITION, EDITION_DATE, copy_workspace, invoke


def assert_one_line_error(result, *fragments, code=None):
    assert result.exit_code != 0, result.output
    if code is not None:
        assert result.exit_code == code, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def pdfs_and_temps(ws):
    out = ws / "output"
    return sorted(p.name for p in out.rglob("*") if p.is_file()) if out.exists() else []


def only_the_others_built(ws, refused="fr", built=("en",)):
    """The build is the gate per language: the refused one has no file, the others built."""
    names = pdfs_and_temps(ws)
    assert not [n for n in names if n.startswith(f"{refused}.") or n.endswith(".tmp")], names
    assert all(f"{code}.pdf" in names for code in built), names
    import json

    manifest = json.loads((ws / "output" / EDITION / "manifest.json").read_text())
    assert refused not in manifest["languages"] and set(built) <= set(manifest["languages"])


@pytest.fixture
def ws(tmp_path):
    return copy_workspace(tmp_path / "ws", languages=["en", "fr"])


def test_template_using_an_undefined_value(ws):
    template = ws / "templates" / "leaflet.html.j2"
    lines = template.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if 'class="lead"' in line)
    lines.insert(index, "<p>{{ centre_hours }}</p>")
    template.write_text("\n".join(lines) + "\n")
    result = invoke(ws, "build")
    assert_one_line_error(result, f"leaflet.html.j2:{index + 1}:", "centre_hours", code=1)
    assert pdfs_and_temps(ws) == []


def test_template_syntax_error(ws):
    template = ws / "templates" / "leaflet.html.j2"
    template.write_text(template.read_text().replace("endfor %}", "endfo %}"))
    result = invoke(ws, "build")
    line = assert_one_line_error(result, "leaflet.html.j2:", code=1)
    assert re.search(r"leaflet\.html\.j2:\d+:", line)
    assert pdfs_and_temps(ws) == []


def test_po_with_a_syntax_error(ws):
    po = ws / "translations" / "fr" / "LC_MESSAGES" / "leaflet.po"
    lines = po.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("msgstr") and i > 20)
    lines[index] = lines[index].rstrip('"')  # an unterminated string
    po.write_text("\n".join(lines) + "\n")
    result = invoke(ws, "build")
    assert_one_line_error(result, f"fr/LC_MESSAGES/leaflet.po:{index + 1}:", "syntax error",
                          code=1)
    only_the_others_built(ws)


def test_po_with_an_untranslated_entry_never_falls_back_to_english(ws):
    import polib

    path = ws / "translations" / "fr" / "LC_MESSAGES" / "leaflet.po"
    po = polib.pofile(str(path))
    po.find("Medical help.").msgstr = ""
    po.save()
    line = polib.pofile(str(path)).find("Medical help.").linenum
    result = invoke(ws, "build")
    assert_one_line_error(result, f"leaflet.po:{line}:", "untranslated", code=1)
    only_the_others_built(ws)


def test_unknown_language_on_the_command_line(ws):
    result = invoke(ws, "build", "--lang", "xx")
    assert_one_line_error(result, "--lang", "'xx'", code=2)
    assert pdfs_and_temps(ws) == []


@pytest.mark.parametrize("setting", ["text_size = 30", 'text_size = "11"', "text_size = true",
                                     "text_size = 9.5"])
def test_a_text_size_out_of_range_is_refused(ws, setting):
    """Below 10 pt the leaflet's smallest body text would fall under 9 pt."""
    path = ws / "leaflet.toml"
    text = path.read_text()
    path.write_text(text + f"\n[languages.fr]\n{setting}\n")
    result = invoke(ws, "build")
    line = assert_one_line_error(result, "leaflet.toml:", "[languages.fr] text_size must be a "
                                 "number of points from 10 to 14", code=1)
    assert re.search(r"leaflet\.toml:\d+:", line), line
    assert pdfs_and_temps(ws) == []


@pytest.mark.parametrize("old, new, fragments", [
    (f'id = "{EDITION}"\n', "", ["leaflet.toml:", "missing the field 'id'"]),
    (f"date = {EDITION_DATE}", 'date = "1 December 2026"', ["leaflet.toml:", "not a valid date"]),
    (f"date = {EDITION_DATE}", "date = 2026-13-01", ["leaflet.toml:", "not valid TOML"]),
    ('phone = { value = "078 055 800"', 'phone = { valeur = "078 055 800"',
     ["leaflet.toml:", "needs a non-empty 'value'"]),
    ('verified_on = 2026-12-01 }\nphone_international',
     'verified_on = "28/11/2026" }\nphone_international', ["leaflet.toml:", "not a valid date"]),
])
def test_leaflet_toml_with_a_missing_field_or_bad_date(ws, old, new, fragments):
    path = ws / "leaflet.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    result = invoke(ws, "build")
    line = assert_one_line_error(result, *fragments, code=1)
    assert re.search(r"leaflet\.toml:\d+:", line), line
    assert pdfs_and_temps(ws) == []


def test_a_failed_render_leaves_no_partial_pdf(ws, monkeypatch):
    from leaflet.render import pdf

    def broken(html, base_url, stylesheets=()):
        raise RuntimeError("the renderer crashed")

    monkeypatch.setattr(pdf, "render_document", broken)
    result = invoke(ws, "build", "--jobs", "1")
    assert_one_line_error(result, "rendering failed", code=1)
    leftovers = [name for name in pdfs_and_temps(ws) if name.endswith((".pdf", ".tmp"))]
    assert leftovers == []


def test_a_bug_is_one_line_and_leaflet_debug_shows_its_traceback(ws, monkeypatch):
    """An unexpected exception (a bug) never reaches the user as a traceback: one line says
    it is a bug and how to get the traceback; LEAFLET_DEBUG=1 prints it."""
    from click.testing import CliRunner

    from leaflet.cli import cli
    from leaflet.edition import inventory

    def broken(workspace):
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(inventory, "language_rows", broken)
    monkeypatch.delenv("LEAFLET_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["--workspace", str(ws), "languages"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    line = assert_one_line_error(result, "internal error: RuntimeError: something nobody "
                                         "expected", "LEAFLET_DEBUG=1")
    assert len(line) < 300
    monkeypatch.setenv("LEAFLET_DEBUG", "1")
    debug = CliRunner().invoke(cli, ["--workspace", str(ws), "languages"])
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert "something nobody expected" in debug.stderr


def test_an_os_error_names_the_file(ws):
    """A read-only or unusable output folder: the file and the system's reason, one line."""
    (ws / "output").write_text("a file where the folder should be\n")
    result = invoke(ws, "build", "--lang", "en")
    line = assert_one_line_error(result, "output", code=1)
    assert "Traceback" not in result.output
    assert re.search(r"(Not a directory|File exists|cannot write)", line), line
