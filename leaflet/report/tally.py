"""From the rows the report's statements return to the Report's figures: standard library only.

Both readers of the log use these functions: leaflet.report.query (SQLAlchemy Core, every
backend and every option) and leaflet.report.fast_reader (the standard library's sqlite3, for
a SQLite log at the current schema version), so the two cannot count differently. The rows
are those of the statements described in leaflet.report.query: counts per
(grp, outcomes, no_language, correction), the records to follow up, the language gap
records and the editions.
"""

from __future__ import annotations

from leaflet.report.model import (Detail, EditionCount, Group, LanguageGap, Report,
                                  RuleFigures, StockGap, Violation)
from leaflet.duties.rules import DIGITS, LANGUAGE_GAP, NOT_MET, RULES, STOCK_GAP
from leaflet.i18n import N_, _
# From this many records, the second snapshot and thread share the work (both readers).
PARALLEL_FROM = 100_000
CHUNK = 5000  # record numbers per statement: far below any driver's parameter limit


def chunked(seqs: list[int]):
    for start in range(0, len(seqs), CHUNK):
        yield seqs[start:start + CHUNK]


def merge(parts) -> dict:
    """{key: n} from `parts`, a list of (sign, rows) whose last column is a count and the
    others its key: counts added, each multiplied by its part's sign. The counts of the
    latest versions are those of every version (+1) minus those of the replaced ones (-1)."""
    merged: dict = {}
    for sign, found in parts:
        for *key, n in found:
            key = tuple(key)
            merged[key] = merged.get(key, 0) + sign * n
    return merged


def figures(counts: dict) -> tuple[int, int, tuple[RuleFigures, ...]]:
    """(encounters, corrected, the RuleFigures) of {(…, outcomes, no_language, correction): n}."""
    tally = [[0, 0, 0, 0] for _ in RULES]
    encounters = corrected = 0
    for (*_, digits, _no_language, correction), n in counts.items():
        encounters += n
        corrected += n if correction else 0
        for i, digit in enumerate(digits):
            tally[i][DIGITS.index(digit)] += n
    found = []
    for rule, (_, met, refused, not_met) in zip(RULES, tally):
        found.append(RuleFigures(rule.id, rule.duty, rule.paragraph, rule.paragraph_text,
                                 met + refused + not_met, met, refused, not_met))
    return encounters, corrected, tuple(found)


def gap_outcomes(counts: dict) -> list[str]:
    """The outcome strings of records with no leaflet in a language the person reads."""
    return sorted({key[-3] for key, n in counts.items() if n and key[-2] == LANGUAGE_GAP})


def stock_gap_outcomes(counts: dict) -> list[str]:
    """The outcome strings of records not given for want of a printed copy (no_copy)."""
    return sorted({key[-3] for key, n in counts.items() if n and key[-2] == STOCK_GAP})


def stock_gaps(found, replaced: set[int]) -> list[StockGap]:
    """Per unit and language the person reads, from (seq, unit, code) rows of the stock-gap
    records of every version, the latest versions only; by unit, then most encounters."""
    totals: dict = {}
    for seq, unit, code in found:
        if seq not in replaced:
            totals[(unit, code)] = totals.get((unit, code), 0) + 1
    return [StockGap(unit, code, n)
            for (unit, code), n in sorted(totals.items(),
                                          key=lambda item: (item[0][0], -item[1], item[0][1]))]


# A few words on why a record fails a rule, for whoever follows it up, from the columns of
# its follow-up row (6 leaflet language, 7 reason, 8 centre action, 9 centre, 10 informed:
# true, false or NULL, as a bool or as SQLite's 1 and 0). A NULL shows as nothing.
# Each is a Detail: English in JSON and CSV, the reader's language in the table, HTML and PDF.
DETAILS = {
    # Translators: %(reason)s is a code of the record (no_language, implicated, other).
    "LEAFLET-GIVEN": lambda f: Detail(N_("leaflet not given (%(reason)s)"), reason=f[7] or ""),
    "LEAFLET-LANGUAGE": lambda f: Detail(N_("leaflet in %(language)s, not a language the "
                                            "person understands"), language=f[6] or ""),
    # Translators: %(action)s is a code of the record (none, contact_declined, …).
    "CENTRE-INTAKE": lambda f: Detail(N_("centre action %(action)s"), action=f[8]),
    # False, or 0 as SQLite stores it (False == 0; None, not stated, is neither)
    "FOREIGNERS-DEPT": lambda f: (Detail(N_("Foreigners Department not informed"))
                                  if f[10] == 0 and f[10] is not None
                                  else Detail(N_("Foreigners Department: not stated"))),
    "CENTRE-CONTACT": lambda f: Detail(N_("centre action %(action)s"), action=f[8]),
    "NO-CENTRE-FOR-IMPLICATED": lambda f: Detail(N_("centre action %(action)s (%(centre)s) "
                                                    "for an implicated person"),
                                                 action=f[8], centre=f[9] or ""),
}
assert set(DETAILS) == {rule.id for rule in RULES}
# The columns of a follow-up row, in order (both readers select these).
FOLLOW_UP_COLUMNS = ("seq", "id", "occurred_at", "service", "unit", "outcomes",
                     "leaflet_language", "not_given_reason", "centre_action", "centre",
                     "foreigners_dept_informed")


def follow_up_items(found, *, json_lines=None) -> list[tuple]:
    """(seq, the record's violations in the order of RULES, their JSON lines or None) per
    follow-up row, in order. `json_lines`, a function of a Violation (the renderer's), makes
    the JSON text here too: the reader runs this on the thread that read the rows, while
    the others still count."""
    items = []
    ids = [rule.id for rule in RULES]
    not_met = DIGITS[NOT_MET]
    for fields in found:
        digits = fields[5]
        found_here = []
        at = digits.find(not_met)
        while at >= 0:
            rule = ids[at]
            found_here.append(Violation(fields[1], fields[2], fields[3], fields[4], rule,
                                        DETAILS[rule](fields)))
            at = digits.find(not_met, at + 1)
        items.append((fields[0], found_here,
                      None if json_lines is None else list(map(json_lines, found_here))))
    return items


def pick(items, replaced: set, limit: int | None):
    """From follow_up_items: (at most `limit` violations, oldest first; their JSON lines
    when made; the full number of violations; records named). Replaced versions are left
    out."""
    out: list[Violation] = []
    lines: list[str] | None = [] if items and items[0][2] is not None else None
    total = records = 0
    for seq, found, json_found in items:
        if seq in replaced:
            continue
        records += 1
        keep = len(found) if limit is None else max(0, min(len(found), limit - total))
        total += len(found)
        if keep:
            out += found[:keep]
            if lines is not None:
                lines += json_found[:keep]
    return out, lines, total, records


def gap_counts(found, replaced: set[int]) -> dict:
    """{(code,): n} from (seq, code) rows of the gap records, the latest versions only."""
    totals: dict = {}
    for seq, code in found:
        if seq not in replaced:
            totals[(code,)] = totals.get((code,), 0) + 1
    return totals


def language_gaps(counts: dict) -> list[LanguageGap]:
    """Per language asked for, from {(code,): n}, most asked first."""
    return [LanguageGap(code, n)
            for (code,), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            if n]


def editions(counts: dict) -> list[EditionCount]:
    found = [EditionCount(edition, n) for (edition,), n in counts.items() if n]
    # Edition ids like 2026-12 sort as text in date order; records naming none come last.
    return sorted(found, key=lambda r: (r.edition is None, r.edition or ""))


def groups(counts: dict, all_keys: list | None = None, trim: bool = False) -> list[Group]:
    """The Groups of `--by` from {(grp, outcomes, no_language, correction): n}: every key
    found, or `all_keys` in order (the months of the period, empty ones included; with
    `trim`, none before the first or after the last month found)."""
    per_group: dict = {}
    for key, n in counts.items():
        per_group.setdefault(key[0], {})[key] = n
    found = {}
    for k, group_counts in per_group.items():
        encounters, _, rules = figures(group_counts)
        if encounters:
            found[k] = Group(k, encounters, rules)
    if all_keys is None:
        return [found[k] for k in sorted(found)]
    if trim and found:
        filled = [k for k in all_keys if k in found]
        all_keys = [k for k in all_keys if filled[0] <= k <= filled[-1]]
    empty = tuple(RuleFigures(r.id, r.duty, r.paragraph, r.paragraph_text, 0, 0, 0, 0)
                  for r in RULES)
    return [found.get(k, Group(k, 0, empty)) for k in all_keys]


def mismatch(records: int | None, judged: int, scoped: bool) -> str | None:
    """The refusal when the stored outcomes are not one per record (`records`: the records in
    the period and scope; None when the outcomes were computed live)."""
    if records is None or records == judged:
        return None
    values = {"records": f"{records:,}", "judged": f"{judged:,}"}
    if scoped:
        return _("the log holds %(records)s records in this period and scope but the duty "
                 "outcomes of %(judged)s: it was altered") % values
    return _("the log holds %(records)s records but the duty outcomes of %(judged)s: it was "
             "altered") % values


def report(span, *, service, unit, by, head: dict, records: int | None,
           replaced: list[int], counts_all: dict, replaced_counts: list, editions_all: list,
           replaced_editions: list, items: list, gaps: list, groups,
           max_violations: int | None, stock: list = ()) -> Report:
    """The Report from what a reader found: `records` (in the period and scope, to compare
    with the stored outcomes counted: a mismatch is refused), the replaced `seq`s, the counts
    of every version and of the replaced records (rows of one each), the editions likewise,
    the follow_up_items, the language gaps of the latest versions ({(code,): n}) and `groups` (a function of the replaced
    seqs, for `--by`) and `stock`, the (seq, unit, code) rows of the stock-gap records."""
    scoped = any(v is not None for v in (span.start_utc, span.end_utc, service, unit))
    refusal = mismatch(records, sum(counts_all.values()), scoped)
    if refusal:
        from leaflet.storage.errors import StoreError

        raise StoreError(refusal, hint=_("run `leaflet log verify`"))
    replaced_set = set(replaced)
    counts = merge([(1, [(*key, n) for key, n in counts_all.items()]), (-1, replaced_counts)])
    encounters, corrected, rules = figures(counts)
    found, lines, total, follow_up = pick(items, replaced_set, max_violations)
    given = merge([(1, editions_all), (-1, replaced_editions)])
    return Report(
        start=span.start.isoformat() if span.start else None,
        end=span.end.isoformat() if span.end else None,
        timezone=span.timezone, service=service, unit=unit, by=by,
        encounters=encounters, corrected=corrected, follow_up=follow_up,
        rules=rules, groups=tuple(groups(replaced)) if by else (),
        violations=tuple(found), violations_total=total,
        violations_json=None if lines is None else tuple(lines),
        language_gaps=tuple(language_gaps(gaps)),
        stock_gaps=tuple(stock_gaps(stock, replaced_set)),
        editions=tuple(editions(given)), log=head)
