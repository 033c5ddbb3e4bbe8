"""The sections of leaflet.toml, one small parser each, and the Workspace they make.

Each function takes the parser (leaflet.workspace.parser: it names the file and the line of
every error) and the decoded TOML, checks its section and returns plain values; `workspace`
puts them together. A new setting is one function here and a field of the Workspace.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from leaflet.errors import ConfigError
from leaflet.i18n import _
from leaflet.textsafety import clip
from leaflet.workspace.model import (_EDITION_ID, DEFAULT_CASE_REF_PATTERN, DEFAULT_TIMEZONE,
                                     EDITION_LEAD_DAYS, REQUIRED_ORGANISATIONS, TEXT_SIZES,
                                     Organisation, Recording, Workspace)
from leaflet.workspace.parser import (_Parser, backtracking_risk, canonical_code,
                                      valid_timezone)


def edition(p: _Parser, data: dict, today: dt.date) -> tuple[str, dt.date]:
    """[edition]: its id and date (prepared ahead, but not years ahead)."""
    table = p.table(data, "edition")
    edition_id = p.string(table, "edition", "id")
    if not _EDITION_ID.match(edition_id):
        p.fail(_("[edition] id %(value)s may hold only letters, digits, '.', "
                 "'_', '-' (at most 64)") % {"value": clip(edition_id)}, "edition", "id")
    if "date" not in table:
        p.fail(_("[%(table)s] is missing the field '%(key)s'")
               % {"table": "edition", "key": "date"}, "edition")
    edition_date = p.date(table["date"], "edition", "date", allow_empty=False,
                          latest=today + dt.timedelta(days=EDITION_LEAD_DAYS),
                          late=_("[%(table)s] %(key)s = %(day)s is more than %(days)s days "
                                 "ahead of today"), late_values={"days": EDITION_LEAD_DAYS})
    return edition_id, edition_date


def build_languages(p: _Parser, data: dict) -> list[str]:
    """[build] languages: BCP 47 codes as BCP 47 writes them, each once."""
    build = p.table(data, "build")
    languages = build.get("languages")
    if (not isinstance(languages, list) or not languages
            or not all(isinstance(x, str) and x for x in languages)):
        p.fail(_("[build] languages must be a non-empty list of BCP 47 codes"), "build",
               "languages")
    seen: dict[str, str] = {}
    for code in languages:
        canonical = canonical_code(code)
        if canonical is None:
            p.fail(_("[build] languages: %(code)s is not a BCP 47 code") % {"code": clip(code)},
                   "build", "languages", hint=_("like fr, zh-Hans or pt-BR"))
        if canonical != code:
            p.fail(_("[build] languages: write %(canonical)s, not %(code)s")
                   % {"canonical": repr(canonical), "code": repr(code)}, "build",
                   "languages", hint=_("BCP 47 case: language lower, Script title, "
                                       "REGION upper"))
        if canonical.lower() in seen:
            p.fail(_("[build] languages lists %(code)s twice") % {"code": repr(code)}, "build",
                   "languages")
        seen[canonical.lower()] = code
    return languages


def language_settings(p: _Parser, data: dict) -> dict[str, dict]:
    """[languages.CODE]: font, script and text_size of a language."""
    settings = data.get("languages", {})
    if not isinstance(settings, dict) or not all(isinstance(v, dict) for v in settings.values()):
        p.fail(_("[languages.CODE] entries must be tables"), "languages")
    for code in settings:
        if canonical_code(code) != code:
            p.fail(_("[languages.%(code)s] is not a BCP 47 code as [build] languages "
                     "writes it") % {"code": clip(code)}, f"languages.{code}",
                   hint=_("like fr, zh-Hans or pt-BR"))
        for key, value in settings[code].items():
            if key not in ("font", "script", "text_size"):
                # Translators: %(table)s and %(key)s are names in leaflet.toml (not
                # translated).
                p.fail(_("[%(table)s] has the unknown setting '%(key)s'")
                       % {"table": f"languages.{code}", "key": key},
                       f"languages.{code}", key,
                       hint=_("only font, script and text_size are read"))
            if key == "text_size":
                if isinstance(value, bool) or not isinstance(value, (int, float)) \
                        or not TEXT_SIZES[0] <= value <= TEXT_SIZES[1]:
                    p.fail(_("[languages.%(code)s] text_size must be a number of points "
                             "from %(low)s to %(high)s")
                           % {"code": code, "low": f"{TEXT_SIZES[0]:g}",
                              "high": f"{TEXT_SIZES[1]:g}"},
                           f"languages.{code}", key, hint=_("like 11.5 (the default is 12)"))
                continue
            if not isinstance(value, str) or not value.strip():
                p.fail(_("[%(table)s] %(key)s must be a non-empty string")
                       % {"table": f"languages.{code}", "key": key},
                       f"languages.{code}", key)
        script = settings[code].get("script")
        if script is not None and not re.fullmatch(r"[A-Z][a-z]{3}", script):
            p.fail(_("[languages.%(code)s] script %(script)s is not an ISO 15924 code")
                   % {"code": code, "script": clip(script)},
                   f"languages.{code}", "script", hint=_("like Latn, Arab or Deva"))
    return settings


def organisations(p: _Parser, data: dict) -> dict[str, Organisation]:
    """[organisations.ID]: every organisation the leaflet names, the required ones present,
    the helpline with both its forms."""
    found = {org_id: p.organisation(org_id, spec)
             for org_id, spec in p.table(data, "organisations").items()}
    for org_id in REQUIRED_ORGANISATIONS:
        if org_id not in found:
            raise ConfigError(_("missing organisation [organisations.%(id)s]")
                              % {"id": org_id}, path=p.path)
    helpline = found["helpline"]
    for key in ("phone",):
        if key not in helpline.details:
            p.fail(_("[organisations.helpline] is missing the detail '%(key)s'")
                   % {"key": key}, "organisations.helpline")
    return found


@dataclass(frozen=True)
class Handover:
    case_ref_pattern: str
    retention_years: int | None


def handover(p: _Parser, data: dict) -> Handover:
    """[handover]: the case reference's pattern (never one that can backtrack for long) and
    the retention period."""
    table = data.get("handover", {})
    if not isinstance(table, dict):
        p.fail(_("[%(table)s] must be a table") % {"table": "handover"}, "handover")
    pattern = table.get("case_ref_pattern", DEFAULT_CASE_REF_PATTERN)
    if not isinstance(pattern, str):
        p.fail(_("[handover] case_ref_pattern must be a string"), "handover",
               "case_ref_pattern")
    try:
        re.compile(pattern)
    except (re.error, TypeError) as exc:
        # Translators: %(reason)s is Python's own (English) message about the expression.
        p.fail(_("[handover] case_ref_pattern is not a valid regular expression: %(reason)s")
               % {"reason": exc}, "handover", "case_ref_pattern")
    risk = backtracking_risk(pattern)
    if risk:
        # Translators: %(reason)s says why, like "a back-reference".
        p.fail(_("[handover] case_ref_pattern could take exponential time (%(reason)s)")
               % {"reason": risk}, "handover", "case_ref_pattern",
               hint=_("use one bounded character class, like ^[A-Za-z0-9./-]{1,40}$"))
    retention = table.get("retention_years")
    if retention is not None and (isinstance(retention, bool) or not isinstance(
            retention, int) or not 1 <= retention <= 100):
        p.fail(_("[handover] retention_years must be a whole number of years from 1 to "
                 "100, not %(value)s") % {"value": clip(retention)}, "handover",
               "retention_years",
               hint=_("e.g. retention_years = 5; leave it out to never erase"))
    return Handover(pattern, retention)


def report_timezone(p: _Parser, data: dict) -> str:
    """[report] timezone: an IANA name."""
    table = data.get("report", {})
    if not isinstance(table, dict):
        p.fail(_("[%(table)s] must be a table") % {"table": "report"}, "report")
    timezone = table.get("timezone", DEFAULT_TIMEZONE)
    if not isinstance(timezone, str) or not valid_timezone(timezone):
        p.fail(_("[report] timezone %(value)s is not an IANA time zone")
               % {"value": clip(timezone)}, "report", "timezone",
               hint=_('like "Europe/Brussels"'))
    return timezone


def report_target(p: _Parser, data: dict) -> float:
    """[report] target: a share from 0 to 1 (0.9) or a percentage written as text ("90%")."""
    from leaflet.workspace.model import DEFAULT_REPORT_TARGET

    value = data.get("report", {}).get("target", DEFAULT_REPORT_TARGET)
    share = None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        share = float(value)
    elif isinstance(value, str):
        found = re.fullmatch(r"\s*(\d{1,3}(?:\.\d+)?)\s*%\s*", value)
        if found and float(found.group(1)) <= 100:
            share = float(found.group(1)) / 100
    if share is None:
        p.fail(_("[report] target must be a share from 0 to 1 or a percentage, not %(value)s")
               % {"value": clip(value)}, "report", "target",
               hint=_('like target = 0.9 or target = "90%"'))
    return share


def site(p: _Parser, data: dict) -> dict:
    """[site]: base_url and quick_exit_url, https:// addresses."""
    table = data.get("site", {})
    if not isinstance(table, dict):
        p.fail(_("[%(table)s] must be a table") % {"table": "site"}, "site")
    for key in table:
        if key not in ("base_url", "quick_exit_url"):
            p.fail(_("[%(table)s] has the unknown setting '%(key)s'")
                   % {"table": "site", "key": key}, "site", key,
                   hint=_("only base_url and quick_exit_url are read"))
    for key in ("base_url", "quick_exit_url"):
        value = table.get(key)
        if value is not None and (not isinstance(value, str)
                                  or not re.fullmatch(r"https://[^\s\"'<>]+", value)):
            # Translators: %(key)s is base_url or quick_exit_url (names in leaflet.toml).
            p.fail(_("[site] %(key)s must be an https:// address") % {"key": key}, "site", key,
                   hint=_('like "https://leaflet.example.be/2027-01/"'))
    return table


def station(p: _Parser, data: dict) -> str | None:
    """[station] language: the desk's language when neither the account nor the browser
    chooses one (leaflet.station.language)."""
    from leaflet import i18n

    table = data.get("station", {})
    if not isinstance(table, dict):
        p.fail(_("[%(table)s] must be a table") % {"table": "station"}, "station")
    for key in table:
        if key not in ("language", "kiosk_idle_seconds"):
            p.fail(_("[%(table)s] has the unknown setting '%(key)s'")
                   % {"table": "station", "key": key}, "station", key,
                   hint=_("only language and kiosk_idle_seconds are read"))
    language = table.get("language")
    if language is not None and language not in i18n.LANGUAGES:
        p.fail(_("[station] language %(value)s is not a language of the desk")
               % {"value": clip(language)}, "station", "language",
               hint=_("one of %(codes)s") % {"codes": ", ".join(i18n.LANGUAGES)})
    return language


def kiosk_idle_seconds(p: _Parser, data: dict) -> int:
    """[station] kiosk_idle_seconds: after this long untouched, the kiosk goes back to its
    language list with nothing of the last person's language or code on screen."""
    from leaflet.workspace.model import DEFAULT_KIOSK_IDLE, KIOSK_IDLE_RANGE

    table = data.get("station", {})
    value = table.get("kiosk_idle_seconds", DEFAULT_KIOSK_IDLE)
    low, high = KIOSK_IDLE_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        # Translators: %(low)s and %(high)s are numbers of seconds, like 15 and 3600.
        p.fail(_("[station] kiosk_idle_seconds must be a whole number of seconds from "
                 "%(low)s to %(high)s") % {"low": low, "high": high}, "station",
               "kiosk_idle_seconds", hint=_("like 120 (two minutes)"))
    return value


PRINT_WEIGHTS = (60, 400)  # g/m²: from thin offset paper to light card


def print_spec(p: _Parser, data: dict):
    """[print]: paper, weight (g/m²) and finishing of a print order, and [print.delivery]:
    the delivery address per unit code, with `default` for any other unit (all optional)."""
    from leaflet.workspace.model import PrintSpec

    table = data.get("print", {})
    if not isinstance(table, dict):
        p.fail(_("[%(table)s] must be a table") % {"table": "print"}, "print")
    for key in table:
        if key not in ("paper", "weight", "finishing", "delivery"):
            p.fail(_("[%(table)s] has the unknown setting '%(key)s'")
                   % {"table": "print", "key": key}, "print", key,
                   hint=_("only paper, weight, finishing and [print.delivery] are read"))
    paper = p.string(table, "print", "paper", required=False)
    finishing = p.string(table, "print", "finishing", required=False)
    weight = table.get("weight")
    low, high = PRINT_WEIGHTS
    if weight is not None and (isinstance(weight, bool) or not isinstance(weight, int)
                               or not low <= weight <= high):
        # Translators: %(low)s and %(high)s are paper weights in g/m², like 60 and 400.
        p.fail(_("[print] weight must be a whole number of g/m² from %(low)s to %(high)s")
               % {"low": low, "high": high}, "print", "weight", hint=_("like weight = 120"))
    delivery = table.get("delivery", {})
    if not isinstance(delivery, dict):
        p.fail(_("[%(table)s] must be a table") % {"table": "print.delivery"}, "print",
               "delivery", hint=_('like [print.delivery] default = "Street 1, 1000 Brussels"'))
    for unit, address in delivery.items():
        if unit != "default" and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9./_-]{0,39}", unit):
            # Translators: %(key)s is a key of leaflet.toml's [print.delivery].
            p.fail(_("[print.delivery] %(key)s is neither default nor a unit code (letters, "
                     "digits, '.', '/', '_', '-', at most 40)") % {"key": clip(unit)},
                   "print.delivery", unit, hint=_('quote a unit code: "PZ-5339" = "…"'))
        p.string(delivery, "print.delivery", unit)
    return PrintSpec(paper=paper, weight=weight, finishing=finishing, delivery=dict(delivery))


def recordings(p: _Parser, data: dict, languages: list[str],
               today: dt.date) -> dict[str, Recording]:
    """[audio.CODE]: a person's recording of a configured language, placed in audio/."""
    found = {}
    audio = data.get("audio", {})
    if not isinstance(audio, dict) or not all(isinstance(v, dict) for v in audio.values()):
        p.fail(_("[audio.CODE] entries must be tables"), "audio")
    for code, spec in audio.items():
        table = f"audio.{code}"
        if code not in languages:
            p.fail(_("[%(table)s] is not a language of [build] languages") % {"table": table},
                   table)
        for key in spec:
            if key not in ("file", "speaker", "recorded_on"):
                p.fail(_("[%(table)s] has the unknown setting '%(key)s'")
                       % {"table": table, "key": key}, table, key,
                       hint=_("only file, speaker and recorded_on are read"))
        file = p.string(spec, table, "file")
        if not re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*\.(opus|ogg|mp3)", file):
            p.fail(_("[%(table)s] file must be a file name in audio/ ending in .opus, "
                     ".ogg or .mp3") % {"table": table}, table, "file",
                   # Translators: %(file)s is an example file name, like ti.opus.
                   hint=_('like "%(file)s"') % {"file": f"{code}.opus"})
        speaker = p.string(spec, table, "speaker")
        if "recorded_on" not in spec:
            p.fail(_("[%(table)s] is missing the field '%(key)s'")
                   % {"table": table, "key": "recorded_on"}, table)
        recorded_on = p.date(spec["recorded_on"], table, "recorded_on",
                             allow_empty=False, latest=today,
                             late=_("[%(table)s] %(key)s = %(day)s is in the future"))
        found[code] = Recording(file, speaker, recorded_on)
    return found


def workspace(p: _Parser, data: dict) -> Workspace:
    """The Workspace of a decoded leaflet.toml, every section checked in file order."""
    today = dt.date.today()
    edition_id, edition_date = edition(p, data, today)
    languages = build_languages(p, data)
    settings = language_settings(p, data)
    orgs = organisations(p, data)
    hand = handover(p, data)
    timezone = report_timezone(p, data)
    site_table = site(p, data)
    from leaflet.workspace.model import DEFAULT_QUICK_EXIT

    return Workspace(
        root=p.path.parent, path=p.path, edition_id=edition_id,
        edition_date=edition_date, languages=tuple(languages), language_settings=settings,
        organisations=orgs, website=p.website(p.table(data, "contact_website")),
        timezone=timezone, case_ref_pattern=hand.case_ref_pattern, text=p.text,
        retention_years=hand.retention_years,
        site_base_url=site_table.get("base_url"),
        site_quick_exit=site_table.get("quick_exit_url") or DEFAULT_QUICK_EXIT,
        station_language=station(p, data), kiosk_idle_seconds=kiosk_idle_seconds(p, data),
        recordings=recordings(p, data, languages, today),
        report_target=report_target(p, data),
        print_spec=print_spec(p, data),
    )
