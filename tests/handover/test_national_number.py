"""No national register number enters the log, however it is written: any script's digits,
any grouping and separator, confirmed by the number's own mod-97 check so that ordinary
numbers (a police report number with 11 digits) still pass."""

from __future__ import annotations

import pytest

from leaflet.identifiers import looks_like_national_number

# Valid numbers, their check computed by hand (docs/log-format.md gives the rule).
BEFORE_2000 = ["85073003328",   # 85.07.30-033.28, the example of the format doc
               "93051822361",   # 93.05.18-223.61
               "85072996497"]   # first nine ≡ 0 (mod 97): the check is 97
SINCE_2000 = ["01020312345",    # born 2001-02-03: 97 − (2010203123 mod 97) = 45
              "17051204516",    # born 2017-05-12
              "00010100105"]    # born 2000-01-01
BIS = ["85473003317"]           # a foreigner's BIS number: month + 40, the same check
VALID = BEFORE_2000 + SINCE_2000 + BIS

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


def spellings(n: str) -> list[str]:
    """One number in the ways people write it."""
    yymmdd, serial, check = n[:6], n[6:9], n[9:]
    yy, mm, dd = n[:2], n[2:4], n[4:6]
    return [
        n,
        f"{yy}.{mm}.{dd}-{serial}.{check}",
        f"{yy}{mm}{dd} {serial} {check}",
        f"{yy}{mm}{dd}-{serial}-{check}",
        f"{yy} {mm} {dd} / {serial} {check}",
        f"{yy}/{mm}/{dd}/{serial}/{check}",
        f"{yy}_{mm}_{dd}_{serial}_{check}",
        f"{yy}, {mm}, {dd}, {serial}, {check}",
        f"({yy}{mm}{dd}) {serial}-{check}",
        f"{yymmdd}\u00a0{serial}\u00a0{check}",      # no-break spaces
        f"{yy}\u2013{mm}\u2013{dd}\u2013{serial}{check}",  # en dashes
        n[:4] + " " + n[4:8] + " " + n[8:],          # grouped by four
        n.translate(FULL_WIDTH),
        f"{yy}.{mm}.{dd}-{serial}.{check}".translate(FULL_WIDTH),
        n.translate(ARABIC_INDIC),
        f"{yymmdd} {serial} {check}".translate(ARABIC_INDIC),
        n.translate(PERSIAN),
        n.translate(DEVANAGARI),
        yymmdd.translate(ARABIC_INDIC) + "-" + serial + "." + check.translate(PERSIAN),
        yy + mm.translate(FULL_WIDTH) + dd + serial.translate(ARABIC_INDIC) + check,
        f"NN {n}", f"PV-{n}", f"see {yy}.{mm}.{dd}-{serial}.{check}, thanks",
        f"rrn:{n}", f"BE{n}",
    ]


@pytest.mark.parametrize("number", VALID)
def test_a_valid_number_is_found_in_every_spelling(number):
    missed = [text for text in spellings(number) if not looks_like_national_number(text)]
    assert not missed


@pytest.mark.parametrize("text", [
    "85073003329",           # the check does not hold (28 would)
    "12345678901",           # a police report number with 11 digits
    "PV 123 456 789 01",
    "２０２６０１２３４５６",  # full-width, check wrong
    "٠١٢٣٤٥٦٧٨٩٠",           # Arabic-Indic, check wrong
    "01020312399",           # neither check (16 before 2000, 45 since) holds
    "PV/2026/004512", "BR.12.L3.004512/26", "2026-0012", "2026-11-02 14:30",
    "850730033280",          # 12 digits: a longer number, not a national number
    "9850730033281",
])
def test_ordinary_numbers_pass(text):
    assert not looks_like_national_number(text), text


def test_either_century_counts():
    # 97 − (010203123 mod 97) = 16: someone born on 3 February 1901; 45: born in 2001.
    assert looks_like_national_number("01020312316")
    assert looks_like_national_number("01020312345")


def test_letters_end_a_group_and_long_gaps_separate_numbers():
    assert not looks_like_national_number("850730 x 03328")
    assert not looks_like_national_number("8507 30    033 28")  # four spaces: two numbers
    assert looks_like_national_number("8507 30   033 28")  # three: one number


@pytest.mark.parametrize("option, value", [
    ("case_ref", "85 07 30 / 033 28"),
    ("case_ref", "８５０７３０－０３３－２８"),
    ("note", "NN ٨٥٠٧٣٠٠٣٣٢٨ said"),
    ("note", "geboren 01.02.03-123.45"),
    ("officer", "85073003328"),
    ("unit", "BE85073003328"),
], ids=["spaces-slash", "full-width", "arabic-indic", "born-2001", "officer", "unit"])
def test_the_desk_cannot_record_one(log, option, value):
    changes = {option: value}
    if option == "note":
        changes.update(leaflet="refused", leaflet_language=None)
    result = log.handover(**changes)
    assert result.exit_code == 2, result.output
    assert "national register number" in result.output
    assert value not in result.output or len(value) < 60
    assert log.count() == 0


def test_a_report_number_with_a_wrong_check_is_recorded(log):
    result = log.handover(case_ref="12345678901")
    assert result.exit_code == 0, result.output
    result = log.handover(leaflet="refused", leaflet_language=None,
                          note="PV 85073003329 opgesteld")
    assert result.exit_code == 0, result.output
    assert log.count() == 2


# --- the number's structure (the regression of PV.30.L1.419654/2026) ---------------------

def police_report_numbers(count: int, seed: int = 7) -> list[str]:
    """A realistic mix of Belgian police report numbers (procès-verbal / proces-verbaal):
    the zone's prefix, its number, a service code of a letter and a digit, a six-digit
    serial and the year, in the groupings seen on paper."""
    import random

    rng = random.Random(seed)
    shapes = ["PV.{z}.{s}.{n6}/{y4}", "{a}.{z}.{s}.{n6}/{y2}", "PV {z} {s} {n6}/{y4}",
              "{a}.{z}.{s}.{n6}/{y4}", "PV/{y4}/{n6}", "PV-{y4}-{n6}", "{a}{z}.{s}.{n6}/{y2}"]
    return [rng.choice(shapes).format(
        z=f"{rng.randint(1, 99):02d}", s=rng.choice("LFPRJ") + str(rng.randint(1, 9)),
        n6=f"{rng.randint(0, 999999):06d}", y4=rng.randint(2015, 2027),
        y2=f"{rng.randint(15, 27):02d}",
        a=rng.choice(["AN", "BR", "LI", "GE", "HA", "NA", "LE", "BG", "OU", "KO"]))
        for _ in range(count)]


def test_real_police_report_numbers_pass():
    # The filter before this joined the "1" of "L1" to the serial and the year: 921 of
    # 100,000 of this mix were refused, this one among them.
    assert not looks_like_national_number("PV.30.L1.419654/2026")
    refused = [n for n in police_report_numbers(20000) if looks_like_national_number(n)]
    assert refused == []


def valid_number(year: int, month: int, day: int, serial: int, *, bis: int = 0) -> str:
    body = f"{year % 100:02d}{month + bis:02d}{day:02d}{serial:03d}"
    base = int(("2" if year >= 2000 else "") + body)
    return body + f"{97 - base % 97:02d}"


@pytest.mark.parametrize("year, month, day, serial, bis", [
    (1985, 7, 30, 33, 0), (2001, 2, 3, 123, 0), (1999, 12, 31, 998, 0),
    (1990, 0, 0, 1, 0),        # birth date unknown: month and day 00
    (1985, 7, 30, 33, 20),     # BIS, sex unknown: month + 20
    (2004, 11, 15, 451, 40),   # BIS, sex known: month + 40
    (2000, 2, 29, 17, 0),
])
def test_every_kind_of_number_is_found_in_every_spelling(year, month, day, serial, bis):
    number = valid_number(year, month, day, serial, bis=bis)
    missed = [text for text in spellings(number) if not looks_like_national_number(text)]
    assert not missed


@pytest.mark.parametrize("text", [
    valid_number(1985, 13, 1, 33),   # no month 13
    valid_number(1985, 2, 30, 33),   # no 30 February
    valid_number(1985, 7, 30, 0),    # serial 000 is never given
    valid_number(1985, 4, 31, 33),
])
def test_a_check_that_holds_on_an_impossible_date_is_not_a_number(text):
    assert not looks_like_national_number(text)
