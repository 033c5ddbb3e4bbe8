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

WORKSPACE_FILE = "leaflet.toml"
DEFAULT_CASE_REF_PATTERN = r"^[A-Za-z0-9./-]{1,40}$"
DEFAULT_TIMEZONE = "Europe/Brussels"
_EDITION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# The organisations the leaflet and the hand-over log name; leaflet.toml must define each.
REQUIRED_ORGANISATIONS = ("helpline", "pag-asa", "payoke", "surya", "foreigners-dept")
CENTRES = ("pag-asa", "payoke", "surya")


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
    kind: str  # helpline | centre | authority
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
    text: str = field(default="", repr=False)

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
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", path=path,
                          line=int(match.group(1)) if match else None) from None
    return _Parser(path, text).workspace(data)


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
        return value

    def date(self, value, table: str, key: str, *, allow_empty: bool) -> dt.date | None:
        if isinstance(value, dt.datetime):
            self.fail(f"[{table}] {key} must be a date (YYYY-MM-DD), not a date-time", table, key)
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            if value == "" and allow_empty:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        expected = "YYYY-MM-DD" + (" or \"\" when not verified" if allow_empty else "")
        self.fail(f"[{table}] {key} = {value!r} is not a valid date ({expected})", table, key)

    def workspace(self, data: dict) -> Workspace:
        edition = self.table(data, "edition")
        edition_id = self.string(edition, "edition", "id")
        if not _EDITION_ID.match(edition_id):
            self.fail(f"[edition] id {edition_id!r} may hold only letters, digits, '.', '_', '-'",
                      "edition", "id")
        if "date" not in edition:
            self.fail("[edition] is missing the field 'date'", "edition")
        edition_date = self.date(edition["date"], "edition", "date", allow_empty=False)

        build = self.table(data, "build")
        languages = build.get("languages")
        if (not isinstance(languages, list) or not languages
                or not all(isinstance(x, str) and x for x in languages)):
            self.fail("[build] languages must be a non-empty list of BCP 47 codes", "build",
                      "languages")
        if len(set(languages)) != len(languages):
            self.fail("[build] languages lists a code twice", "build", "languages")

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

        handover = data.get("handover", {})
        pattern = handover.get("case_ref_pattern", DEFAULT_CASE_REF_PATTERN)
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            self.fail(f"[handover] case_ref_pattern is not a valid regular expression: {exc}",
                      "handover", "case_ref_pattern")
        timezone = data.get("report", {}).get("timezone", DEFAULT_TIMEZONE)

        return Workspace(
            root=self.path.parent, path=self.path, edition_id=edition_id,
            edition_date=edition_date, languages=tuple(languages), language_settings=settings,
            organisations=organisations, website=self.website(self.table(data, "contact_website")),
            timezone=timezone, case_ref_pattern=pattern, text=self.text,
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
        return Detail(spec["value"], spec["source"],
                      self.date(spec["verified_on"], table, key, allow_empty=True))

    def organisation(self, org_id: str, spec) -> Organisation:
        table = f"organisations.{org_id}"
        if not isinstance(spec, dict):
            self.fail(f"[{table}] must be a table", "organisations", org_id)
        name = self.string(spec, table, "name")
        kind = self.string(spec, table, "kind")
        if kind not in ("helpline", "centre", "authority"):
            self.fail(f"[{table}] kind must be helpline, centre or authority", table, "kind")
        details = {key: self.detail(table, key, value)
                   for key, value in spec.items() if key not in ("name", "kind", "city")}
        return Organisation(org_id, name, kind, self.string(spec, table, "city", required=False),
                            details)

    def website(self, spec: dict) -> Website:
        table = "contact_website"
        by_language = spec.get("languages", {})
        if not isinstance(by_language, dict) or not all(
                isinstance(v, str) and v.startswith("https://") for v in by_language.values()):
            self.fail("[contact_website] languages must map codes to https:// addresses", table,
                      "languages")
        default = self.string(spec, table, "default")
        if not default.startswith("https://"):
            self.fail("[contact_website] default must be an https:// address", table, "default")
        if "verified_on" not in spec:
            self.fail("[contact_website] needs 'verified_on'", table)
        return Website(default, dict(by_language), self.string(spec, table, "source"),
                       self.date(spec["verified_on"], table, "verified_on", allow_empty=True))
