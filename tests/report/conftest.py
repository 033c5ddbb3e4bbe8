"""The report's tests: every test runs at an isolated desk (tests/conftest.py): no
LEAFLET_* variable, no workspace found from the current folder (tests that need one pass
--workspace)."""

import pytest

from . import encounters as fx


@pytest.fixture(scope="module")
def log_url(tmp_path_factory):
    """The hand-made log (tests/report/encounters.py) in a SQLite file, written once for the
    module's readers (a module that needs its own declares its own `log_url`)."""
    folder = tmp_path_factory.mktemp("report-log")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)  # no workspace around: the desk correction names no edition
        mp.delenv("LEAFLET_WORKSPACE", raising=False)
        url = f"sqlite:///{folder / 'log.sqlite3'}"
        fx.write_log(url, folder)
    yield url
    from leaflet.storage.engine import dispose_engines

    dispose_engines()
