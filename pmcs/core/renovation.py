"""Renovation permits (装修), pure: the one table of allowed moves, the documents
an application needs, the fees, money in fen, and when the deposit is due back.

Money is an integer number of fen (分) everywhere below the screen; the
screen shows yuan with two decimals.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from pmcs.errors import FieldError, NotAllowed, UserError

STATES = ("applied", "approved", "in_progress", "failed", "passed", "refunded", "closed", "cancelled")
# the states in which the works are (or may be) going on: past the end date they are due items
WORKING = ("approved", "in_progress", "failed")
ACTIVE = ("applied", "approved", "in_progress", "failed", "passed")

# every allowed (state, action) → next state; nothing else moves a renovation
MOVES: dict[tuple[str, str], str] = {
    ("applied", "tick"): "applied",
    ("applied", "waive"): "applied",
    ("applied", "approve"): "approved",
    ("approved", "start"): "in_progress",
    ("in_progress", "accept_passed"): "passed",
    ("in_progress", "accept_failed"): "failed",
    ("failed", "accept_passed"): "passed",   # accepted again after the contractor put things right
    ("failed", "accept_failed"): "failed",
    ("passed", "refund"): "refunded",
    ("refunded", "close"): "closed",
    ("applied", "cancel"): "cancelled",
    ("approved", "cancel"): "cancelled",
}
for _state in ("applied", "approved", "in_progress", "failed"):
    MOVES[(_state, "extend")] = _state
for _state in ("approved", "in_progress", "failed"):
    MOVES[(_state, "inspect")] = _state
for _state in ("applied", "approved", "in_progress", "failed", "passed"):
    MOVES[(_state, "fee")] = _state
for _state in ("approved", "in_progress", "failed", "passed", "refunded"):
    MOVES[(_state, "pass")] = _state
    MOVES[(_state, "pass_return")] = _state


COMMANDS = {"accept_passed": "accept", "accept_failed": "accept", "pass_return": "pass-return"}


def command_of(action: str) -> str:
    return COMMANDS.get(action, action)


def move(reno: dict, action: str) -> str:
    from pmcs.i18n import label

    target = MOVES.get((reno["status"], action))
    if target is None:
        allowed = sorted({command_of(a) for (st, a) in MOVES if st == reno["status"]}) or ["-"]
        raise NotAllowed("error.renovation_not_now", ref=reno["number"], status=label("renovation_status", reno["status"]),
                         action=command_of(action), allowed=", ".join(allowed))
    return target


@dataclass(frozen=True)
class Doc:
    code: str
    en: str
    zh: str
    required: bool = True


DOCS: tuple[Doc, ...] = (
    Doc("manager_id", "Responsible person's ID copy", "施工负责人身份证复印件"),
    Doc("fire_pledge", "Security and fire-safety pledge", "治安防火承诺书"),
    Doc("plan", "Renovation plan / drawings", "装修方案/图纸", required=False),
    Doc("contractor_licence", "Contractor's business licence copy", "施工单位营业执照复印件", required=False),
)

FEE_KINDS = ("deposit", "management", "debris", "utilities", "pass")


def missing_docs(docs: list[dict]) -> list[dict]:
    return [d for d in docs if d["required"] and d["state"] == "open"]


def find_doc(docs: list[dict], text: str) -> dict:
    raw = (text or "").strip()
    if re.fullmatch(r"[0-9]{1,4}", raw) and 1 <= int(raw) <= len(docs):
        return docs[int(raw) - 1]
    low = raw.lower()
    for d in docs:
        if low in (d["code"], d["label_en"].lower()) or raw == d["label_zh"]:
            return d
    raise UserError("error.renovation_no_doc", hint="hint.renovation_docs", item=raw,
                    choices=", ".join(d["code"] for d in docs))


# money ----------------------------------------------------------------------------
MAX_FEN = 100_000_000_00  # one hundred million yuan: more is a typo
_MONEY = re.compile(r"^-?\d+(\.\d{1,2})?$")


def parse_yuan(text, field: str = "amount", *, allow_negative: bool = False, allow_zero: bool = False) -> int:
    """'3000', '3,000.50', '¥3000', '3000元' → fen (integer)."""
    raw = str(text if text is not None else "").strip()
    norm = raw.replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
    if not _MONEY.match(norm):
        raise FieldError(field, "error.bad_money", value=raw)
    try:
        fen = int((Decimal(norm) * 100).to_integral_exact())
    except InvalidOperation:  # pragma: no cover - the pattern already refuses it
        raise FieldError(field, "error.bad_money", value=raw) from None
    if abs(fen) > MAX_FEN or (fen < 0 and not allow_negative) or (fen == 0 and not allow_zero):
        raise FieldError(field, "error.money_range", value=raw)
    return fen


def yuan(fen: int | None) -> str:
    """Fen as yuan with two decimals and thousands separators: 300000 → '3,000.00'."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def plain_yuan(fen: int) -> str:
    """For the events history and data formats: '3000.00'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


@dataclass(frozen=True)
class Refund:
    deposit: int
    deductions: int
    amount: int  # what goes back to the owner: deposit − deductions, never below 0
    shortfall: int  # deductions beyond the deposit (to collect separately)


def refund_amount(deposit_fen: int, deduction_fen: int) -> Refund:
    rest = deposit_fen - deduction_fen
    return Refund(deposit_fen, deduction_fen, max(rest, 0), max(-rest, 0))


def check_fee_total(kind: str, current_fen: int, delta_fen: int) -> None:
    """A correction (negative amount) may not take a kind of fee below zero."""
    if current_fen + delta_fen < 0:
        raise UserError("error.renovation_fee_negative", kind=kind, total=yuan(current_fen), amount=yuan(delta_fen))


# dates ---------------------------------------------------------------------------
END_OF_DAY = time(18, 0)
MAX_DAYS = 366


def check_period(start: date, end: date) -> None:
    if end < start:
        raise FieldError("end", "error.renovation_dates", start=start.isoformat(), end=end.isoformat())
    if end - start > timedelta(days=MAX_DAYS):
        raise FieldError("end", "error.renovation_too_long", days=MAX_DAYS)


def end_due(end: date, tz) -> datetime:
    """Works past the end of their last day (18:00 local) without acceptance are overdue."""
    return datetime.combine(end, END_OF_DAY, tz)


def refund_due(accepted: datetime, *, sla_table: dict, calendar, tz) -> datetime:
    """The deposit is due back by the end (18:00) of the day the SLA (renovation.refund, 7wd)
    reaches from the acceptance; durations in hours or minutes keep their exact time."""
    from pmcs.core.durations import add
    from pmcs.core.sla import lookup

    duration = lookup(sla_table, "renovation.refund")
    moment = add(accepted, duration, calendar, tz)
    if duration.unit in ("wd", "d"):
        return datetime.combine(moment.astimezone(tz).date(), END_OF_DAY, tz)
    return moment


def workers(value) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        raise FieldError("workers", "error.bad_number", value=value) from None
    if not 1 <= n <= 500:
        raise FieldError("workers", "error.renovation_workers", value=value)
    return n
