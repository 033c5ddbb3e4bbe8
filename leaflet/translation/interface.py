"""The tool's own catalogues (leaflet/locale, leaflet.i18n): what `leaflet` says to officers,
auditors, coordinators and reviewers, in French, Dutch and German beside the English source.

- `extract()` reads every `_()`, `N_()` and `ngettext()` of the package's Python code, the
  `{% trans %}` and `_()` of the tool's own templates (leaflet.i18n.INTERFACE_TEMPLATES), the
  `ui()` of the kiosk's screen for the officer, and click's own messages (Usage, Options,
  "Missing option"), with Babel, into leaflet/locale/leaflet.pot;
- `update()` merges the template into each language's catalogue (polib, as the leaflet's);
- `compile_all()` writes each catalogue's compiled .mo beside it (what leaflet.i18n loads);
- `stats()` counts, per language, the translated entries and says whether it is a draft.

A language's catalogue is a draft until reviewed: its header `X-Review-Status` says
`draft` (every page in it then says so). The checks are the leaflet's (placeholders, markup,
invisible and direction characters, terms: leaflet.edition.checks.interface).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from leaflet import i18n
from leaflet.errors import CatalogError
from leaflet.files import write_atomic
from leaflet.i18n import _

PACKAGE = Path(i18n.__file__).resolve().parent
ROOT = PACKAGE.parent  # the project: templates/ beside leaflet/
POT = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
TERMS = i18n.LOCALE_DIR / "terms.tbx"
COMMENT_TAGS = ("Translators:",)
PY_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
TEMPLATE_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
UI_KEYWORDS = {"ui": None}
JINJA = "jinja2.ext:babel_extract"
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
# click's modules whose messages a user of the command line reads.
CLICK_MODULES = ("core", "exceptions", "parser", "decorators", "formatting", "termui", "types")
# A stable date in the template's header: extracting twice gives the same file.
POT_DATE = dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)
REVIEW_HEADER = "X-Review-Status"


def _sources(templates_dir: Path):
    """(file, name shown in the template, method, keywords) of everything extracted."""
    import click

    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, path.relative_to(ROOT).as_posix(), "python", PY_KEYWORDS
    for name in i18n.INTERFACE_TEMPLATES:
        yield templates_dir / name, f"templates/{name}", JINJA, TEMPLATE_KEYWORDS
    for name in i18n.MIXED_TEMPLATES:
        yield templates_dir / name, f"templates/{name}", JINJA, UI_KEYWORDS
    click_dir = Path(click.__file__).parent
    for module in CLICK_MODULES:
        yield click_dir / f"{module}.py", f"click/{module}.py", "python", TEMPLATE_KEYWORDS


def extract(templates_dir: Path | None = None):
    """The interface's messages as a Babel Catalog (the template, leaflet/locale/leaflet.pot)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract as babel_extract

    from leaflet import __version__

    templates_dir = templates_dir or ROOT / "templates"
    pot = Catalog(project="leaflet", version=__version__, charset="utf-8",
                  creation_date=POT_DATE, revision_date=POT_DATE, msgid_bugs_address="",
                  copyright_holder="leaflet contributors", fuzzy=False)
    for path, shown, method, keywords in _sources(templates_dir):
        options = JINJA_OPTIONS if method == JINJA else {}
        with open(path, "rb") as handle:
            for lineno, message, comments, context in babel_extract(
                    method, handle, keywords=keywords, comment_tags=COMMENT_TAGS,
                    options=options, strip_comment_tags=True):
                pot.add(message, None, [(shown, lineno)], auto_comments=comments,
                        context=context)
    return pot


def write_pot(pot, path: Path = POT) -> Path:
    from io import BytesIO

    from babel.messages.pofile import write_po

    buffer = BytesIO()
    write_po(buffer, pot, width=76, sort_output=False, omit_header=False,
             include_lineno=False)
    write_atomic(path, buffer.getvalue())
    return path


def catalogue_paths() -> dict[str, Path]:
    return {code: i18n.catalogue_path(code, ".po") for code in i18n.LANGUAGES
            if code != i18n.SOURCE}


def _read(path: Path):
    import polib

    try:
        return polib.pofile(str(path), wrapwidth=76)
    except (OSError, ValueError) as exc:
        raise CatalogError(_("cannot read the catalogue: %(reason)s") % {"reason": exc},
                           path=path) from None


def update(templates_dir: Path | None = None) -> dict[str, dict]:
    """Extract the template and merge it into each language's catalogue (a new language
    starts as an empty draft); compile them. Per language: added, obsolete entries."""
    import polib

    write_pot(extract(templates_dir))
    template = _read(POT)
    done = {}
    for code, path in catalogue_paths().items():
        if path.is_file():
            po = _read(path)
        else:
            from babel.messages.catalog import Catalog

            po = polib.POFile(wrapwidth=76)
            po.metadata = {"Project-Id-Version": "leaflet", "Language": code,
                           "MIME-Version": "1.0",
                           "Content-Type": "text/plain; charset=UTF-8",
                           "Content-Transfer-Encoding": "8bit",
                           "Plural-Forms": Catalog(locale=code).plural_forms,
                           REVIEW_HEADER: "draft"}
        before = {e.msgid for e in po if not e.obsolete}
        po.merge(template)
        po[:] = [e for e in po if not e.obsolete]
        after = {e.msgid for e in po}
        if after != before:  # new or removed English: a reviewed catalogue is a draft again
            po.metadata[REVIEW_HEADER] = "draft"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, po.__unicode__().encode("utf-8") + b"\n")
        done[code] = {"added": len(after - before), "removed": len(before - after)}
    compile_all()
    return done


def compile_all() -> list[Path]:
    """Write each catalogue's .mo beside it (translated, not fuzzy, entries)."""
    written = []
    for code, path in catalogue_paths().items():
        if path.is_file():
            written.append(compile_one(path))
    return written


def compile_one(path: Path) -> Path:
    po = _read(path)
    mo = path.with_suffix(".mo")
    write_atomic(mo, po.to_binary())
    return mo


def stats() -> list[dict]:
    rows = []
    for code, path in catalogue_paths().items():
        if not path.is_file():
            rows.append({"code": code, "entries": 0, "translated": 0, "fuzzy": 0,
                         "status": "missing"})
            continue
        po = _read(path)
        live = [e for e in po if not e.obsolete]
        rows.append({"code": code, "entries": len(live),
                     "translated": len(po.translated_entries()),
                     "fuzzy": len(po.fuzzy_entries()),
                     "status": po.metadata.get(REVIEW_HEADER, "draft")})
    return rows


def export_xliff(code: str, dest: Path) -> Path:
    """Write the XLIFF 1.2 of `code`'s interface catalogue, for a zone's translation
    service to review in a CAT tool (plural entries as XLIFF plural groups)."""
    from leaflet.translation import xliff

    _known(code, "LANG")
    path = i18n.catalogue_path(code, ".po")
    return xliff.export_catalogue(path, shown(path), code, dest)


def import_xliff(source: Path, expect: str | None = None, *, check):
    """Apply an XLIFF file's targets to its interface catalogue, as `leaflet catalog import`
    does for the leaflet's (refused whole, nothing written, when it is not for this
    catalogue or its result fails the checks), then compile it. `check(code, override)`
    returns the findings of the language (leaflet.edition.checks.interface)."""
    from translate.storage import poxliff

    from leaflet.translation import catalog, xliff

    given = str(source)
    data, root = xliff._read(Path(source), given)
    element = xliff._file_element(root, given)
    target = element.get("target-language") or ""
    code = i18n.supported(target)
    if code is None or code == i18n.SOURCE:
        raise xliff.XliffRefused(
            _("target-language %(target)s is not a language of the tool's interface")
            % {"target": repr(target)}, path=given,
            hint=_("the tool speaks %(codes)s") % {"codes": ", ".join(i18n.LANGUAGES[1:])})
    if expect and code != expect:
        raise xliff.XliffRefused(_("the file is for %(found)s, not %(expected)s")
                                 % {"found": code, "expected": expect}, path=given)
    path = i18n.catalogue_path(code, ".po")
    own = shown(path)
    original = element.get("original")
    if original and Path(original).as_posix() != own:
        raise xliff.XliffRefused(_("the file says it is %(original)s, not %(own)s")
                                 % {"original": original, "own": own}, path=given,
                                 line=element.sourceline,
                                 hint=_("export it with `leaflet catalog interface export`"))
    before = path.read_bytes()
    po = catalog.read_po(path)
    entries = {(e.msgctxt or None, e.msgid): e for e in xliff.live_entries(po)}
    changed, seen = xliff._apply(poxliff.PoXliffFile.parsestring(data), entries, given, own)
    missing = len(entries) - seen
    if not changed:
        return xliff.ImportResult(code, path, [], missing, [])
    after = xliff._write_checked(po, path, before, code, check, given, own)
    _set_status(path, "draft")
    compile_one(path)
    return xliff.ImportResult(code, path, changed, missing, after)


def shown(path: Path) -> str:
    """A catalogue's path as messages and XLIFF files name it: from the project's folder."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _known(code: str, option: str) -> str:
    if code not in catalogue_paths():
        from leaflet.errors import UsageError

        raise UsageError(_("%(option)s %(value)s is not a language of the tool's interface")
                         % {"option": option, "value": repr(code)},
                         hint=_("one of %(codes)s") % {"codes": ", ".join(catalogue_paths())})
    return code


def _set_status(path: Path, status: str, reviewer: str | None = None,
                date: str | None = None) -> None:
    po = _read(path)
    po.metadata[REVIEW_HEADER] = status
    for key, value in (("X-Reviewed-By", reviewer), ("X-Reviewed-On", date)):
        if value:
            po.metadata[key] = value
        else:
            po.metadata.pop(key, None)
    write_atomic(path, po.__unicode__().encode("utf-8") + b"\n")


def mark_reviewed(code: str, reviewer: str, date: str | None, *, check) -> Path:
    """Mark `code`'s interface catalogue reviewed by `reviewer` (refused while its checks
    find an error): pages in it no longer say they are a draft."""
    from leaflet.translation import review
    from leaflet.translation.rules import ERROR

    _known(code, "LANG")
    reviewer = review.validate_reviewer(reviewer)
    date = review.validate_date(date, dt.date.today())
    errors = [f for f in check(code, None) if f.severity == ERROR]
    if errors:
        raise CatalogError(_("%(code)s not marked reviewed: the checks find %(count)s "
                             "error(s), first: %(first)s")
                           % {"code": code, "count": len(errors), "first": errors[0]},
                           hint=_("run `leaflet catalog interface check`"))
    path = i18n.catalogue_path(code, ".po")
    _set_status(path, "reviewed", reviewer, date)
    compile_one(path)
    return path
