"""The report's tests run where no setting of the machine leaks in: no LEAFLET_* variable,
no workspace found from the current folder (tests that need one pass --workspace)."""

from __future__ import annotations

import pytest
from conftest import isolated_desk


@pytest.fixture(autouse=True)
def clean_desk(monkeypatch, tmp_path):
    return isolated_desk(monkeypatch, tmp_path)
