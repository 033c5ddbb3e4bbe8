"""What the checks of a catalogue and the translation workflow share: a Finding (its check id,
severity, file and line, message), the check ids, and how long a translation may be.

Errors make `leaflet check` exit 1 and stop a build, a review, an import or a print order;
warnings do not (unless --release). Standard library only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from leaflet.i18n import N_, _

ERROR, WARNING = "error", "warning"
# A translation may be this many times as long as its English source, plus a margin for
# very short ones: Tamil or Malayalam run to about 2.5 times English; anything beyond is a
# paste accident, and checking it would cost time growing with its length.
LENGTH_FACTOR, LENGTH_MARGIN = 5, 100


DATA_CHECKS = ("DATA-UNVERIFIED", "DATA-STALE")
# A detail at confidence U: a release refuses it whatever --allow-unverified says.
UNCONFIRMED_CHECK = "DATA-UNCONFIRMED"


# What each check id means, for a list of the checks. The ids are codes (never translated);
# the descriptions are shown with _(CHECK_IDS[check_id]).
CHECK_IDS = {
    "PO-SYNTAX": N_("the catalogue cannot be parsed"),
    "PO-CHARSET": N_("the catalogue is not declared as UTF-8"),
    "PO-PLURAL-FORMS": N_("Plural-Forms disagrees with CLDR's plural rules for the language"),
    "PO-LANGUAGE": N_("the Language header does not name the catalogue's language"),
    "PO-REVIEW": N_("the review status header is missing or incomplete, or the text changed "
                    "since the review (warning)"),
    "UNTRANSLATED": N_("an entry has no translation"),
    "FUZZY": N_("an entry is marked fuzzy (needs review)"),
    "STALE": N_("the catalogue does not match translations/messages.pot"),
    # Translators: "%(name)s" is printed as it stands (it is not filled in): it shows what a
    # placeholder looks like in a catalogue. Keep it as it is.
    "PLACEHOLDERS": N_("the %(name)s placeholders of msgstr differ from msgid's"),
    # Translators: "1%(days)s" is printed as it stands (it is not filled in): an example of a
    # digit typed beside a placeholder. Keep it as it is.
    "NUMBERS": N_("msgstr holds a number msgid lacks, or a digit beside a placeholder (it "
                  "would change a printed figure: 1%(days)s prints 145)"),
    "MARKUP": N_("msgstr has tags msgid lacks, tags off the allow-list, or something that runs"),
    "CONTACT": N_("msgstr contains a phone number, e-mail, URL or postcode msgid lacks"),
    "INVISIBLE": N_("msgstr holds a direction, format or control character (U+202E, U+200B, "
                    "...)"),
    "MIXED-SCRIPT": N_("a word of msgstr mixes letters of two scripts (a Cyrillic а in Latin)"),
    "LENGTH": N_("msgstr is far longer than its msgid could need"),
    "TERMS": N_("msgstr does not use the language's agreed term "
                "(translations/<locale>/terms.tbx)"),
    "DATA-INVALID": N_("a contact detail is not valid for its kind (phone, e-mail, website)"),
    "GLYPHS": N_("a character the PDF prints is missing from the language's fonts"),
    "LAYOUT": N_("the rendered leaflet does not keep its pages, overflows one, or prints body "
                 "text under 9 pt"),
    # Translators: shown as it stands (no placeholder is filled in): write a percent sign
    # as a plain %.
    "FILL": N_("a page of the rendered leaflet is less than 60 percent full (warning)"),
    "DATA-UNVERIFIED": N_("a contact detail has no verified-on date"),
    "DATA-STALE": N_("a contact detail was verified more than 12 months ago"),
    "DATA-UNCONFIRMED": N_("a contact detail is at confidence U (not established): a release "
                           "never prints it"),
}


FRESH_MONTHS = 12


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    path: str
    line: int | None
    message: str
    lang: str | None = None
    subject: str | None = None  # what the finding is about, e.g. the detail `payoke.phone`

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.severity == WARNING:
            # Translators: %(where)s is a file and line, %(check)s a check id like FUZZY
            # (a code: never translated), %(message)s what the check found.
            return _("%(where)s: %(check)s: warning: %(message)s") % {
                "where": where, "check": self.check, "message": self.message}
        return f"{where}: {self.check}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def length_bound(msgid: str) -> int:
    return LENGTH_FACTOR * len(msgid) + LENGTH_MARGIN
