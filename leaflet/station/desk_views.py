"""The desk (login required): the officer records the hand-over through the same core
function as `leaflet handover` (leaflet.handover.service.record) and gets a receipt with the
duties of the circular for this encounter (leaflet.report.checklist); a correction is a new
record naming the old one; the day's list shows the unit's hand-overs. Another unit's records
are never shown (404)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import flask

from leaflet.i18n import _, ngettext
from leaflet.station import forms
from leaflet.station.pages import page, station
from leaflet.station.security import FIELD_MAX, login_required, safe_next

bp = flask.Blueprint("desk", __name__)


@bp.route("/desk/login", methods=["GET", "POST"])
def login():
    from leaflet.station.accounts import LoginRefused

    accounts = station()["accounts"]
    error = None
    if flask.request.method == "POST":
        name = flask.request.form.get("name", "").strip()
        password = flask.request.form.get("password", "")
        try:
            account = accounts.authenticate(name, password,
                                            flask.request.remote_addr or "unknown")
        except LoginRefused as refusal:
            error = refusal.message
        else:
            csrf = secrets.token_urlsafe(32)
            session_id = accounts.open_session(account)
            flask.session.clear()  # a new session: no fixation of a pre-login one
            flask.session.permanent = True
            flask.session.update(sid=session_id, csrf=csrf)
            return flask.redirect(safe_next(flask.request.args.get("next", "")))
    return page("login.html.j2", status=401 if error else 200, error=error)


@bp.post("/desk/logout")
def logout():
    station()["accounts"].end_session(flask.session.get("sid"))  # the cookie opens nothing
    flask.session.clear()
    return flask.redirect("/desk/login")


@bp.get("/desk/")
@login_required
def form():
    kiosk = station()["kiosk"]
    zone = station()["workspace"].timezone
    values: dict[str, Any] = {"service": "police", "centre_action": None,
                              "occurred_at": forms.now_local(zone)}
    notice = confirmed = None
    code = flask.request.args.get("code", "")[:FIELD_MAX["code"]].strip()
    if code:
        from leaflet.station.kiosk import normalise_code

        language = kiosk.language_of_code(code)
        if language is None:
            notice = (_("No language has the kiosk code %(code)s today. Ask the person to "
                        "show the screen again, or choose the language below.")
                      % {"code": repr(code[:12])})
        else:
            values.update(person_languages=language, leaflet="given",
                          leaflet_language=language)
            confirmed = {"code": normalise_code(code), "row": kiosk.language(language)}
    return form_page(values, {}, notice=notice, kiosk_code=code, confirmed=confirmed)


def rebuild_notice() -> str | None:
    stale = station()["kiosk"].stale()
    if not stale:
        return None
    return (_("The leaflet text of %(languages)s changed since it was built: the kiosk shows "
              "the text that was built and printed until the coordinator builds it again.")
            % {"languages": ", ".join(stale)})


def own_record(record_id: str) -> dict:
    """A record of the logged-in account's unit, or a 404 (another unit's records are not
    shown at this desk)."""
    from leaflet.errors import LeafletError
    from leaflet.handover import service

    try:
        record = service.show(station()["db"], record_id)
    except LeafletError:
        flask.abort(404)
    if record["unit"] != flask.g.account.unit:
        flask.abort(404)
    return record


@bp.get("/desk/correct/<record_id>")
@login_required
def correct(record_id):
    record = own_record(record_id)
    values = {f: record.get(f) for f in forms.FORM_FIELDS}
    values["person_languages"] = ", ".join(record.get("person_languages") or [])
    values["foreigners_dept_informed"] = {True: "yes", False: "no"}.get(
        record.get("foreigners_dept_informed"))
    values["occurred_at"] = forms.local_input(record.get("occurred_at"),
                                              station()["workspace"].timezone)
    values["amends"] = record["id"]
    return form_page(values, {}, notice=_(
        "Correction of record %(id)s: the record stays in the log; this one names it and "
        "replaces it in reports.") % {"id": record["id"][:8]})


def form_page(values, errors, status=200, notice=None, kiosk_code="", confirmed=None,
              choice=None):
    from leaflet.duties import choices
    from leaflet.duties.record import EARLIEST, FUTURE_TOLERANCE, NOTE_MAX

    state = station()
    zone = state["workspace"].timezone
    latest = (dt.datetime.now(dt.timezone.utc) + FUTURE_TOLERANCE)
    bounds = {"min": forms.local_input(EARLIEST.isoformat(), zone),
              "max": forms.local_input(latest.isoformat(), zone)}
    placed = forms.placed(errors)
    return page("desk-form.html.j2", status=status, values=values,
                errors=placed, summary=forms.summary(placed, choice), notice=notice,
                kiosk_code=kiosk_code, confirmed=confirmed, choice=choice,
                choices=choices, label=forms.label, languages=state["kiosk"].languages(),
                edition=state["workspace"].edition_id, rebuild=rebuild_notice(),
                zone=zone, when_bounds=bounds, note_max=NOTE_MAX)


@bp.post("/desk/")
@login_required
def record():
    from leaflet.duties.record import RecordError, questions, validate_field
    from leaflet.errors import LeafletError
    from leaflet.handover import service

    workspace, db = station()["workspace"], station()["db"]
    posted = flask.request.form
    values = forms.answers(posted)
    # A correction: of this unit's record only, and of the edition it handed over; it names
    # the record by its whole id, however it was given.
    corrected = own_record(values["amends"]) if values.get("amends") else {}
    if corrected:
        values["amends"] = corrected["id"]
    errors: dict[str, str] = {}
    when_typed = values.get("occurred_at")
    values["occurred_at"], error = forms.occurred_at(when_typed, workspace.timezone)
    if error:
        errors["occurred_at"] = error
    # A name that meant several languages, answered by choosing one of them.
    raw_languages = forms.chosen(values.get("person_languages"),
                                 posted.get("language_choice"),
                                 posted.get("language_choice_of")) or ""
    codes, error, choice = forms.person_languages(raw_languages, workspace)
    if error:
        errors["person_languages"] = error
    values["person_languages"] = codes or None
    forms.applicable(values)
    account = flask.g.account
    values.update(unit=account.unit, officer=account.name)
    if values.get("leaflet") == "given":
        values["leaflet_edition"] = corrected.get("leaflet_edition") or workspace.edition_id
    for field in questions(values):
        errors.setdefault(field, _("Answer this question."))
    # Each answer by the log's own check of its field, so that every refused answer is said
    # at once (the rules between fields, and the leaflet built, are checked when recording).
    for field in ("service", "case_ref", "not_given_note"):
        if field not in errors and values.get(field) is not None:
            try:
                validate_field(field, values[field], case_ref_pattern=workspace.case_ref_pattern)
            except RecordError as error:
                errors[field] = forms.desk_message(error, zone=workspace.timezone)
    if not errors:
        try:
            record_id = service.record(db, values, case_ref_pattern=workspace.case_ref_pattern,
                                       workspace=workspace)
        except RecordError as error:
            errors[error.field] = forms.desk_message(error, zone=workspace.timezone)
        except LeafletError as error:
            flask.current_app.logger.warning("%s", error)  # for the administrator
            errors["form"] = (_("Nothing was recorded: %(reason)s. Tell the station's "
                                "administrator.") % {"reason": error.message})
        else:
            return flask.redirect(flask.url_for("desk.receipt", record_id=record_id), 303)
    values["person_languages"] = raw_languages
    values["occurred_at"] = when_typed
    return form_page(values, errors, status=422, choice=choice)


@bp.get("/desk/receipt/<record_id>")
@login_required
def receipt(record_id):
    from leaflet.report.checklist import checklist

    record = own_record(record_id)
    duties = checklist(record, station()["workspace"])
    row = station()["kiosk"].language(record.get("leaflet_language") or "")
    from leaflet.handover import service

    # What looks wrong without being refused (a leaflet given before its edition's date),
    # as `leaflet handover` warns of it (leaflet.handover.plausibility).
    doubts = service.warnings(record, station()["workspace"], recorded=True)
    return page("receipt.html.j2", record=record, duties=duties, row=row,
                stock=stock_warning(record), label=forms.label, doubts=doubts,
                zone=station()["workspace"].timezone)


def stock_warning(record) -> str | None:
    """What the receipt says of the unit's stock of the leaflet handed over, if anything:
    the officer tells the unit's coordinator, who records deliveries and orders."""
    from leaflet.errors import LeafletError
    from leaflet.render.interface import language_name
    from leaflet.stock import service as stock

    workspace = station()["workspace"]
    language = record.get("leaflet_language")
    if record.get("leaflet") != "given" or not language:
        return None
    try:
        rows = stock.status(station()["db"], workspace, unit=record["unit"])["rows"]
    except LeafletError as error:
        flask.current_app.logger.warning("%s", error)
        return (_("The stock of this leaflet could not be read (%(reason)s): tell your unit's "
                  "coordinator.") % {"reason": error.message})
    mine = [r for r in rows if r["language"] == language
            and r["edition"] == workspace.edition_id]
    name = language_name(language)
    if not mine:
        return (_("No stock of the %(language)s leaflet (edition %(edition)s) is recorded "
                  "for unit %(unit)s: tell your unit's coordinator, who records the copies "
                  "the unit receives.")
                % {"language": name, "edition": workspace.edition_id,
                   "unit": record["unit"]})
    row = mine[0]
    if row.get("negative"):
        missing = -row["on_hand"]
        return (ngettext(
            "Stock of the %(language)s leaflet is negative for unit %(unit)s: %(n)s copy more "
            "handed over than recorded as received. Tell your unit's coordinator, who records "
            "the copies the unit receives.",
            "Stock of the %(language)s leaflet is negative for unit %(unit)s: %(n)s copies "
            "more handed over than recorded as received. Tell your unit's coordinator, who "
            "records the copies the unit receives.", missing)
            % {"language": name, "unit": record["unit"], "n": missing})
    if row.get("reorder"):
        return (ngettext(
            "Stock of the %(language)s leaflet is low for unit %(unit)s (%(n)s copy left): "
            "tell your unit's coordinator, who reorders.",
            "Stock of the %(language)s leaflet is low for unit %(unit)s (%(n)s copies left): "
            "tell your unit's coordinator, who reorders.", row["on_hand"])
            % {"language": name, "unit": record["unit"], "n": row["on_hand"]})
    return None


@bp.get("/desk/today")
@login_required
def today():
    """The unit's hand-overs of one day (`?day=YYYY-MM-DD`, today by default), with links
    to the day before and after."""
    from leaflet.errors import LeafletError
    from leaflet.handover import service
    from leaflet.periods import FIRST_DAY

    workspace = station()["workspace"]
    today_ = station()["kiosk"].today()
    asked = flask.request.args.get("day", "")[:40].strip()
    day, notice = today_, None
    if asked:
        try:
            day = dt.date.fromisoformat(asked) if len(asked) == 10 else None
        except ValueError:
            day = None
        if day is None or not FIRST_DAY <= day <= today_:
            # What was asked is not echoed: a link may carry anything.
            notice = _("The day asked for is not a day up to today: the list shows today. "
                       "Choose a day in the calendar.")
            day = today_
    next_day = day + dt.timedelta(days=1)
    where = service.period(day.isoformat(), next_day.isoformat(), workspace.timezone,
                           flask.g.account.unit)
    try:
        rows = list(service.records(station()["db"], where))
    except LeafletError:
        rows = []
    before = day - dt.timedelta(days=1)
    return page("today.html.j2", rows=rows, day=day.isoformat(), today=today_.isoformat(),
                is_today=day == today_, notice=notice, zone=workspace.timezone,
                label=forms.label,
                previous=before.isoformat() if before >= FIRST_DAY else None,
                following=next_day.isoformat() if next_day <= today_ else None)
