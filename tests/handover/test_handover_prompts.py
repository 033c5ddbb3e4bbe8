"""`leaflet handover` at a terminal (issue 27): defaults in brackets taken on Enter (the
leaflet's language is the person's first language with a built leaflet), names wherever a
language is asked, and a last look — a summary and "Record this? [Y/n]" — before the
append-only write; never asked without a terminal or with --yes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from .conftest import WORKSPACE_EDITION, make_workspace

# Amharic, English and Tigrinya are built; Pashto is configured but not built.
LANGUAGES = ("en", "ti", "am", "ps")
BUILT = ("en", "ti", "am")
WHEN = "2026-11-02T14:30:00+01:00"


@pytest.fixture
def ws(tmp_path) -> Path:
    return make_workspace(tmp_path / "ws", languages=LANGUAGES, built={WORKSPACE_EDITION: BUILT})


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'log.sqlite3'}"


@pytest.fixture
def terminal(monkeypatch):
    from leaflet.cli import handover_cmd

    monkeypatch.setattr(handover_cmd, "_interactive", lambda: True)


def run(ws: Path, db: str, *args, input: str | None = None, **options):
    from leaflet.cli import cli

    fields = {"service": "police", "unit": "PZ-5339", "officer": "A1234",
              "assessment": "uncertain", "residence-status": "unknown",
              "centre-action": "contact_arranged", "centre": "payoke", "occurred-at": WHEN}
    fields.update({k.replace("_", "-"): v for k, v in options.items()})
    argv = ["--workspace", str(ws), "handover", "--db", db]
    for name, value in fields.items():
        if value is not None:
            argv += [f"--{name}", value]
    return CliRunner().invoke(cli, [*argv, *args], input=input, catch_exceptions=False)


def records(db: str) -> list[dict]:
    from leaflet.errors import LeafletError
    from leaflet.handover import service

    try:
        return list(service.records(db))
    except LeafletError:
        return []


def test_enter_takes_the_defaults_shown_in_brackets(ws, db, terminal):
    result = run(ws, db, "--person-language", "ps", "--person-language", "am",
                 input="\n\n\n")  # leaflet, its language, Record this?
    assert result.exit_code == 0, result.output
    assert "Leaflet (given, refused, not_given) [given]:" in result.output
    # Pashto comes first but is not built: the default is Amharic, the first one built.
    assert "Language of the leaflet handed over [am]:" in result.output
    [record] = records(db)
    assert (record["leaflet"], record["leaflet_language"]) == ("given", "am")
    assert record["leaflet_edition"] == WORKSPACE_EDITION


def test_a_name_is_taken_wherever_a_language_is_asked(ws, db, terminal):
    result = run(ws, db, input="Amharic, Tigrinya\ngiven\nTigrinya\ny\n")
    assert result.exit_code == 0, result.output
    [record] = records(db)
    assert record["person_languages"] == ["am", "ti"]
    assert record["leaflet_language"] == "ti"


def test_leaflet_language_takes_a_name_as_person_language_does(ws, db):
    result = run(ws, db, person_language="Tigrinya", leaflet="given",
                 leaflet_language="tigrinya")
    assert result.exit_code == 0, result.output
    assert records(db)[0]["leaflet_language"] == "ti"


def test_an_ambiguous_name_lists_the_choices_in_one_line(ws, db):
    result = run(ws, db, person_language="ti", leaflet="given", leaflet_language="Eritrea")
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith("Error: --leaflet-language:")
    assert "ti (Tigrinya)" in errors[0] and "ar (Arabic)" in errors[0]
    assert records(db) == []


def test_a_language_not_built_is_asked_again_at_the_prompt(ws, db, terminal):
    result = run(ws, db, "--person-language", "ps", "--person-language", "am",
                 input="given\nps\n\n\n")  # Pashto refused; Enter takes Amharic
    assert result.exit_code == 0, result.output
    assert "no ps leaflet of edition" in result.output
    assert records(db)[0]["leaflet_language"] == "am"


def test_the_reason_default_fits_what_is_built_and_no_language_is_asked_again(ws, db,
                                                                              terminal):
    result = run(ws, db, "--person-language", "am",
                 input="not_given\nno_language\n\n\n")  # refused; Enter: no_copy; Record
    assert result.exit_code == 0, result.output
    assert "Why not given (no_language, no_copy, implicated, other) [no_copy]:" \
        in result.output
    assert "Amharic (am)" in result.output  # the refusal, before the question again
    assert records(db)[0]["not_given_reason"] == "no_copy"


def test_an_implicated_persons_centre_action_defaults_to_none(ws, db, terminal):
    result = run(ws, db, "--person-language", "ti", assessment="implicated",
                 centre_action=None, centre=None, input="refused\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Support centre action (intake, contact_arranged, contact_declined, none) [none]:" \
        in result.output
    assert records(db)[0]["centre_action"] == "none"


def test_the_last_look_shows_what_will_be_recorded_and_no_records_nothing(ws, db, terminal):
    result = run(ws, db, person_language="Amharic", leaflet="given", leaflet_language="am",
                 case_ref="PV/2026/1", input="n\n")
    assert result.exit_code == 1
    look, asked, after = result.stderr.partition("Record this? [Y/n]")
    assert asked and "Nothing recorded." in after
    for line in ("When: " + WHEN, "Languages the person understands: am",
                 "Language of the leaflet handed over: am", f"Edition: {WORKSPACE_EDITION}",
                 "Support centre: payoke", "Case reference: PV/2026/1"):
        assert line in look, look
    assert result.stdout == "" and records(db) == []
    again = run(ws, db, person_language="am", leaflet="given", leaflet_language="am",
                input="y\n")
    assert again.exit_code == 0 and len(records(db)) == 1
    assert again.stdout.strip() == records(db)[0]["id"]  # stdout: the id alone


@pytest.mark.parametrize("how", ["--yes", "no terminal"])
def test_no_question_with_yes_or_without_a_terminal(ws, db, monkeypatch, how):
    from leaflet.cli import handover_cmd

    monkeypatch.setattr(handover_cmd, "_interactive", lambda: how == "--yes")
    args = ["--yes"] if how == "--yes" else []
    result = run(ws, db, *args, person_language="ti", leaflet="given", leaflet_language="ti")
    assert result.exit_code == 0, result.output
    assert "Record this?" not in result.output
    assert json.loads(json.dumps(records(db)))[0]["leaflet_language"] == "ti"
