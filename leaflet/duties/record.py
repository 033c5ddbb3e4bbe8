"""The encounter record: its fields, the checks that make a record well-formed, its hash.

One record says what happened when a service met a person who may be a victim: the service's
assessment, the languages the person understands, whether the leaflet was handed over (in
which language and edition), what was arranged with a support centre, whether the Foreigners
Department was informed. It holds exactly what the duties in DUTY-RULES.md need and nothing
that identifies the person: there is no field for a name, a birth date, an address or a
document number, unknown fields are refused, and the two free-text fields (`case_ref`,
`not_given_note`) refuse anything shaped like a Belgian national register number.

A record that is well-formed but breaks a duty is a fact to record; the report judges it. The
checks here only refuse what is malformed. Each check is a small named function raising
RecordError naming the JSON field; `validate` runs them in field order.

Standard library only: this module is on the hand-over path, which must start fast.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from leaflet.languages import tags as languages
from leaflet.textsafety import clip, describe, invisible_chars, visible
from leaflet.errors import UsageError
from leaflet.i18n import N_, _
from leaflet.duties.choices import (
    ASSESSMENTS,
    CENTRE_ACTIONS,
    CENTRES,
    LEAFLET_OUTCOMES,
    NOT_GIVEN_REASONS,
    RESIDENCE_STATUSES,
    SERVICES)
from leaflet.identifiers import looks_like_national_number
from leaflet.periods import utc_of
from leaflet.workspace import DEFAULT_CASE_REF_PATTERN



class RecordError(UsageError):
    """One field of an encounter record is missing or invalid.

    `field` is the JSON field name of the interchange format (docs/log-format.md); the CLI
    maps it to the option that sets it. `line` is set when the record came from a file.
    """

    def __init__(self, field: str, message: str, *, line: int | None = None,
                 path: str | None = None, hint: str | None = None):
        super().__init__(message, path=path, line=line, hint=hint)
        self.field = field

    def __str__(self) -> str:
        tail = f" ({self.hint})" if self.hint else ""
        # Translators: %(field)s is a field's name in the log format, quoted, like 'unit';
        # %(message)s says what is wrong with it.
        text = _("field %(field)s: %(message)s") % {"field": repr(self.field),
                                                      "message": self.message} + tail
        if self.path:
            return self.path + (f":{self.line}" if self.line else "") + ": " + text
        if self.line:
            # Translators: %(line)s is a line number of an import file; %(text)s the problem.
            return _("line %(line)s: %(text)s") % {"line": self.line, "text": text}
        return text

# The interchange format's fields, in the order docs/log-format.md lists them.
FIELDS = (
    "id", "occurred_at", "service", "unit", "officer", "assessment", "residence_status",
    "person_languages", "leaflet", "leaflet_language", "leaflet_edition", "not_given_reason",
    "not_given_note", "centre_action", "centre", "foreigners_dept_informed", "amends",
    "case_ref",
)

# Stored beside each record by the database that holds it; exports may carry them
# (`--with-chain`), imports ignore them because the receiving database builds its own chain.
CHAIN_FIELDS = ("seq", "recorded_at", "prev_hash", "hash")
# What `log export --with-chain` adds to check a hash elsewhere: the commitments the hash
# covers, the salts of values still in clear, and chain_format 1 for a record made under
# schema version 1 (its hash covers the values in clear). Imports ignore them too.
PROOF_FIELDS = ("commitments", "salts", "chain_format")

NOTE_MAX = 200
# Languages a person reads, at most: more is a paste, and each name costs a search.
PERSON_LANGUAGES_MAX = 12
# Unit and officer codes, edition ids. Always used with fullmatch: `$` would also match
# before a trailing newline, and "PZ-5339\n" would pass as a second unit in every report.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]{0,39}")
EDITION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # as [edition] id
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# A clock a few minutes fast must not refuse a record made "now"; a date years ahead is a typo.
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
# The duty to hand over the leaflet dates from the instructions of 13 January 1997; an
# encounter before that is a typo (and year 1 would not even convert to UTC).
EARLIEST = dt.datetime(1997, 1, 13, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Encounter:
    """A well-formed record. Build it with `validate`, never directly from user input."""

    id: str
    occurred_at: str
    service: str
    unit: str
    officer: str
    assessment: str
    residence_status: str
    person_languages: tuple[str, ...]
    leaflet: str
    leaflet_language: str | None
    leaflet_edition: str | None
    not_given_reason: str | None
    not_given_note: str | None
    centre_action: str
    centre: str | None
    foreigners_dept_informed: bool | None
    amends: str | None
    case_ref: str | None

    def to_dict(self) -> dict[str, Any]:
        """The record as the JSON object of the interchange format (fields in format order)."""
        data = {name: getattr(self, name) for name in FIELDS}
        data["person_languages"] = list(self.person_languages)
        return data

    @property
    def occurred_utc(self) -> dt.datetime:
        """occurred_at in UTC without tzinfo: the stored column that SQL filters on."""
        return utc_of(self.occurred_at)


def new_id() -> str:
    return str(uuid.uuid4())


# --- the checks: one function per field, then the rules that tie fields together ---------

class _Context:
    """What the checks need beyond the record: the case_ref pattern and, for files, the line."""

    def __init__(self, case_ref_pattern: str, line: int | None, now: dt.datetime | None):
        self.case_ref = re.compile(case_ref_pattern)
        self.case_ref_pattern = case_ref_pattern
        self.line = line
        self.now = now

    def fail(self, field: str, message: str, hint: str | None = None):
        raise RecordError(field, message, line=self.line, hint=hint)




TYPE_AGAIN = N_("type it again on one line, without control, line-separator or direction "
                "characters")


def _one_line(ctx: _Context, field: str, value: str, *, joiners_in_words: bool = False,
              edges: bool = True) -> None:
    """Refuse what would split a value in a table or make two values that look the same
    differ: invisible characters (a trailing newline, U+2028, U+202E …) and, with `edges`,
    whitespace at either end."""
    found = invisible_chars(value, joiners_in_words=joiners_in_words)
    if found:
        ch = found[0]
        if ch in LINE_BREAKS:
            # Translators: %(value)s is the value typed, quoted; %(character)s names the
            # character, like U+2028 LINE SEPARATOR.
            message = (_("%(value)s ends with a line break (%(character)s)") if value.endswith(ch)
                       else _("%(value)s holds a line break (%(character)s)"))
            ctx.fail(field, message % {"value": clip(value), "character": describe(ch)},
                     hint=_(TYPE_AGAIN))
        ctx.fail(field, _("%(value)s holds an invisible character (%(character)s)")
                 % {"value": clip(value), "character": describe(ch)}, hint=_(TYPE_AGAIN))
    if edges and value != value.strip():
        ctx.fail(field, _("%(value)s starts or ends with a space") % {"value": clip(value)},
                 hint=_("remove the space"))


def _string(ctx: _Context, field: str, value, *, nullable: bool) -> str | None:
    if value is None:
        if nullable:
            return None
        # Translators: said of a field of the record, named before it ("field 'unit': …").
        ctx.fail(field, _("is required"))
    if not isinstance(value, str):
        message = (_("must be a string or null, not %(value)s") if nullable
                   else _("must be a string, not %(value)s"))
        ctx.fail(field, message % {"value": clip(value)})
    if value == "" and nullable:
        return None  # an empty option or CSV cell means "not given"
    return value


def _choice(ctx: _Context, field: str, value, choices: tuple[str, ...], *,
            nullable: bool = False) -> str | None:
    value = _string(ctx, field, value, nullable=nullable)
    if value is not None and value not in choices:
        # Translators: %(choices)s lists the allowed values, which are codes: police, victim …
        ctx.fail(field, _("%(value)s is not one of %(choices)s")
                 % {"value": clip(value), "choices": ", ".join(choices)})
    return value


def check_id(ctx: _Context, value) -> str:
    return _uuid(ctx, "id", value, nullable=False)


def _uuid(ctx: _Context, field: str, value, *, nullable: bool) -> str | None:
    value = _string(ctx, field, value, nullable=nullable)
    if value is None:
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        ctx.fail(field, _("%(value)s is not a UUID") % {"value": clip(value)})
    if len(value) != 36 or value.strip() != value:
        ctx.fail(field, _("%(value)s is not a UUID in its 8-4-4-4-12 form")
                 % {"value": clip(value)})
    return str(parsed)


def check_occurred_at(ctx: _Context, value) -> str:
    value = _string(ctx, "occurred_at", value, nullable=False)
    moment = None
    if len(value) <= 40 and value.isascii() and value == value.strip():
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    shown = {"value": clip(value)}
    if moment is None:
        ctx.fail("occurred_at", _("%(value)s is not an ISO 8601 date and time") % shown,
                 hint=_("like 2026-12-01T14:30:00+01:00"))
    if "T" not in value.upper() and " " not in value:
        ctx.fail("occurred_at", _("%(value)s has no time of day") % shown,
                 hint=_("like 2026-12-01T14:30:00+01:00"))
    if moment.tzinfo is None or moment.utcoffset() is None:
        ctx.fail("occurred_at", _("%(value)s has no UTC offset") % shown,
                 hint=_("add one, like 2026-12-01T14:30:00+01:00"))
    try:
        moment.astimezone(dt.timezone.utc)
    except OverflowError:
        ctx.fail("occurred_at", _("%(value)s is out of range") % shown,
                 hint=_("give a time from 13 January 1997 to now"))
    now = ctx.now or dt.datetime.now(dt.timezone.utc)
    if moment > now + FUTURE_TOLERANCE:
        ctx.fail("occurred_at", _("%(value)s is in the future") % shown,
                 hint=_("check the date and the machine's clock"))
    if moment < EARLIEST:
        ctx.fail("occurred_at",
                 _("%(value)s is before the instructions of 13 January 1997") % shown)
    return moment.isoformat()


def check_code(ctx: _Context, field: str, value) -> str:
    value = _string(ctx, field, value, nullable=False)
    _one_line(ctx, field, value)
    if not CODE_PATTERN.fullmatch(value):
        ctx.fail(field, _("%(value)s is not a code (letters, digits, '.', '/', '_', '-', "
                          "at most 40, starting with a letter or digit, no spaces)")
                 % {"value": clip(value)})
    if looks_like_national_number(value):
        ctx.fail(field, _("looks like a national register number"),
                 hint=_("the log must not identify the person"))
    return value


def check_person_languages(ctx: _Context, value) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        ctx.fail("person_languages",
                 _("must be a list of language codes, not %(value)s") % {"value": clip(value)})
    if not value:
        ctx.fail("person_languages", _("needs at least one code ('und' when unknown)"))
    if len(value) > PERSON_LANGUAGES_MAX:
        ctx.fail("person_languages", _("lists %(count)s languages; at most %(maximum)s")
                 % {"count": len(value), "maximum": PERSON_LANGUAGES_MAX})
    codes = []
    for item in value:
        try:
            code = languages.normalise(item)
        except languages.LanguageError as exc:
            ctx.fail("person_languages", str(exc))
        if code in codes:
            ctx.fail("person_languages", _("%(code)s is listed twice") % {"code": clip(code)})
        codes.append(code)
    if languages.UNKNOWN in codes and len(codes) > 1:
        ctx.fail("person_languages", _("'und' means the language is unknown: give it alone"))
    return tuple(codes)


def check_leaflet_language(ctx: _Context, value) -> str | None:
    value = _string(ctx, "leaflet_language", value, nullable=True)
    if value is None:
        return None
    try:
        code = languages.normalise(value)
    except languages.LanguageError as exc:
        ctx.fail("leaflet_language", str(exc))
    if code == languages.UNKNOWN:
        ctx.fail("leaflet_language", _("a leaflet is printed in a known language, not 'und'"))
    return code


def check_edition(ctx: _Context, value) -> str | None:
    value = _string(ctx, "leaflet_edition", value, nullable=True)
    if value is None:
        return None
    _one_line(ctx, "leaflet_edition", value)
    if not EDITION_PATTERN.fullmatch(value):
        ctx.fail("leaflet_edition", _("%(value)s is not an edition id "
                                      "(letters, digits, '.', '_', '-'; at most 64)")
                 % {"value": clip(value)})
    return value


def check_note(ctx: _Context, value) -> str | None:
    value = _string(ctx, "not_given_note", value, nullable=True)
    if value is None:
        return None
    if len(value) > NOTE_MAX:
        ctx.fail("not_given_note", _("is %(length)s characters long; at most %(maximum)s")
                 % {"length": f"{len(value):,}", "maximum": NOTE_MAX},
                 hint=_("say it in fewer words"))
    if not value.strip():
        ctx.fail("not_given_note", _("is blank"))
    # One line of printable text; spaces at its ends are text too, so they are kept.
    _one_line(ctx, "not_given_note", value, joiners_in_words=True, edges=False)
    if looks_like_national_number(value):
        ctx.fail("not_given_note", _("holds what looks like a national register number"),
                 hint=_("the log must not identify the person"))
    return value


def check_foreigners_dept(ctx: _Context, value) -> bool | None:
    if value is not None and not isinstance(value, bool):
        ctx.fail("foreigners_dept_informed",
                 _("must be true, false or null, not %(value)s") % {"value": clip(value)})
    return value


def check_case_ref(ctx: _Context, value) -> str | None:
    value = _string(ctx, "case_ref", value, nullable=True)
    if value is None:
        return None
    # Whatever leaflet.toml's pattern allows, a reference is one line without invisible
    # characters or spaces at its ends.
    _one_line(ctx, "case_ref", value)
    if looks_like_national_number(value):
        ctx.fail("case_ref", _("looks like a national register number (11 digits)"),
                 hint=_("use a pseudonymous reference such as the police report number"))
    if not ctx.case_ref.fullmatch(value):
        # Translators: %(pattern)s is a regular expression from leaflet.toml; case_ref is a
        # field's name.
        ctx.fail("case_ref", _("%(value)s does not match the case_ref pattern %(pattern)s")
                 % {"value": clip(value), "pattern": clip(ctx.case_ref_pattern, 80)})
    return value


def rule_leaflet_language_iff_given(ctx: _Context, r: dict) -> None:
    if r["leaflet"] == "given" and r["leaflet_language"] is None:
        ctx.fail("leaflet_language", _("is required when the leaflet was given"))
    if r["leaflet"] != "given" and r["leaflet_language"] is not None:
        # Translators: %(outcome)s is the record's leaflet value, a code: refused, not_given …
        ctx.fail("leaflet_language",
                 _("must be null when the leaflet was %(outcome)s") % {"outcome": r["leaflet"]})


def rule_edition_only_when_given(ctx: _Context, r: dict) -> None:
    # An edition on a record where no leaflet changed hands would make the trace of who got
    # an edition (say, one with a wrong phone number) name people who got nothing.
    if r["leaflet"] != "given" and r["leaflet_edition"] is not None:
        ctx.fail("leaflet_edition",
                 _("must be null when the leaflet was %(outcome)s") % {"outcome": r["leaflet"]})


def rule_reason_iff_not_given(ctx: _Context, r: dict) -> None:
    if r["leaflet"] == "not_given" and r["not_given_reason"] is None:
        ctx.fail("not_given_reason", _("is required when the leaflet was not given"))
    if r["leaflet"] != "not_given" and r["not_given_reason"] is not None:
        ctx.fail("not_given_reason",
                 _("must be null when the leaflet was %(outcome)s") % {"outcome": r["leaflet"]})


def rule_centre_iff_action(ctx: _Context, r: dict) -> None:
    if r["centre_action"] != "none" and r["centre"] is None:
        # Translators: centre_action is a field's name; %(action)s its value, a code such as
        # intake or contact_arranged.
        ctx.fail("centre", _("is required when centre_action is %(action)s")
                 % {"action": r["centre_action"]})
    if r["centre_action"] == "none" and r["centre"] is not None:
        ctx.fail("centre", _("must be null when centre_action is none"))


def rule_amends_another_record(ctx: _Context, r: dict) -> None:
    if r["amends"] is not None and r["amends"] == r["id"]:
        ctx.fail("amends", _("a record cannot amend itself"))


FIELD_CHECKS: dict[str, Callable[[_Context, Any], Any]] = {
    "id": check_id,
    "occurred_at": check_occurred_at,
    "service": lambda ctx, v: _choice(ctx, "service", v, SERVICES),
    "unit": lambda ctx, v: check_code(ctx, "unit", v),
    "officer": lambda ctx, v: check_code(ctx, "officer", v),
    "assessment": lambda ctx, v: _choice(ctx, "assessment", v, ASSESSMENTS),
    "residence_status": lambda ctx, v: _choice(ctx, "residence_status", v, RESIDENCE_STATUSES),
    "person_languages": check_person_languages,
    "leaflet": lambda ctx, v: _choice(ctx, "leaflet", v, LEAFLET_OUTCOMES),
    "leaflet_language": check_leaflet_language,
    "leaflet_edition": check_edition,
    "not_given_reason": lambda ctx, v: _choice(ctx, "not_given_reason", v, NOT_GIVEN_REASONS,
                                               nullable=True),
    "not_given_note": check_note,
    "centre_action": lambda ctx, v: _choice(ctx, "centre_action", v, CENTRE_ACTIONS),
    "centre": lambda ctx, v: _choice(ctx, "centre", v, CENTRES, nullable=True),
    "foreigners_dept_informed": check_foreigners_dept,
    "amends": lambda ctx, v: _uuid(ctx, "amends", v, nullable=True),
    "case_ref": check_case_ref,
}
# A note (`not_given_note`) may go with any hand-over, a leaflet given too (issue 27: the
# desk's optional note): check_note keeps it one short line with no national register number,
# and `log erase` clears it after the retention period.
RULES = (rule_leaflet_language_iff_given, rule_edition_only_when_given,
         rule_reason_iff_not_given, rule_centre_iff_action,
         rule_amends_another_record)
assert tuple(FIELD_CHECKS) == FIELDS


def validate(data: Mapping[str, Any], *, case_ref_pattern: str = DEFAULT_CASE_REF_PATTERN,
             line: int | None = None, strict_fields: bool = True,
             now: dt.datetime | None = None) -> Encounter:
    """Check a record given as a JSON-like mapping and return it as an Encounter.

    With `strict_fields` (files), every field of the format must be present and no other
    field may be (the chain fields of an export excepted). Raises RecordError naming the
    first bad field, with `line` when given.
    """
    ctx = _Context(case_ref_pattern, line, now)
    if strict_fields:
        unknown = [k for k in data if k not in FIELDS and k not in CHAIN_FIELDS
                   and k not in PROOF_FIELDS]
        if unknown:
            ctx.fail(unknown[0], _("is not a field of the log format"),
                     hint=_("the log holds no personal data; see docs/log-format.md"))
        missing = [k for k in FIELDS if k not in data]
        if missing:
            ctx.fail(missing[0], _("is missing (use null when it does not apply)"))
    clean = {name: check(ctx, data.get(name)) for name, check in FIELD_CHECKS.items()}
    for rule in RULES:
        rule(ctx, clean)
    return Encounter(**clean)


def validate_field(field: str, value: Any, *,
                   case_ref_pattern: str = DEFAULT_CASE_REF_PATTERN) -> Any:
    """Check one field alone (a prompt's answer); its normalised value, or RecordError."""
    return FIELD_CHECKS[field](_Context(case_ref_pattern, None, None), value)


def questions(values: Mapping[str, Any]) -> list[str]:
    """The fields the desk must still answer, given those answered so far (None = not yet).

    Beyond what the format requires, the desk is asked whether the Foreigners Department was
    informed whenever that duty applies (DUTY-RULES.md, FOREIGNERS-DEPT): the record is the
    only place the answer can come from.
    """
    needed = [f for f in ("service", "unit", "officer", "assessment", "residence_status",
                          "person_languages", "leaflet") if not values.get(f)]
    if values.get("leaflet") == "given" and not values.get("leaflet_language"):
        needed.append("leaflet_language")
    if values.get("leaflet") == "not_given" and not values.get("not_given_reason"):
        needed.append("not_given_reason")
    if not values.get("centre_action"):
        needed.append("centre_action")
    elif values["centre_action"] != "none" and not values.get("centre"):
        needed.append("centre")
    if (values.get("assessment") == "victim"
            and values.get("residence_status") in ("illegal", "provisional")
            and values.get("foreigners_dept_informed") is None):
        needed.append("foreigners_dept_informed")
    return needed


# --- the same checks for a command-line option (report, stock) -----------------------------
# The value is refused for an invisible character or its length first (never echoed whole),
# then by the record's own check of the field; UsageError naming the option.
CODE_MAX = 40  # unit codes (CODE_PATTERN)
EDITION_MAX = 64  # edition ids (EDITION_PATTERN, leaflet.toml [edition] id)
MOMENT_MAX = 40  # an ISO 8601 date and time with its offset


def _option_field(field: str, option: str, value):
    """The log's own check of `field`; UsageError naming `option` (the value is short here)."""
    try:
        return validate_field(field, value)
    except RecordError as error:
        raise UsageError(f"{option}: {error.message}", hint=error.hint) from None


# field -> (longest value, what it is called, the message when it is longer). The names go
# into textsafety.visible's hint ("type the unit code again …").
_OPTIONS = {
    # Translators: %(option)s is a command-line option, like --unit; %(value)s the value
    # given, quoted; "unit code" also goes into "type the unit code again …".
    "unit": (CODE_MAX, N_("unit code"),
             N_("%(option)s %(value)s is %(length)s characters long; a unit code "
                "has at most %(limit)s")),
    "leaflet_edition": (EDITION_MAX, N_("edition id"),
                        N_("%(option)s %(value)s is %(length)s characters "
                           "long; an edition id has at most %(limit)s")),
    # Translators: the short free-text note of a record (why no leaflet was given, or a
    # delivery note's number); goes into "type the note again …".
    "not_given_note": (NOTE_MAX, N_("note"),
                       N_("%(option)s is %(length)s characters long; at most %(limit)s")),
    "occurred_at": (MOMENT_MAX, N_("date and time"),
                    N_("%(option)s %(value)s is not an ISO 8601 date and time")),
}
_HINTS = {"not_given_note": N_("a short reference, like the delivery note number"),
          "occurred_at": N_("like 2026-12-01T14:30:00+01:00")}


def _option(field: str, value: str | None, option: str) -> str | None:
    """`value` of the command-line option `option`, checked as the record's `field`."""
    if value is None or (value == "" and field == "leaflet_edition"):
        return None
    limit, what, message = _OPTIONS[field]
    visible(value, option, what=what)  # marked N_ above; textsafety.visible translates it
    if len(value) > limit:
        hint = _HINTS.get(field)
        raise UsageError(_(message) % {"option": option, "value": clip(value),
                                       "length": f"{len(value):,}", "limit": limit},
                         hint=_(hint) if hint else None)
    return _option_field(field, option, value)


def option_code(value: str | None, option: str) -> str | None:
    """A unit code as the log stores it (letters, digits, '.', '/', '_', '-'; at most 40)."""
    return _option("unit", value, option)


def option_edition(value: str | None, option: str = "--edition") -> str | None:
    return _option("leaflet_edition", value, option)


def option_note(value: str | None, option: str = "--note") -> str | None:
    return _option("not_given_note", value, option)


def option_moment(value: str | None, option: str = "--occurred-at") -> str | None:
    """An ISO 8601 date and time with its UTC offset, as the log checks occurred_at."""
    return _option("occurred_at", value, option)
