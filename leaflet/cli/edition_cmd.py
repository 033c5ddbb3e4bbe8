"""Commands of the edition flow: build and doctor."""

from __future__ import annotations

import json
import sys

import click


@click.command()
@click.option("--lang", "langs", multiple=True, metavar="CODE",
              help="Build only this language (BCP 47, repeatable). Default: all in leaflet.toml.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Parallel render processes (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Render even when the inputs are unchanged.")
@click.option("--release", is_flag=True,
              help="Refuse draft translations, languages failing `leaflet check`, and "
                   "unverified or stale contact details.")
@click.option("--allow-unverified", is_flag=True,
              help="With --release: accept unverified or stale contact details.")
@click.option("--print", "print_files", is_flag=True,
              help="Also write print files under output/<edition>/print/: A5 with bleed "
                   "and crop marks, A4 booklet imposition, PDF/A-2b.")
@click.option("--site", is_flag=True,
              help="Also write the edition's static site under output/<edition>/site/: "
                   "every language as a web page with its easy-read page, PDF, wallet card "
                   "and audio (a recording from audio/, else espeak-ng).")
@click.pass_obj
def build(settings, langs, jobs, force, release, allow_unverified, print_files, site):
    """Render the leaflet PDFs into output/<edition>/ and write its manifest.json.

    A language whose inputs (templates, catalogue, data, fonts, versions) did not change
    since the last build is skipped.

    \b
    Example:  leaflet build --lang ar --lang zh-Hans --jobs 2
              leaflet build --site
    """
    from leaflet.edition.build import LanguagesRefused, build as run_build

    workspace = settings.workspace()
    todo = list(langs) or list(workspace.languages)
    refused = None
    with click.progressbar(length=len(todo), label="Rendering", file=sys.stderr,
                           show_pos=True) as bar:
        try:
            result = run_build(workspace, langs or None, jobs=jobs, force=force,
                               release=release, allow_unverified=allow_unverified,
                               print_files=print_files, site=site,
                               progress=lambda code: bar.update(1))
        except LanguagesRefused as exc:
            refused, result = exc, exc.result
        bar.update(len(result.skipped))
    if refused is not None:
        # Every finding on its own line (file:line: CHECK-ID: message), then one Error line.
        for code in sorted(refused.refused):
            for finding in refused.refused[code]:
                click.echo(finding, err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    rel = workspace.display_path(result.output_dir)
    click.echo(f"{len(result.rendered)} rendered, {len(result.skipped)} unchanged, "
               f"in {rel}/")
    for code in result.rendered:
        entry = result.manifest["languages"][code]
        click.echo(f"  {code:8} {entry['pages']} pages  {entry['bytes'] // 1024:4} KB  "
                   f"{entry['review_status']}")
    if result.site is not None:
        _site_summary(workspace, result)
    if refused is not None:
        raise refused


def _site_summary(workspace, result) -> None:
    """The site's folder and size, and which languages have which audio (none: why)."""
    report = result.site
    kinds = report["audio"]
    click.echo(f"site: {workspace.display_path(report['dir'])}/index.html, "
               f"{len(report['languages'])} languages, {report['bytes'] / 1e6:.1f} MB")
    for kind, label in (("recording", "recorded audio"), ("synthetic", "synthetic voice")):
        codes = [c for c, k in kinds.items() if k == kind]
        if codes:
            click.echo(f"  {label}: {', '.join(codes)}")
    reasons: dict[str, list[str]] = {}
    for code, kind in kinds.items():
        if kind == "none":
            entry = result.manifest["languages"][code].get("audio") or {}
            reasons.setdefault(entry.get("reason", "no voice"), []).append(code)
    for reason, codes in reasons.items():
        if "not installed" in reason:
            click.echo(f"warning: no audio for {', '.join(codes)}: {reason}", err=True)
        else:
            click.echo(f"  no audio (no espeak-ng voice, no recording in audio/): "
                       f"{', '.join(codes)}")


@click.command()
@click.option("--lang", "langs", multiple=True, metavar="CODE",
              help="Check only this language (repeatable). Default: all in leaflet.toml.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--no-layout", is_flag=True, help="Skip rendering (layout fit) for speed.")
@click.option("--release", is_flag=True,
              help="Unverified or stale contact details become errors.")
@click.option("--allow-unverified", is_flag=True,
              help="With --release: keep unverified contact details as warnings.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Parallel render processes for the layout check.")
@click.pass_obj
def check(settings, langs, fmt, no_layout, release, allow_unverified, jobs):
    """Check catalogues, glyphs, layout and data before anything is printed.

    Prints `file:line: CHECK-ID: message` per finding. Exit code 0 when there is no
    error (warnings allowed), 1 otherwise. Check ids: see docs/translating.md.

    \b
    Example:  leaflet check --lang ti --lang am
    """
    from leaflet.translation.rules import ERROR
    from leaflet.edition.checks.runner import run_checks

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
        click.echo(f"{errors} error(s), {len(findings) - errors} warning(s)", err=True)
    if errors:
        raise SystemExit(1)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_obj
def doctor(settings, fmt):
    """Check the system parts the build needs: libraries, fonts, tools.

    Says for each missing part how to install it. Exit code 1 when a required part is
    missing.

    \b
    Example:  leaflet doctor
    """
    from leaflet.edition.doctor import diagnose

    try:
        workspace = settings.workspace()
    except Exception:  # doctor still reports the system when the workspace is broken
        workspace = None
    findings = diagnose(workspace)
    if fmt == "json":
        click.echo(json.dumps(findings, indent=2, ensure_ascii=False))
    else:
        for item in findings:
            mark = "ok " if item["ok"] else ("MISSING" if item["required"] else "absent ")
            line = f"{mark:8} {item['name']}: {item['detail']}"
            if not item["ok"]:
                line += f"  -> {item['fix']}"
            click.echo(line)
    if any(item["required"] and not item["ok"] for item in findings):
        raise SystemExit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def languages(settings, as_json):
    """List every configured language: names, script, direction, progress, PDF, audio.

    The audio column says what `leaflet build --site` reads the leaflet with: a recording
    placed in audio/, espeak-ng's synthetic voice, or none (no voice for the language).

    \b
    Example:  leaflet languages --json
    """
    from leaflet.edition.inventory import language_rows

    rows = language_rows(settings.workspace())
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    header = ("code", "English name", "autonym", "script", "dir", "done", "review", "PDF",
              "audio")
    table = [header] + [(r["code"], r["english_name"], r["autonym"], r["script"],
                         r["direction"], f"{r['translated_percent']:.0f}%", r["review_status"],
                         (r["pdf"] + " (changed since: build again)" if r["needs_rebuild"]
                          else r["pdf"]) if r["pdf"] else "—", r["audio"]) for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())


COMMANDS = [build, check, doctor, languages]
