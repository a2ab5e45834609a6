"""SQL for cases (complaints, repairs, requests) and their steps."""
from __future__ import annotations

import json

from pmcs.store.db import Database

DEFAULT_CATEGORIES = [
    # code, english, chinese, parent
    ("service", "property service", "物业服务", None),
    ("engineering", "engineering repairs", "工程维修", "service"),
    ("environment", "environment and cleaning", "环境卫生", "service"),
    ("landscaping", "landscaping", "绿化", "service"),
    ("security", "security and order", "秩序维护", "service"),
    ("parking", "parking", "停车", "service"),
    ("staff_attitude", "staff attitude", "服务态度", "service"),
    ("renovation", "renovation", "装修", "service"),
    ("fees", "property fees", "物业收费", None),
    ("community", "community activities", "社区文化活动", None),
    ("emergency", "emergency handling", "突发事件处理", None),
    ("neighbours", "neighbour relations", "毗邻关系", None),
    ("developer", "developer/construction defects", "开发商遗留问题", None),
]


def m006_cases(db):
    db.execute(
        """CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            number TEXT NOT NULL,
            year INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            unit_id INTEGER REFERENCES units(id),
            person_id INTEGER REFERENCES people(id),
            acceptor TEXT,
            handler TEXT,
            step TEXT NOT NULL,
            status TEXT NOT NULL,
            channel TEXT,
            category TEXT,
            severity TEXT,
            nature TEXT,
            urgency TEXT,
            verdict TEXT,
            type TEXT,
            repeat_of INTEGER REFERENCES cases(id),
            reopen_count INTEGER NOT NULL DEFAULT 0,
            "values" TEXT NOT NULL DEFAULT '{}',
            recorded_at TEXT NOT NULL,
            due_at TEXT,
            held_seconds INTEGER NOT NULL DEFAULT 0,
            hold_since TEXT,
            hold_reason TEXT,
            closed_at TEXT,
            cancel_reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE UNIQUE INDEX idx_cases_number ON cases (number)")
    db.execute("CREATE UNIQUE INDEX idx_cases_seq ON cases (kind, year, seq)")
    # open work by due time: queries must say `closed_at IS NULL` to use it
    db.execute("CREATE INDEX idx_cases_open_due ON cases (kind, due_at) WHERE closed_at IS NULL")
    db.execute("CREATE INDEX idx_cases_all_open_due ON cases (due_at) WHERE closed_at IS NULL")
    db.execute("CREATE INDEX idx_cases_unit ON cases (unit_id, kind, category, recorded_at)")
    db.execute("CREATE INDEX idx_cases_recorded ON cases (kind, recorded_at)")
    db.execute(
        """CREATE TABLE case_steps (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            step TEXT NOT NULL,
            started_at TEXT NOT NULL,
            due_at TEXT,
            done_at TEXT,
            actor TEXT,
            note TEXT,
            fields TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_case_steps_case ON case_steps (case_id, id)")
    db.execute(
        """CREATE TABLE categories (
            code TEXT PRIMARY KEY, en TEXT NOT NULL, zh TEXT NOT NULL, parent TEXT, active INTEGER NOT NULL DEFAULT 1
        )"""
    )
    db.conn.executemany("INSERT INTO categories (code, en, zh, parent) VALUES (?, ?, ?, ?)", DEFAULT_CATEGORIES)
    db.execute(
        """CREATE VIEW open_cases AS
           SELECT c.number, c.kind, c.step, c.status, c.due_at, c.acceptor, c.handler, u.code AS unit,
                  c.category, c.severity, c.urgency, c.recorded_at
           FROM cases c LEFT JOIN units u ON u.id = c.unit_id WHERE c.closed_at IS NULL"""
    )


# reading ---------------------------------------------------------------------
CASE_SELECT = """SELECT c.*, u.code AS unit, p.name AS person_name FROM cases c
                 LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN people p ON p.id = c.person_id"""


def _case(row) -> dict | None:
    if row is None:
        return None
    case = dict(row)
    case["values"] = json.loads(case["values"] or "{}")
    return case


def case_by_number(db: Database, number: str) -> dict | None:
    return _case(db.one(CASE_SELECT + " WHERE c.number = ?", (number,)))


def case_by_seq(db: Database, kind: str, seq: int) -> dict | None:
    return _case(db.one(CASE_SELECT + " WHERE c.kind = ? AND c.seq = ? ORDER BY c.year DESC LIMIT 1", (kind, seq)))


def next_seq(db: Database, kind: str, year: int) -> int:
    return db.scalar("SELECT coalesce(max(seq), 0) + 1 FROM cases WHERE kind = ? AND year = ?", (kind, year))


def steps_of(db: Database, case_id: int) -> list[dict]:
    rows = [dict(r) for r in db.query("SELECT * FROM case_steps WHERE case_id = ? ORDER BY id", (case_id,))]
    for r in rows:
        r["fields"] = json.loads(r["fields"]) if r["fields"] else {}
    return rows


def open_step(db: Database, case_id: int) -> dict | None:
    row = db.one("SELECT * FROM case_steps WHERE case_id = ? AND done_at IS NULL ORDER BY id DESC LIMIT 1", (case_id,))
    return dict(row) if row else None


def recent_same(db: Database, kind: str, unit_id: int, category: str, since: str, exclude_id=None) -> dict | None:
    row = db.one(
        """SELECT id, number FROM cases WHERE unit_id = ? AND kind = ? AND category = ? AND recorded_at >= ?
           AND status != 'cancelled' AND id IS NOT ? ORDER BY recorded_at DESC LIMIT 1""",
        (unit_id, kind, category, since, exclude_id),
    )
    return dict(row) if row else None


def list_cases(db: Database, kind: str, *, now: str, state: str = "open", step=None, overdue=False, unit_id=None,
               category=None, acceptor=None, handler=None, since=None, repeat=False, limit=100) -> list[dict]:
    where, params = ["c.kind = ?"], [kind]
    if state == "open" or overdue:
        where.append("c.closed_at IS NULL")
    elif state == "closed":
        where.append("c.closed_at IS NOT NULL")
    if overdue:
        where.append("c.status = 'open' AND c.due_at < ?")
        params.append(now)
    for column, value in (("c.step", step), ("c.unit_id", unit_id), ("c.category", category),
                          ("c.acceptor", acceptor), ("c.handler", handler)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since:
        where.append("c.recorded_at >= ?")
        params.append(since)
    if repeat:
        where.append("c.repeat_of IS NOT NULL")
    order = "c.due_at IS NULL, c.due_at, c.id" if state != "closed" else "c.closed_at DESC, c.id DESC"
    sql = CASE_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY " + order
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [_case(r) for r in db.query(sql, params)]


def categories(db: Database, include_inactive=False) -> list[dict]:
    sql = "SELECT * FROM categories" + ("" if include_inactive else " WHERE active = 1") + " ORDER BY rowid"
    return [dict(r) for r in db.query(sql)]


# writing ---------------------------------------------------------------------
def insert_case(db: Database, row: dict) -> int:
    row = dict(row)
    row["values"] = json.dumps(row.get("values") or {}, ensure_ascii=False, sort_keys=True)
    return db.insert("cases", row)


def update_case(db: Database, case_id: int, changes: dict) -> None:
    changes = dict(changes)
    if "values" in changes:
        changes["values"] = json.dumps(changes["values"], ensure_ascii=False, sort_keys=True)
    db.update("cases", case_id, changes)


def start_step(db: Database, case_id: int, step: str, started_at: str, due_at: str | None) -> int:
    return db.insert("case_steps", {"case_id": case_id, "step": step, "started_at": started_at, "due_at": due_at})


def finish_step(db: Database, step_id: int, done_at: str, actor: str, note, fields: dict) -> None:
    db.update("case_steps", step_id, {"done_at": done_at, "actor": actor, "note": note,
                                      "fields": json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)})


def push_due(db: Database, case_id: int, seconds: int) -> None:
    """Add held time back to the running deadline (the case and its open step)."""
    shift = f"+{int(seconds)} seconds"
    db.execute("UPDATE cases SET due_at = strftime('%Y-%m-%dT%H:%M:%SZ', due_at, ?) WHERE id = ? AND due_at IS NOT NULL",
               (shift, case_id))
    db.execute("UPDATE case_steps SET due_at = strftime('%Y-%m-%dT%H:%M:%SZ', due_at, ?) "
               "WHERE case_id = ? AND due_at IS NOT NULL AND done_at IS NULL", (shift, case_id))


def add_category(db: Database, code, en, zh, parent) -> None:
    db.execute("INSERT INTO categories (code, en, zh, parent) VALUES (?, ?, ?, ?)", (code, en, zh, parent))


def set_category_active(db: Database, code: str, active: bool) -> None:
    db.execute("UPDATE categories SET active = ? WHERE code = ?", (1 if active else 0, code))
