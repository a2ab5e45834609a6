"""Move-in handover (入伙/交楼) and rectification orders (验收整改单): the rules, pure.

The default checklist template is data (DEFAULT_TEMPLATE, copied into the
database and edited there); a handover copies the template when it starts, so
a form once handed out does not change under the clerk. Item states, values
(key counts, meter readings), what blocks completion, and the moves of
handovers and rectification orders are decided here, without SQL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from pmcs.errors import FieldError, NotAllowed, UserError

SECTIONS = ("issued", "collected", "keys", "meters", "fees", "inspection", "other")
KINDS = ("check", "count", "reading")
STATES = ("open", "done", "waived")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
MAX_COUNT = 99
MAX_READING = Decimal("999999999")
HALF_WIDTH = {0xFF10 + n: ord("0") + n for n in range(10)} | {ord("．"): ".", ord("，"): ","}
READING_RE = re.compile(r"^[0-9]+(\.[0-9]{1,3})?$")
MAX_COPIES = 20


@dataclass(frozen=True)
class Item:
    code: str
    section: str
    kind: str  # check: ticked; count: a number of keys; reading: a meter reading
    en: str
    zh: str
    copies: int = 1
    required: bool = True
    note_en: str | None = None
    note_zh: str | None = None


DEFAULT_TEMPLATE: tuple[Item, ...] = (
    # documents issued to the owner
    Item("handbook", "issued", "check", "Customer handbook", "客户手册"),
    Item("covenant", "issued", "check", "Management covenant", "管理规约"),
    Item("renovation_rules", "issued", "check", "Renovation management rules", "装修管理规定"),
    Item("fire_responsibility", "issued", "check", "Fire-safety responsibility letter", "消防安全责任书"),
    Item("quality_guarantee", "issued", "check", "Quality guarantee", "质量保证书"),
    Item("user_manual", "issued", "check", "Instructions for use", "使用说明书"),
    # documents collected from the owner or signed
    Item("movein_notice", "collected", "check", "Move-in notice", "入伙通知书"),
    Item("acceptance_certificate", "collected", "check", "Certificate of acceptance", "收楼证明书"),
    Item("id_copy", "collected", "check", "ID card copy", "身份证复印件"),
    Item("photos", "collected", "check", "Photos", "照片", copies=3, note_en="3 per person", note_zh="每人3张"),
    Item("registration_form", "collected", "check", "Customer registration form", "客户登记表"),
    Item("fire_agreement", "collected", "check", "Fire-prevention agreement", "防火协议书", copies=2,
         note_en="one to the owner, one archived", note_zh="一份交业主，一份存档"),
    Item("key_receipt", "collected", "check", "Key receipt", "钥匙签收书"),
    Item("inspection_form", "collected", "check", "Inspection form", "验收表", copies=3),
    # keys handed over, with counts
    Item("key_door", "keys", "count", "Door keys", "入户门钥匙"),
    Item("key_mailbox", "keys", "count", "Mailbox keys", "信报箱钥匙"),
    # meter readings
    Item("meter_water", "meters", "reading", "Water meter (m³)", "水表读数（m³）"),
    Item("meter_electricity", "meters", "reading", "Electricity meter (kWh)", "电表读数（kWh）"),
    Item("meter_gas", "meters", "reading", "Gas meter (m³)", "燃气表读数（m³）"),
    # money and inspection
    Item("fees_settled", "fees", "check", "Fees settled", "费用已结清"),
    Item("inspection_done", "inspection", "check", "Inspection done", "验房完成"),
)

# handover status moves: one table (like core/workflow.py STATUS_MOVES)
HANDOVER_MOVES = {
    ("open", "tick"): "open",
    ("open", "waive"): "open",
    ("open", "complete"): "completed",
    ("open", "cancel"): "cancelled",
}

# unit statuses that mean the keys have already gone to an owner
HANDED_OVER_STATUSES = ("handed_over", "occupied", "renovating")


def handover_move(handover: dict, action: str) -> str:
    from pmcs.i18n import label

    target = HANDOVER_MOVES.get((handover["status"], action))
    if target is None:
        raise NotAllowed("error.handover_not_open", unit=handover["unit"],
                         status=label("handover_status", handover["status"]), action=action)
    return target


# the template ------------------------------------------------------------------
def clean_code(text: str) -> str:
    code = (text or "").strip().lower().replace("-", "_")
    if not CODE_RE.match(code):
        raise FieldError("item_code", "error.handover_bad_code", value=text)
    return code


def clean_copies(value) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise FieldError("copies", "error.bad_number", value=value) from None
    if not 1 <= n <= MAX_COPIES:
        raise FieldError("copies", "error.handover_copies", value=value, max=MAX_COPIES)
    return n


def ordered(items: list[dict]) -> list[dict]:
    """Items by section (in SECTIONS order), then by position."""
    rank = {s: i for i, s in enumerate(SECTIONS)}
    return sorted(items, key=lambda i: (rank.get(i["section"], len(SECTIONS)), i["position"], i["code"]))


def find_item(items: list[dict], text: str) -> dict:
    """An item by its number on the printed list (1, 2 …), its code, or its English or Chinese label."""
    raw = (text or "").strip()
    items = ordered(items)
    if re.fullmatch(r"[0-9]{1,4}", raw) and 1 <= int(raw) <= len(items):
        return items[int(raw) - 1]
    low = raw.lower()
    for it in items:
        if low in (it["code"], it["label_en"].lower()) or raw == it["label_zh"]:
            return it
    raise UserError("error.handover_no_item", hint="hint.handover_items", item=raw)


# values -----------------------------------------------------------------------
def clean_value(item: dict, text, previous: Decimal | None = None):
    """The value of a ticked item: nothing for a check, a count of keys, or a meter reading
    (a number, not lower than the unit's previous reading of that meter)."""
    given = None if text is None or str(text).strip() == "" else str(text).strip()
    kind, code = item["kind"], item["code"]
    if kind == "check":
        if given is not None:
            raise UserError("error.handover_no_value", item=code)
        return None
    if given is None:
        raise UserError("error.handover_value_needed", item=code,
                        what=_t("handover.value_count" if kind == "count" else "handover.value_reading"))
    if kind == "count":
        given = given.translate(HALF_WIDTH)
        if not re.fullmatch(r"[0-9]{1,3}", given) or int(given) > MAX_COUNT:
            raise FieldError("value", "error.handover_bad_count", value=given, max=MAX_COUNT)
        return str(int(given))
    reading = parse_reading(given)
    if previous is not None and reading < previous:
        raise UserError("error.handover_reading_lower", item=code, value=format_reading(reading),
                        previous=format_reading(previous))
    return format_reading(reading)


def parse_reading(text: str) -> Decimal:
    raw = str(text).translate(HALF_WIDTH).strip().replace(",", "")  # full-width １２．５ from an IME
    if not READING_RE.match(raw):  # plain digits: no 1e3, 1_000, NaN
        raise FieldError("value", "error.handover_bad_reading", value=text)
    try:
        num = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern already refuses it
        raise FieldError("value", "error.handover_bad_reading", value=text) from None
    if num > MAX_READING:
        raise FieldError("value", "error.handover_bad_reading", value=text)
    return num


def format_reading(num: Decimal) -> str:
    text = format(num.normalize(), "f")
    return text


def blocking(checks: list[dict]) -> list[dict]:
    """Required items still open: what stops `complete`."""
    return [c for c in ordered(checks) if c["required"] and c["state"] == "open"]


def progress(checks: list[dict]) -> tuple[int, int]:
    """(items done or waived, all items)."""
    return sum(c["state"] != "open" for c in checks), len(checks)


def plan_waive(check: dict, reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise UserError("error.reason_required", action="waive")
    if check["state"] == "done":
        raise NotAllowed("error.handover_waive_done", item=check["code"])
    return text


# rectification orders -------------------------------------------------------------
SIZES = ("small", "large")
RECT_MOVES = {
    ("open", "fix"): "fixed",
    ("fixed", "revisit"): "closed",
    ("fixed", "revisit_unsatisfied"): "open",  # not fixed to the owner's satisfaction: fix again
}


def rect_move(order: dict, action: str) -> str:
    from pmcs.i18n import label

    target = RECT_MOVES.get((order["status"], action))
    if target is None:
        allowed = sorted({a.split("_")[0] for (st, a) in RECT_MOVES if st == order["status"]}) or ["-"]
        raise NotAllowed("error.rect_not_now", ref=order["number"], status=label("defect_status", order["status"]),
                         action=action.split("_")[0], allowed=", ".join(allowed))
    return target


def clean_size(text: str) -> str:
    from pmcs.i18n import parse_choice

    raw = (text or "").strip()
    return {"小": "small", "大": "large"}.get(raw) or parse_choice("defect_size", raw, "size")


def fix_due(size: str, start: datetime, *, sla_table: dict, calendar, tz, due_date: date | None = None) -> datetime:
    """Small defects: the same working day; large ones: 7 days (the SLA table); or the date given (18:00)."""
    from pmcs.core.durations import WORKDAY_END, add
    from pmcs.core.sla import lookup

    if due_date is not None:
        return datetime.combine(due_date, WORKDAY_END, tz)
    return add(start, lookup(sla_table, "rectification.fix", size), calendar, tz)


def revisit_due(fixed_at: datetime, *, sla_table: dict, calendar, tz) -> datetime:
    from pmcs.core.durations import add
    from pmcs.core.sla import lookup

    return add(fixed_at, lookup(sla_table, "rectification.revisit"), calendar, tz)


def label_of(item: dict) -> str:
    """An item's label in the user's language."""
    from pmcs.i18n import get_lang

    return item["label_zh"] if get_lang() == "zh" else item["label_en"]


def _t(key: str, **kw) -> str:
    from pmcs.i18n import t

    return t(key, **kw)
