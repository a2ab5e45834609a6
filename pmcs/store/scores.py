"""SQL for the monthly staff scorecard: praise, attitude complaints, owned steps, verdicts."""
from __future__ import annotations

from pmcs.core.cases import ATTITUDE
from pmcs.core.scores import HANDLER_STEPS
from pmcs.store.db import Database
from pmcs.store.reports import STEP_DONE, sla_steps

# the case's responsible person: the current handler; after a return (退单) cleared it, the one
# named by the latest assign/dispatch step. Right for every step of a case never reopened: its
# handler changes only before the handler's own step is done (dispatch, 转单 reassign, 退单 return).
HANDLER = """coalesce(c.handler, (SELECT json_extract(a.fields, '$.handler') FROM case_steps a
                 WHERE a.case_id = c.id AND a.step IN ('assigned', 'dispatched')
                   AND json_extract(a.fields, '$.handler') IS NOT NULL ORDER BY a.id DESC LIMIT 1))"""
# the handler when step ``s`` was done. A reopened case (unsatisfied revisit, `reopen`) is
# assigned again, maybe to someone else: each round's steps and verdict belong to that round's
# handler — the one named by the latest assign/dispatch step before ``s``, or by a 转单
# (reassign, recorded only as an event) made after that step and before ``s`` was done.
_LAST_ASSIGN = """(SELECT {what} FROM case_steps a WHERE a.case_id = c.id AND a.id < s.id
                   AND a.step IN ('assigned', 'dispatched') AND a.done_at IS NOT NULL
                   AND json_extract(a.fields, '$.handler') IS NOT NULL ORDER BY a.id DESC LIMIT 1)"""
STEP_HANDLER = f"""CASE WHEN c.reopen_count = 0 THEN {HANDLER} ELSE coalesce(
    (SELECT json_extract(e.after, '$.handler') FROM events e WHERE e.ref = c.number AND e.entity = 'case'
       AND e.action = 'reassign' AND e.at <= s.done_at
       AND e.at >= coalesce({_LAST_ASSIGN.format(what="a.done_at")}, '') ORDER BY e.id DESC LIMIT 1),
    {_LAST_ASSIGN.format(what="json_extract(a.fields, '$.handler')")}) END"""


def staff(db: Database) -> list[dict]:
    return [dict(r) for r in db.query("SELECT code, name, team, role, active FROM staff ORDER BY code")]


def praise(db: Database, start: str, end: str) -> dict[str, int]:
    return {r[0]: r[1] for r in db.query(
        """SELECT json_extract("values", '$.praised'), count(*) FROM cases
           WHERE kind = 'request' AND recorded_at >= ? AND recorded_at < ? AND type = 'praise'
             AND status != 'cancelled' GROUP BY 1""", (start, end)) if r[0]}


def attitude(db: Database, start: str, end: str) -> dict[str, int]:
    """Valid staff-attitude complaints recorded in the period, by the staff member they are about
    (``about``, named with the investigation), else — as before that field — by the case's handler."""
    return {r[0]: r[1] for r in db.query(
        f"""SELECT coalesce(json_extract(c."values", '$.about'), {HANDLER}), count(*) FROM cases c
            WHERE c.kind = 'complaint' AND c.recorded_at >= ? AND c.recorded_at < ?
              AND c.category = ? AND c.nature = 'valid' AND c.status != 'cancelled'
            GROUP BY 1""", (start, end, ATTITUDE)) if r[0]}


def owned_steps(db: Database, start: str, end: str) -> dict[str, list[int]]:
    """staff code → [on time, late] for steps with a deadline done in the period.
    Owner: the case's acceptor, or for the steps in core.scores.HANDLER_STEPS the handler when
    the step was done (STEP_HANDLER). Two passes over the steps index: the acceptors' steps
    grouped by a plain column, then the few handler steps."""
    pairs = [f"{k}.{s}" for k, s in HANDLER_STEPS]
    pair_marks = ", ".join("?" * len(pairs))
    out: dict[str, list[int]] = {}
    for names, owner, which in ((sla_steps(), "c.acceptor", "NOT IN"),
                                (sorted({s for _, s in HANDLER_STEPS}), f"coalesce({STEP_HANDLER}, c.acceptor)", "IN")):
        for who, on_time, late in db.query(
                f"""SELECT {owner}, sum(s.done_at <= s.due_at), sum(s.done_at > s.due_at)
                    FROM case_steps s CROSS JOIN cases c ON c.id = s.case_id
                    WHERE s.step IN ({", ".join("?" * len(names))}) AND s.done_at >= ? AND s.done_at < ?
                      AND s.due_at IS NOT NULL AND c.kind || '.' || s.step {which} ({pair_marks}) AND {STEP_DONE}
                    GROUP BY 1""", (*names, start, end, *pairs)):
            if who:
                cell = out.setdefault(who, [0, 0])
                cell[0] += on_time or 0
                cell[1] += late or 0
    return out


def verdicts(db: Database, start: str, end: str) -> dict[str, dict[str, int]]:
    """staff code → {verdict: n} for revisits done in the period, credited to the handler of
    the case at that revisit (else its acceptor)."""
    out: dict[str, dict[str, int]] = {}
    for who, verdict, n in db.query(
            f"""SELECT coalesce({STEP_HANDLER}, c.acceptor), json_extract(s.fields, '$.verdict'), count(*)
                FROM case_steps s CROSS JOIN cases c ON c.id = s.case_id
                WHERE s.done_at >= ? AND s.done_at < ? AND s.step = 'revisited' AND {STEP_DONE}
                GROUP BY 1, 2""", (start, end)):
        if who and verdict:
            out.setdefault(who, {})[verdict] = n
    return out


def adjustment_sums(db: Database, month: str) -> dict[str, float]:
    return {r[0]: r[1] for r in db.query(
        "SELECT staff_code, sum(points) FROM staff_adjustments WHERE month = ? GROUP BY 1", (month,))}
