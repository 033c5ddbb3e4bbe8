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
edition prints with, cut to the page's characters (HarfBuzz, leaflet.edition.subset) and
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
    """The kiosk's view of one workspace; renders and caches pages and fonts per edition."""

    def __init__(self, workspace, secret: str):
        self.workspace = workspace
        self.secret = secret
        self._lock = threading.Lock()
        self._pages: dict[tuple[str, str], str] = {}
        self._fonts: dict[str, bytes] = {}
        self._font_css: dict[tuple, str] = {}
        self._languages: tuple[tuple, list[KioskLanguage]] | None = None

    # --- the languages -----------------------------------------------------------------------

    def manifest(self) -> dict:
        from leaflet.handover import editions

        return editions.read_manifest(self.workspace, self.workspace.edition_id) or {}

    def languages(self) -> list[KioskLanguage]:
        """The built languages of the current edition, in leaflet.toml order."""
        from leaflet.languages.pick import built_languages

        built = built_languages(self.workspace)
        manifest = self.manifest().get("languages", {})
        key = tuple((code, manifest.get(code, {}).get("inputs")) for code in built)
        with self._lock:
            if self._languages is not None and self._languages[0] == key:
                return self._languages[1]
        from leaflet.edition import card
        from leaflet.languages import scripts

        data = card.load_card_data(self.workspace)
        rows = []
        for lang in scripts.languages_for(self.workspace, list(built)):
            entry = manifest.get(lang.code, {})
            card_pdf = (entry.get("card") or {}).get("pdf")
            out = self.workspace.output_dir
            rows.append(KioskLanguage(
                code=lang.code, autonym=card._capitalised(lang.autonym),
                english_name=lang.english_name, direction=lang.direction, script=lang.script,
                region=card.region_of(lang.code, data), pdf=built[lang.code],
                card=str(out / card_pdf) if card_pdf and (out / card_pdf).is_file() else None))
        with self._lock:
            self._languages = (key, rows)
        return rows

    def language(self, code: str) -> KioskLanguage | None:
        """The built language `code` exactly as configured, or None (a 404, never a path)."""
        if not isinstance(code, str) or len(code) > 20:
            return None
        return next((row for row in self.languages() if row.code == code), None)

    def regions(self) -> list[tuple[str, list[KioskLanguage]]]:
        """(region name, languages) in the language card's region order, empty ones left out."""
        from leaflet.edition import card

        data = card.load_card_data(self.workspace)
        names = data["regions"]["names"]["en"]
        rows = self.languages()
        return [(names[region], [r for r in rows if r.region == region])
                for region in data["regions"]["order"] if any(r.region == region for r in rows)]

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

    # --- the leaflet page ---------------------------------------------------------------------

    def page(self, env_factory, code: str, extra: dict) -> str:
        """The leaflet of `code` as a web page (cached per edition inputs)."""
        from leaflet.edition import catalog, render
        from leaflet.languages import scripts

        entry = self.manifest().get("languages", {}).get(code, {})
        inputs = entry.get("inputs") or ""
        key = (code, inputs)
        with self._lock:
            if key in self._pages:
                return self._pages[key]
            lang = scripts.languages_for(self.workspace, [code])[0]
            path = catalog.catalog_path(self.workspace.translations_dir, lang.locale)
            translations = catalog.load_translations(path)
            ctx = render.context(self.workspace, lang, translations, inputs or "0" * 8)
            ctx.update(extra)
            ctx["font_css"] = f"/kiosk/{code}/fonts.css"
            html = render.render_html(env_factory(), "station/kiosk-leaflet.html.j2", ctx,
                                      translations)
            self._pages[key] = html
            return html

    def officer_screen(self, env_factory, code: str, extra: dict) -> str:
        from leaflet.edition import catalog, render
        from leaflet.languages import scripts

        with self._lock:
            lang = scripts.languages_for(self.workspace, [code])[0]
            path = catalog.catalog_path(self.workspace.translations_dir, lang.locale)
            translations = catalog.load_translations(path)
            ctx = {"lang": lang, **extra}
            return render.render_html(env_factory(), "station/kiosk-officer.html.j2", ctx,
                                      translations)

    # --- fonts ---------------------------------------------------------------------------------

    def font_css(self, key: str, families: list[str], text: str) -> str:
        """@font-face rules for `families` (regular and bold), each cut to the characters of
        `text`; the font files are kept for `font()`."""
        from leaflet.edition import subset
        from leaflet.languages import scripts

        chars = subset.printed_chars(text)
        cache_key = (key, tuple(families), hashlib.sha256("".join(sorted(chars)).encode()
                                                          ).hexdigest())
        with self._lock:
            if cache_key in self._font_css:
                return self._font_css[cache_key]
            rules = []
            for family in families:
                seen = set()
                for bold in (False, True):
                    path, index = scripts.font_face(family, bold)
                    if (path, index) in seen:  # no bold face: the browser emboldens
                        continue
                    seen.add((path, index))
                    data = subset.subset_font(path, index, chars)
                    name = hashlib.sha256(data).hexdigest()[:32]
                    self._fonts[name] = data
                    rules.append(f'@font-face {{ font-family: "{family}"; font-weight: '
                                 f'{"bold" if bold else "normal"}; font-display: block; '
                                 f'src: url("/kiosk/font/{name}.otf") format("opentype"); }}')
            css = "\n".join(rules) + "\n"
            self._font_css[cache_key] = css
            return css

    def font(self, name: str) -> bytes | None:
        with self._lock:
            return self._fonts.get(name)
