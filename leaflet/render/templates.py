"""From workspace data and one catalogue to the leaflet's HTML.

The one Jinja environment of the project is built here: file loader on templates/,
autoescape on, StrictUndefined, the i18n extension with trimmed messages. Contact data is
injected from leaflet.toml; QR codes are generated as inline SVG paths with qrcode.
"""

from __future__ import annotations

import functools
import re
import traceback
from pathlib import Path

from markupsafe import Markup

from leaflet.errors import TemplateError
from leaflet.i18n import _
from leaflet.workspace import DEFAULT_TEXT_SIZE

LEAFLET_TEMPLATE = "leaflet.html.j2"
# Figures of the procedure as the centres publish it (../shared/facts/SUPPORT-CENTRES.md);
# kept out of the sentences so every language writes them in its own digits.
PROCEDURE_NUMBERS = {"reflection_days": 45, "minor_registration_months": 3,
                     "registration_months": 3, "card_months": 6}
# The official names of the residence documents, printed as they are (in French, as the
# documents themselves read) so that the person can match a paper to its stage.
PROCEDURE_NAMES = {"reflection_document": "annexe 15",
                   "registration_document": "attestation d'immatriculation",
                   "residence_card": "carte A / A-kaart",
                   # the public social welfare centre, in French and Dutch, as its signs read
                   "welfare_centre": "CPAS / OCMW",
                   # the civil party's claim in a criminal case, as the court's papers name it
                   "civil_party": "partie civile / burgerlijke partij",
                   # the two safe places for young victims, by their own names
                   "minors_centre": "Esperanto", "girls_centre": "Meza (Minor-Ndako)"}
DRAFT_ENGLISH = "Draft translation, not yet reviewed."
# The languages the kiosk's first page, the quick exit's page and the site's first page speak
# before the person has chosen one: English and Belgium's three official languages, each
# from its own leaflet catalogue (greeter()).
GREETING_LANGUAGES = ("en", "fr", "nl", "de")


def environment(templates_dir: Path):
    """The Jinja environment every template of the project renders through."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.globals["ltr"] = ltr
    env.globals["official"] = official
    env.globals["titled"] = titled
    return env


_PHONE_LIKE = re.compile(r"^\+?[0-9(][0-9 ./()-]*[0-9]$")


def greeter(translations: dict, directions: dict):
    """greet(msgid, **values): the leaflet's sentence in each greeting language among
    `translations` ({code: Translations}), as [{code, dir, text}] in GREETING_LANGUAGES
    order; the English msgid itself when none of them is built."""
    from markupsafe import escape

    def greet(message: str, **values) -> list[dict]:
        found = [{"code": code, "dir": directions.get(code, "ltr"),
                  "text": translations[code].gettext(message)}
                 for code in GREETING_LANGUAGES if code in translations]
        if not found:
            found = [{"code": "en", "dir": "ltr", "text": escape(message)}]
        if values:
            found = [{**g, "text": g["text"] % values} for g in found]
        return found
    return greet


def ltr(value) -> Markup:
    """Wrap data (a number, an address) so it reads left to right inside any text.

    The spaces of a phone number become no-break spaces: a number is never split over two
    lines, and text extractors (screen readers, copy-paste) keep its groups in order
    inside a right-to-left line.
    """
    text = str(value)
    if _PHONE_LIKE.match(text):
        # class "tel": the audio reads it digit by digit (edition/audio.py)
        return Markup('<bdi dir="ltr" class="tel">{}</bdi>').format(text.replace(" ", "\u00a0"))
    return Markup('<bdi dir="ltr">{}</bdi>').format(text)


def official(name: str) -> Markup:
    """An official name (of a document) as it is printed on it, in any language's text."""
    return Markup('<bdi dir="ltr" class="official">{}</bdi>').format(name)


@functools.cache
def qr_svg(payload: str) -> Markup:
    """An inline SVG QR code for `payload` (error correction M, 4-module quiet zone)."""
    import qrcode
    import qrcode.image.svg

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(payload)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode").replace(' id="qr-path"', "")
    # A white square behind the modules keeps the quiet zone light on any background.
    svg = svg.replace('xmlns="http://www.w3.org/2000/svg">',
                      'xmlns="http://www.w3.org/2000/svg"><rect width="100%" height="100%" '
                      'fill="#ffffff"/>', 1)
    return Markup(svg)


def titled(svg: Markup, title: str) -> Markup:
    """An inline SVG with its alternative text: a <title> (the tagged PDF's /Alt, read by
    screen readers in the HTML pages too) and role="img"."""
    head, sep, rest = str(svg).partition(">")
    if not sep or not head.startswith("<svg"):
        raise ValueError("not an inline SVG")
    return Markup('{} role="img">{}{}').format(
        Markup(head), Markup("<title>{}</title>").format(str(title).strip()), Markup(rest))


def qr_payloads(workspace, code: str) -> dict[str, str]:
    """What each QR code of a language's leaflet encodes: the tests decode against this."""
    from leaflet.workspace.contacts import tel_uri

    # Parsed with libphonenumber, never taken from the text: `078 O55 8OO` is refused
    # (leaflet/workspace/contacts.py), not encoded as another number. The helpline is dialled
    # as it is printed, in its national form: its +32 form is not established from abroad.
    payloads = {
        "helpline": tel_uri(workspace.organisations["helpline"].value("phone")),
        "website": workspace.website.for_language(code),
    }
    if workspace.site_base_url:
        payloads["site"] = site_page_url(workspace, code)
    return payloads


def site_page_url(workspace, code: str) -> str:
    """The address of a language's page on the published site ([site] base_url)."""
    return f"{workspace.site_base_url.rstrip('/')}/{code}/"


def _display_url(url: str) -> str:
    return url.removeprefix("https://").removeprefix("http://").rstrip("/")


def context(workspace, lang, translations, input_hash: str,
            text_size: float | None = None) -> dict:
    """Everything the leaflet template sees for one language (`text_size`: the size its
    build found, leaflet.edition.fitting; by default the pinned one, or DEFAULT_TEXT_SIZE)."""
    from babel.dates import format_date
    from babel.numbers import format_decimal

    orgs = workspace.organisations
    helpline = orgs["helpline"]
    centres = []
    for org in orgs.values():
        if org.kind != "centre":
            continue
        website = org.value("website")
        centres.append({
            "id": org.id, "name": org.name, "city": org.city or "",
            "phone": org.value("phone"), "email": org.value("email"),
            "phone_international": org.value("phone_international"),
            "website": _display_url(website) if website else None,
            "address": org.value("address"),
        })
    payloads = qr_payloads(workspace, lang.code)
    return {
        "lang": lang,
        "draft": translations.review_status != "reviewed",
        "draft_english": DRAFT_ENGLISH,
        "edition": {
            "id": workspace.edition_id,
            "date_iso": workspace.edition_date.isoformat(),
            "date_local": format_date(workspace.edition_date, "long", locale=lang.locale),
            "ref": input_hash[:8],
        },
        "helpline": {"phone": helpline.value("phone")},
        "emergency": {"phone": orgs["emergency"].value("phone")},
        "police": {"phone": orgs["police"].value("phone")},
        "guardianship": {"phone": orgs["guardianship"].value("phone")},
        "procedure": PROCEDURE_NAMES,
        "centres": centres,
        "website": {"url": payloads["website"], "display": _display_url(payloads["website"])},
        "site_page": ({"url": payloads["site"], "display": _display_url(payloads["site"])}
                      if "site" in payloads else None),
        "numbers": {k: format_decimal(v, locale=lang.locale) for k, v in PROCEDURE_NUMBERS.items()},
        "qr": {name: qr_svg(payload) for name, payload in payloads.items()},
        "font_faces": Markup(""),
        "text_size": text_size or workspace.language_settings.get(lang.code, {}).get(
            "text_size", DEFAULT_TEXT_SIZE),
    }


def render_html(env, template_name: str, ctx: dict, translations) -> str:
    """Render one template with one language's gettext; TemplateError names file and line."""
    import jinja2

    from leaflet.errors import CatalogError

    env.install_gettext_callables(translations.gettext, translations.ngettext, newstyle=True)
    translations.last = None
    try:
        template = env.get_template(template_name)
        return template.render(ctx)
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        # The i18n extension formats `msgstr % {placeholders}` right after the lookup: an
        # unknown placeholder (KeyError), a stray `%` (ValueError, TypeError) is in the
        # entry looked up last. `leaflet check` (PLACEHOLDERS) names these before a build.
        msgid = translations.last
        if msgid is None:
            raise
        # Translators: %(msgid)s is the start of a catalogue entry, in quotes; %(error)s
        # Python's error, like "KeyError: 'days'".
        raise CatalogError(_("the translation of %(msgid)s does not fit its placeholders "
                             "(%(error)s)")
                           % {"msgid": repr(msgid[:40]),
                              "error": f"{type(exc).__name__}: {str(exc)[:60]}"},
                           path=translations.path, line=translations.line_of(msgid),
                           # Translators: %(placeholder)s and %(percent)s are printed as
                           # they are written in a catalogue: %(name)s and %%.
                           hint=_("use exactly the %(placeholder)s placeholders of msgid; "
                                  "write %(percent)s for a percent sign")
                           % {"placeholder": "%(name)s", "percent": "%%"}) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(_("template syntax error: %(error)s") % {"error": exc.message},
                            path=exc.filename or template_name, line=exc.lineno) from None
    except jinja2.UndefinedError as exc:
        path, line = _template_frame(exc, env)
        raise TemplateError(_("undefined value: %(error)s") % {"error": exc.message},
                            path=path or template_name, line=line,
                            hint=_("the template uses a name the data does not define")) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(_("template not found: %(name)s") % {"name": exc.name},
                            path=Path(env.loader.searchpath[0]) / str(exc.name)) from None


def _template_frame(exc: BaseException, env) -> tuple[str | None, int | None]:
    """The innermost traceback frame that lies in a template file (Jinja rewrites them)."""
    roots = [str(Path(p).resolve()) for p in env.loader.searchpath]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if any(str(Path(frame.filename).resolve()).startswith(r) for r in roots):
            return frame.filename, frame.lineno
    return None, None
