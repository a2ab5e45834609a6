"""Fee collection rules, pure: money in fen, fee periods, the import schema, and
how units in arrears are ranked for the manager's visits."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from pmcs.core.fields import Field, Schema
from pmcs.errors import FieldError

MAX_FEN = 10**12  # ten billion yuan: anything above is a typo


def parse_fen(text: str, field: str = "amount") -> int:
    """``1,234.50`` / ``¥1234.5`` / ``１２３４元`` → 123450 fen; negative or sub-fen amounts are refused."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    norm = re.sub(r"[\s,¥￥$]|元$|RMB|CNY", "", raw, flags=re.IGNORECASE)
    try:
        value = Decimal(norm)
    except InvalidOperation:
        raise FieldError(field, "error.fees_bad_amount", value=raw) from None
    if not value.is_finite() or value < 0 or value > Decimal(MAX_FEN) / 100:  # compared before
        raise FieldError(field, "error.fees_bad_amount", value=raw)       # 1e1000000 * 100 overflows
    cents = value * 100
    if cents != cents.to_integral_value() or cents > MAX_FEN:
        raise FieldError(field, "error.fees_bad_amount", value=raw)
    return int(cents)


_PERIOD = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?$")


def parse_fee_period(text: str, field: str = "period") -> str:
    """``2026-11``, ``2026/11``, ``202611``, ``2026年11月`` → ``2026-11``."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    m = _PERIOD.match(raw)
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 < int(m.group(1)) < 3000:
        raise FieldError(field, "error.fees_bad_period", value=raw)
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def _fen(text: str, field: str) -> int:
    return parse_fen(text, field)


def _period(text: str, field: str) -> str:
    return parse_fee_period(text, field)


# the finance export, as it comes: Chinese or English headers
FEE_ROW = Schema("fee", (
    Field("unit", required=True, aliases=("房号", "房屋", "房屋编号", "单元", "unit code", "room"), max_len=32),
    Field("fee_period", required=True, kind="custom", check=_period,
          aliases=("period", "期间", "所属期间", "收费期间", "账期", "月份", "month")),
    Field("fee_due", required=True, kind="custom", check=_fen,
          aliases=("due", "应收", "应收金额", "应收款", "amount due", "due amount", "receivable")),
    Field("fee_paid", required=True, kind="custom", check=_fen,
          aliases=("paid", "实收", "实收金额", "已收", "amount paid", "paid amount", "received")),
), key="unit")

# ranking of arrears risk: what each kind of trouble weighs (the manuals: satisfaction and
# fee collection move together, repeated complaints are how owners end up refusing to pay)
RISK_WEIGHTS = {"unsatisfied": 3, "repeat": 2, "reopened": 2, "open": 1}
RISK_MONTHS = 6


def risk_score(reasons: dict[str, list[str]]) -> int:
    return sum(RISK_WEIGHTS[r] * len(refs) for r, refs in reasons.items())


def rank_risks(units: list[dict]) -> list[dict]:
    """Each unit: {unit, owed_fen, months, reasons: {reason: [case numbers]}}; worst first:
    by weighted reasons, then the amount owed, then months in arrears."""
    for u in units:
        u["reasons"] = {r: u["reasons"][r] for r in RISK_WEIGHTS if r in u["reasons"]}
        u["score"] = risk_score(u["reasons"])
    ranked = sorted(units, key=lambda u: (-u["score"], -u["owed_fen"], -u["months"], u["unit"]))
    for i, u in enumerate(ranked, start=1):
        u["rank"] = i
    return ranked


def yuan_text(fen: int | None) -> str:
    return "" if fen is None else f"{fen / 100:,.2f}"
