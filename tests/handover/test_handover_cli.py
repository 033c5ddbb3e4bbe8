"""Stories of the desk: an officer records an encounter with `leaflet handover`."""

from __future__ import annotations

import json
import re
import uuid

from .conftest import GOOD, make_workspace, options

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_an_officer_records_an_encounter_and_gets_its_id_only(log):
    result = log.handover()
    assert result.exit_code == 0, result.output
    record_id = result.stdout.strip()
    assert UUID.match(record_id), result.stdout
    assert log.ids() == [record_id]

    shown = log.run("log", "show", record_id)
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["person_languages"] == ["ti"]
    assert data["leaflet_edition"] is None  # no workspace: the edition is not known
    assert data["occurred_at"] == "2026-11-02T14:30:00+01:00"
    assert data["seq"] == 1 and data["prev_hash"] == "0" * 64 and len(data["hash"]) == 64
    assert data["amended_by"] == []


def test_the_record_holds_exactly_the_format_fields(log):
    from leaflet.duties.record import CHAIN_FIELDS
    from leaflet.duties.record import FIELDS

    record_id = log.handover().stdout.strip()
    data = json.loads(log.run("log", "show", record_id).stdout)
    assert list(data) == [*FIELDS, *CHAIN_FIELDS, "amended_by"]
    # Nothing in the format can hold who the person is.
    for personal in ("name", "birth", "address", "document", "passport", "photo", "nationality"):
        assert not any(personal in field for field in FIELDS)


def test_a_desk_sets_unit_and_officer_once_in_the_environment(log):
    fields = dict(GOOD, unit=None, officer=None, service=None)
    result = log.run("handover", *options(fields),
                     env={"LEAFLET_UNIT": "LPA-BRU", "LEAFLET_OFFICER": "INS-77",
                          "LEAFLET_SERVICE": "social-law-inspection"})
    assert result.exit_code == 0, result.output
    data = json.loads(log.run("log", "show", result.stdout.strip()).stdout)
    assert (data["unit"], data["officer"], data["service"]) == (
        "LPA-BRU", "INS-77", "social-law-inspection")


def test_the_edition_defaults_to_the_workspace_edition(log, tmp_path, monkeypatch):
    monkeypatch.chdir(make_workspace(tmp_path / "ws", built={"2027-03": ["en", "ti"],
                                                             "2026-12": ["ti"]}))
    record_id = log.handover().stdout.strip()
    assert json.loads(log.run("log", "show", record_id).stdout)["leaflet_edition"] == "2027-03"
    record_id = log.handover(edition="2026-12").stdout.strip()
    assert json.loads(log.run("log", "show", record_id).stdout)["leaflet_edition"] == "2026-12"


def test_without_a_workspace_the_defaults_apply(log, desk):
    assert not (desk / "leaflet.toml").exists()
    result = log.handover(case_ref="PV/2026/004512")
    assert result.exit_code == 0, result.output


def test_the_case_ref_pattern_comes_from_leaflet_toml(log, tmp_path, monkeypatch):
    monkeypatch.chdir(make_workspace(tmp_path / "ws", pattern=r"^BR\.[0-9]{2}\.L[0-9]\.[0-9]{6}/[0-9]{2}$"))
    assert log.handover(case_ref="BR.12.L3.004512/26").exit_code == 0
    before = log.count()
    result = log.handover(case_ref="PV-2026-1")
    assert result.exit_code == 2, result.output
    assert "--case-ref" in result.output and "pattern" in result.output
    assert log.count() == before


def test_occurred_at_defaults_to_now_with_the_local_offset(log):
    result = log.handover(occurred_at=None)
    assert result.exit_code == 0, result.output
    data = json.loads(log.run("log", "show", result.stdout.strip()).stdout)
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", data["occurred_at"])


def test_languages_are_stored_in_canonical_form(log):
    result = log.handover(person_language=["ZH_hans", "ar-ma"], leaflet_language="zh_HANS")
    assert result.exit_code == 0, result.output
    data = json.loads(log.run("log", "show", result.stdout.strip()).stdout)
    assert data["person_languages"] == ["zh-Hans", "ar-MA"]
    assert data["leaflet_language"] == "zh-Hans"


def test_a_language_cldr_knows_without_locale_data_is_accepted(log):
    # Romani has no CLDR locale data, but CLDR knows the language code.
    result = log.handover(person_language=["rom", "ro"], leaflet_language="ro")
    assert result.exit_code == 0, result.output


def test_not_given_and_refused_are_recorded_with_their_reason(log):
    result = log.handover(leaflet="not_given", leaflet_language=None,
                          not_given_reason="no_language", note="no leaflet in Tigre yet",
                          person_language=["tig"])
    assert result.exit_code == 0, result.output
    result = log.handover(leaflet="refused", leaflet_language=None,
                          note="person declined to take it")
    assert result.exit_code == 0, result.output
    assert log.count() == 2


def test_a_victim_without_papers_must_say_whether_the_foreigners_department_was_told(log):
    fields = dict(GOOD, assessment="victim", **{"residence-status": "illegal",
                                                 "centre-action": "intake"})
    result = log.run("handover", *options(fields))
    assert result.exit_code == 2
    assert "--foreigners-dept-informed/--foreigners-dept-not-informed" in result.output
    assert log.count() == 0
    fields["foreigners-dept-informed"] = False
    result = log.run("handover", *options(fields))
    assert result.exit_code == 0, result.output
    data = json.loads(log.run("log", "show", result.stdout.strip()).stdout)
    assert data["foreigners_dept_informed"] is False


def test_without_a_terminal_every_missing_option_is_named(log):
    result = log.run("handover", "--service", "police")
    assert result.exit_code == 2
    for option in ("--unit", "--officer", "--assessment (victim|uncertain|implicated)",
                   "--residence-status", "--person-language", "--leaflet (given|refused|"
                   "not_given)", "--centre-action"):
        assert option in result.output
    assert log.count() == 0


def test_on_a_terminal_missing_answers_are_asked_for(log, monkeypatch):
    from leaflet.cli import handover_cmd

    monkeypatch.setattr(handover_cmd, "_interactive", lambda: True)
    answers = "\n".join([
        "police",            # service
        "PZ-5339",           # unit
        "A1234",             # officer
        "maybe",             # assessment: not a choice, asked again
        "victim",
        "provisional",       # residence status
        "xx-nope ti",        # languages: xx-nope refused, asked again
        "ti am",
        "given",             # leaflet
        "am",                # leaflet language
        "intake",            # centre action
        "pag-asa",           # centre
        "y",                 # Foreigners Department informed
        "",                  # edition (no workspace): unknown
        "",                  # Record this? [Y/n]: Enter is yes
    ]) + "\n"
    result = log.run("handover", input=answers)
    assert result.exit_code == 0, result.output
    assert "victim, uncertain, implicated" in result.output  # the choices were shown
    assert "'xx' is not a CLDR language code" in result.output
    record_id = result.stdout.strip().splitlines()[-1]
    data = json.loads(log.run("log", "show", record_id).stdout)
    assert data["person_languages"] == ["ti", "am"]
    assert data["leaflet_language"] == "am"
    assert data["centre"] == "pag-asa"
    assert data["foreigners_dept_informed"] is True


def test_a_correction_is_a_new_record_naming_the_one_it_corrects(log):
    wrong = log.handover(leaflet_language="am").stdout.strip()
    fixed = log.handover(amends=wrong).stdout.strip()
    assert log.ids() == [wrong, fixed]
    original = json.loads(log.run("log", "show", wrong[:8]).stdout)
    assert original["leaflet_language"] == "am"  # the original is never changed
    assert original["amended_by"] == [fixed]
    assert json.loads(log.run("log", "show", fixed).stdout)["amends"] == wrong
    assert "amends" in log.run("log", "list").stdout


def test_a_correction_of_an_unknown_record_is_refused(log):
    log.handover()
    result = log.handover(amends=str(uuid.uuid4()))
    assert result.exit_code == 2, result.output
    assert "--amends" in result.output
    assert log.count() == 1


def test_show_of_an_unknown_id_fails(log):
    log.handover()
    result = log.run("log", "show", str(uuid.uuid4()))
    assert result.exit_code == 1
    assert "no record" in result.output


def test_list_filters_by_period_and_unit(log):
    log.handover(occurred_at="2025-11-30T23:30:00+01:00")  # Brussels: 30 November
    log.handover(occurred_at="2025-11-30T23:30:00+00:00")  # Brussels: 1 December, 00:30
    log.handover(occurred_at="2025-12-31T23:59:00+01:00", unit="LPA-BRU")
    log.handover(occurred_at="2026-01-01T00:00:00+01:00")
    december = log.run("log", "list", "--from", "2025-12-01", "--to", "2026-01-01",
                       "--format", "jsonl")
    assert december.exit_code == 0, december.output
    rows = [json.loads(line) for line in december.stdout.splitlines()]
    assert [r["occurred_at"] for r in rows] == ["2025-11-30T23:30:00+00:00",
                                                "2025-12-31T23:59:00+01:00"]
    unit = log.run("log", "list", "--unit", "LPA-BRU", "--format", "jsonl")
    assert [json.loads(line)["unit"] for line in unit.stdout.splitlines()] == ["LPA-BRU"]
    table = log.run("log", "list")
    assert len(table.stdout.splitlines()) == 5  # header and four records
    bad = log.run("log", "list", "--from", "1 December")
    assert bad.exit_code == 2 and "--from" in bad.output


def test_db_upgrade_creates_a_new_log_and_says_so(log):
    result = log.run("db", "upgrade")
    assert result.exit_code == 0, result.output
    from leaflet.storage import layout

    applied = ", ".join(str(v) for v in range(1, layout.SCHEMA_VERSION + 1))
    assert f"schema version 0 → {layout.SCHEMA_VERSION} (applied {applied})" in result.stdout
    again = log.run("db", "upgrade")
    assert "nothing to do" in again.stdout
    assert log.run("log", "verify").stdout.startswith("ok: 0 records")
