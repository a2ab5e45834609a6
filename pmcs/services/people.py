"""People and their links to units."""
from __future__ import annotations

from pmcs.core.fields import clean_record, clean_value
from pmcs.core.ids import born_after
from pmcs.core.registry import LINK, PERSON, check_link_dates
from pmcs.services.common import check_search, before_of, public
from pmcs.errors import FieldError, NotFound, UserError
from pmcs.i18n import label
from pmcs.services.units import get_unit
from pmcs.store import registry as q


def get_person(s, ref: str) -> dict:
    """A person by P-number, ID number, or a name that matches exactly one person."""
    text = (ref or "").strip()
    pid = q.parse_person_ref(text)
    person = q.person_by_id(s.db, pid) if pid is not None else None
    if person is None and pid is None:
        person = q.person_by_id_number(s.db, text.upper()) if len(text) == 18 else None
        if person is None:
            matches = q.people_by_name(s.db, text)
            if len(matches) > 1:
                raise UserError("error.person_ambiguous", hint="hint.person_list", ref=text, count=len(matches))
            person = matches[0] if matches else None
    if person is None:
        raise NotFound("error.person_not_found", hint="hint.person_list", ref=text)
    person["ref"] = q.person_ref(person["id"])
    return person


def add_person(s, *, unit=None, role=None, start=None, **values) -> dict:
    values = {k: v for k, v in values.items() if v is not None}
    values.pop("ref", None)
    record = clean_record(PERSON, values)
    link = _clean_link(unit, role, start) if unit else None
    with s.write():
        _check_id_free(s, record.get("id_number"), None)
        now = s.now_iso()
        row = {c: record.get(c) for c in q.PERSON_COLS} | {"created_at": now, "updated_at": now}
        row["vip"] = 1 if row["vip"] else 0
        row["id"] = s.db.insert("people", row)
        ref = q.person_ref(row["id"])
        s.record("person", ref, "create", None, public(row))
        if link:
            _link(s, row["id"], ref, link)
    row["ref"] = ref
    return row


def edit_person(s, ref: str, **values) -> dict:
    changes = clean_record(PERSON, {k: v for k, v in values.items() if v is not None}, partial=True)
    changes.pop("ref", None)
    if "vip" in changes:
        changes["vip"] = 1 if changes["vip"] else 0
    if not changes:
        raise UserError("error.nothing_to_change")
    with s.write():
        person = get_person(s, ref)
        _check_id_free(s, changes.get("id_number"), person["id"])
        changes = {k: v for k, v in changes.items() if person.get(k) != v}
        if changes:
            changes["updated_at"] = s.now_iso()
            s.db.update("people", person["id"], changes)
            s.record("person", person["ref"], "update", before_of(person, changes), public(changes))
            person |= changes
    return person


def link_person(s, ref: str, unit: str, role: str, start=None) -> dict:
    link = _clean_link(unit, role, start)
    with s.write():
        person = get_person(s, ref)
        return _link(s, person["id"], person["ref"], link)


def unlink_person(s, ref: str, unit: str, role=None, end=None) -> dict:
    role = clean_value(LINK.get("role"), role) if role else None
    end = clean_value(LINK.get("end"), end) if end else s.today().isoformat()
    with s.write():
        person = get_person(s, ref)
        u = get_unit(s, unit)
        link = q.find_link(s.db, person["id"], u["id"], role)
        if link is None:
            raise NotFound("error.link_not_found", person=person["ref"], unit=u["code"])
        check_link_dates(link["start"], end)
        s.db.update("person_units", link["id"], {"end": end})
        s.record("person", person["ref"], "unlink", {"unit": u["code"], "role": link["role"], "end": None}, {"unit": u["code"], "role": link["role"], "end": end})
    return {"ref": person["ref"], "unit": u["code"], "end": end}


def list_people(s, **filters) -> list[dict]:
    rows = q.list_people(s.db, **filters)
    for r in rows:
        r["ref"] = q.person_ref(r["id"])
    return rows


def show_person(s, ref: str) -> dict:
    person = get_person(s, ref)
    person["links"] = q.person_links(s.db, person["id"])
    return person


def _clean_link(unit, role, start, end=None) -> dict:
    link = clean_record(LINK, {"unit": unit, "role": (role or "").strip() or "owner", "start": start, "end": end})
    if link.get("unit") is None:
        raise FieldError("unit", "error.required")
    check_link_dates(link.get("start"), link.get("end"))
    return link


def _link(s, pid: int, ref: str, link: dict) -> dict:
    u = get_unit(s, link["unit"])
    if q.find_link(s.db, pid, u["id"], link["role"]):
        raise UserError("error.link_exists", person=ref, unit=u["code"], role=label("link_role", link["role"]))
    row = {"person_id": pid, "unit_id": u["id"], "role": link["role"], "start": link.get("start"),
           "end": link.get("end"), "created_at": s.now_iso()}
    row["id"] = s.db.insert("person_units", row)
    s.record("person", ref, "link", None, {"unit": u["code"], "role": link["role"], "start": link.get("start"), "end": link.get("end")})
    return {"ref": ref, "unit": u["code"], "role": link["role"]}


def _check_id_free(s, id_number, own_id) -> None:
    """A real birth date (not after today) and nobody else's number."""
    if not id_number:
        return
    if born_after(id_number, s.today()):
        raise FieldError("id_number", "error.id_birth", value=id_number)
    other = q.person_by_id_number(s.db, id_number)
    if other and other["id"] != own_id:
        raise UserError("error.id_taken", field="id_number", ref=q.person_ref(other["id"]))



__all__ = ["get_person", "add_person", "edit_person", "link_person", "unlink_person", "list_people", "show_person"]


def list_filters(*, search=None, unit=None, building=None, role=None) -> dict:
    """Filters as typed by the clerk (codes or Chinese labels) → stored values."""
    from pmcs.core.registry import clean_unit_code

    out: dict = {}
    if search:
        out["search"] = check_search(search)
    if unit:
        out["unit"] = clean_unit_code(unit, "unit")
    if building:
        out["building"] = building.strip().upper()
    if role:
        out["role"] = clean_value(LINK.get("role"), role)
    return out
