"""Commands of the catalogue workflow: `leaflet catalog extract|init|update|stats|review|
export|import|proof`."""

from __future__ import annotations

from pathlib import Path

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
    from leaflet.translation import workflow

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
    from leaflet.translation import workflow

    path = workflow.init(settings.workspace(), lang)
    click.echo(f"wrote {path}")




@catalog.command()
@click.pass_obj
def update(settings):
    """Merge messages.pot into every catalogue (changed entries become fuzzy).

    \b
    Example:  leaflet catalog extract && leaflet catalog update
    """
    from leaflet.translation import workflow

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

    from leaflet.translation import workflow

    rows = workflow.stats(settings.workspace())
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    click.echo(f"{'language':9} {'done':>6} {'transl':>6} {'fuzzy':>5} {'untr':>5}  review")
    for row in rows:
        mark = "" if row["configured"] else "  (not in leaflet.toml)"
        click.echo(f"{row['language']:9} {row['percent']:5.1f}% {row['translated']:6} "
                   f"{row['fuzzy']:5} {row['untranslated']:5}  {row['review_status']}{mark}")


@catalog.command()
@click.argument("lang")
@click.option("--reviewer", required=True, metavar='"NAME, ORGANISATION"',
              help="The qualified translator who reviewed the text, and their organisation.")
@click.option("--date", "date", metavar="YYYY-MM-DD",
              help="The day of the review (default: today; never in the future).")
@click.pass_obj
def review(settings, lang, reviewer, date):
    """Mark LANG reviewed, binding the review to its text, when `leaflet check` passes.

    The header records who, when, and a fingerprint of every entry and of the agreed
    terms. A later change to any translation makes the catalogue "changed since review":
    it prints as a draft again and `build --release` refuses it, naming the entries.

    \b
    Example:  leaflet catalog review ti --reviewer "Amina Haile, Payoke" --date 2026-12-15
    """
    from leaflet.edition.checks import runner
    from leaflet.translation import review as reviewing

    workspace = settings.workspace()
    try:
        path, after, warnings = reviewing.mark_reviewed(
            workspace, lang, reviewer, date,
            check=lambda: runner.run_checks(workspace, [lang]))
    except reviewing.ReviewRefused as exc:
        for finding in exc.findings:
            click.echo(str(finding), err=True)
        raise
    for finding in warnings:
        click.echo(str(finding), err=True)
    click.echo(f"{workspace.display_path(path)}: reviewed by {after.reviewer} on {after.date}"
               f" ({len(warnings)} warning(s) shown above)" if warnings else
               f"{workspace.display_path(path)}: reviewed by {after.reviewer} on {after.date}")


@catalog.command()
@click.argument("lang")
@click.option("--format", "fmt", type=click.Choice(["xliff"]), default="xliff", show_default=True,
              help="XLIFF 1.2, which Trados, memoQ, Phrase and OmegaT read.")
@click.option("--output", "-o", "dest", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write (default: output/<edition>/review/<LANG>.xlf).")
@click.pass_obj
def export(settings, lang, fmt, dest):
    """Write LANG's catalogue as XLIFF for a CAT tool (the header stays behind).

    \b
    Example:  leaflet catalog export ti --format xliff
    """
    from leaflet.translation import xliff

    workspace = settings.workspace()
    path = xliff.export(workspace, lang, dest)
    click.echo(f"wrote {workspace.display_path(path)}")


@catalog.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "expect", metavar="LANG",
              help="Refuse the file unless it is for LANG.")
@click.pass_obj
def import_(settings, file, expect):
    """Bring the translations of an XLIFF file back into its catalogue.

    Only the targets are taken. The file is refused, and nothing written, when it is not
    valid XLIFF, is for another language, changed an English source, or gives a result
    that fails `leaflet check`. A file without edits changes nothing.

    \b
    Example:  leaflet catalog import ~/Downloads/ti.xlf
    """
    from leaflet.edition.checks import runner
    from leaflet.translation import xliff

    workspace = settings.workspace()
    try:
        result = xliff.import_file(
            workspace, file, expect,
            check=lambda code, override: runner.run_checks(
                workspace, [code], overrides={code: override} if override else None))
    except xliff.XliffRefused as exc:
        for finding in exc.findings:
            click.echo(str(finding), err=True)
        raise
    shown = workspace.display_path(result.path)
    if not result.changed:
        click.echo(f"{shown}: no change")
    else:
        click.echo(f"{shown}: {len(result.changed)} entr{'y' if len(result.changed) == 1 else 'ies'}"
                   " changed")
        for msgid in result.changed:
            click.echo(f"  {msgid[:70]!r}")
    if result.missing:
        click.echo(f"{result.missing} entries were not in the file and are unchanged")
    for finding in result.remaining:
        click.echo(f"still to fix: {finding}", err=True)


@catalog.command()
@click.argument("lang")
@click.option("--output", "-o", "dest", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write (default: output/<edition>/review/<LANG>-proof.pdf).")
@click.pass_obj
def proof(settings, lang, dest):
    """Write a proof of LANG for a reviewer to mark up on paper.

    Every entry numbered, English and translation side by side, the notes, the entries
    changed since the last review marked, the agreed terms on the first page, then the
    leaflet and wallet card pages as they print.

    \b
    Example:  leaflet catalog proof ti
    """
    from leaflet.edition import proof as proofs

    workspace = settings.workspace()
    path, summary = proofs.proof(workspace, lang, dest)
    click.echo(f"wrote {workspace.display_path(path)}: {summary['pages']} pages, "
               f"{summary['entries']} entries, {summary['changed']} marked; "
               f"{summary['status']}")


COMMANDS = [catalog]
