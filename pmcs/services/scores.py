"""Staff scorecards (考核): one month's praise, attitude complaints, owned steps,
revisit verdicts and manual adjustments per staff member, and the score
(formula in core/scores.py)."""
from __future__ import annotations

from pmcs.clock import local_zone
from pmcs.core import report as periods
from pmcs.core import scores as rules
from pmcs.errors import UsageError, UserError
from pmcs.store import fees as fq
from pmcs.store import scores as q


def month_of(s, text: str | None) -> periods.Period:
    if not text:
        return periods.month_of(s.today())
    try:
        return periods.parse_month(text)
    except ValueError:
        raise UsageError("error.report_bad_period", value=text, form="2026-11") from None


def scorecards(s, month: str | None = None, *, include_inactive: bool = False) -> dict:
    """{month, formula, rows}: one row per staff member (active ones, and anyone with figures)."""
    period = month_of(s, month)
    start, end = period.bounds(local_zone())
    db = s.db
    praise, attitude = q.praise(db, start, end), q.attitude(db, start, end)
    steps, verdicts = q.owned_steps(db, start, end), q.verdicts(db, start, end)
    adjustments = q.adjustment_sums(db, period.label)
    rows = []
    for st in q.staff(db):
        code = st["code"]
        on_time, late = steps.get(code, [0, 0])
        v = verdicts.get(code, {})
        row = {"staff": code, "name": st["name"], "team": st["team"], "praise": praise.get(code, 0),
               "attitude": attitude.get(code, 0), "steps_on_time": on_time, "late": late,
               "on_time_rate": round(on_time / (on_time + late), 4) if on_time + late else None,
               "satisfied": v.get("satisfied", 0), "basically": v.get("basically", 0),
               "unsatisfied": v.get("unsatisfied", 0), "adjustments": round(adjustments.get(code, 0), 1)}
        has_figures = any(row[k] for k in ("praise", "attitude", "steps_on_time", "late", "satisfied", "basically",
                                            "unsatisfied", "adjustments"))
        if not (st["active"] or include_inactive or has_figures):
            continue
        row["score"] = rules.score(row)
        rows.append(row)
    rows.sort(key=lambda r: (-r["score"], r["staff"]))
    return {"month": period.label, "formula": rules.formula_labelled(), "rows": rows}


def adjust(s, ref: str, points, reason: str, month: str | None = None) -> dict:
    """A manual addition or deduction (dress, conduct, etiquette …) with its reason; an event records it."""
    from pmcs.services.staff import get_staff

    try:
        value = rules.parse_points(points)
    except ValueError:
        raise UserError("error.score_bad_points", value=str(points), max=rules.MAX_POINTS) from None
    text = (reason or "").strip()
    if not text:
        raise UserError("error.reason_required", action="adjust")
    if len(text) > 500 or "\n" in text or "\r" in text:
        raise UserError("error.score_bad_reason")
    period = month_of(s, month)
    with s.write():
        staff = get_staff(s, ref)
        row = {"staff_code": staff["code"], "month": period.label, "points": value, "reason": text,
               "at": s.now_iso(), "actor": s.actor}
        row["id"] = fq.add_adjustment(s.db, row)
        s.record("staff", staff["code"], "adjust", None, {"points": value, "reason": text, "month": period.label})
    return row | {"name": staff["name"]}


def adjustments(s, month: str | None = None) -> list[dict]:
    return fq.adjustments(s.db, month_of(s, month).label)
