"""The duties (leaflet.duties.rules) judged in Python, on one record's values.

What the station's receipt and `leaflet handover` print right after a record is written:
the desk's path has no SQL to ask. The same declarations as the report's SQL, so the
receipt and the report cannot disagree on what a duty means.
"""

from __future__ import annotations

from typing import Any, Mapping

from leaflet.duties.rules import (DOES_NOT_APPLY, MET, NOT_MET, REFUSED, Duty, Is, IsTrue,
                                  LanguageUnderstood)

Values = Mapping[str, Any]


def condition(cond, values: Values) -> bool:
    if isinstance(cond, Is):
        return values.get(cond.field) in cond.values
    if isinstance(cond, IsTrue):
        return values.get(cond.field) is True
    if isinstance(cond, LanguageUnderstood):
        return values.get("leaflet_language") in (values.get("person_languages") or ())
    raise TypeError(f"not a condition: {cond!r}")


def predicate(conditions, values: Values) -> bool:
    return all(condition(cond, values) for cond in conditions)


def outcome(duty: Duty, values: Values) -> int:
    """0 does not apply, 1 met, 2 refused, 3 not met."""
    if not predicate(duty.applies, values):
        return DOES_NOT_APPLY
    if predicate(duty.met, values):
        return MET
    if duty.refused is not None and predicate(duty.refused, values):
        return REFUSED
    return NOT_MET
