"""Units: add, edit, find, list."""
from __future__ import annotations

from pmcs.core.fields import clean_record
from pmcs.core.registry import UNIT, clean_unit_code, complete_unit
from pmcs.services.common import check_search, before_of, public, what
from pmcs.errors import NotFound, UserError
from pmcs.store import registry as q


def get_unit(s, code: str) -> dict:
    try:
        clean = clean_unit_code(code)
    except UserError:
        raise NotFound("error.unit_not_found", hint="hint.unit_list", ref=code) from None
    unit = q.unit_by_code(s.db, clean)
    if unit is None:
        raise NotFound("error.unit_not_found", hint="hint.unit_list", ref=clean)
    return unit


def add_unit(s, **values) -> dict:
    record = complete_unit(clean_record(UNIT, {k: v for k, v in values.items() if v is not None}))
    with s.write():
        if q.unit_by_code(s.db, record["code"]):
            raise UserError("error.exists", what=what("unit"), ref=record["code"])
        now = s.now_iso()
        row = {c: record.get(c) for c in q.UNIT_COLS} | {"created_at": now, "updated_at": now}
        row["id"] = s.db.insert("units", row)
        s.record("unit", record["code"], "create", None, public(row))
    return row


def edit_unit(s, code: str, **values) -> dict:
    changes = clean_record(UNIT, {k: v for k, v in values.items() if v is not None}, partial=True)
    for key in ("type", "status"):  # these always have a value; clearing them is a mistake
        if key in changes and changes[key] is None:
            from pmcs.errors import FieldError

            raise FieldError(key, "error.required")
    if not changes:
        raise UserError("error.nothing_to_change")
    with s.write():
        unit = get_unit(s, code)
        if "code" in changes and changes["code"] != unit["code"] and q.unit_by_code(s.db, changes["code"]):
            raise UserError("error.exists", what=what("unit"), ref=changes["code"])
        changes = {k: v for k, v in changes.items() if unit.get(k) != v}
        if changes:
            changes["updated_at"] = s.now_iso()
            s.db.update("units", unit["id"], changes)
            after = unit | changes
            s.record("unit", unit["code"], "update", before_of(unit, changes), public(changes))
            unit = after
    return unit


def list_units(s, **filters) -> list[dict]:
    return q.list_units(s.db, **filters)


def show_unit(s, code: str) -> dict:
    unit = get_unit(s, code)
    unit["people"] = q.unit_people(s.db, unit["id"])
    return unit


def list_filters(*, building=None, status=None, type_=None, search=None) -> dict:
    """Filters as typed by the clerk (codes or Chinese labels) → stored codes."""
    from pmcs.core.fields import clean_value

    out: dict = {}
    if building:
        out["building"] = building.strip().upper()
    if status:
        out["status"] = clean_value(UNIT.get("status"), status)
    if type_:
        out["type_"] = clean_value(UNIT.get("type"), type_)
    if search:
        out["search"] = check_search(search).upper()
    return out
