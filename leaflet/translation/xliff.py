"""Exchange with CAT tools (Trados, memoQ, Phrase): XLIFF 1.2 out, and back in.

Export is translate-toolkit's po2xliff converter, unit by unit, into an XLIFF 1.2 skeleton
(the toolkit writes 1.1 by default; it reads both). The catalogue's header is not exported:
it holds the review record, which a CAT tool must not touch. Each trans-unit's id is the
entry's number, as on the proof (`leaflet catalog proof`), so a reviewer's note "entry 41"
means the same unit in both.

Import reads the XLIFF with the toolkit and applies only the targets to the catalogue: the
catalogue is the source of truth, so its header, comments, references and order stay as
they are, and a file whose targets are all unchanged leaves it byte-identical. It refuses,
with one line naming the file and line and writing nothing:
  - a file that is not XML, not XLIFF 1.x, or has no target-language;
  - a file for another language (target-language, or `original` naming another catalogue);
  - a unit whose source (the English) differs from the catalogue's msgid, or that the
    catalogue does not have: a CAT tool must never change the English;
  - a result on which `leaflet check` finds an error the catalogue does not already have
    (a broken %(name)s placeholder, a tag, a contact detail typed in, an overflowing page);
  - before any of that, and in time bounded by its size: a file over MAX_BYTES (read no
    further than that, so /dev/zero is refused too), an entity reference (defined or not:
    a target is plain text, and an entity the parser does not resolve would vanish), an
    element inside a target other than a segment marker (`<mrk href="javascript:…">` would
    be flattened into its text), and a target longer than its English could need (LENGTH).
A target marked as needing work (`state="needs-review-translation"` …) is imported as fuzzy
even when the unit also says `approved="yes"`: the two disagree, and the careful reading wins.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from leaflet.errors import CatalogError
from leaflet.i18n import _

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
# States a CAT tool sets on a target it wants looked at again (XLIFF 1.2, 2.12 "state").
NEEDS_WORK = {"new", "needs-translation", "needs-adaptation", "needs-l10n",
              "needs-review-translation", "needs-review-adaptation", "needs-review-l10n"}
DONE = {"translated", "final", "signed-off"}
# An XLIFF of one catalogue is a few hundred kilobytes; anything much larger is not one.
MAX_BYTES = 4 * 1024 * 1024
# The one element a CAT tool may leave inside a target: a segment marker (Trados, memoQ).
SEGMENT_MARKER = ("mrk", {"mtype", "mid"}, {"seg"})


# click's \b (a help paragraph printed as written) cannot be in an XML file: the XLIFF shows
# it as ␈, which a translator keeps, and the import turns back into \b.
CONTROL, CONTROL_SHOWN = "\b", "\u2408"


def _skeleton(original: str, target: str) -> bytes:
    from xml.sax.saxutils import quoteattr

    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="{XLIFF_NS}">'
            f'<file original={quoteattr(original)} source-language="en" '
            f'target-language={quoteattr(target)} datatype="po"><body/></file></xliff>'
            ).encode("utf-8")


def live_entries(po) -> list:
    """The entries a reviewer sees, numbered from 1 in catalogue order."""
    return [e for e in po if not e.obsolete and e.msgid != ""]


def export(workspace, code: str, dest: Path | None = None) -> Path:
    """Write the XLIFF 1.2 of `code`'s catalogue; return its path."""
    from leaflet.translation import catalog
    from leaflet.languages import scripts

    lang = scripts.languages_for(workspace, [code])[0]
    path = catalog.catalog_path(workspace.translations_dir, lang.locale)
    dest = dest or workspace.output_dir / "review" / f"{lang.code}.xlf"
    return export_catalogue(path, workspace.display_path(path), lang.code, dest)


def export_catalogue(path: Path, original: str, target: str, dest: Path) -> Path:
    """Write the XLIFF 1.2 of the catalogue at `path` (named `original` in the file, its
    language `target`) to `dest`: entries numbered from 1, as the proof numbers them."""
    from lxml import etree
    from translate.convert import po2xliff
    from translate.storage import po as tkpo, poxliff

    from leaflet.translation import catalog
    from leaflet.files import write_atomic

    catalog.read_po(path)  # refuses a broken catalogue with its line, as everywhere else
    # translate-toolkit reads the escape \b as "b": it becomes ␈ before it reads the file.
    text = re.sub(r"(?<!\\)\\b", CONTROL_SHOWN, path.read_bytes().decode("utf-8"))
    store = tkpo.pofile(BytesIO(text.encode("utf-8")))
    out = poxliff.PoXliffFile(BytesIO(_skeleton(original, target)))
    converter = po2xliff.po2xliff()
    number = 0
    for unit in store.units:
        if unit.isheader() or unit.isblank() or unit.isobsolete():
            continue
        number += 1
        if unit.hasplural():
            _plural_group(out, unit, number)
            continue
        converter.convertunit(out, unit, original).xmlelement.set("id", str(number))
    etree.cleanup_namespaces(out.document)
    write_atomic(dest, bytes(out))
    return dest


def _plural_group(out, unit, number: int) -> None:
    """A plural entry as XLIFF's gettext plural group (what poxliff reads back: one
    trans-unit per form, "N[0]", "N[1]" …), written here: translate-toolkit's converter
    cannot build one (3.20)."""
    from lxml import etree

    ns = f"{{{XLIFF_NS}}}"
    body = out.document.getroot().find(f"{ns}file/{ns}body")
    group = etree.SubElement(body, f"{ns}group", id=str(number), restype="x-gettext-plurals")
    sources = [str(s).replace(CONTROL, CONTROL_SHOWN) for s in unit.source.strings]
    targets = ([str(t).replace(CONTROL, CONTROL_SHOWN) for t in unit.target.strings]
               if unit.target else [])
    state = "needs-review-translation" if unit.isfuzzy() else "translated"
    for index in range(max(len(targets), 2)):
        element = etree.SubElement(group, f"{ns}trans-unit", id=f"{number}[{index}]")
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        etree.SubElement(element, f"{ns}source").text = sources[min(index, len(sources) - 1)]
        if index < len(targets) and targets[index]:
            etree.SubElement(element, f"{ns}target", state=state).text = targets[index]


@dataclass
class ImportResult:
    lang: str
    path: Path
    changed: list  # msgids whose translation (or fuzzy flag) changed
    missing: int  # catalogue entries the file did not carry (left as they were)
    remaining: list  # errors the catalogue had already, still there


class XliffRefused(CatalogError):
    def __init__(self, message, *, path=None, line=None, hint=None, findings=()):
        super().__init__(message, path=path, line=line, hint=hint)
        self.findings = list(findings)


def _language_of(workspace, target: str, source: Path):
    """The configured language the file's target-language names (a region variant of a
    language configured without one, such as fr-BE for fr, counts as that language)."""
    from babel import Locale, UnknownLocaleError

    from leaflet.languages import scripts

    try:
        wanted = Locale.parse(target, sep="-")
    except (ValueError, UnknownLocaleError):
        # Translators: target-language is the name of an XLIFF attribute (not translated).
        raise XliffRefused(_("target-language %(target)s is not a language code")
                           % {"target": repr(target)}, path=source,
                           hint=_("export the file again with `leaflet catalog export`")) \
            from None
    for code in workspace.languages:
        have = scripts.parse_locale(code, source="leaflet.toml")
        same = (have.language == wanted.language
                and (have.script or _likely_script(have)) == (wanted.script
                                                              or _likely_script(wanted))
                and (have.territory is None or have.territory == wanted.territory))
        if same:
            return scripts.languages_for(workspace, [code])[0]
    # Translators: target-language is the name of an XLIFF attribute (not translated).
    raise XliffRefused(_("target-language %(target)s is not a language of this edition")
                       % {"target": repr(target)}, path=source,
                       hint=_("see `leaflet languages`"))


def _likely_script(locale) -> str | None:
    from babel.core import get_global

    tag = "_".join(p for p in (locale.language, locale.territory) if p)
    likely = get_global("likely_subtags").get(tag) or get_global("likely_subtags").get(
        locale.language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 2 else None


def import_file(workspace, source: Path, expect: str | None = None, *,
                check) -> ImportResult:
    """Apply the targets of an XLIFF file to its language's catalogue (see module doc).

    `check(code, override)` returns the findings of `leaflet check` for the language, its
    catalogue read from `override` when given (the CLI passes the edition's checks)."""
    from translate.storage import poxliff

    from leaflet.translation import catalog

    shown = str(source)
    data, root = _read(Path(source), shown)
    element = _file_element(root, shown)
    lang = _language_checked(workspace, element, shown, expect)
    path = catalog.catalog_path(workspace.translations_dir, lang.locale)
    _same_catalogue(workspace, element, lang, path, shown)
    before = path.read_bytes()
    po = catalog.read_po(path)
    entries = {(e.msgctxt or None, e.msgid): e for e in live_entries(po)}
    changed, seen = _apply(poxliff.PoXliffFile.parsestring(data), entries, shown,
                           workspace.display_path(path))
    missing = len(entries) - seen
    if not changed:
        return ImportResult(lang.code, path, [], missing, [])
    after = _write_checked(po, path, before, lang.code, check, shown,
                           workspace.display_path(path))
    return ImportResult(lang.code, path, changed, missing, after)


def _read(source: Path, shown: str):
    """(the file's bytes, its XML root), read no further than MAX_BYTES, parsed without
    resolving entities or reaching the network, with nothing hidden in it."""
    from lxml import etree

    try:
        with source.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        # Translators: %(reason)s is the system's reason, like "Permission denied".
        raise XliffRefused(_("cannot read the file: %(reason)s")
                           % {"reason": exc.strerror or exc}, path=shown) from None
    if len(data) > MAX_BYTES:
        raise XliffRefused(_("the file is larger than %(size)s MB: an XLIFF "
                             "of one catalogue is a few hundred KB")
                           % {"size": MAX_BYTES // (1024 * 1024)}, path=shown,
                           hint=_("import the file `leaflet catalog export` wrote, translated"))
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True,
                                                      huge_tree=False))
    except etree.XMLSyntaxError as exc:
        # Translators: %(reason)s is the XML parser's own (English) message.
        raise XliffRefused(_("not valid XML: %(reason)s") % {"reason": exc.msg}, path=shown,
                           line=exc.lineno,
                           hint=_("the file is damaged: export it again from the CAT tool")) \
            from None
    _refuse_hidden_content(root, shown)
    return data, root


def _file_element(root, shown: str):
    """The one <file> of an XLIFF 1.x document, with a target language and English source."""
    from lxml import etree

    if etree.QName(root).localname != "xliff" or not str(root.get("version", "")).startswith("1."):
        raise XliffRefused(_("not an XLIFF 1.x file"), path=shown, line=root.sourceline,
                           hint=_("export XLIFF 1.2 from the CAT tool"))
    files = [f for f in root if etree.QName(f).localname == "file"]
    if len(files) != 1:
        # Translators: <file> is an XLIFF element (not translated).
        raise XliffRefused(_("%(count)s <file> elements, expected one") % {"count": len(files)},
                           path=shown, hint=_("import one language's file at a time"))
    element = files[0]
    if not element.get("target-language"):
        # Translators: target-language and <file> are XLIFF names (not translated).
        raise XliffRefused(_("no target-language on <file>"), path=shown,
                           line=element.sourceline,
                           hint=_("export the file again with `leaflet catalog export`"))
    if (element.get("source-language") or "en").split("-")[0].lower() != "en":
        # Translators: source-language is the name of an XLIFF attribute (not translated).
        raise XliffRefused(_("source-language is %(source)s, the catalogue's source is English")
                           % {"source": repr(element.get("source-language"))}, path=shown,
                           line=element.sourceline)
    return element


def _language_checked(workspace, element, shown: str, expect: str | None):
    """The configured language the file is for; refused when it is not `expect`."""
    target = element.get("target-language")
    lang = _language_of(workspace, target, shown)
    if expect:
        from leaflet.languages import scripts

        wanted = scripts.languages_for(workspace, [expect])[0]
        if wanted.code != lang.code:
            # Translators: %(lang)s and %(wanted)s are language codes; target-language is
            # the name of an XLIFF attribute (not translated).
            raise XliffRefused(_("this file is for %(lang)s (target-language %(target)s), "
                                 "not %(wanted)s")
                               % {"lang": lang.code, "target": repr(target),
                                  "wanted": wanted.code}, path=shown, line=element.sourceline)
    return lang


def _same_catalogue(workspace, element, lang, path: Path, shown: str) -> None:
    """The file's `original` names this language's catalogue (or none)."""
    original = element.get("original")
    own = workspace.display_path(path)
    if original and Path(original).as_posix() != own and "/LC_MESSAGES/" in original \
            and Path(original).parent.parent.name != lang.locale:
        # Translators: %(original)s and %(own)s are catalogue paths, %(target)s a language
        # code; target-language is the name of an XLIFF attribute (not translated).
        raise XliffRefused(_("the file says it is %(original)s, but its target-language is "
                             "%(target)s (%(own)s)")
                           % {"original": original, "target": repr(element.get("target-language")),
                              "own": own}, path=shown, line=element.sourceline,
                           hint=_("the file was edited for another language"))


def _apply(store, entries: dict, shown: str, own: str) -> tuple[list, int]:
    """Each unit's target onto its entry (source and context unchanged, each unit once,
    bounded in length); (msgids changed, units seen)."""
    from leaflet.translation.rules import length_bound

    seen, changed = set(), []
    for unit in store.units:
        if unit.isheader():
            continue
        line = unit.xmlelement.sourceline
        ident = unit.xmlelement.get("id", "?")
        plural = unit.hasplural()
        key = (unit.getcontext() or None, str(unit.source).replace(CONTROL_SHOWN, CONTROL))
        if plural and (key not in entries or not entries[key].msgid_plural):
            # Translators: %(unit)s is the number of an XLIFF unit (an entry of the proof).
            raise XliffRefused(_("unit %(unit)s has plural forms, but its entry has none")
                               % {"unit": ident}, path=shown, line=line,
                               hint=_("a CAT tool must not change the English; export again "
                                      "with `leaflet catalog export` and translate that file"))
        entry = entries.get(key)
        if entry is None:
            # Translators: %(source)s is the unit's English text, quoted; %(own)s the
            # catalogue's path.
            raise XliffRefused(_("unit %(unit)s: its source %(source)s is not a msgid "
                                 "of %(own)s")
                               % {"unit": ident, "source": repr(unit.source[:50]), "own": own},
                               path=shown, line=line,
                               hint=_("a CAT tool must not change the English; export again "
                                      "with `leaflet catalog export` and translate that file"))
        if key in seen:
            raise XliffRefused(_("unit %(unit)s: the source %(source)s appears twice")
                               % {"unit": ident, "source": repr(unit.source[:50])},
                               path=shown, line=line)
        seen.add(key)
        forms = ([str(form).replace(CONTROL_SHOWN, CONTROL) for form in unit.target.strings]
                 if plural and unit.target else [])
        text = "\n".join(forms) if plural else (unit.target or "").replace(CONTROL_SHOWN,
                                                                           CONTROL)
        if len(text) > length_bound(entry.msgid + (entry.msgid_plural or "")):
            # Translators: %(length)s and %(english)s are numbers of characters; LENGTH is
            # a check id (a code: not translated).
            raise XliffRefused(_("unit %(unit)s: the target is %(length)s characters, far "
                                 "longer than its English (%(english)s) could need "
                                 "(LENGTH); nothing written")
                               % {"unit": ident, "length": f"{len(text):,}",
                                  "english": len(entry.msgid)}, path=shown, line=line,
                               hint=_("fix the target in the CAT tool and export again"))
        fuzzy = _fuzzy_after(unit, entry, text)
        if plural and _set_plural_targets(entry, forms, fuzzy):
            changed.append(entry.msgid)
        elif not plural and _set_target(entry, text, fuzzy):
            changed.append(entry.msgid)
    return changed, len(seen)


def _set_plural_targets(entry, forms: list[str], fuzzy: bool) -> bool:
    """Give a plural entry its forms (as many as the catalogue's plural rule has)."""
    before = dict(entry.msgstr_plural)
    wanted = {i: form for i, form in enumerate(forms)} if any(forms) else \
        {i: "" for i in before}
    if wanted == before and fuzzy == bool(entry.fuzzy):
        return False
    entry.msgstr_plural = wanted
    _set_fuzzy(entry, fuzzy, forget_previous=False)
    return True


def _set_target(entry, text: str, fuzzy: bool) -> bool:
    """Give `entry` its new translation and fuzzy flag; whether anything changed."""
    if text == entry.msgstr and fuzzy == bool(entry.fuzzy):
        return False
    entry.msgstr = text
    _set_fuzzy(entry, fuzzy, forget_previous=True)
    return True


def _set_fuzzy(entry, fuzzy: bool, *, forget_previous: bool) -> None:
    """Set or clear `entry`'s fuzzy flag; clearing it may forget the previous English too."""
    if fuzzy and "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    elif not fuzzy and "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
        if forget_previous:
            entry.previous_msgid = None
            entry.previous_msgctxt = None


LAYOUT_CHECKS = ("LAYOUT", "FILL")


def _write_checked(po, path: Path, before: bytes, code: str, check, shown: str,
                   own: str) -> list:
    """Write the changed catalogue when `leaflet check` finds no error on it that the
    catalogue did not already have; the errors that remain. Refused, nothing written,
    otherwise (or when the catalogue changed meanwhile)."""
    from leaflet.files import write_atomic
    from leaflet.translation.rules import ERROR

    new = po.__unicode__().encode("utf-8") + b"\n"
    temp = path.with_name(f".{path.name}.import")
    try:
        write_atomic(temp, new)
        now = [f for f in check(code, None) if f.lang == code and f.severity == ERROR]
        after = [f for f in check(code, temp) if f.lang == code and f.severity == ERROR]
        known = {(f.check, f.message) for f in now}
        # The layout is the build's gate, not the import's: a file that passes every other
        # check is kept, as a draft, with its layout findings listed (the build refuses to
        # print it until they are fixed).
        fresh = [f for f in after if (f.check, f.message) not in known
                 and f.check not in LAYOUT_CHECKS]
        if fresh:
            # Translators: %(finding)s is the first error `leaflet check` found.
            raise XliffRefused(_("import refused, nothing written: `leaflet check` fails on "
                                 "the result: %(finding)s") % {"finding": fresh[0]},
                               path=shown, findings=fresh,
                               hint=_("fix the target in the CAT tool and export again"))
        if path.read_bytes() != before:
            raise XliffRefused(_("the catalogue changed during the import; nothing written"),
                               path=own, hint=_("import the file again"))
        write_atomic(path, new)
    finally:
        temp.unlink(missing_ok=True)
    return after


def _refuse_hidden_content(root, shown: str) -> None:
    """Refuse what the toolkit would drop or flatten without a word: an entity reference
    (resolved or not), and inside a <target> any element but a segment marker."""
    from lxml import etree

    for node in root.iter(etree.Entity):
        # Translators: %(entity)s is an XML entity reference as written, like &nbsp;.
        raise XliffRefused(_("the entity reference %(entity)s (XLIFF targets are plain "
                             "text; an entity is not imported)") % {"entity": node.text},
                           path=shown, line=node.sourceline,
                           hint=_("type the character itself in the CAT tool, then export "
                                  "again"))
    name, attributes, kinds = SEGMENT_MARKER
    for target in root.iter(f"{{{XLIFF_NS}}}target", "target"):
        for element in target.iterdescendants():
            if not isinstance(element.tag, str):
                continue  # a comment or a processing instruction holds no text of the target
            local = etree.QName(element).localname
            if local != name or not set(element.attrib) <= attributes \
                    or element.get("mtype") not in kinds:
                shown_attrs = " ".join(f'{k}="{v[:30]}"' for k, v in element.attrib.items())
                tag = f"<{local}{' ' if shown_attrs else ''}{shown_attrs}>"
                # Translators: %(tag)s is the XML tag found, like <mrk href="...">.
                raise XliffRefused(_("a target holds %(tag)s: targets are plain text (markup "
                                     "like <strong> is typed as text, as in the English)")
                                   % {"tag": tag}, path=shown, line=element.sourceline,
                                   hint=_("remove the tag in the CAT tool, then export again"))


def _fuzzy_after(unit, entry, text: str) -> bool:
    """Whether the entry is fuzzy after import: a target the CAT tool marks as needing work
    is (even when the unit also says approved: the careful reading wins); approved units
    are not; a changed target marked translated is not; otherwise the entry keeps its
    flag."""
    state = None
    node = unit.getlanguageNode(lang=None, index=1)
    if node is not None:
        state = node.get("state")
    if not text:
        return False
    if state in NEEDS_WORK:
        return True
    if unit.xmlelement.get("approved") == "yes":
        return False
    if text != entry.msgstr and state in DONE:
        return False
    return bool(entry.fuzzy)
