"""Staff of the office."""
from __future__ import annotations

from pmcs.core.fields import clean_record
from pmcs.core.registry import STAFF
from pmcs.services.common import check_search, before_of, public, what
from pmcs.errors import NotFound, UserError
from pmcs.store import registry as q


def get_staff(s, ref: str, *, active_only: bool = False) -> dict:
    text = (ref or "").strip()
    staff = q.staff_by_code(s.db, text) if text else None
    if staff is None and text:
        matches = q.staff_by_name(s.db, text)
        if len(matches) > 1:
            raise UserError("error.staff_ambiguous", hint="hint.staff_list", ref=text, count=len(matches))
        staff = matches[0] if matches else None
    if staff is None:
        raise NotFound("error.staff_not_found", hint="hint.staff_list", ref=text)
    if active_only and not staff["active"]:
        raise UserError("error.staff_inactive", hint="hint.staff_list", ref=staff["code"])
    return staff


def add_staff(s, **values) -> dict:
    record = clean_record(STAFF, {k: v for k, v in values.items() if v is not None})
    with s.write():
        code = (record.get("code") or "").upper() or q.next_staff_code(s.db)
        if q.staff_by_code(s.db, code):
            raise UserError("error.exists", what=what("staff"), ref=code)
        now = s.now_iso()
        row = {"code": code, "name": record["name"], "team": record["team"], "role": record.get("role") or "staff",
               "phone": record.get("phone"), "active": 1, "created_at": now, "updated_at": now}
        row["id"] = s.db.insert("staff", row)
        s.record("staff", code, "create", None, public(row))
    return row


def edit_staff(s, ref: str, **values) -> dict:
    changes = clean_record(STAFF, {k: v for k, v in values.items() if v is not None}, partial=True)
    changes.pop("code", None)
    if "role" in changes and changes["role"] is None:
        from pmcs.errors import FieldError

        raise FieldError("role", "error.required")
    if not changes:
        raise UserError("error.nothing_to_change")
    with s.write():
        staff = get_staff(s, ref)
        changes = {k: v for k, v in changes.items() if staff.get(k) != v}
        if changes:
            changes["updated_at"] = s.now_iso()
            s.db.update("staff", staff["id"], changes)
            s.record("staff", staff["code"], "update", before_of(staff, changes), public(changes))
            staff |= changes
    return staff


def deactivate_staff(s, ref: str) -> dict:
    with s.write():
        staff = get_staff(s, ref)
        if staff["active"]:
            s.db.update("staff", staff["id"], {"active": 0, "updated_at": s.now_iso()})
            s.record("staff", staff["code"], "deactivate", {"active": 1}, {"active": 0})
            staff["active"] = 0
    return staff


def list_staff(s, **filters) -> list[dict]:
    return q.list_staff(s.db, **filters)


def list_filters(*, team=None, role=None, search=None) -> dict:
    from pmcs.core.fields import clean_value

    out: dict = {}
    if team:
        out["team"] = clean_value(STAFF.get("team"), team)
    if role:
        out["role"] = clean_value(STAFF.get("role"), role)
    if search:
        out["search"] = check_search(search)
    return out


def staff_code(s, ref: str) -> str:
    """An active staff member's code, from a code or a name."""
    return get_staff(s, ref, active_only=True)["code"]


def staff_filter(s, ref: str) -> str:
    """The code of the staff member a list is filtered by: someone who has left may be
    named (work is given to active staff only, but what they did is still listed)."""
    return get_staff(s, ref)["code"]
