"""The build plan: which languages to render, from which inputs, and their HTML.

For each language the plan hashes its inputs (the templates, its catalogue, the parts of
leaflet.toml the leaflet prints, the font registry and font files, the leaflet and
WeasyPrint versions). A language whose input hash and PDF match the manifest is skipped.
Each catalogue is first copied into a private folder (stage_catalogue), and that copy is
what is hashed, checked and rendered. Every language to render passes the checks of
`leaflet check` (leaflet.edition.checks.catalogue.check_language) before its HTML is made
(`prepare`); the check runner prepares HTML the same way for its layout check.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
import leaflet
from markupsafe import Markup
from leaflet.translation import catalog, terms
from leaflet.translation.messages import Translations, load_translations
from leaflet.edition.kept import built_catalogue
from leaflet.render import templates, subset
from leaflet.languages import scripts
from leaflet.errors import BuildError
from leaflet.files import sha256_file
from leaflet.i18n import _
from leaflet.workspace.built import MANIFEST  # noqa: F401  (what plan and build read)




# The templates/ files a language's leaflet and wallet card are made from.
LEAFLET_FILES = ("leaflet.*", "wallet-card.*")


CARD_TEMPLATE = "wallet-card.html.j2"


class UnverifiedContact(str):
    """The warning that a contact detail has no verified-on date (a str, told apart by its
    type in any language)."""


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
    # The text size: {"pinned": pt or None, "hint": the last build's size, "entries" and
    # "card_entries": each page's entries, named in a layout finding} (edition.fitting).
    sizing: dict = dataclasses.field(default_factory=dict)


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
        "procedure": [templates.PROCEDURE_NUMBERS, templates.PROCEDURE_NAMES],
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
    if built_catalogue(output_dir, entry) is None:
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
    translations: Translations
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


def plan(workspace, codes=None, *, force: bool = False, release: bool = False,
         print_files: bool = False, staging: Path | None = None):
    """Validate every input and decide which languages need rendering (cheap: no HTML yet).

    With `staging` (a private folder), each catalogue is copied there first and the copy is
    what is hashed, checked and rendered (stage_catalogue). Returns (pending languages,
    skipped codes, warnings, previous manifest). Raises LeafletError on any bad input,
    before anything is written.
    """
    from leaflet.workspace import contacts
    from leaflet.translation.rules import ERROR
    from leaflet.edition.checks.catalogue import check_language

    codes = list(codes) if codes else list(workspace.languages)
    langs = scripts.languages_for(workspace, codes)
    contacts.require_valid(workspace)  # every leaflet prints them: stops every language
    # leaflet.stock.order recognises these by their kind (`leaflet check` names the same
    # details, DATA-UNVERIFIED).
    warnings = [UnverifiedContact(
        # Translators: %(detail)s is a contact detail's name, like payoke.phone.
        _("contact detail %(detail)s is not verified (no verified_on in %(file)s)")
        % {"detail": name, "file": workspace.path.name})
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
        translations = load_translations(staged or catalogue, shown=catalogue)
        if release and translations.review_status != "reviewed":
            _unreviewed(workspace, lang.code, catalog.read_po(staged or catalogue), drafts,
                        changed, catalogue)
        pending.append(Pending(lang, translations, inputs, output_dir / f"{lang.code}.pdf",
                               staged))
    if release and (drafts or changed):
        parts = []
        if drafts:
            parts.append(_("draft translations: %(languages)s") % {"languages": ", ".join(drafts)})
        # Translators: %(code)s is a language code; %(entries)s names the changed entries.
        parts += [_("%(code)s changed since review: %(entries)s") % {"code": code, "entries": what}
                  for code, what in changed]
        # Translators: %(reason)s is why (several reasons are separated by semicolons).
        raise BuildError(_("release refused: %(reason)s") % {"reason": "; ".join(parts)},
                         path=workspace.translations_dir,
                         hint=_("a qualified translator reviews them and runs `leaflet catalog "
                                "review`, see docs/translating.md"))
    return pending, skipped, warnings, previous, refused


def _unreviewed(workspace, code: str, po, drafts: list, changed: list,
                shown: Path | None = None) -> None:
    """Sort a language that is not reviewed into drafts, or changed (naming the entries)."""
    from leaflet.translation import review

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

    env = templates.environment(workspace.templates_dir)
    built = read_manifest(workspace.output_dir).get("languages", {})
    jobs = []
    for item in pending:
        if refused is None:
            jobs.append(_prepare_one(workspace, env, item, built.get(item.lang.code)))
            continue
        try:
            jobs.append(_prepare_one(workspace, env, item, built.get(item.lang.code)))
        except CatalogError as exc:
            refused[item.lang.code] = [str(exc)]
    return jobs


def sizing(workspace, item: Pending, last: dict | None) -> dict:
    """How the language's text size is set (leaflet.edition.fitting), and each page's entries
    for a layout finding."""
    from leaflet.edition import fitting

    po = catalog.read_po(item.staged or item.translations.path)
    return {
        "pinned": workspace.language_settings.get(item.lang.code, {}).get("text_size"),
        "hint": (last or {}).get("text_size"),
        "entries": fitting.entry_labels(workspace.templates_dir / templates.LEAFLET_TEMPLATE,
                                        po, item.translations),
        "card_entries": fitting.entry_labels(workspace.templates_dir / CARD_TEMPLATE, po,
                                             item.translations),
    }


def _prepare_one(workspace, env, item: Pending, last: dict | None = None) -> Job:
    """One language's HTML, in the shared Jinja environment."""
    lang, translations = item.lang, item.translations
    ctx = templates.context(workspace, lang, translations, item.inputs)
    html = templates.render_html(env, templates.LEAFLET_TEMPLATE, ctx, translations)
    card = templates.render_html(env, CARD_TEMPLATE, ctx, translations)
    if scripts.subset_ahead_families(lang):
        # Second pass: the same HTML, plus @font-face rules for subsets of its text (the
        # card's sentences are the leaflet's, so one subset serves both).
        rules, names = subset.font_faces(lang, html + card, workspace.font_cache_dir)
        ctx["font_faces"] = Markup(rules)
        ctx["lang"] = dataclasses.replace(
            lang, families=tuple(names.get(f, f) for f in lang.families))
        html = templates.render_html(env, templates.LEAFLET_TEMPLATE, ctx, translations)
        card = templates.render_html(env, CARD_TEMPLATE, ctx, translations)
    return Job(lang, item.inputs, html, translations.review_status,
               item.translations.path, item.dest, card, sizing(workspace, item, last))
