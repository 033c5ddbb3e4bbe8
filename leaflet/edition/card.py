"""The language card: every language this edition has a leaflet in, for a person to point at.

`leaflet card` writes output/<edition>/language-card.pdf (A4, at most two pages for the
34 languages): grouped by region, each built language shows its autonym large in its own
font, "I speak <language>." in that language (the msgid "I speak English." of its own
catalogue), its English name and the code the officer records. The officer's title and
one-line instruction come from templates/language-card.toml in en, fr, nl or de (`--for`).

The card goes through the edition's machinery: the one Jinja environment
(leaflet.render.templates), the fonts of the script registry per language, CJK faces subset
ahead of WeasyPrint (leaflet.render.subset), and the checks a leaflet gets before print:
every character of a language's row in that language's fonts (GLYPHS), and the layout
(LAYOUT: at most two pages, no row split across pages, no text past the margin). A failed
check writes nothing. The PDF is written through a temporary file and a rename.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from leaflet.errors import BuildError, ConfigError, UsageError
from leaflet.i18n import _

CARD_TEMPLATE = "language-card.html.j2"
CARD_DATA = "language-card.toml"
SENTENCE = "I speak English."
OFFICER_LANGUAGES = ("en", "fr", "nl", "de")
MAX_PAGES = 2
LATIN_FONT = "Noto Sans"


@dataclass
class CardResult:
    path: Path
    pages: int
    bytes: int
    sha256: str
    languages: list[str]  # codes on the card, in card order
    regions: dict[str, list[str]]  # region id -> codes
    warnings: list[str] = field(default_factory=list)


@dataclass
class Item:
    lang: object  # scripts.Language
    autonym: str
    gettext: object  # the row's own gettext, for the template's {% trans %}
    draft: bool
    region: str


def card_path(workspace, officer: str = "en") -> Path:
    """output/<edition>/language-card.pdf; language-card-<officer>.pdf for fr, nl, de."""
    suffix = "" if officer == "en" else f"-{officer}"
    return workspace.output_dir / f"language-card{suffix}.pdf"


def load_card_data(workspace) -> dict:
    """templates/language-card.toml, checked: officer texts and region rules."""
    path = workspace.templates_dir / CARD_DATA
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(_("the language card's data file is missing"), path=path,
                          hint=_("restore templates/language-card.toml")) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_("cannot read: %(error)s") % {"error": exc}, path=path) from None
    regions = data.get("regions", {})
    order = regions.get("order")
    if not isinstance(order, list) or not order:
        raise ConfigError(_("[regions] order must list the regions"), path=path)
    for officer in OFFICER_LANGUAGES:
        texts = data.get("officer", {}).get(officer, {})
        for key in ("title", "instruction", "draft_note", "edition", "languages"):
            if not isinstance(texts.get(key), str) or not texts[key].strip():
                # Translators: %(table)s is a table of language-card.toml, like
                # [officer.fr]; %(key)s one of its keys, like 'title'.
                raise ConfigError(_("%(table)s needs a non-empty %(key)s")
                                  % {"table": f"[officer.{officer}]", "key": f"'{key}'"},
                                  path=path)
        names = regions.get("names", {}).get(officer, {})
        missing = [r for r in order if not names.get(r)]
        if missing:
            # Translators: %(officer)s is a language code (en, fr, nl, de); %(regions)s lists
            # region ids of language-card.toml.
            raise ConfigError(_("[regions.names] %(officer)s has no name for %(regions)s")
                              % {"officer": officer, "regions": ", ".join(missing)}, path=path)
    for table in ("languages", "timezones"):
        for key, region in regions.get(table, {}).items():
            if region not in order:
                # Translators: %(entry)s is a line of language-card.toml, like
                # [regions.languages] ti = 'africa'.
                raise ConfigError(_("%(entry)s is not in [regions] order")
                                  % {"entry": f"[regions.{table}] {key} = {region!r}"},
                                  path=path)
    for region in regions.get("territories", {}):
        if region not in order:
            raise ConfigError(_("%(entry)s is not in [regions] order")
                              % {"entry": f"[regions.territories] {region!r}"}, path=path)
    data["_path"] = path
    return data


def region_of(code: str, data: dict) -> str:
    """The card region of language `code` by the rules documented in language-card.toml.

    The territory is the code's own region (pt-BR -> BR), else the one CLDR's likely
    subtags give the language (pt -> BR, ar -> EG).
    """
    from babel.core import get_global

    regions = data["regions"]
    if code in regions.get("languages", {}):
        return regions["languages"][code]
    parts = code.replace("-", "_").split("_")
    territory = next((p.upper() for p in parts[1:] if len(p) == 2), None)  # pt-BR: BR
    if territory is None:
        likely = get_global("likely_subtags")
        full = likely.get("_".join(parts)) or likely.get(parts[0]) or ""
        territory = next((p for p in full.split("_")[1:] if len(p) == 2), None)
    if territory is None:
        raise ConfigError(_("CLDR gives no territory for %(code)s") % {"code": repr(code)},
                          path=data["_path"],
                          hint=_("add it to [regions.languages]: %(line)s")
                          % {"line": f'{code} = "REGION"'})
    for region, territories in regions.get("territories", {}).items():
        if territory in territories:
            return region
    areas = {zone.split("/")[0] for zone in get_global("territory_zones").get(territory, ())}
    for area, region in regions.get("timezones", {}).items():  # in the file's order
        if area in areas:
            return region
    raise ConfigError(_("no region for %(code)s (territory %(territory)s)")
                      % {"code": repr(code), "territory": territory}, path=data["_path"],
                      hint=_("add it to [regions.languages]: %(line)s")
                      % {"line": f'{code} = "REGION"'})


# Scripts whose writing capitalises the first letter of a name at the head of a line (CLDR's
# "titlecase-firstword" for menus). Georgian is left out: CLDR writes ქართული, and
# upper-casing its first letter gives a Mtavruli capital, which Georgian does not write there.
_CAPITALISING_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN")


def capitalised(text: str) -> str:
    """An autonym at the head of a list item: its first letter upper-cased only in a script
    whose writing does so; any other autonym exactly as CLDR writes it."""
    if text[:1] and unicodedata.name(text[0], "").startswith(_CAPITALISING_SCRIPTS):
        return text[:1].upper() + text[1:]
    return text


_capitalised = capitalised


# --- checks ---------------------------------------------------------------------------------

def _cmap(family: str) -> set[int]:
    """The code points of a family's regular and bold faces (the check's cached cmaps)."""
    from leaflet.languages.fonts import family_cmap

    return family_cmap(family)


def missing_glyphs(text: str, families) -> list[str]:
    """Characters of `text` none of `families` has (spaces and controls aside)."""
    stack = [_cmap(f) for f in families]
    return sorted({ch for ch in text if not ch.isspace()
                   and unicodedata.category(ch)[0] != "C"
                   and not any(ord(ch) in cmap for cmap in stack)})


def glyph_findings(items: list[Item], officer_texts: list[str]) -> list[str]:
    """GLYPHS: each row's autonym and sentence in its own fonts; officer text in Latin."""
    findings = []
    for item in items:
        text = item.autonym + str(item.gettext(SENTENCE))
        absent = missing_glyphs(text, item.lang.families)
        if absent:
            shown = ", ".join(f"U+{ord(c):04X} {c!r}" for c in absent[:5])
            # Translators: %(chars)s lists characters (U+1234 'x'), %(fonts)s font families.
            findings.append(f"GLYPHS: {item.lang.code}: "
                            + _("%(chars)s not in %(fonts)s")
                            % {"chars": shown, "fonts": ", ".join(item.lang.families)})
        absent = missing_glyphs(item.lang.english_name + item.lang.code + "*", [LATIN_FONT])
        if absent:
            # Translators: %(chars)s is a list of characters, like ['ŋ'].
            findings.append(f"GLYPHS: {item.lang.code}: "
                            + _("English name needs %(chars)s") % {"chars": absent})
    absent = missing_glyphs("".join(officer_texts), [LATIN_FONT])
    if absent:
        # Translators: %(chars)s is a list of characters, like ['ŋ']; %(font)s a font family.
        findings.append("GLYPHS: " + _("officer text: %(chars)s not in %(font)s")
                        % {"chars": absent, "font": LATIN_FONT})
    return findings


def layout_findings(pages) -> list[str]:
    """LAYOUT: at most MAX_PAGES pages; no row split over two pages; no text running out of
    its row's cell or past the page's margins (a long unbreakable word, a too large face)."""
    px_to_mm = 25.4 / 96
    findings = []
    if len(pages) > MAX_PAGES:
        findings.append("LAYOUT: " + _("the card takes %(pages)s pages, at most %(most)s are "
                                       "allowed: fewer languages, or a smaller type in "
                                       "language-card.css")
                        % {"pages": len(pages), "most": MAX_PAGES})
    seen: dict[str, set[int]] = {}
    overflow: dict[str, float] = {}
    for number, page in enumerate(pages, 1):
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        in_rows: set[int] = set()
        for box in page_box.descendants():
            element = getattr(box, "element", None)
            ident = element.get("id") or "" if element is not None else ""
            if ident.startswith("lang-") and type(box).__name__ == "BlockBox":
                code = ident[5:]
                seen.setdefault(code, set()).add(number)
                x0 = max(box.border_box_x(), left)
                x1 = min(box.border_box_x() + box.border_width(), right)
                for inner in box.descendants():
                    if type(inner).__name__ == "TextBox" and inner.position_x is not None:
                        in_rows.add(id(inner))
                        excess = max(inner.position_x + inner.margin_width() - x1,
                                     x0 - inner.position_x)
                        if excess > 1:
                            overflow[code] = max(overflow.get(code, 0.0), excess)
            elif type(box).__name__ == "TextBox" and box.position_x is not None \
                    and id(box) not in in_rows:
                excess = max(box.position_x + box.margin_width() - right,
                             left - box.position_x)
                if excess > 1:
                    # Translators: %(text)s is the start of the text, in quotes.
                    findings.append("LAYOUT: " + _("page %(page)s: %(text)s runs %(mm)s mm past "
                                                   "the margin")
                                    % {"page": number, "text": repr(box.text[:30]),
                                       "mm": f"{excess * px_to_mm:.1f}"})
    for code, numbers in sorted(seen.items()):
        if len(numbers) > 1:
            findings.append(f"LAYOUT: {code}: "
                            + _("its row is split over pages %(pages)s")
                            % {"pages": ", ".join(map(str, sorted(numbers)))})
    for code, excess in sorted(overflow.items()):
        findings.append(f"LAYOUT: {code}: "
                        + _("its text runs %(mm)s mm out of its cell")
                        % {"mm": f"{excess * px_to_mm:.1f}"})
    return findings


# --- building -------------------------------------------------------------------------------

def card_items(workspace, data: dict, codes: list[str]) -> list[Item]:
    from leaflet.translation import catalog
    from leaflet.translation import messages
    from leaflet.edition.checks.entries import ENTRY_CHECKS, check_length
    from leaflet.languages import scripts
    from leaflet.translation.rules import ERROR

    items = []
    refused = []
    for lang in scripts.languages_for(workspace, codes):
        path = catalog.catalog_path(workspace.translations_dir, lang.locale)
        # The card prints one sentence of each catalogue: it passes the same entry checks
        # as the leaflet's sentences (invisible characters, markup, contact data, ...).
        po = catalog.read_po(path)
        entry = po.find(SENTENCE)
        if entry is not None:
            shown = workspace.display_path(path)
            for check in (check_length, *ENTRY_CHECKS):
                refused += [str(f) for f in check(entry, shown, lang)
                            if f.severity == ERROR]
        translations = messages.load_translations(path)
        items.append(Item(lang=lang, autonym=_capitalised(lang.autonym),
                          gettext=translations.gettext,
                          draft=translations.review_status != "reviewed",
                          region=region_of(lang.code, data)))
    if refused:
        # Translators: %(finding)s is the first finding (file:line: CHECK-ID: message).
        message = (_("the language card is not written: %(finding)s (and %(more)s more)")
                   if len(refused) > 1 else _("the language card is not written: %(finding)s"))
        raise BuildError(message % {"finding": refused[0], "more": len(refused) - 1},
                         hint=_("fix the catalogue, then run `leaflet card` again"))
    return items


def context(workspace, data: dict, items: list[Item], officer: str) -> dict:
    from babel.dates import format_date
    from markupsafe import Markup

    texts = data["officer"][officer]
    names = data["regions"]["names"][officer]
    regions = [{"id": region, "name": names[region],
                "rows": [i for i in items if i.region == region]}
               for region in data["regions"]["order"]]
    return {
        "officer": dict(texts, code=officer),
        "edition": {"id": workspace.edition_id, "date_iso": workspace.edition_date.isoformat(),
                    "date_local": format_date(workspace.edition_date, "long", locale=officer)},
        "items": items,
        "regions": [r for r in regions if r["rows"]],
        "drafts": any(i.draft for i in items),
        "latin_font_stack": Markup(f'"{LATIN_FONT}"'),
        "font_faces": Markup(""),
    }


class _NoSentence:
    """The card's global gettext: every sentence belongs to one language's row."""

    path = Path(CARD_TEMPLATE)
    review_status = "draft"

    def gettext(self, msgid):
        # Translators: %(template)s is a template's file name, %(msgid)s a sentence's start.
        raise BuildError(_("%(template)s: %(msgid)s is outside a language row")
                         % {"template": CARD_TEMPLATE, "msgid": repr(msgid[:40])},
                         hint=_("put translated sentences inside %(tag)s")
                         % {"tag": "{% with gettext = item.gettext %}"})

    def ngettext(self, singular, plural, n):
        return self.gettext(singular)


def render_card_html(workspace, items: list[Item], data: dict, officer: str) -> str:
    """The card's HTML, with @font-face rules for subsets of huge (CJK) faces."""
    from markupsafe import Markup

    from leaflet.render import templates, subset
    from leaflet.languages import scripts

    env = templates.environment(workspace.templates_dir)
    ctx = context(workspace, data, items, officer)
    html = templates.render_html(env, CARD_TEMPLATE, ctx, _NoSentence())
    rules = []
    for item in items:
        if scripts.subset_ahead_families(item.lang):
            faces, names = subset.font_faces(item.lang, html, workspace.font_cache_dir)
            rules.append(faces)
            item.lang = dataclasses.replace(
                item.lang, families=tuple(names.get(f, f) for f in item.lang.families))
    if rules:
        ctx["font_faces"] = Markup("\n".join(rules))
        html = templates.render_html(env, CARD_TEMPLATE, ctx, _NoSentence())
    return html


def built_codes(workspace) -> list[str]:
    """Configured languages whose leaflet PDF is built, in leaflet.toml order."""
    from leaflet.workspace.built import built_languages

    return list(built_languages(workspace))


def build_card(workspace, officer: str = "en", *, codes: list[str] | None = None) -> CardResult:
    """Check and write the language card for `codes` (default: every built language).

    Raises BuildError naming the failed checks (nothing written), UsageError for an officer
    language without texts, ConfigError for bad card data, CatalogError for a catalogue
    that lacks the sentence.
    """
    import weasyprint

    from leaflet.files import write_atomic

    if officer not in OFFICER_LANGUAGES:
        raise UsageError(_("--for: %(value)s is not an officer language")
                         % {"value": repr(officer)},
                         hint=_("use one of %(languages)s")
                         % {"languages": ", ".join(OFFICER_LANGUAGES)})
    data = load_card_data(workspace)
    codes = list(codes) if codes else built_codes(workspace)
    if not codes:
        raise BuildError(_("no leaflet is built yet: the card lists built languages only"),
                         path=workspace.output_dir, hint=_("run `leaflet build` first"))
    items = card_items(workspace, data, codes)
    texts = data["officer"][officer]
    findings = glyph_findings(items, [texts[k] for k in ("title", "instruction", "draft_note",
                                                         "edition", "languages")]
                              + list(data["regions"]["names"][officer].values()))
    html = render_card_html(workspace, items, data, officer)
    from leaflet.render.pdf import collected_warnings

    with collected_warnings() as warnings:
        document = weasyprint.HTML(string=html,
                                   base_url=str(workspace.templates_dir) + os.sep).render()
        findings += layout_findings(document.pages)
        pdf = document.write_pdf()
    dest = card_path(workspace, officer)
    if findings:
        raise BuildError(_("the language card fails its checks: %(findings)s")
                         % {"findings": "; ".join(findings)},
                         path=workspace.templates_dir / CARD_TEMPLATE)
    write_atomic(dest, pdf)
    order = [i.lang.code for region in data["regions"]["order"] for i in items
             if i.region == region]
    regions = {region: [i.lang.code for i in items if i.region == region]
               for region in data["regions"]["order"]}
    return CardResult(dest, len(document.pages), len(pdf), hashlib.sha256(pdf).hexdigest(),
                      order, {r: c for r, c in regions.items() if c},
                      [f"WeasyPrint: {m}" for m in warnings])
