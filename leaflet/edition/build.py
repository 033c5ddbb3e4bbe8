"""The build plan: which languages to render, from which inputs, into which files.

For each language the plan hashes its inputs (the templates, its catalogue, the parts of
leaflet.toml the leaflet prints, the font registry and font files, the leaflet and
WeasyPrint versions). A language whose input hash and PDF match the manifest is skipped.
The build is the gate: every language to render first passes the catalogue and data
checks `leaflet check` runs (checks.check_language: header, completeness, placeholders,
markup, contact data typed into a translation, invisible characters, length, glyphs), and
its layout is checked on the very pages that become the PDF (pdf.lay_out). A language
with an error gets no PDF and no print file, its findings are reported with file:line, and
the other languages still build; the build then fails. Invalid contact data stops every
language, since every leaflet prints it.

Everything is validated and rendered to HTML before any PDF is written, so bad input
leaves `output/` untouched; PDFs are rendered in parallel processes and each one is
renamed into place only when complete. The manifest is written last, atomically, and
merged under a lock on the edition's folder, so two builds of different languages at
once both land in it (filelock).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import hashlib
import json
import multiprocessing
import os
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import leaflet
from markupsafe import Markup

from leaflet.edition import catalog, render, subset, terms
from leaflet.languages import scripts
from leaflet.errors import BuildError, LeafletError
from leaflet.files import sha256_file, write_atomic

MANIFEST = "manifest.json"
# The templates/ files a language's leaflet and wallet card are made from.
LEAFLET_FILES = ("leaflet.*", "wallet-card.*")
CARD_TEMPLATE = "wallet-card.html.j2"


def card_name(code: str) -> str:
    """The wallet card's file name in the edition's folder."""
    return f"card-{code}.pdf"


@dataclass
class Job:
    """One language to render: its HTML is ready, its PDF not yet written."""

    lang: scripts.Language
    inputs: str
    html: str
    review_status: str
    catalogue: Path
    dest: Path
    card_html: str = ""


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
        super().__init__(f"not built: {codes} ({first}"
                         + (" …)" if sum(map(len, refused.values())) > 1 else ")"),
                         hint="fix the findings above, or see `leaflet check --lang CODE`")
        self.refused = refused
        self.result = result


_FONT_HASHES: dict[tuple, str] = {}


def _font_hash(path: Path) -> str:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _FONT_HASHES:
        _FONT_HASHES[key] = sha256_file(path)
    return _FONT_HASHES[key]


def printed_data(workspace, code: str) -> dict:
    """The parts of leaflet.toml that a language's leaflet prints or depends on."""
    return {
        "edition": [workspace.edition_id, workspace.edition_date.isoformat()],
        "organisations": {
            org.id: [org.name, org.kind, org.city,
                     {k: [d.value, d.source, d.verified_on and d.verified_on.isoformat()]
                      for k, d in sorted(org.details.items())}]
            for org in workspace.organisations.values()},
        "website": workspace.website.for_language(code),
        "site": workspace.site_base_url,
        "settings": workspace.language_settings.get(code, {}),
        "procedure": [render.PROCEDURE_NUMBERS, render.PROCEDURE_NAMES],
    }


def input_hash(workspace, lang: scripts.Language, catalogue: Path,
               staged: Path | None = None) -> str:
    """sha256 over every input of one language's PDF, in a fixed order (`staged`: the copy
    of `catalogue` the build checks and renders, see stage_catalogue)."""
    parts = [("leaflet", leaflet.__version__), ("weasyprint", metadata.version("weasyprint"))]
    # The leaflet's and wallet card's own template files only: editing the language card
    # or a report template must not reprint every leaflet.
    for path in sorted(p for pattern in LEAFLET_FILES
                       for p in workspace.templates_dir.glob(pattern) if p.is_file()):
        parts.append((f"templates/{path.relative_to(workspace.templates_dir).as_posix()}",
                      sha256_file(path)))
    parts.append(("catalogue", sha256_file(staged or catalogue)))
    # The term base: the TERMS check reads it, and a review's fingerprint covers it.
    for name, path in (("terms", terms.path_beside(catalogue)),
                       ("terms-en", terms.master_path(workspace.translations_dir))):
        parts.append((name, sha256_file(path) if path.is_file() else ""))
    parts.append(("data", hashlib.sha256(json.dumps(
        printed_data(workspace, lang.code), sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()))
    parts.append(("fonts.toml", sha256_file(scripts.REGISTRY_PATH)))
    parts.append(("families", ",".join(lang.families)))
    for font in scripts.font_files(lang):
        parts.append((f"font:{font.name}", _font_hash(font)))
    h = hashlib.sha256()
    for name, value in parts:
        h.update(f"{name}\0{value}\n".encode())
    return h.hexdigest()


def read_manifest(output_dir: Path) -> dict:
    path = output_dir / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # unreadable: rebuild everything and write a fresh one


def _up_to_date(entry: dict | None, inputs: str, output_dir: Path,
                print_files: bool = False) -> bool:
    if not entry or entry.get("inputs") != inputs:
        return False
    if not entry.get("card"):
        return False
    if catalog.built_catalogue(output_dir, entry) is None:
        return False  # built before catalogues were kept: the kiosk and site need one
    files = [entry, entry["card"]] + (list(entry.get("print", {}).values())
                                      if print_files else [])
    if print_files and not entry.get("print"):
        return False
    return all((output_dir / f.get("pdf", "")).is_file()
               and sha256_file(output_dir / f["pdf"]) == f.get("sha256") for f in files)


@dataclass
class Pending:
    """A language whose PDF is missing or out of date: validated, not yet rendered."""

    lang: scripts.Language
    translations: catalog.Translations
    inputs: str
    dest: Path
    staged: Path | None = None  # the catalogue's bytes as checked (stage_catalogue)


def stage_catalogue(catalogue: Path, staging: Path | None) -> Path | None:
    """A private copy of `catalogue` in `staging`, which the build hashes, checks, renders
    and keeps: what the kiosk and the site show is then exactly what passed the checks,
    even when the catalogue is edited while the build runs. None without `staging` or when
    the catalogue cannot be read (the checks say why)."""
    if staging is None:
        return None
    try:
        data = catalogue.read_bytes()
    except OSError:
        return None
    # The same layout as translations/, with the term bases beside, so that the review's
    # fingerprint (which covers the agreed terms) reads the same in the copy.
    locale = catalogue.parent.parent.name
    staged = staging / locale / catalogue.parent.name / catalogue.name
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(data)
    for source, dest in ((terms.path_beside(catalogue), terms.path_beside(staged)),
                         (terms.master_path(catalogue.parent.parent.parent),
                          terms.master_path(staging))):
        if source.is_file() and not dest.exists():
            shutil.copyfile(source, dest)
    return staged


def release_gate(workspace, codes, *, allow_unverified: bool = False) -> None:
    """Refuse a release of draft languages, languages failing `check`, unverified data."""
    from leaflet.edition.checks import DATA_CHECKS, ERROR, run_checks

    # No layout here: the build checks the layout of the pages it writes (pdf.lay_out).
    findings = [f for f in run_checks(workspace, codes, release=True, layout=False,
                                      allow_unverified=allow_unverified) if f.severity == ERROR]
    general = [f for f in findings if f.lang is None and f.check not in DATA_CHECKS]
    if general:  # e.g. messages.pot missing: nothing can be judged without it
        raise BuildError(f"release refused: {general[0].message}", path=general[0].path)
    data = sorted({f.subject for f in findings if f.check in DATA_CHECKS})
    if data:
        raise BuildError("release refused: contact details not verified or stale: "
                         + ", ".join(data), path=workspace.path,
                         hint="verify them and set verified_on, or pass --allow-unverified")
    failing = sorted({f.lang for f in findings if f.lang})
    if failing:
        raise BuildError("release refused: languages failing `leaflet check`: "
                         + ", ".join(failing), path=workspace.translations_dir,
                         hint="run `leaflet check --lang CODE` to see why")


def plan(workspace, codes=None, *, force: bool = False, release: bool = False,
         print_files: bool = False, staging: Path | None = None):
    """Validate every input and decide which languages need rendering (cheap: no HTML yet).

    With `staging` (a private folder), each catalogue is copied there first and the copy is
    what is hashed, checked and rendered (stage_catalogue). Returns (pending languages,
    skipped codes, warnings, previous manifest). Raises LeafletError on any bad input,
    before anything is written.
    """
    from leaflet.workspace import contacts
    from leaflet.edition.checks import ERROR, check_language

    codes = list(codes) if codes else list(workspace.languages)
    langs = scripts.languages_for(workspace, codes)
    contacts.require_valid(workspace)  # every leaflet prints them: stops every language
    warnings = [f"contact detail {name} is not verified (no verified_on in {workspace.path.name})"
                for name in workspace.unverified_details()]
    output_dir = workspace.output_dir
    previous = read_manifest(output_dir)
    pot_path = workspace.translations_dir / catalog.POT_NAME
    pot = catalog.read_po(pot_path) if pot_path.is_file() else None
    pending, skipped, drafts, changed = [], [], [], []
    refused: dict[str, list[str]] = {}
    for lang in langs:
        catalogue = catalog.catalog_path(workspace.translations_dir, lang.locale)
        staged = stage_catalogue(catalogue, staging)
        inputs = input_hash(workspace, lang, catalogue, staged) if catalogue.is_file() else ""
        if inputs and not force and _up_to_date(previous.get("languages", {}).get(lang.code),
                                                inputs, output_dir, print_files):
            skipped.append(lang.code)
            if release:
                _unreviewed(workspace, lang.code, catalog.read_po(staged or catalogue), drafts,
                            changed, catalogue)
            continue
        findings = check_language(workspace, lang, pot, staged)
        errors = [str(f) for f in findings if f.severity == ERROR]
        warnings.extend(f"{lang.code}: {f}" for f in findings if f.severity != ERROR)
        if errors:
            refused[lang.code] = errors
            continue
        translations = catalog.load_translations(staged or catalogue, shown=catalogue)
        if release and translations.review_status != "reviewed":
            _unreviewed(workspace, lang.code, catalog.read_po(staged or catalogue), drafts,
                        changed, catalogue)
        pending.append(Pending(lang, translations, inputs, output_dir / f"{lang.code}.pdf",
                               staged))
    if release and (drafts or changed):
        parts = []
        if drafts:
            parts.append("draft translations: " + ", ".join(drafts))
        parts += [f"{code} changed since review: {what}" for code, what in changed]
        raise BuildError("release refused: " + "; ".join(parts),
                         path=workspace.translations_dir,
                         hint="a qualified translator reviews them and runs `leaflet catalog "
                              "review`, see docs/translating.md")
    return pending, skipped, warnings, previous, refused


def _unreviewed(workspace, code: str, po, drafts: list, changed: list,
                shown: Path | None = None) -> None:
    """Sort a language that is not reviewed into drafts, or changed (naming the entries)."""
    from leaflet.edition import review

    found = review.state(po)
    if found.status == review.CHANGED:
        changed.append((code, found.describe(workspace.display_path(shown or Path(po.fpath)))))
    elif found.status != review.REVIEWED:
        drafts.append(code)


def prepare(workspace, pending: list[Pending], refused: dict | None = None) -> list[Job]:
    """The HTML of each pending language (TemplateError names the template and line).

    With `refused`, a language whose catalogue breaks at render time (CatalogError, e.g.
    a msgstr that does not fit its placeholders) is recorded there and left out, instead
    of stopping every language.
    """
    from leaflet.errors import CatalogError

    env = render.environment(workspace.templates_dir)
    jobs = []
    for item in pending:
        if refused is None:
            jobs.append(_prepare_one(workspace, env, item))
            continue
        try:
            jobs.append(_prepare_one(workspace, env, item))
        except CatalogError as exc:
            refused[item.lang.code] = [str(exc)]
    return jobs


def _prepare_one(workspace, env, item: Pending) -> Job:
    """One language's HTML, in the shared Jinja environment."""
    lang, translations = item.lang, item.translations
    ctx = render.context(workspace, lang, translations, item.inputs)
    html = render.render_html(env, render.LEAFLET_TEMPLATE, ctx, translations)
    card = render.render_html(env, CARD_TEMPLATE, ctx, translations)
    if scripts.subset_ahead_families(lang):
        # Second pass: the same HTML, plus @font-face rules for subsets of its text (the
        # card's sentences are the leaflet's, so one subset serves both).
        rules, names = subset.font_faces(lang, html + card, workspace.font_cache_dir)
        ctx["font_faces"] = Markup(rules)
        ctx["lang"] = dataclasses.replace(
            lang, families=tuple(names.get(f, f) for f in lang.families))
        html = render.render_html(env, render.LEAFLET_TEMPLATE, ctx, translations)
        card = render.render_html(env, CARD_TEMPLATE, ctx, translations)
    return Job(lang, item.inputs, html, translations.review_status,
               item.translations.path, item.dest, card)


def _render_job(html: str, base_url: str, dest: str, print_rtl: bool | None = None,
                layout_of: tuple[str, str] | None = None, card_html: str = "") -> dict:
    """Render one language's leaflet and wallet card (and their print files when
    `print_rtl` is not None), in a worker.

    Layout findings (`layout_of`) of either stop the language before any file is written:
    both are laid out first, then both written.
    """
    from leaflet.edition import pdf, printing

    dest = Path(dest)
    card_dest = dest.with_name(card_name(dest.stem))
    try:
        leaflet_doc = pdf.lay_out(html, base_url, layout_of=layout_of)
        card_doc = pdf.lay_out(card_html, base_url, layout_of=layout_of, fill=False)
        findings = leaflet_doc.get("findings", []) + card_doc.get("findings", [])
        if findings:
            return {"findings": findings}
        outcome = pdf.write_laid_out(leaflet_doc, dest)
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
        return {"error": str(exc)}
    except OSError as exc:
        return {"error": f"{exc.filename or dest}: cannot write: {exc.strerror or exc} "
                         "(check that output/ is writable)"}
    except Exception as exc:  # noqa: BLE001  (a print step failing names its language)
        return {"error": f"{dest}: print files failed: {exc}"}


def _warm_up() -> None:
    import weasyprint  # noqa: F401  (loaded once per worker, not once per language)


def build(workspace, codes=None, *, jobs: int | None = None, force: bool = False,
          release: bool = False, allow_unverified: bool = False, print_files: bool = False,
          site: bool = False, progress=None) -> BuildResult:
    """Build the leaflets of `codes` (default: every configured language).

    With `print_files`, also the print shop's files (see printing.py); with `site`, the
    audio of every built language and the static site (audio.py, site.py). `progress(code)` is
    called after each language is rendered. Returns a BuildResult; raises LeafletError
    naming the file on bad input or a failed render.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="leaflet-catalogues-") as staging:
        return _build(workspace, codes, jobs=jobs, force=force, release=release,
                      allow_unverified=allow_unverified, print_files=print_files, site=site,
                      progress=progress, staging=Path(staging))


def _build(workspace, codes, *, jobs, force, release, allow_unverified, print_files, site,
           progress, staging: Path) -> BuildResult:
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
        workers = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
        base_url = str(workspace.templates_dir) + os.sep
        with contextlib.ExitStack() as stack:
            pool = None
            if workers > 1:
                # Started first, so the workers import WeasyPrint while the HTML is prepared.
                pool = stack.enter_context(concurrent.futures.ProcessPoolExecutor(
                    workers, mp_context=multiprocessing.get_context("fork"),
                    initializer=_warm_up))
                for _ in range(workers):
                    pool.submit(_warm_up)
            todo = prepare(workspace, pending, refused)
            def args(job):
                rtl = job.lang.direction == "rtl" if print_files else None
                return (job.html, base_url, str(job.dest), rtl,
                        (workspace.display_path(job.catalogue), job.lang.code), job.card_html)

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
                kept_catalogue = catalog.keep_built_catalogue(
                    output_dir, job.lang.code, staged.get(job.lang.code) or job.catalogue)
            except OSError as exc:
                failures.append(f"{output_dir}: cannot write: {exc.strerror or exc} (check "
                                "that output/ is writable)")
                continue
            result.rendered.append(job.lang.code)
            result.warnings.extend(f"{job.lang.code}: WeasyPrint: {w}" for w in outcome["warnings"])
            ours[job.lang.code] = {
                "pdf": job.dest.name, "sha256": outcome["sha256"], "pages": outcome["pages"],
                "bytes": outcome["bytes"], "inputs": job.inputs,
                "review_status": job.review_status, "script": job.lang.script,
                "direction": job.lang.direction, "fonts": list(job.lang.families),
                "qr": render.qr_payloads(workspace, job.lang.code),
                "card": outcome["card"],
                "catalogue": kept_catalogue,
            }
            kept = previous.get("languages", {}).get(job.lang.code, {}).get("audio")
            if kept:  # audio.make() decides whether it still holds
                ours[job.lang.code]["audio"] = kept
            if "print" in outcome:
                ours[job.lang.code]["print"] = outcome["print"]
                blanks = outcome["print"]["booklet"]["blank_pages"]
                if blanks:
                    result.warnings.append(f"{job.lang.code}: {outcome['pages']} pages is not "
                                           f"a multiple of 4: the booklet has {blanks} blank "
                                           "page(s)")
    result.manifest = _merge_manifest(workspace, ours, previous)
    result.rendered.sort()
    if site and not failures:
        prepared = {job.lang.code: job.html for job in (todo if pending else [])}
        result.site = build_site_and_audio(workspace, result.manifest, prepared, jobs)
        result.manifest = result.site.pop("manifest")
    if failures:
        raise BuildError("; ".join(failures))
    if refused:
        raise LanguagesRefused(refused, result)
    return result


def print_html(workspace, env, lang: scripts.Language, entry: dict) -> str:
    """The leaflet's print HTML of a built language (its text, as the PDF has it: from the
    catalogue the build kept, never the one on disk, which may have changed since)."""
    translations = catalog.load_built(workspace, lang, entry)
    ctx = render.context(workspace, lang, translations, entry.get("inputs") or "")
    return render.render_html(env, render.LEAFLET_TEMPLATE, ctx, translations)


def build_site_and_audio(workspace, manifest: dict, htmls: dict[str, str],
                         jobs: int | None = None) -> dict:
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
        env = render.environment(workspace.templates_dir)
        for lang in scripts.languages_for(workspace, missing):
            htmls[lang.code] = print_html(workspace, env, lang, entries[lang.code])

    def one(code):
        return code, audio.make(workspace, code, htmls[code], entries[code].get("audio"))

    workers = max(1, min(jobs or os.cpu_count() or 1, len(codes)))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        made = dict(pool.map(one, codes))
    ours = {code: {**entries[code], "audio": made[code]} for code in codes
            if entries[code].get("audio") != made[code]}
    manifest = _merge_manifest(workspace, ours, manifest) if ours else manifest
    report = site.build_site(workspace, manifest)
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
        raise BuildError("another build held the manifest for 2 minutes", path=output_dir,
                         hint="wait for it to finish, then build again") from None
    except OSError as exc:
        raise BuildError(f"cannot write the manifest: {exc.strerror or exc}",
                         path=output_dir / MANIFEST,
                         hint="check that output/ is writable") from None
    return manifest


def _each(outcomes, progress):
    for job, outcome in outcomes:
        if progress:
            progress(job.lang.code)
        yield job, outcome
