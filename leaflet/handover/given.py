"""The hand-over's check that the leaflet it records as given exists in the workspace.

A leaflet handed over is a printed copy of one language of one edition. When the desk works
inside a workspace (leaflet.toml), `leaflet handover --leaflet given` is refused unless that
leaflet exists there: its language is one the workspace configures (`[build] languages`)
and is built for that edition (listed in `output/<edition>/manifest.json` with the PDF it
names present), and the edition is the workspace's (`[edition] id`) or one built before
(its `output/<edition>/manifest.json` exists). Otherwise a record would count the duty as
met with a leaflet nobody could have handed over. Without a workspace there is nothing to
check against, and the hand-over is recorded as given. Standard library only.
"""

from __future__ import annotations

from leaflet.duties.record import RecordError
from leaflet.textsafety import clip
from leaflet.workspace.built import (MANIFEST, SHOWN, built_editions, built_languages, listed,
                                     output_dir, pdf_of, read_manifest)


def check_given(workspace, language: str, edition: str | None) -> None:
    """Refuse a leaflet given in a language or edition this workspace never built.

    RecordError naming `leaflet_edition` (an edition never built here) or `leaflet_language`
    (a language not configured, or not built for that edition), with what to do.
    """
    current = workspace.edition_id
    edition = edition or current
    manifest = read_manifest(workspace, edition)
    if manifest is None and edition != current:
        others = [e for e in built_editions(workspace) if e != edition]
        known = ", ".join([current] + [e for e in others if e != current][:SHOWN])
        raise RecordError("leaflet_edition",
                          f"edition {clip(edition)} was never built in this workspace "
                          f"(no output/{edition}/{MANIFEST})",
                          hint=f"give the edition printed on the leaflet handed over; this "
                               f"workspace knows {known}")
    if language not in workspace.languages:
        raise RecordError("leaflet_language",
                          f"{clip(language)} is not a language of this workspace "
                          f"({listed(workspace.languages)})",
                          hint="give the language of the leaflet handed over, or add it to "
                               "leaflet.toml [build] languages and build it with "
                               f"`leaflet build --lang {language}`")
    entries = (manifest or {}).get("languages", {})
    if pdf_of(entries, language, output_dir(workspace, edition)) is not None:
        return
    built = list(built_languages(workspace, edition, manifest or {}))
    have = f"built: {listed(built)}" if built else "none is built"
    if edition == current:
        raise RecordError("leaflet_language",
                          f"no {language} leaflet of edition {edition} is built in this "
                          f"workspace ({have})",
                          hint=f"build it with `leaflet build --lang {language}`, or give the "
                               "language of the leaflet handed over")
    raise RecordError("leaflet_language",
                      f"no {language} leaflet of edition {edition} was built in this "
                      f"workspace ({have})",
                      hint="give the language and --edition of the leaflet handed over")
