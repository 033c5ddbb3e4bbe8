"""Commands for finding the person's language: `leaflet pick` and `leaflet card`."""

from __future__ import annotations

import json

import click

OFFICER_CHOICE = click.Choice(["en", "fr", "nl", "de"])


def _why(row: dict) -> str:
    match = row["match"]
    if match["how"] == "territory":
        return f"{match['territory_name']} {match['share']:g}%"
    if match["how"] == "code":
        return f"code {match['text']}"
    if match["how"] == "word":
        return f"word \"{match['text']}\""
    return f"\"{match['text']}\""


def _label(row: dict) -> str:
    names = [row["autonym"]] if row["autonym"] else []
    if row["english_name"] not in names:
        names.append(row["english_name"])
    return " ".join([row["code"], *names])


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.option("--limit", "-n", type=click.IntRange(1, 50), default=10, show_default=True,
              help="At most this many languages.")
@click.option("--for", "officer", type=OFFICER_CHOICE, default="en", show_default=True,
              help="Also name the languages in the officer's language.")
@click.pass_obj
def pick(settings, query, as_json, limit, officer):
    """Find the person's language by any name, code or country, and its leaflet.

    QUERY is a language name in any language or script ("Tigrinya", "tigrigna",
    "ትግርኛ"; typos are tolerated), an ISO 639 code ("ti", "tir"), or a country by name
    or ISO code ("Eritrea", "Érythrée", "ER"), which gives the languages spoken there,
    most spoken first. Each row says whether this edition has a leaflet in the language;
    for one without, the built languages its speakers most likely read.

    Exit code 1 when nothing matches; the message names the nearest names.

    \b
    Example:  leaflet pick tigrinia
    Example:  leaflet pick Érythrée --json
    """
    from leaflet.languages.pick import pick as run_pick

    rows = run_pick(" ".join(query), settings.workspace(), limit=limit, officer=officer)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = [("", "code", "autonym", "English name" if officer == "en" else
              f"English name / {officer}", "leaflet", "score", "matched")]
    for number, row in enumerate(rows, 1):
        name = row["english_name"]
        if officer != "en" and row["name"] != name:
            name += f" / {row['name']}"
        leaflet = "yes" if row["built"] else ("not built" if row["configured"] else "no")
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
                click.echo(f"{'':{widths[0]}}  ↳ speakers may read: {read}")
            elif not row["configured"]:
                click.echo(f"{'':{widths[0]}}  ↳ no built leaflet its speakers are known to read")


@click.command()
@click.option("--for", "officer", type=OFFICER_CHOICE, default="en", show_default=True,
              help="The officer's language: the card's title and instruction line.")
@click.pass_obj
def card(settings, officer):
    """Write the language card: every built language, for the person to point at.

    A4, grouped by region; each language shows its name in its own script, "I speak
    <language>." in that language, its English name and the code to record. Written to
    output/<edition>/language-card.pdf (language-card-fr.pdf etc. with --for fr|nl|de)
    after the glyph and layout checks pass; exit code 1 otherwise.

    \b
    Example:  leaflet build && leaflet card --for nl
    """
    from leaflet.edition.card import build_card

    workspace = settings.workspace()
    result = build_card(workspace, officer)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    path = workspace.display_path(result.path)
    click.echo(f"wrote {path}: {len(result.languages)} languages, {result.pages} page(s), "
               f"{result.bytes // 1024} KB")
    for region, codes in result.regions.items():
        click.echo(f"  {region:12} {' '.join(codes)}")


COMMANDS = [pick, card]
