"""Languages, scripts, directions and fonts.

A language is data: its CLDR script and direction come from Babel (likely subtags), its
font families from the registry in fonts.toml keyed by CLDR script code, or, for a script
the registry does not list, from fontconfig (`fc-list :lang=CODE`). leaflet.toml may
override the script or the font per language. Font files are located with `fc-match`, the
same fontconfig WeasyPrint renders with, so the build can hash them and check coverage.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import ConfigError, LeafletError, UsageError
from leaflet.i18n import _

REGISTRY_PATH = Path(__file__).with_name("fonts.toml")
LATIN_FALLBACK = "Noto Sans"
_FAMILY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ]{0,62}$")  # safe inside a CSS string


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, as in leaflet.toml and on the command line (zh-Hans)
    locale: str  # gettext/Babel form, the catalogue folder name (zh_Hans)
    script: str  # CLDR script code (Hans)
    direction: str  # ltr | rtl
    english_name: str
    autonym: str
    families: tuple[str, ...]  # CSS font-family stack, explicit, no generic fallback

    @property
    def css_font_stack(self):
        """The CSS font-family value; family names are checked against _FAMILY on load."""
        from markupsafe import Markup

        return Markup(", ".join(f'"{f}"' for f in self.families))


class FontMissing(LeafletError):
    """A font family the registry names is not installed."""


@functools.cache
def registry() -> dict[str, dict]:
    with REGISTRY_PATH.open("rb") as fh:
        return tomllib.load(fh)["scripts"]


def parse_locale(code: str, *, source: str = "--lang"):
    """The Babel Locale for a BCP 47 code, or UsageError naming where the code came from."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        # Translators: %(source)s is where the code came from, like --lang or leaflet.toml.
        raise UsageError(_("%(source)s: %(code)s is not a language code CLDR knows")
                         % {"source": source, "code": repr(code)},
                         hint=_("use a BCP 47 code such as fr, zh-Hans or pt-BR")) from None


def gettext_name(code: str) -> str:
    """`zh-Hans` -> `zh_Hans`: the catalogue folder for a BCP 47 code."""
    return str(parse_locale(code))


def language(code: str, settings: dict | None = None, *, source: str = "--lang") -> Language:
    """Everything the build needs to know about one language code."""
    from babel.core import get_global

    settings = settings or {}
    loc = parse_locale(code, source=source)
    script = settings.get("script") or loc.script
    if not script:
        likely = get_global("likely_subtags").get(loc.language, "")
        parts = likely.split("_")
        script = parts[1] if len(parts) > 1 and len(parts[1]) == 4 else "Latn"
    direction = "rtl" if loc.character_order == "right-to-left" else "ltr"
    if settings.get("font"):
        families = (settings["font"], LATIN_FALLBACK)
    elif script in registry():
        families = tuple(registry()[script]["families"])
    else:
        families = (fontconfig_family_for(loc.language, code), LATIN_FALLBACK)
    families = tuple(dict.fromkeys(families))  # no family twice
    for family in families:
        if not isinstance(family, str) or not _FAMILY.match(family):
            raise ConfigError(_("font family %(family)s for %(code)s is not a plain family "
                                "name") % {"family": repr(family), "code": repr(code)},
                              hint=_("use letters, digits and spaces, e.g. \"Noto Sans Thai\""))
    english = loc.get_display_name("en") or code
    return Language(code=code, locale=str(loc), script=script, direction=direction,
                    english_name=english, autonym=loc.get_display_name(loc) or english,
                    families=families)


def _fc(*args: str) -> str:
    if not shutil.which(args[0]):
        # Translators: %(program)s is fc-list or fc-match, programs of fontconfig.
        raise FontMissing(_("%(program)s (fontconfig) is not installed") % {"program": args[0]},
                          hint="apt-get install fontconfig")
    return subprocess.run(args, capture_output=True, text=True, check=False).stdout


@functools.cache
def fontconfig_family_for(lang: str, code: str) -> str:
    """A Noto family fontconfig says covers `lang`, for scripts fonts.toml does not list.

    Sans faces are preferred, then any other Noto face (Tibetan has only a serif one);
    monospace, UI and display variants are not body-text faces and are passed over.
    """
    names = set()
    for line in _fc("fc-list", f":lang={lang}", "family").splitlines():
        names.update(n.strip() for n in line.split(","))
    candidates = sorted(
        (n for n in names if n.startswith("Noto ")
         and not any(w in n for w in ("Mono", " UI", "Display", "Symbols", "Slanted"))),
        key=lambda n: (not n.startswith("Noto Sans"), len(n), n))
    if not candidates:
        raise FontMissing(
            _("no installed Noto font covers language %(code)s, and fonts.toml has no entry "
              "for its script") % {"code": repr(code)},
            # Translators: FAMILY stands for a font family's name, as the user writes it.
            hint=_("install the Debian package of a Noto font for it (fonts-noto-core, "
                   "fonts-noto-extra) or set [languages.%(code)s] font = \"FAMILY\" in "
                   "leaflet.toml") % {"code": code})
    return candidates[0]


@functools.cache
def font_face(family: str, bold: bool = False) -> tuple[Path, int]:
    """The file and face index fontconfig uses for `family`; FontMissing if absent."""
    pattern = f"{family}:weight={'bold' if bold else 'regular'}"
    out = _fc("fc-match", "-f", "%{family}\t%{file}\t%{index}", pattern)
    found_families, _tab, rest = out.partition("\t")
    file, _tab, index = rest.partition("\t")
    if family not in [f.strip() for f in found_families.split(",")]:
        package = next((spec.get("debian") for spec in registry().values()
                        if family in spec["families"]), "fonts-noto-core")
        # Translators: %(package)s is a Debian package's name.
        raise FontMissing(_("font family %(family)s is not installed") % {"family": repr(family)},
                          hint=_("apt-get install %(package)s, or run `leaflet doctor`")
                          % {"package": package})
    return Path(file), int(index or 0)


def font_file(family: str, bold: bool = False) -> Path:
    return font_face(family, bold)[0]


def subset_ahead_families(lang: Language) -> list[str]:
    """Families of `lang` that fonts.toml says to subset before rendering (huge CJK faces)."""
    spec = registry().get(lang.script, {})
    return [f for f in lang.families if spec.get("subset_ahead") and f in spec["families"]]


def font_files(lang: Language) -> list[Path]:
    """Every font file a language's leaflet can use (regular and bold of each family)."""
    files = []
    for family in lang.families:
        for bold in (False, True):
            path = font_file(family, bold)
            if path not in files:
                files.append(path)
    return files


def languages_for(workspace, codes) -> list[Language]:
    """Language records for `codes`, each of which must be configured in leaflet.toml."""
    result = []
    for code in codes:
        if code not in workspace.languages:
            raise UsageError(_("--lang: %(code)s is not a language of this workspace")
                             % {"code": repr(code)},
                             # Translators: %(languages)s lists language codes.
                             hint=_("configured in leaflet.toml [build] languages: "
                                    "%(languages)s")
                             % {"languages": ", ".join(workspace.languages)})
        try:
            result.append(language(code, workspace.language_settings.get(code),
                                   source="[build] languages"))
        except UsageError as exc:
            raise ConfigError(exc.message, path=workspace.path,
                              line=workspace.line_of("build", "languages"),
                              hint=_("fix [build] languages")) from None
    return result
