"""The desk's hand-over form as record values: what a posted form says, the answers to the
questions that apply, the person's languages resolved (or the languages a name could mean,
offered as choices), the moment of the encounter in the station's time zone, and the errors
placed where the form shows them, each with what to do at a desk. Plain functions, testable
without a request.

The desk has no shell: a lower layer's hint that names a command (`leaflet build …`,
`--db`) is the CLI's; the desk shows the error's message with its own advice instead
(`desk_message`), and no page it renders holds a command line (tests/station/
test_desk_ux.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from leaflet.i18n import N_, _

FORM_FIELDS = ("occurred_at", "service", "assessment", "residence_status", "person_languages",
               "leaflet", "leaflet_language", "not_given_reason", "not_given_note",
               "centre_action", "centre", "foreigners_dept_informed", "case_ref", "amends")
# The fields the form shows with a message slot of their own; any other field's error (the
# hidden `amends`, the officer, the edition …) is shown at the top of the form.
SHOWN_FIELDS = frozenset(FORM_FIELDS) - {"amends"}
# The radio groups: the error summary links to their first option.
RADIOS = ("assessment", "residence_status", "leaflet", "not_given_reason", "centre_action",
          "centre", "foreigners_dept_informed")

# Each question as the form asks it (the same msgids as the template's labels): the error
# summary names the question before its message ("Leaflet: is required …").
QUESTIONS = {
    "occurred_at": N_("When the encounter happened"),
    "service": N_("Service"),
    "assessment": N_("Assessment"),
    "residence_status": N_("Residence status"),
    "person_languages": N_("Languages the person reads"),
    "leaflet": N_("Leaflet"),
    "leaflet_language": N_("Language of the leaflet handed over"),
    "not_given_reason": N_("Why not given"),
    "not_given_note": N_("Note"),
    "centre_action": N_("Support centre"),
    "centre": N_("Which support centre"),
    "foreigners_dept_informed": N_("Foreigners Department informed?"),
    "case_ref": N_("Case reference"),
}

# What the officer reads for each value of the closed vocabularies (leaflet.duties.choices).
# A value without a label here (a vocabulary that grew) shows as its code, spaces for "_".
LABELS = {
    "service": {"police": N_("police"), "social-law-inspection": N_("social law inspection"),
                "social-inspection": N_("social inspection")},
    "assessment": {"victim": N_("victim: good reason to believe so (§5.1)"),
                   "uncertain": N_("uncertain whether a victim (§5.2)"),
                   "implicated": N_("implicated in the trafficking (§5.3)")},
    "residence_status": {"legal": N_("legal"), "illegal": N_("illegal"),
                         "provisional": N_("provisional"), "unknown": N_("unknown")},
    "leaflet": {"given": N_("given"), "refused": N_("refused by the person"),
                "not_given": N_("not given")},
    "not_given_reason": {"no_language": N_("no leaflet in a language the person reads"),
                         "no_copy": N_("no printed copy at hand"),
                         "implicated": N_("implicated"), "other": N_("other")},
    "centre_action": {"intake": N_("intake arranged"),
                      "contact_arranged": N_("contact arranged"),
                      "contact_declined": N_("contact declined by the person"),
                      "none": N_("none")},
    "foreigners_dept_informed": {"yes": N_("yes"), "no": N_("no")},
}
CENTRE_NAMES = {"pag-asa": "PAG-ASA", "payoke": "Payoke", "surya": "Sürya"}


def label(field: str, value) -> str:
    """The officer's word for `value` of `field`, in the desk's language."""
    if value is None:
        return ""
    if field == "centre":
        return CENTRE_NAMES.get(value, value)
    if field == "foreigners_dept_informed" and isinstance(value, bool):
        value = "yes" if value else "no"
    known = LABELS.get(field, {}).get(value)
    return _(known) if known else str(value).replace("_", " ")


# What to do at a desk when a field is refused, where the lower layer's hint is the CLI's
# (a command to run) or says nothing an officer can act on.
ADVICE = {
    "occurred_at": N_("Give the day and time the encounter happened, in the station's time "
                      "zone (%(zone)s): not in the future, not before 13 January 1997."),
    "person_languages": N_("Check the spelling or type the language's code. If you cannot "
                           "tell, ask the person to choose their language at the kiosk and "
                           "type the code it shows, or type und (unknown)."),
    "leaflet_language": N_("Choose the language of the leaflet you handed over. If the "
                           "station has no leaflet in the person's language, tell your "
                           "unit's coordinator."),
    "leaflet_edition": N_("Tell your unit's coordinator: the station has no leaflet of this "
                          "edition."),
    "not_given_note": N_("Say it in a few words, on one line, and write nothing that "
                         "identifies the person."),
    "case_ref": N_("Give a pseudonymous reference such as the police report number, never a "
                   "national register number; or leave it empty."),
    "amends": N_("Open the record again from the day's list and correct it from there."),
}
# A command line in a sentence: a backquote, an --option, or `leaflet` and a word in the
# shape of a command; what the CLI tells its user to run, which a desk cannot.
COMMAND_LINE = re.compile(r"`|(?<![\w-])--[a-z][a-z-]*|\bleaflet\s+(?:[a-z]+\s+)?(?:"
                          r"build|catalog|check|pick|handover|log|report|stock|serve|db|"
                          r"doctor|language|edition|receive|order|status|upgrade|user|key)\b")


def has_command_line(text: str | None) -> bool:
    return bool(text) and COMMAND_LINE.search(text) is not None


def desk_message(error, field: str | None = None, zone: str = "",
                 message: str | None = None) -> str:
    """A lower layer's error as the desk says it: its message (or `message`), then the
    desk's advice for the field, else the error's own hint when it names no command."""
    advice = ADVICE.get(field or getattr(error, "field", None) or "")
    if advice:
        tail = _(advice) % {"zone": zone} if "%(zone)s" in advice else _(advice)
    elif error.hint and not has_command_line(error.hint):
        tail = error.hint[:1].upper() + error.hint[1:] + "."
    else:
        tail = ""
    message = message or error.message
    return f"{message}. {tail}" if tail else message


def answers(form: Mapping[str, str]) -> dict[str, Any]:
    """The form's values: stripped, empty as None, yes/no as True/False."""
    values: dict[str, Any] = {}
    for field in FORM_FIELDS:
        raw = form.get(field, "") or ""
        values[field] = raw.strip() if raw.strip() else None
    informed = values.get("foreigners_dept_informed")
    values["foreigners_dept_informed"] = {"yes": True, "no": False}.get(informed)
    return values


def applicable(values: dict[str, Any]) -> None:
    """Drop the answers to questions that do not apply (a hidden field keeps its value). A
    question applies when the record's own rule (leaflet.duties.record.questions) asks it.
    The note is optional with every outcome."""
    from leaflet.duties.record import questions

    for field in ("leaflet_language", "not_given_reason", "centre",
                  "foreigners_dept_informed"):
        if field not in questions({**values, field: None}):
            values[field] = None


# --- when the encounter happened ---------------------------------------------------------

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">
LOCAL_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?")


def now_local(zone: str) -> str:
    """Now in the station's time zone, as the form's "when" field shows it."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(zone)).strftime(LOCAL_FORMAT)


def local_input(occurred_at: str | None, zone: str) -> str | None:
    """A record's occurred_at as the form's "when" field shows it (the station's zone)."""
    from zoneinfo import ZoneInfo

    try:
        return (dt.datetime.fromisoformat(occurred_at).astimezone(ZoneInfo(zone))
                .strftime(LOCAL_FORMAT))
    except (TypeError, ValueError, OverflowError):
        return None


def occurred_at(text: str | None, zone: str) -> tuple[str | None, str | None]:
    """The form's "when" (a local date and time in the station's time zone `zone`) as the
    record's occurred_at with its UTC offset, checked by the log's own check of the field
    (leaflet.duties.record.validate_field, as `leaflet handover --occurred-at` is); and the
    desk's error, if any. Empty: now."""
    from zoneinfo import ZoneInfo

    from leaflet.duties.record import RecordError, validate_field
    from leaflet.textsafety import clip

    advice = _(ADVICE["occurred_at"]) % {"zone": zone}
    match = LOCAL_MOMENT.fullmatch((text or "").strip())
    moment = None
    if match:
        day, hour, minute, second = match.groups()
        try:
            moment = dt.datetime.fromisoformat(
                f"{day}T{int(hour):02d}:{minute}:{second or '00'}").replace(
                    tzinfo=ZoneInfo(zone))
        except ValueError:
            moment = None
    if not (text or "").strip():  # as `leaflet handover` without --occurred-at: now
        return dt.datetime.now(ZoneInfo(zone)).replace(microsecond=0).isoformat(), None
    if moment is None:
        # Translators: %(value)s is what was typed in the "when" field, quoted.
        return None, (_("%(value)s is not a date and time") % {"value": clip(text)}
                      + ". " + advice)
    try:
        return validate_field("occurred_at", moment.isoformat()), None
    except RecordError as error:
        return None, desk_message(error, "occurred_at", zone)


# --- the person's languages --------------------------------------------------------------

def split_languages(raw: str | None) -> list[str]:
    return [p.strip() for p in (raw or "").split(",") if p.strip()]


def chosen(raw: str | None, choice: str | None, index: str | None) -> str | None:
    """The languages field with the officer's choice (a code offered for the part at
    `index`, a name that meant several languages) put in that part's place."""
    parts = split_languages(raw)
    if not choice or not (index or "").isdigit() or int(index) >= len(parts):
        return raw
    parts[int(index)] = choice.strip()
    return ", ".join(parts)


def person_languages(raw: str, workspace) -> tuple[list[str], str | None, dict | None]:
    """The codes of the comma-separated languages (codes, names or countries), the first
    error, if any (leaflet.languages.person, as `leaflet handover` resolves them), and, for
    a name or country that could mean several languages, the choice to offer:
    {index, text, candidates: [{code, english_name, autonym}]}."""
    from leaflet.duties.record import PERSON_LANGUAGES_MAX
    from leaflet.errors import UsageError
    from leaflet.languages.person import person_language
    from leaflet.textsafety import clip

    parts = split_languages(raw)
    if len(parts) > PERSON_LANGUAGES_MAX:
        return [], (_("%(count)s languages given; at most %(max)s")
                    % {"count": len(parts), "max": PERSON_LANGUAGES_MAX}), None
    codes = []
    question = _(QUESTIONS["person_languages"])
    for index, part in enumerate(parts):
        try:
            codes.append(person_language(part, workspace, question))
        except UsageError as error:
            candidates = [{"code": c["code"], "english_name": c.get("english_name"),
                           "autonym": c.get("autonym"), "direction": c.get("direction")}
                          for c in getattr(error, "candidates", None) or []]
            if len(candidates) > 1:
                # Translators: %(text)s is what the officer typed, quoted, like 'Eritrea'.
                return codes, (_("%(text)s could mean several languages: choose the one "
                                 "the person reads") % {"text": clip(part)}), {
                    "index": index, "text": part, "candidates": candidates}
            if len(candidates) == 1:  # a near miss: offered, never taken unasked
                return codes, (_("%(text)s is not a language name the station knows well: "
                                 "is it this one?") % {"text": clip(part)}), {
                    "index": index, "text": part, "candidates": candidates}
            # the question is named where the message stands (its field, the summary)
            said = error.message.removeprefix(f"{question}: ")
            return codes, desk_message(error, "person_languages", message=said), None
    return codes, None, None


def placed(errors: Mapping[str, str]) -> dict[str, str]:
    """The errors by where the form shows them: a field's own slot, or the top ("form")."""
    shown = {field: message for field, message in errors.items()
             if field in SHOWN_FIELDS or field == "form"}
    hidden = [message for field, message in errors.items() if field not in shown]
    if hidden:
        shown["form"] = " ".join([shown.get("form", "")] + hidden).strip()
    return shown


def summary(errors: Mapping[str, str], choice: dict | None = None) -> list[dict]:
    """The error summary's items in the form's order: {href, text}; a field's item links to
    its input (a radio group's first option, a language choice's first candidate)."""
    from leaflet.duties import choices as vocabulary

    firsts = {"assessment": vocabulary.ASSESSMENTS, "residence_status":
              vocabulary.RESIDENCE_STATUSES, "leaflet": vocabulary.LEAFLET_OUTCOMES,
              "not_given_reason": vocabulary.NOT_GIVEN_REASONS,
              "centre_action": vocabulary.CENTRE_ACTIONS, "centre": vocabulary.CENTRES,
              "foreigners_dept_informed": ("yes", "no")}
    items = []
    if errors.get("form"):
        items.append({"href": None, "text": errors["form"]})
    for field in FORM_FIELDS:
        if field not in errors or field not in SHOWN_FIELDS:
            continue
        if field in firsts:
            href = f"#{field}-{firsts[field][0]}"
        elif field == "person_languages" and choice:
            href = "#language_choice-0"
        else:
            href = f"#{field}"
        items.append({"href": href, "text": f"{_(QUESTIONS[field])}: {errors[field]}"})
    return items
