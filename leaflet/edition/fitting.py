"""The text size a language's leaflet prints at, and the entries on each of its pages.

A language's text fills its pages differently: Chinese is compact, Tamil long, Nastaliq tall.
The build finds the size itself — the largest of TEXT_SIZES, in steps of STEP, at which every
section keeps its page and the body text stays at or above its minimum (leaflet.edition.checks
.layout) — unless `[languages.X] text_size` in leaflet.toml pins one. Larger text always
takes more room and smaller text falls under the minimum sooner, so the sizes that fit are one
interval: the search starts at the size of the language's last build (or, failing that, the
size last found for the language on this machine, or the default) and walks up or down from
it, and the result is the same whatever it started from.

When nothing fits, the layout finding names the entries on the page that overflows (their
numbers in the review proof and XLIFF, and their first words) and the way out.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from leaflet.i18n import _
from leaflet.workspace import DEFAULT_TEXT_SIZE, TEXT_SIZES

STEP = 0.5
# The rule the leaflet template writes for the language's size (templates/leaflet.html.j2).
_SIZE_RULE = re.compile(r"html \{ font-size: [\d.]+pt; \}")


def sizes() -> list[float]:
    low, high = TEXT_SIZES
    count = int(round((high - low) / STEP))
    return [low + STEP * i for i in range(count + 1)]


def with_size(html: str, size: float) -> str:
    """The leaflet's HTML set at `size` pt."""
    return _SIZE_RULE.sub(f"html {{ font-size: {size:g}pt; }}", html, count=1)


def fit(html: str, lay_out, problems, *, pinned: float | None = None,
        hint: float | None = None) -> dict:
    """The largest size at which `html` fits: {"size", "laid", "html", "fits"}.

    `lay_out(html)` lays it out (a dict with the "document"); `problems(laid, html)` says
    (overflow, too_small). Pinned: that size only. Nothing fits: the smallest size tried
    whose layout overflows, for its findings."""
    if pinned is not None:
        page = with_size(html, pinned)
        laid = lay_out(page)
        overflow, small = problems(laid, page)
        return {"size": pinned, "laid": laid, "html": page, "fits": not (overflow or small)}
    candidates = sizes()
    tried: dict[int, tuple] = {}

    def probe(index: int):
        if index not in tried:
            page = with_size(html, candidates[index])
            laid = lay_out(page)
            tried[index] = (*problems(laid, page), laid, page)
        return tried[index]

    def result(index: int, fits: bool) -> dict:
        _overflow, _small, laid, page = probe(index)
        return {"size": candidates[index], "laid": laid, "html": page, "fits": fits}

    start = min(range(len(candidates)),
                key=lambda i: abs(candidates[i] - (hint or DEFAULT_TEXT_SIZE)))
    overflow, small, *_rest = probe(start)
    if not overflow and not small:  # up while the next size still fits
        best = start
        while best + 1 < len(candidates):
            up_overflow, up_small, *_rest = probe(best + 1)
            if up_overflow or up_small:
                break
            best += 1
        return result(best, True)
    step = -1 if overflow else 1  # too large: down; body text too small: up
    index = start
    while 0 <= index + step < len(candidates):
        index += step
        overflow, small, *_rest = probe(index)
        if not overflow and not small:
            if step == 1:  # the smallest that fits, from below: now up as far as it goes
                while index + 1 < len(candidates) and not any(probe(index + 1)[:2]):
                    index += 1
            return result(index, True)
        if step == -1 and small and not overflow:
            break
    return result(index, False)


def fit_leaflet(html: str, base_url: str, sizing: dict | None = None) -> dict:
    """The leaflet laid out at its text size (leaflet.edition.fitting): found, or pinned by
    `sizing["pinned"]`, starting from `sizing["hint"]`.

    A size found is remembered (the user's cache folder) under a key of everything the layout
    depends on — the HTML, every file of the templates folder it links, WeasyPrint's version —
    so that `leaflet check` after `leaflet build`, a forced rebuild, or a copy of the same
    workspace lays the language out once, at that size: the search that found it saw the
    next size up fail for these very inputs, so if it still fits there, that is the answer;
    anything else searches as usual. (The system's fonts are not in the key: after a font
    upgrade a remembered size is checked again, and a size that no longer fits is searched
    for anew.)"""
    from leaflet.edition.checks.layout import fit_problems, sections_of
    from leaflet.render import pdf

    sizing = sizing or {}

    def lay_out(page):
        return pdf.lay_out(page, base_url)

    def problems(laid, page):
        return fit_problems(laid["document"].pages, sections_of(page))

    pinned = sizing.get("pinned")
    if pinned is not None:
        return fit(html, lay_out, problems, pinned=pinned)
    key = _layout_key(html, base_url)
    known = _remembered(key)
    last = _last_key(html)
    if known is not None:
        page = with_size(html, known)
        laid = lay_out(page)
        if not any(problems(laid, page)):
            _remember(last, known)
            return {"size": known, "laid": laid, "html": page, "fits": True}
    fitted = fit(html, lay_out, problems,
                 hint=known or sizing.get("hint") or _remembered(last))
    if fitted["fits"]:
        _remember(key, fitted["size"])
        _remember(last, fitted["size"])
    return fitted


_HTML_LANG = re.compile(r'<html\b[^>]*\blang="([A-Za-z0-9-]{1,35})"')


def _last_key(html: str) -> str | None:
    """The memory of the size last found for the HTML's language, whatever its text: where
    a search starts when the text changed and no build of this workspace says (a copy of the
    workspace, `leaflet check` of an edited catalogue). Only a start: the search's result is
    the same from any start (fit())."""
    found = _HTML_LANG.search(html)
    return f"last-{found.group(1)}" if found else None


def _layout_key(html: str, base_url: str) -> str | None:
    import hashlib

    import weasyprint

    digest = hashlib.sha256()
    digest.update(weasyprint.__version__.encode())
    # Font subsets are named by their content: where the workspace keeps them does not count.
    html = re.sub(r'url\("file://[^"]*/([0-9a-f]{32}\.otf)"\)', r'url("\1")', html)
    digest.update(with_size(html, DEFAULT_TEXT_SIZE).encode("utf-8"))
    folder = Path(base_url)
    try:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\0")
                digest.update(path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()[:40]


def _cache_file(key: str) -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("leaflet", appauthor=False)) / "text-sizes" / key


def _remembered(key: str | None) -> float | None:
    if key is None:
        return None
    try:
        size = float(_cache_file(key).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None
    return size if size in sizes() else None


def _remember(key: str | None, size: float) -> None:
    if key is None:
        return
    try:
        from leaflet.files import write_atomic

        path = _cache_file(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, f"{size:g}".encode("ascii"))
    except OSError:
        pass  # no memory: the next layout searches again


def way_out(code: str, fitted: dict, sizing: dict | None) -> str:
    """What a coordinator can do when a language's leaflet does not fit."""
    if (sizing or {}).get("pinned") is not None:
        # Translators: %(size)s is a number of points; %(code)s a language code; text_size is
        # the setting's name in leaflet.toml (keep it).
        return (_("the text size is pinned at %(size)s pt by [languages.%(code)s] text_size in "
                  "leaflet.toml: lower it, or remove it so that the build finds the size, or "
                  "shorten these entries") % {"size": f"{fitted['size']:g}", "code": code})
    return (_("it does not fit even at the smallest text size (%(size)s pt): shorten these "
              "entries") % {"size": f"{fitted['size']:g}"})


# --- the entries on each page ----------------------------------------------------------------

@functools.cache
def _section_messages(template: str, stamp: tuple) -> dict[str, list[str]]:
    from babel.messages.extract import extract

    text = Path(template).read_text(encoding="utf-8")
    starts = [(text.count("\n", 0, m.start()) + 1, m.group(1))
              for m in re.finditer(r'<section class="page[^"]*" id="([\w-]+)"', text)]
    found: dict[str, list[str]] = {section: [] for _line, section in starts}
    with open(template, "rb") as handle:
        for lineno, message, _comments, _context in extract(
                "jinja2.ext:babel_extract", handle,
                options={"extensions": "jinja2.ext.i18n", "trimmed": "true"}):
            owner = [section for line, section in starts if line <= lineno]
            msgid = message if isinstance(message, str) else message[0]
            if owner and msgid not in found[owner[-1]]:
                found[owner[-1]].append(msgid)
    return found


def section_messages(template: Path) -> dict[str, list[str]]:
    """{section id: its msgids, in order} of a template of pages."""
    stat = Path(template).stat()
    return _section_messages(str(template), (stat.st_mtime_ns, stat.st_size))


def entry_labels(template: Path, po, translations) -> dict[str, list[str]]:
    """{section: ["#12 'first words'", …]}: each entry on each page by its number in the
    review proof and the XLIFF file (leaflet.translation.xliff.live_entries) and the first
    words of its translation."""
    from leaflet.translation.xliff import live_entries

    numbers = {entry.msgid: number for number, entry in enumerate(live_entries(po), 1)}
    labels = {}
    for section, msgids in section_messages(template).items():
        shown = []
        for msgid in msgids:
            if msgid not in numbers:
                continue
            text = re.sub(r"<[^>]+>", "", translations.messages.get(msgid) or msgid)
            words = " ".join(text.split()[:5])
            shown.append(f"#{numbers[msgid]} {words[:40]!r}")
        labels[section] = shown
    return labels
