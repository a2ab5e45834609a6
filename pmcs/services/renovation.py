"""Renovation permits (装修): application, documents, fees, passes, patrols,
acceptance and the deposit refund.

States and allowed moves are one table (core/renovation.py MOVES); money is
integer fen; every figure entered is an event with who entered it. Refunds
due (7 working days after a passed acceptance) and works past their end date
without acceptance are due items in ``pmcs remind``.
"""
from __future__ import annotations

from datetime import datetime

from pmcs.clock import local_zone
from pmcs.core import renovation as rules
from pmcs.core.fields import Field, clean_value, parse_date
from pmcs.core.ids import parse_numbered
from pmcs.core.handover import label_of
from pmcs.core.reminders import DueItem
from pmcs.errors import NotAllowed, NotFound, UserError
from pmcs.services.reminders import provider
from pmcs.services.session import to_iso
from pmcs.store import renovation as q
from pmcs.store.handover import unit_status as current_unit_status

PREFIX = "RN"
_NAME = Field("name", max_len=100)
_NOTE = Field("note", max_len=500)


def get_renovation(s, ref: str) -> dict:
    """By number (RN-2026-0007, 2026-0007) or the bare number (7: the latest year's)."""
    number, seq = parse_numbered(ref, PREFIX)
    row = q.by_number(s.db, number) if number else q.by_seq(s.db, seq) if seq else None
    if row is None:
        raise NotFound("error.renovation_not_found", hint="hint.renovation_list", ref=ref)
    return row


def _text(field: str, value, required=True, spec=_NAME) -> str | None:
    out = clean_value(Field(field, max_len=spec.max_len), value)
    if required and not out:
        raise UserError("error.required", field=field)
    return out


def apply(s, unit: str, *, contractor, manager, manager_phone, start, end, workers=None, applicant=None) -> dict:
    from pmcs.core.handover import HANDED_OVER_STATUSES
    from pmcs.core.ids import clean_phone
    from pmcs.services.units import get_unit

    values = {"contractor": _text("contractor", contractor), "manager": _text("manager", manager),
              "manager_phone": clean_phone(manager_phone or "", "manager_phone"), "workers": rules.workers(workers)}
    first, last = parse_date(str(start or ""), "start"), parse_date(str(end or ""), "end")
    rules.check_period(first, last)
    tz = local_zone()
    with s.write():
        u = get_unit(s, unit)
        if u["status"] not in HANDED_OVER_STATUSES:
            from pmcs.i18n import label

            raise NotAllowed("error.renovation_not_handed_over", unit=u["code"], status=label("unit_status", u["status"]))
        live = q.live_for_unit(s.db, u["id"], ("applied", "approved", "in_progress", "failed"))
        if live:
            raise NotAllowed("error.renovation_exists", unit=u["code"], ref=live["number"])
        person = _applicant(s, u, applicant)
        now = s.now()
        year = now.astimezone(tz).year
        seq = q.next_seq(s.db, year)
        number = f"{PREFIX}-{year}-{seq:04d}"
        row = values | {"number": number, "year": year, "seq": seq, "unit_id": u["id"],
                        "applicant_id": person["id"] if person else None, "start": first.isoformat(),
                        "end": last.isoformat(), "end_due_at": to_iso(rules.end_due(last, tz)), "status": "applied",
                        "applied_at": to_iso(now), "applied_by": s.actor, "updated_at": to_iso(now)}
        row["id"] = q.insert(s.db, row)
        q.insert_docs(s.db, row["id"], rules.DOCS)
        s.record("renovation", number, "apply", None,
                 {k: row[k] for k in ("contractor", "manager", "workers", "start", "end")} | {
                     "unit": u["code"], "applicant": person["name"] if person else None})
    return get_renovation(s, number)


def _applicant(s, u: dict, ref) -> dict | None:
    """The person applying: given, or the unit's one current owner."""
    from pmcs.services.people import get_person
    from pmcs.store.registry import unit_people

    if ref:
        return get_person(s, ref)
    owners = [p for p in unit_people(s.db, u["id"]) if p["role"] == "owner" and not p["end"]]
    return {"id": owners[0]["person_id"], "name": owners[0]["name"]} if len(owners) == 1 else None


def _move(s, ref: str, action: str) -> tuple[dict, str]:
    r = get_renovation(s, ref)
    return r, rules.move(r, action)


def _doc(s, ref: str, doc: str, action: str):
    r, _ = _move(s, ref, action)
    return r, rules.find_doc(q.docs(s.db, r["id"]), doc)


def tick_doc(s, ref: str, doc: str) -> dict:
    with s.write():
        r, d = _doc(s, ref, doc, "tick")
        changes = {"state": "done", "reason": None, "by": s.actor, "at": s.now_iso()}
        q.update_doc(s.db, d["id"], changes)
        s.record("renovation", r["number"], "tick", {"state": d["state"]}, {"doc": d["code"], "state": "done"})
    return d | changes | {"number": r["number"]}


def waive_doc(s, ref: str, doc: str, reason: str) -> dict:
    text = _text("reason", reason, required=False, spec=_NOTE)
    if not text:
        raise UserError("error.reason_required", action="waive")
    with s.write():
        r, d = _doc(s, ref, doc, "waive")
        if d["state"] == "done":
            raise NotAllowed("error.handover_waive_done", item=d["code"])
        changes = {"state": "waived", "reason": text, "by": s.actor, "at": s.now_iso()}
        q.update_doc(s.db, d["id"], changes)
        s.record("renovation", r["number"], "waive", {"state": d["state"]},
                 {"doc": d["code"], "state": "waived", "reason": text})
    return d | changes | {"number": r["number"]}


def approve(s, ref: str, note=None) -> dict:
    note = _text("note", note, required=False, spec=_NOTE)
    with s.write():
        r, status = _move(s, ref, "approve")
        missing = rules.missing_docs(q.docs(s.db, r["id"]))
        if missing:
            raise NotAllowed("error.renovation_docs_missing", hint="hint.renovation_docs", ref=r["number"],
                             docs=_t("handover.list_sep").join(label_of(d) for d in missing))
        now, by = s.now_iso(), s.actor
        q.update(s.db, r["id"], {"status": status, "approved_at": now, "approved_by": by, "updated_at": now})
        s.record("renovation", r["number"], "approve", {"status": r["status"]}, {"status": status, "note": note})
    return get_renovation(s, r["number"])


def start_works(s, ref: str) -> dict:
    """开工: the works begin; the unit shows as renovating until a passed acceptance."""
    from pmcs.services.units import edit_unit

    with s.write():
        r, status = _move(s, ref, "start")
        unit_status = current_unit_status(s.db, r["unit_id"])
        now = s.now_iso()
        q.update(s.db, r["id"], {"status": status, "started_at": now, "started_by": s.actor, "updated_at": now,
                                 "unit_status_before": unit_status})
        if unit_status != "renovating":
            edit_unit(s, r["unit"], status="renovating")
        s.record("renovation", r["number"], "start_works", {"status": r["status"]}, {"status": status})
    return get_renovation(s, r["number"])


def inspect(s, ref: str, *, note=None, violation=None, deduction=None) -> dict:
    """A patrol: a note, and any violation with the amount deducted from the deposit."""
    note = _text("note", note, required=False, spec=_NOTE)
    violation = _text("violation", violation, required=False, spec=_NOTE)
    fen = rules.parse_yuan(deduction, "deduction") if deduction not in (None, "") else 0
    if not note and not violation:
        raise UserError("error.renovation_inspect_empty")
    if fen and not violation:
        raise UserError("error.renovation_deduction_needs_violation")
    with s.write():
        r, _ = _move(s, ref, "inspect")
        row = {"renovation_id": r["id"], "at": s.now_iso(), "by": s.actor, "note": note, "violation": violation,
               "deduction_fen": fen}
        q.insert_inspection(s.db, row)
        after = {"note": note, "violation": violation}
        if fen:
            after |= {"deduction_yuan": rules.plain_yuan(fen), "deductions_total_yuan":
                      rules.plain_yuan(r["deductions_fen"] + fen)}
        s.record("renovation", r["number"], "inspect", None, after)
    return get_renovation(s, r["number"])


def extend(s, ref: str, to) -> dict:
    day = parse_date(str(to or ""), "to")
    with s.write():
        r, _ = _move(s, ref, "extend")
        if day.isoformat() <= r["end"]:
            raise UserError("error.renovation_extend_earlier", ref=r["number"], end=r["end"], value=day.isoformat())
        rules.check_period(parse_date(r["start"]), day)
        changes = {"end": day.isoformat(), "end_due_at": to_iso(rules.end_due(day, local_zone())),
                   "updated_at": s.now_iso()}
        q.update(s.db, r["id"], changes)
        s.record("renovation", r["number"], "extend", {"end": r["end"]}, {"end": day.isoformat()})
    return get_renovation(s, r["number"])


def accept(s, ref: str, passed: bool, *, note=None, date=None) -> dict:
    """验收: passed → the deposit is due back 7 working days later (SLA renovation.refund); failed → fix and
    accept again. ``date``: the day the acceptance took place (default today)."""
    from pmcs.services.calendar import calendar, sla_table
    from pmcs.services.units import edit_unit

    note = _text("note", note, required=False, spec=_NOTE)
    tz = local_zone()
    day = parse_date(str(date), "date") if date else s.today()
    if day > s.today():
        raise UserError("error.handover_future_date", field="date", value=day.isoformat())
    when = _refund_start(day, s.now(), tz)
    with s.write():
        r, status = _move(s, ref, "accept_passed" if passed else "accept_failed")
        began = min(r["start"], _local_day(r["started_at"]) or r["start"])
        if day.isoformat() < began:
            raise UserError("error.renovation_accept_before_start", ref=r["number"], start=began)
        if r["accepted_on"] and day.isoformat() < r["accepted_on"]:  # after a failed one: not before it
            raise UserError("error.renovation_accept_before_last", ref=r["number"], last=r["accepted_on"])
        now = s.now_iso()
        due = to_iso(rules.refund_due(when, sla_table=sla_table(s), calendar=calendar(s), tz=tz)) if passed else None
        q.update(s.db, r["id"], {"status": status, "accepted_on": day.isoformat(), "accepted_at": now,
                                 "accepted_by": s.actor, "acceptance_note": note, "refund_due_at": due,
                                 "updated_at": now})
        unit_status = current_unit_status(s.db, r["unit_id"])
        if passed and unit_status == "renovating":
            edit_unit(s, r["unit"], status=r["unit_status_before"] if r["unit_status_before"] not in (
                None, "renovating") else "handed_over")
        s.record("renovation", r["number"], "accept", {"status": r["status"]},
                 {"status": status, "date": day.isoformat(), "refund_due_at": due, "note": note})
    return get_renovation(s, r["number"])


def recount_deadlines(s, old, new, since: str) -> list[str]:
    """The working-day calendar changed (services/deadlines.py): deposit refunds due at or after
    ``since`` counted again from the acceptance, as accept() counted them."""
    from datetime import date as date_

    from pmcs.services.calendar import sla_table
    from pmcs.services.deadlines import exact
    from pmcs.services.session import from_iso

    tz, table = local_zone(), sla_table(s)
    moved: list[str] = []
    for r in q.refunds_due_from(s.db, since):
        when = _refund_start(date_.fromisoformat(r["accepted_on"]), from_iso(r["accepted_at"]), tz)
        due = exact(r["refund_due_at"], lambda cal, when=when: rules.refund_due(
            when, sla_table=table, calendar=cal, tz=tz), old, new)
        if due:
            q.update(s.db, r["id"], {"refund_due_at": due})
            s.record("renovation", r["number"], "recount", {"refund_due_at": r["refund_due_at"]},
                     {"refund_due_at": due})
            moved.append(r["number"])
    return moved


def _refund_start(day, recorded: datetime, tz) -> datetime:
    """Where the refund's working days count from: the moment the acceptance was recorded when
    it took place that day, else the end (18:00) of the day it took place."""
    return recorded if recorded.astimezone(tz).date() == day else datetime.combine(day, rules.END_OF_DAY, tz)


def _local_day(iso: str | None) -> str | None:
    from pmcs.services.session import from_iso

    return from_iso(iso).astimezone(local_zone()).date().isoformat() if iso else None


def _t(key: str, **kw) -> str:
    from pmcs.i18n import t

    return t(key, **kw)


def refund_preview(s, ref: str) -> dict:
    r = get_renovation(s, ref)
    rules.move(r, "refund")
    amounts = rules.refund_amount(r["deposit_fen"], r["deductions_fen"])
    return {"number": r["number"], "unit": r["unit"], "deposit_fen": amounts.deposit,
            "deductions_fen": amounts.deductions, "refund_fen": amounts.amount, "shortfall_fen": amounts.shortfall,
            "violations": len([i for i in q.inspections(s.db, r["id"]) if i["deduction_fen"]])}


def refund(s, ref: str, expected_fen: int | None = None) -> dict:
    """退还保证金: deposit − deductions. ``expected_fen`` (the amount the clerk confirmed) must still hold."""
    with s.write():
        preview = refund_preview(s, ref)
        if expected_fen is not None and expected_fen != preview["refund_fen"]:
            raise UserError("error.renovation_refund_changed", ref=preview["number"])
        r, status = _move(s, ref, "refund")
        now = s.now_iso()
        q.update(s.db, r["id"], {"status": status, "refund_fen": preview["refund_fen"], "refunded_at": now,
                                 "refunded_by": s.actor, "updated_at": now})
        s.record("renovation", r["number"], "refund", {"status": r["status"]},
                 {"status": status, "deposit_yuan": rules.plain_yuan(preview["deposit_fen"]),
                  "deductions_yuan": rules.plain_yuan(preview["deductions_fen"]),
                  "refund_yuan": rules.plain_yuan(preview["refund_fen"])})
    return preview | {"status": status}


def close(s, ref: str) -> dict:
    with s.write():
        r, status = _move(s, ref, "close")
        _no_passes_out(s, r)
        now = s.now_iso()
        q.update(s.db, r["id"], {"status": status, "closed_at": now, "closed_by": s.actor, "updated_at": now})
        s.record("renovation", r["number"], "close", {"status": r["status"]}, {"status": status})
    return get_renovation(s, r["number"])


def cancel(s, ref: str, reason: str) -> dict:
    text = _text("reason", reason, required=False, spec=_NOTE)
    if not text:
        raise UserError("error.reason_required", action="cancel")
    with s.write():
        r, status = _move(s, ref, "cancel")
        _no_passes_out(s, r)
        if r["deposit_fen"]:
            raise NotAllowed("error.renovation_cancel_deposit", hint="hint.renovation_cancel_deposit",
                             ref=r["number"], amount=rules.yuan(r["deposit_fen"]), plain=rules.plain_yuan(r["deposit_fen"]))
        now = s.now_iso()
        q.update(s.db, r["id"], {"status": status, "cancel_reason": text, "closed_at": now, "closed_by": s.actor,
                                 "updated_at": now})
        s.record("renovation", r["number"], "cancel", {"status": r["status"]}, {"status": status, "reason": text})
    return get_renovation(s, r["number"])


def _no_passes_out(s, r: dict) -> None:
    out = [p["number"] for p in q.passes(s.db, r["id"]) if not p["returned_at"]]
    if out:
        raise NotAllowed("error.renovation_passes_out", hint="hint.renovation_pass_return", ref=r["number"],
                         numbers=", ".join(out))


# reading ----------------------------------------------------------------------------
def list_renovations(s, *, active=False, overdue=False, unit=None, status=None, limit=0) -> list[dict]:
    from pmcs.i18n import parse_choice
    from pmcs.services.units import get_unit

    states = rules.ACTIVE if active else None
    if status:
        states = (parse_choice("renovation_status", status, "status"),)
    unit_id = get_unit(s, unit)["id"] if unit else None
    rows = q.list_renovations(s.db, now=s.now_iso(), states=states, overdue=overdue, unit_id=unit_id, limit=limit)
    now = s.now_iso()
    for r in rows:
        r["overdue"] = overdue_reason(r, now)
    return rows


def overdue_reason(r: dict, now: str) -> str | None:
    if r["status"] == "passed" and r["refund_due_at"] and r["refund_due_at"] < now and r["deposit_fen"] > 0:
        return "refund"
    if r["status"] in rules.WORKING and r["end_due_at"] < now:
        return "overrun"
    return None


def show(s, ref: str) -> dict:
    from pmcs.services.handover import staff_names

    r = get_renovation(s, ref)
    names = staff_names(s)
    r["docs"] = q.docs(s.db, r["id"])
    r["fees"] = q.fees(s.db, r["id"])
    r["passes"] = q.passes(s.db, r["id"])
    r["inspections"] = q.inspections(s.db, r["id"])
    for group in ("docs", "fees", "passes", "inspections"):
        for row in r[group]:
            for k in ("by", "issued_by"):
                if row.get(k):
                    row[k + "_name"] = names.get(row[k], row[k])
    amounts = rules.refund_amount(r["deposit_fen"], r["deductions_fen"])
    r["refund_preview_fen"] = amounts.amount
    r["shortfall_fen"] = amounts.shortfall
    r["overdue"] = overdue_reason(r, s.now_iso())
    r["names"] = names
    return r


@provider("refund")
def due_refunds(s, until_iso: str):
    from pmcs.i18n import t

    for r in q.due_refunds(s.db, until_iso):
        amount = rules.refund_amount(r["deposit_fen"], r["deductions_fen"]).amount
        yield DueItem(kind="refund", ref=r["number"], what=t("renovation.due_refund", amount=rules.yuan(amount)),
                      unit=r["unit"], owner=r["accepted_by"] or r["applied_by"], due_at=r["refund_due_at"])


@provider("renovation")
def due_overruns(s, until_iso: str):
    from pmcs.i18n import t

    for r in q.due_overruns(s.db, until_iso):
        yield DueItem(kind="renovation", ref=r["number"], what=t("renovation.due_overrun", end=r["end"]),
                      unit=r["unit"], owner=r["approved_by"] or r["applied_by"], due_at=r["end_due_at"])
