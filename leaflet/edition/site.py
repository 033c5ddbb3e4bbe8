"""The edition as a static web site: `leaflet build --site` writes output/<edition>/site/.

- `index.html`: every built language as its autonym, by region (the kiosk's grid), plain
  links that work without JavaScript;
- `<lang>/index.html`: the easy-read page, the audio (edition/audio.py), the PDF and the
  wallet card to download, then the whole leaflet as HTML (the same template, catalogue and
  data as the PDF);
- `static/` (the kiosk's style sheets, the quick exit's script), `fonts/` (web fonts cut to
  the characters of each page, named by content), `exit.html` (the quick exit's neutral
  page unless `[site] quick_exit_url` names another one).

Every address is relative, so the site opens from the file system and from any static
host; it sets no cookie, loads nothing from another origin and tracks nothing. The site is
written into a temporary folder beside the old one and swapped in when complete.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from leaflet.edition import audio as audio_mod
from leaflet.errors import BuildError
from leaflet.i18n import _

SITE_DIR = "site"
STATIC = (("leaflet.css", "leaflet.css"), ("station/station.css", "station.css"),
          ("station/leaflet-screen.css", "leaflet-screen.css"), ("site/site.css", "site.css"),
          ("site/site.js", "site.js"))
EXIT_PAGE = "exit.html"


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

    quick_exit_abs = workspace.site_quick_exit
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=out))
    try:
        (tmp / "static").mkdir()
        (tmp / "fonts").mkdir()
        for source, name in STATIC:
            shutil.copyfile(workspace.templates_dir / source, tmp / "static" / name)
        shutil.copyfile(workspace.templates_dir / "site" / EXIT_PAGE, tmp / EXIT_PAGE)
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
                           "audio": site_audio,
                           "quick_exit": quick_exit_abs or f"../{EXIT_PAGE}"}
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
        index = _index(workspace, env, [langs[c] for c in codes], quick_exit_abs or EXIT_PAGE,
                       greet)
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
    rows = [{"code": lang.code, "autonym": card._capitalised(lang.autonym),
             "english_name": lang.english_name, "direction": lang.direction,
             "region": card.region_of(lang.code, data)} for lang in langs]
    names = data["regions"]["names"]["en"]
    regions = [(names[region], [r for r in rows if r["region"] == region])
               for region in data["regions"]["order"]
               if any(r["region"] == region for r in rows)]
    return env.get_template("site/index.html.j2").render(
        regions=regions, quick_exit=quick_exit, edition=workspace.edition_id, greet=greet)


def _swap(new: Path, dest: Path) -> None:
    """Put the finished site in place: the old one is moved aside, then removed."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}-old-{new.name}")
        dest.rename(old)
    new.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
