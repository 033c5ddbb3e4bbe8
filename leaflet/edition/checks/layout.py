"""The layout checks of a rendered leaflet: each page's section on one page, nothing past a
margin, pages used (FILL, a warning) and body text never under MIN_BODY_PT (LAYOUT), from
WeasyPrint's laid-out pages. The build runs them on the very pages it writes.
"""

from __future__ import annotations

import re
from leaflet.i18n import _
from leaflet.translation.rules import ERROR, Finding, WARNING


MIN_FILL = 0.60  # every page's text reaches at least this share of its height


MIN_BODY_PT = 9.0  # body text (inside a page's section) is never smaller


def page_metrics(pages, expected_sections: list[str]) -> dict[str, dict]:
    """Per section of the template: pages it lies on, how full its page is, its smallest text.

    `fill` is the height from the top of the page's content area to the bottom of the
    section's last box, over the content area's height. `min_pt` is the smallest font size
    of any text inside the section (the footer's small print lies outside sections).
    """
    seen: dict[str, dict] = {}
    for number, page in enumerate(pages, 1):
        page_box = page._page_box
        top, area = page_box.content_box_y(), page_box.height
        for box in page_box.descendants():
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None else None
            if ident in expected_sections and "page" in (element.get("class") or "").split():
                height = box.margin_height() if box.height != "auto" else 0
                entry = seen.setdefault(ident, {"pages": [], "fill": 0.0, "spill": 0.0,
                                                "min_pt": None})
                entry["pages"].append(number)
                if len(entry["pages"]) == 1:
                    entry["fill"] = (box.position_y - top + height) / area
                else:
                    entry["spill"] += box.position_y - top + height
                sizes = list(_text_sizes(box))
                if sizes:
                    low = min(sizes)
                    entry["min_pt"] = low if entry["min_pt"] is None else min(low, entry["min_pt"])
    return seen


def _text_sizes(box, small_print: bool = False):
    """Font sizes (pt) of the text in `box`, leaving out small print (class "small")."""
    element = getattr(box, "element", None)
    if element is not None and getattr(box, "element_tag", None) and \
            "small" in (element.get("class") or "").split():
        small_print = True
    if type(box).__name__ == "TextBox":
        if not small_print and (box.text or "").strip():
            yield box.style["font_size"] * 0.75
        return
    for child in getattr(box, "children", ()):
        yield from _text_sizes(child, small_print)


def fit_problems(pages, expected_sections: list[str]) -> tuple[bool, bool]:
    """(something overflows: a section on two pages, text past the right margin, or a page
    too many; body text under MIN_BODY_PT) of laid-out pages: what the text size decides."""
    overflow = too_small = False
    for finding in layout_findings(pages, expected_sections, "", "", fill=False):
        if finding.severity != ERROR:
            continue
        if finding.subject == "size":
            too_small = True
        else:
            overflow = True
    return overflow, too_small


def _entries_text(entries: dict | None, section: str) -> str:
    return ", ".join((entries or {}).get(section, [])[:8])


def layout_findings(pages, expected_sections: list[str], path: str, code: str, *,
                    fill: bool = True, entries: dict | None = None, way: str | None = None):
    """Overflow, page-count, fill and text-size findings from WeasyPrint's laid-out pages.

    Each `<section class="page" id=...>` of the template must fill exactly one page. A
    section found on two pages overflowed its page; a box wider than the page's content
    area overflowed sideways (a long unbreakable word, a URL). A page whose text stops
    before MIN_FILL of its height is a warning (FILL); text under MIN_BODY_PT an error.

    `entries` ({section: ["#12 'first words'", …]}) names the catalogue's entries on each
    page, and `way` says the way out (the text size, or shortening them): an overflow
    finding gives both.
    """
    px_to_mm = 25.4 / 96
    for number, page in enumerate(pages, 1):
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        for box in page_box.descendants():
            if getattr(box, "width", None) not in (None, "auto") and box.position_x is not None:
                excess = box.position_x + box.margin_width() - right
                if excess > 1 and type(box).__name__ == "TextBox":
                    text = getattr(box, "text", "") or ""
                    # Translators: %(code)s is a language code; %(text)s the start of the
                    # text, in quotes.
                    yield Finding("LAYOUT", ERROR, path, None,
                                  _("%(code)s: page %(page)s: %(text)s runs %(mm)s mm past the "
                                    "right margin")
                                  % {"code": code, "page": number, "text": repr(text[:30]),
                                     "mm": f"{excess * px_to_mm:.1f}"})
    metrics = page_metrics(pages, expected_sections)
    for section in expected_sections:
        entry = metrics.get(section)
        if entry is None:
            continue
        if len(entry["pages"]) > 1:
            values = {"code": code, "section": section, "mm": f"{entry['spill'] * px_to_mm:.0f}",
                      "page": entry["pages"][1], "way": way or _("shorten the translation"),
                      "entries": _entries_text(entries, section)}
            # Translators: %(code)s is a language code, %(section)s a section's id in the
            # template (like 'rights'), %(mm)s a length in millimetres, %(way)s the way out
            # (a sentence), %(entries)s the entries on the page ("#12 'first words'", …).
            message = (_("%(code)s: section '%(section)s' overflows its page by %(mm)s mm "
                         "(onto page %(page)s): %(way)s; its entries: %(entries)s")
                       if values["entries"] else
                       _("%(code)s: section '%(section)s' overflows its page by %(mm)s mm "
                         "(onto page %(page)s): %(way)s"))
            yield Finding("LAYOUT", ERROR, path, None, message % values, subject=section)
        elif fill and entry["fill"] < MIN_FILL:
            # Translators: %(fill)s and %(minimum)s are percentages with their sign (42%).
            yield Finding("FILL", WARNING, path, None,
                          _("%(code)s: page %(page)s ('%(section)s') is only %(fill)s full (at "
                            "least %(minimum)s expected)")
                          % {"code": code, "page": entry["pages"][0], "section": section,
                             "fill": f"{entry['fill']:.0%}", "minimum": f"{MIN_FILL:.0%}"})
        if entry["min_pt"] is not None and entry["min_pt"] < MIN_BODY_PT - 0.01:
            yield Finding("LAYOUT", ERROR, path, None,
                          _("%(code)s: section '%(section)s' prints text at %(size)s pt, under "
                            "the %(minimum)s pt body text minimum")
                          % {"code": code, "section": section, "size": f"{entry['min_pt']:.1f}",
                             "minimum": f"{MIN_BODY_PT:g}"}, subject="size")
    if len(pages) != len(expected_sections):
        yield Finding("LAYOUT", ERROR, path, None,
                      _("%(code)s: %(pages)s pages rendered, the template has %(sections)s")
                      % {"code": code, "pages": len(pages), "sections": len(expected_sections)})


def sections_of(html: str) -> list[str]:
    return re.findall(r'<section class="page[^"]*" id="([\w-]+)"', html)


def layout_errors(pages, html: str, path: str, code: str, *, fill: bool = True,
                  entries: dict | None = None, way: str | None = None) -> list[str]:
    """The LAYOUT errors of laid-out `pages` of `html`, as the lines a build reports (the
    build's worker runs this on the pages it is about to write)."""
    return [str(f) for f in layout_findings(pages, sections_of(html), path, code, fill=fill,
                                            entries=entries, way=way)
            if f.severity == ERROR]
