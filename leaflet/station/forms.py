"""The desk's hand-over form as record values: what a posted form says, the answers to the
questions that apply, the person's languages resolved, and the errors placed where the form
shows them. Plain functions, testable without a request."""

from __future__ import annotations

from typing import Any, Mapping

from leaflet.i18n import _

FORM_FIELDS = ("service", "assessment", "residence_status", "person_languages", "leaflet",
               "leaflet_language", "not_given_reason", "not_given_note", "centre_action",
               "centre", "foreigners_dept_informed", "case_ref", "amends")
# The fields the form shows with a message slot of their own; any other field's error (the
# hidden `amends`, the officer, the edition …) is shown at the top of the form.
SHOWN_FIELDS = frozenset(FORM_FIELDS) - {"amends"}


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
    question applies when the record's own rule (leaflet.duties.record.questions) asks it."""
    from leaflet.duties.record import questions

    for field in ("leaflet_language", "not_given_reason", "centre",
                  "foreigners_dept_informed"):
        if field not in questions({**values, field: None}):
            values[field] = None
    if values.get("leaflet") == "given":
        values["not_given_note"] = None


def person_languages(raw: str, workspace) -> tuple[list[str], str | None]:
    """The codes of the comma-separated languages (codes, names or countries), and the first
    error, if any (leaflet.languages.person, as `leaflet handover` resolves them)."""
    from leaflet.errors import UsageError
    from leaflet.languages.person import person_language

    codes = []
    for part in [p.strip() for p in (raw or "").split(",") if p.strip()]:
        try:
            codes.append(person_language(part, workspace, _("Languages the person reads")))
        except UsageError as error:
            return codes, str(error)
    return codes, None


def placed(errors: Mapping[str, str]) -> dict[str, str]:
    """The errors by where the form shows them: a field's own slot, or the top ("form")."""
    shown = {field: message for field, message in errors.items()
             if field in SHOWN_FIELDS or field == "form"}
    hidden = [message for field, message in errors.items() if field not in shown]
    if hidden:
        shown["form"] = " ".join([shown.get("form", "")] + hidden).strip()
    return shown
