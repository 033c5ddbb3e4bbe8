"""A big log is read by two threads on two snapshots; the figures are the same as read by one,
and when a desk records in between (the second snapshot ends at another head) the second
thread's share is done again on the first snapshot."""

from __future__ import annotations

import json

import pytest

from . import encounters as fx


@pytest.fixture
def log(db_url, tmp_path):
    fx.write_log(db_url, tmp_path)
    return db_url


def report(db_url, *args):
    result = fx.run(["report", "--format", "json", *args], db_url)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_two_snapshots_give_the_same_report(log, monkeypatch):
    from leaflet.report import tally

    period = ["--from", "2025-09-01", "--to", "2025-12-01", "--by", "month"]
    serial = report(log, *period)
    monkeypatch.setattr(tally, "PARALLEL_FROM", 1)
    parallel = report(log, *period)
    assert parallel == serial
    assert [(v["id"], v["rule"]) for v in parallel["violations"]][:9] == fx.OCTOBER_VIOLATIONS


def test_a_second_snapshot_at_another_head_is_not_used(log, monkeypatch):
    # --by: the SQLAlchemy reader (the standard-library one: tests/report/test_fast.py)
    from leaflet.report import query, tally

    serial = report(log, "--by", "unit")
    monkeypatch.setattr(tally, "PARALLEL_FROM", 1)
    real_head = query.log_head
    calls = []

    def head_seen(conn):
        calls.append(conn)
        head = real_head(conn)
        if len(calls) == 2:  # the second snapshot: as if a desk had recorded meanwhile
            return dict(head, records=head["records"] + 1)
        return head

    monkeypatch.setattr(query, "log_head", head_seen)
    assert report(log, "--by", "unit") == serial
    assert len(calls) == 2
