"""Report arithmetic, pure: periods in local time, percentiles, rates, and the
figures of a report built from raw counts (no SQL, no terminal).

A report is computed in two halves. ``store/reports.py`` returns the *raw*
numbers of one period of one database: counts, numerators and denominators,
and the list of durations (seconds) whose median and 90th percentile are
wanted. ``merge_raw`` adds the raw numbers of several databases (offices) —
counts are summed, duration lists joined — and ``build`` turns the raw numbers
of a period and of the period before it into figures ``{current, previous}``.
Rates are always recomputed from the summed numerators and denominators, and
percentiles from the joined durations, so a company total is exact.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from pmcs.core.workflow import STEP_ENDINGS

# the complaint natures kept out of the complaint KPIs (DESIGN §1.1): counted apart
EXCLUDED_NATURES = ("unreasonable", "invalid")
NATURES = ("valid", "unreasonable", "invalid", "unclassified")
VERDICTS = ("satisfied", "basically", "unsatisfied")
# steps finished by "cancel" (the open step is closed with these fields) or handed back
# (repair 退单) are not work done: they count neither on time nor late
NOT_DONE_FIELDS = tuple(f'{{"{marker}": true}}' for marker in STEP_ENDINGS.values())
SATISFIED_SCORES = (4, 5)


# periods -----------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year
    label: str  # 2026-11 | 2026-Q4 | 2026
    first: date  # first day
    end: date  # first day after the period

    def previous(self) -> "Period":
        if self.kind == "month":
            return month(self.first.year - (self.first.month == 1), 12 if self.first.month == 1 else self.first.month - 1)
        if self.kind == "quarter":
            q = (self.first.month - 1) // 3 + 1
            return quarter(self.first.year - (q == 1), 4 if q == 1 else q - 1)
        return year(self.first.year - 1)

    def months(self) -> list[str]:
        """The fee periods (YYYY-MM) inside this period."""
        out, y, m = [], self.first.year, self.first.month
        while date(y, m, 1) < self.end:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def last(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    def bounds(self, tz) -> tuple[str, str]:
        """[start, end) as stored timestamps: local midnights in UTC ISO-8601."""
        return utc_iso(self.first, tz), utc_iso(self.end, tz)


def utc_iso(day: date, tz) -> str:
    return datetime.combine(day, time(0), tz).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def month(y: int, m: int) -> Period:
    end = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return Period("month", f"{y:04d}-{m:02d}", date(y, m, 1), end)


def quarter(y: int, q: int) -> Period:
    first = date(y, 3 * (q - 1) + 1, 1)
    end = date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1)
    return Period("quarter", f"{y:04d}-Q{q}", first, end)


def year(y: int) -> Period:
    return Period("year", f"{y:04d}", date(y, 1, 1), date(y + 1, 1, 1))


_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?$")
_QUARTER = re.compile(r"^(\d{4})\s*[-/年]?\s*(?:Q|第)\s*([1-4一二三四])\s*(?:季度?)?$", re.IGNORECASE)
_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4}


def parse_month(text: str) -> Period:
    """``2026-11``, ``2026/11``, ``202611``, ``2026年11月``; ValueError otherwise."""
    m = _MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 < int(m.group(1)) < 3000:
        raise ValueError(text)
    return month(int(m.group(1)), int(m.group(2)))


def parse_quarter(text: str) -> Period:
    """``2026-Q4``, ``2026Q4``, ``2026年第四季度``; ValueError otherwise."""
    m = _QUARTER.match((text or "").strip())
    if not m or not 1900 < int(m.group(1)) < 3000:
        raise ValueError(text)
    q = m.group(2)
    return quarter(int(m.group(1)), _CN_DIGIT.get(q) or int(q))


def parse_period(text: str) -> Period:
    """A month, a quarter or a whole year (``2026``): fee status accepts any of them."""
    raw = (text or "").strip()
    if re.fullmatch(r"\d{4}年?", raw) and 1900 < int(raw[:4]) < 3000:
        return year(int(raw[:4]))
    try:
        return parse_month(raw)
    except ValueError:
        return parse_quarter(raw)


def month_of(day: date) -> Period:
    return month(day.year, day.month)


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


# statistics --------------------------------------------------------------------
def percentile(values, p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation between closest ranks
    (Hyndman–Fan type 7, as numpy and spreadsheets' PERCENTILE); None when empty.
    The 50th is the ordinary median."""
    data = sorted(values)
    if not data:
        return None
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    pos = (len(data) - 1) * p / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def rate(num: int | float, den: int | float) -> float | None:
    return None if not den else num / den


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


# merging raw numbers of several databases -----------------------------------------
def merge_raw(raws: list):
    """Sum counts, join lists, keep the first text; None (a section a database lacks) is skipped."""
    present = [r for r in raws if r is not None]
    if not present:
        return None
    first = present[0]
    if isinstance(first, bool) or isinstance(first, str):
        return first
    if isinstance(first, (int, float)):
        return sum(present)
    if isinstance(first, list):
        return [x for r in present for x in r]
    if isinstance(first, dict):
        keys = list(dict.fromkeys(k for r in present for k in r))
        return {k: merge_raw([r.get(k) for r in present]) for k in keys}
    return first


# figures -----------------------------------------------------------------------
def fig(cur, prev) -> dict:
    return {"current": cur, "previous": prev}


def rate_fig(cur: tuple, prev: tuple) -> dict:
    """(numerator, denominator) of each period → rate figure with its parts."""
    return {"current": _r(rate(*cur)), "previous": _r(rate(*prev)), "current_count": cur[0],
            "current_total": cur[1], "previous_count": prev[0], "previous_total": prev[1]}


def duration_fig(cur: list, prev: list) -> dict:
    """Median and 90th percentile, in hours, of two lists of seconds."""
    return {"median_hours": fig(hours(percentile(cur, 50)), hours(percentile(prev, 50))),
            "p90_hours": fig(hours(percentile(cur, 90)), hours(percentile(prev, 90))),
            "count": fig(len(cur), len(prev))}


def breakdown(cur: dict, prev: dict, order=()) -> list[dict]:
    """Counts by code, the known codes first in ``order``, then the rest by size."""
    codes = [c for c in order if c in cur or c in prev]
    rest = sorted((c for c in set(cur) | set(prev) if c not in codes), key=lambda c: (-cur.get(c, 0), str(c)))
    return [{"code": c, **fig(cur.get(c, 0), prev.get(c, 0))} for c in codes + rest]


def steps_fig(cur: dict, prev: dict, order) -> tuple[list[dict], dict]:
    """On-time rate per SLA step and over all steps; raw = {step: {"done": n, "on_time": n}}."""
    rows = []
    for step in [s for s in order if s in cur or s in prev]:
        rows.append({"code": step, **rate_fig(_pair(cur.get(step)), _pair(prev.get(step)))})
    tc = (sum(v["on_time"] for v in cur.values()), sum(v["done"] for v in cur.values()))
    tp = (sum(v["on_time"] for v in prev.values()), sum(v["done"] for v in prev.values()))
    return rows, rate_fig(tc, tp)


def _pair(raw: dict | None) -> tuple[int, int]:
    return (raw["on_time"], raw["done"]) if raw else (0, 0)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def survey_fig(raw: dict | None) -> dict | None:
    """The latest survey known at a period's end: response rate, 满意率, 满意度指数."""
    if not raw:
        return None
    dims = raw.get("dimensions") or {}
    labels = raw.get("labels") or {}
    order = [d for d in labels if d in dims] + [d for d in dims if d not in labels]
    overall = dims.get("overall") if (dims.get("overall") or {}).get("valid") else None
    valid, satisfied, score_sum = (overall["valid"], overall["satisfied"], overall["score_sum"]) if overall else (
        sum(v["valid"] for v in dims.values()), sum(v["satisfied"] for v in dims.values()),
        sum(v["score_sum"] for v in dims.values()))
    return {"name": raw["name"], "period": raw["period"], "responses": raw["responses"], "sampled": raw["sampled"],
            "response_rate": _r(rate(raw["responses_in_sample"], raw["sampled"])),
            "satisfaction_rate": _r(rate(satisfied, valid)),
            "satisfaction_index": None if not valid else round((score_sum / valid - 1) / 4 * 100, 1),
            "valid_answers": valid,
            "dimensions": [{"code": d, "labels": labels.get(d, {}), "valid": dims[d]["valid"],
                            "rate": _r(rate(dims[d]["satisfied"], dims[d]["valid"]))} for d in order]}


def build(cur: dict, prev: dict, complaint_steps, repair_steps) -> dict:
    """Figures of a report from the raw numbers of a period and of the one before."""
    cc, pc = cur["complaints"], prev["complaints"]
    out: dict = {}
    on_time, all_steps = steps_fig(cc["steps"], pc["steps"], complaint_steps)
    out["complaints"] = {
        "total": fig(cc["kpi"], pc["kpi"]),
        "excluded": {n: fig(cc["by_nature"].get(n, 0), pc["by_nature"].get(n, 0)) for n in EXCLUDED_NATURES},
        "cancelled": fig(cc["cancelled"], pc["cancelled"]),
        "by_nature": breakdown(cc["by_nature"], pc["by_nature"], NATURES),
        "by_category": breakdown(cc["by_category"], pc["by_category"]),
        "by_channel": breakdown(cc["by_channel"], pc["by_channel"]),
        "by_severity": breakdown(cc["by_severity"], pc["by_severity"], ("general", "major")),
        "repeat": rate_fig((cc["repeat"], cc["kpi"]), (pc["repeat"], pc["kpi"])),
        "on_time": on_time, "on_time_all": all_steps,
        "reply": duration_fig(cc["reply_seconds"], pc["reply_seconds"]),
        "close": duration_fig(cc["close_seconds"], pc["close_seconds"]),
        "verdicts": breakdown(cc["verdicts"], pc["verdicts"], VERDICTS),
    }
    rc, rp = cur["repairs"], prev["repairs"]
    r_on_time, r_all = steps_fig(rc["steps"], rp["steps"], repair_steps)
    completed = _pair(rc["steps"].get("completed")), _pair(rp["steps"].get("completed"))
    out["repairs"] = {
        "total": fig(rc["total"], rp["total"]),
        "by_urgency": breakdown(rc["by_urgency"], rp["by_urgency"], ("normal", "emergency")),
        "by_paid": breakdown(rc["by_paid"], rp["by_paid"], ("paid", "free", "unknown")),
        "completed": fig(len(rc["complete_seconds"]) + rc.get("completed_untimed", 0),
                         len(rp["complete_seconds"]) + rp.get("completed_untimed", 0)),
        "completion": duration_fig(rc["complete_seconds"], rp["complete_seconds"]),
        "completion_on_time": rate_fig(*completed),
        "on_time": r_on_time, "on_time_all": r_all,
        "verdicts": breakdown(rc["verdicts"], rp["verdicts"], VERDICTS),
    }
    qc, qp = cur["requests"], prev["requests"]
    out["requests"] = {"total": fig(sum(qc.values()), sum(qp.values())),
                       "by_type": breakdown(qc, qp, ("inquiry", "suggestion", "praise"))}
    out["move_ins"] = None if cur["move_ins"] is None else {"completed": fig(cur["move_ins"], prev["move_ins"] or 0)}
    rn, rnp = cur["renovations"], prev["renovations"] or {}
    out["renovations"] = None if rn is None else {
        "active": fig(rn["active"], rnp.get("active", 0)), "accepted": fig(rn["accepted"], rnp.get("accepted", 0)),
        "refunds": fig(rn["refunds"], rnp.get("refunds", 0)),
        "refunds_overdue": fig(rn.get("refunds_overdue", 0), rnp.get("refunds_overdue", 0)),
        "refunds_on_time": rate_fig((rn["refunds_on_time"], rn["refunds"]),
                                    (rnp.get("refunds_on_time", 0), rnp.get("refunds", 0)))}
    out["survey"] = None if cur["survey"] is None and prev["survey"] is None else {
        "current": survey_fig(cur["survey"]), "previous": survey_fig(prev["survey"])}
    fc, fp = cur["fees"], prev["fees"] or {"due": 0, "paid": 0, "units": 0}
    out["fees"] = None if fc is None else {
        "due_yuan": fig(yuan(fc["due"]), yuan(fp["due"])), "paid_yuan": fig(yuan(fc["paid"]), yuan(fp["paid"])),
        "units": fig(fc["units"], fp["units"]), "collection_rate": rate_fig((fc["paid"], fc["due"]), (fp["paid"], fp["due"]))}
    return out


def yuan(fen: int | None) -> float | None:
    return None if fen is None else round(fen / 100, 2)
