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
from leaflet.i18n import _
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
                          # Translators: %(edition)s is an edition id; %(manifest)s a path in
                          # the workspace, like output/2026-12/manifest.json.
                          _("edition %(edition)s was never built in this workspace "
                            "(no %(manifest)s)")
                          % {"edition": clip(edition), "manifest": f"output/{edition}/{MANIFEST}"},
                          # Translators: %(editions)s lists edition ids.
                          hint=_("give the edition printed on the leaflet handed over; this "
                                 "workspace knows %(editions)s") % {"editions": known})
    if language not in workspace.languages:
        raise RecordError("leaflet_language",
                          # Translators: %(language)s is a language code, like ar; %(languages)s
                          # lists the workspace's language codes.
                          _("%(language)s is not a language of this workspace (%(languages)s)")
                          % {"language": clip(language), "languages": listed(workspace.languages)},
                          # Translators: %(command)s is a command to run, kept as it is.
                          hint=_("give the language of the leaflet handed over, or add it to "
                                 "leaflet.toml [build] languages and build it with "
                                 "`%(command)s`") % {"command": f"leaflet build --lang {language}"})
    entries = (manifest or {}).get("languages", {})
    if pdf_of(entries, language, output_dir(workspace, edition)) is not None:
        return
    built = list(built_languages(workspace, edition, manifest or {}))
    # Translators: in parentheses after "no ar leaflet of edition … is built in this
    # workspace"; %(languages)s lists the language codes built.
    have = (_("built: %(languages)s") % {"languages": listed(built)} if built
            else _("none is built"))
    shown = {"language": language, "edition": edition, "built": have}
    if edition == current:
        raise RecordError("leaflet_language",
                          # Translators: %(language)s is a language code; %(edition)s an edition
                          # id; %(built)s says which languages are built ("built: ar, fr").
                          _("no %(language)s leaflet of edition %(edition)s is built in this "
                            "workspace (%(built)s)") % shown,
                          hint=_("build it with `%(command)s`, or give the "
                                 "language of the leaflet handed over")
                          % {"command": f"leaflet build --lang {language}"})
    raise RecordError("leaflet_language",
                      _("no %(language)s leaflet of edition %(edition)s was built in this "
                        "workspace (%(built)s)") % shown,
                      hint=_("give the language and --edition of the leaflet handed over"))
