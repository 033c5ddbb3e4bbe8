"""A hand-made log for the report's tests, and the figures counted by hand from it.

Four units over September–November 2025 (Europe/Brussels; summer time ends on 26 October):
police zones PZ-A and PZ-B, a social inspection office SI-X, a social law inspection office
SLI-Y. The records are written the way a real log is: a JSON Lines file through
`leaflet log import`, then one correction typed at a desk through `leaflet handover --amends`.

What each record tests is said beside it. In short:
  - corrections: E3 → A1 → A5 (a correction of a correction); E2 → A2 moves the encounter to
    another unit; E6 → A3 moves it out of October, E15 → A4 moves it into October; E11 is
    corrected twice (A6, then A7 at the desk): only A7 counts, not both;
  - the edges of October: E12 at 23:30 on 31 October (in), E13 at 00:30 on 1 November (out,
    though it is still 31 October in UTC), E14 at 00:30 on 1 October (in, though it is still
    30 September in UTC), E15 at 23:30 on 30 September (out);
  - refusals (E4, E8), an implicated person put in contact with a centre (E10), residence
    unknown for a victim (A5: FOREIGNERS-DEPT does not apply), people with several languages
    (E1, E6, E7, E12, E16), languages without a leaflet (E5, E7, E12: the language gaps).
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

TZ = "Europe/Brussels"
OCTOBER = ("2025-10-01", "2025-11-01")
NOVEMBER = ("2025-11-01", "2025-12-01")


def rid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def encounter(n: int, occurred_at: str, unit: str, assessment: str, residence: str,
              languages: list[str], leaflet: str, *, language=None, edition=None, reason=None,
              note=None, action="none", centre=None, informed=None, amends=None) -> dict:
    service = {"PZ": "police", "SI": "social-inspection", "SLI": "social-law-inspection"}[
        unit.split("-")[0]]
    return {
        "id": rid(n), "occurred_at": occurred_at, "service": service, "unit": unit,
        "officer": "T0001", "assessment": assessment, "residence_status": residence,
        "person_languages": languages, "leaflet": leaflet, "leaflet_language": language,
        "leaflet_edition": edition, "not_given_reason": reason, "not_given_note": note,
        "centre_action": action, "centre": centre, "foreigners_dept_informed": informed,
        "amends": amends, "case_ref": None,
    }


E = {n: rid(n) for n in range(1, 17)}
A = {n: rid(100 + n) for n in range(1, 7)}

RECORDS = [
    # victim, illegal: everything done
    encounter(1, "2025-10-03T10:00:00+02:00", "PZ-A", "victim", "illegal", ["ti", "ar"],
              "given", language="ti", edition="2025-06", action="intake", centre="payoke",
              informed=True),
    # victim, provisional, Foreigners Department NOT informed; recorded under the wrong unit
    encounter(2, "2025-10-05T11:00:00+02:00", "PZ-A", "victim", "provisional", ["ro"],
              "given", language="ro", edition="2025-06", action="intake", centre="pag-asa",
              informed=False),
    # victim, residence unknown: leaflet in a language the person does not read, no intake
    encounter(3, "2025-10-07T09:30:00+02:00", "PZ-A", "victim", "unknown", ["bg"],
              "given", language="en", edition="2025-06", action="contact_arranged",
              centre="payoke"),
    # victim, legal: refused the leaflet; only a contact arranged, no intake
    encounter(4, "2025-10-09T15:00:00+02:00", "PZ-B", "victim", "legal", ["vi"],
              "refused", note="did not want any paper", action="contact_arranged",
              centre="surya"),
    # victim, illegal: no leaflet in Lingala; Foreigners Department: not stated (null)
    encounter(5, "2025-10-11T08:00:00+02:00", "PZ-B", "victim", "illegal", ["ln"],
              "not_given", reason="no_language", action="intake", centre="payoke"),
    # uncertain, three languages; later corrected to another date (A3)
    encounter(6, "2025-10-13T13:00:00+02:00", "PZ-B", "uncertain", "unknown",
              ["ti", "am", "ar"], "given", language="am", edition="2025-06",
              action="contact_arranged", centre="payoke"),
    # uncertain: no leaflet in Wolof nor Fula, and nobody asked about a centre
    encounter(7, "2025-10-15T10:00:00+02:00", "SI-X", "uncertain", "legal", ["wo", "ff"],
              "not_given", reason="no_language"),
    # uncertain, illegal: refused the leaflet, declined the centre's contact
    encounter(8, "2025-10-17T10:00:00+02:00", "SI-X", "uncertain", "illegal", ["ar"],
              "refused", action="contact_declined", centre="payoke"),
    # implicated: no leaflet, no centre
    encounter(9, "2025-10-19T10:00:00+02:00", "SLI-Y", "implicated", "illegal", ["ru"],
              "not_given", reason="implicated"),
    # implicated, yet put in contact with a centre: a violation of §5.3
    encounter(10, "2025-10-21T10:00:00+02:00", "SLI-Y", "implicated", "unknown", ["ro"],
              "given", language="ro", edition="2025-10", action="contact_arranged",
              centre="pag-asa"),
    # uncertain, language unknown; corrected twice (A6, then A7 at the desk)
    encounter(11, "2025-10-23T16:00:00+02:00", "PZ-A", "uncertain", "unknown", ["und"],
              "not_given", reason="other", note="no interpreter reachable"),
    # victim at 23:30 on the last day of October (UTC: 22:30, same day)
    encounter(12, "2025-10-31T23:30:00+01:00", "PZ-A", "victim", "illegal", ["ln", "wo"],
              "not_given", reason="no_language", action="intake", centre="payoke",
              informed=True),
    # 00:30 on 1 November: November, though still 31 October in UTC
    encounter(13, "2025-11-01T00:30:00+01:00", "PZ-A", "uncertain", "unknown", ["ti"],
              "given", language="ti", edition="2025-10", action="contact_arranged",
              centre="surya"),
    # 00:30 on 1 October: October, though still 30 September in UTC
    encounter(14, "2025-10-01T00:30:00+02:00", "PZ-B", "uncertain", "legal", ["fa"],
              "given", language="fa", edition="2025-06", action="contact_arranged",
              centre="payoke"),
    # 23:30 on 30 September: September; corrected to 2 October (A4)
    encounter(15, "2025-09-30T23:30:00+02:00", "PZ-B", "victim", "illegal", ["so"],
              "given", language="so", edition="2025-06", action="intake", centre="payoke",
              informed=True),
    # uncertain: Nigerian Pidgin and English, given a French leaflet
    encounter(16, "2025-10-25T14:00:00+02:00", "PZ-A", "uncertain", "unknown", ["pcm", "en"],
              "given", language="fr", edition="2025-10", action="contact_declined",
              centre="surya"),
]
BY_ID = {r["id"]: r for r in RECORDS}


def correction(n: int, of: str, **changes) -> dict:
    base = BY_ID[of] if of in BY_ID else CORRECTIONS_BY_ID[of]
    return dict(base, id=rid(100 + n), amends=of, **changes)


CORRECTIONS_BY_ID: dict[str, dict] = {}
for _n, _of, _changes in [
    (1, E[3], {"leaflet_language": "bg"}),  # the language was mistyped
    (2, E[2], {"unit": "PZ-B"}),  # the unit was wrong
    (3, E[6], {"occurred_at": "2025-11-02T13:00:00+01:00"}),  # the date was wrong: November
    (4, E[15], {"occurred_at": "2025-10-02T10:00:00+02:00"}),  # the date was wrong: October
    (5, A[1], {"centre_action": "intake"}),  # a correction of the correction
    (6, E[11], {"not_given_note": "no interpreter reachable by phone"}),
]:
    CORRECTIONS_BY_ID[rid(100 + _n)] = correction(_n, _of, **_changes)
CORRECTIONS = list(CORRECTIONS_BY_ID.values())

# The second correction of E11, typed at a desk (after A6): the person turned out to read
# Arabic, got the leaflet (edition not recorded) and a contact was arranged.
DESK_CORRECTION = [
    "handover", "--amends", E[11], "--occurred-at", "2025-10-23T16:00:00+02:00",
    "--service", "police", "--unit", "PZ-A", "--officer", "T0001",
    "--assessment", "uncertain", "--residence-status", "unknown", "--person-language", "ar",
    "--leaflet", "given", "--leaflet-language", "ar", "--centre-action", "contact_arranged",
    "--centre", "payoke",
]


def run(args: list[str], db_url: str, workspace: Path | None = None):
    from leaflet.cli import cli

    prefix = ["--workspace", str(workspace)] if workspace else []
    return CliRunner().invoke(cli, [*prefix, *args, "--db", db_url], catch_exceptions=False)


def write_log(db_url: str, folder: Path) -> str:
    """The hand-made log in the database at `db_url`; returns the desk correction's id (A7)."""
    path = folder / "station.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS + CORRECTIONS),
                    encoding="utf-8")
    imported = run(["log", "import", str(path)], db_url)
    assert imported.exit_code == 0, imported.output
    desk = run(DESK_CORRECTION, db_url)
    assert desk.exit_code == 0, desk.output
    return desk.stdout.strip()


def rules(**figures: tuple[int, int, int, int]) -> dict:
    """{rule id: (applicable, met, refused, not_met)} with the ids spelt as in the docs."""
    return {name.replace("_", "-"): value for name, value in figures.items()}


# --- the figures, counted by hand --------------------------------------------------------------
# October counts E1, A2, A5, E4, E5, E7, E8, E9, E10, A7, E12, E14, A4, E16: fourteen
# encounters, four of them through a correction (A2, A5, A7, A4).
OCTOBER_RULES = rules(
    # possible victims: E1 A2 A5 E4 E5 E7 E8 A7 E12 E14 A4 E16; given: E1 A2 A5 A7 E14 A4 E16;
    # refused: E4 E8; not given: E5 E7 E12
    LEAFLET_GIVEN=(12, 7, 2, 3),
    # given to a possible victim: those seven; E16's French leaflet is the one miss
    LEAFLET_LANGUAGE=(7, 6, 0, 1),
    # victims: E1 A2 A5 E4 E5 E12 A4; E4 had only a contact arranged
    CENTRE_INTAKE=(7, 6, 0, 1),
    # victims, illegal or provisional: E1 A2 E5 E12 A4 (A5: residence unknown, E4: legal);
    # A2 not informed, E5 not stated
    FOREIGNERS_DEPT=(5, 3, 0, 2),
    # uncertain: E7 E8 A7 E14 E16; nobody asked E7
    CENTRE_CONTACT=(5, 4, 0, 1),
    # implicated: E9 E10; E10 was put in contact
    NO_CENTRE_FOR_IMPLICATED=(2, 1, 0, 1),
)
OCTOBER_VIOLATIONS = [  # oldest first; within an encounter, in the order of the rules
    (A[2], "FOREIGNERS-DEPT"),
    (E[4], "CENTRE-INTAKE"),
    (E[5], "LEAFLET-GIVEN"), (E[5], "FOREIGNERS-DEPT"),
    (E[7], "LEAFLET-GIVEN"), (E[7], "CENTRE-CONTACT"),
    (E[10], "NO-CENTRE-FOR-IMPLICATED"),
    (E[16], "LEAFLET-LANGUAGE"),
    (E[12], "LEAFLET-GIVEN"),
]
OCTOBER_GAPS = [("ln", 2), ("wo", 2), ("ff", 1)]  # E5, E12 / E7, E12 / E7
OCTOBER_EDITIONS = [("2025-06", 5), ("2025-10", 2), (None, 1)]  # E1 A2 A5 E14 A4 / E10 E16 / A7
OCTOBER_BY_UNIT = {  # unit: (encounters, LEAFLET-GIVEN as (applicable, met, refused, not_met))
    "PZ-A": (5, (5, 4, 0, 1)),  # E1 A5 A7 E12 E16 (A2 moved E2 away)
    "PZ-B": (5, (5, 3, 1, 1)),  # A2 E4 E5 E14 A4
    "SI-X": (2, (2, 0, 1, 1)),  # E7 E8
    "SLI-Y": (2, (0, 0, 0, 0)),  # E9 E10: implicated
}
OCTOBER_BY_SERVICE = {"police": 10, "social-inspection": 2, "social-law-inspection": 2}
OCTOBER_BY_LANGUAGE = {  # every language of every encounter
    "ar": 3, "bg": 1, "en": 1, "fa": 1, "ff": 1, "ln": 2, "pcm": 1, "ro": 2, "ru": 1,
    "so": 1, "ti": 1, "vi": 1, "wo": 2,
}
# November: A3 (E6 moved) and E13.
NOVEMBER_RULES = rules(LEAFLET_GIVEN=(2, 2, 0, 0), LEAFLET_LANGUAGE=(2, 2, 0, 0),
                       CENTRE_INTAKE=(0, 0, 0, 0), FOREIGNERS_DEPT=(0, 0, 0, 0),
                       CENTRE_CONTACT=(2, 2, 0, 0), NO_CENTRE_FOR_IMPLICATED=(0, 0, 0, 0))


def build_synthetic_log(path: Path, records: int, seed: int) -> None:
    """A SQLite log at `path` of `records` seeded encounters of the report benchmark's mix
    (benchmarks/report.py, loaded by path: the name `report` is this test package's)."""
    import importlib.util

    root = Path(__file__).resolve().parent.parent.parent
    spec = importlib.util.spec_from_file_location("report_benchmark",
                                                  root / "benchmarks" / "report.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.build_database(path, records, seed=seed, quiet=True)
