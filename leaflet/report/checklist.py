"""The duties of one encounter, right after it is recorded: what the station's receipt and
`leaflet handover` print.

`leaflet handover` appends to an existing SQLite log with the standard library alone (the
desk's fast path), so the duties of the record just written are judged here in Python, on
its values, by JUDGES: one small function per rule of leaflet.report.rules. The auditor's
report judges the same rules in SQL; tests/station/test_checklist.py runs both over every
combination of the record's closed vocabularies and requires the same outcome, so the receipt
and the report cannot disagree on what a duty means. A duty that applies and is not met comes
with what to do, and the phone the officer needs comes from leaflet.toml (the Foreigners
Department, the support centres), never from a sentence written here.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

# What the officer still has to do when a duty is not met (or, for a refusal, what is left).
TODO = {
    "LEAFLET-GIVEN": "give the leaflet in a language the person reads, then record a correction",
    "LEAFLET-LANGUAGE": "give the leaflet in a language the person understands, then record a "
                        "correction",
    "CENTRE-INTAKE": "call a support centre to arrange the intake, then record a correction",
    "FOREIGNERS-DEPT": "inform the Foreigners Department, then record a correction",
    "CENTRE-CONTACT": "offer the person contact with a support centre, then record a correction",
    "NO-CENTRE-FOR-IMPLICATED": "do not put the person in contact with a support centre; "
                                "record a correction if this was a mistake",
}
# The leaflet.toml organisations whose phone the officer needs for each unmet duty.
CONTACTS = {
    "CENTRE-INTAKE": "centre",
    "CENTRE-CONTACT": "centre",
    "FOREIGNERS-DEPT": "foreigners-dept",
}
STATUS = {1: "met", 2: "refused", 3: "to do"}


Values = Mapping[str, Any]


def _may_be_victim(v: Values) -> bool:
    return v.get("assessment") in ("victim", "uncertain")


def _given(v: Values) -> bool:
    return v.get("leaflet") == "given"


def _language_understood(v: Values) -> bool:
    return v.get("leaflet_language") in (v.get("person_languages") or ())


def _victim(v: Values) -> bool:
    return v.get("assessment") == "victim"


# rule id -> (applies, met, refused or None), as leaflet.report.rules defines them in SQL
JUDGES: dict[str, tuple[Callable, Callable, Callable | None]] = {
    "LEAFLET-GIVEN": (_may_be_victim, _given, lambda v: v.get("leaflet") == "refused"),
    "LEAFLET-LANGUAGE": (lambda v: _may_be_victim(v) and _given(v), _language_understood,
                         None),
    "CENTRE-INTAKE": (_victim, lambda v: v.get("centre_action") == "intake", None),
    "FOREIGNERS-DEPT": (lambda v: _victim(v) and v.get("residence_status") in
                        ("illegal", "provisional"),
                        lambda v: v.get("foreigners_dept_informed") is True, None),
    "CENTRE-CONTACT": (lambda v: v.get("assessment") == "uncertain",
                       lambda v: v.get("centre_action") in ("intake", "contact_arranged",
                                                            "contact_declined"), None),
    "NO-CENTRE-FOR-IMPLICATED": (lambda v: v.get("assessment") == "implicated",
                                 lambda v: v.get("centre_action") == "none", None),
}


def outcome(rule_id: str, values: Values) -> int:
    """0 does not apply, 1 met, 2 refused, 3 not met (leaflet.report.query's codes)."""
    applies, met, refused = JUDGES[rule_id]
    if not applies(values):
        return 0
    if met(values):
        return 1
    if refused is not None and refused(values):
        return 2
    return 3


def checklist(values: Values, workspace=None) -> list[dict[str, Any]]:
    """The duties that apply to an encounter (its record's values), each {rule, duty,
    paragraph, status ("met", "refused" or "to do"), todo, contacts: [{name, phone}]}, in
    the order of the rules."""
    from leaflet.report.rules import RULES

    duties = []
    for rule in RULES:
        result = outcome(rule.id, values)
        if not result:
            continue
        status = STATUS[result]
        item = {"rule": rule.id, "duty": rule.duty, "paragraph": rule.paragraph,
                "status": status, "todo": None, "contacts": []}
        if status == "to do":
            item["todo"] = TODO[rule.id]
            item["contacts"] = contacts_for(rule.id, workspace)
        duties.append(item)
    return duties


def contacts_for(rule_id: str, workspace) -> list[dict[str, str]]:
    """Name and phone of the organisations the officer calls for `rule_id` (leaflet.toml)."""
    wanted = CONTACTS.get(rule_id)
    if wanted is None or workspace is None:
        return []
    found = []
    for org_id, org in workspace.organisations.items():
        if (org.kind == wanted if wanted == "centre" else org_id == wanted):
            phone = org.value("phone")
            if phone:
                found.append({"name": org.name, "phone": phone})
    return found


def lines(duties: list[dict[str, Any]]) -> list[str]:
    """The checklist as plain lines (for `leaflet handover` on a terminal)."""
    out = []
    for item in duties:
        mark = {"met": "[x]", "refused": "[-]", "to do": "[ ]"}[item["status"]]
        text = f"{mark} {item['rule']}: {item['duty']} ({item['paragraph']})"
        if item["status"] == "refused":
            text += ": refused by the person"
        if item["todo"]:
            text += f"; to do: {item['todo']}"
            if item["contacts"]:
                text += " (" + ", ".join(f"{c['name']} {c['phone']}" for c in item["contacts"]) + ")"
        out.append(text)
    return out
