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


COMMANDS = [catalog]
