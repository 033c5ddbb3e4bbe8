"""The desk under pressure (issue 27, Flask test client): a refused form starts with an error
summary that links to each field and keeps the answers; focus goes where the officer types
next; the kiosk code is confirmed by the language's names; the encounter's time is asked and
stored; a note goes with any hand-over; a name that means several languages offers them; the
receipt says when and what was recorded and prints; the day's list shows another day; and no
page the desk can show holds a command line."""

from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest

from .conftest import UNIT, csrf_of, log_in, record_count

BASE = {"service": "police", "assessment": "uncertain", "residence_status": "legal",
        "person_languages": "ti", "leaflet": "given", "leaflet_language": "ti",
        "centre_action": "contact_arranged", "centre": "payoke"}


@pytest.fixture
def officer(sqlite_station):
    """(client logged in, app, db, zone)."""
    app, db = sqlite_station
    client = app.test_client()
    assert log_in(client).status_code == 302
    return client, app, db, app.extensions["leaflet"]["workspace"].timezone


def post(client, **changes):
    token = csrf_of(client.get("/desk/"))
    data = {**BASE, **changes, "csrf": token}
    return client.post("/desk/", data={k: v for k, v in data.items() if v is not None})


def body(response) -> str:
    return response.get_data(as_text=True)


def visible_text(page) -> str:
    page = page if isinstance(page, str) else body(page)
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def after_heading(page: str) -> str:
    """The first element after the page's h1."""
    rest = page.split("</h1>", 1)[1]
    return re.match(r"\s*(<[^>]+>)", rest).group(1)


def local(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def stored(db) -> list[dict]:
    from leaflet.handover import service

    return list(service.records(db))


# --- the refused form ------------------------------------------------------------------------

def test_a_refused_form_starts_with_a_summary_linking_to_each_field_and_keeps_the_answers(officer):
    client, _, db, _ = officer
    response = post(client, assessment=None, case_ref="85.07.30-033.28",
                    not_given_note="met at the station", person_languages="Tigrinya")
    assert response.status_code == 422 and record_count(db) == 0
    page = body(response)
    first = after_heading(page)
    assert 'class="error-summary"' in first and 'role="alert"' in first
    assert 'tabindex="-1"' in first and "data-focus" in first
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'<a href="#([\w-]+)">', summary)
    assert links == ["assessment-victim", "case_ref"]  # the form's order
    for target in links:  # each link leads to a field of the form
        assert f'id="{target}"' in page
    # each field's own message is next to it and described by it
    assert 'aria-describedby="error-assessment"' in page
    assert re.search(r'aria-describedby="[^"]*error-case_ref"', page)
    # what the officer typed is kept
    assert 'value="85.07.30-033.28"' in page and 'value="met at the station"' in page
    assert 'name="person_languages" value="Tigrinya"' in page
    assert 'value="given" checked' in page and '<option value="ti" selected>' in page


def test_focus_goes_to_the_code_after_login_and_to_the_first_question_after_a_code(officer):
    client, app, _, _ = officer
    form = body(client.get("/desk/"))
    assert re.search(r'<input id="code"[^>]*data-focus', form)
    assert form.count("data-focus") == 1
    code = re.search(r'<bdi dir="ltr">(\w{4})</bdi>',
                     body(app.test_client().get("/kiosk/ti/officer"))).group(1)
    form = body(client.get(f"/desk/?code={code.lower()}"))
    assert form.count("data-focus") == 1
    first_question = re.search(r'<form [^>]*class="handover"[^>]*>.*?<(input|select) id="(\w+)"',
                               form, re.DOTALL).group(2)
    assert re.search(rf'<(input|select) id="{first_question}"[^>]*data-focus', form)
    confirmed = re.search(r'<p class="code-confirmed"[^>]*>(.*?)</p>', form).group(1)
    assert f"Kiosk code {code} = Tigrinya (" in confirmed
    assert '<bdi lang="ti" dir="ltr">ትግርኛ</bdi>' in confirmed


# --- when, and the note ----------------------------------------------------------------------

def test_a_hand_over_recorded_two_hours_later_stores_the_time_it_happened(officer):
    client, _, db, zone = officer
    form = body(client.get("/desk/"))
    default = re.search(r'id="occurred_at"[^>]*value="([^"]*)"', form).group(1)
    now = dt.datetime.now(ZoneInfo(zone))
    shown = dt.datetime.fromisoformat(default).replace(tzinfo=ZoneInfo(zone))
    assert abs((shown - now).total_seconds()) < 120  # now, in the station's zone
    two_hours_ago = (now - dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    response = post(client, occurred_at=local(two_hours_ago, zone))
    assert response.status_code == 303, body(response)[:300]
    record = stored(db)[0]
    assert dt.datetime.fromisoformat(record["occurred_at"]) == two_hours_ago
    receipt = visible_text(client.get(response.headers["Location"]))
    assert two_hours_ago.strftime("%H:%M") in receipt


@pytest.mark.parametrize("shift, words", [(dt.timedelta(days=2), "in the future"),
                                          (None, "not a date and time")])
def test_the_when_field_has_the_clis_limits(officer, shift, words):
    client, _, db, zone = officer
    value = (local(dt.datetime.now(dt.timezone.utc) + shift, zone) if shift
             else "yesterday evening")
    response = post(client, occurred_at=value)
    assert response.status_code == 422 and record_count(db) == 0
    message = re.search(r'id="error-occurred_at">([^<]*)<', body(response)).group(1)
    assert words in html.unescape(message) and zone in message


def test_a_note_goes_with_a_leaflet_given_and_never_a_national_number(officer):
    client, _, db, _ = officer
    response = post(client, not_given_note="after the night check")
    assert response.status_code == 303, body(response)[:300]
    assert stored(db)[0]["not_given_note"] == "after the night check"
    receipt = visible_text(client.get(response.headers["Location"]))
    assert "Note recorded" in receipt and "night check" not in receipt
    response = post(client, not_given_note="born 85.07.30-033.28")
    assert response.status_code == 422
    assert "national register number" in body(response) and record_count(db) == 1


# --- the person's languages ------------------------------------------------------------------

def test_a_country_that_means_several_languages_offers_them(officer):
    client, _, db, _ = officer
    response = post(client, person_languages="Eritrea, ar")
    assert response.status_code == 422 and record_count(db) == 0
    page = body(response)
    offered = re.findall(r'name="language_choice" value="([\w-]+)"', page)
    assert "ti" in offered and len(offered) > 1
    assert 'name="language_choice_of" value="0"' in page
    token = csrf_of(page_response := client.get("/desk/"))
    assert page_response.status_code == 200
    response = client.post("/desk/", data={**BASE, "person_languages": "Eritrea, ar",
                                           "language_choice": "ti", "language_choice_of": "0",
                                           "csrf": token})
    assert response.status_code == 303, body(response)[:300]
    assert stored(db)[0]["person_languages"] == ["ti", "ar"]


def test_one_match_is_taken_and_none_says_what_to_do(officer):
    client, _, db, _ = officer
    assert post(client, person_languages="tigrinia").status_code == 303
    assert stored(db)[0]["person_languages"] == ["ti"]
    response = post(client, person_languages="Qqqxzzv")
    message = html.unescape(re.search(r'id="error-person_languages">([^<]*)<',
                                      body(response)).group(1))
    assert "kiosk" in message and "und" in message


# --- the receipt, the day's list -------------------------------------------------------------

def test_the_receipt_says_when_and_what_was_recorded_and_prints(officer):
    client, _, db, zone = officer
    response = post(client, case_ref="PV/2026/1")
    record_id = response.headers["Location"].rsplit("/", 1)[1]
    page = body(client.get(response.headers["Location"]))
    text = visible_text(page)
    assert re.search(r"<h1>Recorded</h1>\s*<p class=\"record-id\">Hand-over <strong>"
                     + record_id[:8], page)
    assert record_id in text  # the whole id after the short one
    when = dt.datetime.fromisoformat(stored(db)[0]["occurred_at"]).astimezone(ZoneInfo(zone))
    from leaflet.render.interface import date_time

    assert date_time(when, zone, "en") in text
    for words in (f"Unit {UNIT}", "Tigrinya (ti)", "given: Tigrinya, edition",
                  "contact arranged (Payoke)", "Case reference recorded"):
        assert words in text, words
    assert "PV/2026/1" not in text  # said to be there, not shown on a printed receipt
    assert 'class="print-receipt"' in page
    css = body(client.get("/static/station.css"))
    assert re.search(r"@media print \{[^}]*\.desk-bar", css)


def test_the_days_list_shows_another_day(officer):
    client, _, _, zone = officer
    yesterday = dt.datetime.now(ZoneInfo(zone)).replace(hour=12, minute=0, second=0,
                                                         microsecond=0) - dt.timedelta(days=1)
    first = post(client, occurred_at=local(yesterday, zone)).headers["Location"]
    second = post(client).headers["Location"]
    day = yesterday.date().isoformat()
    today = body(client.get("/desk/today"))
    assert second.rsplit("/", 1)[1][:8] in today and first.rsplit("/", 1)[1][:8] not in today
    assert f'href="/desk/today?day={day}"' in today  # the day before
    other = body(client.get(f"/desk/today?day={day}"))
    assert first.rsplit("/", 1)[1][:8] in other and second.rsplit("/", 1)[1][:8] not in other
    assert "12:00" in other and 'type="date"' in other
    refused = client.get("/desk/today?day=2999-01-01")
    assert refused.status_code == 200 and "not a day up to today" in visible_text(refused)


# --- no command line anywhere ----------------------------------------------------------------

def command_lines(page: str) -> list[str]:
    """What looks like a command line in a page's text and attributes."""
    from leaflet.cli import cli

    names = set(cli.commands)
    for command in cli.commands.values():
        names |= set(getattr(command, "commands", {}) or {})
    pattern = re.compile(r"`|(?<![\w-])--[a-z][a-z-]+|\bleaflet\s+(?:%s)\b"
                         % "|".join(sorted(map(re.escape, names))))
    text = visible_text(page)
    # the attributes a person reads (a link's address may echo what was asked for)
    attributes = " ".join(html.unescape(v) for v in re.findall(
        r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', page))
    return [m.group(0) for m in pattern.finditer(text + " " + attributes)]


def test_no_desk_page_holds_a_command_line(officer, station_ws, monkeypatch):
    from conftest import invoke

    client, app, db, _ = officer
    pages = {"login": app.test_client().get("/desk/login"),
             "login refused": log_in(app.test_client(), password="wrong password")}
    pages["form"] = client.get("/desk/")
    code = re.search(r'<bdi dir="ltr">(\w{4})</bdi>',
                     body(app.test_client().get("/kiosk/ti/officer"))).group(1)
    pages["form after a code"] = client.get(f"/desk/?code={code}")
    pages["unknown code"] = client.get("/desk/?code=ZZZZ")
    pages["refused form"] = post(client, assessment=None, case_ref="85.07.30-033.28",
                                 occurred_at="soon")
    pages["choices"] = post(client, person_languages="Eritrea")
    pages["no language"] = post(client, person_languages="Qqqxzzv")
    pages["a code the workspace never built"] = post(client, leaflet_language="fr")
    pages["a leaflet language that is not a code"] = post(client, leaflet_language="zz-Qqqq")
    pages["too many languages"] = post(client, person_languages=",".join(["ti"] * 13))
    pages["receipt, stock negative"] = client.get(post(client).headers["Location"])
    assert "negative" in visible_text(pages["receipt, stock negative"])
    result = invoke(station_ws, "stock", "receive", "--unit", UNIT, "ti=2", "--db", db)
    assert result.exit_code == 0, result.output
    pages["receipt, stock low"] = client.get(post(client).headers["Location"])
    assert "low" in visible_text(pages["receipt, stock low"])
    pages["receipt, not given"] = client.get(post(
        client, leaflet="not_given", leaflet_language=None, not_given_reason="other",
        not_given_note="no copy left").headers["Location"])
    record_id = pages["receipt, not given"].request.path.rsplit("/", 1)[1]
    pages["correction"] = client.get(f"/desk/correct/{record_id}")
    pages["day list"] = client.get("/desk/today")
    pages["another day"] = client.get("/desk/today?day=2000-02-29")
    pages["a bad day"] = client.get("/desk/today?day=--from")
    pages["not found"] = client.get("/desk/receipt/00000000-0000-0000-0000-000000000000")

    from leaflet.handover import service
    from leaflet.station import accounts
    from leaflet.stock import service as stock
    from leaflet.storage.errors import StoreError

    def broken(*args, **kwargs):
        raise StoreError("the log is not writable just now",
                         hint="check --db / LEAFLET_DB, then run `leaflet db upgrade`")

    monkeypatch.setattr(service, "record", broken)
    pages["log unusable"] = post(client)
    assert "administrator" in visible_text(pages["log unusable"])

    def unreadable(*args, **kwargs):
        raise StoreError("no stock ledger", hint="run `leaflet stock receive` first")

    given = stored(db)[0]["id"]
    monkeypatch.setattr(stock, "status", unreadable)
    pages["stock unknown"] = client.get(f"/desk/receipt/{given}")
    assert "coordinator" in visible_text(pages["stock unknown"])

    def busy(*args, **kwargs):
        raise accounts.StationBusy("the log's database is busy",
                                   hint="run `leaflet log verify`, then --retry")

    monkeypatch.setattr(accounts.Accounts, "authenticate", busy)
    pages["failure page"] = log_in(app.test_client())
    assert pages["failure page"].status_code == 503

    for name, response in pages.items():
        page = body(response)
        assert "<h1" in page, name
        assert command_lines(page) == [], (name, command_lines(page))


# --- in a real browser -----------------------------------------------------------------------

@pytest.mark.browser
def test_in_a_browser_a_refused_forms_summary_follows_the_heading_and_has_focus(station_ws,
                                                                                tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from leaflet.storage.engine import dispose_engines

    from . import browser
    from .conftest import OFFICER, PASSWORD, make_account

    db = str(tmp_path / "log.sqlite3")
    make_account(db)
    dispose_engines()
    with browser.Server(station_ws, db, tmp_path / "serve.log") as server:
        driver = browser.chromium(tmp_path / "profile")
        try:
            browser.log_in(driver, server.base, OFFICER, PASSWORD)
            assert driver.switch_to.active_element.get_attribute("id") == "code"
            driver.find_element(By.CSS_SELECTOR, "form.handover button[type=submit]").click()
            summary = WebDriverWait(driver, 15).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"))[0]
            WebDriverWait(driver, 5).until(
                lambda d: d.execute_script("return document.readyState") == "complete")
            assert driver.execute_script("return document.activeElement") == summary
            assert driver.execute_script(
                "return document.querySelector('main h1').nextElementSibling") == summary
            top = driver.execute_script("return arguments[0].getBoundingClientRect().top",
                                        summary)
            assert 0 <= top < browser.HEIGHT / 2  # on screen, not 1,900 px below
            # its first link leads to the first question in error
            summary.find_element(By.CSS_SELECTOR, "a").click()
            assert driver.switch_to.active_element.get_attribute("id") == "assessment-victim"
            assert record_count(db) == 0
        finally:
            driver.quit()
