"""Recurring office duties: the next occurrence is due until it is done."""
from __future__ import annotations

from datetime import date

from pmcs.clock import local_zone
from pmcs.core.duties import due_moment, first_due, occurrence_after, parse_rule
from pmcs.core.fields import parse_date
from pmcs.core.reminders import DueItem
from pmcs.errors import NotFound, UserError
from pmcs.services.reminders import provider
from pmcs.services.session import to_iso
from pmcs.store import office as q


def duty_label(name: str) -> str:
    """Built-in duties have catalogued names; the clerk's own show as typed."""
    from pmcs.i18n import t

    key = f"duty.{name}"
    text = t(key)
    return name if text == key else text


def seed_defaults(s) -> int:
    """The manuals' duties, starting today (called by init and demo)."""
    added = 0
    for name, rule in q.DEFAULT_DUTIES:
        if q.duty_by_name(s.db, name) is None:
            _insert(s, name, rule, None, s.today())
            added += 1
    return added


def _insert(s, name, rule, owner, start: date) -> dict:
    first = first_due(rule, start, start)
    now = s.now_iso()
    row = {"name": name, "rrule": rule, "owner": owner, "anchor": start.isoformat(),
           "next_due": first.isoformat(), "active": 1, "created_at": now, "updated_at": now}
    row["id"] = s.db.insert("duties", row)
    s.record("duty", name, "create", None, {"rrule": rule, "owner": owner, "next_due": row["next_due"]})
    return row


def get_duty(s, name: str) -> dict:
    text = (name or "").strip()
    duty = q.duty_by_name(s.db, text)
    if duty is None:  # accept the label in either language too (每月档案检查, 档案检查)
        from pmcs.i18n import catalog

        labels = catalog()
        hits = [d for d in q.duties(s.db, include_inactive=True)
                if any(text and (text == n or text in n) for n in labels.get(f"duty.{d['name']}", ()))]
        duty = hits[0] if len(hits) == 1 else None
    if duty is None:
        raise NotFound("error.duty_not_found", hint="hint.duty_list", name=text)
    return duty


def add_duty(s, name: str, rrule: str, owner=None, start=None) -> dict:
    from pmcs.services.staff import staff_code as _staff_code

    name = (name or "").strip()
    if not name or len(name) > 60:
        raise UserError("error.required", field="name")
    rule = parse_rule(rrule)
    begin = parse_date(start, "start") if start else s.today()
    with s.write():
        if q.duty_by_name(s.db, name):
            raise UserError("error.exists", what=name, ref="")
        return _insert(s, name, rule, _staff_code(s, owner) if owner else None, begin)


def edit_duty(s, name: str, *, rrule=None, owner=None, active=None) -> dict:
    from pmcs.services.staff import staff_code as _staff_code

    rule = parse_rule(rrule) if rrule else None
    with s.write():
        duty = get_duty(s, name)
        changes = {}
        if rule and rule != duty["rrule"]:
            changes["rrule"] = rule
            changes["next_due"] = first_due(rule, s.today(), date.fromisoformat(duty["anchor"])).isoformat()
        if owner:
            changes["owner"] = _staff_code(s, owner)
        if active is not None and int(active) != duty["active"]:
            changes["active"] = int(active)
        if not changes:
            raise UserError("error.nothing_to_change")
        s.db.update("duties", duty["id"], changes | {"updated_at": s.now_iso()})
        s.record("duty", duty["name"], "update", {k: duty[k] for k in changes}, changes)
        return duty | changes


def done_duty(s, name: str, note=None, *, force: bool = False) -> dict:
    """Record the current occurrence done; the next one becomes due. An occurrence due after
    the next working day is refused unless ``force``: run twice, `duty done` would otherwise mark
    next month's check done a month early without a word; what `remind` lists (by default up to
    the end of the next working day, e.g. Saturday's on Friday) may be done."""
    from pmcs.services.calendar import calendar

    with s.write():
        duty = get_duty(s, name)
        due = date.fromisoformat(duty["next_due"])
        if due > calendar(s).add_workdays(s.today(), 1) and not force:
            _refuse_early(s, duty)
        nxt = occurrence_after(duty["rrule"], due, date.fromisoformat(duty["anchor"]))
        s.db.insert("duty_log", {"duty_id": duty["id"], "due_date": duty["next_due"], "done_at": s.now_iso(),
                                 "actor": s.actor, "note": note})
        if nxt is None:  # the rule has run out (UNTIL or COUNT): done for good, no longer reminded
            changes = {"active": 0}
        else:
            changes = {"next_due": nxt.isoformat()}
        s.db.update("duties", duty["id"], changes | {"updated_at": s.now_iso()})
        s.record("duty", duty["name"], "done", {k: duty[k] for k in changes}, changes | {"note": note})
        return duty | {"done_for": duty["next_due"], "next_due": nxt.isoformat() if nxt else None}


def _refuse_early(s, duty: dict) -> None:
    from pmcs.errors import NotAllowed
    from pmcs.services.session import from_iso

    last = (q.duty_log(s.db, duty["id"], 1) or [None])[0]
    params = {"name": duty_label(duty["name"]), "due": duty["next_due"]}
    if last is None:
        raise NotAllowed("error.duty_not_due", hint="hint.duty_early", **params)
    done_at = from_iso(last["done_at"]).astimezone(local_zone()).strftime("%Y-%m-%d %H:%M")
    raise NotAllowed("error.duty_not_due_done", hint="hint.duty_early", last_due=last["due_date"], done_at=done_at,
                     **params)


def list_duties(s, include_inactive=False) -> list[dict]:
    rows = q.duties(s.db, include_inactive)
    for r in rows:
        r["label"] = duty_label(r["name"])
        r["last_done"] = (q.duty_log(s.db, r["id"], 1) or [{}])[0].get("done_at")
    return rows


@provider("duty")
def due_duties(s, until_iso: str):
    tz = local_zone()
    for d in q.duties(s.db):
        due = to_iso(due_moment(date.fromisoformat(d["next_due"]), tz))
        if due <= until_iso:
            yield DueItem(kind="duty", ref=d["name"], what=duty_label(d["name"]), unit=None, owner=d["owner"], due_at=due)
