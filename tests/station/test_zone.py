"""PostgreSQL only: a zone's server as docs/station.md sets it up. The owner creates the log
and the first account; the recorder role, with the GRANTs of docs/deployment.md and
docs/station.md and no more, serves the desk: log in, record, receipt."""

from __future__ import annotations

import re
import uuid

from conftest import ROOT

from .conftest import OFFICER, UNIT, csrf_of, log_in, make_account
from .test_desk import VICTIM_ILLEGAL


def documented_grants(role: str, database: str) -> list[str]:
    grants = []
    for doc in ("deployment.md", "station.md"):
        text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
        for statement in re.findall(r"^\s*(GRANT [^;]+);", text, flags=re.M):
            if "leaflet_recorder" in statement:
                grants.append(statement.replace("leaflet_recorder", role)
                              .replace("leaflet_auditor, ", "").replace(", leaflet_auditor", "")
                              .replace("DATABASE leaflet", f"DATABASE {database}"))
    return grants


def test_a_zone_server_runs_as_the_recorder_role(postgres_admin, station_ws):
    import sqlalchemy as sa

    from conftest import _drop_postgres_database, _fresh_postgres_database
    from leaflet.handover import service
    from leaflet.station.app import create_app
    from leaflet.workspace import load_workspace

    name, owner_url = _fresh_postgres_database(postgres_admin)
    recorder = f"recorder_{uuid.uuid4().hex[:8]}"
    try:
        make_account(owner_url)  # as the owner: the log, the account tables, the account
        with postgres_admin.connect() as conn:
            conn.execute(sa.text(f"CREATE ROLE {recorder} LOGIN"))
        grants = documented_grants(recorder, name)
        assert any("station_account" in g for g in grants), grants
        engine = sa.create_engine(owner_url)
        with engine.begin() as conn:
            for statement in grants:
                conn.execute(sa.text(statement))
        engine.dispose()
        url = sa.make_url(owner_url).set(username=recorder).render_as_string(
            hide_password=False)
        app = create_app(load_workspace(station_ws), url, testing=True)
        client = app.test_client()
        assert log_in(client).status_code == 302
        token = csrf_of(client.get("/desk/"))
        response = client.post("/desk/", data={**VICTIM_ILLEGAL, "csrf": token})
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        assert client.get(response.headers["Location"]).status_code == 200
        stored = next(service.records(url))
        assert (stored["unit"], stored["officer"]) == (UNIT, OFFICER)
        # five wrong passwords make that device wait: the recorder counts them, and logs
        # in and out (sessions) with its own grants
        other = app.test_client()
        for attempt in range(5):
            log_in(other, password=f"wrong {attempt}")
        assert "too many failed logins" in log_in(other).get_data(as_text=True)
        assert client.post("/desk/logout", data={"csrf": csrf_of(client.get("/desk/"))}
                           ).status_code == 302
        assert client.get("/desk/").status_code == 302
    finally:
        from leaflet.storage.engine import dispose_engines

        dispose_engines()
        _drop_postgres_database(postgres_admin, name)
        with postgres_admin.connect() as conn:
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {recorder}"))
