"""Contact details validated by kind: phone numbers, e-mail addresses, websites.

A helpline typed as `078 O55 8OO` looks right on paper and dials another number from the
QR code. Phone numbers are therefore parsed with `phonenumbers` (Google's libphonenumber
data) as Belgian or international numbers: the printed form may hold only digits and the
usual separators, its digits must be exactly the parsed number's (national `0…` or
international `+32…`), the number must be valid (or a valid Belgian short number such as
112), and the `tel:` payload of a QR code is derived from the parsed number, never from the
text. Two details of one organisation (`phone`, `phone_international`) must be the same
number. E-mail addresses go through `email-validator` without any network look-up;
websites are checked when leaflet.toml is read (workspace.url_problem).

Which detail is which kind is decided by its key: `phone*` and `fax*` are phone numbers,
`email*` e-mail addresses, `website*` websites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from leaflet.i18n import _

REGION = "BE"
_PRINTABLE_PHONE = re.compile(r"^\+?[0-9(][0-9 ./()-]*[0-9]$")


class ContactProblem(ValueError):
    """A detail that is not what its kind says it must be; str() says what is wrong."""


@dataclass(frozen=True)
class Problem:
    table: str  # organisations.payoke
    key: str  # phone
    name: str  # payoke.phone
    message: str


def is_phone_key(key: str) -> bool:
    return key.startswith(("phone", "fax"))


def parse_phone(text: str):
    """The phonenumbers.PhoneNumber of a printed number; ContactProblem when it is not one."""
    import phonenumbers
    from phonenumbers import shortnumberinfo

    if not isinstance(text, str) or not _PRINTABLE_PHONE.match(text):
        odd = next((ch for ch in str(text) if not (ch.isdigit() and ch.isascii())
                    and ch not in " ./()-+"), None)
        if odd is not None:
            # Translators: this and the following reasons follow a detail's name and value,
            # like "payoke.phone '078 O55 8OO' holds 'O' where …"; %(character)s is quoted.
            message = (_("holds %(character)s where a phone number has only ASCII digits "
                         "and separators (a letter O for a zero?)") if odd in "oOlI" else
                       _("holds %(character)s where a phone number has only ASCII digits "
                         "and separators"))
            raise ContactProblem(message % {"character": repr(odd)})
        raise ContactProblem(_("is not a phone number (digits, with spaces, dots or dashes)"))
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException as exc:
        # Translators: %(reason)s is libphonenumber's own (English) message.
        raise ContactProblem(_("is not a phone number (%(reason)s)") % {"reason": exc}) \
            from None
    digits = "".join(ch for ch in text if ch.isdigit())
    national = phonenumbers.national_significant_number(number)
    short = (number.country_code == 32 and not text.startswith(("+", "00"))
             and shortnumberinfo.is_valid_short_number_for_region(number, REGION))
    if text.startswith("+"):
        expected = f"{number.country_code}{national}"
    elif text.startswith("00"):
        expected = f"00{number.country_code}{national}"
    elif short:
        expected = national
    else:
        expected = "0" + national  # Belgium's trunk prefix
    readable = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if number.extension or digits != expected:
        # Translators: %(number)s is the number as parsed, like +32 78 05 58 00.
        raise ContactProblem(_("reads as %(number)s, which is not what is printed")
                             % {"number": readable})
    if not short and not phonenumbers.is_valid_number(number):
        raise ContactProblem(_("is not a valid number (%(number)s) in libphonenumber's data "
                               "(a digit too many or too few?)") % {"number": readable})
    # A number a frightened reader pays for by the minute (090x in Belgium) is never one the
    # leaflet prints, whatever a source says.
    premium = (shortnumberinfo.expected_cost_for_region(number, REGION)
               == shortnumberinfo.ShortNumberCost.PREMIUM_RATE if short else
               phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.PREMIUM_RATE)
    if premium:
        raise ContactProblem(_("is a premium-rate number (%(number)s): the leaflet never "
                               "prints one (check the number at its source)")
                             % {"number": readable})
    return number


def e164(text: str) -> str:
    """`078 055 800` -> `+3278055800` (ContactProblem when it is not a valid number)."""
    import phonenumbers

    number = parse_phone(text)
    if not phonenumbers.is_valid_number(number):  # parse_phone let it through as short: 112
        return phonenumbers.national_significant_number(number)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def tel_uri(text: str) -> str:
    """The `tel:` payload of a QR code for a printed number (RFC 3966), in the form it is
    printed: a national number stays national (`tel:078055800`), an international one
    is E.164. Parsed and validated first (`078 O55 8OO` is refused, never encoded)."""
    number = e164(text)
    if str(text).strip().startswith("+"):
        return "tel:" + number
    return "tel:" + "".join(ch for ch in str(text) if ch.isdigit())


def check_email(text: str) -> None:
    from email_validator import EmailNotValidError, validate_email

    if not isinstance(text, str) or not text.isascii():
        odd = next((ch for ch in str(text) if not ch.isascii()), "?")
        # Translators: %(character)s is the character, quoted; %(code)s its code point,
        # like U+0430.
        raise ContactProblem(_("holds %(character)s (%(code)s): a printed e-mail address is "
                               "ASCII only (an internationalised address can imitate another "
                               "one letter for letter)")
                             % {"character": repr(odd), "code": f"U+{ord(odd):04X}"})
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        # Translators: %(reason)s is the e-mail validator's own (English) message.
        raise ContactProblem(_("is not a valid e-mail address (%(reason)s)")
                             % {"reason": exc}) from None
    if result.normalized.lower() != text.lower():
        raise ContactProblem(_("is not written as a plain address (it reads as "
                               "%(address)s)") % {"address": result.normalized})


def problems(workspace) -> list[Problem]:
    """Every contact detail of leaflet.toml that is not valid for its kind."""
    from leaflet.textsafety import clip
    from leaflet.workspace import PRINTED_PHONES

    found = []
    for org_id, keys in PRINTED_PHONES.items():  # what every leaflet and card prints
        org = workspace.organisations.get(org_id)
        for key in keys:
            if org is None or key not in org.details:
                # Translators: %(id)s is an organisation's id and %(key)s a detail, like
                # payoke and phone (names in leaflet.toml, not translated).
                message = _("%(id)s.%(key)s is missing: every leaflet prints it "
                            "(add [organisations.%(id)s] %(key)s with its source "
                            "and verified_on)") % {"id": org_id, "key": key}
                found.append(Problem(f"organisations.{org_id}" if org else "organisations",
                                     None if org is None else "name", f"{org_id}.{key}",
                                     message))
    for org in workspace.organisations.values():
        table = f"organisations.{org.id}"
        numbers: dict[str, str] = {}
        for key, detail in org.details.items():
            name = f"{org.id}.{key}"
            try:
                if is_phone_key(key):
                    numbers[key] = e164(detail.value)
                elif key.startswith("email"):
                    check_email(detail.value)
            except ContactProblem as exc:
                found.append(Problem(table, key, name, f"{name} {clip(detail.value)} {exc}"))
        if {"phone", "phone_international"} <= set(numbers):
            if numbers["phone"] != numbers["phone_international"]:
                message = _("%(id)s.phone and %(id)s.phone_international are "
                            "different numbers (%(phone)s and %(international)s)") % {
                    "id": org.id, "phone": numbers["phone"],
                    "international": numbers["phone_international"]}
                found.append(Problem(table, "phone_international", f"{org.id}.phone_international",
                                     message))
    return found


def require_valid(workspace) -> None:
    """ConfigError (file:line) for the first invalid contact detail."""
    from leaflet.errors import ConfigError

    found = problems(workspace)
    if found:
        first = found[0]
        message = first.message
        if len(found) > 1:
            # Translators: %(message)s is the first problem found, %(count)s how many others.
            message = _("%(message)s (and %(count)s more: run `leaflet check`)") % {
                "message": first.message, "count": len(found) - 1}
        raise ConfigError(message, path=workspace.path,
                          line=workspace.line_of(first.table, first.key),
                          hint=_("fix the detail in leaflet.toml; the QR code dials what is "
                                 "parsed"))
