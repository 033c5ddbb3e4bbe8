"""At the desk the officer may type the person's language as a name or a country."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from leaflet.cli import cli

from .conftest import GOOD, options


def run(db_url, *extra):
    fields = dict(GOOD, **{"person-language": None})
    return CliRunner().invoke(cli, ["handover", "--db", db_url, *options(fields), *extra])


@pytest.mark.parametrize("given, stored", [("tigrinia", "ti"), ("ትግርኛ", "ti"),
                                           ("Érythréen", None), ("TIR", "ti"), ("ti", "ti")])
def test_a_name_or_a_misspelling_is_resolved_to_its_code(db_url, given, stored):
    result = run(db_url, "--person-language", given, "--person-language", "ar")
    if stored is None:  # not a language name at all: refused, naming the option
        assert result.exit_code == 2 and "--person-language" in result.output, result.output
        return
    assert result.exit_code == 0, result.output
    record_id = result.stdout.strip()
    exported = CliRunner().invoke(cli, ["log", "export", "--db", db_url])
    records = [json.loads(line) for line in exported.stdout.splitlines() if line.strip()]
    assert [r["id"] for r in records] == [record_id]
    assert records[0]["person_languages"] == [stored, "ar"]


def test_an_ambiguous_country_lists_the_candidates_and_records_nothing(db_url):
    result = run(db_url, "--person-language", "Eritrea")
    assert result.exit_code == 2, result.output
    assert "--person-language" in result.output and "ti (Tigrinya)" in result.output
    exported = CliRunner().invoke(cli, ["log", "export", "--db", db_url])
    assert exported.stdout.strip() == ""
