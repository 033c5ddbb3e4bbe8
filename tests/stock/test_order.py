"""The coordinator orders printed stock: a print order (PDF and CSV) and the print files, in one
folder the print shop takes as it is; drafts and languages failing `leaflet check` are refused."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
import subprocess

import pytest

from conftest import ROOT, copy_workspace, invoke, mark_reviewed

from .conftest import EDITION


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """English reviewed, French a draft (as shipped)."""
    ws = copy_workspace(tmp_path_factory.mktemp("order") / "ws", languages=["en", "fr"])
    mark_reviewed(ws, "en")
    return ws


def test_a_draft_is_refused_by_name_and_nothing_is_written(ws):
    result = invoke(ws, "stock", "order", "en=500", "fr=200")
    assert result.exit_code == 1, result.output
    assert "print order refused: draft translations: fr" in result.output
    assert "--allow-draft" in result.output
    assert not (ws / "output").exists()


def test_a_language_failing_check_is_refused_even_with_allow_draft(tmp_path):
    broken = copy_workspace(tmp_path / "ws", languages=["en", "fr"])
    shutil.copy(ROOT / "tests/fixtures/bad-po/dropped-placeholder.po",
                broken / "translations" / "fr" / "LC_MESSAGES" / "leaflet.po")
    result = invoke(broken, "stock", "order", "en=5", "fr=5", "--allow-draft")
    assert result.exit_code == 1, result.output
    assert "failing `leaflet check`: fr" in result.output and "en" not in \
        result.output.split("failing `leaflet check`:")[1].split("(")[0]
    assert not (broken / "output").exists()


@pytest.mark.parametrize("item, says", [
    ("de=5", "de is not a language of this edition"),
    ("fr=many", "'fr=many' is not LANG=COPIES"),
    ("fr=0", "from 1 to"),
])
def test_a_bad_line_is_bad_usage(ws, item, says):
    result = invoke(ws, "stock", "order", item)
    assert result.exit_code == 2 and says in result.output


def test_the_order_folder_holds_csv_pdf_and_the_files_it_names(ws, tmp_path):
    from pypdf import PdfReader

    orders = tmp_path / "order"
    result = invoke(ws, "stock", "order", "en=500", "fr=200", "--allow-draft",
                    "--output-dir", str(orders))
    assert result.exit_code == 0, result.output
    [out] = orders.iterdir()  # the order's own folder, <date>-<short id>
    assert f"700 copies of edition {EDITION}" in result.stdout
    manifest = json.loads((ws / "output" / EDITION / "manifest.json").read_text())

    with (out / "print-order.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["edition"], r["language"], r["file"], r["copies"], r["review_status"])
            for r in rows] == [(EDITION, "en", "en-a5.pdf", "500", "reviewed"),
                               (EDITION, "fr", "fr-a5.pdf", "200", "draft")]
    for row in rows:
        data = (out / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert row["sha256"] == manifest["languages"][row["language"]]["print"]["a5"]["sha256"]
        assert data == (ws / "output" / EDITION / "print" / row["file"]).read_bytes()
        assert (row["page_size"], row["bleed_mm"], row["pages"]) == ("A5 148x210 mm", "3", "12")

    pdf = out / "print-order.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    text = " ".join(text.split())
    for expected in ("Print order", f"edition {EDITION}", "English (en)", "French (fr) DRAFT",
                     "en-a5.pdf", "A5 148x210 mm, 3 mm bleed", "500", "700",
                     rows[0]["sha256"], rows[1]["sha256"],
                     "Draft translations ordered knowingly: fr"):
        assert expected in text, expected
    checked = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_reviewed_language_is_ordered_into_the_dated_default_folder(ws):
    result = invoke(ws, "stock", "order", "en=250")
    assert result.exit_code == 0, result.output
    [folder] = (ws / "output" / "orders").glob(f"{dt.date.today().isoformat()}-*")
    lines = (folder / "print-order.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{EDITION},en,en-a5.pdf,")
    assert f",250,reviewed,{folder.name[11:]}" in lines[1]
    assert (folder / "print-order.pdf").read_bytes().startswith(b"%PDF")


def test_the_print_order_csv_guards_formula_cells_and_keeps_numbers():
    """Every text cell a spreadsheet would evaluate gets one leading apostrophe; numbers stay
    numbers; stripping the apostrophe (csv_uncell) gives the value back. Read back cell by
    cell with the csv module."""
    import io

    from leaflet.stock.order import CSV_COLUMNS, order_csv
    from leaflet.textsafety import csv_uncell

    hostile = {"edition": '=HYPERLINK("http://x","y")', "language": "@SUM(A1)", "file": "+1",
               "sha256": "-1", "page_size": "\tA5 148x210 mm", "bleed_mm": 3, "pages": 4,
               "copies": 500, "review_status": "'draft", "order_id": "-3f9a2c1b",
               "order_short_id": "=3f9a", "unit": "@PZ-1", "delivery_address": "=cmd|' /C calc'!A0",
               "paper": "+silk", "weight_gsm": 120, "finishing": "-folded"}
    plain = {"edition": EDITION, "language": "en", "file": "en-a5.pdf", "sha256": "ab" * 32,
             "page_size": "A5 148x210 mm", "bleed_mm": 3, "pages": 4, "copies": 250,
             "review_status": "reviewed", "order_id": "3f9a2c1b-0000-4000-8000-000000000001",
             "order_short_id": "3f9a2c1b", "unit": "PZ-1",
             "delivery_address": "Rue de la Loi 1, 1000 Bruxelles", "paper": "silk-coated, matt",
             "weight_gsm": 120, "finishing": "folded and saddle-stitched"}
    data = order_csv([hostile, plain])
    assert b"\r\n" in data  # RFC 4180 line ends, as before
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == list(CSV_COLUMNS) and len(rows) == 3
    for row, original in zip(rows[1:], (hostile, plain)):
        cells = dict(zip(rows[0], row))
        for column in CSV_COLUMNS:
            value, cell = original[column], cells[column]
            if isinstance(value, int):
                assert cell == str(value), column  # a number, no apostrophe
            elif value[:1] in ("=", "+", "-", "@", "\t", "'"):
                assert cell == "'" + value, column
                assert csv_uncell(cell) == value, column
            else:
                assert cell == value, column
    assert rows[1][CSV_COLUMNS.index("edition")] == "'" + hostile["edition"]


def test_an_order_that_cannot_be_written_whole_leaves_nothing_behind(tmp_path):
    """The files an order created are removed again when a later one fails to be written,
    and so are the folders it created; the failure is one line naming the option."""
    from leaflet.errors import LeafletError
    from leaflet.stock.order import _write_order

    folder = tmp_path / "orders" / "2026-12"
    files = [("en-a5.pdf", b"%PDF-1.7\n", None), ("print-order.csv", b"a,b\r\n", None),
             ("en-a5.pdf/print-order.pdf", b"%PDF-1.7\n", None)]  # its folder is a file
    with pytest.raises(LeafletError, match=r"^--output-dir .*cannot write") as refused:
        _write_order(folder, files, "--output-dir")
    assert refused.value.exit_code == 1
    assert not (tmp_path / "orders").exists()
    assert list(tmp_path.iterdir()) == []  # (the autouse desk lives in a folder of its own)
