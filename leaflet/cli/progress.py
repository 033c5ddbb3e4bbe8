"""Long work, told as it goes: a progress bar on a terminal, and when the output is piped or
logged (a CI job, `… 2>&1 | tee`), one line as each stage starts and a few as it runs, with
counts; and repeated warnings of one kind folded into one line with the command that lists
them all."""

from __future__ import annotations

import re
import sys
from collections import OrderedDict

import click

from leaflet.i18n import N_, _, ngettext

# The build's stages (leaflet.edition.build.STAGES), as the user reads them.
STAGE_LABELS = {"render": N_("Rendering"), "audio": N_("Audio"), "site": N_("Site pages")}

# A kind shown in full up to this many times; beyond, one summary line.
SHOWN_PER_KIND = 3


class Progress:
    """`stage(name, total)` starts a stage, `step(item)` counts one item of it.

    On a terminal: click's progress bar per stage. Piped: "Rendering: 34 languages" when the
    stage starts, "Rendering: 17 of 34" at each quarter, and "Rendering: 34 of 34 done"."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.bar = None
        self.name = None
        self.total = self.done = 0

    def stage(self, name: str, total: int) -> None:
        self.close()
        self.name, self.total, self.done = name, total, 0
        label = _(STAGE_LABELS.get(name, name))
        if self.tty:
            self.bar = click.progressbar(length=total, label=label, file=self.stream,
                                         show_pos=True)
            self.bar.__enter__()
        else:
            # Translators: a stage of a build starting, e.g. "Rendering: 34 languages".
            self._line(ngettext("%(stage)s: %(count)s language", "%(stage)s: %(count)s languages",
                                total) % {"stage": label, "count": total})

    def step(self, _item=None) -> None:
        if self.name is None:
            return
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
            return
        quarters = {self.total * q // 4 for q in (1, 2, 3)} - {0, self.total}
        if self.done in quarters:
            # Translators: progress of a stage, e.g. "Rendering: 17 of 34".
            self._line(_("%(stage)s: %(done)s of %(total)s")
                       % {"stage": _(STAGE_LABELS.get(self.name, self.name)),
                          "done": self.done, "total": self.total})

    def close(self) -> None:
        if self.name is None:
            return
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        else:
            # Translators: a stage of a build finished, e.g. "Rendering: 34 of 34 done".
            self._line(_("%(stage)s: %(done)s of %(total)s done")
                       % {"stage": _(STAGE_LABELS.get(self.name, self.name)),
                          "done": self.done, "total": self.total})
        self.name = None

    def abandon(self) -> None:
        """The work stopped (an error follows): close the bar, claim nothing done."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        self.name = None

    def _line(self, text: str) -> None:
        click.echo(text, file=self.stream)
        flush = getattr(self.stream, "flush", None)
        if flush:
            flush()


_CHECK_ID = re.compile(r"(?:^|\s)([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+|[A-Z]{4,}):")
_LANG = re.compile(r"^([a-z]{2,3}(?:-[A-Za-z]{2,4})?): ")


def kind_of(warning: str) -> str:
    """The kind of a build warning: its check id (FILL, TERMS, GLYPH-…), "WeasyPrint", an
    unverified contact detail, or the message without its numbers."""
    if type(warning).__name__ == "UnverifiedContact":
        return "DATA-UNVERIFIED"
    if ": WeasyPrint: " in warning:
        return "WeasyPrint"
    found = _CHECK_ID.search(warning)
    if found:
        return found.group(1)
    return re.sub(r"\d+", "#", _LANG.sub("", warning))


def summarised(warnings: list[str], *, verbose: bool = False) -> list[str]:
    """The warning lines to print: every one with `verbose`; otherwise up to SHOWN_PER_KIND
    of each kind, then one line with how many more and the command that lists them."""
    lines = [_("warning: %(warning)s") % {"warning": w} for w in warnings]
    if verbose:
        return lines
    kinds: OrderedDict[str, list[int]] = OrderedDict()
    for index, warning in enumerate(warnings):
        kinds.setdefault(kind_of(warning), []).append(index)
    shown = []
    for kind, indexes in kinds.items():
        if len(indexes) <= SHOWN_PER_KIND:
            shown.extend(indexes)
            continue
        keep = indexes[:SHOWN_PER_KIND - 1]
        shown.extend(keep)
        codes = sorted({m.group(1) for i in indexes[len(keep):]
                        if (m := _LANG.match(warnings[i]))})
        if kind != "WeasyPrint" and (kind == "DATA-UNVERIFIED" or _CHECK_ID.search(f" {kind}:")):
            # A check's finding: `leaflet check` lists them (for one language, just it).
            command = "leaflet check" + (f" --lang {codes[0]}" if len(codes) == 1 else "")
        else:
            command = "leaflet build --verbose"
        more = len(indexes) - len(keep)
        shown.append((kind, more, command))
    out = []
    for item in shown:
        if isinstance(item, tuple):
            kind, more, command = item
            # Translators: %(kind)s is a check's id (like FILL) or "WeasyPrint"; %(command)s a
            # command line that lists them all (keep it).
            out.append(ngettext("warning: and %(count)s more %(kind)s warning (`%(command)s` "
                                "lists them all)",
                                "warning: and %(count)s more %(kind)s warnings (`%(command)s` "
                                "lists them all)", more)
                       % {"count": more, "kind": kind, "command": command})
        else:
            out.append(lines[item])
    return out
