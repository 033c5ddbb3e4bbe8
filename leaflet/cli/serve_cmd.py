"""`leaflet serve`: the station's web app (kiosk and desk), and its desk accounts.

Flask and waitress are imported only when the server starts; `leaflet --help` loads neither.
"""

from __future__ import annotations

import click

from leaflet.cli.handover_cmd import db_option
from leaflet.i18n import LANGUAGES, _


@click.group(invoke_without_command=True,
             help=_("Serve the station: the kiosk for the person, the desk for the officer.\n\n"
                    "The kiosk (/kiosk/) shows every built language and the leaflet as a web "
                    "page; the desk (/desk/) records hand-overs into the log at --db, for "
                    "accounts made with `leaflet serve user add`. Stop with Ctrl+C.\n\n"
                    "\b\n"
                    "Example:  leaflet serve --db postgresql+psycopg://leaflet@db.zone/leaflet "
                    "--host 10.1.2.3"))
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help=_("Address to listen on. Only this machine by default; a zone's server "
                     "listens on its network address (docs/station.md)."))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help=_("TCP port."))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help=_("Requests served at once."))
@click.option("--key-file", metavar="PATH", envvar="LEAFLET_STATION_KEY_FILE",
              help=_("The station's key (signs desk sessions, makes kiosk codes), kept outside "
                     "the log [default: station.key in the user config folder, made on first "
                     "start; env LEAFLET_STATION_KEY_FILE]."))
@click.option("--trusted-proxy", metavar="ADDRESS",
              help=_("The zone's TLS reverse proxy: its X-Forwarded-For and X-Forwarded-Proto "
                     "are believed (docs/deployment.md); no other client's."))
@db_option
@click.pass_context
def serve(ctx, host, port, threads, key_file, trusted_proxy, db):
    if ctx.invoked_subcommand is not None:
        return
    from leaflet.station.app import create_app, serve as run

    workspace = ctx.obj.workspace()
    app = create_app(workspace, db, key_file=key_file)
    kiosk = app.extensions["leaflet"]["kiosk"]
    if not kiosk.languages():
        click.echo(_("warning: no built language to show: run `leaflet build` (the kiosk "
                     "shows only what a build passed)"), err=True)
    stale = kiosk.stale()
    if stale:
        # Translators: %(languages)s lists language codes, like ti, ar.
        click.echo(_("warning: the catalogues of %(languages)s changed since they were "
                     "built; the kiosk shows the built text until `leaflet build` runs again")
                   % {"languages": ", ".join(stale)}, err=True)
    # Translators: %(kiosk)s and %(desk)s are the station's two addresses (URLs).
    click.echo(_("station: %(kiosk)s (kiosk) and %(desk)s (desk); Ctrl+C stops")
               % {"kiosk": f"http://{_shown(host)}:{port}/kiosk/",
                  "desk": f"http://{_shown(host)}:{port}/desk/"}, err=True)
    run(app, host, port, threads=threads, trusted_proxy=trusted_proxy)


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@serve.group(help=_("Desk accounts: add, disable, list.\n\n"
                    "\b\n"
                    "Example:  leaflet serve user add A1234 --unit PZ-5339"))
def user():
    pass


@user.command("add", help=_("Add a desk account (the password is stored as an argon2 hash, never "
                            "in clear).\n\n"
                            "\b\n"
                            "Example:  leaflet serve user add A1234 --unit PZ-5339"))
@click.argument("name")
@click.option("--unit", required=True, metavar="CODE", help=_("The unit the account records for."))
@click.option("--lang", "lang", type=click.Choice(LANGUAGES), metavar="|".join(LANGUAGES),
              help=_("The desk's language for this account (default: the browser's, then "
                     "[station] language in leaflet.toml)."))
@click.password_option("--password", prompt=_("Password"),
                       confirmation_prompt=_("Repeat the password"),
                       help=_("Asked twice when not given (never pass it on a shared machine's "
                              "command line: it stays in the shell history)."))
@db_option
def user_add(name, unit, password, db, lang):
    from leaflet.station.accounts import Accounts

    account = Accounts(db, create=True).add(name, unit, password, lang)
    click.echo(_("account %(name)s added for unit %(unit)s")
               % {"name": account.name, "unit": account.unit})


@user.command("disable", help=_("Disable a desk account: its sessions end at their next "
                                "request.\n\n"
                                "\b\n"
                                "Example:  leaflet serve user disable A1234"))
@click.argument("name")
@db_option
def user_disable(name, db):
    from leaflet.station.accounts import Accounts

    Accounts(db).disable(name)
    click.echo(_("account %(name)s disabled") % {"name": name})


@user.command("language", help=_("Set the desk's language of an account (`-` for none: the "
                                 "browser's, then the station's).\n\n"
                                 "\b\n"
                                 "Example:  leaflet serve user language A1234 nl"))
@click.argument("name")
@click.argument("lang", type=click.Choice([*LANGUAGES, "-"]))
@db_option
def user_language(name, lang, db):
    from leaflet.station.accounts import Accounts

    Accounts(db, create=True).set_language(name, None if lang == "-" else lang)
    click.echo(_("account %(name)s: desk language %(lang)s") % {"name": name, "lang": lang})


@user.command("list", help=_("List the desk accounts: name, unit, language, then disabled, failed "
                             "logins since the last good one, open sessions.\n\n"
                             "\b\n"
                             "Example:  leaflet serve user list --db /var/lib/leaflet/log.sqlite3"))
@db_option
def user_list(db):
    from leaflet.station.accounts import Accounts

    accounts = Accounts(db)
    rows = accounts.list()
    if not rows:
        # Translators: %(database)s is the log's database (a file or a URL).
        click.echo(_("no desk account in %(database)s: add one with "
                     "`leaflet serve user add NAME --unit CODE`")
                   % {"database": accounts.display_url}, err=True)
        return
    for row in rows:
        # Translators: the state of a desk account in `leaflet serve user list`.
        flags = ([_("disabled")] if row["disabled"] else []) + \
            ([_("%(count)s failed logins") % {"count": row["failures"]}]
             if row["failures"] else []) + \
            ([_("%(count)s open sessions") % {"count": row["sessions"]}]
             if row["sessions"] else [])
        click.echo(f"{row['name']}\t{row['unit']}\t{row['lang'] or '-'}"
                   + (f"\t{', '.join(flags)}" if flags else ""))


@serve.group(help=_("The station's key, outside the log: where it is, and a new one.\n\n"
                    "\b\n"
                    "Example:  leaflet serve key rotate"))
def key():
    pass


@key.command("rotate", help=_("Write a new station key (mode 0600). From the station's next "
                              "start, every desk session and every kiosk code made with the old "
                              "key is refused.\n\n"
                              "\b\n"
                              "Example:  leaflet serve key rotate --key-file "
                              "/etc/leaflet/station.key"))
@click.option("--key-file", metavar="PATH", envvar="LEAFLET_STATION_KEY_FILE",
              help=_("The key file [default: station.key in the user config folder]."))
def key_rotate(key_file):
    from leaflet.station import keys

    path = keys.rotate(key_file)
    click.echo(_("new station key in %(path)s: restart `leaflet serve` to use it; desks log "
                 "in again") % {"path": path})


@key.command("path", help=_("Print where the station's key is read from (nothing about the key "
                            "itself).\n\n"
                            "\b\n"
                            "Example:  leaflet serve key path"))
@click.option("--key-file", metavar="PATH", envvar="LEAFLET_STATION_KEY_FILE",
              help=_("The key file [default: station.key in the user config folder]."))
def key_path(key_file):
    import os

    from leaflet.station import keys

    if os.environ.get(keys.KEY_ENV):
        # Translators: %(variable)s is an environment variable's name.
        click.echo(_("the environment (%(variable)s)") % {"variable": keys.KEY_ENV})
    else:
        click.echo(str(keys.key_path(key_file)))


COMMANDS = [serve]
