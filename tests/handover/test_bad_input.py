"""Malformed records are refused: exit code 2, the option or field (and line) named, and the
log unchanged. A record that is well-formed but breaks a duty is accepted: it is a fact."""

from __future__ import annotations

import json

import pytest

from .conftest import record

# (what is wrong, handover option changes, option named, import field changes, field named)
BAD = [
    ("unknown assessment", {"assessment": "suspect"}, "--assessment",
     {"assessment": "suspect"}, "assessment"),
    ("language xx-nope", {"person_language": ["ti", "xx-nope"]}, "--person-language",
     {"person_languages": ["ti", "xx-nope"]}, "person_languages"),
    ("leaflet language xx-nope", {"leaflet_language": "xx-nope"}, "--leaflet-language",
     {"leaflet_language": "xx-nope"}, "leaflet_language"),
    ("leaflet given without a language", {"leaflet_language": None}, "--leaflet-language",
     {"leaflet_language": None}, "leaflet_language"),
    ("a 500-character note", {"leaflet": "refused", "leaflet_language": None,
                              "note": "x" * 500}, "--note",
     {"leaflet": "refused", "leaflet_language": None, "leaflet_edition": None,
      "not_given_note": "x" * 500}, "not_given_note"),
    ("a malformed date", {"occurred_at": "2026-13-45T10:00"}, "--occurred-at",
     {"occurred_at": "2026-13-45T10:00"}, "occurred_at"),
    ("a date without offset", {"occurred_at": "2026-11-02T10:00:00"}, "--occurred-at",
     {"occurred_at": "2026-11-02T10:00:00"}, "occurred_at"),
    ("a date without time", {"occurred_at": "2026-11-02"}, "--occurred-at",
     {"occurred_at": "2026-11-02"}, "occurred_at"),
    ("a national number as case_ref, with separators", {"case_ref": "85.07.30-033.28"},
     "--case-ref", {"case_ref": "85.07.30-033.28"}, "case_ref"),
    ("a national number as case_ref, plain", {"case_ref": "85073003328"}, "--case-ref",
     {"case_ref": "85073003328"}, "case_ref"),
    ("a national number inside a case_ref", {"case_ref": "PV-85073003328"}, "--case-ref",
     {"case_ref": "PV-85073003328"}, "case_ref"),
    ("a national number in the note", {"leaflet": "refused", "leaflet_language": None,
                                       "note": "see 850730 033 28"}, "--note",
     {"leaflet": "refused", "leaflet_language": None, "leaflet_edition": None,
      "not_given_note": "see 850730 033 28"}, "not_given_note"),
    ("a case_ref with spaces", {"case_ref": "PV 2026 1"}, "--case-ref",
     {"case_ref": "PV 2026 1"}, "case_ref"),
    ("not given without a reason", {"leaflet": "not_given", "leaflet_language": None},
     "--not-given-reason",
     {"leaflet": "not_given", "leaflet_language": None, "leaflet_edition": None},
     "not_given_reason"),
    ("a centre action without a centre", {"centre": None}, "--centre", {"centre": None},
     "centre"),
    ("a centre without a centre action", {"centre_action": "none"}, "--centre",
     {"centre_action": "none"}, "centre"),
    ("a language for a leaflet not given",
     {"leaflet": "not_given", "not_given_reason": "other"}, "--leaflet-language",
     {"leaflet": "not_given", "not_given_reason": "other"}, "leaflet_language"),
    ("an officer code with a space", {"officer": "Jan Peeters"}, "--officer",
     {"officer": "Jan Peeters"}, "officer"),
    ("und with a known language", {"person_language": ["und", "ti"]}, "--person-language",
     {"person_languages": ["und", "ti"]}, "person_languages"),
    ("a date in the future", {"occurred_at": "2099-01-01T10:00:00+01:00"}, "--occurred-at",
     {"occurred_at": "2099-01-01T10:00:00+01:00"}, "occurred_at"),
    ("a date before the instructions", {"occurred_at": "1996-05-01T10:00:00+02:00"},
     "--occurred-at", {"occurred_at": "0001-01-01T00:00:00+01:00"}, "occurred_at"),
    ("an edition id with a space", {"edition": "2026 12"}, "--edition",
     {"leaflet_edition": "2026 12"}, "leaflet_edition"),
    ("an amends that is not an id", {"amends": "yesterday"}, "--amends",
     {"amends": "yesterday"}, "amends"),
    # One line, nothing invisible: "PZ-5339\n" would be a second unit in every report.
    ("a unit with a trailing newline", {"unit": "PZ-5339\n"}, "--unit",
     {"unit": "PZ-5339\n"}, "unit"),
    ("a unit with a leading space", {"unit": " PZ-5339"}, "--unit",
     {"unit": " PZ-5339"}, "unit"),
    ("a unit with a trailing space", {"unit": "PZ-5339 "}, "--unit",
     {"unit": "PZ-5339 "}, "unit"),
    ("a unit with a right-to-left override", {"unit": "PZ-\u202e9335"}, "--unit",
     {"unit": "PZ-\u202e9335"}, "unit"),
    ("an officer with a line separator", {"officer": "A1234\u2028"}, "--officer",
     {"officer": "A1234\u2028"}, "officer"),
    ("an officer with a next-line character", {"officer": "A1\x85234"}, "--officer",
     {"officer": "A1\x85234"}, "officer"),
    ("an officer with a zero-width space", {"officer": "A12\u200b34"}, "--officer",
     {"officer": "A12\u200b34"}, "officer"),
    ("an edition with a trailing newline", {"edition": "2026-12\n"}, "--edition",
     {"leaflet_edition": "2026-12\n"}, "leaflet_edition"),
    ("a case_ref with a tab", {"case_ref": "PV/1\t"}, "--case-ref",
     {"case_ref": "PV/1\t"}, "case_ref"),
    ("a note with a line separator", {"leaflet": "refused", "leaflet_language": None,
                                      "note": "later\u2028today"}, "--note",
     {"leaflet": "refused", "leaflet_language": None, "leaflet_edition": None,
      "not_given_note": "later\u2028today"}, "not_given_note"),
    ("a note with a paragraph separator", {"leaflet": "refused", "leaflet_language": None,
                                           "note": "later\u2029"}, "--note",
     {"leaflet": "refused", "leaflet_language": None, "leaflet_edition": None,
      "not_given_note": "later\u2029"}, "not_given_note"),
    ("a note with U+0085", {"leaflet": "refused", "leaflet_language": None,
                            "note": "later\x85today"}, "--note",
     {"leaflet": "refused", "leaflet_language": None, "leaflet_edition": None,
      "not_given_note": "later\x85today"}, "not_given_note"),
    ("a note with a direction override", {"leaflet": "refused", "leaflet_language": None,
                                          "note": "days: \u202e54\u202c"}, "--note",
     {"leaflet": "refused", "leaflet_language": None, "leaflet_edition": None,
      "not_given_note": "days: \u202e54\u202c"}, "not_given_note"),
    ("a note with a carriage return", {"leaflet": "refused", "leaflet_language": None,
                                       "note": "later\r"}, "--note",
     {"leaflet": "refused", "leaflet_language": None, "leaflet_edition": None,
      "not_given_note": "later\r"}, "not_given_note"),
    ("a national number with a slash and spaces", {"case_ref": "85 07 30 / 033 28"},
     "--case-ref", {"case_ref": "85 07 30 / 033 28"}, "case_ref"),
    ("a national number in Arabic-Indic digits",
     {"leaflet": "refused", "leaflet_language": None, "note": "٨٥٠٧٣٠٠٣٣٢٨"}, "--note",
     {"leaflet": "refused", "leaflet_language": None, "leaflet_edition": None,
      "not_given_note": "٨٥٠٧٣٠٠٣٣٢٨"}, "not_given_note"),
]


@pytest.mark.parametrize("what, changes, option, _fields, _field", BAD,
                         ids=[case[0] for case in BAD])
def test_handover_refuses_a_bad_value_naming_the_option(log, what, changes, option, _fields,
                                                        _field):
    assert log.handover().exit_code == 0
    result = log.handover(**changes)
    assert result.exit_code == 2, f"{what}: {result.output}"
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and option in error[0], result.output
    assert result.stdout == ""  # no id: nothing was recorded
    assert log.count() == 1


@pytest.mark.parametrize("what, _changes, _option, fields, field", BAD,
                         ids=[case[0] for case in BAD])
def test_import_refuses_a_bad_line_naming_field_and_line(log, tmp_path, what, _changes,
                                                         _option, fields, field):
    assert log.handover().exit_code == 0
    lines = [record(), record(), record(**fields), record()]
    path = tmp_path / "station.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    result = log.run("log", "import", str(path))
    assert result.exit_code == 2, f"{what}: {result.output}"
    assert f"{path}:3: field '{field}'" in result.output, result.output
    assert "nothing imported" in result.output
    assert log.count() == 1


def test_import_lists_every_bad_line(log, tmp_path):
    lines = [json.dumps(record()), "{not json", json.dumps(record(unit="")), "[1, 2]",
             json.dumps(record(name="Jan Peeters")), json.dumps({"id": "x"}),
             json.dumps(record())]
    path = tmp_path / "station.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = log.run("log", "import", str(path))
    assert result.exit_code == 2
    for number in (2, 3, 4, 5, 6):
        assert f"{path}:{number}:" in result.output
    assert f"{path}:1:" not in result.output and f"{path}:7:" not in result.output
    assert "5 bad line(s) (2, 3, 4, 5, 6); nothing imported" in result.output
    assert "field 'name': is not a field of the log format" in result.output
    assert log.count() == 0


def test_import_refuses_a_record_missing_a_field(log, tmp_path):
    data = record()
    del data["case_ref"]
    path = tmp_path / "station.jsonl"
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    result = log.run("log", "import", str(path))
    assert result.exit_code == 2
    assert "field 'case_ref': is missing" in result.output
    assert log.count() == 0


def test_import_refuses_wrong_json_types(log, tmp_path):
    path = tmp_path / "station.jsonl"
    path.write_text(json.dumps(record(foreigners_dept_informed="yes")) + "\n"
                    + json.dumps(record(person_languages="ti")) + "\n", encoding="utf-8")
    result = log.run("log", "import", str(path))
    assert result.exit_code == 2
    assert ":1: field 'foreigners_dept_informed'" in result.output
    assert ":2: field 'person_languages'" in result.output


@pytest.mark.parametrize("changes", [
    {"assessment": "implicated", "centre_action": "intake", "centre": "surya"},
    {"assessment": "victim", "leaflet": "not_given", "leaflet_language": None,
     "not_given_reason": "other", "centre_action": "none", "centre": None,
     "residence_status": "illegal", "foreigners_dept_informed": False},
    {"person_language": ["ar"], "leaflet_language": "fr"},
], ids=["implicated put in contact", "victim without leaflet or intake", "wrong language"])
def test_a_record_that_breaks_a_duty_is_a_fact_and_is_kept(log, changes):
    result = log.handover(**changes)
    assert result.exit_code == 0, result.output
    assert log.count() == 1


def test_good_values_from_the_issue_are_not_mistaken_for_national_numbers(log):
    for case_ref in ("PV/2026/004512", "BR.12.L3.004512/26", "2026-0012"):
        result = log.handover(case_ref=case_ref)
        assert result.exit_code == 0, f"{case_ref}: {result.output}"


def test_a_long_value_is_quoted_cut_short(log):
    result = log.handover(unit="X" * 10_000)
    assert result.exit_code == 2
    error = [line for line in result.output.splitlines() if line.startswith("Error:")][0]
    assert "--unit" in error and "…" in error and len(error) < 300


def test_a_persian_note_keeps_its_zero_width_non_joiner(log):
    """ZWNJ is spelling inside a Persian word (می‌خواهم), not an invisible trick."""
    result = log.handover(leaflet="refused", leaflet_language=None, note="نمی‌خواهم")
    assert result.exit_code == 0, result.output
    refused = log.handover(leaflet="refused", leaflet_language=None, note="no\u200cthanks")
    assert refused.exit_code == 2 and "U+200C" in refused.output
    assert log.count() == 1
