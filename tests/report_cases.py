"""Cases played through the real engine at chosen times, for the report tests.

``play(db_path, kind, start, gaps, **values)`` records a case at ``start`` and
finishes one step after each gap (hours), each move under a clock set to that
moment, so steps come out on time or late exactly as the SLA table says."""
from __future__ import annotations

from datetime import datetime, timedelta

from pmcs.clock import FixedClock
from pmcs.core.workflow import WORKFLOWS
from pmcs.services import cases as svc
from pmcs.services.session import Session

SAMPLE = {
    "channel": "phone", "category": "engineering", "description": "水管漏水", "remedy": "尽快维修",
    "nature": "valid", "severity": "general", "cause": "管道老化", "onsite_note": "现场积水",
    "emergency_measures": "关闭总阀", "solution": "更换水管", "promise": None,
    "reply": "已告知维修安排", "reply_channel": "phone", "verdict": "satisfied", "lesson": "定期巡检",
    "urgency": "normal", "paid": "free", "work_done": "更换阀门", "type": "inquiry",
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def session_at(db_path, moment: datetime, actor: str) -> Session:
    return Session(db_path, actor=actor, clock=FixedClock(moment))


def play(db_path, kind: str, start: datetime, gaps: list[float], *, actor: str, unit: str, handler: str,
         cancel_after: bool = False, **values) -> str:
    """Record at ``start``; finish the next step after each gap in hours; return the case number."""
    wf = WORKFLOWS[kind]
    data = dict(SAMPLE, handler=handler, **values)
    data["promise"] = data.get("promise") or (start + timedelta(days=3)).date().isoformat()
    moment = start
    s = session_at(db_path, moment, actor)
    first = wf.steps[0]
    fields = {f: data[f] for f in wf.required(first.code, data)}
    fields |= {f: data[f] for f in first.optional if f in values}
    case = svc.add_case(s, kind, unit=unit, **fields)
    s.close()
    number = case["number"]
    for gap in gaps:
        moment += timedelta(hours=gap)
        s = session_at(db_path, moment, actor)
        step = s.db.scalar("SELECT step FROM cases WHERE number = ?", (number,))
        given = {f: data[f] for f in wf.step(step).optional if f in values}  # optional ones asked for
        svc.advance(s, kind, number, **{f: data[f] for f in wf.required(step, data)}, **given)
        s.close()
    if cancel_after:
        s = session_at(db_path, moment + timedelta(hours=1), actor)
        svc.cancel(s, kind, number, "duplicate")
        s.close()
    return number


def add_month_of_cases(db_path, month_start: datetime, *, clerk: str, other: str, tech: str, units: list[str]) -> dict:
    """A spread of cases in one month: on time and late, valid, unreasonable, invalid, cancelled,
    a repeat, unsatisfied revisits, paid and free repairs, praise. Returns some of their numbers."""
    d = lambda days, hours=0: month_start + timedelta(days=days, hours=hours)  # noqa: E731
    out = {}
    # valid complaints, all steps quickly (on time) or slowly (late)
    out["fast"] = play(db_path, "complaint", d(2, 1), [1, 3, 1, 3, 2, 70, 20], actor=clerk, unit=units[0], handler=tech)
    out["slow"] = play(db_path, "complaint", d(3, 2), [5, 30, 6, 30, 10], actor=other, unit=units[1], handler=tech,
                       category="staff_attitude")
    out["repeat"] = play(db_path, "complaint", d(6, 1), [1, 2, 1, 2, 2, 70], actor=clerk, unit=units[0],
                         handler=tech, verdict="unsatisfied")
    out["major"] = play(db_path, "complaint", d(8, 3), [0.2, 2, 0.5, 2, 1], actor=clerk, unit=units[2], handler=tech,
                        severity="major", channel="visit", category="parking")
    # left out of the KPIs: an unreasonable and an invalid complaint, both late at every step
    out["unreasonable"] = play(db_path, "complaint", d(4, 1), [9, 40, 9, 40, 9], actor=clerk, unit=units[3],
                               handler=tech, nature="unreasonable", channel="online")
    out["invalid"] = play(db_path, "complaint", d(5, 1), [9, 40, 9, 40, 9, 80, 90], actor=other, unit=units[4],
                          handler=tech, nature="invalid", category="fees")
    out["cancelled"] = play(db_path, "complaint", d(9, 1), [1], actor=clerk, unit=units[5], handler=tech,
                            cancel_after=True)
    # repairs: paid and free, one emergency late
    out["repair1"] = play(db_path, "repair", d(2, 2), [0.5, 0.5, 5, 10], actor=clerk, unit=units[1], handler=tech)
    out["repair2"] = play(db_path, "repair", d(7, 2), [0.5, 1, 30, 30], actor=other, unit=units[2], handler=tech,
                          paid="paid", verdict="unsatisfied")
    out["repair3"] = play(db_path, "repair", d(10, 2), [1, 3, 9], actor=clerk, unit=units[3], handler=tech,
                          urgency="emergency")
    # requests: praise for the technician, an inquiry
    out["praise"] = play(db_path, "request", d(3, 5), [2], actor=clerk, unit=units[0], handler=tech, type="praise",
                         praised=tech)
    out["inquiry"] = play(db_path, "request", d(4, 5), [30], actor=other, unit=units[1], handler=tech)
    return out
