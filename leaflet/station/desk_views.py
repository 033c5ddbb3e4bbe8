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
    values: dict[str, Any] = {"service": "police", "centre_action": None}
    notice = None
    code = flask.request.args.get("code", "")[:FIELD_MAX["code"]].strip()
    if code:
        language = kiosk.language_of_code(code)
        if language is None:
            notice = (_("No language has the kiosk code %(code)s today. Ask the person to "
                        "show the screen again, or choose the language below.")
                      % {"code": repr(code[:12])})
        else:
            values.update(person_languages=language, leaflet="given",
                          leaflet_language=language)
    return form_page(values, {}, notice=notice, kiosk_code=code)


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
    values["amends"] = record["id"]
    return form_page(values, {}, notice=_(
        "Correction of record %(id)s: the record stays in the log; this one names it and "
        "replaces it in reports.") % {"id": record["id"]})


def form_page(values, errors, status=200, notice=None, kiosk_code=""):
    from leaflet.duties import choices

    state = station()
    return page("desk-form.html.j2", status=status, values=values,
                errors=forms.placed(errors), notice=notice, kiosk_code=kiosk_code,
                choices=choices, languages=state["kiosk"].languages(),
                edition=state["workspace"].edition_id, rebuild=rebuild_notice())


@bp.post("/desk/")
@login_required
def record():
    from leaflet.duties.record import RecordError, questions
    from leaflet.errors import UsageError
    from leaflet.handover import service

    workspace, db = station()["workspace"], station()["db"]
    values = forms.answers(flask.request.form)
    # A correction: of this unit's record only, and of the edition it handed over; it names
    # the record by its whole id, however it was given.
    corrected = own_record(values["amends"]) if values.get("amends") else {}
    if corrected:
        values["amends"] = corrected["id"]
    errors: dict[str, str] = {}
    raw_languages = values.get("person_languages") or ""
    codes, error = forms.person_languages(raw_languages, workspace)
    if error:
        errors["person_languages"] = error
    values["person_languages"] = codes or None
    forms.applicable(values)
    account = flask.g.account
    values.update(unit=account.unit, officer=account.name)
    if values.get("leaflet") == "given":
        values["leaflet_edition"] = corrected.get("leaflet_edition") or workspace.edition_id
    if not errors:
        for field in questions(values):
            errors[field] = _("Answer this question.")
    if not errors:
        try:
            record_id = service.record(db, values, case_ref_pattern=workspace.case_ref_pattern,
                                       workspace=workspace)
        except RecordError as error:
            errors[error.field] = error.message + (f" ({error.hint})" if error.hint else "")
        except UsageError as error:
            errors["form"] = str(error)
        else:
            return flask.redirect(flask.url_for("desk.receipt", record_id=record_id), 303)
    values["person_languages"] = raw_languages
    return form_page(values, errors, status=422)


@bp.get("/desk/receipt/<record_id>")
@login_required
def receipt(record_id):
    from leaflet.report.checklist import checklist

    record = own_record(record_id)
    duties = checklist(record, station()["workspace"])
    row = station()["kiosk"].language(record.get("leaflet_language") or "")
    return page("receipt.html.j2", record=record, duties=duties, row=row,
                stock=stock_warning(record))


def stock_warning(record) -> str | None:
    """What the receipt says of the unit's stock of the leaflet handed over, if anything."""
    from leaflet.errors import LeafletError
    from leaflet.stock import service as stock

    workspace = station()["workspace"]
    language = record.get("leaflet_language")
    if record.get("leaflet") != "given" or not language:
        return None
    try:
        rows = stock.status(station()["db"], workspace, unit=record["unit"])["rows"]
    except LeafletError as error:
        return _("Stock unknown: %(reason)s") % {"reason": error.message}
    mine = [r for r in rows if r["language"] == language
            and r["edition"] == workspace.edition_id]
    if not mine:
        return (_("No stock of the %(language)s leaflet (edition %(edition)s) is recorded "
                  "for unit %(unit)s: record what you receive with `leaflet stock receive`.")
                % {"language": language, "edition": workspace.edition_id,
                   "unit": record["unit"]})
    row = mine[0]
    if row.get("negative"):
        missing = -row["on_hand"]
        return (ngettext(
            "Stock of the %(language)s leaflet is negative for unit %(unit)s: %(n)s copy more "
            "handed over than recorded as received. Record the copies received with "
            "`leaflet stock receive`.",
            "Stock of the %(language)s leaflet is negative for unit %(unit)s: %(n)s copies "
            "more handed over than recorded as received. Record the copies received with "
            "`leaflet stock receive`.", missing)
            % {"language": language, "unit": record["unit"], "n": missing})
    if row.get("reorder"):
        return (ngettext(
            "Stock of the %(language)s leaflet is low for unit %(unit)s (%(n)s copy left): "
            "reorder.",
            "Stock of the %(language)s leaflet is low for unit %(unit)s (%(n)s copies left): "
            "reorder.", row["on_hand"])
            % {"language": language, "unit": record["unit"], "n": row["on_hand"]})
    return None


@bp.get("/desk/today")
@login_required
def today():
    from leaflet.errors import LeafletError
    from leaflet.handover import service

    workspace = station()["workspace"]
    day = station()["kiosk"].today().isoformat()
    next_day = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    where = service.period(day, next_day, workspace.timezone, flask.g.account.unit)
    try:
        rows = list(service.records(station()["db"], where))
    except LeafletError:
        rows = []
    return page("today.html.j2", rows=rows, day=day)
