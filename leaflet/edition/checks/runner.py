"""`leaflet check`: every check of `codes`, the catalogues' and the layout of their pages
(laid out in parallel processes), as one list of Findings.
"""

from __future__ import annotations

import datetime as dt
from leaflet.i18n import _
from leaflet.translation import catalog
from leaflet.translation import messages
from leaflet.languages import scripts
from leaflet.edition.checks.catalogue import (check_contact_data, check_freshness,
                                              check_language, check_unconfirmed)
from leaflet.edition.checks.layout import layout_findings, sections_of
from leaflet.translation.rules import ERROR, Finding


def _layout_job(code: str, html: str, base_url: str, path: str, card_html: str = "",
                sizing: dict | None = None) -> list[dict]:
    """Lay out one language's leaflet at its text size (found, or pinned: as the build
    does) and its wallet card (no PDF written); return the layout findings as dicts."""
    from leaflet.edition.fitting import fit_leaflet, way_out
    from leaflet.render import pdf

    sizing = sizing or {}
    fitted = fit_leaflet(html, base_url, sizing)
    found = [f.as_dict() for f in layout_findings(
        fitted["laid"]["document"].pages, sections_of(fitted["html"]), path, code,
        entries=sizing.get("entries"), way=way_out(code, fitted, sizing))]
    if card_html:
        document = pdf.lay_out(card_html, base_url)["document"]
        found += [f.as_dict() for f in layout_findings(
            document.pages, sections_of(card_html), path, code, fill=False,
            entries=sizing.get("card_entries"),
            way=_("the wallet card's text size is fixed: shorten these entries"))]
    return found


def run_checks(workspace, codes=None, *, layout: bool = True, release: bool = False,
               allow_unverified: bool = False, today: dt.date | None = None,
               jobs: int | None = None, overrides: dict | None = None) -> list[Finding]:
    """Every finding for `codes` (default: all configured languages), errors and warnings.

    `overrides` maps a language code to a file checked in place of its catalogue."""
    overrides = overrides or {}

    def catalogue_of(lang):
        return overrides.get(lang.code) or catalog.catalog_path(workspace.translations_dir,
                                                                 lang.locale)

    import concurrent.futures
    import multiprocessing
    import os

    from leaflet.edition import plan

    langs = scripts.languages_for(workspace, list(codes) if codes else list(workspace.languages))
    pot_path = workspace.translations_dir / catalog.POT_NAME
    pot = catalog.read_po(pot_path) if pot_path.is_file() else None
    findings: list[Finding] = []
    if pot is None:
        findings.append(Finding("STALE", ERROR, str(pot_path), None,
                                _("messages.pot is missing: run `leaflet catalog extract`")))
    findings.extend(check_freshness(workspace, today or dt.date.today(), release,
                                    allow_unverified))
    findings.extend(check_contact_data(workspace))
    findings.extend(check_unconfirmed(workspace, release))
    renderable = []
    for lang in langs:
        found = check_language(workspace, lang, pot, overrides.get(lang.code))
        findings.extend(found)
        if layout and not any(f.severity == ERROR for f in found):
            renderable.append(lang)
    if renderable:
        pending = [plan.Pending(lang, messages.load_translations(catalogue_of(lang)),
                                 plan.input_hash(workspace, lang, catalogue_of(lang)),
                                 workspace.output_dir / "unused")
                   for lang in renderable]
        prepared = plan.prepare(workspace, pending)
        base_url = str(workspace.templates_dir) + os.sep
        workers = max(1, min(jobs or os.cpu_count() or 1, len(prepared)))
        args = [(job.lang.code, job.html, base_url, workspace.display_path(
            catalog.catalog_path(workspace.translations_dir, job.lang.locale)), job.card_html,
            job.sizing) for job in prepared]
        if workers == 1:
            results = [_layout_job(*a) for a in args]
        else:
            with concurrent.futures.ProcessPoolExecutor(
                    workers, mp_context=multiprocessing.get_context("fork")) as pool:
                results = list(pool.map(_layout_job, *zip(*args)))
        for (code, *_job), found in zip(args, results):
            findings.extend(Finding(**dict(f, lang=code)) for f in found)
    return findings
