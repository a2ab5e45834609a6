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


def m007_case_indexes(db):
    """`pmcs complaint show 42` (a bare number: the latest year's) seeks (kind, seq) instead of
    scanning every number of the kind (bench/bench_cases.py: 1,000,000 cases)."""
    db.execute("CREATE INDEX idx_cases_kind_seq ON cases (kind, seq, year)")


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
    return db.one_dict("SELECT * FROM case_steps WHERE case_id = ? AND done_at IS NULL ORDER BY id DESC LIMIT 1", (case_id,))


def recent_same(db: Database, kind: str, unit_id: int, category: str, since: str, exclude_id=None) -> dict | None:
    return db.one_dict(
        """SELECT id, number FROM cases WHERE unit_id = ? AND kind = ? AND category = ? AND recorded_at >= ?
           AND status != 'cancelled' AND id IS NOT ? ORDER BY recorded_at DESC LIMIT 1""",
        (unit_id, kind, category, since, exclude_id),
    )


def list_cases(db: Database, kind: str, *, now: str, state: str = "open", overdue=False, limit=100,
               **filters) -> list[dict]:
    where, params = _case_filters(kind, now, state, overdue, **filters)
    if overdue:  # no NULL due times: the open-cases index gives this order, and LIMIT stops early
        return _select(db, where, params, "c.due_at, c.id", limit)
    if state == "closed":
        return _select(db, where, params, "c.closed_at DESC, c.id DESC", limit)
    # overdue first (by due time), then the rest by due time: on-hold cases are not overdue,
    # their clock stopped. The overdue part reads the open-cases index in due order; LIMIT stops both.
    late = ["c.closed_at IS NULL", "c.status = 'open'", "c.due_at < ?"]
    first = _select(db, where + late, params + [now], "c.due_at, c.id", limit)
    if limit and len(first) >= limit:
        return first
    rest = where + ["NOT (c.closed_at IS NULL AND c.status = 'open' AND coalesce(c.due_at < ?, 0))"]
    return first + _select(db, rest, params + [now], "c.due_at IS NULL, c.due_at, c.id", limit - len(first) if limit else 0)


def count_cases(db: Database, kind: str, *, now: str, state: str = "open", overdue=False, upto: int = 10_000,
                **filters) -> int:
    """How many cases list_cases would give without a limit (the list says 'N of M shown'), counted
    up to ``upto`` + 1 at most: a million closed cases must not cost a scan to say 'more than'."""
    where, params = _case_filters(kind, now, state, overdue, **filters)
    return db.scalar("SELECT count(*) FROM (SELECT 1 FROM cases c WHERE " + " AND ".join(where) + " LIMIT ?)",
                     params + [upto + 1])


def _case_filters(kind: str, now: str, state: str, overdue: bool, *, step=None, unit_id=None, category=None,
                  acceptor=None, handler=None, about=None, since=None, repeat=False) -> tuple[list[str], list]:
    where, params = ["c.kind = ?"], [kind]
    if state == "open" or overdue:
        where.append("c.closed_at IS NULL")
    elif state == "closed":
        where.append("c.closed_at IS NOT NULL")
    if overdue:
        where.append("c.status = 'open' AND c.due_at < ?")
        params.append(now)
    for column, value in (("c.step", step), ("c.unit_id", unit_id), ("c.category", category),
                          ("c.acceptor", acceptor), ("c.handler", handler),
                          ("json_extract(c.\"values\", '$.about')", about)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since:
        where.append("c.recorded_at >= ?")
        params.append(since)
    if repeat:
        where.append("c.repeat_of IS NOT NULL")
    return where, params


def _select(db: Database, where: list[str], params: list, order: str, limit: int) -> list[dict]:
    sql = CASE_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY " + order
    if limit:
        sql += " LIMIT ?"
        params = params + [limit]
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


def open_cases_due_from(db: Database, since: str, steps: list[tuple[str, str]]) -> list[dict]:
    """Open cases at one of ``steps`` ((kind, step) pairs) whose deadline falls at or after
    ``since``: what computing the deadline needs, and the start of the running step."""
    if not steps:
        return []
    pairs = " OR ".join(["(c.kind = ? AND c.step = ?)"] * len(steps))
    rows = db.query(f"""SELECT c.id, c.kind, c.number, c.step, c."values", c.recorded_at, c.held_seconds,
                               c.reopen_count, c.due_at,
                               (SELECT st.started_at FROM case_steps st WHERE st.case_id = c.id AND st.done_at IS NULL
                                ORDER BY st.id DESC LIMIT 1) AS step_started_at
                        FROM cases c WHERE c.closed_at IS NULL AND c.due_at >= ? AND ({pairs})
                        ORDER BY c.due_at, c.id""", (since, *(v for pair in steps for v in pair)))
    return [_case(r) for r in rows]


def set_due(db: Database, case_id: int, due_at: str) -> None:
    """A new deadline for the running step (the case and its open step row)."""
    db.execute("UPDATE cases SET due_at = ? WHERE id = ?", (due_at, case_id))
    db.execute("UPDATE case_steps SET due_at = ? WHERE case_id = ? AND done_at IS NULL", (due_at, case_id))


def add_category(db: Database, code, en, zh, parent) -> None:
    db.execute("INSERT INTO categories (code, en, zh, parent) VALUES (?, ?, ?, ?)", (code, en, zh, parent))


def set_category_active(db: Database, code: str, active: bool) -> None:
    db.execute("UPDATE categories SET active = ? WHERE code = ?", (1 if active else 0, code))


# import and export -------------------------------------------------------------
def number_ids(db: Database, kind: str) -> dict[str, int]:
    """number → id of every case of a kind (imports check numbers against it)."""
    return {r[0]: r[1] for r in db.query("SELECT number, id FROM cases WHERE kind = ?", (kind,))}


def max_seqs(db: Database, kind: str) -> dict[int, int]:
    return {r[0]: r[1] for r in db.query("SELECT year, max(seq) FROM cases WHERE kind = ? GROUP BY year", (kind,))}


def export_rows(db: Database, kind: str, *, state: str = "all", since: str | None = None):
    """Cases of a kind for export, oldest first, streamed from the cursor."""
    where, params = ["c.kind = ?"], [kind]
    if state == "open":
        where.append("c.closed_at IS NULL")
    elif state == "closed":
        where.append("c.closed_at IS NOT NULL")
    if since:
        where.append("c.recorded_at >= ?")
        params.append(since)
    sql = ("""SELECT c.*, u.code AS unit, p.name AS person_name, p.phone AS person_phone, r.number AS repeat_number
              FROM cases c LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN people p ON p.id = c.person_id
              LEFT JOIN cases r ON r.id = c.repeat_of WHERE """ + " AND ".join(where) + " ORDER BY c.id")
    for row in db.execute(sql, params):
        yield _case(row)


def repeat_before(db: Database, kind: str, unit_id: int, category: str, since: str, case_id: int,
                  recorded_at: str) -> int | None:
    """The latest earlier case (not cancelled) of the same unit and category recorded since ``since``."""
    return db.scalar(
        """SELECT id FROM cases WHERE unit_id = ? AND kind = ? AND category = ? AND recorded_at >= ?
           AND status != 'cancelled' AND (recorded_at < ? OR (recorded_at = ? AND id < ?))
           ORDER BY recorded_at DESC, id DESC LIMIT 1""",
        (unit_id, kind, category, since, recorded_at, recorded_at, case_id))


CASE_COLS = ("id", "kind", "number", "year", "seq", "unit_id", "person_id", "acceptor", "handler", "step", "status",
             "channel", "category", "severity", "nature", "urgency", "verdict", "type", "repeat_of", "reopen_count",
             "values", "recorded_at", "due_at", "held_seconds", "hold_since", "hold_reason", "closed_at",
             "cancel_reason", "created_at", "updated_at")
STEP_COLS = ("case_id", "step", "started_at", "due_at", "done_at", "actor", "note", "fields")
_CASE_SQL = f'INSERT INTO cases ({", ".join(chr(34) + c + chr(34) for c in CASE_COLS)}) VALUES ({", ".join("?" * len(CASE_COLS))})'
_STEP_SQL = f"INSERT INTO case_steps ({', '.join(STEP_COLS)}) VALUES ({', '.join('?' * len(STEP_COLS))})"
_EVENT_SQL = "INSERT INTO events (at, actor, entity, ref, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)"


def _j(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class CaseWriter:
    """Bulk inserts of whole cases (row, step rows, events) with executemany, inside the
    caller's transaction. Ids are given here (max + 1 …) so step rows need no round trip."""

    BATCH = 2000

    def __init__(self, db: Database):
        self.db = db
        self.next_id = (db.scalar("SELECT max(id) FROM cases") or 0) + 1
        self.cases: list[tuple] = []
        self.steps: list[tuple] = []
        self.events: list[tuple] = []

    def add(self, row: dict, steps: list[dict], events: list[tuple] = ()) -> int:
        """``row`` as the cases table (values a dict, no id); ``steps`` as case_steps (fields a dict);
        ``events``: (at, actor, action, before, after) for this case's number."""
        case_id = row.get("id") or self.next_id
        self.next_id = max(self.next_id, case_id + 1)
        row = row | {"id": case_id, "values": _j(row.get("values") or {})}
        self.cases.append(tuple(row.get(c) for c in CASE_COLS))
        for st in steps:
            st = st | {"case_id": case_id, "fields": _j(st.get("fields")) if st.get("fields") is not None else None}
            self.steps.append(tuple(st.get(c) for c in STEP_COLS))
        for at, actor, action, before, after in events:
            self.events.append((at, actor, "case", row["number"], action, _j(before), _j(after)))
        if len(self.cases) >= self.BATCH:
            self.flush()
        return case_id

    def flush(self) -> None:
        for sql, rows in ((_CASE_SQL, self.cases), (_STEP_SQL, self.steps), (_EVENT_SQL, self.events)):
            if rows:
                self.db.executemany(sql, rows)
                rows.clear()


def set_repeat(db: Database, case_id: int, repeat_of: int | None) -> None:
    db.execute("UPDATE cases SET repeat_of = ? WHERE id = ?", (repeat_of, case_id))


def demo_units(db: Database) -> list[dict]:
    """Homes and shops with the people living there now (for the demo's callers)."""
    rows = db.query(
        """SELECT u.id, u.code, l.person_id FROM units u
           LEFT JOIN person_units l ON l.unit_id = u.id AND l."end" IS NULL
           WHERE u.type IN ('residential', 'commercial') ORDER BY u.id, l.person_id""")
    units: dict[int, dict] = {}
    for r in rows:
        unit = units.setdefault(r["id"], {"id": r["id"], "code": r["code"], "people": []})
        if r["person_id"] is not None and r["person_id"] not in unit["people"]:
            unit["people"].append(r["person_id"])
    return list(units.values())


# the case engine's smaller reads ---------------------------------------------------
def number_of(db: Database, case_id: int) -> str | None:
    return db.scalar("SELECT number FROM cases WHERE id = ?", (case_id,))


def last_step_start(db: Database, case_id: int, steps) -> str | None:
    """When the latest of these steps started (a reopening's restart of the clock)."""
    steps = sorted(steps)
    if not steps:
        return None
    marks = ", ".join("?" * len(steps))
    return db.scalar(f"SELECT started_at FROM case_steps WHERE case_id = ? AND step IN ({marks}) "
                     "ORDER BY id DESC LIMIT 1", (case_id, *steps))


def hold_marks(db: Database, number: str, since: str) -> list[tuple[str, str]]:
    """(at, action) of the case's hold and resume events since ``since``, in order."""
    return [(r[0], r[1]) for r in db.query(
        "SELECT at, action FROM events WHERE ref = ? AND entity = 'case' AND action IN ('hold', 'resume') "
        "AND at >= ? ORDER BY id", (number, since))]


def case_moves(db: Database, number: str, actions) -> list[dict]:
    """The case's events of these actions (at, actor, action, before, after), in order: moves that
    leave no step row (a repair reassigned), for the timeline."""
    if not actions:
        return []
    marks = ", ".join("?" * len(actions))
    rows = db.query(f"SELECT at, actor, action, before, after FROM events WHERE ref = ? AND entity = 'case' "
                    f"AND action IN ({marks}) ORDER BY id", (number, *actions))
    return [{"at": r["at"], "actor": r["actor"], "action": r["action"], "before": json.loads(r["before"] or "{}"),
             "after": json.loads(r["after"] or "{}")} for r in rows]
