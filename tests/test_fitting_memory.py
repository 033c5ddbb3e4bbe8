"""A text size found once is remembered for the same inputs, and checked when used."""

from __future__ import annotations

import os

from conftest import ROOT


def _english_job():
    from leaflet.edition import plan
    from leaflet.workspace import load_workspace

    workspace = load_workspace(ROOT)
    job = plan.prepare(workspace, plan.plan(workspace, ["en"], force=True)[0])[0]
    return job.html, str(workspace.templates_dir) + os.sep


def test_a_size_found_is_remembered_and_checked(tmp_path, monkeypatch):
    from leaflet.edition import fitting
    from leaflet.render import pdf

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    layouts = []
    real = pdf.lay_out

    def counted(html, base_url, **kw):
        layouts.append(html)
        return real(html, base_url, **kw)

    monkeypatch.setattr(pdf, "lay_out", counted)
    html, base = _english_job()
    first = fitting.fit_leaflet(html, base, {})
    assert first["fits"] and len(layouts) >= 2  # a search: the size, and the next one up
    layouts.clear()
    again = fitting.fit_leaflet(html, base, {})
    assert (again["size"], again["fits"], len(layouts)) == (first["size"], True, 1)

    # A remembered size that does not fit (a font changed under it) is searched for anew.
    key = fitting._layout_key(html, base)
    fitting._remember(key, max(fitting.sizes()))
    layouts.clear()
    searched = fitting.fit_leaflet(html, base, {})
    assert searched["size"] == first["size"] and len(layouts) >= 2

    # Another page, another key: nothing remembered for it.
    other = html.replace("</body>", "<p>x</p></body>")
    assert fitting._layout_key(other, base) != key
