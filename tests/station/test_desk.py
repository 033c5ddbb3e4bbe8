"""The desk, through Flask's test client: login, CSRF, lock-out, the hand-over form (same
core function and errors as `leaflet handover`), the receipt's duties, corrections."""

from __future__ import annotations

import re
import tomllib

import pytest

from conftest import ROOT, invoke

from .conftest import OFFICER, PASSWORD, UNIT, csrf_of, log_in, make_account, record_count

VICTIM_ILLEGAL = {"service": "police", "assessment": "victim", "residence_status": "illegal",
                  "person_languages": "ti", "leaflet": "given", "leaflet_language": "ti",
                  "centre_action": "intake", "centre": "payoke",
                  "foreigners_dept_informed": "no"}


def foreigners_dept_phone() -> str:
    data = tomllib.loads((ROOT / "leaflet.toml").read_text(encoding="utf-8"))
    return data["organisations"]["foreigners-dept"]["phone"]["value"]


def post_form(client, **changes):
    token = csrf_of(client.get("/desk/"))
    data = {**VICTIM_ILLEGAL, **changes, "csrf": token}
    return client.post("/desk/", data={k: v for k, v in data.items() if v is not None})


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def field_errors(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return dict(re.findall(r'<p class="field-error" id="error-(\w+)">([^<]*)<', html))


@pytest.mark.parametrize("method, path", [
    ("get", "/desk/"), ("get", "/desk/today"), ("get", "/desk/receipt/0123456789abcdef"),
    ("get", "/desk/correct/0123456789abcdef"), ("get", "/desk/?code=ABCD"),
])
def test_desk_pages_without_a_session_lead_to_the_login(sqlite_station, method, path):
    app, db = sqlite_station
    response = getattr(app.test_client(), method)(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/desk/login")


def test_a_post_without_a_session_records_nothing(sqlite_station):
    app, db = sqlite_station
    client = app.test_client()
    token = csrf_of(client.get("/desk/login"))  # a session, but no account in it
    response = client.post("/desk/", data={**VICTIM_ILLEGAL, "csrf": token})
    assert response.status_code == 302 and "/desk/login" in response.headers["Location"]
    assert record_count(db) == 0


@pytest.mark.parametrize("token", [None, "", "forged-token", "x" * 5000])
def test_a_post_without_the_right_csrf_token_records_nothing(sqlite_station, token):
    app, db = sqlite_station
    client = app.test_client()
    assert log_in(client).status_code == 302
    data = dict(VICTIM_ILLEGAL)
    if token is not None:
        data["csrf"] = token
    response = client.post("/desk/", data=data)
    # a token longer than any the station makes is refused for its size, before it is read
    assert response.status_code == (413 if token and len(token) > 100 else 400)
    assert record_count(db) == 0
    # and the login form itself refuses a forged token
    other = app.test_client()
    response = other.post("/desk/login", data={"name": OFFICER, "password": PASSWORD,
                                               "csrf": "forged"})
    assert response.status_code == 400
    assert other.get("/desk/").status_code == 302  # not logged in


def test_five_wrong_passwords_make_that_device_wait(sqlite_station):
    app, _ = sqlite_station
    client = app.test_client()
    for attempt in range(5):
        response = log_in(client, password=f"wrong password {attempt}")
        assert response.status_code == 401 and "wrong account name or password" in text(response)
    response = log_in(client, password="wrong again, the sixth")
    assert response.status_code == 401 and "too many failed logins from this device" in text(response)
    # The right password waits too, from this device.
    response = log_in(client)
    assert response.status_code == 401 and "too many failed logins" in text(response)
    assert client.get("/desk/").status_code == 302


def test_someone_elses_guesses_do_not_lock_the_officer_out(sqlite_station):
    """Throttled per device: guesses from one address never keep the officer at another
    desk from logging in (a hard lock let anyone lock any named officer out)."""
    app, _ = sqlite_station
    attacker = app.test_client()
    for attempt in range(12):
        attacker.post("/desk/login", data={"csrf": csrf_of(attacker.get("/desk/login")),
                                           "name": OFFICER, "password": f"guess {attempt}"},
                      environ_base={"REMOTE_ADDR": "10.9.9.9"})
    officer = app.test_client()
    response = officer.post("/desk/login", data={"csrf": csrf_of(officer.get("/desk/login")),
                                                 "name": OFFICER, "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert response.status_code == 302


def test_the_wait_ends_and_doubles(sqlite_station, monkeypatch):
    import datetime as dt

    from leaflet.station import accounts

    app, _ = sqlite_station
    client = app.test_client()
    for attempt in range(6):
        log_in(client, password=f"wrong password {attempt}")
    assert accounts.wait_after(5) == 1 and accounts.wait_after(6) == 2
    assert accounts.wait_after(60) == accounts.MAX_WAIT_S
    later = accounts._now() + dt.timedelta(seconds=accounts.wait_after(6) + 1)
    monkeypatch.setattr(accounts, "_now", lambda: later)
    assert log_in(client).status_code == 302


def test_a_wrong_name_reads_like_a_wrong_password(sqlite_station):
    app, _ = sqlite_station
    a = text(log_in(app.test_client(), name="NOBODY"))
    b = text(log_in(app.test_client(), password="not the password"))
    assert "wrong account name or password" in a and "wrong account name or password" in b


def test_the_session_cookie_is_httponly_and_samesite_strict(sqlite_station):
    app, _ = sqlite_station
    response = log_in(app.test_client())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert PASSWORD not in cookie and OFFICER not in cookie  # signed, not readable as such


def test_the_story_kiosk_code_form_receipt_and_log_on_both_backends(station, station_ws):
    app, db = station
    client = app.test_client()
    code = re.search(r'<bdi dir="ltr">(\w{4})</bdi>',
                     client.get("/kiosk/ti/officer").get_data(as_text=True)).group(1)
    assert log_in(client).status_code == 302
    form = client.get(f"/desk/?code={code}").get_data(as_text=True)
    assert 'name="person_languages" value="ti"' in form
    assert '<option value="ti" selected>' in form
    response = post_form(client)
    assert response.status_code == 303, field_errors(response)
    receipt = client.get(response.headers["Location"])
    page = text(receipt)
    assert "LEAFLET-GIVEN" in page and "CENTRE-INTAKE" in page
    duty = re.search(r"To do inform the Foreigners Department (.*?)FOREIGNERS-DEPT\) (.*?)"
                     r"(To do|Met|Print)", page)
    assert duty and foreigners_dept_phone() in duty.group(2), page
    assert 'href="/pdf/ti/leaflet.pdf"' in receipt.get_data(as_text=True)
    assert 'href="/pdf/ti/card.pdf"' in receipt.get_data(as_text=True)
    assert record_count(db) == 1
    from leaflet.handover import service

    stored = next(service.records(db))
    assert (stored["unit"], stored["officer"]) == (UNIT, OFFICER)  # the account's, not typed
    assert stored["leaflet_edition"] and stored["person_languages"] == ["ti"]
    verified = invoke(station_ws, "log", "verify", "--db", db)
    assert verified.exit_code == 0 and "1 record" in verified.output, verified.output


def test_the_officer_cannot_be_typed_into_the_form(sqlite_station):
    app, db = sqlite_station
    client = app.test_client()
    log_in(client)
    response = post_form(client, officer="SOMEONE-ELSE", unit="OTHER-UNIT")
    assert response.status_code == 303
    from leaflet.handover import service

    stored = next(service.records(db))
    assert (stored["unit"], stored["officer"]) == (UNIT, OFFICER)


def test_no_foreigners_department_question_for_a_legal_resident(sqlite_station):
    app, db = sqlite_station
    client = app.test_client()
    log_in(client)
    # Asked and missing: victim without legal residence, no answer -> the field says so.
    response = post_form(client, foreigners_dept_informed=None)
    assert response.status_code == 422
    assert "foreigners_dept_informed" in field_errors(response)
    assert record_count(db) == 0
    # Not asked: a legal resident; a stale hidden answer is dropped, not recorded.
    response = post_form(client, residence_status="legal", foreigners_dept_informed="yes")
    assert response.status_code == 303, field_errors(response)
    from leaflet.handover import service

    stored = next(service.records(db))
    assert stored["foreigners_dept_informed"] is None
    receipt = text(client.get(response.headers["Location"]))
    assert "FOREIGNERS-DEPT" not in receipt


def test_the_form_shows_the_core_functions_error_on_its_field(sqlite_station, station_ws):
    """The same validation as `leaflet handover`: a national register number is refused
    with the same message, on the case reference field."""
    app, db = sqlite_station
    client = app.test_client()
    log_in(client)
    bad = "85.07.30-033.28"
    response = post_form(client, case_ref=bad)
    assert response.status_code == 422
    errors = field_errors(response)
    assert "case_ref" in errors
    cli = invoke(station_ws, "handover", "--db", db, "--service", "police", "--unit", UNIT,
                 "--officer", OFFICER, "--assessment", "victim", "--residence-status",
                 "illegal", "--person-language", "ti", "--leaflet", "given",
                 "--leaflet-language", "ti", "--centre-action", "intake", "--centre",
                 "payoke", "--foreigners-dept-not-informed", "--case-ref", bad)
    assert cli.exit_code == 2
    import html

    assert html.unescape(errors["case_ref"]).split(" (")[0] in cli.output
    assert record_count(db) == 0


def test_a_language_name_is_resolved_as_the_cli_does(sqlite_station):
    app, db = sqlite_station
    client = app.test_client()
    log_in(client)
    response = post_form(client, person_languages="Tigrinya, arabe")
    assert response.status_code == 303, field_errors(response)
    from leaflet.handover import service

    assert next(service.records(db))["person_languages"] == ["ti", "ar"]
    response = post_form(client, person_languages="Klingonish Zzzz")
    assert response.status_code == 422 and "person_languages" in field_errors(response)


def test_a_correction_is_an_amendment(sqlite_station):
    app, db = sqlite_station
    client = app.test_client()
    log_in(client)
    first = post_form(client).headers["Location"].rsplit("/", 1)[1]
    form = client.get(f"/desk/correct/{first}")
    assert form.status_code == 200 and f'name="amends" value="{first}"' in form.get_data(
        as_text=True)
    assert 'name="foreigners_dept_informed" value="no" checked' in form.get_data(as_text=True)
    token = csrf_of(form)
    response = client.post("/desk/", data={**VICTIM_ILLEGAL, "foreigners_dept_informed":
                                           "yes", "amends": first, "csrf": token})
    assert response.status_code == 303
    from leaflet.handover import service

    records = list(service.records(db))
    assert len(records) == 2 and records[1]["amends"] == first
    assert records[0]["foreigners_dept_informed"] is False  # the first record is unchanged
    receipt = text(client.get(response.headers["Location"]))
    assert "a correction of" in receipt and "To do inform the Foreigners" not in receipt


def test_the_days_list_shows_this_units_hand_overs(sqlite_station):
    app, db = sqlite_station
    make_account(db, "B5678", "OTHER-1", PASSWORD)
    mine, other = app.test_client(), app.test_client()
    log_in(mine)
    log_in(other, "B5678")
    a = post_form(mine).headers["Location"].rsplit("/", 1)[1]
    b = post_form(other).headers["Location"].rsplit("/", 1)[1]
    page = mine.get("/desk/today").get_data(as_text=True)
    assert a[:8] in page and b[:8] not in page
    # and another unit's receipt is not shown
    assert mine.get(f"/desk/receipt/{b}").status_code == 404
    assert mine.get(f"/desk/correct/{b}").status_code == 404


def test_a_disabled_account_is_logged_out_at_its_next_request(sqlite_station, station_ws):
    app, db = sqlite_station
    client = app.test_client()
    log_in(client)
    assert client.get("/desk/").status_code == 200
    result = invoke(station_ws, "serve", "user", "disable", OFFICER, "--db", db)
    assert result.exit_code == 0, result.output
    assert client.get("/desk/").status_code == 302
    assert log_in(app.test_client()).status_code == 401


def test_the_receipt_warns_when_the_units_stock_is_low_or_negative(sqlite_station, station_ws):
    app, db = sqlite_station
    client = app.test_client()
    log_in(client)
    receipt = text(client.get(post_form(client).headers["Location"]))
    assert "is negative for unit" in receipt and "1 copy more handed over" in receipt
    result = invoke(station_ws, "stock", "receive", "--unit", UNIT, "ti=2", "--db", db)
    assert result.exit_code == 0, result.output
    receipt = text(client.get(post_form(client).headers["Location"]))
    assert "low" in receipt and "reorder" in receipt  # 2 received, 2 given: none left


def test_user_add_stores_an_argon2_hash_and_asks_twice(station_ws, tmp_path):
    from click.testing import CliRunner

    from leaflet.cli import cli

    db = f"sqlite:///{tmp_path / 'accounts.sqlite3'}"
    runner = CliRunner()
    result = runner.invoke(cli, ["-w", str(station_ws), "serve", "user", "add", "C9",
                                 "--unit", UNIT, "--db", db],
                           input="a long pass phrase\na long pass phrase\n")
    assert result.exit_code == 0, result.output
    assert "Repeat the password" in result.output
    import sqlalchemy as sa

    engine = sa.create_engine(db)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM station_account")).scalar()
    engine.dispose()
    assert stored.startswith("$argon2id$") and "a long pass phrase" not in stored
    mismatch = runner.invoke(cli, ["-w", str(station_ws), "serve", "user", "add", "C10",
                                   "--unit", UNIT, "--db", db],
                             input="a long pass phrase\nanother phrase!!\n"
                                   "short\nshort\n")
    assert mismatch.exit_code != 0
    short = runner.invoke(cli, ["-w", str(station_ws), "serve", "user", "add", "C11",
                                "--unit", UNIT, "--db", db], input="short\nshort\n")
    assert short.exit_code == 2 and "at least 10" in short.output
    assert "Traceback" not in short.output


def test_leaflet_handover_prints_the_same_duty_checklist(station_ws, tmp_path):
    db = str(tmp_path / "log.sqlite3")
    from click.testing import CliRunner

    from leaflet.cli import cli

    result = CliRunner().invoke(cli, [
        "-w", str(station_ws), "handover", "--db", db, "--service", "police", "--unit",
        UNIT, "--officer", OFFICER, "--assessment", "victim", "--residence-status", "illegal",
        "--person-language", "ti", "--leaflet", "given", "--leaflet-language", "ti",
        "--centre-action", "intake", "--centre", "payoke", "--foreigners-dept-not-informed"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"[0-9a-f-]{36}\n", result.stdout)  # stdout: the id alone
    assert "[x] LEAFLET-GIVEN" in result.stderr and "[x] CENTRE-INTAKE" in result.stderr
    assert "[ ] FOREIGNERS-DEPT" in result.stderr and foreigners_dept_phone() in result.stderr
