"""The build is the gate: whatever a catalogue holds, it is either printed correctly or
refused with a finding, never an exception; and two builds at once keep the manifest true."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EDITION, copy_workspace
from leaflet.files import sha256_file

PERIOD = "<strong>Reflection period"

# Pieces a translator, a tool or an attacker may put into a msgstr.
TOKENS = ["%(days)s", "%(days)d", "%(dayz)s", "%s", "%", "%%", "{{ 7*7 }}", "{x}", "<strong>",
          "</strong>", "<em>", "</em>", "<br>", "<br/>", "<img src=x onerror=alert(1)>",
          "<script>", "javascript:", "078 055 800", "+32 2 511 64 64", "info@example.org",
          "www.example.be", "1000", "\u202e", "\u202c", "\u2066", "\u2069", "\u200b", "\u200c",
          "\u200d", "\u200e", "\ufeff", "\u2028", "\x00", "\x07", "\t", "\n", "\r", "\\",
          '"', "'", "&amp;", "&", "jours", "Вы", "ло", "días", "дней", "日", "ثلاثة", "а",
          "é", "e\u0301", "😀", "\U000e0001", "\ud7ff"]
FRAGMENTS = st.one_of(st.sampled_from(TOKENS),
                      st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
MSGSTRS = st.one_of(
    st.lists(FRAGMENTS, max_size=12).map("".join),
    st.builds(lambda n, s: s * n, st.integers(1, 300), st.sampled_from(["jours ", "%(days)s "])),
)


@pytest.fixture(scope="module")
def gate_workspace(tmp_path_factory):
    from leaflet.workspace import load_workspace

    ws = copy_workspace(tmp_path_factory.mktemp("gate") / "ws", languages=["fr"])
    return ws, load_workspace(ws)


def _set_msgstr(ws: Path, text: str) -> None:
    path = ws / "translations" / "fr" / "LC_MESSAGES" / "leaflet.po"
    po = polib.pofile(str(path), wrapwidth=76)
    next(e for e in po if e.msgid.startswith(PERIOD)).msgstr = text
    po.save()


@settings(max_examples=30, deadline=timedelta(seconds=30), derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(msgstr=MSGSTRS)
def test_any_msgstr_is_printed_or_is_a_finding_never_an_exception(gate_workspace, msgstr):
    from leaflet.edition import build
    from leaflet.edition.checks import catalogue as checks
    from leaflet.translation import catalog
    from leaflet.languages import scripts
    from leaflet.errors import LeafletError

    ws, workspace = gate_workspace
    _set_msgstr(ws, msgstr)
    lang = scripts.languages_for(workspace, ["fr"])[0]
    pot = catalog.read_po(workspace.translations_dir / catalog.POT_NAME)
    started = time.monotonic()
    try:
        findings = checks.check_language(workspace, lang, pot)
    except LeafletError:
        findings = None  # refused as a file (PO-SYNTAX before polib): still a finding
    errors = findings is None or any(f.severity == checks.ERROR for f in findings)
    pdf = workspace.output_dir / "fr.pdf"
    pdf.unlink(missing_ok=True)
    try:
        result = build.build(workspace, ["fr"], jobs=1, force=True)
    except build.LanguagesRefused as exc:
        assert "fr" in exc.refused
        assert not pdf.exists()
        # The build refuses exactly what check refuses, minus layout (the build sees it too).
        assert errors or any("LAYOUT" in f for f in exc.refused["fr"]), exc.refused
    else:
        assert not errors, [str(f) for f in findings]
        assert result.rendered == ["fr"] and pdf.is_file()
    assert time.monotonic() - started < 30


def _build(ws: Path, code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "leaflet", "--workspace", str(ws), "build",
                             "--force", "--jobs", "1", "--lang", code],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_two_builds_at_once_keep_the_manifest_true(tmp_path):
    """Six rounds of two builds of different languages started together: after each, the
    manifest names both languages and every sha256 in it is the file's on disk."""
    ws = copy_workspace(tmp_path / "ws", languages=["en", "fr", "nl"])
    out = ws / "output" / EDITION
    for round_ in range(6):
        first, second = _build(ws, "en"), _build(ws, "fr" if round_ % 2 else "nl")
        for proc in (first, second):
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
        manifest = json.loads((out / "manifest.json").read_text())
        langs = manifest["languages"]
        assert {"en", "nl"} <= set(langs) and (round_ == 0 or "fr" in langs), sorted(langs)
        for code, entry in langs.items():
            assert sha256_file(out / entry["pdf"]) == entry["sha256"], (round_, code)
