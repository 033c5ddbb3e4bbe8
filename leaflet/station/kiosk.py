"""What the kiosk shows: the built languages by region, the leaflet as a web page, the code
the person shows the officer, and the fonts their script needs.

The kiosk stores nothing about the person. The code on the "show this to the officer"
screen is not kept anywhere: it is an HMAC of the language and the day under the station's
secret (leaflet.station.accounts), so the desk finds the language again by computing the code
of every built language for today and yesterday (a code shown just before midnight still
works), and a code cannot be guessed from outside the station.

The leaflet page is the leaflet's own template (templates/leaflet.html.j2) rendered with the
same catalogue, data and edition reference as the PDF, through templates/station/
kiosk-leaflet.html.j2, which only replaces its style block (screen CSS, fonts served by the
station) and adds the kiosk's bar. The station PCs may lack the fonts of a script (a Windows
PC and Ethiopic), so every page gets @font-face rules for subsets of the Noto faces the
edition prints with, cut to the page's characters (HarfBuzz, leaflet.render.subset) and
served from memory: nothing is fetched from outside the machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
from dataclasses import dataclass

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: nothing to misread
CODE_LENGTH = 4


@dataclass(frozen=True)
class KioskLanguage:
    code: str
    autonym: str
    english_name: str
    direction: str
    script: str
    region: str
    pdf: str  # relative to the workspace
    card: str | None
    audio: str | None = None  # the leaflet read aloud (`leaflet build --site`), a path
    audio_synthetic: bool = False
    stale: bool = False  # the workspace's catalogue changed since the build (rebuild it)


def kiosk_code(secret: str, language: str, day: dt.date) -> str:
    """The short code of `language` on `day` (4 Crockford base-32 characters)."""
    digest = hmac.new(secret.encode(), f"{day.isoformat()}|{language}".encode(),
                      hashlib.sha256).digest()
    number = int.from_bytes(digest[:5], "big")
    return "".join(CROCKFORD[(number >> (5 * i)) & 31] for i in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A code as typed: case, spaces and dashes ignored; O read as 0, I and L as 1."""
    text = "".join(ch for ch in text.upper() if ch not in " -")
    return text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


class Kiosk:
    """The kiosk's view of one workspace; renders and caches pages and fonts per edition.

    Everything is cached against the current edition's manifest (its size and mtime, one
    stat per request): a rebuild that changes it makes the kiosk read the languages, render
    the pages and cut the fonts again; nothing else is read from disk on a request.
    """

    def __init__(self, workspace, secret: str):
        from leaflet.workspace.built import MANIFEST, output_dir

        self.workspace = workspace
        self.secret = secret
        self._lock = threading.RLock()  # guards the caches and the translated environment
        self._manifest_path = output_dir(workspace, workspace.edition_id) / MANIFEST
        self._stamp: tuple | None = None
        self._manifest: dict = {}
        self._languages: list[KioskLanguage] = []
        self._scripts: dict[str, object] = {}  # code -> scripts.Language of the built ones
        self._regions: list[tuple[str, list[KioskLanguage]]] = []
        self._cache: dict[tuple, object] = {}  # pages, screens, fonts.css, per edition
        self._fonts: dict[str, bytes] = {}
        self._env = None

    # --- the languages -----------------------------------------------------------------------

    def _refresh(self) -> None:
        """Read the manifest, languages and regions again when the manifest changed."""
        try:
            stat = self._manifest_path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp == self._stamp and self._stamp is not None:
            return
        with self._lock:
            if stamp == self._stamp and self._stamp is not None:
                return
            from leaflet.edition import card
            from leaflet.workspace.built import member, read_manifest
            from leaflet.languages import scripts
            from leaflet.workspace.built import built_languages

            from leaflet.edition import kept

            manifest = read_manifest(self.workspace, self.workspace.edition_id) or {}
            entries = manifest.get("languages", {})
            out = self.workspace.output_dir
            # Only what a build passed: a language is shown when the edition keeps the
            # catalogue its leaflet was built from, intact (kept.built_catalogue).
            built = {code: pdf for code, pdf in built_languages(self.workspace).items()
                     if kept.built_catalogue(out, entries.get(code)) is not None}
            data = card.load_card_data(self.workspace)
            rows = []
            langs = scripts.languages_for(self.workspace, list(built))
            for lang in langs:
                entry = entries.get(lang.code, {})
                card_path = member(out, (entry.get("card") or {}).get("pdf"))
                sound = entry.get("audio") or {}
                sound_path = member(out / "audio", sound.get("file")) \
                    if sound.get("file") else None
                rows.append(KioskLanguage(
                    code=lang.code, autonym=card.capitalised(lang.autonym),
                    english_name=lang.english_name, direction=lang.direction,
                    script=lang.script, region=card.region_of(lang.code, data),
                    pdf=built[lang.code],
                    card=str(card_path) if card_path and card_path.is_file() else None,
                    audio=str(sound_path) if sound_path and sound_path.is_file() else None,
                    audio_synthetic=sound.get("kind") == "synthetic",
                    stale=kept.needs_rebuild(self.workspace, lang, entry)))
            names = data["regions"]["names"]["en"]
            self._regions = [(names[region], [r for r in rows if r.region == region])
                             for region in data["regions"]["order"]
                             if any(r.region == region for r in rows)]
            self._manifest, self._languages = manifest, rows
            self._scripts = {lang.code: lang for lang in langs}
            self._cache.clear()
            self._stamp = stamp

    def languages(self) -> list[KioskLanguage]:
        """The built languages of the current edition, in leaflet.toml order."""
        self._refresh()
        return self._languages

    def language(self, code: str) -> KioskLanguage | None:
        """The built language `code` exactly as configured, or None (a 404, never a path)."""
        if not isinstance(code, str) or len(code) > 20:
            return None
        return next((row for row in self.languages() if row.code == code), None)

    def manifest_entry(self, code: str) -> dict:
        """The manifest's entry of a built language (its text size, files …)."""
        self._refresh()
        return self._manifest.get("languages", {}).get(code, {})

    def script_language(self, code: str):
        """The scripts.Language (script, direction, fonts) of the built language `code`."""
        self._refresh()
        return self._scripts[code]

    def stale(self) -> list[str]:
        """The shown languages whose catalogue changed since their build: the kiosk shows the
        built text until the coordinator builds them again."""
        return [row.code for row in self.languages() if row.stale]

    def regions(self) -> list[tuple[str, list[KioskLanguage]]]:
        """(region name, languages) in the language card's region order, empty ones left out."""
        self._refresh()
        return self._regions

    def bar(self) -> dict:
        """What the kiosk's bar needs on every page: the quick exit's destination (`[site]
        quick_exit_url`) and the idle time after which the kiosk goes back to its list."""
        return {"quick_exit": self.workspace.site_quick_exit,
                "idle_seconds": self.workspace.kiosk_idle_seconds}

    def cached(self, key: tuple, make):
        """`make()` once per edition (and key); the kiosk's pages, screens and CSS."""
        self._refresh()
        value = self._cache.get(key)
        if value is None:
            with self._lock:
                value = self._cache.get(key)
                if value is None:
                    value = self._cache[key] = make()
        return value

    # --- the code for the officer ------------------------------------------------------------

    def code(self, language: str, day: dt.date | None = None) -> str:
        return kiosk_code(self.secret, language, day or self.today())

    def today(self) -> dt.date:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(self.workspace.timezone)).date()

    def language_of_code(self, text: str) -> str | None:
        """The built language whose code (today's or yesterday's) is `text`, or None."""
        typed = normalise_code(text or "")
        if len(typed) != CODE_LENGTH:
            return None
        today = self.today()
        for day in (today, today - dt.timedelta(days=1)):
            found = [row.code for row in self.languages()
                     if hmac.compare_digest(kiosk_code(self.secret, row.code, day), typed)]
            if len(found) == 1:
                return found[0]
        return None

    # --- pages in the person's language (called under the lock, through cached()) ------------

    def _translated(self, code: str):
        """The Language and the catalogue of `code` (read once per edition), and the
        kiosk's own environment, for the person's-language pages."""
        from leaflet.edition import kept
        from leaflet.render import templates

        if self._env is None:
            from leaflet.render import interface

            self._env = templates.environment(self.workspace.templates_dir)
            interface.add_helpers(self._env)  # ui(): the officer's words on the kiosk
        lang = self._scripts[code]
        key = ("translations", code)
        if key not in self._cache:
            entry = self._manifest.get("languages", {}).get(code, {})
            self._cache[key] = kept.load_built(self.workspace, lang, entry)
        return lang, self._cache[key]

    def page(self, code: str, extra: dict) -> str:
        """The leaflet of `code` as a web page."""
        def make():
            from leaflet.render import templates

            lang, translations = self._translated(code)
            inputs = self._manifest.get("languages", {}).get(code, {}).get("inputs") or ""
            ctx = templates.context(self.workspace, lang, translations, inputs or "0" * 8)
            ctx.update(extra)
            ctx.update(self.bar())
            ctx["font_css"] = f"/kiosk/{code}/fonts.css"
            ctx["ltr"] = self._phone_links()  # every number a tel: link, as on the site
            ctx["draft_english"] = ""  # the draft notice in the person's language only
            return templates.render_html(self._env, "station/kiosk-leaflet.html.j2", ctx,
                                      translations)
        return self.cached(("page", code), make)

    def officer_screen(self, code: str, extra: dict) -> str:
        """The "show this to the officer" screen of `code` with `extra["code"]`."""
        def make():
            from leaflet.render import templates

            lang, translations = self._translated(code)
            return templates.render_html(self._env, "station/kiosk-officer.html.j2",
                                      {"lang": lang, **extra, **self.bar()}, translations)
        from leaflet import i18n

        # The box for the officer is in the officer's language (leaflet.station.language).
        return self.cached(("officer", code, extra["code"], i18n.current()), make)

    def _phone_links(self):
        from leaflet.edition.site import phone_links

        return phone_links(self.workspace)

    def greetings(self, message: str, **values) -> list[dict]:
        """`message` (a msgid of the leaflet's catalogues) in each greeting language that is
        built (leaflet.render.templates.greeter): what the kiosk's first page and the quick
        exit's page say before the person has chosen a language."""
        from leaflet.render.templates import GREETING_LANGUAGES, greeter

        with self._lock:
            rows = [row for row in self.languages() if row.code in GREETING_LANGUAGES]
            found = {row.code: self._translated(row.code)[1] for row in rows}
            return greeter(found, {row.code: row.direction for row in rows})(message, **values)

    def greeting_text(self) -> str:
        """Every translation of the greeting languages' catalogues, joined (for fonts)."""
        from leaflet.render.templates import GREETING_LANGUAGES

        with self._lock:
            texts = []
            for row in self.languages():
                if row.code in GREETING_LANGUAGES:
                    _lang, translations = self._translated(row.code)
                    texts += list(translations.messages.values())
            return " ".join(texts)

    # --- fonts ---------------------------------------------------------------------------------

    def font_css(self, key: str, families: list[str], text) -> str:
        """@font-face rules for `families` (regular and bold), each cut to the characters of
        `text()`; the font files are kept for `font()`. Once per edition and key."""
        def make():
            from leaflet.render import subset

            rules, files = subset.web_font_faces(families, subset.printed_chars(text()),
                                                 lambda name: f"/kiosk/font/{name}.otf")
            self._fonts.update(files)
            return rules
        return self.cached(("fonts", key, tuple(families)), make)

    def font(self, name: str) -> bytes | None:
        return self._fonts.get(name)
