"""What the checks of a catalogue and the translation workflow share: a Finding (its check id,
severity, file and line, message), the check ids, and how long a translation may be.

Errors make `leaflet check` exit 1 and stop a build, a review, an import or a print order;
warnings do not (unless --release). Standard library only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, WARNING = "error", "warning"
# A translation may be this many times as long as its English source, plus a margin for
# very short ones: Tamil or Malayalam run to about 2.5 times English; anything beyond is a
# paste accident, and checking it would cost time growing with its length.
LENGTH_FACTOR, LENGTH_MARGIN = 5, 100


DATA_CHECKS = ("DATA-UNVERIFIED", "DATA-STALE")


CHECK_IDS = {
    "PO-SYNTAX": "the catalogue cannot be parsed",
    "PO-CHARSET": "the catalogue is not declared as UTF-8",
    "PO-PLURAL-FORMS": "Plural-Forms disagrees with CLDR's plural rules for the language",
    "PO-LANGUAGE": "the Language header does not name the catalogue's language",
    "PO-REVIEW": "the review status header is missing or incomplete, or the text changed "
                 "since the review (warning)",
    "UNTRANSLATED": "an entry has no translation",
    "FUZZY": "an entry is marked fuzzy (needs review)",
    "STALE": "the catalogue does not match translations/messages.pot",
    "PLACEHOLDERS": "the %(name)s placeholders of msgstr differ from msgid's",
    "NUMBERS": "msgstr holds a number msgid lacks, or a digit beside a placeholder (it "
               "would change a printed figure: 1%(days)s prints 145)",
    "MARKUP": "msgstr has tags msgid lacks, tags off the allow-list, or something that runs",
    "CONTACT": "msgstr contains a phone number, e-mail, URL or postcode msgid lacks",
    "INVISIBLE": "msgstr holds a direction, format or control character (U+202E, U+200B, ...)",
    "MIXED-SCRIPT": "a word of msgstr mixes letters of two scripts (a Cyrillic а in Latin)",
    "LENGTH": "msgstr is far longer than its msgid could need",
    "TERMS": "msgstr does not use the language's agreed term (translations/<locale>/terms.tbx)",
    "DATA-INVALID": "a contact detail is not valid for its kind (phone, e-mail, website)",
    "GLYPHS": "a character the PDF prints is missing from the language's fonts",
    "LAYOUT": "the rendered leaflet does not keep its pages, overflows one, or prints body "
              "text under 9 pt",
    "FILL": "a page of the rendered leaflet is less than 60 % full (warning)",
    "DATA-UNVERIFIED": "a contact detail has no verified-on date",
    "DATA-STALE": "a contact detail was verified more than 12 months ago",
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
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{where}: {self.check}: {prefix}{self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def length_bound(msgid: str) -> int:
    return LENGTH_FACTOR * len(msgid) + LENGTH_MARGIN
