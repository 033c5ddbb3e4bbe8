"""The duties of one encounter, right after it is recorded: what the station's receipt and
`leaflet handover` print.

The desk's path appends to an existing SQLite log with the standard library alone, so the
duties of the record just written are judged here in Python, on its values, by the same
declarations the report's SQL compiles (leaflet.duties.judge). A duty that applies and is not
met comes with what to do, and the phone the officer needs comes from leaflet.toml (the
Foreigners Department, the support centres), never from a sentence written here.
"""

from __future__ import annotations

from typing import Any, Mapping

from leaflet.duties import judge
from leaflet.duties.rules import MET, NOT_MET, REFUSED, RULES
from leaflet.i18n import _

STATUS = {MET: "met", REFUSED: "refused", NOT_MET: "to do"}


def checklist(values: Mapping[str, Any], workspace=None) -> list[dict[str, Any]]:
    """The duties that apply to an encounter (its record's values), each {rule, duty,
    paragraph, status ("met", "refused" or "to do"), todo, contacts: [{name, phone}]}, in
    the order of the rules; the duty and what to do in the reader's language."""
    duties = []
    for rule in RULES:
        result = judge.outcome(rule, values)
        if not result:
            continue
        status = STATUS[result]
        item = {"rule": rule.id, "duty": _(rule.duty), "paragraph": paragraph_name(rule),
                "status": status, "todo": None, "contacts": []}
        if status == "to do":
            item["todo"] = _(rule.todo)
            item["contacts"] = contacts_for(rule, workspace)
        duties.append(item)
    return duties


def paragraph_name(rule) -> str:
    """The paragraph a duty comes from, as the reader names it (§5.1, or "closing
    paragraph" in their language)."""
    from leaflet.duties.rules import PARAGRAPH_NAMES

    return _(PARAGRAPH_NAMES[rule.paragraph])


def contacts_for(rule, workspace) -> list[dict[str, str]]:
    """Name and phone of the organisations the officer calls for `rule` (leaflet.toml)."""
    wanted = rule.calls
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
        values = {"mark": mark, "rule": item["rule"], "duty": item["duty"],
                  "paragraph": item["paragraph"], "todo": item["todo"]}
        if item["status"] == "refused":
            text = _("%(mark)s %(rule)s: %(duty)s (%(paragraph)s): refused by the person") % values
        elif item["todo"] and item["contacts"]:
            values["contacts"] = ", ".join(f"{c['name']} {c['phone']}" for c in item["contacts"])
            text = _("%(mark)s %(rule)s: %(duty)s (%(paragraph)s); to do: %(todo)s "
                     "(%(contacts)s)") % values
        elif item["todo"]:
            text = _("%(mark)s %(rule)s: %(duty)s (%(paragraph)s); to do: %(todo)s") % values
        else:
            text = _("%(mark)s %(rule)s: %(duty)s (%(paragraph)s)") % values
        out.append(text)
    return out
