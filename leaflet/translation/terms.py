"""The term base: the agreed translation of the leaflet's key terms, per language (TBX).

`translations/terms.tbx` lists the English terms (an id, the English forms, a definition);
`translations/<locale>/terms.tbx` holds, for each of those ids, the language's agreed term
first and then the other forms that are accepted (inflected forms, a plural), optionally
forms that must not be used (administrative status "deprecatedTerm-admn-sts"). Both are TBX,
read and written with translate-toolkit, so Weblate and CAT tools open them as glossaries.

`leaflet check` (TERMS) asks of every entry whose English contains a term that its
translation uses one of the language's forms. How tolerant the match is of inflection is
set per language in leaflet/languages/terms.toml, with the reason, and so is whether a miss
is an error or only a warning.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from leaflet.errors import CatalogError
from leaflet.i18n import _, ngettext

MASTER_NAME = "terms.tbx"
RULES_PATH = Path(__file__).resolve().parent.parent / "languages" / "terms.toml"
DRAFT_NOTE = "draft, not yet reviewed"
DEPRECATED = "deprecatedTerm-admn-sts"
# Splits words: white space and punctuation of the scripts in use (apostrophes too, so the
# French elision "d'aide" is the two words "d" and "aide" on both sides of a comparison).
_SPLIT = re.compile(r"[\s.,;:!?()\[\]{}«»\"'“”„‹›·/\-–—،؛؟።፣፤፥፦፧।॥、。，：；！？（）]+")
_TAG = re.compile(r"<[^>]*>")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@dataclass(frozen=True)
class Rules:
    mode: str = "words"
    strip: int = 1
    grow: int = 3
    fold_accents: bool = False
    severity: str = "error"
    ignore: str = ""
    turkic: bool = False  # dotted and dotless i: İ/i and I/ı are two letter pairs
    why: str = ""


@functools.cache
def _rules_table() -> dict:
    with RULES_PATH.open("rb") as fh:
        return tomllib.load(fh)


def rules_for(locale: str) -> Rules:
    table = _rules_table()
    values = dict(table["default"])
    values.update(table.get("languages", {}).get(locale, {}))
    return Rules(**values)


ENGLISH = Rules(mode="words", strip=0, grow=2)  # "support centre" finds "support centres"


@dataclass
class Term:
    key: str
    english: list[str]
    definition: str = ""
    forms: list[str] = field(default_factory=list)  # the agreed term first
    deprecated: list[str] = field(default_factory=list)
    listed: bool = False  # the language's term base has an entry for it (maybe emptied)
    line: int | None = None  # of that entry

    @property
    def agreed(self) -> str:
        return self.forms[0] if self.forms else ""


@dataclass
class TermBase:
    path: Path
    locale: str
    terms: list[Term]

    def digest_source(self) -> list:
        """What a review commits to: each term's id and target forms, in file order."""
        return [[t.key, t.forms, t.deprecated] for t in self.terms]


def master_path(translations_dir: Path) -> Path:
    return translations_dir / MASTER_NAME


def path_for(translations_dir: Path, locale: str) -> Path:
    return translations_dir / locale / MASTER_NAME


def path_beside(catalogue: Path) -> Path:
    """translations/<locale>/terms.tbx for translations/<locale>/LC_MESSAGES/leaflet.po."""
    return Path(catalogue).parent.parent / MASTER_NAME


def _parse(path: Path, target: str | None):
    from lxml import etree
    from translate.storage import tbx

    try:
        data = path.read_bytes()
    except OSError as exc:
        # Translators: %(reason)s is the system's reason, like "Permission denied".
        raise CatalogError(_("cannot read the term base: %(reason)s")
                           % {"reason": exc.strerror or exc}, path=path) from None
    try:
        return tbx.tbxfile.parsestring(data, sourcelanguage="en", targetlanguage=target)
    except etree.XMLSyntaxError as exc:
        # Translators: %(reason)s is the XML parser's own (English) message.
        raise CatalogError(_("not valid TBX: %(reason)s") % {"reason": exc.msg}, path=path,
                           line=exc.lineno,
                           hint=_("fix the XML, or export the glossary again")) from None


def load_master(translations_dir: Path) -> list[Term]:
    """The English terms, in file order; [] when the project has no term base."""
    path = master_path(translations_dir)
    if not path.is_file():
        return []
    store = _parse(path, None)
    terms = []
    for unit in store.units:
        english = [t.text for t in unit.get_source_terms() if t.text]
        _refuse_hidden(english, path, unit.getid(), unit.xmlelement.sourceline, None)
        definition = next((n.text for n in unit.get_common_notes(source=True)
                           if n.origin == "definition"), "")
        if not unit.getid() or not english:
            # Translators: termEntry and <term> are TBX element names (not translated).
            raise CatalogError(_("a term without id or English form"), path=path,
                               hint=_("each termEntry needs an id and an English <term>"))
        terms.append(Term(unit.getid(), english, definition))
    return terms


def load(translations_dir: Path, locale: str) -> TermBase | None:
    """The language's term base joined to the English list; None when it has none."""
    path = path_for(translations_dir, locale)
    if not path.is_file():
        return None
    master = {t.key: t for t in load_master(translations_dir)}
    store = _parse(path, locale.replace("_", "-"))
    terms = []
    for unit in store.units:
        key = unit.getid()
        base = master.get(key)
        if base is None:
            continue  # a term the English list dropped: `catalog update` removes it
        bcp = locale.replace("_", "-")
        target = unit.get_target_terms(bcp)
        forms = [t.text for t in target if t.text and t.text.strip() and not t.deprecated]
        deprecated = [t.text for t in target if t.text and t.text.strip() and t.deprecated]
        line = unit.xmlelement.sourceline
        _refuse_hidden(forms + deprecated, path, key, line, locale)
        listed = unit.get_target_dom(bcp) is not None
        terms.append(Term(key, base.english, base.definition, forms, deprecated, listed, line))
    # Terms of the English list this language does not have yet come last, without forms.
    have = {t.key for t in terms}
    terms += [Term(t.key, t.english, t.definition) for t in master.values() if t.key not in have]
    return TermBase(path, locale, terms)


def _refuse_hidden(texts: list[str], path: Path, key, line, locale: str | None) -> None:
    """A term holding a direction override, a zero-width or a control character would pass
    (or fail) the TERMS check for what nobody can see: refused, naming the term."""
    from leaflet import textsafety
    from leaflet.languages import scripts

    script = None
    if locale:
        try:
            script = scripts.language(locale.replace("_", "-")).script
        except Exception:  # noqa: BLE001  (an unknown locale: judged without its script)
            script = None
    for text in texts:
        found = textsafety.invisible_chars(text, script)
        if found:
            # Translators: %(term)s is a term's id, %(character)s an invisible character
            # described (like U+202E RIGHT-TO-LEFT OVERRIDE), %(text)s the term's text.
            raise CatalogError(_("the term %(term)s holds %(character)s in "
                                 "%(text)s: delete it (it can reorder or hide "
                                 "what is printed)")
                               % {"term": repr(key), "character": textsafety.describe(found[0]),
                                  "text": textsafety.clip(text, 40)}, path=path, line=line,
                               hint=_("retype the term in the glossary"))


def write(translations_dir: Path, locale: str, forms: dict[str, list[str]],
          deprecated: dict[str, list[str]] | None = None, note: str = DRAFT_NOTE) -> Path:
    """Write translations/<locale>/terms.tbx: every English term with the given forms."""
    from lxml import etree
    from translate.storage import tbx

    from leaflet.files import write_atomic

    bcp = locale.replace("_", "-")
    store = tbx.tbxfile(sourcelanguage="en", targetlanguage=bcp)
    for term in load_master(translations_dir):
        unit = store.addsourceunit(term.english[0])
        unit.setid(term.key)
        unit.set_source_terms(term.english)
        if term.definition:
            unit.set_common_note(term.definition, source=True)
        wanted = list(forms.get(term.key, []))
        bad = list((deprecated or {}).get(term.key, []))
        if wanted or bad:
            unit.set_target_terms(wanted + bad, lang=bcp)
            if note:
                unit.set_common_note(note)
            ns = unit.namespaced
            for tig in unit.get_target_dom(bcp).findall(ns("tig"))[len(wanted):]:
                status = etree.SubElement(tig, ns("termNote"), type="administrativeStatus")
                status.text = DEPRECATED
    path = path_for(translations_dir, locale)
    write_atomic(path, bytes(store))
    return path


# --- matching ----------------------------------------------------------------------------

def normalize(text: str, rules: Rules) -> str:
    text = _PLACEHOLDER.sub(" ", _TAG.sub(" ", text))
    text = unicodedata.normalize("NFC", text)
    if rules.turkic:
        text = text.replace("İ", "i").replace("I", "ı")
    text = text.casefold().replace("’", "'").replace("‘", "'")
    for ch in rules.ignore:
        text = text.replace(ch, "")
    if rules.fold_accents:
        text = "".join(ch for ch in unicodedata.normalize("NFD", text)
                       if unicodedata.category(ch) != "Mn")
        text = unicodedata.normalize("NFC", text)
    return text


def words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text) if w]


def _word_matches(text_word: str, term_word: str, rules: Rules) -> bool:
    if text_word == term_word:
        return True
    stem = term_word[:len(term_word) - rules.strip] if rules.strip else term_word
    if len(stem) < 3:  # short words (articles, "d", "of") must match exactly
        return False
    if rules.mode == "infix":  # a compound or a prefixed particle: any length
        return stem in text_word
    return len(text_word) <= len(term_word) + rules.grow and text_word.startswith(stem)


def contains(text: str, form: str, rules: Rules) -> bool:
    """Whether `form` (a term) occurs in `text` under the language's rules."""
    text, form = normalize(text, rules), normalize(form, rules)
    if not form.strip():
        return False
    if rules.mode == "text":
        return "".join(form.split()) in "".join(text.split())
    wanted, have = words(form), words(text)
    if not wanted:
        return False
    for start in range(len(have) - len(wanted) + 1):
        if all(_word_matches(have[start + i], w, rules) for i, w in enumerate(wanted)):
            return True
    return False


def english_terms(msgid: str, terms: list[Term]) -> list[Term]:
    """The terms whose English occurs in msgid."""
    return [t for t in terms if any(contains(msgid, form, ENGLISH) for form in t.english)]


def findings(po, shown: str, base: TermBase | None, lang, make_finding,
             source: str | None = None):
    """TERMS findings of one catalogue: `make_finding(severity, line, message)`; `source`
    names the term base in messages (default: the leaflet's, translations/<locale>/)."""
    source = source or f"translations/{lang.locale}/{MASTER_NAME}"
    if base is None:
        yield make_finding("warning", None,
                           # Translators: %(lang)s is a language code, %(path)s a file to create.
                           _("no term base for %(lang)s: create %(path)s (docs/translating.md)")
                           % {"lang": lang.code, "path": source})
        return
    rules = rules_for(lang.locale)
    unagreed: dict[str, int | None] = {}  # a new language's empty term base: one line
    for entry in po:
        if entry.obsolete or not entry.msgid or not entry.msgstr:
            continue
        for term in english_terms(entry.msgid, base.terms):
            if not term.forms and term.listed:
                # An entry emptied, or left with deprecated forms only: the check would have
                # nothing to hold the translation to. An error, whatever the language's
                # TERMS severity: the term base itself is wrong.
                yield make_finding("error", entry.linenum,
                                   # Translators: %(source)s is the term base's path,
                                   # %(term)s the English term, %(msgid)s the English text.
                                   _("%(source)s lists %(term)s (line %(line)s) with "
                                     "no agreed form (emptied, or deprecated forms only): give "
                                     "its agreed term, used in %(msgid)s")
                                   % {"source": source, "term": repr(term.english[0]),
                                      "line": term.line, "msgid": repr(entry.msgid[:40])})
                continue
            if not term.forms:
                unagreed.setdefault(term.english[0], entry.linenum)
                continue
            bad = [f for f in term.deprecated if contains(entry.msgstr, f, rules)]
            if bad:
                yield make_finding(rules.severity, entry.linenum,
                                   # Translators: %(form)s is a deprecated form, %(agreed)s
                                   # the agreed term (both in the language, quoted).
                                   _("the translation of %(msgid)s uses %(form)s, "
                                     "which %(source)s says not to use for %(term)s: "
                                     "use %(agreed)s")
                                   % {"msgid": repr(entry.msgid[:40]), "form": repr(bad[0]),
                                      "source": source, "term": repr(term.english[0]),
                                      "agreed": repr(term.agreed)})
            elif not any(contains(entry.msgstr, f, rules) for f in term.forms):
                values = {"msgid": repr(entry.msgid[:40]), "term": repr(term.english[0]),
                          "agreed": repr(term.agreed), "source": source,
                          "others": ", ".join(repr(f) for f in term.forms[1:4])}
                if len(term.forms) > 1:
                    # Translators: %(others)s lists other accepted forms of the term, quoted.
                    message = _("the translation of %(msgid)s does not use the agreed term "
                                "for %(term)s: %(agreed)s (or %(others)s), from %(source)s")
                else:
                    message = _("the translation of %(msgid)s does not use the agreed term "
                                "for %(term)s: %(agreed)s, from %(source)s")
                yield make_finding(rules.severity, entry.linenum, message % values)
    if unagreed:
        # Translators: %(source)s is the term base's path; %(count)s a number of terms;
        # %(terms)s lists the first English terms, quoted.
        yield make_finding("warning", None,
                           ngettext("%(source)s has no agreed form yet for %(count)s term used "
                                    "in the translations (%(terms)s): agree it with the "
                                    "reviewer (docs/translating.md)",
                                    "%(source)s has no agreed form yet for %(count)s terms used "
                                    "in the translations (%(terms)s): agree them with the "
                                    "reviewer (docs/translating.md)", len(unagreed))
                           % {"source": source, "count": len(unagreed),
                              "terms": ", ".join(repr(t) for t in list(unagreed)[:6])})
