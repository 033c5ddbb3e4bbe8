"""Commands of the catalogue workflow: `leaflet catalog extract|init|update|stats|review|
export|import|proof`."""

from __future__ import annotations

from pathlib import Path

import click

from leaflet.i18n import _, ngettext


@click.group(help=_("Translation catalogues (pybabel layout under translations/)."))
def catalog():
    pass


@catalog.command(help=_("Extract the messages of the templates into translations/messages.pot."
                        "\n\n"
                        "\b\n"
                        "Example:  leaflet catalog extract"))
@click.pass_obj
def extract(settings):
    from leaflet.translation import workflow

    path = workflow.extract(settings.workspace())
    click.echo(_("wrote %(path)s") % {"path": path})


@catalog.command(help=_("Create the catalogue of LANG (BCP 47) from messages.pot, as a draft."
                        "\n\n"
                        "\b\n"
                        "Example:  leaflet catalog init ti"))
@click.argument("lang")
@click.pass_obj
def init(settings, lang):
    from leaflet.translation import workflow

    workspace = settings.workspace()
    path = workflow.init(workspace, lang)
    click.echo(_("wrote %(path)s") % {"path": path})
    from leaflet.workspace.parser import canonical_code

    code = canonical_code(lang.replace("_", "-")) or lang
    added = workflow.add_to_build(workspace, code)
    if added:
        click.echo(_("added %(code)s to [build] languages in %(file)s")
                   % {"code": code, "file": workspace.path.name})
    elif added is None:
        # Translators: the one step left for the coordinator; %(code)s is a language code.
        click.echo(_("one step left: add \"%(code)s\" to [build] languages in %(file)s")
                   % {"code": code, "file": workspace.path.name}, err=True)




@catalog.command(help=_("Merge messages.pot into every catalogue (changed entries become "
                        "fuzzy).\n\n"
                        "\b\n"
                        "Example:  leaflet catalog extract && leaflet catalog update"))
@click.pass_obj
def update(settings):
    from leaflet.translation import workflow

    for locale, counts in workflow.update(settings.workspace()).items():
        # Translators: %(locale)s is a catalogue's locale code (padded); kept, fuzzy,
        # added and obsolete count its entries after the merge.
        click.echo(_("%(locale)s kept %(kept)s, fuzzy %(fuzzy)s, added %(added)s, "
                     "obsolete %(obsolete)s")
                   % {"locale": f"{locale:8}", "kept": counts["kept"], "fuzzy": counts["fuzzy"],
                      "added": counts["added"], "obsolete": counts["obsolete"]})


@catalog.command(help=_("Per language: translated, fuzzy and untranslated entries, and review "
                        "status.\n\n"
                        "\b\n"
                        "Example:  leaflet catalog stats --format json"))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def stats(settings, fmt):
    import json

    from leaflet.translation import workflow

    rows = workflow.stats(settings.workspace())
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    # Translators: the column headings of `leaflet catalog stats`, in narrow columns:
    # "done" is the share translated, "transl" the translated entries, "untr" the
    # untranslated ones, "review" the review status.
    heads = (_("language"), _("done"), _("transl"), _("fuzzy"), _("untr"), _("review"))
    click.echo(f"{heads[0]:9} {heads[1]:>6} {heads[2]:>6} {heads[3]:>5} {heads[4]:>5}  "
               f"{heads[5]}")
    for row in rows:
        mark = "" if row["configured"] else "  " + _("(not in leaflet.toml)")
        click.echo(f"{row['language']:9} {row['percent']:5.1f}% {row['translated']:6} "
                   f"{row['fuzzy']:5} {row['untranslated']:5}  {row['review_status']}{mark}")


@catalog.command(help=_("Mark LANG reviewed, binding the review to its text, when `leaflet "
                        "check` passes.\n\n"
                        "The header records who, when, and a fingerprint of every entry and of "
                        "the agreed terms. A later change to any translation makes the catalogue "
                        "\"changed since review\": it prints as a draft again and `build "
                        "--release` refuses it, naming the entries.\n\n"
                        "\b\n"
                        "Example:  leaflet catalog review ti --reviewer \"Amina Haile, Payoke\" "
                        "--date 2026-12-15"))
@click.argument("lang")
@click.option("--reviewer", required=True, metavar='"NAME, ORGANISATION"',
              help=_("The qualified translator who reviewed the text, and their "
                     "organisation."))
@click.option("--date", "date", metavar="YYYY-MM-DD",
              help=_("The day of the review (default: today; never in the future)."))
@click.pass_obj
def review(settings, lang, reviewer, date):
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
    values = {"path": workspace.display_path(path), "reviewer": after.reviewer,
              "date": after.date, "count": len(warnings)}
    click.echo(_("%(path)s: reviewed by %(reviewer)s on %(date)s (%(count)s warning(s) shown "
                 "above)") % values if warnings else
               _("%(path)s: reviewed by %(reviewer)s on %(date)s") % values)


@catalog.command(help=_("Write LANG's catalogue as XLIFF for a CAT tool (the header stays "
                        "behind).\n\n"
                        "\b\n"
                        "Example:  leaflet catalog export ti --format xliff"))
@click.argument("lang")
@click.option("--format", "fmt", type=click.Choice(["xliff"]), default="xliff", show_default=True,
              help=_("XLIFF 1.2, which Trados, memoQ, Phrase and OmegaT read."))
@click.option("--output", "-o", "dest", type=click.Path(dir_okay=False, path_type=Path),
              help=_("Where to write (default: output/<edition>/review/<LANG>.xlf)."))
@click.pass_obj
def export(settings, lang, fmt, dest):
    from leaflet.translation import xliff

    workspace = settings.workspace()
    path = xliff.export(workspace, lang, dest)
    click.echo(_("wrote %(path)s") % {"path": workspace.display_path(path)})


@catalog.command("import", help=_("Bring the translations of an XLIFF file back into its "
                                  "catalogue.\n\n"
                                  "Only the targets are taken. The file is refused, and nothing "
                                  "written, when it is not valid XLIFF, is for another language, "
                                  "changed an English source, or gives a result that fails "
                                  "`leaflet check`. A file without edits changes nothing.\n\n"
                                  "\b\n"
                                  "Example:  leaflet catalog import ~/Downloads/ti.xlf"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "expect", metavar="LANG",
              help=_("Refuse the file unless it is for LANG."))
@click.pass_obj
def import_(settings, file, expect):
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
        click.echo(_("%(path)s: no change") % {"path": shown})
    else:
        click.echo(ngettext("%(path)s: %(count)s entry changed",
                            "%(path)s: %(count)s entries changed", len(result.changed))
                   % {"path": shown, "count": len(result.changed)})
        for msgid in result.changed:
            click.echo(f"  {msgid[:70]!r}")
    if result.missing:
        click.echo(_("%(count)s entries were not in the file and are unchanged")
                   % {"count": result.missing})
    for finding in result.remaining:
        click.echo(_("still to fix: %(finding)s") % {"finding": finding}, err=True)


@catalog.command(help=_("Write a proof of LANG for a reviewer to mark up on paper.\n\n"
                        "Every entry numbered, English and translation side by side, the notes, "
                        "the entries changed since the last review marked, the agreed terms on the "
                        "first page, then the leaflet and wallet card pages as they print.\n\n"
                        "\b\n"
                        "Example:  leaflet catalog proof ti"))
@click.argument("lang")
@click.option("--output", "-o", "dest", type=click.Path(dir_okay=False, path_type=Path),
              help=_("Where to write (default: output/<edition>/review/<LANG>-proof.pdf)."))
@click.pass_obj
def proof(settings, lang, dest):
    from leaflet.edition import proof as proofs

    workspace = settings.workspace()
    path, summary = proofs.proof(workspace, lang, dest)
    # Translators: %(status)s is the catalogue's review state (a code: draft, reviewed ...).
    click.echo(_("wrote %(path)s: %(pages)s pages, %(entries)s entries, %(changed)s marked; "
                 "%(status)s")
               % {"path": workspace.display_path(path), "pages": summary["pages"],
                  "entries": summary["entries"], "changed": summary["changed"],
                  "status": summary["status"]})


@catalog.group("interface", help=_(
    "The tool's own catalogues (leaflet/locale): what `leaflet` says to officers, auditors, "
    "coordinators and reviewers, in French, Dutch and German.\n\n"
    "\b\n"
    "Example:  leaflet catalog interface stats"))
def interface_group():
    pass


@interface_group.command("update", help=_(
    "Extract the interface's messages from the code and the tool's templates into "
    "leaflet/locale/leaflet.pot, merge them into each language's catalogue and compile it.\n\n"
    "\b\n"
    "Example:  leaflet catalog interface update"))
def interface_update():
    from leaflet.translation import interface

    for code, counts in interface.update().items():
        click.echo(_("%(code)s: %(added)s added, %(removed)s removed")
                   % {"code": code, **counts})


@interface_group.command("stats", help=_(
    "Per language of the interface: entries, translated, fuzzy, and whether it is a "
    "draft.\n\n"
    "\b\n"
    "Example:  leaflet catalog interface stats"))
def interface_stats():
    from leaflet.translation import interface

    for row in interface.stats():
        click.echo(_("%(code)s  %(translated)s of %(entries)s translated, %(fuzzy)s fuzzy, "
                     "%(status)s") % row)


@interface_group.command("check", help=_(
    "The checks of the interface's catalogues (placeholders, markup, invisible characters, "
    "agreed terms …); exit 1 on an error.\n\n"
    "\b\n"
    "Example:  leaflet catalog interface check --lang nl"))
@click.option("--lang", "codes", multiple=True, metavar="LANG",
              help=_("Only this language (repeatable)."))
def interface_check(codes):
    from leaflet.edition.checks import interface as checks
    from leaflet.errors import LeafletError
    from leaflet.translation.rules import ERROR

    found = checks.check_all(list(codes) or None)
    for finding in found:
        click.echo(str(finding), err=True)
    errors = sum(1 for f in found if f.severity == ERROR)
    click.echo(_("%(errors)s error(s), %(warnings)s warning(s)")
               % {"errors": errors, "warnings": len(found) - errors}, err=True)
    if errors:
        raise LeafletError(_("the interface's catalogues have errors"),
                           hint=_("fix them in the catalogue or a CAT tool, then check again"))


@interface_group.command("export", help=_(
    "Write LANG's interface catalogue as XLIFF 1.2 for a translation service's CAT tool.\n\n"
    "\b\n"
    "Example:  leaflet catalog interface export nl -o nl-interface.xlf"))
@click.argument("lang")
@click.option("--output", "-o", "dest", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help=_("Where to write the XLIFF file."))
def interface_export(lang, dest):
    from leaflet.translation import interface

    path = interface.export_xliff(lang, dest)
    click.echo(_("wrote %(path)s") % {"path": path})


@interface_group.command("import", help=_(
    "Bring the reviewed translations of an XLIFF file back into its interface catalogue "
    "(refused whole when the result fails the checks), and compile it.\n\n"
    "\b\n"
    "Example:  leaflet catalog interface import nl-interface.xlf"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "expect", metavar="LANG", help=_("Refuse the file unless it is for LANG."))
def interface_import(file, expect):
    from leaflet.edition.checks import interface as checks
    from leaflet.translation import interface, xliff

    try:
        result = interface.import_xliff(
            file, expect, check=lambda code, override: checks.check_catalogue(code, override))
    except xliff.XliffRefused as exc:
        for finding in exc.findings:
            click.echo(str(finding), err=True)
        raise
    click.echo(ngettext("%(code)s: %(count)s entry changed", "%(code)s: %(count)s entries "
                        "changed", len(result.changed))
               % {"code": result.lang, "count": len(result.changed)})
    for finding in result.remaining:
        click.echo(_("still to fix: %(finding)s") % {"finding": finding}, err=True)


@interface_group.command("review", help=_(
    "Mark LANG's interface catalogue reviewed (refused while its checks find an error): "
    "the tool's pages in it no longer say they are a draft.\n\n"
    "\b\n"
    "Example:  leaflet catalog interface review nl --reviewer \"J. Peeters, Vertaaldienst\""))
@click.argument("lang")
@click.option("--reviewer", required=True, metavar='"NAME, ORGANISATION"',
              help=_("Who reviewed the translation."))
@click.option("--date", "date", metavar="YYYY-MM-DD", help=_("The review's date (default: today)."))
def interface_review(lang, reviewer, date):
    from leaflet.edition.checks import interface as checks
    from leaflet.translation import interface

    path = interface.mark_reviewed(lang, reviewer, date,
                                   check=lambda code, override: checks.check_catalogue(code))
    click.echo(_("%(path)s: reviewed by %(reviewer)s") % {"path": path, "reviewer": reviewer})


COMMANDS = [catalog]
