"""Plausibility (issue 27): "no leaflet in the person's language" is refused while a leaflet
is built in one of the person's languages — in `leaflet handover` and at the desk, through
the one validation both use — and "no printed copy at hand" (no_copy) is counted apart, as a
stock gap, in the report and in `leaflet stock status`. A leaflet given before its edition's
date is recorded with a warning (leaflet.handover.plausibility says why not refused)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from .conftest import WORKSPACE_EDITION, make_workspace

UNIT, OFFICER = "PZ-5339", "A1234"
# Amharic is built (with English and Tigrinya); Pashto is not.
LANGUAGES = ("en", "ti", "am", "ps")
BUILT = ("en", "ti", "am")
# The edition's date and the hand-overs, relative to today (a hand-over cannot be in the
# future): the edition is dated 60 days ago.
TODAY = dt.date.today()
EDITION_DATE = TODAY - dt.timedelta(days=60)
BEFORE_DAY = TODAY - dt.timedelta(days=90)
AFTER_EDITION = f"{TODAY - dt.timedelta(days=30)}T10:00:00+01:00"
BEFORE_EDITION = f"{BEFORE_DAY}T10:00:00+01:00"


@pytest.fixture
def ws(tmp_path) -> Path:
    folder = make_workspace(tmp_path / "ws", languages=LANGUAGES,
                            built={WORKSPACE_EDITION: BUILT})
    toml = folder / "leaflet.toml"
    toml.write_text(re.sub(r"(?m)^date = .*$", f"date = {EDITION_DATE}",
                           toml.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    return folder


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'log.sqlite3'}"


def handover(ws: Path | None, db: str, *, person=("am",), leaflet="not_given",
             reason: str | None = "no_language", language: str | None = None,
             occurred_at: str = AFTER_EDITION, unit: str = UNIT, extra=(), input=None):
    from leaflet.cli import cli

    args = [] if ws is None else ["--workspace", str(ws)]
    args += ["handover", "--db", db, "--service", "police", "--unit", unit,
             "--officer", OFFICER, "--assessment", "uncertain", "--residence-status", "unknown",
             "--leaflet", leaflet, "--centre-action", "contact_arranged", "--centre", "payoke",
             "--occurred-at", occurred_at, *extra]
    for code in person:
        args += ["--person-language", code]
    if reason is not None:
        args += ["--not-given-reason", reason]
    if language is not None:
        args += ["--leaflet-language", language]
    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def count(db: str) -> int:
    from leaflet.errors import LeafletError
    from leaflet.handover import service

    try:
        return service.verify(db).count
    except LeafletError:
        return 0


# --- the reason a leaflet was not given -----------------------------------------------------

@pytest.mark.parametrize("person", [("am",), ("Amharic",), ("ps", "am")])
def test_the_amharic_case_is_refused_in_the_cli(ws, db, person):
    result = handover(ws, db, person=person)
    assert result.exit_code == 2, result.output
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1, result.output
    assert "--not-given-reason" in error[0]
    assert "Amharic (am)" in error[0] and "give that leaflet" in error[0]
    assert "no printed copy at hand" in error[0] and "no_copy" in error[0]  # what to do
    assert result.stdout == "" and count(db) == 0


def test_no_copy_is_recorded_when_the_leaflet_is_built(ws, db):
    result = handover(ws, db, reason="no_copy")
    assert result.exit_code == 0, result.output
    from leaflet.handover import service

    assert next(service.records(db))["not_given_reason"] == "no_copy"


def test_no_language_is_recorded_when_none_of_the_languages_is_built(ws, db):
    assert handover(ws, db, person=("ps",)).exit_code == 0
    refused = handover(ws, db, person=("ps",), reason="no_copy")
    assert refused.exit_code == 2
    assert "--not-given-reason" in refused.output and "no_language" in refused.output
    assert count(db) == 1


def test_without_a_workspace_nothing_is_known_of_what_is_built(tmp_path, db, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no leaflet.toml here or above
    assert handover(None, db).exit_code == 0


def test_the_amharic_case_is_refused_at_the_desk(tmp_path, db):
    """The desk records through the same service: the same refusal, on the reason's field,
    and nothing recorded; no command line on the page."""
    from conftest import copy_workspace, mark_built, EDITION
    from leaflet.station.app import create_app
    from leaflet.workspace import load_workspace
    from station.conftest import csrf_of, log_in, make_account

    ws = copy_workspace(tmp_path / "desk-ws", languages=list(BUILT))
    mark_built(ws, EDITION, BUILT)
    make_account(db)
    client = create_app(load_workspace(ws), db, testing=True).test_client()
    log_in(client)
    form = {"service": "police", "assessment": "uncertain", "residence_status": "unknown",
            "person_languages": "Amharic", "leaflet": "not_given",
            "not_given_reason": "no_language", "centre_action": "contact_arranged",
            "centre": "payoke"}
    response = client.post("/desk/", data={**form, "csrf": csrf_of(client.get("/desk/"))})
    assert response.status_code == 422
    page = html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))
    assert "give that leaflet" in page and "Amharic (am)" in page
    assert "no printed copy at hand" in page
    assert "`leaflet" not in page  # no command line at the desk
    assert count(db) == 0
    # The reason the message names is one the form offers, and it is recorded.
    response = client.post("/desk/", data={**form, "not_given_reason": "no_copy",
                                           "csrf": csrf_of(client.get("/desk/"))})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert count(db) == 1
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "no printed copy at hand" in receipt


# --- no_copy is a stock gap, not a translation gap -----------------------------------------

def test_the_report_counts_no_copy_as_a_stock_gap_not_a_language_gap(ws, db):
    from leaflet.cli import cli

    assert handover(ws, db, reason="no_copy").exit_code == 0
    assert handover(ws, db, reason="no_copy", unit="PZ-5340").exit_code == 0
    assert handover(ws, db, person=("am", "en"), reason="no_copy").exit_code == 0
    assert handover(ws, db, person=("ps",)).exit_code == 0  # a translation gap

    def report(*args):
        result = CliRunner().invoke(cli, ["--workspace", str(ws), "report", "--db", db,
                                          *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    data = json.loads(report("--format", "json"))
    assert data["language_gaps"] == [{"language": "ps", "encounters": 1}]
    assert data["stock_gaps"] == [
        {"unit": "PZ-5339", "language": "am", "encounters": 2},
        {"unit": "PZ-5339", "language": "en", "encounters": 1},
        {"unit": "PZ-5340", "language": "am", "encounters": 1}]
    given = next(rule for rule in data["rules"] if rule["id"] == "LEAFLET-GIVEN")
    assert (given["applicable"], given["not_met"]) == (4, 4)  # the duty was not met
    assert report("--format", "csv", "--table", "stock-gaps").splitlines() == [
        "unit,language,encounters", "PZ-5339,am,2", "PZ-5339,en,1", "PZ-5340,am,1"]
    assert report("--format", "csv", "--table", "language-gaps").splitlines() == [
        "language,encounters", "ps,1"]
    table = report()
    assert "Stock gaps" in table and re.search(r"PZ-5340\s+am\s+1", table)
    # A correction of a stock gap into a hand-over leaves no gap.
    from leaflet.handover import service

    first = next(service.records(db))["id"]
    fixed = handover(ws, db, leaflet="given", reason=None, language="am",
                     extra=["--amends", first])
    assert fixed.exit_code == 0, fixed.output
    data = json.loads(report("--format", "json"))
    assert {"unit": "PZ-5339", "language": "am", "encounters": 1} in data["stock_gaps"]


def test_stock_status_shows_the_stock_gaps_recorded_at_hand_overs(ws, db):
    from leaflet.cli import cli

    assert handover(ws, db, reason="no_copy").exit_code == 0
    assert handover(ws, db, reason="no_copy").exit_code == 0
    assert handover(ws, db, person=("ps",)).exit_code == 0  # not a stock gap

    def status(*args):
        result = CliRunner().invoke(cli, ["--workspace", str(ws), "stock", "status", "--db", db,
                                          *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    data = json.loads(status("--format", "json"))
    assert data["stock_gaps"] == [{"unit": UNIT, "language": "am", "encounters": 2}]
    text = status()
    line = next(line for line in text.splitlines() if "no printed copy" in line)
    assert UNIT in line and "am" in line and "2" in line and "ps" not in text.split(line)[1]


# --- a hand-over before its edition's date: warned, not refused ---------------------------

def test_a_leaflet_given_before_its_editions_date_is_recorded_with_a_warning(ws, db):
    result = handover(ws, db, leaflet="given", reason=None, language="am",
                      occurred_at=BEFORE_EDITION)
    assert result.exit_code == 0, result.output
    assert (f"warning: this hand-over ({BEFORE_DAY}) is dated before edition "
            f"{WORKSPACE_EDITION} (of {EDITION_DATE})") in result.stderr
    assert result.stdout.strip() and count(db) == 1
    later = handover(ws, db, leaflet="given", reason=None, language="am")
    assert later.exit_code == 0 and "warning" not in later.stderr


def test_on_a_terminal_the_warning_comes_before_the_question(ws, db, monkeypatch):
    from leaflet.cli import handover_cmd

    monkeypatch.setattr(handover_cmd, "_interactive", lambda: True)
    result = handover(ws, db, leaflet="given", reason=None, language="am",
                      occurred_at=BEFORE_EDITION, input="n\n")
    assert result.exit_code == 1
    before, _, after = result.stderr.partition("Record this? [Y/n]")
    assert f"dated before edition {WORKSPACE_EDITION}" in before
    assert "Nothing recorded." in after
    assert count(db) == 0


def test_the_desk_receipt_shows_the_same_warning(ws, db):
    from leaflet.handover import service
    from leaflet.workspace import load_workspace

    workspace = load_workspace(ws)
    record = service.prepare({"service": "police", "unit": UNIT, "officer": OFFICER,
                              "assessment": "victim", "residence_status": "legal",
                              "person_languages": ["am"], "leaflet": "given",
                              "leaflet_language": "am", "centre_action": "intake",
                              "centre": "payoke", "occurred_at": BEFORE_EDITION},
                             workspace=workspace).to_dict()
    doubts = service.warnings(record, workspace, recorded=True)
    assert len(doubts) == 1 and "record a correction" in doubts[0]
    assert "--" not in doubts[0]  # no option of the command line on a desk page
    assert service.warnings(dict(record, occurred_at=AFTER_EDITION), workspace) == []
