"""The README shows what the tool makes: nine front pages, one per script, each small."""

from __future__ import annotations

import re

from conftest import ROOT


def test_readme_links_nine_small_front_page_samples():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\(docs/samples/(front-[\w-]+\.png)\)", readme)
    scripts = {name.split("-")[1] for name in linked}
    assert scripts == {"Latn", "Cyrl", "Grek", "Arab", "Ethi", "Hans", "Thai", "Deva", "Beng"}
    for name in linked:
        path = ROOT / "docs" / "samples" / name
        assert path.is_file(), name
        assert path.stat().st_size <= 150 * 1024, name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
