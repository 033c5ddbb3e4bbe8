"""`leaflet doctor`: which system parts the build needs are present, and how to get the rest."""

from __future__ import annotations

import ctypes.util
import importlib.util
import shutil

from leaflet.i18n import _


def _finding(name, ok, detail, fix, required=True):
    return {"name": name, "ok": bool(ok), "required": required, "detail": detail, "fix": fix}


def diagnose(workspace=None) -> list[dict]:
    """A list of findings: name, ok, required, detail, fix (plain data, printed by the CLI)."""
    from leaflet.languages import scripts

    findings = []
    for module, package in (("weasyprint", "weasyprint"), ("polib", "polib"),
                            ("qrcode", "qrcode"), ("babel", "babel"), ("jinja2", "jinja2")):
        present = importlib.util.find_spec(module) is not None
        findings.append(_finding(f"python:{package}", present,
                                 _("installed") if present else _("not importable"),
                                 _("pip install %(package)s (or bash .ci/setup)")
                                 % {"package": package}))
    for lib, package, why in (
            ("pango-1.0", "libpango-1.0-0", _("WeasyPrint's text layout")),
            ("harfbuzz-subset", "libharfbuzz-subset0",
             _("font subsetting; without it a CJK leaflet takes ~8 s instead of ~0.3 s"))):
        found = ctypes.util.find_library(lib)
        # Translators: %(why)s is what the missing library is for.
        findings.append(_finding(f"lib:{package}", found,
                                 found or _("missing (%(why)s)") % {"why": why},
                                 f"apt-get install {package}"))
    for tool, package, required in (("fc-match", "fontconfig", True),
                                    ("fc-list", "fontconfig", True),
                                    ("pdftoppm", "poppler-utils", False),
                                    # the audio of `leaflet build --site`
                                    ("espeak-ng", "espeak-ng", False),
                                    ("opusenc", "opus-tools", False)):
        path = shutil.which(tool)
        findings.append(_finding(f"tool:{tool}", path, path or _("not on PATH"),
                                 f"apt-get install {package}", required))
    families = {}
    for spec in scripts.registry().values():
        for family in spec["families"]:
            families.setdefault(family, spec.get("debian", "fonts-noto-core"))
    if workspace is not None:
        for code in workspace.languages:
            try:
                lang = scripts.language(code, workspace.language_settings.get(code))
            except Exception as exc:  # reported, not fatal: doctor lists everything it can
                findings.append(_finding(f"language:{code}", False, str(exc),
                                         _("fix leaflet.toml or install a font")))
                continue
            for family in lang.families:
                families.setdefault(family, "fonts-noto-core")
    for family, package in sorted(families.items()):
        try:
            detail = str(scripts.font_file(family))
            ok = True
        except Exception as exc:  # FontMissing, or fontconfig absent
            detail, ok = str(exc), False
        findings.append(_finding(f"font:{family}", ok, detail, f"apt-get install {package}"))
    return findings
