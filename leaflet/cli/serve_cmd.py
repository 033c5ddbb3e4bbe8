"""`leaflet serve`: the station's web app (kiosk and desk), and its desk accounts.

Flask and waitress are imported only when the server starts; `leaflet --help` loads neither.
"""

from __future__ import annotations

import click

from leaflet.cli.handover_cmd import db_option


@click.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="Address to listen on. Only this machine by default; a zone's server "
                   "listens on its network address (docs/station.md).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="TCP port.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Requests served at once.")
@db_option
@click.pass_context
def serve(ctx, host, port, threads, db):
    """Serve the station: the kiosk for the person, the desk for the officer.

    The kiosk (/kiosk/) shows every built language and the leaflet as a web page; the desk
    (/desk/) records hand-overs into the log at --db, for accounts made with
    `leaflet serve user add`. Stop with Ctrl+C.

    \b
    Example:  leaflet serve --db postgresql+psycopg://leaflet@db.zone/leaflet --host 10.1.2.3
    """
    if ctx.invoked_subcommand is not None:
        return
    from leaflet.station.app import create_app, serve as run

    workspace = ctx.obj.workspace()
    app = create_app(workspace, db)
    click.echo(f"station: http://{_shown(host)}:{port}/kiosk/ (kiosk) and "
               f"http://{_shown(host)}:{port}/desk/ (desk); Ctrl+C stops", err=True)
    run(app, host, port, threads=threads)


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@serve.group()
def user():
    """Desk accounts: add, disable, list.

    \b
    Example:  leaflet serve user add A1234 --unit PZ-5339
    """


@user.command("add")
@click.argument("name")
@click.option("--unit", required=True, metavar="CODE", help="The unit the account records for.")
@click.password_option("--password", prompt="Password", confirmation_prompt="Repeat the password",
                       help="Asked twice when not given (never pass it on a shared machine's "
                            "command line: it stays in the shell history).")
@db_option
def user_add(name, unit, password, db):
    """Add a desk account (the password is stored as an argon2 hash, never in clear).

    \b
    Example:  leaflet serve user add A1234 --unit PZ-5339
    """
    from leaflet.station.accounts import Accounts

    account = Accounts(db, create=True).add(name, unit, password)
    click.echo(f"account {account.name} added for unit {account.unit}")


@user.command("disable")
@click.argument("name")
@db_option
def user_disable(name, db):
    """Disable a desk account: its sessions end at their next request.

    \b
    Example:  leaflet serve user disable A1234
    """
    from leaflet.station.accounts import Accounts

    Accounts(db).disable(name)
    click.echo(f"account {name} disabled")


@user.command("list")
@db_option
def user_list(db):
    """List the desk accounts (name, unit, disabled, locked).

    \b
    Example:  leaflet serve user list --db /var/lib/leaflet/log.sqlite3
    """
    from leaflet.station.accounts import Accounts

    for row in Accounts(db).list():
        flags = [f for f in ("disabled", "locked") if row[f]]
        click.echo(f"{row['name']}\t{row['unit']}" + (f"\t{','.join(flags)}" if flags else ""))


COMMANDS = [serve]
