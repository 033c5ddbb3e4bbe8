"""What may never enter the log: a Belgian national register number, however it is written.

The free-text fields of a record (the case reference, a note) and every code (unit, officer)
refuse anything with the structure of a national register or BIS number. Standard library
only: the hand-over path uses it.
"""

from __future__ import annotations

import unicodedata

# A Belgian national register number (and the BIS number of a foreigner, built the same
# way): YYMMDD, a 3-digit serial, a 2-digit check. Found in any script's digits, grouped
# in any way with up to this many separator characters between groups ("85 07 30 / 033 28"),
# and confirmed by its mod-97 check, so an ordinary 11-digit number is not refused.
NATIONAL_NUMBER_DIGITS = 11
NATIONAL_NUMBER_GAP = 3


def looks_like_national_number(text: str) -> bool:
    """True when `text` holds a Belgian national register (or BIS) number.

    Digits of any script count (full-width, Arabic-Indic, Persian, Devanagari …, through
    unicodedata.digit); groups of digits separated by at most NATIONAL_NUMBER_GAP characters
    that are neither digits nor letters form one run, and any whole groups of a run that
    together hold 11 digits are a candidate: `85073003328`, `85.07.30-033.28`,
    `85 07 30 / 033 28`, `８５０７３０…`. A group of more than 11 digits is a longer number,
    not a national number. A candidate is one when it has the number's structure
    (_national_structure): a birth date YYMMDD (the month plus 20 or 40 in a BIS number, 00
    where the date is unknown), a serial 001-998, and the mod-97 check. A single digit glued
    to a letter (the `L1` of a police report number `PV.30.L1.419654/2026`) belongs to a
    code, and never starts a candidate.
    """
    return any(_national_structure(candidate) for candidate in _candidates(text))


def _candidates(text: str):
    """11-digit strings made of whole digit groups of `text` (see looks_like_national_number)."""
    for run, glued in _digit_runs(text):
        for start in range(len(run)):
            if start in glued:
                continue
            total = 0
            for end in range(start, len(run)):
                total += len(run[end])
                if total >= NATIONAL_NUMBER_DIGITS:
                    if total == NATIONAL_NUMBER_DIGITS:
                        yield "".join(run[start:end + 1])
                    break


def _digit_runs(text: str) -> list[tuple[list[str], set[int]]]:
    """The digit groups of `text` (as ASCII digits), in runs: a letter, or more than
    NATIONAL_NUMBER_GAP other characters, ends a run. With each run, the indexes of its
    one-digit groups that follow a letter directly (`L1`: part of a code)."""
    runs: list[tuple[list[str], set[int]]] = []
    run: list[str] = []
    glued: set[int] = set()
    group: list[str] = []
    gap = 0
    after_letter = False  # the current group began right after a letter
    previous = ""
    for ch in text:
        digit = unicodedata.digit(ch, None)
        if digit is not None:
            if not group:
                after_letter = bool(previous) and unicodedata.category(previous)[0] in "LM"
            group.append(chr(48 + digit))
            gap = 0
            previous = ch
            continue
        if group:
            if after_letter and len(group) == 1:
                glued.add(len(run))
            run.append("".join(group))
            group = []
        gap += 1
        if run and (gap > NATIONAL_NUMBER_GAP or unicodedata.category(ch)[0] in "LM"):
            runs.append((run, glued))
            run, glued = [], set()
        previous = ch
    if group:
        if after_letter and len(group) == 1:
            glued.add(len(run))
        run.append("".join(group))
    if run:
        runs.append((run, glued))
    return runs


def _national_structure(digits: str) -> bool:
    """An 11-digit string that is built as a national register or BIS number: YYMMDD with a
    month 00-12 (a BIS number adds 20 or 40) and a day 00-31 that exists in that month, a
    serial 001-998, and the mod-97 check."""
    month, day, serial = int(digits[2:4]), int(digits[4:6]), int(digits[6:9])
    if month >= 40:
        month -= 40
    elif month >= 20:
        month -= 20
    if month > 12 or day > (31 if month in (0, 1, 3, 5, 7, 8, 10, 12) else
                            29 if month == 2 else 30):
        return False
    if not 1 <= serial <= 998:
        return False
    return _national_check(digits)


def _national_check(digits: str) -> bool:
    """The mod-97 check of an 11-digit national number: 97 − (first 9 digits mod 97), with
    "2" put before the 9 digits for people born in 2000 or later."""
    body, check = digits[:9], int(digits[9:])
    return check in (97 - int(body) % 97, 97 - int("2" + body) % 97)
