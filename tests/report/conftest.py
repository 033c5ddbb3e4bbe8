"""The report's tests run where no setting of the machine leaks in: no LEAFLET_* variable,
no workspace found from the current folder (tests that need one pass --workspace)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def clean_desk(monkeypatch, tmp_path):
    for name in ("LEAFLET_DB", "LEAFLET_UNIT", "LEAFLET_OFFICER", "LEAFLET_SERVICE",
                 "LEAFLET_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    home = tmp_path / "desk"
    home.mkdir()
    monkeypatch.chdir(home)
    return home
