"""SQL for the monthly/quarterly report: raw counts of one period of one database.

Everything is aggregated in SQLite (GROUP BY over index ranges); only the
durations whose percentiles are wanted come back as a list of numbers. Tables
of other capabilities (handovers, renovations, surveys, fees) may not exist in
an older database: their section is then None ("no data"), never an error.
"""
from __future__ import annotations

from pmcs.core.report import EXCLUDED_NATURES, NOT_DONE_FIELDS
from pmcs.store.db import Database


def m011_report_indexes(db):
    """Indexes for reports: steps by name and the time they were done (covering what the
    on-time counts read: a month's steps are found and judged from the index alone, in step
    order), cases by closing time."""
    db.execute("CREATE INDEX idx_case_steps_done ON case_steps (step, done_at, due_at, case_id)")
    db.execute("CREATE INDEX idx_cases_closed ON cases (kind, closed_at)")


def has_table(db: Database, name: str) -> bool:
    return db.scalar("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,)) is not None


_EXCLUDED = "(" + ", ".join(f"'{n}'" for n in EXCLUDED_NATURES) + ")"
_NOT_DONE = "(" + ", ".join(f"'{f}'" for f in NOT_DONE_FIELDS) + ")"
# a step that was really done: not the open step closed by `cancel` (done when the case was
# cancelled), not a repair order handed back (退单). Read from the case row and, for the one
# step that can be handed back, the step's fields; so most steps are judged from the index.
STEP_DONE = (f"NOT (c.status = 'cancelled' AND s.done_at >= c.closed_at) "
             f"AND (s.step <> 'completed' OR coalesce(s.fields, '') NOT IN {_NOT_DONE})")
# complaints kept in the KPIs: not unreasonable/invalid (unclassified ones count)
KPI_CASE = f"NOT (c.kind = 'complaint' AND coalesce(c.nature, '') IN {_EXCLUDED})"
# a revisit's verdict: a case never reopened had one revisit, whose verdict the case row keeps;
# for the others it is read from the step itself
VERDICT = """CASE WHEN s.step = 'revisited' THEN CASE WHEN c.reopen_count = 0 THEN c.verdict
             ELSE json_extract(s.fields, '$.verdict') END END"""


def _add(counter: dict, key, n: int) -> None:
    key = "unknown" if key is None else key
    counter[key] = counter.get(key, 0) + n


def complaint_counts(db: Database, start: str, end: str) -> dict:
    """Complaints recorded in [start, end): by nature (all), by category/channel/severity (KPI ones)."""
    out = {"kpi": 0, "cancelled": 0, "repeat": 0, "by_nature": {}, "by_category": {}, "by_channel": {},
           "by_severity": {}}
    rows = db.query(
        """SELECT nature, category, channel, severity, status = 'cancelled', repeat_of IS NOT NULL, count(*)
           FROM cases WHERE kind = 'complaint' AND recorded_at >= ? AND recorded_at < ?
           GROUP BY 1, 2, 3, 4, 5, 6""", (start, end))
    for nature, category, channel, severity, cancelled, repeat, n in rows:
        if cancelled:
            out["cancelled"] += n
            continue
        _add(out["by_nature"], nature or "unclassified", n)
        if nature in EXCLUDED_NATURES:
            continue
        out["kpi"] += n
        out["repeat"] += n if repeat else 0
        _add(out["by_category"], category, n)
        _add(out["by_channel"], channel, n)
        _add(out["by_severity"], severity or "unclassified", n)
    return out


def repair_counts(db: Database, start: str, end: str) -> dict:
    out = {"total": 0, "by_urgency": {}, "by_paid": {}}
    rows = db.query(
        """SELECT urgency, json_extract("values", '$.paid'), count(*) FROM cases
           WHERE kind = 'repair' AND recorded_at >= ? AND recorded_at < ? AND status != 'cancelled'
           GROUP BY 1, 2""", (start, end))
    for urgency, paid, n in rows:
        out["total"] += n
        _add(out["by_urgency"], urgency, n)
        _add(out["by_paid"], paid, n)
    return out


def request_counts(db: Database, start: str, end: str) -> dict:
    rows = db.query(
        """SELECT type, count(*) FROM cases WHERE kind = 'request' AND recorded_at >= ? AND recorded_at < ?
           AND status != 'cancelled' GROUP BY 1""", (start, end))
    out: dict = {}
    for kind, n in rows:
        _add(out, kind, n)
    return out


def sla_steps() -> list[str]:
    """Every step name that has a deadline (the others never have a due time)."""
    from pmcs.core.workflow import WORKFLOWS

    return sorted({st.code for wf in WORKFLOWS.values() for st in wf.steps if st.sla})


def step_counts(db: Database, start: str, end: str) -> tuple[dict, dict]:
    """Steps with a deadline done in [start, end): ({kind: {step: {done, on_time}}},
    {kind: {verdict: n}} of the revisits among them). On time = done_at <= due_at.
    Steps of unreasonable/invalid complaints are left out, and so are steps closed by a
    cancel or handed back (they are not work done). A step without a due time (a case
    imported closed: only its recording and closing times are known) counts in no on-time
    rate, but its revisit verdict counts. One pass: the steps come from the covering index
    in step order, each case row is read once per step."""
    names = sla_steps()
    rows = db.query(
        f"""SELECT c.kind, s.step, {VERDICT}, count(*), sum(s.due_at IS NOT NULL), sum(s.done_at <= s.due_at)
            FROM case_steps s CROSS JOIN cases c ON c.id = s.case_id
            WHERE s.step IN ({", ".join("?" * len(names))}) AND s.done_at >= ? AND s.done_at < ?
              AND {STEP_DONE} AND {KPI_CASE}
            GROUP BY s.step, c.kind, 3""", (*names, start, end))
    steps: dict = {}
    verdicts: dict = {}
    for kind, step, verdict, n, timed, on_time in rows:
        if timed:
            cell = steps.setdefault(kind, {}).setdefault(step, {"done": 0, "on_time": 0})
            cell["done"] += timed
            cell["on_time"] += on_time or 0
        if step == "revisited":
            _add(verdicts.setdefault(kind, {}), verdict, n)
    return steps, verdicts


# only a reopened case can have done a step twice: the others need no look at earlier steps
_FIRST = f"""(c.reopen_count = 0 OR NOT EXISTS (SELECT 1 FROM case_steps e WHERE e.case_id = s.case_id
              AND e.step = s.step AND e.done_at < s.done_at AND coalesce(e.fields, '') NOT IN {_NOT_DONE}))"""


def first_step_seconds(db: Database, kind: str, step: str, start: str, end: str) -> list[int | None]:
    """Seconds from recording to the first time ``step`` was done, for cases whose first
    such step was done in [start, end) (e.g. complaint → replied, repair → completed). None
    for a step without a due time: a case imported closed has its steps stamped with its
    closing time, not with when they were done, so it counts as done but has no duration."""
    return [r[0] for r in db.query(
        f"""SELECT CASE WHEN s.due_at IS NOT NULL
                   THEN CAST(round((julianday(s.done_at) - julianday(c.recorded_at)) * 86400) AS INTEGER) END
            FROM case_steps s CROSS JOIN cases c ON c.id = s.case_id
            WHERE s.done_at >= ? AND s.done_at < ? AND s.step = ? AND c.kind = ? AND {STEP_DONE} AND {KPI_CASE}
              AND {_FIRST}""",
        (start, end, step, kind))]


def close_seconds(db: Database, kind: str, start: str, end: str) -> list[int]:
    """Seconds from recording to closing, for cases closed (not cancelled) in [start, end)."""
    return [r[0] for r in db.query(
        f"""SELECT CAST(round((julianday(c.closed_at) - julianday(c.recorded_at)) * 86400) AS INTEGER)
            FROM cases c WHERE c.kind = ? AND c.closed_at >= ? AND c.closed_at < ? AND c.status = 'closed'
              AND {KPI_CASE}""", (kind, start, end))]


def move_ins(db: Database, start: str, end: str) -> int | None:
    if not has_table(db, "handovers"):
        return None
    return db.scalar("SELECT count(*) FROM handovers WHERE status = 'completed' AND completed_at >= ? AND completed_at < ?",
                     (start, end))


def renovation_counts(db: Database, start: str, end: str, until: str | None = None) -> dict | None:
    """Active: started before the end, not accepted (passed) or closed before the start;
    accepted: acceptance passed in the period; refunds in the period, on time when by the due time;
    overdue: deposits whose refund was due before ``until`` (the period's end, or now for a period
    still running) and not refunded by then."""
    if not has_table(db, "renovations"):
        return None
    row = db.one(
        """SELECT
             coalesce(sum(started_at < :end AND status != 'cancelled'
                          AND coalesce(CASE WHEN status IN ('passed', 'refunded', 'closed') THEN accepted_at END,
                                       closed_at, :end) >= :start), 0),
             coalesce(sum(status IN ('passed', 'refunded', 'closed') AND accepted_at >= :start AND accepted_at < :end), 0),
             coalesce(sum(refunded_at >= :start AND refunded_at < :end), 0),
             coalesce(sum(refunded_at >= :start AND refunded_at < :end AND refunded_at <= refund_due_at), 0),
             coalesce(sum(status IN ('passed', 'refunded', 'closed') AND refund_due_at < :until
                          AND (refunded_at IS NULL OR refunded_at > :until)), 0)
           FROM renovations""", {"start": start, "end": end, "until": min(until or end, end)})
    return {"active": row[0], "accepted": row[1], "refunds": row[2], "refunds_on_time": row[3],
            "refunds_overdue": row[4]}


def fee_totals(db: Database, months: list[str]) -> dict | None:
    """Sums over the fee periods; None when the fees table is missing or holds none of them."""
    if not has_table(db, "fees"):
        return None
    marks = ", ".join("?" * len(months))
    row = db.one(f"SELECT count(DISTINCT unit_id), sum(due_fen), sum(paid_fen) FROM fees WHERE period IN ({marks})",
                 months)
    if not row[0]:
        return None
    return {"units": row[0], "due": row[1] or 0, "paid": row[2] or 0}


def own_surveys(db: Database) -> list[dict] | None:
    """Own surveys (not benchmarks) that have answers, for choosing the latest one."""
    if not has_table(db, "surveys") or not has_table(db, "survey_responses"):
        return None
    return [dict(r) for r in db.query(
        """SELECT s.id, s.name, s.period, s.dimensions FROM surveys s WHERE s.benchmark IS NULL
           AND EXISTS (SELECT 1 FROM survey_responses r WHERE r.survey_id = s.id) ORDER BY s.id""")]


def survey_counts(db: Database, sid: int) -> dict:
    row = db.one("""SELECT count(*), coalesce(sum(in_sample), 0) FROM survey_responses WHERE survey_id = ?""", (sid,))
    sampled = db.scalar("SELECT count(*) FROM survey_sample WHERE survey_id = ?", (sid,))
    dims: dict = {}
    for dim, valid, satisfied, total in db.query(
            """SELECT dimension, count(score), coalesce(sum(score IN (4, 5)), 0), coalesce(sum(score), 0)
               FROM survey_scores WHERE survey_id = ? GROUP BY dimension""", (sid,)):
        dims[dim] = {"valid": valid, "satisfied": satisfied, "score_sum": total}
    return {"responses": row[0], "responses_in_sample": row[1], "sampled": sampled, "dimensions": dims}


def estate_name(db: Database) -> str | None:
    return db.scalar("SELECT value FROM meta WHERE key = 'estate'")
