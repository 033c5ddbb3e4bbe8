"""Commands of printed stock: `leaflet stock receive|transfer|status|order`.

The ledger commands use the hand-over log's database (`--db` / LEAFLET_DB); `order` uses only
the workspace. Core functions live in leaflet.stock; nothing heavy is imported at start.
"""

from __future__ import annotations

import json

import click

from leaflet.cli.handover_cmd import db_option

LINES = click.argument("items", nargs=-1, required=True, metavar="LANG=COPIES…")




def _movement_options(function):
    function = click.option("--note", metavar="TEXT",
                            help="A short reference, like the delivery note number (one line, "
                                 "at most 200 characters).")(function)
    function = click.option("--occurred-at", metavar="ISO-8601",
                            help="When the copies arrived or left, with its UTC offset "
                                 "(default: now).")(function)
    return click.option("--edition", metavar="ID",
                        help="The edition of the copies (default: the workspace's edition; "
                             "in a workspace, one it has built or the current one)."
                        )(function)


@click.group()
def stock():
    """Printed stock: print orders, receipts, transfers and what every unit holds.

    Every hand-over recorded with `--leaflet given` takes one copy of its language and
    edition from its unit's stock: nothing to record beyond `leaflet handover`.

    \b
    Example:  leaflet stock status --unit PZ-5339
    """


@stock.command()
@click.option("--unit", required=True, metavar="CODE", help="The unit that received the copies.")
@click.option("--order", "order_id", metavar="ID",
              help="The order these copies fill (`leaflet stock order --unit`): it is closed, "
                   "its copies no longer on order.")
@_movement_options
@LINES
@db_option
@click.pass_obj
def receive(settings, unit, order_id, edition, occurred_at, note, items, db):
    """Record printed copies a unit received, per language; prints its stock after.

    Prints the movement's id: `leaflet stock correct ID` corrects it.

    \b
    Example:  leaflet stock receive --unit COORD --edition 2026-12 ro=500 ti=200 \\
                --note "delivery note 2026-118"
    """
    from leaflet.stock import service

    result = service.receive(db, unit, edition, items, occurred_at=occurred_at, note=note,
                             workspace=settings.workspace_or_none(), order=order_id)
    click.echo(f"movement {result['movement']}")
    for line in result["lines"]:
        click.echo(f"{result['unit']}  {line['language']:8} {result['edition']}  "
                   f"+{line['copies']}  on hand {line['on_hand']}")


@stock.command()
@click.argument("movement", metavar="ID")
@click.option("--note", metavar="TEXT", help="Why the figures were wrong (one line).")
@LINES
@db_option
@click.pass_obj
def correct(settings, movement, note, items, db):
    """Correct a receipt or transfer: LANG=COPIES are the right figures.

    The ledger is never edited: the correction is a new movement naming the one it
    corrects, which changes each language by the difference.

    \b
    Example:  leaflet stock correct 5b0c…-…-a1 ro=480 --note "box 3 was ti, not ro"
    """
    from leaflet.stock import service

    result = service.correct(db, movement, items, note=note,
                             workspace=settings.workspace_or_none())
    click.echo(f"movement {result['movement']} corrects {result['corrects']}")
    for line in result["lines"]:
        click.echo(f"{result['unit']}  {line['language']:8} {result['edition']}  "
                   f"now {line['copies']}  on hand {line['on_hand']}")


@stock.command()
@click.option("--from", "source", required=True, metavar="CODE", help="The unit sending.")
@click.option("--to", "dest", required=True, metavar="CODE", help="The unit receiving.")
@_movement_options
@LINES
@db_option
@click.pass_obj
def transfer(settings, source, dest, edition, occurred_at, note, items, db):
    """Record copies sent from one unit to another; prints the sender's stock after.

    A transfer that leaves the sender below zero is recorded (the boxes moved) and warned
    about: the ledger is missing a receipt. Prints the movement's id, for `stock correct`.

    \b
    Example:  leaflet stock transfer --from COORD --to PZ-5339 ro=100 ti=50
    """
    from leaflet.stock import service

    result = service.transfer(db, source, dest, edition, items, occurred_at=occurred_at,
                              note=note, workspace=settings.workspace_or_none())
    click.echo(f"movement {result['movement']}")
    for line in result["lines"]:
        click.echo(f"{result['unit']} → {dest}  {line['language']:8} {result['edition']}  "
                   f"{line['copies']}  on hand {line['on_hand']}")
        if line["on_hand"] < 0:
            click.echo(f"warning: {result['unit']} now has {line['on_hand']} copies of "
                       f"{line['language']} {result['edition']}: a receipt is missing from "
                       "the ledger", err=True)


@stock.command()
@click.option("--unit", metavar="CODE", help="Only this unit.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--as-of", metavar="DATE",
              help="Stock at the end of this day (YYYY-MM-DD, report time zone; default today).")
@db_option
@click.pass_obj
def status(settings, unit, fmt, as_of, db):
    """On hand per unit × language × edition, use per week, weeks left, what to reorder or
    withdraw.

    Use is the copies handed over in the 90 days before --as-of; weeks left is the current
    edition's stock over the unit's weekly use of that language in any edition. Flags:
    REORDER (under 4 weeks left, or none left, and nothing on order), ON ORDER n (copies
    ordered with `stock order --unit`, not yet received), NEGATIVE (more handed over or
    sent than recorded as received), WITHDRAW (copies of a superseded edition).

    \b
    Example:  leaflet stock status --format json --as-of 2026-12-31
    """
    from leaflet.stock import service

    report = service.status(db, settings.workspace(), unit=unit, as_of=as_of)
    if fmt == "json":
        click.echo(_json_rows_per_line(report))
        return
    header = ("unit", "lang", "edition", "on hand", "used/week", "weeks left", "flags")
    table = [header]
    for row in report["rows"]:
        flags = []
        if row["reorder"]:
            flags.append("REORDER")
        if row.get("on_order"):
            flags.append(f"ON ORDER {row['on_order']}")
        if row["negative"]:
            flags.append("NEGATIVE")
        if row["withdraw"]:
            flags.append(f"WITHDRAW {row['withdraw']}")
        weeks = "—" if row["weeks_left"] is None else f"{row['weeks_left']:.1f}"
        table.append((row["unit"], row["language"], row["edition"] or "(none)",
                      str(row["on_hand"]), f"{row['used_per_week']:.1f}",
                      weeks if row["current"] else "", " ".join(flags)))
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    numeric = {3, 4, 5}
    for r in table:
        click.echo("  ".join(v.rjust(w) if i in numeric else v.ljust(w)
                             for i, (v, w) in enumerate(zip(r, widths))).rstrip())
    s = report["summary"]
    click.echo(f"as of {report['as_of']}, current edition {report['current_edition']}: "
               f"{s['reorder']} to reorder, {s['negative']} negative, "
               f"{s['withdraw_copies']} superseded copies to withdraw", err=True)


def _json_rows_per_line(report: dict) -> str:
    """The report as indented JSON with each of its `rows` on one line: readable, diffable,
    and written by json's C encoder (indenting ten thousand rows takes longer than the query)."""
    rows = report["rows"]
    head = json.dumps({k: v for k, v in report.items() if k != "rows"}, indent=2,
                      ensure_ascii=False)
    lines = ",\n".join("    " + json.dumps(row, ensure_ascii=False) for row in rows)
    return head[:-2] + ',\n  "rows": [' + (f"\n{lines}\n  ]" if rows else "]") + "\n}"


@stock.command()
@LINES
@click.option("--allow-draft", is_flag=True,
              help="Order draft translations too (each printed copy says it is a draft). "
                   "A language failing `leaflet check` is refused all the same.")
@click.option("--output-dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Where to write the order (default: output/<edition>/order-<date>/).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Parallel render processes for checks and print files.")
@click.option("--unit", metavar="CODE",
              help="Also record the copies as on order for this unit in the ledger: they "
                   "quiet REORDER until `stock receive --order ID` closes the order.")
@db_option
@click.pass_obj
def order(settings, items, allow_draft, output_dir, jobs, unit, db):
    """Write a print order (PDF and CSV) and the print files for the print shop.

    Refuses, naming them, languages whose catalogue is a draft (unless --allow-draft) or
    that fail `leaflet check`. Builds the print files that are missing or out of date.
    With --unit, records the order in the ledger and prints its id.

    \b
    Example:  leaflet stock order ro=500 ti=200 --unit COORD --output-dir ~/orders/2026-12
    """
    from leaflet.stock import order as print_order
    from leaflet.stock import service

    workspace = settings.workspace()
    if unit is not None:
        from leaflet.duties import record

        unit = record.option_code(unit, "--unit")
    result = print_order.place(workspace, list(items), allow_draft=allow_draft,
                               output_dir=output_dir, jobs=jobs)
    if unit is not None:
        placed = service.place_order(db, unit, workspace.edition_id, items,
                                     workspace=workspace)
        click.echo(f"order {placed['movement']}: on order for {unit} until "
                   f"`leaflet stock receive --unit {unit} --order {placed['movement']}`")
    for warning in result["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    for line in result["lines"]:
        click.echo(f"  {line['language']:8} {line['copies']:>7}  {line['file']}  "
                   f"{line['page_size']} +{line['bleed_mm']} mm  {line['sha256'][:16]}…"
                   + ("  draft" if line["review_status"] != "reviewed" else ""))
    click.echo(f"{result['copies']} copies of edition {result['edition']} in "
               f"{result['output_dir']}/ ({len(result['lines'])} files, print-order.pdf, "
               "print-order.csv)")


COMMANDS = [stock]
