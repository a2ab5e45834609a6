"""Move-in handovers (入伙/交楼): the checklist template, and one unit's handover
from start through ticks and waivers to completion.

Rules in core/handover.py, SQL in store/handover.py. Every change is one
transaction with its events (entity "handover", ref = the unit code, so
``pmcs history 3-2-1502`` shows the handover with the unit).
"""
from __future__ import annotations

from pmcs.core import handover as rules
from pmcs.core.fields import Field, clean_value, parse_date
from pmcs.errors import NotAllowed, NotFound, UserError
from pmcs.services.common import what
from pmcs.store import handover as q

label_of = rules.label_of

TEMPLATE_REF = "handover_template"
_TEXT = Field("text", max_len=200)


def staff_names(s) -> dict[str, str]:
    return q.staff_names(s.db)


# the template ---------------------------------------------------------------------
def template_list(s, include_inactive: bool = False) -> list[dict]:
    return rules.ordered(q.template(s.db, include_inactive))


def template_add(s, code: str, *, label_zh=None, label_en=None, section="other", kind="check", copies=1,
                 optional=False, note_zh=None, note_en=None) -> dict:
    from pmcs.i18n import parse_choice

    code = rules.clean_code(code)
    zh = clean_value(_TEXT, label_zh)
    en = clean_value(_TEXT, label_en)
    if not zh and not en:
        raise UserError("error.handover_label_needed")
    item = {"code": code, "label_zh": zh or en, "label_en": en or zh,
            "section": parse_choice("handover_section", section or "other", "section"),
            "kind": parse_choice("item_kind", kind or "check", "kind"), "copies": rules.clean_copies(copies),
            "required": 0 if optional else 1, "note_zh": clean_value(_TEXT, note_zh), "note_en": clean_value(_TEXT, note_en)}
    with s.write():
        current = q.template_item(s.db, code)
        if current and current["active"]:
            raise UserError("error.exists", what=what("handover_item"), ref=code)
        item["position"] = q.next_position(s.db)
        q.save_template_item(s.db, item, s.now_iso())
        s.record("handover_template", TEMPLATE_REF, "add_item", None, {k: v for k, v in item.items() if v is not None})
    return q.template_item(s.db, code)


def template_remove(s, code: str) -> dict:
    clean = (code or "").strip().lower()
    with s.write():
        item = q.template_item(s.db, clean)
        if item is None or not item["active"]:
            raise NotFound("error.handover_no_template_item", hint="hint.handover_template", item=code)
        q.deactivate_template_item(s.db, clean, s.now_iso())
        s.record("handover_template", TEMPLATE_REF, "remove_item", {"code": clean, "label": item["label_zh"]}, None)
    return item


# one unit's handover ----------------------------------------------------------------
def _unit(s, code: str) -> dict:
    from pmcs.services.units import get_unit

    return get_unit(s, code)


def _date(s, text, field: str = "date") -> str:
    if not text:
        return s.today().isoformat()
    day = parse_date(str(text), field)
    if day > s.today():
        raise UserError("error.handover_future_date", field=field, value=day.isoformat())
    return day.isoformat()


def get_handover(s, unit: str) -> dict:
    """The unit's open or completed handover."""
    u = _unit(s, unit)
    h = q.live_handover(s.db, u["id"])
    if h is None:
        raise NotFound("error.handover_none", hint="hint.handover_start", unit=u["code"])
    return h


def start(s, unit: str, owner: str, date=None) -> dict:
    from pmcs.services.people import get_person
    from pmcs.store.registry import person_ref

    day = _date(s, date)
    with s.write():
        u = _unit(s, unit)
        live = q.live_handover(s.db, u["id"])
        if live is not None:
            key = "error.handover_done_already" if live["status"] == "completed" else "error.handover_open_already"
            raise NotAllowed(key, unit=u["code"], date=live["date"], owner=live["owner_name"])
        if u["status"] in rules.HANDED_OVER_STATUSES:
            from pmcs.i18n import label

            raise NotAllowed("error.handover_unit_status", unit=u["code"], status=label("unit_status", u["status"]))
        person = get_person(s, owner)
        now = s.now_iso()
        row = {"unit_id": u["id"], "person_id": person["id"], "status": "open", "date": day, "started_at": now,
               "started_by": s.actor, "updated_at": now}
        row["id"] = q.insert_handover(s.db, row)
        q.copy_template(s.db, row["id"])
        s.record("handover", u["code"], "start", None, {"owner": person_ref(person["id"]), "name": person["name"],
                                                        "date": day, "items": len(q.checks(s.db, row["id"]))})
    return get_handover(s, u["code"])


def _open_item(s, unit: str, item: str, action: str):
    h = get_handover(s, unit)
    rules.handover_move(h, action)
    return h, rules.find_item(q.checks(s.db, h["id"]), item)


def tick(s, unit: str, item: str, value=None, note=None) -> dict:
    note = clean_value(_TEXT, note)
    with s.write():
        h, check = _open_item(s, unit, item, "tick")
        previous = None
        if check["kind"] == "reading":
            prev = q.previous_reading(s.db, h["unit_id"], check["code"], h["id"])
            previous = rules.parse_reading(repr(prev)) if prev is not None else None
        clean = rules.clean_value(check, value, previous)
        now, by = s.now_iso(), s.actor
        changes = {"state": "done", "value": clean, "reason": None, "note": note, "by": by, "at": now}
        q.update_check(s.db, check["id"], changes)
        if check["kind"] == "reading":
            q.save_reading(s.db, {"unit_id": h["unit_id"], "meter": check["code"], "reading": float(clean),
                                  "read_on": s.today().isoformat(), "recorded_at": now, "recorded_by": by,
                                  "handover_id": h["id"]})
        before, after = {"state": check["state"]}, {"item": check["code"], "state": "done", "note": note}
        if check["kind"] != "check":
            before["value"], after["value"] = check["value"], clean
        s.record("handover", h["unit"], "tick", before, after)
    return check | changes


def waive(s, unit: str, item: str, reason: str) -> dict:
    with s.write():
        h, check = _open_item(s, unit, item, "waive")
        text = rules.plan_waive(check, clean_value(_TEXT, reason))
        changes = {"state": "waived", "value": None, "reason": text, "by": s.actor, "at": s.now_iso()}
        q.update_check(s.db, check["id"], changes)
        s.record("handover", h["unit"], "waive", {"state": check["state"]},
                 {"item": check["code"], "state": "waived", "reason": text})
    return check | changes


def complete(s, unit: str, date=None) -> dict:
    """Refused (exit 4) while a required item is open; then the unit is handed over and the owner linked."""
    from pmcs.services.people import link_person
    from pmcs.services.units import edit_unit
    from pmcs.store.registry import find_link, person_ref

    with s.write():
        h = get_handover(s, unit)
        rules.handover_move(h, "complete")
        open_items = rules.blocking(q.checks(s.db, h["id"]))
        if open_items:
            raise NotAllowed("error.handover_blocked", hint="hint.handover_blocked", unit=h["unit"],
                             count=len(open_items), items=blocking_text(q.checks(s.db, h["id"]), open_items))
        day = _date(s, date) if date else h["date"]
        if day < h["date"]:
            raise UserError("error.handover_before_start", unit=h["unit"], value=day, start=h["date"])
        now, by = s.now_iso(), s.actor
        q.update_handover(s.db, h["id"], {"status": "completed", "date": day, "completed_at": now, "completed_by": by,
                                          "updated_at": now})
        if h["unit_status"] != "handed_over":
            edit_unit(s, h["unit"], status="handed_over")
        ref = person_ref(h["person_id"])
        if find_link(s.db, h["person_id"], h["unit_id"], "owner") is None:
            link_person(s, ref, h["unit"], "owner", start=day)
        s.record("handover", h["unit"], "complete", {"status": "open"}, {"status": "completed", "date": day,
                                                                          "owner": ref})
    return get_handover(s, h["unit"])


def blocking_text(checks: list[dict], open_items: list[dict]) -> str:
    numbers = {c["code"]: n for n, c in enumerate(rules.ordered(checks), start=1)}
    from pmcs.i18n import t

    return t("handover.list_sep").join(f"{numbers[c['code']]} {label_of(c)}" for c in open_items)


def cancel(s, unit: str, reason: str) -> dict:
    text = clean_value(_TEXT, reason)
    if not text:
        raise UserError("error.reason_required", action="cancel")
    with s.write():
        h = get_handover(s, unit)
        rules.handover_move(h, "cancel")
        now = s.now_iso()
        q.update_handover(s.db, h["id"], {"status": "cancelled", "cancelled_at": now, "cancel_reason": text,
                                          "updated_at": now})
        s.record("handover", h["unit"], "cancel", {"status": "open"}, {"status": "cancelled", "reason": text})
    return h | {"status": "cancelled", "cancel_reason": text}


# reading ----------------------------------------------------------------------------
def checklist(s, unit: str, *, blank: bool = False) -> dict:
    """The unit's checklist: every item with its state, value, who and when; what blocks completion;
    its rectification orders. ``blank``: the empty form to hand the owner (from the template when
    the unit has no handover yet)."""
    from pmcs.store.registry import person_ref

    u = _unit(s, unit)
    h = q.live_handover(s.db, u["id"]) or q.latest_handover(s.db, u["id"])
    if h is None and not blank:
        raise NotFound("error.handover_none", hint="hint.handover_start", unit=u["code"])
    items = rules.ordered(q.checks(s.db, h["id"]) if h else q.template(s.db))
    names = staff_names(s)
    out_items = []
    for n, c in enumerate(items, start=1):
        row = {k: c.get(k) for k in ("code", "section", "kind", "label_en", "label_zh", "copies", "required",
                                      "note_en", "note_zh")}
        row |= {"no": n, "label": label_of(c), "state": "open", "value": None, "reason": None, "note": None,
                "by": None, "by_name": None, "at": None}
        if not blank:
            row |= {k: c.get(k) for k in ("state", "value", "reason", "note", "by", "at")}
            row["by_name"] = names.get(c.get("by"), c.get("by"))
        out_items.append(row)
    from pmcs.store.registry import meta_get

    out = {"estate": meta_get(s.db, "estate"), "unit": u["code"], "unit_status": u["status"], "status": h["status"] if h else None,
           "owner": person_ref(h["person_id"]) if h else None, "owner_name": h["owner_name"] if h else None,
           "date": h["date"] if h else None, "completed_at": h["completed_at"] if h else None,
           "cancel_reason": h["cancel_reason"] if h else None, "items": out_items, "blank": blank}
    out["blocking"] = [] if blank else [i for i in out_items if i["required"] and i["state"] == "open"]
    out["done"] = sum(i["state"] != "open" for i in out_items)
    if blank:
        out["defects"] = []
    else:
        from pmcs.services.rectification import list_defects

        out["defects"] = list_defects(s, unit=u["code"])
    return out


def list_handovers(s, *, status=None, building=None, limit=0) -> list[dict]:
    from pmcs.i18n import parse_choice
    from pmcs.store.registry import person_ref

    code = None if status in (None, "", "all") else parse_choice("handover_status", status, "status")
    rows = q.list_handovers(s.db, status=code, building=building.strip().upper() if building else None, limit=limit)
    for r in rows:
        r["owner"] = person_ref(r["person_id"])
    return rows
