"""SQL for the monthly staff scorecard: praise, attitude complaints, owned steps, verdicts."""
from __future__ import annotations

from pmcs.core.scores import HANDLER_STEPS
from pmcs.store.db import Database
from pmcs.store.reports import STEP_DONE, sla_steps

# the case's responsible person: the current handler; after an unsatisfied revisit
# reopened the case (which clears it), the one named by the latest assign/dispatch step
HANDLER = """coalesce(c.handler, (SELECT json_extract(a.fields, '$.handler') FROM case_steps a
                 WHERE a.case_id = c.id AND a.step IN ('assigned', 'dispatched')
                   AND json_extract(a.fields, '$.handler') IS NOT NULL ORDER BY a.id DESC LIMIT 1))"""


def staff(db: Database) -> list[dict]:
    return [dict(r) for r in db.query("SELECT code, name, team, role, active FROM staff ORDER BY code")]


def praise(db: Database, start: str, end: str) -> dict[str, int]:
    return {r[0]: r[1] for r in db.query(
        """SELECT json_extract("values", '$.praised'), count(*) FROM cases
           WHERE kind = 'request' AND recorded_at >= ? AND recorded_at < ? AND type = 'praise'
             AND status != 'cancelled' GROUP BY 1""", (start, end)) if r[0]}


def attitude(db: Database, start: str, end: str) -> dict[str, int]:
    """Valid staff-attitude complaints recorded in the period, by the complaint's handler."""
    return {r[0]: r[1] for r in db.query(
        f"""SELECT {HANDLER}, count(*) FROM cases c
            WHERE c.kind = 'complaint' AND c.recorded_at >= ? AND c.recorded_at < ?
              AND c.category = 'staff_attitude' AND c.nature = 'valid' AND c.status != 'cancelled'
            GROUP BY 1""", (start, end)) if r[0]}


def owned_steps(db: Database, start: str, end: str) -> dict[str, list[int]]:
    """staff code → [on time, late] for steps with a deadline done in the period.
    Owner: the case's acceptor, or its handler for the steps in core.scores.HANDLER_STEPS."""
    handler_steps = [f"{k}.{s}" for k, s in HANDLER_STEPS]
    marks = ", ".join("?" * len(handler_steps))
    names = sla_steps()
    out: dict[str, list[int]] = {}
    for owner, on_time, late in db.query(
            f"""SELECT CASE WHEN c.kind || '.' || s.step IN ({marks}) THEN coalesce({HANDLER}, c.acceptor)
                            ELSE c.acceptor END, sum(s.done_at <= s.due_at), sum(s.done_at > s.due_at)
                FROM case_steps s CROSS JOIN cases c ON c.id = s.case_id
                WHERE s.step IN ({", ".join("?" * len(names))}) AND s.done_at >= ? AND s.done_at < ?
                  AND s.due_at IS NOT NULL AND {STEP_DONE}
                GROUP BY 1""", (*handler_steps, *names, start, end)):
        if owner:
            out[owner] = [on_time or 0, late or 0]
    return out


def verdicts(db: Database, start: str, end: str) -> dict[str, dict[str, int]]:
    """staff code → {verdict: n} for revisits done in the period, credited to the case's
    handler (else its acceptor)."""
    out: dict[str, dict[str, int]] = {}
    for who, verdict, n in db.query(
            f"""SELECT coalesce({HANDLER}, c.acceptor), json_extract(s.fields, '$.verdict'), count(*)
                FROM case_steps s CROSS JOIN cases c ON c.id = s.case_id
                WHERE s.done_at >= ? AND s.done_at < ? AND s.step = 'revisited' AND {STEP_DONE}
                GROUP BY 1, 2""", (start, end)):
        if who and verdict:
            out.setdefault(who, {})[verdict] = n
    return out


def adjustment_sums(db: Database, month: str) -> dict[str, float]:
    return {r[0]: r[1] for r in db.query(
        "SELECT staff_code, sum(points) FROM staff_adjustments WHERE month = ? GROUP BY 1", (month,))}
