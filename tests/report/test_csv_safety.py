"""`leaflet report --format csv` is safe to open in a spreadsheet: a stored value that a
spreadsheet would evaluate as a formula comes out as text (one leading apostrophe), numbers
stay numbers, and removing that apostrophe gives the stored value back.

The log's own checks keep such values out of records typed at a desk or imported; the report
must not rely on it (a database written by another tool, a future field), so the records here
are put into the database directly, under the chain's columns, as such a tool would.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3

import pytest

from leaflet.duties.sqlite import derive_outcome_text
from leaflet.textsafety import csv_uncell

from . import encounters as fx

# Stored values a spreadsheet would evaluate; each record is one unit that failed a duty.
UNITS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-1", "'quoted", "\uff1dcmd"]
GAP_LANGUAGE = "=2+3"  # a person language of a record without a leaflet for want of one
EDITION = "-2026"  # the edition of a leaflet given


def _insert(path, seq: int, unit: str, *, leaflet: str, language: str | None = None,
            edition: str | None = None, person: str = "ro", reason: str | None = None):
    digest = hashlib.sha256(f"{seq}".encode()).hexdigest()
    previous = hashlib.sha256(f"{seq - 1}".encode()).hexdigest() if seq > 1 else "0" * 64
    with sqlite3.connect(path) as con:
        con.execute(
            "INSERT INTO encounter (seq, id, occurred_at, service, unit, officer, assessment, "
            "residence_status, leaflet, leaflet_language, leaflet_edition, not_given_reason, "
            "not_given_note, centre_action, centre, foreigners_dept_informed, amends, "
            "case_ref, occurred_utc, recorded_at, prev_hash, hash) VALUES (?, ?, "
            "'2026-03-10T10:00:00+01:00', 'police', ?, 'A1', 'uncertain', 'unknown', ?, ?, ?, "
            "?, NULL, 'none', NULL, NULL, NULL, NULL, '2026-03-10 09:00:00.000000', "
            "'2026-03-10T09:00:01Z', ?, ?)",
            (seq, fx.rid(500 + seq), unit, leaflet, language, edition, reason, previous,
             digest))
        con.execute("INSERT INTO encounter_language (seq, position, code) VALUES (?, 1, ?)",
                    (seq, person))
        con.execute(derive_outcome_text(), {"seq": seq})  # as the appender does
    con.close()


@pytest.fixture
def log_url(tmp_path):
    path = tmp_path / "log.sqlite3"
    url = f"sqlite:///{path}"
    assert fx.run(["db", "upgrade"], url).exit_code == 0
    from leaflet.storage.engine import dispose_engines

    dispose_engines()
    seq = 0
    for unit in UNITS:
        seq += 1
        _insert(path, seq, unit, leaflet="given", language="ro", edition=EDITION)
    seq += 1
    _insert(path, seq, "PZ-1", leaflet="not_given", person=GAP_LANGUAGE, reason="no_language")
    yield url
    dispose_engines()


def _csv(url, table: str, *extra: str) -> list[list[str]]:
    result = fx.run(["report", "--format", "csv", "--table", table, *extra], url)
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout)))


def _guarded(value: str) -> str:
    return "'" + value


def test_formula_units_come_out_as_text_in_the_figures_and_numbers_stay_numbers(log_url):
    rows = _csv(log_url, "figures", "--by", "unit")
    header, body = rows[0], rows[1:]
    assert header == ["group", "encounters", "rule", "paragraph", "applicable", "met",
                      "refused", "not_met", "rate"]
    groups = {row[0] for row in body if row[0]}
    assert groups == {_guarded(unit) for unit in UNITS} | {"PZ-1"}
    for row in body:
        group, encounters, rule, paragraph, applicable, met, refused, not_met, rate = row
        assert group == "" or group == "PZ-1" or csv_uncell(group) in UNITS
        assert group[:1] not in ("=", "+", "-", "@", "\uff1d"), row
        for number in (encounters, applicable, met, refused, not_met):
            assert number.isdigit(), row  # an integer, no apostrophe
        assert rate == "" or float(rate) >= 0, row
        assert rule[:1].isalpha() and paragraph[:1] in ("c", "§"), row
    by_unit = {row[0]: row for row in body if row[2] == "LEAFLET-GIVEN"}
    assert by_unit[_guarded('=HYPERLINK("http://x","y")')][1] == "1"
    assert {csv_uncell(key) for key in by_unit if key} == set(UNITS) | {"PZ-1"}


def test_the_follow_up_language_gaps_and_editions_cells_are_guarded_one_by_one(log_url):
    follow_up = _csv(log_url, "follow-up")
    assert follow_up[0] == ["id", "occurred_at", "service", "unit", "rule", "detail"]
    units = [row[3] for row in follow_up[1:]]
    assert sorted(units) == sorted([_guarded(u) for u in UNITS] * 1 + ["PZ-1"] * 2)
    for row in follow_up[1:]:
        record_id, occurred_at, service, unit, rule, detail = row
        assert len(record_id) == 36 and occurred_at.startswith("2026-03-10T10:00:00")
        assert service == "police" and rule[:1].isalpha() and detail[:1].isalpha()
        assert csv_uncell(unit) in UNITS + ["PZ-1"]

    gaps = _csv(log_url, "language-gaps")
    assert gaps == [["language", "encounters"], [_guarded(GAP_LANGUAGE), "1"]]
    assert csv_uncell(gaps[1][0]) == GAP_LANGUAGE

    editions = _csv(log_url, "editions")
    assert editions == [["edition", "given"], [_guarded(EDITION), str(len(UNITS))]]
    assert csv_uncell(editions[1][0]) == EDITION
