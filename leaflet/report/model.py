"""The Report as plain data: what the SQL found, before any rendering.

Frozen dataclasses of strings, numbers and tuples; `Report.to_dict()` is the JSON interface of
docs/report-format.md (keys in a fixed order, dates as ISO strings, no floats but `rate`).
Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

RATE_DIGITS = 4  # rates are met / applicable rounded to 4 decimals (0.9231)


@dataclass(frozen=True)
class RuleFigures:
    """One duty's figures for one set of encounters. applicable = met + refused + not_met."""

    id: str
    duty: str
    paragraph: str
    paragraph_text: str
    applicable: int
    met: int
    refused: int
    not_met: int

    @property
    def rate(self) -> float | None:
        """met / applicable; None when the duty applied to no encounter."""
        if not self.applicable:
            return None
        return round(self.met / self.applicable, RATE_DIGITS)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "duty": self.duty, "paragraph": self.paragraph,
                "paragraph_text": self.paragraph_text, "applicable": self.applicable,
                "met": self.met, "not_met": self.not_met, "refused": self.refused,
                "rate": self.rate}


@dataclass(frozen=True)
class Group:
    """The figures of one unit, service, language or month (`--by`)."""

    key: str
    encounters: int
    rules: tuple[RuleFigures, ...]

    def rule(self, rule_id: str) -> RuleFigures:
        return next(r for r in self.rules if r.id == rule_id)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "encounters": self.encounters,
                "rules": [r.to_dict() for r in self.rules]}


class Detail(str):
    """Why a record fails a duty: English as a str (what JSON and CSV write, stable), and
    its message and values, for the pages that show it in the reader's language."""

    __slots__ = ("message", "values")

    def __new__(cls, message: str, **values):
        self = super().__new__(cls, message % values if values else message)
        self.message, self.values = message, values
        return self

    def translated(self) -> str:
        from leaflet.i18n import _

        return _(self.message) % self.values if self.values else _(self.message)


class Violation(NamedTuple):
    """One duty one encounter failed: a line of the follow-up list. (A named tuple: a long
    follow-up list is made of a hundred thousand of them.)"""

    id: str
    occurred_at: str  # as recorded, with its UTC offset
    service: str
    unit: str
    rule: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "occurred_at": self.occurred_at, "service": self.service,
                "unit": self.unit, "rule": self.rule, "detail": self.detail}


@dataclass(frozen=True)
class LanguageGap:
    language: str
    encounters: int

    def to_dict(self) -> dict[str, Any]:
        return {"language": self.language, "encounters": self.encounters}


@dataclass(frozen=True)
class StockGap:
    """Leaflets not given for want of a printed copy (`no_copy`), per unit and language the
    person reads: copies to order, not a translation to commission."""

    unit: str
    language: str
    encounters: int

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "language": self.language, "encounters": self.encounters}


@dataclass(frozen=True)
class EditionCount:
    edition: str | None  # None: the record names no edition
    given: int

    def to_dict(self) -> dict[str, Any]:
        return {"edition": self.edition, "given": self.given}


@dataclass(frozen=True)
class Report:
    start: str | None  # --from, a calendar day (inclusive)
    end: str | None  # --to, a calendar day (exclusive)
    timezone: str
    service: str | None
    unit: str | None
    by: str | None
    encounters: int  # latest versions in the period and scope
    corrected: int  # of which the latest version is a correction
    follow_up: int  # encounters failing at least one duty
    rules: tuple[RuleFigures, ...]
    groups: tuple[Group, ...]
    violations: tuple[Violation, ...]
    violations_total: int  # the follow-up list's full length (violations may be cut short)
    language_gaps: tuple[LanguageGap, ...]
    editions: tuple[EditionCount, ...]
    log: dict[str, Any] = field(default_factory=dict)  # records, head (the chain's last hash)
    # The figures per unit for the first page's unit × duty grid (HTML and PDF only; the
    # JSON's per-unit figures are `groups` with --by unit): empty when not asked for.
    units: tuple[Group, ...] = ()
    # Stock gaps (not_given_reason no_copy), by unit then most encounters: never counted as
    # language gaps.
    stock_gaps: tuple[StockGap, ...] = ()
    # The JSON text of each of `violations`, when the reader made it (leaflet.report.formats
    # writes the same text itself otherwise): not part of what the report says.
    violations_json: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    def rule(self, rule_id: str) -> RuleFigures:
        return next(r for r in self.rules if r.id == rule_id)

    @property
    def complete(self) -> bool:
        """True when `violations` holds the whole follow-up list."""
        return len(self.violations) == self.violations_total

    def to_dict(self, *, violations: bool = True) -> dict[str, Any]:
        """The JSON object; with violations=False the follow-up list is left empty (for a
        caller that writes its hundred thousand lines itself)."""
        data: dict[str, Any] = {
            "from": self.start, "to": self.end, "timezone": self.timezone,
            "service": self.service, "unit": self.unit, "by": self.by,
            "encounters": self.encounters, "corrected": self.corrected,
            "follow_up": self.follow_up,
            "rules": [r.to_dict() for r in self.rules],
        }
        if self.by is not None:
            data["groups"] = [g.to_dict() for g in self.groups]
        data.update({
            "violations": [v.to_dict() for v in self.violations] if violations else [],
            "violations_total": self.violations_total,
            "language_gaps": [g.to_dict() for g in self.language_gaps],
            "stock_gaps": [g.to_dict() for g in self.stock_gaps],
            "editions": [e.to_dict() for e in self.editions],
            "log": dict(self.log),
        })
        return data
