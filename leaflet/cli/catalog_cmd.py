"""Commands of the catalogue workflow: `leaflet catalog extract|init`."""

from __future__ import annotations

import click


@click.group()
def catalog():
    """Translation catalogues (pybabel layout under translations/)."""


@catalog.command()
@click.pass_obj
def extract(settings):
    """Extract the messages of the templates into translations/messages.pot.

    \b
    Example:  leaflet catalog extract
    """
    from leaflet.edition import workflow

    path = workflow.extract(settings.workspace())
    click.echo(f"wrote {path}")


@catalog.command()
@click.argument("lang")
@click.pass_obj
def init(settings, lang):
    """Create the catalogue of LANG (BCP 47) from messages.pot, as a draft.

    \b
    Example:  leaflet catalog init ti
    """
    from leaflet.edition import workflow

    path = workflow.init(settings.workspace(), lang)
    click.echo(f"wrote {path}")




@catalog.command()
@click.pass_obj
def update(settings):
    """Merge messages.pot into every catalogue (changed entries become fuzzy).

    \b
    Example:  leaflet catalog extract && leaflet catalog update
    """
    from leaflet.edition import workflow

    for locale, counts in workflow.update(settings.workspace()).items():
        click.echo(f"{locale:8} kept {counts['kept']}, fuzzy {counts['fuzzy']}, "
                   f"added {counts['added']}, obsolete {counts['obsolete']}")


@catalog.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def stats(settings, fmt):
    """Per language: translated, fuzzy and untranslated entries, and review status.

    \b
    Example:  leaflet catalog stats --format json
    """
    import json

    from leaflet.edition import workflow

    rows = workflow.stats(settings.workspace())
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    click.echo(f"{'language':9} {'done':>6} {'transl':>6} {'fuzzy':>5} {'untr':>5}  review")
    for row in rows:
        mark = "" if row["configured"] else "  (not in leaflet.toml)"
        click.echo(f"{row['language']:9} {row['percent']:5.1f}% {row['translated']:6} "
                   f"{row['fuzzy']:5} {row['untranslated']:5}  {row['review_status']}{mark}")


COMMANDS = [catalog]
