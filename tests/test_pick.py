"""The officer finds the person's language by any name, code or country: `leaflet pick`."""

from __future__ import annotations

import json
import os

import pytest

from conftest import EDITION, ROOT, cli_imports, copy_workspace, invoke


@pytest.fixture(scope="module", autouse=True)
def index_cache(tmp_path_factory):
    """The CLDR search index is built once into a cache folder of this test session."""
    import os

    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("LEAFLET_CACHE_DIR")
    os.environ["LEAFLET_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("LEAFLET_CACHE_DIR", None)
    else:
        os.environ["LEAFLET_CACHE_DIR"] = before


def workspace():
    from leaflet.workspace import load_workspace

    return load_workspace(ROOT)


def fake_build(ws, codes):
    """Mark `codes` of a copied workspace as built: a manifest entry and a (dummy) PDF."""
    out = ws / "output" / EDITION
    out.mkdir(parents=True, exist_ok=True)
    for code in codes:
        (out / f"{code}.pdf").write_bytes(b"%PDF-1.7\n")
    (out / "manifest.json").write_text(json.dumps(
        {"edition": EDITION, "languages": {c: {"pdf": f"{c}.pdf"} for c in codes}}))


# The first result the officer must see, for what they type. Expected codes are this
# edition's codes (Chinese -> zh-Hans, the configured leaflet).
FIRST = [
    # names in English
    ("Tigrinya", "ti"), ("Amharic", "am"), ("Arabic", "ar"), ("Persian", "fa"),
    ("Pashto", "ps"), ("Ukrainian", "uk"), ("Nigerian Pidgin", "pcm"), ("Bangla", "bn"),
    ("Chinese", "zh-Hans"), ("Mandarin", "zh-Hans"), ("Farsi", "fa"), ("Tagalog", "fil"),
    # names in French, Dutch, German, Spanish, Russian, Italian, Turkish
    ("tigrigna", "ti"), ("persan", "fa"), ("chinois", "zh-Hans"), ("roumain", "ro"),
    ("ourdou", "ur"), ("Perzisch", "fa"), ("Chinees", "zh-Hans"), ("Oekraïens", "uk"),
    ("Pasjtoe", "ps"), ("Chinesisch", "zh-Hans"), ("Rumänisch", "ro"), ("Englisch", "en"),
    ("inglés", "en"), ("ucraniano", "uk"), ("румынский", "ro"), ("португальский", "pt"),
    ("tigrino", "ti"), ("Arapça", "ar"),
    # autonyms in their own scripts (and without their accents)
    ("ትግርኛ", "ti"), ("አማርኛ", "am"), ("العربية", "ar"), ("فارسی", "fa"), ("پښتو", "ps"),
    ("中文", "zh-Hans"), ("ไทย", "th"), ("हिन्दी", "hi"), ("বাংলা", "bn"), ("اردو", "ur"),
    ("नेपाली", "ne"), ("Ελληνικά", "el"), ("русский", "ru"), ("українська", "uk"),
    ("Türkçe", "tr"), ("turkce", "tr"), ("Tiếng Việt", "vi"), ("tieng viet", "vi"),
    ("ESPAÑOL", "es"), ("Soomaali", "so"), ("Kiswahili", "sw"),
    # countries by name in several languages, and by ISO code (alpha-2, alpha-3, numeric)
    ("Eritrea", "ti"), ("Érythrée", "ti"), ("ER", "ti"), ("eri", "ti"), ("232", "ti"),
    ("Afghanistan", "fa"), ("Somalia", "so"), ("Roumanie", "ro"), ("Rumänien", "ro"),
    ("Oekraïne", "uk"), ("UA", "uk"), ("Thailand", "th"), ("Bangladesh", "bn"),
    ("Pakistan", "ur"), ("PK", "ur"), ("Syrie", "ar"), ("Népal", "ne"), ("Iran", "fa"),
    # common misspellings
    ("tigrinia", "ti"), ("Tigrigna", "ti"), ("tigrinyia", "ti"), ("amharik", "am"),
    ("arabik", "ar"), ("pashtu", "ps"), ("ukrainain", "uk"), ("vietnamise", "vi"),
    ("portugese", "pt"), ("swahilli", "sw"), ("somalli", "so"), ("filipno", "fil"),
    # codes in two- and three-letter forms, any case, aliases
    ("ti", "ti"), ("tir", "ti"), ("TIR", "ti"), ("amh", "am"), ("ara", "ar"), ("fas", "fa"),
    ("per", "fa"), ("zho", "zh-Hans"), ("chi", "zh-Hans"), ("zh", "zh-Hans"),
    ("zh_hans", "zh-Hans"), ("pcm", "pcm"), ("tgl", "fil"), ("rum", "ro"), ("pus", "ps"),
]


def test_the_table_is_as_big_as_promised():
    assert len(FIRST) >= 40
    assert len({q for q, _ in FIRST}) == len(FIRST)


@pytest.mark.parametrize("query, code", FIRST, ids=[q for q, _ in FIRST])
def test_first_result(query, code):
    from leaflet.languages.pick import pick

    rows = pick(query, workspace())
    assert rows[0]["code"] == code, [(r["code"], r["score"], r["match"]) for r in rows[:4]]


def test_pick_json_lists_code_autonym_name_built_and_score(tmp_path):
    ws = copy_workspace(tmp_path / "ws")
    fake_build(ws, ["ti", "en", "ar"])
    result = invoke(ws, "pick", "tigrinia", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    first = rows[0]
    assert {"code", "autonym", "english_name", "built", "score"} <= set(first)
    assert (first["code"], first["autonym"], first["english_name"], first["built"]) == \
        ("ti", "ትግርኛ", "Tigrinya", True)
    assert first["score"] == 100 and first["pdf"] == f"output/{EDITION}/ti.pdf"
    assert first["names"] == {"en": "Tigrinya", "fr": "tigrigna", "nl": "Tigrinya",
                              "de": "Tigrinya"}
    assert all(0 < r["score"] <= 100 for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_a_country_gives_its_languages_most_spoken_first(tmp_path):
    ws = copy_workspace(tmp_path / "ws")
    fake_build(ws, ["ti", "en", "ar"])
    rows = json.loads(invoke(ws, "pick", "Érythrée", "--json").output)
    codes = [r["code"] for r in rows]
    assert codes[:4] == ["ti", "en", "tig", "ar"]  # CLDR: 60 %, 59 %, 18 %, 4.9 %
    assert [r["built"] for r in rows[:4]] == [True, True, False, True]
    assert rows[0]["match"]["territory"] == "ER" and rows[0]["match"]["share"] == 60


def test_a_language_without_leaflet_proposes_what_its_speakers_read(tmp_path):
    ws = copy_workspace(tmp_path / "ws")
    fake_build(ws, ["en", "fr", "nl", "de", "ar", "am"])  # no Tigrinya leaflet
    rows = json.loads(invoke(ws, "pick", "Tigrinya", "--json").output)
    ti = rows[0]
    assert ti["code"] == "ti" and ti["configured"] and not ti["built"]
    proposed = [s["code"] for s in ti["suggestions"]]
    assert {"ar", "en"} <= set(proposed), proposed  # Eritrea: English 59 %, Arabic official
    assert all(s["built"] for s in ti["suggestions"])
    eritrea = [b for s in ti["suggestions"] for b in s["because"] if b.get("territory") == "ER"]
    assert eritrea

    text = invoke(ws, "pick", "Tigrinya")
    assert text.exit_code == 0
    assert "not built" in text.output and "speakers may read" in text.output
    assert "Arabic" in text.output and "Eritrea" in text.output


def test_the_same_language_in_another_script_is_proposed_first(tmp_path):
    ws = copy_workspace(tmp_path / "ws")
    fake_build(ws, ["en", "zh-Hans"])
    rows = json.loads(invoke(ws, "pick", "Traditional Chinese", "--json").output)
    assert rows[0]["code"] == "zh-Hant" and not rows[0]["configured"]
    assert rows[0]["suggestions"][0]["code"] == "zh-Hans"


def test_built_means_configured_and_its_pdf_present(tmp_path):
    ws = copy_workspace(tmp_path / "ws")
    rows = json.loads(invoke(ws, "pick", "ti", "--json").output)
    assert rows[0]["configured"] and not rows[0]["built"]  # nothing built yet
    fake_build(ws, ["ti"])
    assert json.loads(invoke(ws, "pick", "ti", "--json").output)[0]["built"]
    (ws / "output" / EDITION / "ti.pdf").unlink()
    assert not json.loads(invoke(ws, "pick", "ti", "--json").output)[0]["built"]


def test_no_match_exits_1_and_names_the_nearest(tmp_path):
    result = invoke(ROOT, "pick", "xqzvkw")
    assert result.exit_code == 1
    assert "no language matches 'xqzvkw'" in result.output
    assert "nearest names:" in result.output


def test_officer_language_names_the_languages_in_it():
    result = invoke(ROOT, "pick", "Tigrinya", "--for", "fr")
    assert result.exit_code == 0, result.output
    assert "tigrigna" in result.output


# --- the language knowledge -------------------------------------------------------------

def test_cldr_knows_autonym_names_script_direction_and_territories():
    from leaflet.languages import cldr

    index = cldr.index()
    ti = index.language("ti")
    assert ti.autonym == "ትግርኛ" and ti.script == "Ethi" and ti.direction == "ltr"
    assert ti.names == {"en": "Tigrinya", "fr": "tigrigna", "nl": "Tigrinya", "de": "Tigrinya"}
    assert ti.territories[0][:2] == ("ER", 60.0)
    assert {t for t, _, _ in ti.territories} >= {"ER", "ET"}
    assert index.language("fa").direction == "rtl" and index.language("ur").script == "Arab"
    assert index.language("zh-Hant").script == "Hant"
    assert index.codes["tir"] == "ti" and index.codes["tl"] == "fil"
    assert index.territory_codes["eri"] == "ER" and index.territory_codes["232"] == "ER"
    assert index.territory("ER").names["fr"] == "Érythrée"


def test_the_index_is_cached_per_babel_version(index_cache, monkeypatch):
    import babel

    from leaflet.languages import cldr

    path = cldr.cache_path()
    assert path.parent == index_cache and f"babel{babel.__version__}" in path.name
    cldr.index()
    assert path.is_file()
    cldr._load.cache_clear()

    def no_rebuild():
        raise AssertionError("the cached index was built again")

    monkeypatch.setattr(cldr, "build_index", no_rebuild)
    assert cldr.index().language("ti").autonym == "ትግርኛ"
    cldr._load.cache_clear()


def test_a_broken_cache_file_is_rebuilt(tmp_path, monkeypatch):
    from leaflet.languages import cldr

    monkeypatch.setenv("LEAFLET_CACHE_DIR", str(tmp_path))
    path = cldr.cache_path()
    path.write_bytes(b"not a pickle")
    calls = []
    real = cldr.build_index
    monkeypatch.setattr(cldr, "build_index", lambda: calls.append(1) or real())
    try:
        assert cldr.index().codes["tir"] == "ti"
    finally:
        cldr._load.cache_clear()
    assert calls == [1] and path.stat().st_size > 1_000_000


def test_normalise_folds_case_accents_and_punctuation():
    from leaflet.languages.cldr import normalise

    assert normalise("Érythrée") == "erythree"
    assert normalise("  Tiếng  Việt ") == "tieng viet"
    assert normalise("Pidgin (Nigeria)") == "pidgin nigeria"
    assert normalise("ትግርኛ") == "ትግርኛ"


# --- resolve_language: the hand-over's matcher -------------------------------------------

@pytest.mark.parametrize("query, code", [
    ("ti", "ti"), ("TIR", "ti"), ("zh_hans", "zh-Hans"), ("ar-ma", "ar-MA"), ("und", "und"),
    ("sh", "sr-Latn"), ("tigrinia", "ti"), ("Tigrigna", "ti"), ("ትግርኛ", "ti"),
    ("Chinese", "zh-Hans"), ("Perzisch", "fa"), ("Thailand", "th"), ("Pakistan", "ur"),
])
def test_resolve_language(query, code):
    from leaflet.languages.pick import resolve_language

    assert resolve_language(query, workspace()) == code


@pytest.mark.parametrize("query, among", [("Eritrea", {"ti", "en"}), ("ER", {"ti", "en"}),
                                          ("Belgium", {"nl", "fr", "en"})])
def test_resolve_language_refuses_an_ambiguous_answer_with_the_candidates(query, among):
    from leaflet.errors import ExitCode, UsageError
    from leaflet.languages.pick import LanguageChoiceError, resolve_language

    with pytest.raises(LanguageChoiceError) as caught:
        resolve_language(query, workspace())
    error = caught.value
    assert isinstance(error, UsageError) and error.exit_code == ExitCode.USAGE
    assert among <= {c["code"] for c in error.candidates}
    assert "could mean several languages" in str(error)
    for code in among:
        assert code in str(error)


def test_resolve_language_refuses_what_matches_nothing():
    from leaflet.languages.pick import LanguageChoiceError, resolve_language

    with pytest.raises(LanguageChoiceError, match="no language matches 'xqzvkw'"):
        resolve_language("xqzvkw", workspace())
    with pytest.raises(LanguageChoiceError):
        resolve_language("  ", workspace())
    with pytest.raises(LanguageChoiceError, match="'XQ' is not a region"):
        resolve_language("ar-XQ", workspace())
    with pytest.raises(LanguageChoiceError, match="'Abcd' is not a CLDR script"):
        resolve_language("ar-Abcd", workspace())


def test_resolve_language_works_without_a_workspace():
    from leaflet.languages.pick import resolve_language

    assert resolve_language("Chinese") == "zh"
    assert resolve_language("tigrinia") == "ti"


# --- cost: nothing at import, nothing heavy on pick ----------------------------------------

def loaded_modules(tmp_path, *args, env=None):
    return cli_imports(tmp_path, *args, env={**os.environ, **(env or {})})[0]


def test_pick_imports_no_weasyprint(tmp_path):
    modules = loaded_modules(tmp_path, "pick", "tigrinya")
    assert "rapidfuzz" in modules and "leaflet.languages.cldr" in modules
    assert not modules & {"weasyprint", "fontTools", "jinja2", "polib", "sqlalchemy"}


def test_other_commands_do_not_load_the_language_index(tmp_path):
    for args in (["--help"], ["pick", "--help"], ["card", "--help"], ["--version"]):
        modules = loaded_modules(tmp_path, *args)
        assert not modules & {"leaflet.languages.cldr", "leaflet.languages.pick", "rapidfuzz", "babel",
                              "platformdirs"}, args
