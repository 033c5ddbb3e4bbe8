"""An auditor asks, for October 2025: did each unit meet each duty of the circular? The log is
the hand-made one of encounters.py; every figure below was counted by hand from it, and the
same figures come out of SQLite and of PostgreSQL 15."""

from __future__ import annotations

import json

import pytest

from . import encounters as fx
from .encounters import A, E


@pytest.fixture
def log(db_url, tmp_path):
    desk_id = fx.write_log(db_url, tmp_path)
    return db_url, desk_id


def report(db_url, *args):
    result = fx.run(["report", "--format", "json", *args], db_url)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def figures(rules: list[dict]) -> dict:
    return {r["id"]: (r["applicable"], r["met"], r["refused"], r["not_met"]) for r in rules}


def test_october_every_duty_with_its_paragraph(log):
    db_url, desk_id = log
    data = report(db_url, "--from", fx.OCTOBER[0], "--to", fx.OCTOBER[1])
    assert (data["from"], data["to"], data["timezone"]) == ("2025-10-01", "2025-11-01", fx.TZ)
    assert data["encounters"] == 14
    assert data["corrected"] == 4
    assert figures(data["rules"]) == fx.OCTOBER_RULES
    paragraphs = {r["id"]: r["paragraph"] for r in data["rules"]}
    assert paragraphs == {"LEAFLET-GIVEN": "closing paragraph",
                          "LEAFLET-LANGUAGE": "closing paragraph", "CENTRE-INTAKE": "§5.1",
                          "FOREIGNERS-DEPT": "§5.1", "CENTRE-CONTACT": "§5.2",
                          "NO-CENTRE-FOR-IMPLICATED": "§5.3"}
    given = data["rules"][0]
    assert given["rate"] == round(7 / 12, 4)
    assert "duty to give him or a her the information leaflet" in given["paragraph_text"]
    assert all(r["refused"] == 0 for r in data["rules"][1:])

    # the follow-up list: every failed duty, oldest first, naming the counted version
    assert [(v["id"], v["rule"]) for v in data["violations"]] == fx.OCTOBER_VIOLATIONS
    assert data["violations_total"] == 9 and data["follow_up"] == 7
    last = data["violations"][-1]
    assert last == {"id": E[12], "occurred_at": "2025-10-31T23:30:00+01:00",
                    "service": "police", "unit": "PZ-A", "rule": "LEAFLET-GIVEN",
                    "detail": "leaflet not given (no_language)"}
    assert data["violations"][0]["unit"] == "PZ-B"  # A2 moved E2 from PZ-A

    gaps = [(g["language"], g["encounters"]) for g in data["language_gaps"]]
    assert gaps == fx.OCTOBER_GAPS
    editions = [(e["edition"], e["given"]) for e in data["editions"]]
    assert editions == fx.OCTOBER_EDITIONS
    assert data["log"]["records"] == len(fx.RECORDS) + len(fx.CORRECTIONS) + 1
    assert "groups" not in data


def test_only_the_latest_version_counts_even_when_it_moves_the_encounter(log):
    db_url, desk_id = log
    october = report(db_url, "--from", fx.OCTOBER[0], "--to", fx.OCTOBER[1])
    november = report(db_url, "--from", fx.NOVEMBER[0], "--to", fx.NOVEMBER[1])
    september = report(db_url, "--from", "2025-09-01", "--to", "2025-10-01")
    everything = report(db_url)

    # E6 was corrected into November (A3); E15 out of September into October (A4);
    # E13 at 00:30 on 1 November is November's, E14 at 00:30 on 1 October is October's.
    assert november["encounters"] == 2
    assert figures(november["rules"]) == fx.NOVEMBER_RULES
    assert september["encounters"] == 0
    assert all(r["applicable"] == 0 and r["rate"] is None for r in september["rules"])
    assert everything["encounters"] == 16 == october["encounters"] + november["encounters"]
    assert everything["corrected"] == 5

    # E11 was corrected twice: only the later correction (typed at the desk) counts, once.
    ids = {v["id"] for v in everything["violations"]}
    assert E[11] not in ids and A[6] not in ids and desk_id not in ids
    contact = figures(everything["rules"])["CENTRE-CONTACT"]
    assert contact == (7, 6, 0, 1)  # October's five, A3 and E13
    # E3 → A1 → A5: the correction of the correction counts (intake arranged)
    assert figures(october["rules"])["CENTRE-INTAKE"] == (7, 6, 0, 1)


def test_by_unit_service_language_and_month(log):
    db_url, _ = log
    period = ["--from", fx.OCTOBER[0], "--to", fx.OCTOBER[1]]
    by_unit = report(db_url, *period, "--by", "unit")
    assert by_unit["by"] == "unit"
    found = {g["key"]: (g["encounters"], figures(g["rules"])["LEAFLET-GIVEN"])
             for g in by_unit["groups"]}
    assert found == fx.OCTOBER_BY_UNIT
    assert [g["key"] for g in by_unit["groups"]] == sorted(fx.OCTOBER_BY_UNIT)
    assert figures(by_unit["rules"]) == fx.OCTOBER_RULES  # groups do not change the totals

    by_service = report(db_url, *period, "--by", "service")
    assert {g["key"]: g["encounters"] for g in by_service["groups"]} == fx.OCTOBER_BY_SERVICE

    by_language = report(db_url, *period, "--by", "language")
    assert {g["key"]: g["encounters"] for g in by_language["groups"]} == fx.OCTOBER_BY_LANGUAGE
    ro = next(g for g in by_language["groups"] if g["key"] == "ro")  # A2 and E10
    assert figures(ro["rules"])["NO-CENTRE-FOR-IMPLICATED"] == (1, 0, 0, 1)

    # months in Brussels time: E12 (23:30, 31 Oct) is October's, E13 (00:30, 1 Nov) November's;
    # without a period the months run from the first to the last counted encounter
    by_month = report(db_url, "--by", "month")
    assert [(g["key"], g["encounters"]) for g in by_month["groups"]] == [
        ("2025-10", 14), ("2025-11", 2)]
    bounded = report(db_url, "--from", "2025-09-01", "--to", "2025-12-01", "--by", "month")
    assert [(g["key"], g["encounters"]) for g in bounded["groups"]] == [
        ("2025-09", 0), ("2025-10", 14), ("2025-11", 2)]
    assert figures(bounded["groups"][1]["rules"]) == fx.OCTOBER_RULES


def test_scope_to_one_unit_or_service(log):
    db_url, _ = log
    period = ["--from", fx.OCTOBER[0], "--to", fx.OCTOBER[1]]
    pz_a = report(db_url, *period, "--unit", "PZ-A")
    assert pz_a["unit"] == "PZ-A" and pz_a["encounters"] == 5
    assert figures(pz_a["rules"])["LEAFLET-GIVEN"] == (5, 4, 0, 1)
    assert {v["unit"] for v in pz_a["violations"]} == {"PZ-A"}
    assert [(g["language"], g["encounters"]) for g in pz_a["language_gaps"]] == [
        ("ln", 1), ("wo", 1)]  # E12
    inspection = report(db_url, *period, "--service", "social-inspection")
    assert inspection["encounters"] == 2
    assert figures(inspection["rules"])["CENTRE-CONTACT"] == (2, 1, 0, 1)
