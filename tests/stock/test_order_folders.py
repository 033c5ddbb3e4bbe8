"""A print order is a folder of its own, and a delivery fills it as it comes.

Two `stock order` runs on one day leave two complete folders (CSV, PDF and print files, the
order's id, unit and delivery address in both); `stock receive --order` takes the first 8
characters of the id, receives what is still due when no quantities are given, and keeps the
rest on order after a partial delivery; `stock status --all` shows what a unit does not hold.
Every test taking `db_url` runs on SQLite and on PostgreSQL 15.
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
import sqlalchemy as sa

from conftest import copy_workspace, invoke, mark_reviewed

from .conftest import EDITION, Coordinator

ADDRESS = "Police zone PZ-1, reception, Rue de la Loi 1, 1000 Bruxelles"
DEFAULT = "Coordination, Boulevard Test 2, 1000 Bruxelles"
PRINT_SECTION = f'''
[print.delivery]
default = "{DEFAULT}"
"PZ-1" = "{ADDRESS}"
'''


def with_delivery(workspace):
    """The workspace's leaflet.toml with delivery addresses: a unit's own and the default
    (the shipped file gives paper, weight and finishing, and no address)."""
    toml = workspace / "leaflet.toml"
    text = toml.read_text(encoding="utf-8")
    assert "\n[print]\n" in text and "\n[print.delivery]" not in text
    toml.write_text(text + PRINT_SECTION, encoding="utf-8")
    return workspace


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """English reviewed, French a draft; print files built by the first order."""
    ws = copy_workspace(tmp_path_factory.mktemp("folders") / "ws", languages=["en", "fr"])
    mark_reviewed(ws, "en")
    return with_delivery(ws)


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages)
                    .split())


def read_csv(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def one_line_error(result, exit_code: int = 2) -> str:
    """The failure's message: a single line, no traceback."""
    assert result.exit_code == exit_code, result.output
    text = result.output.strip()
    assert "\n" not in text and "Traceback" not in text, text
    return text


def test_two_orders_on_one_day_leave_two_complete_folders(ws, tmp_path, db_url):
    orders = tmp_path / "orders"
    first = invoke(ws, "stock", "order", "en=500", "fr=200", "--allow-draft", "--unit", "PZ-1",
                   "--output-dir", str(orders), "--db", db_url)
    assert first.exit_code == 0, first.output
    second = invoke(ws, "stock", "order", "en=300", "--unit", "PZ-2",
                    "--output-dir", str(orders), "--db", db_url)
    assert second.exit_code == 0, second.output
    # PZ-2 has no address of its own: the default, and no warning about it
    assert "[print.delivery]" not in second.output

    today = dt.date.today().isoformat()
    folders = sorted(orders.iterdir())
    assert len(folders) == 2 and all(f.name.startswith(today + "-") for f in folders)
    assert not any(p.name.startswith(".") for p in orders.iterdir())  # no temporary left
    by_unit = {}
    for folder in folders:
        rows = read_csv(folder / "print-order.csv")
        short = folder.name[len(today) + 1:]
        assert len(short) == 8
        assert {r["order_short_id"] for r in rows} == {short}
        assert all(r["order_id"].startswith(short) and len(r["order_id"]) == 36 for r in rows)
        # complete: the CSV, the PDF and every print file it names, byte for byte the built
        names = {p.name for p in folder.iterdir()}
        assert names == {"print-order.csv", "print-order.pdf", *(r["file"] for r in rows)}
        for row in rows:
            assert (folder / row["file"]).read_bytes() == \
                (ws / "output" / EDITION / "print" / row["file"]).read_bytes()
        by_unit[rows[0]["unit"]] = (folder, rows)

    folder, rows = by_unit["PZ-1"]
    assert [(r["language"], r["copies"], r["delivery_address"], r["paper"], r["weight_gsm"])
            for r in rows] == [("en", "500", ADDRESS, "silk-coated, matt", "120"),
                               ("fr", "200", ADDRESS, "silk-coated, matt", "120")]
    assert rows[0]["order_id"] in first.stdout
    text = pdf_text(folder / "print-order.pdf")
    for expected in (rows[0]["order_id"], f"Order {rows[0]['order_short_id']}",
                     "For unit PZ-1", f"Deliver to {ADDRESS}",
                     "Paper: silk-coated, matt, 120 g/m²", "Finishing: folded and saddle",
                     f"write the order number {rows[0]['order_short_id']} on the delivery"):
        assert expected in text, expected
    other, other_rows = by_unit["PZ-2"]
    assert other_rows[0]["delivery_address"] == DEFAULT and other_rows[0]["copies"] == "300"
    other_text = pdf_text(other / "print-order.pdf")
    assert f"Deliver to {DEFAULT}" in other_text and other_rows[0]["order_id"] in other_text
    assert rows[0]["order_id"] not in other_text and "French" not in other_text

    # The first order's 8 characters and no quantities: every copy still due is received.
    c = Coordinator(ws, db_url)
    received = c.ok("stock", "receive", "--order", rows[0]["order_short_id"])
    assert "+500" in received.stdout and "+200" in received.stdout
    assert "complete, closed" in received.stdout
    held = c.on_hand()
    assert held[("PZ-1", "en", EDITION)] == 500 and held[("PZ-1", "fr", EDITION)] == 200
    status = c.status()
    assert [o["short_id"] for o in status["orders"]] == [other_rows[0]["order_short_id"]]


def test_an_order_without_a_delivery_address_says_so(tmp_path):
    ws = copy_workspace(tmp_path / "ws", languages=["en"])
    mark_reviewed(ws, "en")
    result = invoke(ws, "stock", "order", "en=10")
    assert result.exit_code == 0, result.output
    assert "[print.delivery] has no address for default" in result.output
    [folder] = (ws / "output" / "orders").iterdir()
    [row] = read_csv(folder / "print-order.csv")
    assert (row["unit"], row["delivery_address"]) == ("", "")
    text = pdf_text(folder / "print-order.pdf")
    assert "Deliver to to be agreed with the sender before delivery" in text
    assert "For unit no unit given" in text
    assert "1 language, 10 copies in total" in text  # counted by copies' count, not edition


@pytest.mark.parametrize("setting, says", [
    ("weight = 1200", "[print] weight must be a whole number of g/m² from 60 to 400"),
    ('colour = "blue"', "[print] has the unknown setting 'colour'"),
    ('[print.delivery]\n"PZ 1" = "Street 1"', "[print.delivery] 'PZ 1' is neither default"),
    ('[print.delivery]\ndefault = ""', "[print.delivery] default must be a non-empty string"),
])
def test_a_bad_print_setting_is_one_line_naming_the_file_and_line(tmp_path, setting, says):
    ws = copy_workspace(tmp_path / "ws", languages=["en"])
    toml = ws / "leaflet.toml"
    text = toml.read_text(encoding="utf-8")
    if setting.startswith("["):
        text += "\n" + setting + "\n"
    else:
        text = text.replace("\nweight = 120", "\n" + setting, 1)
    toml.write_text(text, encoding="utf-8")
    result = invoke(ws, "stock", "order", "en=10")
    message = one_line_error(result, 1)
    assert "leaflet.toml:" in message and says in message, message
    assert not (ws / "output").exists()


# --- receiving an order: the ledger derives what is still due ---------------------------------

def place(c: Coordinator, *items: str, unit: str = "PZ-1", order_id: str | None = None) -> str:
    """Copies on order for `unit`, as `stock order --unit` records them (without the build)."""
    from leaflet.stock import service
    from leaflet.workspace import load_workspace

    placed = service.place_order(c.url, unit, None, items,
                                 workspace=load_workspace(c.workspace), order_id=order_id)
    return placed["movement"]


def test_a_partial_delivery_leaves_the_rest_on_order(coordinator):
    c = coordinator
    order = place(c, "ro=500", "ti=200")
    short = order[:8]

    def row(language):
        return next(r for r in c.status()["rows"]
                    if (r["unit"], r["language"], r["edition"]) == ("PZ-1", language, EDITION))

    first = c.ok("stock", "receive", "--order", short, "ro=300")
    assert f"order {short}: still due ro 200, ti 200" in first.stdout
    assert (row("ro")["on_hand"], row("ro")["on_order"]) == (300, 200)
    assert (row("ti")["on_hand"], row("ti")["on_order"]) == (0, 200)
    [listed] = c.status()["orders"]
    assert (listed["id"], listed["due"], listed["ordered"]) == \
        (order, {"ro": 200, "ti": 200}, {"ro": 500, "ti": 200})
    assert f"order {short}  PZ-1  {EDITION}" in c.ok("stock", "status").stdout

    too_many = c.run("stock", "receive", "--order", short, "ro=250")
    assert "only 200 copies of ro are still due" in one_line_error(too_many)
    not_ordered = c.run("stock", "receive", "--order", short, "fr=5")
    assert "has no fr (it has ro, ti)" in one_line_error(not_ordered)
    other_unit = c.run("stock", "receive", "--order", short, "--unit", "PZ-2")
    assert "is for PZ-1" in one_line_error(other_unit)

    rest = c.ok("stock", "receive", "--order", short.upper())  # no quantities: what is due
    assert "+200" in rest.stdout and f"order {short}: complete, closed" in rest.stdout
    assert (row("ro")["on_hand"], row("ro")["on_order"]) == (500, 0)
    assert (row("ti")["on_hand"], row("ti")["on_order"]) == (200, 0)
    assert c.status()["orders"] == []
    again = c.run("stock", "receive", "--order", short)
    assert "closed already" in one_line_error(again)

    # Nothing was updated: the ledger only grew, and its chain holds.
    engine = sa.create_engine(c.url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            kinds = conn.execute(sa.text(
                "SELECT kind, language, copies FROM stock_adjustment ORDER BY kind, "
                "language, copies")).all()
    finally:
        engine.dispose()
    assert [tuple(k) for k in kinds] == [("order", "ro", 500), ("order", "ti", 200),
                                         ("order_close", "ro", -300), ("order_close", "ro", -200),
                                         ("order_close", "ti", -200)]
    assert c.ok("log", "verify").stdout.startswith("ok:")


def test_close_ends_an_order_with_what_came(coordinator):
    c = coordinator
    short = place(c, "ro=500", "ti=200")[:8]
    closed = c.ok("stock", "receive", "--order", short, "ro=520", "--close")  # overs
    assert f"order {short}: complete, closed" in closed.stdout
    rows = {(r["unit"], r["language"]): r for r in c.status()["rows"]}
    assert (rows[("PZ-1", "ro")]["on_hand"], rows[("PZ-1", "ro")]["on_order"]) == (520, 0)
    assert rows[("PZ-1", "ti")]["on_order"] == 0  # the ti copies will not come
    lone = c.run("stock", "receive", "--unit", "PZ-1", "--close", "ro=5")
    assert "--close" in one_line_error(lone)


def test_an_ambiguous_or_unknown_order_id_is_one_line(coordinator):
    c = coordinator
    a = place(c, "ro=10", order_id="3f9a2c1b-0000-4000-8000-000000000001")
    b = place(c, "ti=10", unit="PZ-2", order_id="3f9a2c1b-0000-4000-8000-000000000002")
    both = c.run("stock", "receive", "--order", "3f9a2c1b")
    message = one_line_error(both)
    assert "matches 2 orders" in message and "PZ-1" in message and "PZ-2" in message
    assert a[:13] in message and "type more characters" in message
    unknown = c.run("stock", "receive", "--order", "deadbeef")
    assert "no order with this id" in one_line_error(unknown)
    short = c.run("stock", "receive", "--order", "3f9a")
    assert "is not an order id" in one_line_error(short)
    # enough characters to tell them apart (with or without the hyphens)
    c.ok("stock", "receive", "--order", "3f9a2c1b000040008000000000000002")
    held = c.on_hand()
    assert held[("PZ-2", "ti", EDITION)] == 10 and ("PZ-1", "ro", EDITION) in held
    assert [o["id"] for o in c.status()["orders"]] == [a]
    assert b not in json.dumps(c.status()["orders"])


def test_status_all_lists_what_a_unit_holds_nothing_of(coordinator):
    c = coordinator
    c.ok("stock", "receive", "--unit", "PZ-1", "ro=5")
    plain = {(r["unit"], r["language"]) for r in c.status()["rows"]}
    assert plain == {("PZ-1", "ro")}  # a unit holding nothing in a language is not listed
    rows = {(r["unit"], r["language"], r["edition"]): r for r in c.status("--all")["rows"]}
    assert set(rows) == {("PZ-1", code, EDITION) for code in ("en", "fr", "ro", "ti")}
    ti = rows[("PZ-1", "ti", EDITION)]
    assert (ti["on_hand"], ti["empty"], ti["reorder"]) == (0, True, False)
    assert rows[("PZ-1", "ro", EDITION)]["empty"] is False
    table = c.ok("stock", "status", "--all").stdout
    assert any(line.split()[:4] == ["PZ-1", "ti", EDITION, "0"] and line.endswith("EMPTY")
               for line in table.splitlines()), table
    # a unit with nothing at all, asked for by name
    nothing = c.status("--all", "--unit", "PZ-9")["rows"]
    assert [(r["language"], r["on_hand"]) for r in nothing] == \
        [("en", 0), ("fr", 0), ("ro", 0), ("ti", 0)]
