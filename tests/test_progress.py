"""Long work reports progress when piped, and repeated warnings fold into one line."""

from __future__ import annotations

import io

from leaflet.cli.progress import Progress, kind_of, summarised


class _Piped(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_piped_progress_prints_a_line_per_stage_with_counts():
    out = _Piped()
    progress = Progress(out)
    progress.stage("render", 34)
    for _ in range(34):
        progress.step("xx")
    progress.stage("audio", 2)
    progress.step("ti")
    progress.step("am")
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines[0] == "Rendering: 34 languages"
    assert "Rendering: 17 of 34" in lines and "Rendering: 8 of 34" in lines
    assert "Rendering: 34 of 34 done" in lines
    assert lines[-3:] == ["Audio: 2 languages", "Audio: 1 of 2", "Audio: 2 of 2 done"]
    assert len(lines) <= 10  # a few lines per stage, not one per language


def test_an_abandoned_stage_claims_nothing_done():
    out = _Piped()
    progress = Progress(out)
    progress.stage("render", 4)
    progress.step()
    progress.abandon()
    progress.close()
    assert "done" not in out.getvalue()


def test_repeated_warnings_of_one_kind_become_one_summary_line():
    fills = [f"ka: translations/ka/LC_MESSAGES/leaflet.po: FILL: warning: ka: page {n} "
             f"('x') is only 5{n}% full" for n in range(10)]
    weasy = [f"ka: WeasyPrint: Ignored `foo: {n}` at {n}:1" for n in range(5)]
    other = ["contact detail a.b is not verified (no verified_on in leaflet.toml)"]
    lines = summarised(fills + weasy + other)
    assert len(lines) == 2 + 1 + 2 + 1 + 1
    assert "warning: and 8 more FILL warnings (`leaflet check --lang ka` lists them all)" in lines
    assert "warning: and 3 more WeasyPrint warnings (`leaflet build --verbose` lists them all)" \
        in lines
    assert lines[-1].startswith("warning: contact detail a.b")
    assert len(summarised(fills + weasy + other, verbose=True)) == 16
    assert kind_of(fills[0]) == "FILL" and kind_of(weasy[0]) == "WeasyPrint"


def test_three_of_a_kind_are_all_shown():
    three = [f"xx: translations/x.po: GLYPH: warning: {n}" for n in range(3)]
    assert summarised(three) == [f"warning: {w}" for w in three]


def test_a_piped_build_says_each_stage_and_folds_warnings(tmp_path):
    from conftest import copy_workspace, invoke

    ws = copy_workspace(tmp_path / "ws", languages=["en", "fr"])
    result = invoke(ws, "build")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Rendering: 2 languages" in lines
    assert "Rendering: 2 of 2 done" in lines
    warnings = [line for line in lines if line.startswith("warning:")]
    assert 0 < len(warnings) <= 4, warnings
