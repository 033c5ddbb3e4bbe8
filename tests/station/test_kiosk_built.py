"""The kiosk and the site show what a build passed, never the catalogue on disk.

A catalogue edited after the build — or one the build has just refused — used to reach the
person at `/kiosk/<lang>/` with what the gate refuses (a typed number; a direction override
that shows 54 as 45). The build keeps the catalogue it checked (output/<edition>/catalogues/);
the kiosk, the site and the audio read that copy, and say when a language needs a rebuild.
A manifest is data: a path in it that leaves the edition's folder is never served.
"""

from __future__ import annotations

import json
import shutil

import polib
import pytest

from conftest import EDITION, invoke

from .conftest import log_in, make_account

TI = "translations/ti/LC_MESSAGES/leaflet.po"
PERIOD = "<strong>Reflection period"


@pytest.fixture
def edited(station_ws, tmp_path):
    """A copy of the station's built workspace whose Tigrinya catalogue was then changed:
    a typed phone number and a direction override around the 45 days."""
    ws = tmp_path / "ws"
    shutil.copytree(station_ws, ws)
    po = polib.pofile(str(ws / TI), wrapwidth=76)
    entry = next(e for e in po if e.msgid.startswith(PERIOD))
    original = entry.msgstr
    entry.msgstr = entry.msgstr.replace("%(days)s", "\u202e%(days)s\u202c", 1) + " 0478 12 34 56"
    po.save()
    return ws, original


def app_for(ws, tmp_path):
    from leaflet.station.app import create_app
    from leaflet.workspace import load_workspace

    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    make_account(db)
    return create_app(load_workspace(ws), db, testing=True)


def test_the_kiosk_shows_the_built_text_and_the_desk_says_rebuild(edited, tmp_path):
    ws, _original = edited
    app = app_for(ws, tmp_path)
    page = app.test_client().get("/kiosk/ti/").get_data(as_text=True)
    assert "\u202e" not in page and "0478 12 34 56" not in page
    assert "45" in page
    assert app.extensions["leaflet"]["kiosk"].stale() == ["ti"]
    client = app.test_client()
    assert log_in(client).status_code == 302
    form = client.get("/desk/").get_data(as_text=True)
    assert "changed since it was built" in form and "ti" in form


def test_a_refused_build_leaves_the_kiosk_and_the_site_on_the_passed_text(edited, tmp_path):
    ws, _original = edited
    result = invoke(ws, "build", "--site", "--lang", "ti")
    assert result.exit_code == 1 and "INVISIBLE" in result.output, result.output
    app = app_for(ws, tmp_path)
    page = app.test_client().get("/kiosk/ti/").get_data(as_text=True)
    assert "\u202e" not in page and "0478 12 34 56" not in page
    # The site was written again for the languages already built: from their kept copies.
    site = (ws / "output" / EDITION / "site" / "ti" / "index.html").read_text("utf-8")
    assert "\u202e" not in site and "0478 12 34 56" not in site
    spoken = ws / "output" / EDITION / "audio" / "ti.txt"
    if spoken.exists():
        assert "0478" not in spoken.read_text("utf-8")


def test_a_language_without_an_intact_kept_catalogue_is_not_shown(station_ws, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(station_ws, ws)
    kept = ws / "output" / EDITION / "catalogues" / "ar.po"
    kept.write_text(kept.read_text("utf-8").replace("msgstr", "msgstr", 1) + "\n# edited\n",
                    encoding="utf-8")
    app = app_for(ws, tmp_path)
    client = app.test_client()
    assert client.get("/kiosk/ar/").status_code == 404
    assert client.get("/kiosk/ti/").status_code == 200
    assert 'lang="ar"' not in client.get("/kiosk/").get_data(as_text=True)


@pytest.mark.parametrize("field, value", [
    ("card", "../../../../../../etc/passwd"),
    ("card", "/etc/passwd"),
    ("card", "catalogues/../../../leaflet.toml"),
    ("audio", "../../leaflet.toml"),
])
def test_a_manifest_path_outside_the_edition_is_never_served(station_ws, tmp_path, field,
                                                              value):
    ws = tmp_path / "ws"
    shutil.copytree(station_ws, ws)
    path = ws / "output" / EDITION / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    entry = manifest["languages"]["ti"]
    if field == "card":
        entry["card"]["pdf"] = value
    else:
        entry["audio"] = {"kind": "recording", "file": value}
    path.write_text(json.dumps(manifest), encoding="utf-8")
    app = app_for(ws, tmp_path)
    client = app.test_client()
    url = "/pdf/ti/card.pdf" if field == "card" else "/kiosk/ti/audio"
    response = client.get(url)
    assert response.status_code == 404, response.get_data()[:200]
    assert b"root:" not in response.get_data() and b"[edition]" not in response.get_data()
