"""The duties of the 13 January 1997 instructions, each declared once, as data.

One Duty per rule of DUTY-RULES.md: its stable id, what the service must do, the paragraph
of the circular it comes from (every report shows that paragraph beside the rule), and when
it applies, when it is met and, for LEAFLET-GIVEN only, when it is refused (a documented
refusal by the person, reported apart, never as met). Each of those is a list of conditions
over the record's closed vocabularies (leaflet.duties.choices), all of which must hold:

  Is(field, values)      the field's value is one of `values`
  IsTrue(field)          a yes/no field answered yes (NULL, not stated, is not yes)
  LanguageUnderstood()   the leaflet's language is one of the person's languages

An applicable record is exactly one of met, refused or not met. Three compilers read these
declarations and nothing else: leaflet.duties.sql (SQLAlchemy expressions, what the report
counts and what every writer stores with each record), leaflet.duties.sqlite (the same as
SQLite text, for the desk's standard-library writer) and leaflet.duties.judge (Python, for
the receipt's checklist). tests/duties/test_compilations.py runs all three over every
combination of the vocabularies and requires the same outcome.

Changing a duty is this declaration, a new RULES_VERSION and a migration that stores the
outcomes of the new version (docs/architecture.md says how). RULES_FINGERPRINT pins the
compiled SQL, so that no change goes unnoticed.

Standard library only: the desk's path reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from leaflet.duties.choices import CENTRE_ACTIONS
from leaflet.i18n import N_

# The outcome of one duty for one record, as stored (one digit per duty, in RULES order).
DOES_NOT_APPLY, MET, REFUSED, NOT_MET = 0, 1, 2, 3
DIGITS = "0123"  # DIGITS[outcome] is its digit
# The version of the rules the stored outcomes were made with, and the sha256 of the SELECT
# they compile to on SQLite (leaflet.storage.outcomes.fingerprint): a test recomputes it.
# Version 2 (schema version 4): the stored `no_language` column tells the two gaps apart,
# 1 for a translation gap (no_language) and 2 for a stock gap (no_copy); the duties judge as
# in version 1. RULES_SCHEMA is the log schema version whose migration stored every record's
# outcomes under RULES_VERSION: a log older than that is judged live.
RULES_VERSION = 2
RULES_SCHEMA = 4
# The rules version whose outcomes a log at each schema version stores (3: version 1).
RULES_OF_SCHEMA = {3: 1, RULES_SCHEMA: RULES_VERSION}
RULES_FINGERPRINT = "81daae2f3b353f0c970f6e818ae4136aa1cc3435f4a2f37dd7a658e43ca97a5f"

# The circular (../shared/seed/circular-1997-excerpt.txt): section 5, "Organising contact with
# victim support centres", and its closing paragraph, verbatim in English (N_: a report in
# French, Dutch or German shows them translated, marked as an unofficial translation). The
# duties' texts below are N_ too: stored and machine-readable forms keep the English.
# Translators: the title of the Belgian instructions of 13 January 1997, section 5.
CIRCULAR = N_("Instructions of 13 January 1997 to the Foreigners Department, the prosecuting "
            "authorities, the police and the social law inspection service and social "
            "inspection services concerning assistance to victims of human trafficking, "
            "section 5, “Organising contact with victim support centres”")
PARAGRAPHS = {
    # Translators: a paragraph of the Belgian instructions of 13 January 1997 (the report
    # prints it as an unofficial translation): translate faithfully, keep its legal terms.
    "§5.1": N_("If the police or social inspection service has good reason to believe that they "
             "are dealing with a victim of human trafficking, they take the necessary measures "
             "to ensure that the person is taken in by a victim support centre, and they inform "
             "the Foreigners Department of the fact if he or she is an illegal or provisional "
             "resident."),
    # Translators: a paragraph of the Belgian instructions of 13 January 1997 (the report
    # prints it as an unofficial translation): translate faithfully, keep its legal terms.
    "§5.2": N_("If the police or social inspection service is not certain whether a person is a "
             "victim of human trafficking, the support centre must be given the opportunity to "
             "establish contact with this person. This can be done by, for example, inviting a "
             "staff member of the support centre to the police station, if the person in "
             "question agrees to this."),
    # Translators: a paragraph of the Belgian instructions of 13 January 1997 (the report
    # prints it as an unofficial translation): translate faithfully, keep its legal terms.
    "§5.3": N_("Finally, if there are indications that one or more persons detained are "
             "implicated in the organisation or pursuit of human trafficking, and are therefore "
             "not victims, they are not to be put in contact with a victim support centre."),
    # Translators: a paragraph of the Belgian instructions of 13 January 1997 (the report
    # prints it as an unofficial translation): translate faithfully, keep its legal terms.
    "closing paragraph": N_(
        "Whenever the police or a social inspection service encounter a person who may be a "
        "victim of human trafficking, it is their duty to give him or a her the information "
        "leaflet about the support centres, which has been produced in different languages by "
        "the Centre for Equal Opportunities and Action Against Racism and is available from "
        "the organisations mentioned in this circular."),
}


# How a reader names each paragraph (the keys above are its stable, English ids).
PARAGRAPH_NAMES = {"§5.1": "§5.1", "§5.2": "§5.2", "§5.3": "§5.3",
                   # Translators: the last paragraph of section 5 of the instructions.
                   "closing paragraph": N_("closing paragraph")}


@dataclass(frozen=True)
class Is:
    """The field's value is one of `values`."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class IsTrue:
    """A yes/no field answered yes; NULL (not stated) is not yes."""

    field: str


@dataclass(frozen=True)
class LanguageUnderstood:
    """The leaflet's language is one of the languages the person understands."""


Condition = Is | IsTrue | LanguageUnderstood


@dataclass(frozen=True)
class Duty:
    id: str
    duty: str  # what the service must do, in a few words
    applies_when: str
    met_when: str
    paragraph: str  # a key of PARAGRAPHS
    applies: tuple[Condition, ...]
    met: tuple[Condition, ...]
    refused: tuple[Condition, ...] | None = None
    todo: str = ""  # what the officer still has to do when it is not met
    calls: str | None = None  # whom: "centre" (every centre), or an organisation's id

    @property
    def paragraph_text(self) -> str:
        return PARAGRAPHS[self.paragraph]


MAY_BE_VICTIM = Is("assessment", ("victim", "uncertain"))  # §5.1 or §5.2
VICTIM = Is("assessment", ("victim",))

RULES: tuple[Duty, ...] = (
    Duty("LEAFLET-GIVEN", N_("give the information leaflet about the support centres"),
         N_("assessment victim or uncertain (a person who may be a victim)"),
         N_("the leaflet was handed over; a refusal by the person is counted apart"),
         "closing paragraph",
         applies=(MAY_BE_VICTIM,), met=(Is("leaflet", ("given",)),),
         refused=(Is("leaflet", ("refused",)),),
         todo=N_("give the leaflet in a language the person reads, then record a correction")),
    Duty("LEAFLET-LANGUAGE", N_("give the leaflet in a language the person understands"),
         N_("LEAFLET-GIVEN applies and the leaflet was handed over"),
         N_("the leaflet's language is one of the languages the person understands"),
         "closing paragraph",
         applies=(MAY_BE_VICTIM, Is("leaflet", ("given",))), met=(LanguageUnderstood(),),
         todo=N_("give the leaflet in a language the person understands, then record a "
                 "correction")),
    Duty("CENTRE-INTAKE", N_("have the person taken in by a victim support centre"),
         N_("assessment victim"), N_("intake by a support centre was arranged"), "§5.1",
         applies=(VICTIM,), met=(Is("centre_action", ("intake",)),),
         todo=N_("call a support centre to arrange the intake, then record a correction"),
         calls="centre"),
    Duty("FOREIGNERS-DEPT", N_("inform the Foreigners Department"),
         N_("assessment victim and residence status illegal or provisional"),
         N_("the Foreigners Department was informed (not stated counts as not informed)"),
         "§5.1",
         applies=(VICTIM, Is("residence_status", ("illegal", "provisional"))),
         met=(IsTrue("foreigners_dept_informed"),),
         todo=N_("inform the Foreigners Department, then record a correction"),
         calls="foreigners-dept"),
    Duty("CENTRE-CONTACT", N_("give the support centre the opportunity to establish contact"),
         N_("assessment uncertain"),
         N_("the person was asked: intake, contact arranged, or contact declined by the "
            "person"),
         "§5.2",
         applies=(Is("assessment", ("uncertain",)),),
         met=(Is("centre_action", ("intake", "contact_arranged", "contact_declined")),),
         todo=N_("offer the person contact with a support centre, then record a correction"),
         calls="centre"),
    Duty("NO-CENTRE-FOR-IMPLICATED",
         N_("do not put the person in contact with a support centre"),
         N_("assessment implicated"), N_("no support-centre contact or intake was arranged"),
         "§5.3",
         applies=(Is("assessment", ("implicated",)),), met=(Is("centre_action", ("none",)),),
         todo=N_("do not put the person in contact with a support centre; record a "
                 "correction if this was a mistake")),
)
BY_ID = {rule.id: rule for rule in RULES}


def rules_of_schema(version: int) -> int:
    """The version of the rules whose outcomes a log at schema `version` stores (3 and
    later; the latest for a version newer than RULES_SCHEMA)."""
    return RULES_VERSION if version >= RULES_SCHEMA else RULES_OF_SCHEMA.get(version, 1)

# The record is a correction, or was not given for want of a language (a translation gap)
# or of a printed copy (a stock gap): stored beside the outcomes, so that the report counts
# them from the same rows. A leaflet not given for want of a copy fails LEAFLET-GIVEN like any
# leaflet not given (the circular's duty is to give it; a missing copy does not excuse it),
# but the report counts it apart, as a stock gap, never as a translation to commission.
NO_LANGUAGE = Is("not_given_reason", ("no_language",))
NO_COPY = Is("not_given_reason", ("no_copy",))
# The values of the stored `no_language` column (the column keeps its version-3 name).
NO_GAP, LANGUAGE_GAP, STOCK_GAP = 0, 1, 2

assert all(rule.paragraph in PARAGRAPHS for rule in RULES)
assert len(RULES) <= 9 and "none" in CENTRE_ACTIONS
