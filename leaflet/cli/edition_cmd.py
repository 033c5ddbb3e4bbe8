"""Commands of the edition flow: build and doctor."""

from __future__ import annotations

import contextlib
import json
import sys

import click

from leaflet.i18n import N_, SOURCE, _, language


@click.command(help=_("Render the leaflet PDFs into output/<edition>/ and write its "
                      "manifest.json.\n\n"
                      "A language whose inputs (templates, catalogue, data, fonts, versions) did "
                      "not change since the last build is skipped.\n\n"
                      "\b\n"
                      "Example:  leaflet build --lang ar --lang zh-Hans --jobs 2\n"
                      "          leaflet build --site"))
@click.option("--lang", "langs", multiple=True, metavar="CODE",
              help=_("Build only this language (BCP 47, repeatable). Default: all in "
                     "leaflet.toml."))
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help=_("Parallel render processes (default: the number of CPUs)."))
@click.option("--force", is_flag=True, help=_("Render even when the inputs are unchanged."))
@click.option("--release", is_flag=True,
              help=_("Refuse draft translations, languages failing `leaflet check`, and "
                     "unverified or stale contact details."))
@click.option("--allow-unverified", is_flag=True,
              help=_("With --release: accept unverified or stale contact details."))
@click.option("--print", "print_files", is_flag=True,
              help=_("Also write print files under output/<edition>/print/: A5 with bleed "
                     "and crop marks, A4 booklet imposition, PDF/A-2b."))
@click.option("--site", is_flag=True,
              help=_("Also write the edition's static site under output/<edition>/site/: "
                     "every language as a web page with its easy-read page, PDF, wallet card "
                     "and audio (a recording from audio/, else espeak-ng)."))
@click.option("--verbose", "-v", is_flag=True,
              help=_("Print every warning (by default, more than three of one kind are "
                     "summed up in one line)."))
@click.pass_obj
def build(settings, langs, jobs, force, release, allow_unverified, print_files, site, verbose):
    from leaflet.cli.progress import Progress, summarised
    from leaflet.edition.build import LanguagesRefused, build as run_build

    workspace = settings.workspace()
    refused = None
    progress = Progress(sys.stderr)
    try:
        result = run_build(workspace, langs or None, jobs=jobs, force=force,
                           release=release, allow_unverified=allow_unverified,
                           print_files=print_files, site=site,
                           progress=progress.step, stage=progress.stage)
    except LanguagesRefused as exc:
        refused, result = exc, exc.result
    except BaseException:
        progress.abandon()
        raise
    progress.close()
    if refused is not None:
        # Every finding on its own line (file:line: CHECK-ID: message), then one Error line.
        for code in sorted(refused.refused):
            for finding in refused.refused[code]:
                click.echo(finding, err=True)
    for line in summarised(result.warnings, verbose=verbose):
        click.echo(line, err=True)
    rel = workspace.display_path(result.output_dir)
    click.echo(_("%(rendered)s rendered, %(unchanged)s unchanged, in %(folder)s/")
               % {"rendered": len(result.rendered), "unchanged": len(result.skipped),
                  "folder": rel})
    for code in result.rendered:
        entry = result.manifest["languages"][code]
        # Translators: one built language: its code (padded), its page count, its size and
        # its review status (draft or reviewed: a code, not translated).
        click.echo("  " + _("%(code)s %(pages)s pages  %(size)s KB  %(status)s")
                   % {"code": f"{code:8}", "pages": entry["pages"],
                      "size": f"{entry['bytes'] // 1024:4}", "status": entry["review_status"]})
    if result.site is not None:
        _site_summary(workspace, result)
    if refused is not None:
        raise refused


def _site_summary(workspace, result) -> None:
    """The site's folder and size, and which languages have which audio (none: why)."""
    from leaflet.edition.audio import shown_reason

    report = result.site
    kinds = report["audio"]
    click.echo(_("site: %(path)s/index.html, %(languages)s languages, %(size)s MB")
               % {"path": workspace.display_path(report["dir"]),
                  "languages": len(report["languages"]), "size": f"{report['bytes'] / 1e6:.1f}"})
    # Translators: %(languages)s is a list of language codes, like "ar, fr, ti".
    for kind, label in (("recording", N_("recorded audio: %(languages)s")),
                        ("synthetic", N_("synthetic voice: %(languages)s"))):
        codes = [c for c, k in kinds.items() if k == kind]
        if codes:
            click.echo("  " + _(label) % {"languages": ", ".join(codes)})
    reasons: dict[str, list[str]] = {}
    for code, kind in kinds.items():
        if kind == "none":
            entry = result.manifest["languages"][code].get("audio") or {}
            reasons.setdefault(entry.get("reason", "no voice"), []).append(code)
    for reason, codes in reasons.items():
        if "not installed" in reason:
            click.echo(_("warning: no audio for %(languages)s: %(reason)s")
                       % {"languages": ", ".join(codes), "reason": shown_reason(reason)},
                       err=True)
        else:
            click.echo("  " + _("no audio (no espeak-ng voice, no recording in audio/): "
                                "%(languages)s") % {"languages": ", ".join(codes)})


@click.command(help=_("Check catalogues, glyphs, layout and data before anything is printed."
                      "\n\n"
                      "Prints `file:line: CHECK-ID: message` per finding. Exit code 0 when there "
                      "is no error (warnings allowed), 1 otherwise. Check ids: see "
                      "docs/translating.md.\n\n"
                      "\b\n"
                      "Example:  leaflet check --lang ti --lang am"))
@click.option("--lang", "langs", multiple=True, metavar="CODE",
              help=_("Check only this language (repeatable). Default: all in leaflet.toml."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--no-layout", is_flag=True, help=_("Skip rendering (layout fit) for speed."))
@click.option("--release", is_flag=True,
              help=_("Unverified or stale contact details become errors."))
@click.option("--allow-unverified", is_flag=True,
              help=_("With --release: keep unverified contact details as warnings."))
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help=_("Parallel render processes for the layout check."))
@click.pass_obj
def check(settings, langs, fmt, no_layout, release, allow_unverified, jobs):
    from leaflet.translation.rules import ERROR
    from leaflet.edition.checks.runner import run_checks

    with _speaking(fmt):
        findings = run_checks(settings.workspace(), langs or None, layout=not no_layout,
                              release=release, allow_unverified=allow_unverified, jobs=jobs)
    errors = sum(f.severity == ERROR for f in findings)
    if fmt == "json":
        click.echo(json.dumps({"errors": errors, "warnings": len(findings) - errors,
                               "findings": [f.as_dict() for f in findings]},
                              indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(_("%(errors)s error(s), %(warnings)s warning(s)")
                   % {"errors": errors, "warnings": len(findings) - errors}, err=True)
    if errors:
        raise SystemExit(1)


@click.command(help=_("Check the system parts the build needs: libraries, fonts, tools.\n\n"
                      "Says for each missing part how to install it. Exit code 1 when a required "
                      "part is missing.\n\n"
                      "\b\n"
                      "Example:  leaflet doctor"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_obj
def doctor(settings, fmt):
    from leaflet.edition.doctor import diagnose

    try:
        workspace = settings.workspace()
    except Exception:  # doctor still reports the system when the workspace is broken
        workspace = None
    with _speaking(fmt):
        findings = diagnose(workspace)
    if fmt == "json":
        click.echo(json.dumps(findings, indent=2, ensure_ascii=False))
    else:
        for item in findings:
            # Translators: the state of a system part in `leaflet doctor`, in a column of 8
            # characters: ok (present), MISSING (required and absent), absent (optional).
            mark = _("ok") if item["ok"] else (_("MISSING") if item["required"]
                                               else _("absent"))
            line = f"{mark:8} {item['name']}: {item['detail']}"
            if not item["ok"]:
                line += f"  -> {item['fix']}"
            click.echo(line)
    if any(item["required"] and not item["ok"] for item in findings):
        raise SystemExit(1)


@click.command(help=_("List every configured language: names, script, direction, progress, "
                      "PDF, audio.\n\n"
                      "The audio column says what `leaflet build --site` reads the leaflet with: "
                      "a recording placed in audio/, espeak-ng's synthetic voice, or none (no "
                      "voice for the language).\n\n"
                      "\b\n"
                      "Example:  leaflet languages --json"))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON instead of a table."))
@click.pass_obj
def languages(settings, as_json):
    from leaflet.edition.inventory import language_rows

    rows = language_rows(settings.workspace())
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    # Translators: the column headings of `leaflet languages` (short: "dir" is the writing
    # direction, "done" the share translated, "review" the review status).
    header = (_("code"), _("English name"), _("autonym"), _("script"), _("dir"), _("done"),
              _("review"), _("PDF"), _("audio"))
    table = [header] + [(r["code"], r["english_name"], r["autonym"], r["script"],
                         r["direction"], f"{r['translated_percent']:.0f}%", r["review_status"],
                         (_("%(pdf)s (changed since: build again)") % {"pdf": r["pdf"]}
                          if r["needs_rebuild"] else r["pdf"]) if r["pdf"] else "—",
                         _(r["audio"])) for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())


def _speaking(fmt: str):
    """The language of what a command prints: JSON is for programs, its texts (findings'
    messages, details) stay in English; text is for the reader, in their language."""
    return language(SOURCE) if fmt == "json" else contextlib.nullcontext()


COMMANDS = [build, check, doctor, languages]
