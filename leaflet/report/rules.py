"""The duties of the 13 January 1997 instructions, as data, and when each applies and is met.

One Rule per duty of DUTY-RULES.md, with its stable id, the paragraph of the circular it comes
from (and that paragraph's text, which every report shows beside the rule), and three small
predicates over an encounter's columns: `applies`, `met` and, for LEAFLET-GIVEN only,
`refused` (a documented refusal by the person, reported apart, never as met). An applicable
encounter is exactly one of met, refused or not met; `fails` is "applies and neither met nor
refused", the follow-up list's condition.

The predicates build SQLAlchemy expressions, so the same definition counts in SQL (the
aggregates) and selects rows (the follow-up list) on SQLite and PostgreSQL alike. None of
them can evaluate to NULL: a NULL `foreigners_dept_informed` (not stated) is "not informed".
SQLAlchemy is imported by the predicates themselves, so that the rules' texts can be read on
the desk's path (leaflet.report.checklist) without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

# The circular (../shared/seed/circular-1997-excerpt.txt): section 5, "Organising contact with
# victim support centres", and its closing paragraph, verbatim.
CIRCULAR = ("Instructions of 13 January 1997 to the Foreigners Department, the prosecuting "
            "authorities, the police and the social law inspection service and social "
            "inspection services concerning assistance to victims of human trafficking, "
            "section 5, “Organising contact with victim support centres”")
PARAGRAPHS = {
    "§5.1": ("If the police or social inspection service has good reason to believe that they "
             "are dealing with a victim of human trafficking, they take the necessary measures "
             "to ensure that the person is taken in by a victim support centre, and they inform "
             "the Foreigners Department of the fact if he or she is an illegal or provisional "
             "resident."),
    "§5.2": ("If the police or social inspection service is not certain whether a person is a "
             "victim of human trafficking, the support centre must be given the opportunity to "
             "establish contact with this person. This can be done by, for example, inviting a "
             "staff member of the support centre to the police station, if the person in "
             "question agrees to this."),
    "§5.3": ("Finally, if there are indications that one or more persons detained are "
             "implicated in the organisation or pursuit of human trafficking, and are therefore "
             "not victims, they are not to be put in contact with a victim support centre."),
    "closing paragraph": (
        "Whenever the police or a social inspection service encounter a person who may be a "
        "victim of human trafficking, it is their duty to give him or a her the information "
        "leaflet about the support centres, which has been produced in different languages by "
        "the Centre for Equal Opportunities and Action Against Racism and is available from "
        "the organisations mentioned in this circular."),
}

Predicate = Callable[[Any], Any]  # columns (a selectable's .c) -> SQL boolean expression


@dataclass(frozen=True)
class Rule:
    id: str
    duty: str  # what the service must do, in a few words
    applies_when: str
    met_when: str
    paragraph: str  # a key of PARAGRAPHS
    applies: Predicate
    met: Predicate
    refused: Predicate | None = None

    @property
    def paragraph_text(self) -> str:
        return PARAGRAPHS[self.paragraph]

    def fails(self, c) -> Any:
        """Applies, and neither met nor refused: an encounter to follow up."""
        import sqlalchemy as sa

        failing = sa.and_(self.applies(c), sa.not_(self.met(c)))
        if self.refused is not None:
            failing = sa.and_(failing, sa.not_(self.refused(c)))
        return failing


# --- the predicates: one small named function each ------------------------------------------

def may_be_victim(c):
    """Assessed `victim` (§5.1) or `uncertain` (§5.2): a person who *may* be a victim."""
    return c.assessment.in_(("victim", "uncertain"))


def leaflet_given(c):
    return c.leaflet == "given"


def leaflet_refused(c):
    return c.leaflet == "refused"


def given_to_possible_victim(c):
    import sqlalchemy as sa

    return sa.and_(may_be_victim(c), leaflet_given(c))


def in_a_language_understood(c):
    """The leaflet's language is one of the person's languages (codes compared as stored)."""
    import sqlalchemy as sa

    from leaflet.handover.schema import encounter_language

    # An alias of its own, so the subquery never correlates with a language table in the
    # enclosing query (--by language joins one).
    understood = encounter_language.alias("understood")
    return sa.exists().where(understood.c.seq == c.seq,
                             understood.c.code == c.leaflet_language)


def victim(c):
    return c.assessment == "victim"


def intake_arranged(c):
    return c.centre_action == "intake"


def victim_without_legal_residence(c):
    import sqlalchemy as sa

    return sa.and_(victim(c), c.residence_status.in_(("illegal", "provisional")))


def foreigners_dept_informed(c):
    return c.foreigners_dept_informed.is_(True)  # NULL (not stated) is not informed


def uncertain(c):
    return c.assessment == "uncertain"


def person_was_asked(c):
    return c.centre_action.in_(("intake", "contact_arranged", "contact_declined"))


def implicated(c):
    return c.assessment == "implicated"


def no_centre_contact(c):
    return c.centre_action == "none"


RULES: tuple[Rule, ...] = (
    Rule("LEAFLET-GIVEN", "give the information leaflet about the support centres",
         "assessment victim or uncertain (a person who may be a victim)",
         "the leaflet was handed over; a refusal by the person is counted apart",
         "closing paragraph", may_be_victim, leaflet_given, leaflet_refused),
    Rule("LEAFLET-LANGUAGE", "give the leaflet in a language the person understands",
         "LEAFLET-GIVEN applies and the leaflet was handed over",
         "the leaflet's language is one of the languages the person understands",
         "closing paragraph", given_to_possible_victim, in_a_language_understood),
    Rule("CENTRE-INTAKE", "have the person taken in by a victim support centre",
         "assessment victim", "intake by a support centre was arranged",
         "§5.1", victim, intake_arranged),
    Rule("FOREIGNERS-DEPT", "inform the Foreigners Department",
         "assessment victim and residence status illegal or provisional",
         "the Foreigners Department was informed (not stated counts as not informed)",
         "§5.1", victim_without_legal_residence, foreigners_dept_informed),
    Rule("CENTRE-CONTACT", "give the support centre the opportunity to establish contact",
         "assessment uncertain",
         "the person was asked: intake, contact arranged, or contact declined by the person",
         "§5.2", uncertain, person_was_asked),
    Rule("NO-CENTRE-FOR-IMPLICATED", "do not put the person in contact with a support centre",
         "assessment implicated", "no support-centre contact or intake was arranged",
         "§5.3", implicated, no_centre_contact),
)
RULE_IDS = tuple(rule.id for rule in RULES)
BY_ID = {rule.id: rule for rule in RULES}
assert all(rule.paragraph in PARAGRAPHS for rule in RULES)
