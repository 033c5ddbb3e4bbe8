"""What leaflet.toml says, as plain frozen data: the edition, the languages to build and
their settings, the organisations the leaflet names and their contact details (each with a
source and a verified-on date), the hand-over, report, site and audio settings.

Standard library only: every command, the hand-over path included, loads the workspace.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

WORKSPACE_FILE = "leaflet.toml"
DEFAULT_CASE_REF_PATTERN = r"^[A-Za-z0-9./-]{1,40}$"
DEFAULT_TIMEZONE = "Europe/Brussels"
# [report] target: the share of applicable encounters in which a duty should be met; the
# report's unit × duty grid is coloured against it (docs/report-format.md).
DEFAULT_REPORT_TARGET = 0.9
# [site] quick_exit_url when leaflet.toml names none: a page found on every phone and in
# every browser history, which says nothing about what was read before (site, kiosk).
DEFAULT_QUICK_EXIT = "https://www.google.com/"
# [station] kiosk_idle_seconds: the kiosk goes back to its language list after this.
DEFAULT_KIOSK_IDLE = 120
KIOSK_IDLE_RANGE = (15, 3600)
_EDITION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# The organisations the leaflet and the hand-over log name; leaflet.toml must define each.
REQUIRED_ORGANISATIONS = ("helpline", "pag-asa", "payoke", "surya", "foreigners-dept")
# The phone numbers every leaflet and wallet card prints: a build or check needs each of
# them in leaflet.toml (leaflet/workspace/contacts.py reports a missing one); the desk does not.
# (The helpline's international form is not printed: from a foreign SIM it is not established
# that it works, so a reader with a foreign phone gets the centres' numbers in +32 form.)
PRINTED_PHONES = {"helpline": ("phone",), "emergency": ("phone",), "police": ("phone",),
                  "guardianship": ("phone",),
                  "pag-asa": ("phone", "phone_international"),
                  "payoke": ("phone", "phone_international"),
                  "surya": ("phone", "phone_international")}
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
    # The facts sheet's confidence: H (an official page, or sources agree), M (one
    # third-party page: verified_on is ""), U (not established: a draft may show it, a
    # release never, even with --allow-unverified).
    confidence: str = "H"

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
class PrintSpec:
    """[print]: what a print order asks of the print shop (leaflet stock order). Each value
    None when leaflet.toml does not say it: the order then says it is to be agreed."""

    paper: str | None = None  # like "silk-coated, matt"
    weight: int | None = None  # g/m²
    finishing: str | None = None  # like "folded and saddle-stitched to an A5 booklet"
    # [print.delivery]: unit code → delivery address; "default" for any other unit.
    delivery: dict[str, str] = field(default_factory=dict)

    def delivery_address(self, unit: str | None) -> str | None:
        """The address copies for `unit` are delivered to: its own, else the default."""
        if unit is not None and unit in self.delivery:
            return self.delivery[unit]
        return self.delivery.get("default")


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
    site_quick_exit: str = DEFAULT_QUICK_EXIT
    station_language: str | None = None  # [station] language: the desk's default
    report_target: float = DEFAULT_REPORT_TARGET  # [report] target, a share from 0 to 1
    kiosk_idle_seconds: int = DEFAULT_KIOSK_IDLE  # [station] kiosk_idle_seconds
    # [audio.CODE]: a human recording placed in audio/, which wins over synthesis.
    recordings: dict[str, "Recording"] = field(default_factory=dict)
    print_spec: PrintSpec = field(default_factory=PrintSpec)  # [print] (stock order)

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
        return toml_line(self.text.splitlines(), table, key)

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

    def unconfirmed_details(self) -> list[tuple[str, str, str]]:
        """(name, table, key) of every detail at confidence U."""
        return [(f"{org.id}.{key}", f"organisations.{org.id}", key)
                for org in self.organisations.values() for key, d in org.details.items()
                if d.confidence == "U"]

    def unverified_details(self) -> list[str]:
        """Names like `payoke.address` of every detail that has no verified-on date."""
        return [name for name, verified_on, _, _ in self.contact_details()
                if verified_on is None]


def toml_line(lines: list[str], table: str, key: str | None = None) -> int | None:
    """Best-effort line of `[table]` (and of `key =` inside it) in leaflet.toml's `lines`,
    for error messages."""
    header = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]\s*(#.*)?$")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        return None
    if key is None:
        return start + 1
    pattern = re.compile(r"^\s*\"?" + re.escape(key) + r"\"?\s*=")
    for i in range(start + 1, len(lines)):
        if lines[i].lstrip().startswith("["):
            break
        if pattern.match(lines[i]):
            return i + 1
    return start + 1
