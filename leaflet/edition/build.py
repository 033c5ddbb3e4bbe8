"""`leaflet build`: the plan's languages rendered into PDFs, wallet cards and print files, the
manifest merged, and with --site the audio and the static site.

The build is the gate: every language to render first passes the catalogue and data checks
`leaflet check` runs (the plan), and its layout is checked on the very pages that become the
PDF (leaflet.edition.checks.layout). A language with an error gets no PDF and no print
file, its findings are reported with file:line, and the other languages still build; the
build then fails. Invalid contact data stops every language, since every leaflet prints it.

Everything is validated and rendered to HTML before any PDF is written, so bad input
leaves `output/` untouched; PDFs are rendered in parallel processes and each one is
renamed into place only when complete. The manifest is written last, atomically, and
merged under a lock on the edition's folder, so two builds of different languages at
once both land in it (filelock).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path
import leaflet
from leaflet.edition.kept import keep_built_catalogue, load_built
from leaflet.render import templates
from leaflet.languages import scripts
from leaflet.errors import BuildError, LeafletError
from leaflet.files import write_atomic
from leaflet.i18n import _
from leaflet.edition.plan import MANIFEST, card_name, plan, prepare, read_manifest


@dataclass
class BuildResult:
    output_dir: Path
    manifest: dict
    rendered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=dict)  # code -> findings
    site: dict | None = None  # with --site: dir, languages, audio kinds, bytes


class LanguagesRefused(BuildError):
    """Some languages failed their checks or render: none of their files were written."""

    def __init__(self, refused: dict[str, list[str]], result: "BuildResult"):
        first = next(iter(refused.values()))[0]
        codes = ", ".join(sorted(refused))
        # Translators: %(languages)s lists language codes; %(finding)s is the first finding
        # (file:line: CHECK-ID: message).
        message = (_("not built: %(languages)s (%(finding)s …)")
                   if sum(map(len, refused.values())) > 1
                   else _("not built: %(languages)s (%(finding)s)"))
        super().__init__(message % {"languages": codes, "finding": first},
                         hint=_("fix the findings above, or see `leaflet check --lang CODE`"))
        self.refused = refused
        self.result = result


def release_gate(workspace, codes, *, allow_unverified: bool = False) -> None:
    """Refuse a release of draft languages, languages failing `check`, unverified data."""
    from leaflet.translation.rules import DATA_CHECKS, ERROR
    from leaflet.edition.checks.runner import run_checks

    # No layout here: the build checks the layout of the pages it writes (pdf.lay_out).
    findings = [f for f in run_checks(workspace, codes, release=True, layout=False,
                                      allow_unverified=allow_unverified) if f.severity == ERROR]
    from leaflet.translation.rules import UNCONFIRMED_CHECK

    unconfirmed = sorted({f.subject for f in findings if f.check == UNCONFIRMED_CHECK})
    if unconfirmed:
        # Translators: %(details)s lists contact details, like "helpline.phone_international".
        raise BuildError(_("release refused: details at confidence U (not established): "
                           "%(details)s") % {"details": ", ".join(unconfirmed)},
                         path=workspace.path,
                         hint=_("a fact at U never reaches a release, even with "
                                "--allow-unverified: remove it, or establish it and raise its "
                                "confidence"))
    general = [f for f in findings if f.lang is None and f.check not in DATA_CHECKS]
    if general:  # e.g. messages.pot missing: nothing can be judged without it
        # Translators: %(reason)s is why (several reasons are separated by semicolons).
        raise BuildError(_("release refused: %(reason)s") % {"reason": general[0].message},
                         path=general[0].path)
    data = sorted({f.subject for f in findings if f.check in DATA_CHECKS})
    if data:
        # Translators: %(details)s lists contact details, like "payoke.phone, helpline.email".
        raise BuildError(_("release refused: contact details not verified or stale: "
                           "%(details)s") % {"details": ", ".join(data)}, path=workspace.path,
                         hint=_("verify them and set verified_on, or pass --allow-unverified"))
    failing = sorted({f.lang for f in findings if f.lang})
    if failing:
        raise BuildError(_("release refused: languages failing `leaflet check`: %(languages)s")
                         % {"languages": ", ".join(failing)}, path=workspace.translations_dir,
                         hint=_("run `leaflet check --lang CODE` to see why"))


def _render_job(html: str, base_url: str, dest: str, print_rtl: bool | None = None,
                layout_of: tuple[str, str] | None = None, card_html: str = "",
                sizing: dict | None = None) -> dict:
    """Render one language's leaflet and wallet card (and their print files when
    `print_rtl` is not None), in a worker.

    The leaflet is laid out at its text size (fit_leaflet). Layout findings (`layout_of`) of
    either stop the language before any file is written: both are laid out first, then both
    written; they name the entries on the page that does not fit (`sizing["entries"]`,
    `sizing["card_entries"]`) and the way out.
    """
    from leaflet.render import pdf
    from leaflet.edition import fitting, printing

    dest = Path(dest)
    card_dest = dest.with_name(card_name(dest.stem))
    sizing = sizing or {}
    try:
        fitted = fitting.fit_leaflet(html, base_url, sizing)
        leaflet_doc, html = fitted["laid"], fitted["html"]
        card_doc = pdf.lay_out(card_html, base_url)
        if layout_of is not None:
            from leaflet.edition.checks.layout import layout_errors

            code = layout_of[1]
            findings = (layout_errors(leaflet_doc["document"].pages, html, *layout_of,
                                      entries=sizing.get("entries"),
                                      way=fitting.way_out(code, fitted, sizing))
                        + layout_errors(card_doc["document"].pages, card_html, *layout_of,
                                        fill=False, entries=sizing.get("card_entries"),
                                        way=_("the wallet card's text size is fixed: shorten "
                                              "these entries")))
            if findings:
                return {"findings": findings}
        outcome = pdf.write_laid_out(leaflet_doc, dest)
        outcome["text_size"] = fitted["size"]
        card = pdf.write_laid_out(card_doc, card_dest)
        outcome["warnings"] += card["warnings"]
        outcome["card"] = {"pdf": card_dest.name, "sha256": card["sha256"],
                           "pages": card["pages"], "bytes": card["bytes"]}
        if print_rtl is not None:
            outcome["print"] = printing.write_print_files(html, base_url, dest, print_rtl)
            outcome["print"]["cards"] = printing.write_card_sheet(card_html, base_url, dest,
                                                                  print_rtl)
        return outcome
    except LeafletError as exc:  # sent back as data: exceptions with context don't pickle
        if exc.path is None:  # WeasyPrint's own failure: name the language's PDF
            exc.path = str(dest)
        return {"error": str(exc)}
    except OSError as exc:
        return {"error": _("%(path)s: cannot write: %(reason)s (check that output/ is writable)")
                % {"path": exc.filename or dest, "reason": exc.strerror or exc}}
    except Exception as exc:  # noqa: BLE001  (a print step failing names its language)
        return {"error": _("%(path)s: print files failed: %(reason)s")
                % {"path": dest, "reason": exc}}


def _warm_up() -> None:
    import weasyprint  # noqa: F401  (loaded once per worker, not once per language)


def build(workspace, codes=None, *, jobs: int | None = None, force: bool = False,
          release: bool = False, allow_unverified: bool = False, print_files: bool = False,
          site: bool = False, progress=None, stage=None) -> BuildResult:
    """Build the leaflets of `codes` (default: every configured language).

    With `print_files`, also the print shop's files (see printing.py); with `site`, the
    audio of every built language and the static site (audio.py, site.py). `stage(name,
    total)` is called when a stage starts ("render", "audio", "site": STAGES) and
    `progress(code)` after each of its items (a language rendered, voiced, put on the
    site). Returns a BuildResult; raises LeafletError naming the file on bad input or a
    failed template.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="leaflet-catalogues-") as staging:
        return _build(workspace, codes, jobs=jobs, force=force, release=release,
                      allow_unverified=allow_unverified, print_files=print_files, site=site,
                      progress=progress, stage=stage or (lambda name, total: None),
                      staging=Path(staging))


# The stages a build reports (leaflet.cli shows each one's name and counts).
STAGES = ("render", "audio", "site")


def _build(workspace, codes, *, jobs, force, release, allow_unverified, print_files, site,
           progress, stage, staging: Path) -> BuildResult:
    pending, skipped, warnings, previous, refused = plan(
        workspace, codes, force=force, release=release, print_files=print_files,
        staging=staging)
    if release:
        release_gate(workspace, codes, allow_unverified=allow_unverified)
    staged = {item.lang.code: item.staged for item in pending}
    output_dir = workspace.output_dir
    result = BuildResult(output_dir, previous, skipped=skipped, warnings=warnings,
                         refused=refused)
    ours: dict[str, dict] = {}
    failures = []
    if pending:
        stage("render", len(pending))
        workers = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
        base_url = str(workspace.templates_dir) + os.sep
        with contextlib.ExitStack() as stack:
            pool = None
            if workers > 1:
                # Started first, so the workers import WeasyPrint while the HTML is prepared.
                pool = stack.enter_context(concurrent.futures.ProcessPoolExecutor(
                    workers, mp_context=multiprocessing.get_context("fork"),
                    initializer=_warm_up))
                for _worker in range(workers):
                    pool.submit(_warm_up)
            todo = prepare(workspace, pending, refused)
            def args(job):
                rtl = job.lang.direction == "rtl" if print_files else None
                return (job.html, base_url, str(job.dest), rtl,
                        (workspace.display_path(job.catalogue), job.lang.code), job.card_html,
                        job.sizing)

            if pool is None:
                _warm_up()
                outcomes = list(_each(((job, _render_job(*args(job))) for job in todo),
                                      progress))
            else:
                futures = {pool.submit(_render_job, *args(job)): job for job in todo}
                outcomes = list(_each(((futures[f], f.result()) for f in
                                       concurrent.futures.as_completed(futures)), progress))
        for job, outcome in outcomes:
            if "findings" in outcome:
                refused[job.lang.code] = outcome["findings"]
                continue
            if "error" in outcome:
                failures.append(outcome["error"])
                continue
            try:
                kept_catalogue = keep_built_catalogue(
                    output_dir, job.lang.code, staged.get(job.lang.code) or job.catalogue)
            except OSError as exc:
                failures.append(_("%(path)s: cannot write: %(reason)s (check that output/ is "
                                  "writable)") % {"path": output_dir,
                                                  "reason": exc.strerror or exc})
                continue
            result.rendered.append(job.lang.code)
            result.warnings.extend(f"{job.lang.code}: WeasyPrint: {w}" for w in outcome["warnings"])
            ours[job.lang.code] = {
                "pdf": job.dest.name, "sha256": outcome["sha256"], "pages": outcome["pages"],
                "bytes": outcome["bytes"], "inputs": job.inputs,
                "review_status": job.review_status, "script": job.lang.script,
                "direction": job.lang.direction, "fonts": list(job.lang.families),
                "qr": templates.qr_payloads(workspace, job.lang.code),
                "card": outcome["card"],
                "text_size": outcome["text_size"],
                "text_size_pinned": job.sizing.get("pinned") is not None,
                "catalogue": kept_catalogue,
            }
            kept = previous.get("languages", {}).get(job.lang.code, {}).get("audio")
            if kept:  # audio.make() decides whether it still holds
                ours[job.lang.code]["audio"] = kept
            if "print" in outcome:
                ours[job.lang.code]["print"] = outcome["print"]
                blanks = outcome["print"]["booklet"]["blank_pages"]
                if blanks:
                    result.warnings.append(
                        _("%(code)s: %(pages)s pages is not a multiple of 4: the booklet has "
                          "%(blanks)s blank page(s)")
                        % {"code": job.lang.code, "pages": outcome["pages"], "blanks": blanks})
    result.manifest = _merge_manifest(workspace, ours, previous)
    result.rendered.sort()
    if site and not failures:
        prepared = {job.lang.code: job.html for job in (todo if pending else [])}
        result.site = build_site_and_audio(workspace, result.manifest, prepared, jobs,
                                           progress=progress, stage=stage)
        result.manifest = result.site.pop("manifest")
    if failures:
        raise BuildError("; ".join(failures))
    if refused:
        raise LanguagesRefused(refused, result)
    return result


def print_html(workspace, env, lang: scripts.Language, entry: dict) -> str:
    """The leaflet's print HTML of a built language (its text, as the PDF has it: from the
    catalogue the build kept, never the one on disk, which may have changed since)."""
    translations = load_built(workspace, lang, entry)
    ctx = templates.context(workspace, lang, translations, entry.get("inputs") or "",
                            text_size=entry.get("text_size"))
    return templates.render_html(env, templates.LEAFLET_TEMPLATE, ctx, translations)


def build_site_and_audio(workspace, manifest: dict, htmls: dict[str, str],
                         jobs: int | None = None, *, progress=None, stage=None) -> dict:
    """The audio of every built language (incremental), then the static site.

    Synthesis runs espeak-ng and opusenc as child processes, `jobs` at a time; each
    language's audio entry is merged into the manifest. Returns site.build_site()'s report
    plus the manifest.
    """
    from leaflet.edition import audio, site

    entries = manifest.get("languages", {})
    codes = [code for code in workspace.languages if code in entries]
    htmls = dict(htmls)
    missing = [code for code in codes if code not in htmls]
    if missing:  # languages skipped by this build: their HTML, in one Jinja environment
        env = templates.environment(workspace.templates_dir)
        for lang in scripts.languages_for(workspace, missing):
            htmls[lang.code] = print_html(workspace, env, lang, entries[lang.code])

    def one(code):
        made = audio.make(workspace, code, htmls[code], entries[code].get("audio"))
        if progress:
            progress(code)
        return code, made

    if stage:
        stage("audio", len(codes))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(codes)))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        made = dict(pool.map(one, codes))
    ours = {code: {**entries[code], "audio": made[code]} for code in codes
            if entries[code].get("audio") != made[code]}
    manifest = _merge_manifest(workspace, ours, manifest) if ours else manifest
    if stage:
        stage("site", len(codes))
    report = site.build_site(workspace, manifest, progress=progress)
    report["manifest"] = manifest
    return report


def _merge_manifest(workspace, ours: dict[str, dict], previous: dict) -> dict:
    """Write the manifest: the one on disk now, with this build's entries merged in.

    Under a lock on the edition's folder, so that a build of other languages running at
    the same time, which read the manifest before this one wrote it, keeps its entries
    and this one keeps its own. Written only when something changed.
    """
    from filelock import FileLock, Timeout

    output_dir = workspace.output_dir
    configured = set(workspace.languages)
    if not ours and not output_dir.is_dir():
        return previous
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(output_dir / ".manifest.lock"), timeout=120)
        with lock:
            current = read_manifest(output_dir)
            entries = dict(current.get("languages", {})) if current.get("edition") == \
                workspace.edition_id else {}
            entries.update(ours)
            manifest = {
                "edition": workspace.edition_id,
                "date": workspace.edition_date.isoformat(),
                "generator": f"leaflet {leaflet.__version__}",
                "languages": {code: entries[code] for code in sorted(entries)
                              if code in configured},
            }
            if ours or manifest != current:
                write_atomic(output_dir / MANIFEST,
                             (json.dumps(manifest, indent=2, ensure_ascii=False,
                                         sort_keys=True) + "\n").encode())
    except Timeout:
        raise BuildError(_("another build held the manifest for 2 minutes"), path=output_dir,
                         hint=_("wait for it to finish, then build again")) from None
    except OSError as exc:
        raise BuildError(_("cannot write the manifest: %(reason)s")
                         % {"reason": exc.strerror or exc},
                         path=output_dir / MANIFEST,
                         hint=_("check that output/ is writable")) from None
    return manifest


def _each(outcomes, progress):
    for job, outcome in outcomes:
        if progress:
            progress(job.lang.code)
        yield job, outcome
