"""Rectification orders (验收整改单): defects found at a handover inspection.

Small ones are due the same working day, large ones in 7 days (the SLA table,
key rectification.fix); after the fix the owner is revisited within 24 h
(rectification.revisit). Open orders are due items in ``pmcs remind``.
"""
from __future__ import annotations


from pmcs.clock import local_zone
from pmcs.core import handover as rules
from pmcs.core.fields import Field, clean_value, parse_date
from pmcs.core.ids import parse_numbered
from pmcs.core.reminders import DueItem
from pmcs.errors import NotFound, UserError
from pmcs.services.handover import staff_names
from pmcs.services.reminders import provider
from pmcs.services.session import from_iso, to_iso
from pmcs.store import handover as q

PREFIX = "ZG"
_TEXT = Field("text", max_len=500)
_NOTE = Field("note", max_len=500)


def _context(s) -> dict:
    from pmcs.services.calendar import calendar, sla_table

    return {"sla_table": sla_table(s), "calendar": calendar(s), "tz": local_zone()}


def get_defect(s, ref: str) -> dict:
    """By number (ZG-2026-0003, 2026-0003) or the bare number (3: the latest year's)."""
    number, seq = parse_numbered(ref, PREFIX)
    row = q.rect_by_number(s.db, number) if number else q.rect_by_seq(s.db, seq) if seq else None
    if row is None:
        raise NotFound("error.rect_not_found", hint="hint.rect_list", ref=ref)
    return row


def add_defect(s, unit: str, text: str, size: str, *, due=None, handler=None) -> dict:
    from pmcs.services.staff import get_staff
    from pmcs.services.units import get_unit

    body = clean_value(_TEXT, text)
    if not body:
        raise UserError("error.required", field="text")
    size_code = rules.clean_size(size)
    due_day = parse_date(str(due), "due") if due else None
    if due_day is not None and due_day < s.today():
        raise UserError("error.rect_due_past", value=due_day.isoformat())
    ctx = _context(s)
    with s.write():
        u = get_unit(s, unit)
        handler_code = get_staff(s, handler, active_only=True)["code"] if handler else None
        h = q.live_handover(s.db, u["id"]) or q.latest_handover(s.db, u["id"])
        now = s.now()
        year = now.astimezone(ctx["tz"]).year
        seq = q.next_rect_seq(s.db, year)
        number = f"{PREFIX}-{year}-{seq:04d}"
        due_at = to_iso(rules.fix_due(size_code, now, due_date=due_day, **ctx))
        row = {"number": number, "year": year, "seq": seq, "unit_id": u["id"], "handover_id": h["id"] if h else None,
               "text": body, "size": size_code, "handler": handler_code, "status": "open", "due_at": due_at,
               "due_given": 1 if due_day else 0,
               "recorded_at": to_iso(now), "recorded_by": s.actor, "updated_at": to_iso(now)}
        q.insert_rect(s.db, row)
        s.record("rectification", number, "create", None, {"unit": u["code"], "text": body, "size": size_code,
                                                           "handler": handler_code, "due_at": due_at})
    return get_defect(s, number)


def fix(s, ref: str, note=None) -> dict:
    note = clean_value(_NOTE, note)
    ctx = _context(s)
    with s.write():
        r = get_defect(s, ref)
        status = rules.rect_move(r, "fix")
        now = s.now()
        revisit = to_iso(rules.revisit_due(now, **ctx))
        changes = {"status": status, "fixed_at": to_iso(now), "fixed_by": s.actor, "fix_note": note,
                   "revisit_due_at": revisit, "updated_at": to_iso(now)}
        q.update_rect(s.db, r["id"], changes)
        s.record("rectification", r["number"], "fix", {"status": r["status"], "due_at": r["due_at"]},
                 {"status": status, "revisit_due_at": revisit, "note": note})
    return get_defect(s, r["number"])


def revisit(s, ref: str, verdict: str, comment=None) -> dict:
    """The owner's verdict; unsatisfied sends the order back to be fixed again, with a new deadline."""
    from pmcs.i18n import parse_choice

    code = parse_choice("verdict", verdict or "", "verdict")
    comment = clean_value(_NOTE, comment)
    ctx = _context(s)
    with s.write():
        r = get_defect(s, ref)
        status = rules.rect_move(r, "revisit_unsatisfied" if code == "unsatisfied" else "revisit")
        now = s.now()
        changes = {"status": status, "verdict": code, "comment": comment, "revisited_at": to_iso(now),
                   "revisited_by": s.actor, "updated_at": to_iso(now)}
        if status == "open":
            changes |= {"due_at": to_iso(rules.fix_due(r["size"], now, **ctx)), "due_given": 0, "fixed_at": None, "fixed_by": None,
                        "revisit_due_at": None, "reopen_count": r["reopen_count"] + 1}
        else:
            changes["closed_at"] = to_iso(now)
        q.update_rect(s.db, r["id"], changes)
        s.record("rectification", r["number"], "revisit", {"status": r["status"]},
                 {"status": status, "verdict": code, "comment": comment, "due_at": changes.get("due_at")})
    return get_defect(s, r["number"])


def recount_deadlines(s, old, new, since: str) -> list[str]:
    """The working-day calendar changed (services/deadlines.py): open orders' fixes and fixed
    orders' revisits due at or after ``since``, counted again when they came from the SLA
    (not a date given with --due)."""
    from pmcs.services.deadlines import exact

    ctx = _context(s)
    moved: list[str] = []
    for r in q.rects_due_from(s.db, since):
        if r["status"] == "fixed":
            field = "revisit_due_at"

            def count(cal, r=r):
                return rules.revisit_due(from_iso(r["fixed_at"]), **ctx | {"calendar": cal})
        elif r["due_given"]:
            continue  # a date the clerk gave stays
        else:
            field = "due_at"

            def count(cal, r=r):
                start = r["revisited_at"] if r["reopen_count"] and r["revisited_at"] else r["recorded_at"]
                return rules.fix_due(r["size"], from_iso(start), **ctx | {"calendar": cal})
        due = exact(r[field], count, old, new)
        if due:
            q.update_rect(s.db, r["id"], {field: due})
            s.record("rectification", r["number"], "recount", {field: r[field]}, {field: due})
            moved.append(r["number"])
    return moved


def due_of(r: dict) -> str | None:
    """What the order waits for next: the fix, or the revisit once fixed."""
    if r["status"] == "closed":
        return None
    return r["revisit_due_at"] if r["status"] == "fixed" else r["due_at"]


def list_defects(s, *, open_only=False, overdue=False, unit=None, limit=0) -> list[dict]:
    from pmcs.services.units import get_unit

    unit_id = get_unit(s, unit)["id"] if unit else None
    rows = q.list_rects(s.db, now=s.now_iso(), open_only=open_only, overdue=overdue, unit_id=unit_id, limit=limit)
    now = s.now_iso()
    names = staff_names(s)
    for r in rows:
        r["handler_name"] = names.get(r["handler"], r["handler"])
        r["next_due"] = due_of(r)
        r["overdue"] = bool(r["next_due"] and r["next_due"] < now)
    return rows


@provider("rectification")
def due_rectifications(s, until_iso: str):
    from pmcs.i18n import t

    for r in q.due_rects(s.db, until_iso):
        # the handler fixes; the customer-service desk that recorded the order revisits the owner
        fixed = r["status"] == "fixed"
        step = "rect.due_revisit" if fixed else "rect.due_fix"
        owner = r["recorded_by"] if fixed else r["handler"] or r["recorded_by"]
        yield DueItem(kind="rectification", ref=r["number"], what=t(step, text=_short(r["text"])), unit=r["unit"],
                      owner=owner, due_at=due_of(r))


def _short(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
