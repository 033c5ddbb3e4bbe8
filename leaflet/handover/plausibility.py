"""What a hand-over says, checked against what the workspace has built (issue 27).

Two checks, the same at the desk and in `leaflet handover` (both record through
leaflet.handover.service, which runs them when it has a workspace):

- The reason a leaflet was not given must fit what is built. "No leaflet in the person's
  language" (`no_language`, a translation gap) is refused while a leaflet of the
  workspace's edition is built in one of the person's languages: that leaflet exists, so
  the officer gives it or, when no printed copy is at hand, says so (`no_copy`, a stock
  gap). And `no_copy` is refused when none of the person's languages is built: that is a
  translation gap. The report counts the two apart; a stock gap never asks for a
  translation. Without a workspace nothing is known of what is built, and neither is
  refused.

- A leaflet given before its edition's date (`[edition] date`, or the `date` of an older
  edition's manifest) is WARNED about, not refused. An edition is built and printed ahead
  of its date (up to a year: leaflet.workspace's EDITION_LEAD_DAYS), so its copies can be
  handed over before it, truly; the log is evidence and append-only, and a refusal would
  leave the officer a true hand-over that cannot be recorded, or the temptation to change
  its time or edition until it passes. The likely mistakes (copies of the previous edition
  recorded late, when the edition defaults to the current one; a wrong clock or date) are
  caught by showing the warning: in the CLI on a terminal before "Record this?", elsewhere
  with the record (stderr, the desk's receipt), where a correction fixes it.

Standard library only, but for a language's name in a refusal (Babel, on that path only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from leaflet.duties.record import RecordError
from leaflet.errors import LeafletError
from leaflet.i18n import _
from leaflet.workspace.built import built_languages, read_manifest

# The reasons that say something about what is built (leaflet.duties.choices).
NO_LANGUAGE, NO_COPY = "no_language", "no_copy"


def readable_built(workspace, person_languages) -> list[str]:
    """The person's languages, in their order, whose leaflet of the workspace's edition is
    built (the same exact codes the LEAFLET-LANGUAGE duty compares)."""
    built = built_languages(workspace)
    return [code for code in person_languages or () if code in built]


def named(code: str) -> str:
    """A language as the officer reads it: "Amharic (am)"."""
    from leaflet.render.interface import language_name

    name = language_name(code)
    return code if name == code else f"{name} ({code})"


def check_reason(workspace, values: Mapping[str, Any]) -> None:
    """Refuse a not_given_reason that contradicts what the workspace has built: RecordError
    naming `not_given_reason`, with what to do."""
    if values.get("leaflet") != "not_given":
        return
    reason = values.get("not_given_reason")
    if reason not in (NO_LANGUAGE, NO_COPY):
        return
    readable = readable_built(workspace, values.get("person_languages"))
    if reason == NO_LANGUAGE and readable:
        raise RecordError(
            "not_given_reason",
            # Translators: %(language)s is a language's name and code, like "Amharic (am)";
            # %(edition)s an edition id. Refuses the reason "no leaflet in the person's
            # language".
            _("a leaflet in %(language)s, which the person understands, exists (edition "
              "%(edition)s): give that leaflet")
            % {"language": named(readable[0]), "edition": workspace.edition_id},
            # Translators: the quoted words are the reason's label at the desk; no_copy its
            # code on the command line.
            hint=_("if no printed copy of it is at hand, choose “no printed copy at hand” "
                   "(no_copy)"))
    if reason == NO_COPY and not readable:
        raise RecordError(
            "not_given_reason",
            # Translators: %(edition)s is an edition id.
            _("no leaflet of edition %(edition)s exists in a language the person "
              "understands, so no copy of one could be at hand")
            % {"edition": workspace.edition_id},
            hint=_("choose “no leaflet in a language the person reads” (no_language)"))


def edition_date(workspace, edition: str | None) -> dt.date | None:
    """The date of `edition` (the workspace's by default): `[edition] date` for the
    workspace's edition, the `date` of its manifest for an older one; None when unknown."""
    if edition is None or edition == workspace.edition_id:
        return workspace.edition_date
    try:
        manifest = read_manifest(workspace, edition)
    except LeafletError:
        return None
    try:
        return dt.date.fromisoformat((manifest or {}).get("date"))
    except (TypeError, ValueError):
        return None


def warnings(workspace, values: Mapping[str, Any], *, recorded: bool = False) -> list[str]:
    """What looks wrong in a hand-over without being refused: a leaflet given before its
    edition's date. `recorded`: the record is in the log already (the desk's receipt), so the
    way out is a correction."""
    if workspace is None or values.get("leaflet") != "given" or not values.get("occurred_at"):
        return []
    edition = values.get("leaflet_edition") or workspace.edition_id
    date = edition_date(workspace, edition)
    try:
        day = dt.datetime.fromisoformat(values["occurred_at"]).date()
    except (TypeError, ValueError):
        return []
    if date is None or day >= date:
        return []
    shown = {"day": day.isoformat(), "edition": edition, "date": date.isoformat()}
    if recorded:
        # Translators: %(day)s and %(date)s are dates (YYYY-MM-DD); %(edition)s an edition id.
        return [_("This hand-over (%(day)s) is dated before edition %(edition)s (of %(date)s). "
                  "If the copy handed over was of an earlier edition, or the date is wrong, "
                  "record a correction.") % shown]
    # Translators: %(day)s and %(date)s are dates (YYYY-MM-DD); %(edition)s an edition id.
    return [_("this hand-over (%(day)s) is dated before edition %(edition)s (of %(date)s): "
              "was the copy of an earlier edition (--edition), or is the time wrong "
              "(--occurred-at)?") % shown]
