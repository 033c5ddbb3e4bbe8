"""Commands for finding the person's language: `leaflet pick` and `leaflet card`."""

from __future__ import annotations

import json

import click

from leaflet.i18n import _

OFFICER_CHOICE = click.Choice(["en", "fr", "nl", "de"])


def _why(row: dict) -> str:
    match = row["match"]
    if match["how"] == "territory":
        # Translators: a country and the share of its people who speak the language, like
        # "Eritrea 45%".
        return _("%(territory)s %(share)s%%") % {"territory": match["territory_name"],
                                                 "share": f"{match['share']:g}"}
    if match["how"] == "code":
        # Translators: what a query matched: a language code, like "code ti".
        return _("code %(code)s") % {"code": match["text"]}
    if match["how"] == "word":
        # Translators: what a query matched: one word of a language's name.
        return _("word \"%(word)s\"") % {"word": match["text"]}
    return f"\"{match['text']}\""


def _label(row: dict) -> str:
    names = [row["autonym"]] if row["autonym"] else []
    if row["english_name"] not in names:
        names.append(row["english_name"])
    return " ".join([row["code"], *names])


@click.command(help=_("Find the person's language by any name, code or country, and its "
                      "leaflet.\n\n"
                      "QUERY is a language name in any language or script (\"Tigrinya\", "
                      "\"tigrigna\", \"ትግርኛ\"; typos are tolerated), an ISO 639 code "
                      "(\"ti\", \"tir\"), or a country by name or ISO code (\"Eritrea\", "
                      "\"Érythrée\", \"ER\"), which gives the languages spoken there, most "
                      "spoken first. Each row says whether this edition has a leaflet in the "
                      "language; for one without, the built languages its speakers most likely "
                      "read.\n\n"
                      "Exit code 1 when nothing matches; the message names the nearest names.\n\n"
                      "\b\n"
                      "Example:  leaflet pick tigrinia\n"
                      "Example:  leaflet pick Érythrée --json"))
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=_("Print a JSON list instead of a table."))
@click.option("--limit", "-n", type=click.IntRange(1, 50), default=10, show_default=True,
              help=_("At most this many languages."))
@click.option("--for", "officer", type=OFFICER_CHOICE, default="en", show_default=True,
              help=_("Also name the languages in the officer's language."))
@click.pass_obj
def pick(settings, query, as_json, limit, officer):
    from leaflet.languages.pick import pick as run_pick

    rows = run_pick(" ".join(query), settings.workspace(), limit=limit, officer=officer)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    # Translators: the headings of `leaflet pick`'s table: the language's code, its name in
    # itself (autonym), its English name, whether this edition has a leaflet in it, the match
    # score, and what the query matched.
    table = [("", _("code"), _("autonym"), _("English name") if officer == "en" else
              # Translators: %(language)s is the officer's language code: fr, nl or de.
              _("English name / %(language)s") % {"language": officer}, _("leaflet"),
              _("score"), _("matched"))]
    for number, row in enumerate(rows, 1):
        name = row["english_name"]
        if officer != "en" and row["name"] != name:
            name += f" / {row['name']}"
        # Translators: the leaflet column of `leaflet pick`: yes, not built (configured but
        # no build passed), no.
        leaflet = _("yes") if row["built"] else (_("not built") if row["configured"]
                                                 else _("no"))
        table.append((str(number), row["code"], row["autonym"] or "—", name, leaflet,
                      f"{row['score']:g}", _why(row)))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for number, line in enumerate(table):
        click.echo("  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip())
        row = rows[number - 1] if number else None
        if row and not row["built"]:
            if row.get("suggestions"):
                read = ", ".join(
                    _label(s) + (f" ({s['because'][0]['territory_name']})"
                                 if "territory_name" in s["because"][0] else "")
                    for s in row["suggestions"])
                click.echo(f"{'':{widths[0]}}  ↳ "
                           + _("speakers may read: %(languages)s") % {"languages": read})
            elif not row["configured"]:
                click.echo(f"{'':{widths[0]}}  ↳ "
                           + _("no built leaflet its speakers are known to read"))


@click.command(help=_("Write the language card: every built language, for the person to point "
                      "at.\n\n"
                      "A4, grouped by region; each language shows its name in its own script, \"I "
                      "speak <language>.\" in that language, its English name and the code to "
                      "record. Written to output/<edition>/language-card.pdf "
                      "(language-card-fr.pdf etc. with --for fr|nl|de) after the glyph and layout "
                      "checks pass; exit code 1 otherwise.\n\n"
                      "\b\n"
                      "Example:  leaflet build && leaflet card --for nl"))
@click.option("--for", "officer", type=OFFICER_CHOICE, default="en", show_default=True,
              help=_("The officer's language: the card's title and instruction line."))
@click.pass_obj
def card(settings, officer):
    from leaflet.edition.card import build_card

    workspace = settings.workspace()
    result = build_card(workspace, officer)
    for warning in result.warnings:
        click.echo(_("warning: %(message)s") % {"message": warning}, err=True)
    path = workspace.display_path(result.path)
    click.echo(_("wrote %(path)s: %(languages)s languages, %(pages)s page(s), %(size)s KB")
               % {"path": path, "languages": len(result.languages), "pages": result.pages,
                  "size": result.bytes // 1024})
    for region, codes in result.regions.items():
        click.echo(f"  {region:12} {' '.join(codes)}")


COMMANDS = [pick, card]
