"""The edition as a static web site: `leaflet build --site` writes output/<edition>/site/.

- `index.html`: every built language as its autonym, by region (the kiosk's grid), plain
  links that work without JavaScript;
- `<lang>/index.html`: the easy-read page, the audio (edition/audio.py), the PDF and the
  wallet card to download, then the whole leaflet as HTML (the same template, catalogue and
  data as the PDF);
- `static/` (the kiosk's style sheets, the quick exit's and the search's script), `fonts/`
  (web fonts cut to the characters of each page, named by content), `search-index.js`
  (the index the first page's search reads: `search_index()`).

Every phone number on a page is a `tel:` link (`phone_links()`, shared with the kiosk); the
quick exit leaves for `[site] quick_exit_url`, a neutral page outside the site.

Every address is relative, so the site opens from the file system and from any static
host; it sets no cookie, loads nothing from another origin and tracks nothing. The site is
written into a temporary folder beside the old one and swapped in when complete.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import unicodedata
from pathlib import Path

from leaflet.edition import audio as audio_mod
from leaflet.errors import BuildError
from leaflet.i18n import _

SITE_DIR = "site"
STATIC = (("leaflet.css", "leaflet.css"), ("station/station.css", "station.css"),
          ("station/leaflet-screen.css", "leaflet-screen.css"), ("site/site.css", "site.css"),
          ("site/site.js", "site.js"), ("station/quick-exit.js", "quick-exit.js"))
SEARCH_INDEX = "search-index.js"


def _member(folder: Path, name, workspace) -> Path:
    """A file the manifest names inside `folder` (leaflet.workspace.built.member)."""
    from leaflet.workspace.built import member

    path = member(folder, name)
    if path is None or "/" in name:
        raise BuildError(_("the manifest names %(name)s, which is not a file of the edition")
                         % {"name": repr(name)},
                         path=workspace.output_dir / "manifest.json",
                         hint=_("build the language again (`leaflet build --force --lang CODE`)"))
    return path


def _lang_rule(lang) -> str:
    return f":lang({lang.code}) {{ font-family: {lang.css_font_stack}; }}\n"


def phone_links(workspace):
    """ltr() for a web page (site and kiosk): each phone number of leaflet.toml is also a
    `tel:` link dialling what its QR code dials (contacts.tel_uri, the national form for a
    national number); the visible text stays the number, isolated left to right. Other
    values (an edition reference made of digits) stay plain."""
    from markupsafe import Markup

    from leaflet.render.templates import ltr
    from leaflet.workspace.contacts import ContactProblem, is_phone_key, tel_uri

    dial = {}
    for org in workspace.organisations.values():
        for key, detail in org.details.items():
            if is_phone_key(key) and not key.startswith("fax"):
                try:
                    dial[str(detail.value)] = tel_uri(detail.value)
                except ContactProblem:  # `leaflet check` names it; never a wrong number
                    pass

    def web_ltr(value) -> Markup:
        uri = dial.get(str(value))
        if uri is None:
            return ltr(value)
        return Markup('<a class="tel-link" href="{}">{}</a>').format(uri, ltr(value))
    return web_ltr


def build_site(workspace, manifest: dict, progress=None) -> dict:
    """Write output/<edition>/site/ for every language of `manifest` (built PDFs, and the
    audio audio.make() recorded in it). Returns {"dir", "languages", "audio", "bytes"}."""
    from filelock import FileLock, Timeout

    from leaflet.render import templates
    from leaflet.languages import scripts

    out = workspace.output_dir
    entries = manifest.get("languages", {})
    codes = [code for code in workspace.languages if code in entries]
    if not codes:
        raise BuildError(_("no built language to put on the site"), path=out,
                         hint=_("run `leaflet build` first"))
    langs = {lang.code: lang for lang in scripts.languages_for(workspace, codes)}
    env = templates.environment(workspace.templates_dir)
    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out / ".site.lock"), timeout=300)
    try:
        with lock:
            return _write(workspace, out, codes, langs, entries, env, progress)
    except Timeout:
        raise BuildError(_("another build held the site for 5 minutes"), path=out / SITE_DIR,
                         hint=_("wait for it to finish, then build again")) from None


def _write(workspace, out, codes, langs, entries, env, progress) -> dict:
    from leaflet.edition import kept
    from leaflet.render import templates, subset
    from leaflet.workspace import DEFAULT_TEXT_SIZE

    quick_exit = workspace.site_quick_exit
    web_ltr = phone_links(workspace)
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=out))
    try:
        (tmp / "static").mkdir()
        (tmp / "fonts").mkdir()
        for source, name in STATIC:
            shutil.copyfile(workspace.templates_dir / source, tmp / "static" / name)
        fonts: dict[str, bytes] = {}
        audio_report = {}
        greeting: dict = {}
        for code in codes:
            lang, entry = langs[code], entries[code]
            folder = tmp / code
            folder.mkdir()
            translations = kept.load_built(workspace, lang, entry)
            if code in templates.GREETING_LANGUAGES:
                greeting[code] = translations
            ctx = templates.context(workspace, lang, translations, entry.get("inputs") or "0" * 8,
                                    text_size=entry.get("text_size"))
            pdf = _member(out, entry.get("pdf"), workspace)
            card_pdf = _member(out, (entry.get("card") or {}).get("pdf"), workspace)
            shutil.copyfile(pdf, folder / pdf.name)
            shutil.copyfile(card_pdf, folder / card_pdf.name)
            sound = entry.get("audio") or {"kind": "none"}
            site_audio = None
            if sound.get("file"):
                sound_file = _member(out / audio_mod.AUDIO_DIR, sound["file"], workspace)
                shutil.copyfile(sound_file, folder / sound_file.name)
                site_audio = {"src": sound["file"], "synthetic": sound["kind"] == "synthetic"}
            audio_report[code] = sound["kind"]
            ctx["site"] = {"pdf": entry["pdf"], "card": entry["card"]["pdf"],
                           "audio": site_audio, "quick_exit": quick_exit}
            ctx["ltr"] = web_ltr
            ctx["draft_english"] = ""  # the person reads the draft notice in their language
            page = templates.render_html(env, "site/language.html.j2", ctx, translations)
            rules, files = subset.web_font_faces(
                lang.families, subset.printed_chars(page), lambda n: f"../fonts/{n}.otf")
            fonts.update(files)
            size = entry.get("text_size") or workspace.language_settings.get(code, {}).get(
                "text_size", DEFAULT_TEXT_SIZE)
            (folder / "fonts.css").write_text(
                rules + _lang_rule(lang) + f"html {{ font-size: {18 * size / 12:.2f}px; }}\n",
                encoding="utf-8")
            (folder / "index.html").write_text(page, encoding="utf-8")
            if progress:
                progress(code)
        greet = templates.greeter(greeting, {c: langs[c].direction for c in codes})
        index = _index(workspace, env, [langs[c] for c in codes], quick_exit, greet)
        (tmp / SEARCH_INDEX).write_text(
            "window.leafletSearchIndex = " + json.dumps(
                search_index(workspace, codes, langs), ensure_ascii=False,
                separators=(",", ":")) + ";\n", encoding="utf-8")
        families = list(dict.fromkeys(["Noto Sans"] + [f for c in codes
                                                        for f in langs[c].families]))
        rules, files = subset.web_font_faces(families, subset.printed_chars(index),
                                             lambda n: f"fonts/{n}.otf")
        fonts.update(files)
        (tmp / "fonts.css").write_text(
            rules + "".join(_lang_rule(langs[c]) for c in codes), encoding="utf-8")
        (tmp / "index.html").write_text(index, encoding="utf-8")
        for name, data in fonts.items():
            (tmp / "fonts" / f"{name}.otf").write_bytes(data)
        _swap(tmp, out / SITE_DIR)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    dest = out / SITE_DIR
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    return {"dir": dest, "languages": codes, "audio": audio_report, "bytes": size}


def _index(workspace, env, langs, quick_exit: str, greet) -> str:
    from leaflet.edition import card

    data = card.load_card_data(workspace)
    rows = [{"code": lang.code, "autonym": card.capitalised(lang.autonym),
             "english_name": lang.english_name, "direction": lang.direction,
             "region": card.region_of(lang.code, data)} for lang in langs]
    names = data["regions"]["names"]["en"]
    regions = [(names[region], [r for r in rows if r["region"] == region])
               for region in data["regions"]["order"]
               if any(r["region"] == region for r in rows)]
    return env.get_template("site/index.html.j2").render(
        regions=regions, quick_exit=quick_exit, edition=workspace.edition_id, greet=greet,
        search_index=SEARCH_INDEX)


# --- the first page's search ---------------------------------------------------------------

def normalise(text: str) -> str:
    """A name as the site's search compares it, the same steps as site.js's normalise():
    lower case, compatibility decomposition, marks dropped, anything but letters and
    digits a space. (cldr.normalise, the kiosk's, keeps the spacing marks of Indic scripts
    as separators; JavaScript cannot tell them apart, so the site uses this one on both
    sides.)"""
    text = unicodedata.normalize("NFKD", text.lower())
    out = []
    for ch in text:
        kind = unicodedata.category(ch)[0]
        if kind == "M":
            continue
        out.append(ch if kind in "LN" else " ")
    return unicodedata.normalize("NFC", " ".join("".join(out).split()))


def search_index(workspace, codes: list[str], langs: dict) -> dict:
    """What the site's search (site.js) matches against, from the kiosk's CLDR index
    (leaflet.languages.cldr, pick): every language and country name in English, French,
    Dutch, German and in each language of the site, every autonym, every ISO code, which
    languages each country speaks and by what share, and for a language without a leaflet
    the built ones its speakers most likely read (pick.suggestions). The scores are the
    kiosk's (pick.search), computed in the browser: no server."""
    from babel import Locale, UnknownLocaleError

    from leaflet.edition import card
    from leaflet.languages import cldr, pick

    idx = cldr.index()
    edition = pick.Edition(workspace, idx)
    edition.built = {code: pdf for code, pdf in edition.built.items() if code in codes}
    site_codes = set(codes)
    names: dict[str, set] = {}

    def add(name, target):
        norm = normalise(name or "")
        if norm:
            names.setdefault(norm, set()).add(target)

    languages, by_cldr_key = {}, {}
    for key in idx.language_codes():
        info = idx.language(key)
        code = edition.code_for(key)
        code = code if code in site_codes else None
        row = [code, card.capitalised(langs[code].autonym) if code else info.autonym,
               info.english_name, langs[code].direction if code else info.direction]
        if code is None:
            row.append([s["code"] for s in pick.suggestions(idx, edition, key)])
        languages[key] = row
        by_cldr_key[key.replace("-", "_")] = key
        for name in [*info.names.values(), info.autonym]:
            add(name, "l:" + key)
    territories = {}
    for territory, code in idx.territory_codes.items():
        if code not in territories:
            info = idx.territory(code)
            territories[code] = [[lang, share] for lang, share, _official in info.languages
                                 if lang in languages]
            for name in info.names.values():
                add(name, "t:" + code)
    # The names of the site's languages and of every country in each language of the site.
    for code in codes:
        try:
            loc = Locale.parse(code.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
        for cldr_key, name in loc.languages.items():
            key = by_cldr_key.get(cldr_key)
            if key is not None and languages[key][0] is not None:
                add(name, "l:" + key)
        for territory, name in loc.territories.items():
            if territory in territories:
                add(name, "t:" + territory)
    for key, row in languages.items():
        if row[0]:
            add(langs[row[0]].autonym, "l:" + key)
    ordered = sorted(names)
    words: dict[str, set] = {}
    for name in ordered:
        parts = name.split()
        if len(parts) > 1:
            for word in parts:
                if len(word) >= 3 and word not in names:
                    words.setdefault(word, set()).update(names[name])
    return {
        "names": ordered, "targets": [" ".join(sorted(names[n])) for n in ordered],
        "words": sorted(words), "word_targets": [" ".join(sorted(words[w]))
                                                 for w in sorted(words)],
        "codes": {alias: key for alias, key in idx.codes.items() if key in languages},
        "territory_codes": dict(idx.territory_codes),
        "languages": languages, "territories": territories,
        "scores": {"cutoff": pick.CUTOFF, "word": pick.WORD_WEIGHT,
                   "territory_code": pick.TERRITORY_CODE_WEIGHT, "shown_min": pick.SHOWN_MIN,
                   "tail": pick.TAIL, "territory_min": pick.TERRITORY_MIN},
    }


def _swap(new: Path, dest: Path) -> None:
    """Put the finished site in place: the old one is moved aside, then removed."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}-old-{new.name}")
        dest.rename(old)
    new.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
