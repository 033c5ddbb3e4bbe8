"""The workspace: leaflet.toml and the folders beside it.

This module owns reading and validating leaflet.toml into plain, frozen data: the edition,
the languages to build, per-language settings, the organisations the leaflet names and their
contact details (each with a source and a verified-on date), and the hand-over settings.
It imports only the standard library, because every command (the hand-over path included)
loads the workspace.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from leaflet.errors import ConfigError
from leaflet.textsafety import clip, describe, first_invisible, plain_text_problem

WORKSPACE_FILE = "leaflet.toml"
DEFAULT_CASE_REF_PATTERN = r"^[A-Za-z0-9./-]{1,40}$"
DEFAULT_TIMEZONE = "Europe/Brussels"
_EDITION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# The organisations the leaflet and the hand-over log name; leaflet.toml must define each.
REQUIRED_ORGANISATIONS = ("helpline", "pag-asa", "payoke", "surya", "foreigners-dept")
# The phone numbers every leaflet and wallet card prints: a build or check needs each of
# them in leaflet.toml (leaflet/contacts.py reports a missing one); the desk does not.
PRINTED_PHONES = {"helpline": ("phone", "phone_international"), "emergency": ("phone",),
                   "police": ("phone",), "guardianship": ("phone",), "pag-asa": ("phone",),
                   "payoke": ("phone",), "surya": ("phone",)}
KINDS = ("helpline", "centre", "authority", "emergency")
# A language's leaflet text size in pt ([languages.X] text_size): every size of the leaflet
# scales with it; below 10 pt its smallest body text would fall under 9 pt.
DEFAULT_TEXT_SIZE = 12
TEXT_SIZES = (10, 14)
CENTRES = ("pag-asa", "payoke", "surya")
# The circular this tool serves is of 13 January 1997: no edition or check is older.
EARLIEST_DATE = dt.date(1997, 1, 13)
# An edition is prepared ahead of its date, but not years ahead (a typo such as 3026).
EDITION_LEAD_DAYS = 366
MAX_VALUE_CHARS = 500  # no value of leaflet.toml is longer: a longer one is a paste error
# A BCP 47 tag as leaflet.toml writes it: language, optional Script, optional REGION.
_BCP47 = re.compile(r"^([a-zA-Z]{2,3})(?:-([a-zA-Z]{4}))?(?:-([a-zA-Z]{2}|[0-9]{3}))?$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True)
class Detail:
    """One contact detail (a phone number, an address, a URL) and where it comes from."""

    value: str
    source: str
    verified_on: dt.date | None  # None: not verified; usable in a draft, warned about

    @property
    def verified(self) -> bool:
        return self.verified_on is not None


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: str  # helpline | centre | authority | emergency
    city: str | None
    details: dict[str, Detail]

    def value(self, key: str) -> str | None:
        detail = self.details.get(key)
        return detail.value if detail else None


@dataclass(frozen=True)
class Website:
    """The contact website: one address per language, with a documented fallback."""

    default: str
    by_language: dict[str, str]
    source: str
    verified_on: dt.date | None

    def for_language(self, code: str) -> str:
        """The website for a BCP 47 code: the exact code, then its base language, then default."""
        if code in self.by_language:
            return self.by_language[code]
        base = code.split("-")[0]
        return self.by_language.get(base, self.default)


@dataclass(frozen=True)
class Recording:
    """A person's reading of one language's leaflet, placed in audio/ (leaflet.toml)."""

    file: str
    speaker: str
    recorded_on: dt.date


@dataclass(frozen=True)
class Workspace:
    root: Path
    path: Path  # leaflet.toml
    edition_id: str
    edition_date: dt.date
    languages: tuple[str, ...]
    language_settings: dict[str, dict]
    organisations: dict[str, Organisation]
    website: Website
    timezone: str = DEFAULT_TIMEZONE
    case_ref_pattern: str = DEFAULT_CASE_REF_PATTERN
    # [handover] retention_years: how long case_ref and not_given_note are kept before
    # `leaflet log erase` may remove them (docs/privacy.md); None: never erased.
    retention_years: int | None = None
    text: str = field(default="", repr=False)
    # [site]: base_url (the edition's static site, when published: the printed leaflet
    # then carries a QR code to its language's page) and quick_exit_url.
    site_base_url: str | None = None
    site_quick_exit: str | None = None
    # [audio.CODE]: a human recording placed in audio/, which wins over synthesis.
    recordings: dict[str, "Recording"] = field(default_factory=dict)

    @property
    def audio_dir(self) -> Path:
        """Human recordings of the leaflet (audio/<lang>.opus|ogg|mp3), per leaflet.toml."""
        return self.root / "audio"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def translations_dir(self) -> Path:
        return self.root / "translations"

    @property
    def output_dir(self) -> Path:
        return self.root / "output" / self.edition_id

    @property
    def font_cache_dir(self) -> Path:
        """Font subsets made by the build (see edition/subset.py); content-addressed."""
        return self.root / "output" / ".fonts"

    def display_path(self, path: Path) -> str:
        """`path` as users see it in messages: relative to the workspace when inside it."""
        path = Path(path)
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)

    def line_of(self, table: str, key: str | None = None) -> int | None:
        """The line of `[table]` (or of `key` in it) in leaflet.toml, for messages."""
        return _Parser(self.path, self.text).line_of(table, key)

    def contact_details(self) -> list[tuple[str, dt.date | None, str, str]]:
        """Every contact detail: (name like `payoke.address`, verified_on, table, key)."""
        details = [(f"{org.id}.{key}", d.verified_on, f"organisations.{org.id}", key)
                   for org in self.organisations.values() for key, d in org.details.items()]
        details.append(("contact_website", self.website.verified_on, "contact_website",
                        "verified_on"))
        return details

    def built_languages(self, edition: str | None = None) -> dict[str, str]:
        """{code: PDF path} of the configured languages whose leaflet of `edition` (this
        workspace's by default) is built (leaflet.workspace.built)."""
        from leaflet.workspace.built import built_languages

        return built_languages(self, edition)

    def unverified_details(self) -> list[str]:
        """Names like `payoke.address` of every detail that has no verified-on date."""
        return [name for name, verified_on, _, _ in self.contact_details()
                if verified_on is None]


def find_workspace(start: str | os.PathLike | None = None) -> Path:
    """The folder holding leaflet.toml: `start` itself, or the nearest parent of it."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / WORKSPACE_FILE).is_file():
            return folder
    raise ConfigError(f"no {WORKSPACE_FILE} in {here} or any parent folder",
                      hint="run leaflet inside a workspace or pass --workspace DIR")


def load_workspace(root: str | os.PathLike | None = None) -> Workspace:
    """Read and validate `<root>/leaflet.toml` (root found from the cwd when None)."""
    folder = Path(root).resolve() if root else find_workspace()
    path = folder / WORKSPACE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{WORKSPACE_FILE} not found", path=path,
                          hint="pass --workspace DIR pointing at a leaflet workspace") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise ConfigError("not valid UTF-8", path=path, line=line,
                          hint="save the file as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path=path) from None
    problem = plain_text_problem(text)
    if problem:
        raise ConfigError(problem[0], path=path, line=problem[1], hint=problem[2])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", path=path,
                          line=int(match.group(1)) if match else None) from None
    parser = _Parser(path, text)
    parser.check_text(data)
    return parser.workspace(data)


class _Parser:
    """Turns the decoded TOML into a Workspace, naming file and line on every error."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.text = text
        self.lines = text.splitlines()

    def line_of(self, table: str, key: str | None = None) -> int | None:
        """Best-effort line of `[table]` (and of `key =` inside it) for error messages."""
        header = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]\s*(#.*)?$")
        start = next((i for i, line in enumerate(self.lines) if header.match(line)), None)
        if start is None:
            return None
        if key is None:
            return start + 1
        pattern = re.compile(r"^\s*\"?" + re.escape(key) + r"\"?\s*=")
        for i in range(start + 1, len(self.lines)):
            if self.lines[i].lstrip().startswith("["):
                break
            if pattern.match(self.lines[i]):
                return i + 1
        return start + 1

    def fail(self, message: str, table: str, key: str | None = None, hint: str | None = None):
        raise ConfigError(message, path=self.path, line=self.line_of(table, key), hint=hint)

    def check_text(self, data: dict, table: str = "") -> None:
        """Every key and string value: no invisible or direction character, no word that
        mixes scripts, no runaway length. leaflet.toml holds Belgian contact data and
        settings in Latin script; a U+202E or a Cyrillic "а" in it is a forgery or a paste
        accident, never intended (docs/translating.md lists the characters)."""
        for key, value in data.items():
            where = f"{table}.{key}" if table else key
            table_name, _, leaf = where.rpartition(".")
            for text, what in ((key, "key"), (value, "value")):
                if not isinstance(text, str):
                    continue
                self._check_string(text, what, where, table_name or leaf,
                                   leaf if table_name else None)
            if isinstance(value, dict):
                self.check_text(value, where)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        self._check_string(item, "value", where, table_name or leaf,
                                           leaf if table_name else None)

    def _check_string(self, text: str, what: str, where: str, table: str, key: str | None):
        from leaflet.textsafety import mixed_script_words

        def fail(message, hint=None):
            line = next((i for i, row in enumerate(self.lines, 1) if text in row), None) \
                if text else None
            raise ConfigError(message, path=self.path,
                              line=line or self.line_of(table, key) or self.line_of(
                                  where.split(".")[0]), hint=hint)

        bad = first_invisible(text)
        if bad is not None:
            fail(f"the {what} of {where} holds the invisible character {describe(bad)}",
                 hint="retype the value; leaflet.toml needs no format, direction or control "
                      "characters")
        if len(text) > MAX_VALUE_CHARS:
            fail(f"the {what} of {where} is {len(text)} characters long (at most "
                 f"{MAX_VALUE_CHARS})")
        if what == "value" and not text.isascii():
            mixed = mixed_script_words(text)
            if mixed:
                word, scripts = mixed[0]
                fail(f"the value of {where} mixes scripts in the word {clip(word)} "
                     f"({' + '.join(scripts)})",
                     hint="retype the word in one script (a look-alike letter?)")

    def table(self, data: dict, name: str, parent: str | None = None) -> dict:
        full = f"{parent}.{name}" if parent else name
        value = data.get(name)
        if value is None:
            raise ConfigError(f"missing table [{full}]", path=self.path,
                              hint="see the leaflet.toml shipped with the project")
        if not isinstance(value, dict):
            self.fail(f"[{full}] must be a table", parent or name, name)
        return value

    def string(self, data: dict, table: str, key: str, *, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(f"[{table}] is missing the field '{key}'", table)
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"[{table}] {key} must be a non-empty string", table, key)
        if value != value.strip():
            self.fail(f"[{table}] {key} {clip(value)} starts or ends with a space", table, key)
        return value

    def date(self, value, table: str, key: str, *, allow_empty: bool,
             latest: dt.date | None = None, what: str = "") -> dt.date | None:
        if isinstance(value, dt.datetime):
            self.fail(f"[{table}] {key} must be a date (YYYY-MM-DD), not a date-time", table, key)
        day = None
        if isinstance(value, dt.date):
            day = value
        elif isinstance(value, str):
            if value == "" and allow_empty:
                return None
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                pass
        if day is None:
            expected = "YYYY-MM-DD" + (" or \"\" when not verified" if allow_empty else "")
            self.fail(f"[{table}] {key} = {clip(value)} is not a valid date ({expected})",
                      table, key)
        if day < EARLIEST_DATE:
            self.fail(f"[{table}] {key} = {day} is before the instructions of 13 January 1997",
                      table, key, hint="check the year")
        if latest is not None and day > latest:
            self.fail(f"[{table}] {key} = {day} is {what}", table, key, hint="check the year")
        return day

    def workspace(self, data: dict) -> Workspace:
        edition = self.table(data, "edition")
        edition_id = self.string(edition, "edition", "id")
        if not _EDITION_ID.match(edition_id):
            self.fail(f"[edition] id {clip(edition_id)} may hold only letters, digits, '.', "
                      "'_', '-' (at most 64)", "edition", "id")
        if "date" not in edition:
            self.fail("[edition] is missing the field 'date'", "edition")
        today = dt.date.today()
        edition_date = self.date(edition["date"], "edition", "date", allow_empty=False,
                                 latest=today + dt.timedelta(days=EDITION_LEAD_DAYS),
                                 what=f"more than {EDITION_LEAD_DAYS} days ahead of today")

        build = self.table(data, "build")
        languages = build.get("languages")
        if (not isinstance(languages, list) or not languages
                or not all(isinstance(x, str) and x for x in languages)):
            self.fail("[build] languages must be a non-empty list of BCP 47 codes", "build",
                      "languages")
        seen: dict[str, str] = {}
        for code in languages:
            canonical = canonical_code(code)
            if canonical is None:
                self.fail(f"[build] languages: {clip(code)} is not a BCP 47 code", "build",
                          "languages", hint="like fr, zh-Hans or pt-BR")
            if canonical != code:
                self.fail(f"[build] languages: write {canonical!r}, not {code!r}", "build",
                          "languages", hint="BCP 47 case: language lower, Script title, "
                                            "REGION upper")
            if canonical.lower() in seen:
                self.fail(f"[build] languages lists {code!r} twice", "build", "languages")
            seen[canonical.lower()] = code

        settings = data.get("languages", {})
        if not isinstance(settings, dict) or not all(isinstance(v, dict) for v in settings.values()):
            self.fail("[languages.CODE] entries must be tables", "languages")

        organisations = {
            org_id: self.organisation(org_id, spec)
            for org_id, spec in self.table(data, "organisations").items()
        }
        for org_id in REQUIRED_ORGANISATIONS:
            if org_id not in organisations:
                raise ConfigError(f"missing organisation [organisations.{org_id}]", path=self.path)
        helpline = organisations["helpline"]
        for key in ("phone", "phone_international"):
            if key not in helpline.details:
                self.fail(f"[organisations.helpline] is missing the detail '{key}'",
                          "organisations.helpline")

        for code in settings:
            if canonical_code(code) != code:
                self.fail(f"[languages.{clip(code)}] is not a BCP 47 code as [build] languages "
                          "writes it", f"languages.{code}", hint="like fr, zh-Hans or pt-BR")
            for key, value in settings[code].items():
                if key not in ("font", "script", "text_size"):
                    self.fail(f"[languages.{code}] has the unknown setting '{key}'",
                              f"languages.{code}", key,
                              hint="only font, script and text_size are read")
                if key == "text_size":
                    if isinstance(value, bool) or not isinstance(value, (int, float)) \
                            or not TEXT_SIZES[0] <= value <= TEXT_SIZES[1]:
                        self.fail(f"[languages.{code}] text_size must be a number of points "
                                  f"from {TEXT_SIZES[0]:g} to {TEXT_SIZES[1]:g}",
                                  f"languages.{code}", key,
                                  hint="like 11.5 (the default is 12)")
                    continue
                if not isinstance(value, str) or not value.strip():
                    self.fail(f"[languages.{code}] {key} must be a non-empty string",
                              f"languages.{code}", key)
            script = settings[code].get("script")
            if script is not None and not re.fullmatch(r"[A-Z][a-z]{3}", script):
                self.fail(f"[languages.{code}] script {clip(script)} is not an ISO 15924 code",
                          f"languages.{code}", "script", hint="like Latn, Arab or Deva")

        handover = data.get("handover", {})
        if not isinstance(handover, dict):
            self.fail("[handover] must be a table", "handover")
        pattern = handover.get("case_ref_pattern", DEFAULT_CASE_REF_PATTERN)
        if not isinstance(pattern, str):
            self.fail("[handover] case_ref_pattern must be a string", "handover",
                      "case_ref_pattern")
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            self.fail(f"[handover] case_ref_pattern is not a valid regular expression: {exc}",
                      "handover", "case_ref_pattern")
        risk = backtracking_risk(pattern)
        if risk:
            self.fail(f"[handover] case_ref_pattern could take exponential time ({risk})",
                      "handover", "case_ref_pattern",
                      hint="use one bounded character class, like ^[A-Za-z0-9./-]{1,40}$")
        retention = handover.get("retention_years")
        if retention is not None and (isinstance(retention, bool) or not isinstance(
                retention, int) or not 1 <= retention <= 100):
            self.fail(f"[handover] retention_years must be a whole number of years from 1 to "
                      f"100, not {clip(retention)}", "handover", "retention_years",
                      hint="e.g. retention_years = 5; leave it out to never erase")
        report = data.get("report", {})
        if not isinstance(report, dict):
            self.fail("[report] must be a table", "report")
        timezone = report.get("timezone", DEFAULT_TIMEZONE)
        if not isinstance(timezone, str) or not valid_timezone(timezone):
            self.fail(f"[report] timezone {clip(timezone)} is not an IANA time zone", "report",
                      "timezone", hint='like "Europe/Brussels"')

        site = data.get("site", {})
        if not isinstance(site, dict):
            self.fail("[site] must be a table", "site")
        for key in site:
            if key not in ("base_url", "quick_exit_url"):
                self.fail(f"[site] has the unknown setting '{key}'", "site", key,
                          hint="only base_url and quick_exit_url are read")
        for key in ("base_url", "quick_exit_url"):
            value = site.get(key)
            if value is not None and (not isinstance(value, str)
                                      or not re.fullmatch(r"https://[^\s\"'<>]+", value)):
                self.fail(f"[site] {key} must be an https:// address", "site", key,
                          hint='like "https://leaflet.example.be/2027-01/"')
        recordings = {}
        audio = data.get("audio", {})
        if not isinstance(audio, dict) or not all(isinstance(v, dict) for v in audio.values()):
            self.fail("[audio.CODE] entries must be tables", "audio")
        for code, spec in audio.items():
            table = f"audio.{code}"
            if code not in languages:
                self.fail(f"[{table}] is not a language of [build] languages", table)
            for key in spec:
                if key not in ("file", "speaker", "recorded_on"):
                    self.fail(f"[{table}] has the unknown setting '{key}'", table, key,
                              hint="only file, speaker and recorded_on are read")
            file = self.string(spec, table, "file")
            if not re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*\.(opus|ogg|mp3)", file):
                self.fail(f"[{table}] file must be a file name in audio/ ending in .opus, "
                          ".ogg or .mp3", table, "file", hint=f'like "{code}.opus"')
            speaker = self.string(spec, table, "speaker")
            if "recorded_on" not in spec:
                self.fail(f"[{table}] is missing the field 'recorded_on'", table)
            recorded_on = self.date(spec["recorded_on"], table, "recorded_on",
                                    allow_empty=False, latest=today, what="in the future")
            recordings[code] = Recording(file, speaker, recorded_on)

        return Workspace(
            root=self.path.parent, path=self.path, edition_id=edition_id,
            edition_date=edition_date, languages=tuple(languages), language_settings=settings,
            organisations=organisations, website=self.website(self.table(data, "contact_website")),
            timezone=timezone, case_ref_pattern=pattern, text=self.text,
            retention_years=retention,
            site_base_url=site.get("base_url"), site_quick_exit=site.get("quick_exit_url"),
            recordings=recordings,
        )

    def detail(self, table: str, key: str, spec) -> Detail:
        if not isinstance(spec, dict):
            self.fail(f"[{table}] {key} must be a table with value, source and verified_on",
                      table, key)
        for name in ("value", "source"):
            if not isinstance(spec.get(name), str) or not spec[name].strip():
                self.fail(f"[{table}] {key} needs a non-empty '{name}'", table, key)
        if "verified_on" not in spec:
            self.fail(f"[{table}] {key} needs 'verified_on' (a date, or \"\" when not verified)",
                      table, key)
        unknown = sorted(set(spec) - {"value", "source", "verified_on"})
        if unknown:
            self.fail(f"[{table}] {key} has the unknown field '{unknown[0]}'", table, key,
                      hint="a detail has value, source and verified_on")
        value = spec["value"]
        if value != value.strip():
            self.fail(f"[{table}] {key} {clip(value)} starts or ends with a space", table, key)
        if key == "website" or key.startswith("website_"):
            problem = url_problem(value)
            if problem:
                self.fail(f"[{table}] {key} {clip(value)}: {problem}", table, key,
                          hint="like https://www.example.be")
        return Detail(value, spec["source"],
                      self.date(spec["verified_on"], table, key, allow_empty=True,
                                latest=dt.date.today(), what="in the future"))

    def organisation(self, org_id: str, spec) -> Organisation:
        table = f"organisations.{org_id}"
        if not isinstance(spec, dict):
            self.fail(f"[{table}] must be a table", "organisations", org_id)
        name = self.string(spec, table, "name")
        kind = self.string(spec, table, "kind")
        if kind not in KINDS:
            self.fail(f"[{table}] kind must be one of {', '.join(KINDS)}", table, "kind")
        details = {key: self.detail(table, key, value)
                   for key, value in spec.items() if key not in ("name", "kind", "city")}
        return Organisation(org_id, name, kind, self.string(spec, table, "city", required=False),
                            details)

    def website(self, spec: dict) -> Website:
        table = "contact_website"
        by_language = spec.get("languages", {})
        if not isinstance(by_language, dict) or not all(
                isinstance(v, str) for v in by_language.values()):
            self.fail("[contact_website] languages must map codes to https:// addresses", table,
                      "languages")
        for code, url in by_language.items():
            if canonical_code(code) != code:
                self.fail(f"[contact_website.languages] {clip(code)} is not a BCP 47 code as "
                          "[build] languages writes it", "contact_website.languages", code)
            problem = url_problem(url)
            if problem:
                self.fail(f"[contact_website.languages] {code} {clip(url)}: {problem}",
                          "contact_website.languages", code, hint="like https://www.example.be")
        default = self.string(spec, table, "default")
        problem = url_problem(default)
        if problem:
            self.fail(f"[contact_website] default {clip(default)}: {problem}", table, "default",
                      hint="like https://www.example.be")
        if "verified_on" not in spec:
            self.fail("[contact_website] needs 'verified_on'", table)
        return Website(default, dict(by_language), self.string(spec, table, "source"),
                       self.date(spec["verified_on"], table, "verified_on", allow_empty=True,
                                 latest=dt.date.today(), what="in the future"))


def canonical_code(code) -> str | None:
    """`code` in BCP 47 case (`zh-Hans`, `pt-BR`), or None when it is not shaped like one."""
    if not isinstance(code, str):
        return None
    match = _BCP47.match(code)
    if not match:
        return None
    language, script, region = match.groups()
    parts = [language.lower()]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    return "-".join(parts)


def url_problem(url: str) -> str | None:
    """Why `url` is not a website a leaflet may print and encode, or None.

    https only; a host of DNS labels with a letter TLD (IDNA for non-ASCII names); no
    user name or password (`https://bank.be@evil.example`), no spaces, no query or
    fragment tricks that a reader cannot see in print.
    """
    from urllib.parse import urlsplit

    if not isinstance(url, str) or any(ch.isspace() for ch in url):
        return "a website has no spaces"
    if not url.startswith("https://"):
        return "must start with https://"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"not a valid address ({exc})"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "a website has no user name or '@' before its host"
    if port is not None:
        return "a website printed on a leaflet needs no port"
    if parts.query or parts.fragment:
        return "a website printed on a leaflet has no query or fragment"
    host = parts.hostname or ""
    if not url.isascii():
        odd = next(ch for ch in url if not ch.isascii())
        return (f"holds {odd!r} (U+{ord(odd):04X}): a printed website is ASCII only (an "
                "internationalised name can imitate another one letter for letter; write "
                "its xn-- form if the organisation truly uses one)")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return f"the host {clip(host)} is not a valid domain name"
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels) \
            or not re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", labels[-1]):
        return f"the host {clip(host)} is not a valid domain name"
    if not re.fullmatch(r"(/[A-Za-z0-9._~%!$&'()*+,;=:@-]*)*", parts.path):
        return "the path holds characters a printed address cannot show"
    return None


def valid_timezone(name: str) -> bool:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def backtracking_risk(pattern: str) -> str | None:
    """Why `pattern` may backtrack catastrophically, or None.

    Python's re engine backtracks: an unbounded repeat around something that can itself
    match in several ways, `(a+)+`, `(a|a)*`, `(\\w*-?)*`, takes exponential time on a
    near-miss. Refused: an unbounded repeat that contains another variable repeat, an
    alternation or a back-reference; and back-references anywhere.
    """
    try:
        from re import _parser as sre_parse  # the parser re itself uses (3.11+)
        from re._constants import MAXREPEAT
    except ImportError:  # pragma: no cover  (older layout)
        import sre_parse  # type: ignore
        from sre_constants import MAXREPEAT  # type: ignore
    try:
        tree = sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001  (compile() already vetted it)
        return None

    def walk(items, inside_unbounded: bool):
        for op, arg in items:
            name = str(op)
            if name in ("GROUPREF", "GROUPREF_EXISTS"):
                return "a back-reference"
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = arg
                if inside_unbounded and high != low:
                    return "a repeat inside an unbounded repeat"
                found = walk(sub, inside_unbounded or high == MAXREPEAT)
                if found:
                    return found
            elif name == "BRANCH":
                if inside_unbounded:
                    return "an alternation inside an unbounded repeat"
                for branch in arg[1]:
                    found = walk(branch, inside_unbounded)
                    if found:
                        return found
            elif name == "SUBPATTERN":
                found = walk(arg[-1], inside_unbounded)
                if found:
                    return found
            elif name in ("ASSERT", "ASSERT_NOT"):
                found = walk(arg[1], inside_unbounded)
                if found:
                    return found
        return None

    return walk(tree, False)
