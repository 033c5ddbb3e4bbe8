"""At a desk with a workspace, a leaflet recorded as given is one the workspace built: its
language configured and built for that edition, the edition the workspace's or one built
before. Without a workspace the desk records what it is told (docs/log-format.md)."""

from __future__ import annotations

import json

import pytest

from .conftest import make_workspace


@pytest.fixture
def at_desk(log, tmp_path, monkeypatch):
    """A workspace (edition 2027-03, languages en ti fr; en and ti built, and en of 2026-09)
    as the current folder."""
    ws = make_workspace(tmp_path / "ws", languages=("en", "ti", "fr"),
                        built={"2027-03": ["en", "ti"], "2026-09": ["en"]})
    monkeypatch.chdir(ws)
    return ws


def refused(result, option: str, *says: str):
    assert result.exit_code == 2, result.output
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and error[0].startswith(f"Error: {option}:"), result.output
    for text in says:
        assert text in error[0], error[0]
    assert result.stdout == ""  # no id: nothing was recorded


def test_a_built_leaflet_is_recorded(log, at_desk):
    result = log.handover(leaflet_language="ti")
    assert result.exit_code == 0, result.output
    data = json.loads(log.run("log", "show", result.stdout.strip()).stdout)
    assert (data["leaflet_language"], data["leaflet_edition"]) == ("ti", "2027-03")
    assert log.handover(leaflet_language="en", edition="2026-09").exit_code == 0
    assert log.count() == 2


def test_a_configured_language_not_built_is_refused_with_the_build_command(log, at_desk):
    refused(log.handover(leaflet_language="fr"), "--leaflet-language",
            "no fr leaflet of edition 2027-03 is built", "built: en, ti",
            "leaflet build --lang fr")
    assert log.count() == 0


def test_a_language_the_workspace_does_not_configure_is_refused(log, at_desk):
    refused(log.handover(person_language=["ar"], leaflet_language="ar"),
            "--leaflet-language", "'ar' is not a language of this workspace (en, ti, fr)")
    assert log.count() == 0


def test_an_edition_never_built_is_refused(log, at_desk):
    refused(log.handover(edition="2019-01"), "--edition",
            "edition '2019-01' was never built in this workspace", "2027-03, 2026-09")
    assert log.count() == 0


def test_a_language_not_built_for_an_older_edition_is_refused(log, at_desk):
    refused(log.handover(leaflet_language="ti", edition="2026-09"), "--leaflet-language",
            "no ti leaflet of edition 2026-09 was built", "built: en")
    assert log.count() == 0


def test_a_manifest_entry_without_its_pdf_is_not_built(log, at_desk):
    (at_desk / "output" / "2027-03" / "ti.pdf").unlink()
    refused(log.handover(leaflet_language="ti"), "--leaflet-language", "built: en")


def test_the_current_edition_never_built_refuses_every_leaflet(log, tmp_path, monkeypatch):
    monkeypatch.chdir(make_workspace(tmp_path / "ws", built={}))
    refused(log.handover(leaflet_language="ti"), "--leaflet-language",
            "none is built", "leaflet build --lang ti")
    # A leaflet not given needs nothing built.
    assert log.handover(leaflet="refused", leaflet_language=None).exit_code == 0


def test_a_damaged_manifest_is_named(log, at_desk):
    (at_desk / "output" / "2027-03" / "manifest.json").write_text("{", encoding="utf-8")
    result = log.handover(leaflet_language="ti")
    assert result.exit_code == 1
    assert "output/2027-03/manifest.json: is not JSON" in result.output
    (at_desk / "output" / "2027-03" / "manifest.json").write_text(
        json.dumps({"edition": "2026-09", "languages": {}}), encoding="utf-8")
    result = log.handover(leaflet_language="ti")
    assert result.exit_code == 1 and "not the manifest of edition 2027-03" in result.output
    assert log.count() == 0


def test_without_a_workspace_the_desk_records_what_it_is_told(log, desk):
    assert not (desk / "leaflet.toml").exists()
    result = log.handover(leaflet_language="fr", person_language=["fr"], edition="1999-01")
    assert result.exit_code == 0, result.output
    data = json.loads(log.run("log", "show", result.stdout.strip()).stdout)
    assert (data["leaflet_language"], data["leaflet_edition"]) == ("fr", "1999-01")


def test_pick_and_the_hand_over_agree_on_what_is_built(at_desk):
    from leaflet.workspace.built import built_languages
    from leaflet.workspace import load_workspace

    assert list(built_languages(load_workspace(at_desk))) == ["en", "ti"]
