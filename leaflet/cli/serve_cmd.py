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
@click.option("--key-file", metavar="PATH", envvar="LEAFLET_STATION_KEY_FILE",
              help="The station's key (signs desk sessions, makes kiosk codes), kept outside "
                   "the log [default: station.key in the user config folder, made on first "
                   "start; env LEAFLET_STATION_KEY_FILE].")
@click.option("--trusted-proxy", metavar="ADDRESS",
              help="The zone's TLS reverse proxy: its X-Forwarded-For and X-Forwarded-Proto "
                   "are believed (docs/deployment.md); no other client's.")
@db_option
@click.pass_context
def serve(ctx, host, port, threads, key_file, trusted_proxy, db):
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
    app = create_app(workspace, db, key_file=key_file)
    kiosk = app.extensions["leaflet"]["kiosk"]
    if not kiosk.languages():
        click.echo("warning: no built language to show: run `leaflet build` (the kiosk shows "
                   "only what a build passed)", err=True)
    stale = kiosk.stale()
    if stale:
        click.echo(f"warning: the catalogues of {', '.join(stale)} changed since they were "
                   "built; the kiosk shows the built text until `leaflet build` runs again",
                   err=True)
    click.echo(f"station: http://{_shown(host)}:{port}/kiosk/ (kiosk) and "
               f"http://{_shown(host)}:{port}/desk/ (desk); Ctrl+C stops", err=True)
    run(app, host, port, threads=threads, trusted_proxy=trusted_proxy)


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
    """List the desk accounts: name, unit, then disabled, failed logins since the last good
    one, open sessions.

    \b
    Example:  leaflet serve user list --db /var/lib/leaflet/log.sqlite3
    """
    from leaflet.station.accounts import Accounts

    accounts = Accounts(db)
    rows = accounts.list()
    if not rows:
        click.echo(f"no desk account in {accounts.display_url}: add one with "
                   "`leaflet serve user add NAME --unit CODE`", err=True)
        return
    for row in rows:
        flags = (["disabled"] if row["disabled"] else []) + \
            ([f"{row['failures']} failed logins"] if row["failures"] else []) + \
            ([f"{row['sessions']} open sessions"] if row["sessions"] else [])
        click.echo(f"{row['name']}\t{row['unit']}" + (f"\t{', '.join(flags)}" if flags else ""))


@serve.group()
def key():
    """The station's key, outside the log: where it is, and a new one.

    \b
    Example:  leaflet serve key rotate
    """


@key.command("rotate")
@click.option("--key-file", metavar="PATH", envvar="LEAFLET_STATION_KEY_FILE",
              help="The key file [default: station.key in the user config folder].")
def key_rotate(key_file):
    """Write a new station key (mode 0600). From the station's next start, every desk
    session and every kiosk code made with the old key is refused.

    \b
    Example:  leaflet serve key rotate --key-file /etc/leaflet/station.key
    """
    from leaflet.station import keys

    path = keys.rotate(key_file)
    click.echo(f"new station key in {path}: restart `leaflet serve` to use it; desks log in "
               "again")


@key.command("path")
@click.option("--key-file", metavar="PATH", envvar="LEAFLET_STATION_KEY_FILE",
              help="The key file [default: station.key in the user config folder].")
def key_path(key_file):
    """Print where the station's key is read from (nothing about the key itself).

    \b
    Example:  leaflet serve key path
    """
    import os

    from leaflet.station import keys

    if os.environ.get(keys.KEY_ENV):
        click.echo(f"the environment ({keys.KEY_ENV})")
    else:
        click.echo(str(keys.key_path(key_file)))


COMMANDS = [serve]
