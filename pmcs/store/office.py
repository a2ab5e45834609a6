"""SQL for reminders, office duties and the communication log."""
from __future__ import annotations

from pmcs.store.db import Database

DEFAULT_DUTIES = [
    # code, RFC 5545 rule
    ("archive_check", "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1"),  # the 30th; the last day in February
    ("archive_cleanup", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31"),  # each March
    ("satisfaction_survey", "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"),  # each half-year
    ("owners_meeting", "FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=-1"),  # 恳谈会 twice a year
]


def m010_duties_and_comms(db):
    db.execute(
        """CREATE TABLE duties (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            rrule TEXT NOT NULL,
            owner TEXT,
            anchor TEXT NOT NULL,
            next_due TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE duty_log (
            id INTEGER PRIMARY KEY,
            duty_id INTEGER NOT NULL REFERENCES duties(id),
            due_date TEXT NOT NULL,
            done_at TEXT NOT NULL,
            actor TEXT,
            note TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE comms (
            id INTEGER PRIMARY KEY,
            party_type TEXT NOT NULL,
            party_name TEXT NOT NULL,
            unit_id INTEGER REFERENCES units(id),
            person_id INTEGER REFERENCES people(id),
            channel TEXT,
            subject TEXT NOT NULL,
            summary TEXT,
            follow_up TEXT,
            owner TEXT,
            done_at TEXT,
            done_note TEXT,
            at TEXT NOT NULL,
            actor TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_comms_follow_up ON comms (follow_up) WHERE done_at IS NULL")
    db.execute("CREATE INDEX idx_comms_at ON comms (at)")


# reminders ---------------------------------------------------------------------
def due_open_steps(db: Database, until_iso: str) -> list:
    """Open (not on hold) cases whose running step falls due by ``until_iso``; uses the open-cases
    index. Rows read by column name (not copied into dicts: a backlog may hold 16,000)."""
    return db.query(
        """SELECT c.number, c.kind, c.step, c.due_at, c.acceptor, c.handler, c.severity, c.urgency, u.code AS unit
           FROM cases c LEFT JOIN units u ON u.id = c.unit_id
           WHERE c.closed_at IS NULL AND c.due_at <= ? AND c.status = 'open' ORDER BY c.due_at""", (until_iso,))


def due_open_steps_window(db: Database, since_iso: str | None, before_iso: str, first: int) -> tuple[int, list[dict]]:
    """How many open cases fall due in [since, before), and the first ``first`` of them by due time."""
    low = since_iso or ""
    n = db.scalar("SELECT count(*) FROM cases c WHERE c.closed_at IS NULL AND c.due_at >= ? AND c.due_at < ? "
                  "AND c.status = 'open'", (low, before_iso))
    rows = [dict(r) for r in db.query(
        """SELECT c.number, c.kind, c.step, c.due_at, c.acceptor, c.handler, c.severity, c.urgency, u.code AS unit
           FROM cases c LEFT JOIN units u ON u.id = c.unit_id
           WHERE c.closed_at IS NULL AND c.due_at >= ? AND c.due_at < ? AND c.status = 'open'
           ORDER BY c.due_at LIMIT ?""", (low, before_iso, first))]
    return n, rows


def staff_names(db: Database) -> dict[str, str]:
    return {r[0]: r[1] for r in db.query("SELECT code, name FROM staff")}


def open_by_step(db: Database) -> list[dict]:
    return [dict(r) for r in db.query(
        # counted in the order of the narrow open-steps index (m015): no sort, no wide entries
        "SELECT kind, step, status, count(*) AS n FROM cases WHERE closed_at IS NULL GROUP BY kind, step, status")]


def week_counts(db: Database, since: str) -> dict:
    # every kind / step named, so the (kind, recorded_at), (kind, closed_at) and (step, done_at, …)
    # indexes find the week's rows instead of scanning 1,000,000 cases and 5,000,000 steps
    from pmcs.core.workflow import WORKFLOWS

    kinds = ", ".join(f"'{k}'" for k in sorted(WORKFLOWS))
    steps = ", ".join(f"'{c}'" for c in sorted({st.code for wf in WORKFLOWS.values() for st in wf.steps}))
    row = db.one(
        f"""SELECT
             (SELECT count(*) FROM cases WHERE kind IN ({kinds}) AND recorded_at >= ?) AS new,
             (SELECT count(*) FROM cases WHERE kind IN ({kinds}) AND closed_at >= ? AND status = 'closed') AS closed""",
        (since, since))
    steps = db.one(
        f"""SELECT count(*) AS done, sum(CASE WHEN s.done_at <= s.due_at THEN 1 ELSE 0 END) AS on_time
           FROM case_steps s WHERE s.step IN ({steps}) AND s.done_at >= ? AND s.due_at IS NOT NULL""", (since,))
    return {"new": row["new"], "closed": row["closed"], "steps_done": steps["done"], "on_time": steps["on_time"] or 0}


# duties --------------------------------------------------------------------------
def duties(db: Database, include_inactive=False) -> list[dict]:
    sql = "SELECT * FROM duties" + ("" if include_inactive else " WHERE active = 1") + " ORDER BY next_due, name"
    return [dict(r) for r in db.query(sql)]


def duty_by_name(db: Database, name: str) -> dict | None:
    return db.one_dict("SELECT * FROM duties WHERE name = ? COLLATE NOCASE", (name,))


def duty_log(db: Database, duty_id: int, limit: int = 12) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM duty_log WHERE duty_id = ? ORDER BY id DESC LIMIT ?", (duty_id, limit))]


# comms ---------------------------------------------------------------------------
COMMS_SELECT = """SELECT c.*, u.code AS unit, p.name AS person_name FROM comms c
                  LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN people p ON p.id = c.person_id"""


def comm_by_id(db: Database, cid: int) -> dict | None:
    return db.one_dict(COMMS_SELECT + " WHERE c.id = ?", (cid,))


def list_comms(db: Database, *, party_type=None, unit_id=None, open_only=False, since=None, search=None, limit=100):
    where, params = [], []
    if party_type:
        where.append("c.party_type = ?")
        params.append(party_type)
    if unit_id:
        where.append("c.unit_id = ?")
        params.append(unit_id)
    if open_only:
        where.append("c.follow_up IS NOT NULL AND c.done_at IS NULL")
    if since:
        where.append("c.at >= ?")
        params.append(since)
    if search:
        where.append("(c.subject LIKE ? OR c.party_name LIKE ? OR c.summary LIKE ?)")
        params += ["%" + search + "%"] * 3
    sql = COMMS_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.at DESC, c.id DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(r) for r in db.query(sql, params)]


def due_follow_ups(db: Database, until_date: str) -> list[dict]:
    return [dict(r) for r in db.query(
        COMMS_SELECT + " WHERE c.done_at IS NULL AND c.follow_up IS NOT NULL AND c.follow_up <= ? ORDER BY c.follow_up",
        (until_date,))]


# demo data -------------------------------------------------------------------
def staff_codes_in_team(db: Database, team: str) -> list[str]:
    return [r[0] for r in db.query("SELECT code FROM staff WHERE team = ? ORDER BY code", (team,))]


def occupied_unit_ids(db: Database, limit: int) -> list[int]:
    return [r[0] for r in db.query("SELECT id FROM units WHERE status = 'occupied' ORDER BY id LIMIT ?", (limit,))]


def unit_owner(db: Database, unit_id: int) -> dict | None:
    """One owner linked to the unit (id, name), or None."""
    return db.one_dict("SELECT p.id, p.name FROM person_units l JOIN people p ON p.id = l.person_id "
                 "WHERE l.unit_id = ? AND l.role = 'owner' LIMIT 1", (unit_id,))
