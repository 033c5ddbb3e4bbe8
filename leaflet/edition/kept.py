"""The catalogue an edition was built from, kept beside its PDFs.

The build keeps, beside each language's PDF, the exact catalogue it checked and rendered
(`output/<edition>/catalogues/<code>.po`, its sha256 in the manifest). The kiosk, the site and
the audio read that copy, never the workspace's catalogue, which a translator may edit (or
break) after the build: they show what the gate passed, as the printed leaflet does.
"""

from __future__ import annotations

from pathlib import Path

from leaflet.errors import CatalogError
from leaflet.i18n import _
from leaflet.translation.catalog import catalog_path
from leaflet.translation.messages import Translations, load_translations

BUILT_DIR = "catalogues"


def keep_built_catalogue(output_dir: Path, code: str, source: Path) -> dict:
    """Copy the catalogue the build used into the edition's folder; its manifest entry."""
    import hashlib

    from leaflet.files import write_atomic

    data = source.read_bytes()
    name = f"{BUILT_DIR}/{code}.po"
    write_atomic(output_dir / name, data)
    return {"file": name, "sha256": hashlib.sha256(data).hexdigest()}


def built_catalogue(output_dir: Path, entry: dict) -> Path | None:
    """The kept catalogue of a manifest entry when it is inside the edition's folder and
    still has the sha256 the manifest gives; None otherwise (built by an older leaflet, or
    altered since: the language must be built again)."""
    import hashlib

    kept = entry.get("catalogue") if isinstance(entry, dict) else None
    if not isinstance(kept, dict) or not isinstance(kept.get("sha256"), str):
        return None
    from leaflet.workspace.built import member

    path = member(output_dir, kept.get("file"))
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return path if hashlib.sha256(data).hexdigest() == kept["sha256"] else None


def load_built(workspace, lang, entry: dict) -> Translations:
    """The translations a built language's leaflet was made from (CatalogError naming the
    manifest when the edition holds no intact copy: build the language again)."""
    path = built_catalogue(workspace.output_dir, entry)
    if path is None:
        raise CatalogError(_("the edition holds no intact copy of the %(code)s catalogue it "
                             "was built from") % {"code": lang.code},
                           path=workspace.output_dir / "manifest.json",
                           hint=_("build it again: `leaflet build --lang %(code)s`")
                           % {"code": lang.code})
    translations = load_translations(path, shown=catalog_path(workspace.translations_dir,
                                                               lang.locale))
    # What was printed: the review status the build recorded (the copy has no term base
    # beside it to recompute the review's fingerprint with).
    translations.review_status = entry.get("review_status") or "draft"
    return translations


def needs_rebuild(workspace, lang, entry: dict) -> bool:
    """True when the workspace's catalogue of a built language is not the one it was built
    from (edited since, or the edition keeps no copy)."""
    import hashlib

    kept = entry.get("catalogue") if isinstance(entry, dict) else None
    if not isinstance(kept, dict):
        return True
    try:
        data = catalog_path(workspace.translations_dir, lang.locale).read_bytes()
    except OSError:
        return True
    return hashlib.sha256(data).hexdigest() != kept.get("sha256")
