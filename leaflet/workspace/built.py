"""Which leaflets a workspace has built: what `output/<edition>/manifest.json` says.

The build writes the manifest last: the languages built, each with its PDF, wallet card,
print files, audio and the catalogue it was built from. Every reader of "what is built"
comes here: the hand-over (a leaflet given must exist), `leaflet pick` and `leaflet card`,
the stock, the kiosk and the site. A path the manifest names is taken only inside the
edition's folder (`member`). Reads one small JSON file and stats; standard library only (the
desk's path).
"""

from __future__ import annotations

import json
from pathlib import Path

from leaflet.errors import LeafletError
from leaflet.i18n import _

MANIFEST = "manifest.json"  # what a build writes last (leaflet.edition.build)
SHOWN = 12  # languages listed in a message at most


def output_dir(workspace, edition: str) -> Path:
    """`output/<edition>` of the workspace (edition ids hold no `/`: EDITION_PATTERN)."""
    return workspace.root / "output" / edition


def read_manifest(workspace, edition: str) -> dict | None:
    """The manifest of `edition` in the workspace, or None when that edition was never built.

    A manifest that cannot be read, is not JSON or names another edition is a LeafletError
    naming the file (rebuilding writes a fresh one).
    """
    path = output_dir(workspace, edition) / MANIFEST
    shown = workspace.display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        # Translators: %(reason)s is the system's reason, like "Permission denied".
        raise LeafletError(_("cannot read the edition's manifest: %(reason)s")
                           % {"reason": getattr(error, 'strerror', None) or error}, path=shown,
                           hint=_("run `leaflet build` to write it again")) from None
    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError):
        # Translators: follows the manifest's path, like "output/2027-01/manifest.json: ".
        raise LeafletError(_("is not JSON (damaged)"), path=shown,
                           hint=_("run `leaflet build` to write it again")) from None
    if (not isinstance(manifest, dict) or not isinstance(manifest.get("languages", {}), dict)
            or manifest.get("edition", edition) != edition):
        # Translators: follows the manifest's path; %(edition)s is an edition id.
        raise LeafletError(_("is not the manifest of edition %(edition)s")
                           % {"edition": edition}, path=shown,
                           hint=_("run `leaflet build` to write it again"))
    return manifest


def built_languages(workspace, edition: str | None = None,
                    manifest: dict | None = None) -> dict[str, str]:
    """{code: PDF path as shown} of the configured languages whose leaflet of `edition` (the
    workspace's by default) is built, in leaflet.toml order: listed in the edition's
    manifest with the PDF it names present. {} when the edition was never built."""
    edition = edition or workspace.edition_id
    if manifest is None:
        try:
            manifest = read_manifest(workspace, edition)
        except LeafletError:
            return {}
    entries = (manifest or {}).get("languages", {})
    folder = output_dir(workspace, edition)
    built = {}
    for code in workspace.languages:
        pdf = pdf_of(entries, code, folder)
        if pdf is not None:
            built[code] = workspace.display_path(pdf)
    return built


def member(folder: Path, name) -> Path | None:
    """The file a manifest names, `name` relative to the edition's `folder`, or None when it
    could lie outside it: an absolute path, `..`, a backslash, a control character, or a
    link that resolves elsewhere. A manifest is data a build wrote; a hand-edited one must
    not make the station serve /etc/passwd."""
    if not isinstance(name, str) or not name or len(name) > 200 or "\\" in name \
            or name.startswith("/") or any(ord(ch) < 32 for ch in name):
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    path = folder.joinpath(*parts)
    try:
        if not path.resolve().is_relative_to(folder.resolve()):
            return None
    except (OSError, RuntimeError):
        return None
    return path


def pdf_of(entries: dict, code: str, folder: Path) -> Path | None:
    entry = entries.get(code)
    if not isinstance(entry, dict) or not isinstance(entry.get("pdf"), str):
        return None
    name = entry["pdf"]
    if "/" in name:
        return None  # a leaflet lies in the edition's folder itself
    pdf = member(folder, name)
    return pdf if pdf is not None and pdf.is_file() else None


def built_editions(workspace) -> list[str]:
    """The editions of the workspace that have a manifest, newest id first."""
    root = workspace.root / "output"
    try:
        found = [p.name for p in root.iterdir() if (p / MANIFEST).is_file()]
    except OSError:
        return []
    return sorted(found, reverse=True)


def listed(codes) -> str:
    codes = list(codes)
    shown = ", ".join(codes[:SHOWN])
    if len(codes) > SHOWN:
        # Translators: %(shown)s lists the first language codes, %(count)s how many in all.
        return _("%(shown)s, … (%(count)s in all)") % {"shown": shown, "count": len(codes)}
    return shown
