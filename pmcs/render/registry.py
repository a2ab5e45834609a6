"""Units, people and staff on screen. Masks personal data unless revealed."""
from __future__ import annotations

import json
import sys

from pmcs.core.ids import mask_id, mask_phone
from pmcs.i18n import label, t
from pmcs.render.output import emit_rows, key_values, line, table

UNIT_LIST = ("code", "building", "entrance", "floor", "area", "type", "status")
PERSON_LIST = ("ref", "name", "phone", "id_number", "vip", "units")
STAFF_LIST = ("code", "name", "team", "role", "phone", "active")
_ENUMS = {"type": "unit_type", "status": "unit_status", "role": None, "team": "team"}


def columns(keys, labels: dict | None = None) -> list[tuple[str, str]]:
    """[(key, header)]; ``labels`` names another catalogue key for a header (a staff code is not a unit code)."""
    labels = labels or {}
    return [(k, t(labels.get(k, f"field.{k}"))) for k in keys]


def shown(row: dict, fmt: str, *, reveal: bool = False, enums: dict | None = None) -> dict:
    """A row ready to show: enum labels in tables, personal data masked unless revealed."""
    out = dict(row)
    if not reveal:
        for k in ("phone", "phone2"):
            if k in out:
                out[k] = mask_phone(out[k])
        if "id_number" in out:
            out["id_number"] = mask_id(out["id_number"])
    if fmt == "table":
        for k, enum in (enums or {}).items():
            if k in out:
                out[k] = label(enum, out[k])
        for k in ("vip", "active"):
            if k in out and out[k] is not None:
                out[k] = t("yes") if out[k] else ""
    return out


def list_units(rows, fmt):
    emit_rows([shown(r, fmt, enums={"type": "unit_type", "status": "unit_status"}) for r in rows],
              columns(UNIT_LIST), fmt, footer=t("unit.count", count=len(rows)))


def list_people(rows, fmt, reveal):
    for r in rows:
        if fmt == "table" and r.get("units"):
            r["units"] = " ".join(_link_label(x) for x in r["units"].split(" "))
    emit_rows([shown(r, fmt, reveal=reveal) for r in rows], columns(PERSON_LIST), fmt,
              footer=t("person.count", count=len(rows)))


def list_staff(rows, fmt, reveal):
    emit_rows([shown(r, fmt, reveal=reveal, enums={"team": "team", "role": "staff_role"}) for r in rows],
              columns(STAFF_LIST, {"code": "field.staff_code"}), fmt, footer=t("staff.count", count=len(rows)))


def show_unit(unit: dict, *, reveal: bool, fmt: str) -> None:
    people = [shown(p, fmt, reveal=reveal, enums={"role": "link_role"}) for p in unit.pop("people")]
    for p in people:
        p["ref"] = f"P{p['person_id']:05d}"
    if fmt == "json":
        _json(shown(unit, fmt) | {"people": [_strip(p) for p in people]})
        return
    u = shown(unit, fmt, enums={"type": "unit_type", "status": "unit_status"})
    key_values(t("unit.title", code=u["code"]), [(t(f"field.{k}"), u.get(k)) for k in UNIT_LIST[1:]])
    if people:
        table(people, columns(("ref", "name", "role", "phone", "start", "end", "vip")))
    else:
        line(t("unit.no_people"))


def show_person(person: dict, *, reveal: bool, fmt: str) -> None:
    links = [shown(x, fmt, enums={"role": "link_role"}) for x in person.pop("links")]
    p = shown(person, fmt, reveal=reveal)
    if fmt == "json":
        _json(_strip(p) | {"links": [_strip(x) for x in links]})
        return
    key_values(t("person.title", ref=p["ref"], name=p["name"]),
               [(t(f"field.{k}"), p.get(k)) for k in ("phone", "phone2", "id_number", "vip", "notes")])
    if links:
        table(links, columns(("unit", "building", "role", "start", "end")))
    else:
        line(t("person.no_units"))


def _link_label(item: str) -> str:
    code, _, role = item.rpartition(":")
    return f"{code}({label('link_role', role)})"


def _strip(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("id", "person_id", "unit_id", "created_at", "updated_at")}


def _json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
