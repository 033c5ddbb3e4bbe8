"""The duties of one encounter, right after it is recorded: what the receipt and
`leaflet handover` print.

Each rule of leaflet.report.rules is judged on the record by the report's own SQL outcome
(leaflet.report.query.outcome), so the receipt and the auditor's report can never disagree on
what a duty means. A duty that applies and is not met comes with what to do, and the contact
detail the officer needs comes from leaflet.toml (the Foreigners Department's phone, the
support centres' phones), never from a sentence written here.
"""

from __future__ import annotations

from typing import Any

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


def checklist(db: str | None, record_id: str, workspace=None) -> list[dict[str, Any]]:
    """The duties that apply to record `record_id`, each {rule, duty, paragraph, status
    ("met", "refused" or "to do"), todo, contacts: [{name, phone}]} in the order of RULES."""
    import sqlalchemy as sa

    from leaflet.handover import schema, service
    from leaflet.report.query import outcome
    from leaflet.report.rules import RULES

    store = service.open_store(db)
    store.require_log()
    stored, _ = store.get(record_id)
    t = schema.encounter
    statement = sa.select(*(outcome(rule, t.c).label(f"o{i}") for i, rule in enumerate(RULES))
                          ).where(t.c.id == stored.id)
    with store._read() as conn:
        row = conn.execute(statement).one()
    duties = []
    for i, rule in enumerate(RULES):
        result = row[i]
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
