"""Commands of printed stock: `leaflet stock receive|transfer|status|order`.

The ledger commands use the hand-over log's database (`--db` / LEAFLET_DB); `order` uses only
the workspace. Core functions live in leaflet.stock; nothing heavy is imported at start.
"""

from __future__ import annotations

import json

import click

from leaflet.cli.handover_cmd import db_option
from leaflet.i18n import _

LINES = click.argument("items", nargs=-1, required=True, metavar="LANG=COPIES…")




def _movement_options(function):
    function = click.option("--note", metavar="TEXT",
                            help=_("A short reference, like the delivery note number (one line, "
                                   "at most 200 characters)."))(function)
    function = click.option("--occurred-at", metavar="ISO-8601",
                            help=_("When the copies arrived or left, with its UTC offset "
                                   "(default: now)."))(function)
    return click.option("--edition", metavar="ID",
                        help=_("The edition of the copies (default: the workspace's edition; "
                               "in a workspace, one it has built or the current one).")
                        )(function)


@click.group(help=_("Printed stock: print orders, receipts, transfers and what every unit "
                    "holds.\n\n"
                    "Every hand-over recorded with `--leaflet given` takes one copy of its "
                    "language and edition from its unit's stock: nothing to record beyond "
                    "`leaflet handover`.\n\n"
                    "\b\n"
                    "Example:  leaflet stock status --unit PZ-5339"))
def stock():
    pass


@stock.command(help=_("Record printed copies a unit received, per language; prints its stock "
                      "after.\n\n"
                      "With --order (the id on the print order, or its first 8 characters, as "
                      "in the order folder's name), unit and edition are the order's and no "
                      "LANG=COPIES receives every copy still due; after a partial delivery the "
                      "rest stays on order for the next receipt. Prints the movement's id: "
                      "`leaflet stock correct ID` corrects it.\n\n"
                      "\b\n"
                      "Example:  leaflet stock receive --unit COORD --edition 2026-12 ro=500 "
                      "ti=200 \\\n"
                      "            --note \"delivery note 2026-118\"\n"
                      "          leaflet stock receive --order 3f9a2c1b"))
@click.option("--unit", metavar="CODE",
              help=_("The unit that received the copies (with --order: the order's unit)."))
@click.option("--order", "order_id", metavar="ID",
              help=_("The print order these copies fill (`leaflet stock order --unit`): its id "
                     "or at least its first 8 characters. What is still due stays on order."))
@click.option("--close", is_flag=True,
              help=_("With --order: nothing more will come. Closes the order with this receipt, "
                     "whatever is still due, and accepts more copies than were due."))
@_movement_options
@click.argument("items", nargs=-1, metavar="[LANG=COPIES…]")
@db_option
@click.pass_obj
def receive(settings, unit, order_id, close, edition, occurred_at, note, items, db):
    from leaflet.stock import service

    result = service.receive(db, unit, edition, items, occurred_at=occurred_at, note=note,
                             workspace=settings.workspace_or_none(), order=order_id,
                             close=close)
    # Translators: %(id)s is a stock movement's id (a UUID).
    click.echo(_("movement %(id)s") % {"id": result["movement"]})
    for line in result["lines"]:
        # Translators: a line of `leaflet stock receive`: unit, language (padded), edition,
        # the copies received and the copies on hand after.
        click.echo(_("%(unit)s  %(language)s %(edition)s  +%(copies)s  on hand %(on_hand)s")
                   % {"unit": result["unit"], "language": f"{line['language']:8}",
                      "edition": result["edition"], "copies": line["copies"],
                      "on_hand": line["on_hand"]})
    if "order" in result:
        due = result["still_due"]
        if due:
            # Translators: %(order)s is an order's short id; %(due)s lists "ro 200, ti 50".
            click.echo(_("order %(order)s: still due %(due)s (it stays on order)")
                       % {"order": result["order"][:8],
                          "due": ", ".join(f"{code} {n}" for code, n in sorted(due.items()))})
        else:
            click.echo(_("order %(order)s: complete, closed") % {"order": result["order"][:8]})


@stock.command(help=_("Correct a receipt or transfer: LANG=COPIES are the right figures.\n\n"
                      "The ledger is never edited: the correction is a new movement naming the "
                      "one it corrects, which changes each language by the difference.\n\n"
                      "\b\n"
                      "Example:  leaflet stock correct 5b0c…-…-a1 ro=480 --note \"box 3 was ti, "
                      "not ro\""))
@click.argument("movement", metavar="ID")
@click.option("--note", metavar="TEXT", help=_("Why the figures were wrong (one line)."))
@LINES
@db_option
@click.pass_obj
def correct(settings, movement, note, items, db):
    from leaflet.stock import service

    result = service.correct(db, movement, items, note=note,
                             workspace=settings.workspace_or_none())
    # Translators: two stock movements' ids: the correction's and the one it corrects.
    click.echo(_("movement %(id)s corrects %(corrected)s")
               % {"id": result["movement"], "corrected": result["corrects"]})
    for line in result["lines"]:
        # Translators: a line of `leaflet stock correct`: unit, language (padded), edition,
        # the right figure and the copies on hand after.
        click.echo(_("%(unit)s  %(language)s %(edition)s  now %(copies)s  on hand %(on_hand)s")
                   % {"unit": result["unit"], "language": f"{line['language']:8}",
                      "edition": result["edition"], "copies": line["copies"],
                      "on_hand": line["on_hand"]})


@stock.command(help=_("Record copies sent from one unit to another; prints the sender's stock "
                      "after.\n\n"
                      "A transfer that leaves the sender below zero is recorded (the boxes moved) "
                      "and warned about: the ledger is missing a receipt. Prints the movement's "
                      "id, for `stock correct`.\n\n"
                      "\b\n"
                      "Example:  leaflet stock transfer --from COORD --to PZ-5339 ro=100 ti=50"))
@click.option("--from", "source", required=True, metavar="CODE", help=_("The unit sending."))
@click.option("--to", "dest", required=True, metavar="CODE", help=_("The unit receiving."))
@_movement_options
@LINES
@db_option
@click.pass_obj
def transfer(settings, source, dest, edition, occurred_at, note, items, db):
    from leaflet.stock import service

    result = service.transfer(db, source, dest, edition, items, occurred_at=occurred_at,
                              note=note, workspace=settings.workspace_or_none())
    click.echo(_("movement %(id)s") % {"id": result["movement"]})
    for line in result["lines"]:
        # Translators: a line of `leaflet stock transfer`: sending unit → receiving unit,
        # language (padded), edition, the copies sent and the sender's copies on hand after.
        click.echo(_("%(unit)s → %(dest)s  %(language)s %(edition)s  %(copies)s  "
                     "on hand %(on_hand)s")
                   % {"unit": result["unit"], "dest": dest, "language": f"{line['language']:8}",
                      "edition": result["edition"], "copies": line["copies"],
                      "on_hand": line["on_hand"]})
        if line["on_hand"] < 0:
            click.echo(_("warning: %(unit)s now has %(on_hand)s copies of %(language)s "
                         "%(edition)s: a receipt is missing from the ledger")
                       % {"unit": result["unit"], "on_hand": line["on_hand"],
                          "language": line["language"], "edition": result["edition"]},
                       err=True)


# Translators: REORDER, ON ORDER, NEGATIVE and WITHDRAW are the table's flags, printed in
# English: keep them as they are.
@stock.command(help=_("On hand per unit × language × edition, use per week, weeks left, what to "
                      "reorder or withdraw.\n\n"
                      "Use is the copies handed over in the 90 days before --as-of; weeks left is "
                      "the current edition's stock over the unit's weekly use of that language in "
                      "any edition. Flags: REORDER (under 4 weeks left, or none left, and nothing "
                      "on order), ON ORDER n (copies ordered with `stock order --unit`, not yet "
                      "received), NEGATIVE (more handed over or sent than recorded as received), "
                      "WITHDRAW (copies of a superseded edition).\n\n"
                      "\b\n"
                      "Example:  leaflet stock status --format json --as-of 2026-12-31"))
@click.option("--unit", metavar="CODE", help=_("Only this unit."))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--as-of", metavar="DATE",
              help=_("Stock at the end of this day (YYYY-MM-DD, report time zone; default today)."))
@click.option("--all", "all_", is_flag=True,
              help=_("Also list every language of the edition a unit holds nothing of (on hand "
                     "0, flag EMPTY)."))
@db_option
@click.pass_obj
def status(settings, unit, fmt, as_of, all_, db):
    from leaflet.stock import service

    report = service.status(db, settings.workspace(), unit=unit, as_of=as_of, all_=all_)
    if fmt == "json":
        click.echo(_json_rows_per_line(report))
        return
    # Translators: the headings of `leaflet stock status`'s table. The flags under "flags"
    # (REORDER, ON ORDER, NEGATIVE, WITHDRAW) are codes and stay in English.
    header = (_("unit"), _("lang"), _("edition"), _("on hand"), _("used/week"), _("weeks left"),
              _("flags"))
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
        if row.get("empty"):
            flags.append("EMPTY")
        weeks = "—" if row["weeks_left"] is None else f"{row['weeks_left']:.1f}"
        # Translators: the edition of hand-overs recorded without one.
        table.append((row["unit"], row["language"], row["edition"] or _("(none)"),
                      str(row["on_hand"]), f"{row['used_per_week']:.1f}",
                      weeks if row["current"] else "", " ".join(flags)))
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    numeric = {3, 4, 5}
    for r in table:
        click.echo("  ".join(v.rjust(w) if i in numeric else v.ljust(w)
                             for i, (v, w) in enumerate(zip(r, widths))).rstrip())
    for o in report["orders"]:
        # Translators: a line under `leaflet stock status`'s table: an open print order's
        # short id, unit, edition, day placed and, like "ro 200, ti 50", what is still due.
        click.echo(_("order %(order)s  %(unit)s  %(edition)s  placed %(day)s  still due "
                     "%(due)s")
                   % {"order": o["short_id"], "unit": o["unit"], "edition": o["edition"],
                      "day": (o["placed_at"] or "")[:10],
                      "due": ", ".join(f"{code} {n}" for code, n in sorted(o["due"].items())
                                       if n > 0)})
    per_unit: dict[str, list[str]] = {}
    for gap in report.get("stock_gaps", []):
        per_unit.setdefault(gap["unit"], []).append(f"{gap['language']} {gap['encounters']}")
    for gap_unit, found in per_unit.items():
        # Translators: a line under `leaflet stock status`'s table; %(gaps)s is like "am 2,
        # ti 1": hand-overs recorded as "no printed copy at hand" (no_copy), per language.
        click.echo(_("stock gaps  %(unit)s  no printed copy at hand at hand-overs: %(gaps)s")
                   % {"unit": gap_unit, "gaps": ", ".join(found)})
    s = report["summary"]
    click.echo(_("as of %(date)s, current edition %(edition)s: %(reorder)s to reorder, "
                 "%(negative)s negative, %(withdraw)s superseded copies to withdraw")
               % {"date": report["as_of"], "edition": report["current_edition"],
                  "reorder": s["reorder"], "negative": s["negative"],
                  "withdraw": s["withdraw_copies"]}, err=True)


def _json_rows_per_line(report: dict) -> str:
    """The report as indented JSON with each of its `rows` on one line: readable, diffable,
    and written by json's C encoder (indenting ten thousand rows takes longer than the query)."""
    rows = report["rows"]
    head = json.dumps({k: v for k, v in report.items() if k != "rows"}, indent=2,
                      ensure_ascii=False)
    lines = ",\n".join("    " + json.dumps(row, ensure_ascii=False) for row in rows)
    return head[:-2] + ',\n  "rows": [' + (f"\n{lines}\n  ]" if rows else "]") + "\n}"


@stock.command(help=_("Write a print order (PDF and CSV) and the print files for the print "
                      "shop, in a folder of its own.\n\n"
                      "Refuses, naming them, languages whose catalogue is a draft (unless "
                      "--allow-draft) or that fail `leaflet check`. Builds the print files that "
                      "are missing or out of date. Each order gets an id and a new folder, "
                      "output/orders/<date>-<first 8 characters of the id>/, never written over. "
                      "Paper, weight, finishing and delivery address come from leaflet.toml "
                      "[print]. With --unit, records the order in the ledger for "
                      "`stock receive --order`.\n\n"
                      "\b\n"
                      "Example:  leaflet stock order ro=500 ti=200 --unit COORD"))
@LINES
@click.option("--allow-draft", is_flag=True,
              help=_("Order draft translations too (each printed copy says it is a draft). "
                     "A language failing `leaflet check` is refused all the same."))
@click.option("--output-dir", type=click.Path(file_okay=False), metavar="DIR",
              help=_("Where to make the order's folder (default: output/orders/)."))
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help=_("Parallel render processes for checks and print files."))
@click.option("--unit", metavar="CODE",
              help=_("The unit the copies are for: its delivery address (leaflet.toml "
                     "[print.delivery]) goes on the order, and the copies are recorded as on "
                     "order for it until `stock receive --order ID` fills the order."))
@db_option
@click.pass_obj
def order(settings, items, allow_draft, output_dir, jobs, unit, db):
    from leaflet.stock import service

    result = service.print_order(db, settings.workspace(), items, unit=unit,
                                 allow_draft=allow_draft, output_dir=output_dir, jobs=jobs)
    for warning in result["warnings"]:
        click.echo(_("warning: %(message)s") % {"message": warning}, err=True)
    # Translators: %(short)s is the first 8 characters of the order's id %(id)s.
    click.echo(_("order %(id)s (short id %(short)s)") % {"short": result["short_id"],
                                                         "id": result["order_id"]})
    for line in result["lines"]:
        click.echo(f"  {line['language']:8} {line['copies']:>7}  {line['file']}  "
                   f"{line['page_size']} +{line['bleed_mm']} mm  {line['sha256'][:16]}…"
                   # Translators: marks a print file whose translation is not yet reviewed.
                   + ("  " + _("draft") if line["review_status"] != "reviewed" else ""))
    click.echo(_("%(copies)s copies of edition %(edition)s in %(folder)s/ (%(files)s files, "
                 "print-order.pdf, print-order.csv)")
               % {"copies": result["copies"], "edition": result["edition"],
                  "folder": result["output_dir"], "files": len(result["lines"])})
    if result["recorded"]:
        # Translators: %(short)s is an order's short id; %(unit)s a unit's code.
        click.echo(_("on order for %(unit)s until `leaflet stock receive --order %(short)s`")
                   % {"unit": result["unit"], "short": result["short_id"]})


COMMANDS = [stock]
