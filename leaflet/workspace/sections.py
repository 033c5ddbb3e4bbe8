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
        p.fail(f"[edition] id {clip(edition_id)} may hold only letters, digits, '.', "
               "'_', '-' (at most 64)", "edition", "id")
    if "date" not in table:
        p.fail("[edition] is missing the field 'date'", "edition")
    edition_date = p.date(table["date"], "edition", "date", allow_empty=False,
                          latest=today + dt.timedelta(days=EDITION_LEAD_DAYS),
                          what=f"more than {EDITION_LEAD_DAYS} days ahead of today")
    return edition_id, edition_date


def build_languages(p: _Parser, data: dict) -> list[str]:
    """[build] languages: BCP 47 codes as BCP 47 writes them, each once."""
    build = p.table(data, "build")
    languages = build.get("languages")
    if (not isinstance(languages, list) or not languages
            or not all(isinstance(x, str) and x for x in languages)):
        p.fail("[build] languages must be a non-empty list of BCP 47 codes", "build",
               "languages")
    seen: dict[str, str] = {}
    for code in languages:
        canonical = canonical_code(code)
        if canonical is None:
            p.fail(f"[build] languages: {clip(code)} is not a BCP 47 code", "build",
                   "languages", hint="like fr, zh-Hans or pt-BR")
        if canonical != code:
            p.fail(f"[build] languages: write {canonical!r}, not {code!r}", "build",
                   "languages", hint="BCP 47 case: language lower, Script title, "
                                     "REGION upper")
        if canonical.lower() in seen:
            p.fail(f"[build] languages lists {code!r} twice", "build", "languages")
        seen[canonical.lower()] = code
    return languages


def language_settings(p: _Parser, data: dict) -> dict[str, dict]:
    """[languages.CODE]: font, script and text_size of a language."""
    settings = data.get("languages", {})
    if not isinstance(settings, dict) or not all(isinstance(v, dict) for v in settings.values()):
        p.fail("[languages.CODE] entries must be tables", "languages")
    for code in settings:
        if canonical_code(code) != code:
            p.fail(f"[languages.{clip(code)}] is not a BCP 47 code as [build] languages "
                   "writes it", f"languages.{code}", hint="like fr, zh-Hans or pt-BR")
        for key, value in settings[code].items():
            if key not in ("font", "script", "text_size"):
                p.fail(f"[languages.{code}] has the unknown setting '{key}'",
                       f"languages.{code}", key, hint="only font, script and text_size are read")
            if key == "text_size":
                if isinstance(value, bool) or not isinstance(value, (int, float)) \
                        or not TEXT_SIZES[0] <= value <= TEXT_SIZES[1]:
                    p.fail(f"[languages.{code}] text_size must be a number of points "
                           f"from {TEXT_SIZES[0]:g} to {TEXT_SIZES[1]:g}",
                           f"languages.{code}", key, hint="like 11.5 (the default is 12)")
                continue
            if not isinstance(value, str) or not value.strip():
                p.fail(f"[languages.{code}] {key} must be a non-empty string",
                       f"languages.{code}", key)
        script = settings[code].get("script")
        if script is not None and not re.fullmatch(r"[A-Z][a-z]{3}", script):
            p.fail(f"[languages.{code}] script {clip(script)} is not an ISO 15924 code",
                   f"languages.{code}", "script", hint="like Latn, Arab or Deva")
    return settings


def organisations(p: _Parser, data: dict) -> dict[str, Organisation]:
    """[organisations.ID]: every organisation the leaflet names, the required ones present,
    the helpline with both its forms."""
    found = {org_id: p.organisation(org_id, spec)
             for org_id, spec in p.table(data, "organisations").items()}
    for org_id in REQUIRED_ORGANISATIONS:
        if org_id not in found:
            raise ConfigError(f"missing organisation [organisations.{org_id}]", path=p.path)
    helpline = found["helpline"]
    for key in ("phone", "phone_international"):
        if key not in helpline.details:
            p.fail(f"[organisations.helpline] is missing the detail '{key}'",
                   "organisations.helpline")
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
        p.fail("[handover] must be a table", "handover")
    pattern = table.get("case_ref_pattern", DEFAULT_CASE_REF_PATTERN)
    if not isinstance(pattern, str):
        p.fail("[handover] case_ref_pattern must be a string", "handover", "case_ref_pattern")
    try:
        re.compile(pattern)
    except (re.error, TypeError) as exc:
        p.fail(f"[handover] case_ref_pattern is not a valid regular expression: {exc}",
               "handover", "case_ref_pattern")
    risk = backtracking_risk(pattern)
    if risk:
        p.fail(f"[handover] case_ref_pattern could take exponential time ({risk})",
               "handover", "case_ref_pattern",
               hint="use one bounded character class, like ^[A-Za-z0-9./-]{1,40}$")
    retention = table.get("retention_years")
    if retention is not None and (isinstance(retention, bool) or not isinstance(
            retention, int) or not 1 <= retention <= 100):
        p.fail(f"[handover] retention_years must be a whole number of years from 1 to "
               f"100, not {clip(retention)}", "handover", "retention_years",
               hint="e.g. retention_years = 5; leave it out to never erase")
    return Handover(pattern, retention)


def report_timezone(p: _Parser, data: dict) -> str:
    """[report] timezone: an IANA name."""
    table = data.get("report", {})
    if not isinstance(table, dict):
        p.fail("[report] must be a table", "report")
    timezone = table.get("timezone", DEFAULT_TIMEZONE)
    if not isinstance(timezone, str) or not valid_timezone(timezone):
        p.fail(f"[report] timezone {clip(timezone)} is not an IANA time zone", "report",
               "timezone", hint='like "Europe/Brussels"')
    return timezone


def site(p: _Parser, data: dict) -> dict:
    """[site]: base_url and quick_exit_url, https:// addresses."""
    table = data.get("site", {})
    if not isinstance(table, dict):
        p.fail("[site] must be a table", "site")
    for key in table:
        if key not in ("base_url", "quick_exit_url"):
            p.fail(f"[site] has the unknown setting '{key}'", "site", key,
                   hint="only base_url and quick_exit_url are read")
    for key in ("base_url", "quick_exit_url"):
        value = table.get(key)
        if value is not None and (not isinstance(value, str)
                                  or not re.fullmatch(r"https://[^\s\"'<>]+", value)):
            p.fail(f"[site] {key} must be an https:// address", "site", key,
                   hint='like "https://leaflet.example.be/2027-01/"')
    return table


def recordings(p: _Parser, data: dict, languages: list[str],
               today: dt.date) -> dict[str, Recording]:
    """[audio.CODE]: a person's recording of a configured language, placed in audio/."""
    found = {}
    audio = data.get("audio", {})
    if not isinstance(audio, dict) or not all(isinstance(v, dict) for v in audio.values()):
        p.fail("[audio.CODE] entries must be tables", "audio")
    for code, spec in audio.items():
        table = f"audio.{code}"
        if code not in languages:
            p.fail(f"[{table}] is not a language of [build] languages", table)
        for key in spec:
            if key not in ("file", "speaker", "recorded_on"):
                p.fail(f"[{table}] has the unknown setting '{key}'", table, key,
                       hint="only file, speaker and recorded_on are read")
        file = p.string(spec, table, "file")
        if not re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*\.(opus|ogg|mp3)", file):
            p.fail(f"[{table}] file must be a file name in audio/ ending in .opus, "
                   ".ogg or .mp3", table, "file", hint=f'like "{code}.opus"')
        speaker = p.string(spec, table, "speaker")
        if "recorded_on" not in spec:
            p.fail(f"[{table}] is missing the field 'recorded_on'", table)
        recorded_on = p.date(spec["recorded_on"], table, "recorded_on",
                             allow_empty=False, latest=today, what="in the future")
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
    return Workspace(
        root=p.path.parent, path=p.path, edition_id=edition_id,
        edition_date=edition_date, languages=tuple(languages), language_settings=settings,
        organisations=orgs, website=p.website(p.table(data, "contact_website")),
        timezone=timezone, case_ref_pattern=hand.case_ref_pattern, text=p.text,
        retention_years=hand.retention_years,
        site_base_url=site_table.get("base_url"), site_quick_exit=site_table.get("quick_exit_url"),
        recordings=recordings(p, data, languages, today),
    )
