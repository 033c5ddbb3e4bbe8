"""`leaflet languages`: every configured language with what the coordinator needs to know.

Code, English name, autonym, script, direction, how much is translated, the review status
and the built PDF, from the catalogues, the script registry and the edition's manifest.
"""

from __future__ import annotations

from leaflet.i18n import N_
from leaflet.edition import plan
from leaflet.translation import catalog
from leaflet.edition import kept
from leaflet.translation import review
from leaflet.languages import scripts


def language_rows(workspace) -> list[dict]:
    from leaflet.edition import audio

    manifest = plan.read_manifest(workspace.output_dir).get("languages", {})
    rows = []
    for code in workspace.languages:
        lang = scripts.language(code, workspace.language_settings.get(code))
        path = catalog.catalog_path(workspace.translations_dir, lang.locale)
        percent, status = 0.0, "missing"
        if path.is_file():
            po = catalog.read_po(path)
            live = [e for e in po if not e.obsolete]
            done = sum(1 for e in live if e.translated())
            percent = round(100 * done / len(live), 1) if live else 0.0
            status = review.status(po)
        entry = manifest.get(code)
        pdf = workspace.output_dir / entry["pdf"] if entry else None
        built = bool(pdf and pdf.is_file())
        rows.append({
            "code": code, "english_name": lang.english_name, "autonym": lang.autonym,
            "script": lang.script, "direction": lang.direction, "fonts": list(lang.families),
            "translated_percent": percent, "review_status": status,
            "pdf": workspace.display_path(pdf) if built else None,
            # the catalogue changed since the PDF was built (the kiosk and the site still
            # show the built text): `leaflet build` again
            "needs_rebuild": built and kept.needs_rebuild(workspace, lang, entry),
            # what `build --site` gives it: a recording, a synthetic voice, or none (English
            # data; `leaflet languages` shows it translated)
            # Translators: the audio of a language in `leaflet languages`: a human recording,
            # espeak-ng's synthetic voice, or none.
            "audio": {"recording": N_("recording"), "synthetic": N_("synthetic voice"),
                      "none": N_("none")}[audio.plan_for(workspace, code).kind],
        })
    return rows
