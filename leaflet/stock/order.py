"""The print order: what the coordinator sends a print shop, as a PDF and a CSV.

`leaflet stock order ro=500 ti=200` refuses, naming them, the languages whose catalogue is a
draft (unless `allow_draft`) or that fail `leaflet check` (always: a print run of a leaflet
with a missing glyph or an overflowing page is money spent on a leaflet nobody can read).
It then builds whatever print files are missing or out of date (`leaflet build --print`),
and writes one folder per order, which the print shop can take as it is:

    <orders>/<date>-<short id>/print-order.csv   order id, unit, delivery address, paper,
                                                 finishing and, per language: edition, file,
                                                 sha256, page size, bleed, pages, copies
    <orders>/<date>-<short id>/print-order.pdf   the same as a signed-off document
    <orders>/<date>-<short id>/<lang>-a5.pdf     each ordered print file, byte for byte

`<orders>` is `output/orders/` or `--output-dir`. The short id is the first SHORT_ID
characters of the order's id (a UUID), which `stock receive --order` takes. A folder is never
written twice: it is made whole under a temporary name, then renamed. Paper, weight,
finishing and the delivery address come from leaflet.toml `[print]`. The PDF goes through
the project's one Jinja environment (leaflet.render.templates.environment) and WeasyPrint.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
from pathlib import Path
from typing import Any

from leaflet.errors import BuildError, TemplateError
from leaflet.files import output_folder, write_error
from leaflet.i18n import _
from leaflet.stock.errors import OrderRefused
from leaflet.textsafety import csv_row

TEMPLATE = "print-order.html.j2"
CSV_NAME = "print-order.csv"
PDF_NAME = "print-order.pdf"
# One line per language; the order's own values (the last seven) repeat on every line.
CSV_COLUMNS = ("edition", "language", "file", "sha256", "page_size", "bleed_mm", "pages",
               "copies", "review_status", "order_id", "order_short_id", "unit",
               "delivery_address", "paper", "weight_gsm", "finishing")
ORDERS_FOLDER = "orders"  # output/orders/: one folder per order
SHORT_ID = 8  # as leaflet.stock.ledger.SHORT_ID (the ledger imports SQLAlchemy; this does not)
MM = 25.4 / 72


def gate(workspace, codes: list[str], *, allow_draft: bool = False,
         jobs: int | None = None) -> list[str]:
    """Refuse drafts (unless `allow_draft`) and languages failing `leaflet check`; returns the
    check's warnings for the ordered languages. Raises OrderRefused naming every language."""
    from leaflet.translation import catalog
    from leaflet.translation import review
    from leaflet.translation.rules import ERROR
    from leaflet.edition.checks.runner import run_checks
    from leaflet.languages.scripts import languages_for
    from leaflet.errors import CatalogError

    drafts = []
    for lang in languages_for(workspace, codes):
        try:
            po = catalog.read_po(catalog.catalog_path(workspace.translations_dir, lang.locale))
        except CatalogError:
            continue  # unreadable: `leaflet check` names it below (PO-SYNTAX)
        if review.status(po) != "reviewed":
            drafts.append(lang.code)
    findings = run_checks(workspace, codes, jobs=jobs)
    errors = [f for f in findings if f.severity == ERROR]
    failing = sorted({f.lang for f in errors if f.lang})
    general = sorted({f"{f.path}: {f.check}" for f in errors if not f.lang})
    problems, refused = [], set(failing)
    if drafts and not allow_draft:
        # Translators: %(languages)s lists language codes.
        problems.append(_("draft translations: %(languages)s")
                        % {"languages": ", ".join(drafts)})
        refused.update(drafts)
    if failing:
        # Translators: %(languages)s lists language codes.
        problems.append(_("failing `leaflet check`: %(languages)s")
                        % {"languages": ", ".join(failing)})
    if general:
        # Translators: %(problems)s lists "FILE: CHECK-ID" items.
        problems.append(_("the workspace fails `leaflet check`: %(problems)s")
                        % {"problems": "; ".join(general)})
    if problems:
        hints = []
        if drafts and not allow_draft:
            hints.append(_("a qualified translator reviews a draft (docs/translating.md), or "
                           "pass --allow-draft to print drafts, marked as such"))
        if failing or general:
            hints.append(_("`leaflet check --lang CODE` says what fails"))
        # Translators: %(problems)s is one or more of the problems above, joined by "; ".
        raise OrderRefused(_("print order refused: %(problems)s")
                           % {"problems": "; ".join(problems)},
                           languages=sorted(refused), hint="; ".join(hints))
    return [str(f) for f in findings if f.lang in codes or f.lang is None]


def page_size(path: Path) -> tuple[str, int]:
    """('A5 148x210 mm', bleed in mm) read from the first page's TrimBox and BleedBox."""
    from pypdf import PdfReader

    page = PdfReader(str(path)).pages[0]
    trim = [float(v) for v in page.get("/TrimBox", page.mediabox)]
    bleed = [float(v) for v in page.get("/BleedBox", page.get("/TrimBox", page.mediabox))]
    width, height = round((trim[2] - trim[0]) * MM), round((trim[3] - trim[1]) * MM)
    margin = round((trim[0] - bleed[0]) * MM)
    names = {(148, 210): "A5", (210, 297): "A4", (105, 148): "A6"}
    name = names.get((width, height))
    return (f"{name} " if name else "") + f"{width}x{height} mm", margin


def place(workspace, items: list[str], *, allow_draft: bool = False,
          output_dir: str | Path | None = None, jobs: int | None = None,
          today: dt.date | None = None, unit: str | None = None, record=None,
          progress=None) -> dict[str, Any]:
    """Check, build what is missing, and write the order's own folder; returns what was
    written. `record(order_id)`, when given, enters the order in the ledger once every file
    is made and before the folder appears: if it fails, no folder is left."""
    import uuid

    from leaflet.edition.build import build
    from leaflet.stock.lines import parse_lines

    lines = parse_lines(items, known=workspace.languages)
    codes = [code for code, _copies in lines]
    today = today or dt.date.today()
    # Translators: "the order folder" stands where an option's name stands in a message
    # ("--output-dir PATH: cannot write in …").
    option = "--output-dir" if output_dir else _("the order folder")
    # Where the order goes is checked first: no check, no build for a place it cannot go.
    parent = output_folder(output_dir or workspace.root / "output" / ORDERS_FOLDER, option)
    warnings = gate(workspace, codes, allow_draft=allow_draft, jobs=jobs)
    built = build(workspace, codes, jobs=jobs, print_files=True, progress=progress)
    # The check above already named every unverified contact detail (DATA-UNVERIFIED).
    from leaflet.edition.plan import UnverifiedContact

    warnings += [w for w in built.warnings if not isinstance(w, UnverifiedContact)]
    while True:  # a fresh id whose folder does not exist: an order is never written over
        order_id = str(uuid.uuid4())
        folder = parent / f"{today.isoformat()}-{order_id[:SHORT_ID]}"
        if not folder.exists():
            break
    spec = workspace.print_spec
    address = spec.delivery_address(unit)
    warnings += spec_warnings(spec, unit, address)
    order = {"order_id": order_id, "order_short_id": order_id[:SHORT_ID], "unit": unit or "",
             "delivery_address": address or "", "paper": spec.paper or "",
             "weight_gsm": spec.weight if spec.weight is not None else "",
             "finishing": spec.finishing or ""}
    rows = []
    for code, copies in lines:
        entry = built.manifest["languages"].get(code, {})
        a5 = entry.get("print", {}).get("a5")
        if not a5:
            # Translators: %(lang)s is a language code.
            raise BuildError(_("%(lang)s: no print file in the manifest after the build")
                             % {"lang": code},
                             path=built.output_dir / "manifest.json",
                             hint=_("run `leaflet build --print --force --lang %(lang)s`")
                             % {"lang": code})
        source = built.output_dir / a5["pdf"]
        data = source.read_bytes()
        if hashlib.sha256(data).hexdigest() != a5["sha256"]:
            raise BuildError(_("changed since it was built (sha256 differs from the manifest)"),
                             path=source, hint=_("run `leaflet build --print --force`"))
        size, bleed = page_size(source)
        rows.append({"edition": workspace.edition_id, "language": code,
                     "file": source.name, "sha256": a5["sha256"], "page_size": size,
                     "bleed_mm": bleed, "pages": entry["pages"], "copies": copies,
                     "review_status": entry.get("review_status", "draft"), **order,
                     "_data": data})
    # Everything is made before anything is written: a template or WeasyPrint failing
    # leaves no folder and no file behind.
    files = [(row["file"], row.pop("_data"), row["sha256"]) for row in rows]
    files.append((CSV_NAME, order_csv(rows), None))
    pdf = _render(order_html(workspace, rows, today, order), workspace, folder / PDF_NAME)
    files.append((PDF_NAME, pdf, None))
    _write_order(folder, files, option,
                 record=(lambda: record(order_id)) if record is not None else None)
    return {"edition": workspace.edition_id, "date": today.isoformat(),
            "order_id": order_id, "short_id": order_id[:SHORT_ID], "unit": unit,
            "delivery_address": address, "recorded": record is not None,
            "output_dir": str(folder), "csv": str(folder / CSV_NAME),
            "pdf": str(folder / PDF_NAME), "lines": rows,
            "copies": sum(row["copies"] for row in rows), "warnings": warnings,
            "rendered": built.rendered}


def spec_warnings(spec, unit: str | None, address: str | None) -> list[str]:
    """What the order cannot tell the print shop because leaflet.toml does not say it."""
    missing = [key for key, value in (("paper", spec.paper), ("weight", spec.weight),
                                      ("finishing", spec.finishing)) if value is None]
    warnings = []
    if missing:
        # Translators: %(keys)s lists names in leaflet.toml, like "paper, weight".
        warnings.append(_("leaflet.toml [print] does not give %(keys)s: the order says "
                          "\"to be agreed\"") % {"keys": ", ".join(missing)})
    if address is None:
        # Translators: %(key)s is a key of leaflet.toml, like "PZ-5339" or default.
        warnings.append(_("leaflet.toml [print.delivery] has no address for %(key)s: the "
                          "order says the delivery address is to be agreed")
                        % {"key": f'"{unit}" or default' if unit else "default"})
    return warnings


def _write_order(folder: Path, files: list[tuple[str, bytes, str | None]], option: str, *,
                 record=None) -> None:
    """Write the order's folder whole under a temporary name beside it, call `record()`
    (the ledger), then rename it to `folder`, which must not exist. If anything fails, the
    temporary folder and the folders this order created are removed: no half order is left,
    and no order is written over."""
    import shutil
    import tempfile

    from leaflet.files import FILE_MODE, sha256_file

    missing = [p for p in (folder.parent, *folder.parent.parents) if not p.exists()]
    temp: Path | None = None
    done = False
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp",
                                     dir=folder.parent))
        for name, data, sha256 in files:
            path = temp / name
            with path.open("xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(path, FILE_MODE)
            if sha256 is not None and sha256_file(path) != sha256:
                raise BuildError(_("copy does not match its sha256"), path=folder / name)
        os.chmod(temp, 0o777 & ~_umask())
        if record is not None:
            record()
        os.rename(temp, folder)  # refused if `folder` appeared meanwhile and holds files
        done = True
    except OSError as error:
        raise write_error(option, folder, error) from None
    finally:
        if not done:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)
            for path in missing:  # deepest first
                try:
                    path.rmdir()
                except OSError:
                    break


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def order_csv(rows: list[dict]) -> bytes:
    """RFC 4180 CSV (CRLF line ends), UTF-8, a header of CSV_COLUMNS.

    Text cells go through textsafety.csv_cell: one a spreadsheet would evaluate (starting
    with = + - @, a tab or a line break, or their full-width forms) or starting with an
    apostrophe gets a leading apostrophe. Numbers (copies, pages, bleed) stay numbers.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(csv_row(CSV_COLUMNS))
    for row in rows:
        writer.writerow(csv_row(row.get(column, "") for column in CSV_COLUMNS))
    return buffer.getvalue().encode("utf-8")


def order_html(workspace, rows: list[dict], today: dt.date, order: dict | None = None) -> str:
    """The order as HTML, from templates/print-order.html.j2."""
    import jinja2

    from leaflet.render import templates
    from leaflet.languages import scripts

    names = {lang.code: lang.english_name
             for lang in scripts.languages_for(workspace, [row["language"] for row in rows])}
    from leaflet.render import interface

    env = templates.environment(workspace.templates_dir)
    interface.install(env)  # the coordinator's language (leaflet.i18n)
    context = {
        "edition": {"id": workspace.edition_id, "date": workspace.edition_date.isoformat()},
        "date": today.isoformat(),
        "rows": [dict(row, name=names.get(row["language"], row["language"])) for row in rows],
        "copies": sum(row["copies"] for row in rows),
        "drafts": [row["language"] for row in rows if row["review_status"] != "reviewed"],
        "order": order or {},
    }
    try:
        return env.get_template(TEMPLATE).render(context)
    except jinja2.TemplateNotFound:
        raise TemplateError(_("template %(name)s is missing") % {"name": TEMPLATE},
                            path=workspace.templates_dir / TEMPLATE) from None
    except jinja2.TemplateError as exc:
        line = getattr(exc, "lineno", None)
        raise TemplateError(_("cannot render: %(reason)s") % {"reason": exc},
                            path=workspace.templates_dir / TEMPLATE, line=line) from None


def _render(html: str, workspace, dest: Path) -> bytes:
    from leaflet.render import pdf

    try:
        data, _pages, _warnings = pdf.render_pdf(html, str(workspace.templates_dir) + "/")
    except Exception as exc:  # noqa: BLE001  (WeasyPrint failing names the file)
        raise BuildError(_("rendering failed: %(reason)s") % {"reason": exc},
                         path=dest) from exc
    return data
