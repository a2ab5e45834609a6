"""The communication log (沟通记录): owners, the owners' committee, the developer, government, utilities."""
from __future__ import annotations

from datetime import date, datetime

from pmcs.clock import local_zone
from pmcs.core.duties import due_moment
from pmcs.core.fields import Field, clean_value, parse_date
from pmcs.core.reminders import DueItem
from pmcs.errors import FieldError, NotFound, UserError
from pmcs.services.reminders import provider
from pmcs.services.session import to_iso
from pmcs.store import office as q

PARTY = Field("party_type", kind="enum", enum="party")
CHANNEL = Field("channel", kind="enum", enum="channel")
TEXT = Field("subject", max_len=200)
LONG = Field("summary", multiline=True)


def comm_ref(cid: int) -> str:
    return f"GT{cid:05d}"


def get_comm(s, ref: str) -> dict:
    text = (ref or "").strip().upper()
    digits = text[2:] if text.startswith("GT") else text
    row = q.comm_by_id(s.db, int(digits)) if digits.isascii() and digits.isdigit() and len(digits) <= 18 else None
    if row is None:
        raise NotFound("error.comm_not_found", hint="hint.comm_list", ref=ref)
    return row | {"ref": comm_ref(row["id"])}


def add_comm(s, *, party_type, party_name, subject, summary=None, channel=None, unit=None, person=None,
             follow_up=None, owner=None) -> dict:
    from pmcs.services.staff import staff_code as _staff_code
    from pmcs.services.people import get_person
    from pmcs.services.units import get_unit

    ptype = clean_value(PARTY, party_type)
    if ptype is None:
        raise UserError("error.required", field="party_type")
    name = clean_value(Field("party_name", max_len=100), party_name)
    subj = clean_value(TEXT, subject)
    if not subj:
        raise UserError("error.required", field="subject")
    follow = parse_date(follow_up, "follow_up").isoformat() if follow_up else None
    # due (at the day's end of work) before it is even written: overdue at once
    if follow and due_moment(date.fromisoformat(follow), local_zone()) < s.now():
        raise FieldError("follow_up", "error.date_past", value=follow, today=s.today().isoformat())
    with s.write():
        u = get_unit(s, unit) if unit else None
        p = get_person(s, person) if person else None
        if not name:
            name = p["name"] if p else (u["code"] if u else None)
        if not name:
            raise UserError("error.comms_name_needed")
        row = {"party_type": ptype, "party_name": name, "unit_id": u["id"] if u else None,
               "person_id": p["id"] if p else None, "channel": clean_value(CHANNEL, channel),
               "subject": subj, "summary": clean_value(LONG, summary), "follow_up": follow,
               "owner": _staff_code(s, owner) if owner else s.actor_code(), "at": s.now_iso(), "actor": s.actor}
        row["id"] = s.db.insert("comms", row)
        ref = comm_ref(row["id"])
        s.record("comms", ref, "create", None, {k: v for k, v in row.items() if k != "id"})
    return row | {"ref": ref}


def done_comm(s, ref: str, note=None) -> dict:
    with s.write():
        row = get_comm(s, ref)
        if row["done_at"]:
            raise UserError("error.comm_done_already", ref=row["ref"])
        if not row["follow_up"]:
            raise UserError("error.comm_no_follow_up", ref=row["ref"])
        s.db.update("comms", row["id"], {"done_at": s.now_iso(), "done_note": note})
        s.record("comms", row["ref"], "done", {"done_at": None}, {"done_at": s.now_iso(), "note": note})
    return row


def list_comms(s, *, party_type=None, unit=None, open_only=False, since=None, search=None, limit=100) -> list[dict]:
    from pmcs.services.units import get_unit

    rows = q.list_comms(s.db, party_type=clean_value(PARTY, party_type) if party_type else None,
                        unit_id=get_unit(s, unit)["id"] if unit else None, open_only=open_only,
                        since=to_iso(datetime.combine(parse_date(since, "since"), datetime.min.time(), local_zone())) if since else None,
                        search=search, limit=limit)
    for r in rows:
        r["ref"] = comm_ref(r["id"])
    return rows


@provider("comms")
def due_follow_ups(s, until_iso: str):
    tz = local_zone()
    until_day = datetime.fromisoformat(until_iso.replace("Z", "+00:00")).astimezone(tz).date().isoformat()
    for r in q.due_follow_ups(s.db, until_day):
        due = to_iso(due_moment(date.fromisoformat(r["follow_up"]), tz))
        if due <= until_iso:
            yield DueItem(kind="comms", ref=comm_ref(r["id"]), what=r["subject"], unit=r["unit"], owner=r["owner"], due_at=due)
