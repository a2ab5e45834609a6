"""SQL for fee collection (per unit and period, amounts in fen) and the staff
scorecard's manual adjustments; migration m012_fees_scores creates both tables."""
from __future__ import annotations

from pmcs.store.db import Database


def m012_fees_scores(db):
    db.execute(
        """CREATE TABLE fees (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            period TEXT NOT NULL,
            due_fen INTEGER NOT NULL CHECK (due_fen >= 0),
            paid_fen INTEGER NOT NULL CHECK (paid_fen >= 0),
            source TEXT,
            imported_at TEXT NOT NULL,
            imported_by TEXT,
            UNIQUE (unit_id, period)
        )"""
    )
    db.execute("CREATE INDEX idx_fees_period ON fees (period, unit_id)")
    db.execute(
        """CREATE VIEW fee_arrears AS
           SELECT u.code AS unit, u.building, sum(f.due_fen) AS due_fen, sum(f.paid_fen) AS paid_fen,
                  sum(f.due_fen) - sum(f.paid_fen) AS owed_fen, sum(f.paid_fen < f.due_fen) AS months_in_arrears
           FROM fees f JOIN units u ON u.id = f.unit_id GROUP BY f.unit_id HAVING owed_fen > 0"""
    )
    db.execute(
        """CREATE TABLE staff_adjustments (
            id INTEGER PRIMARY KEY,
            staff_code TEXT NOT NULL REFERENCES staff(code),
            month TEXT NOT NULL,
            points REAL NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_staff_adjustments_month ON staff_adjustments (month, staff_code)")


# import ----------------------------------------------------------------------------
class FeeWriter:
    """Upserts per unit and period in executemany batches, with one event per changed record."""

    BATCH = 2000
    _SQL = """INSERT INTO fees (unit_id, period, due_fen, paid_fen, source, imported_at, imported_by)
              VALUES (?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (unit_id, period) DO UPDATE SET due_fen = excluded.due_fen, paid_fen = excluded.paid_fen,
                 source = excluded.source, imported_at = excluded.imported_at, imported_by = excluded.imported_by"""
    _EVENT = "INSERT INTO events (at, actor, entity, ref, action, before, after) VALUES (?, ?, 'fee', ?, ?, ?, ?)"

    def __init__(self, db: Database, now: str, actor: str, source: str):
        self.db, self.now, self.actor, self.source = db, now, actor, source
        self.rows: list[tuple] = []
        self.events: list[tuple] = []
        self._known: dict[str, dict[int, tuple[int, int]]] = {}

    def existing(self, unit_id: int, period: str) -> tuple[int, int] | None:
        """(due, paid) already stored; loaded one period at a time."""
        if period not in self._known:
            self._known[period] = {r[0]: (r[1], r[2]) for r in self.db.query(
                "SELECT unit_id, due_fen, paid_fen FROM fees WHERE period = ?", (period,))}
        return self._known[period].get(unit_id)

    def put(self, unit_id: int, ref: str, period: str, due: int, paid: int, action: str, before, after) -> None:
        self.rows.append((unit_id, period, due, paid, self.source, self.now, self.actor))
        self.events.append((self.now, self.actor, ref, action, before, after))
        self._known.setdefault(period, {})[unit_id] = (due, paid)
        if len(self.rows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.db.executemany(self._SQL, self.rows)
            self.db.executemany(self._EVENT, self.events)
            self.rows.clear()
            self.events.clear()


# status and risk ------------------------------------------------------------------
def latest_period(db: Database, until: str) -> str | None:
    return db.scalar("SELECT max(period) FROM fees WHERE period <= ?", (until,))


def by_building(db: Database, months: list[str]) -> list[dict]:
    marks = ", ".join("?" * len(months))
    return [dict(r) for r in db.query(
        f"""SELECT coalesce(u.building, '') AS building, count(DISTINCT f.unit_id) AS units,
                   sum(f.due_fen) AS due_fen, sum(f.paid_fen) AS paid_fen,
                   sum(max(f.due_fen - f.paid_fen, 0)) AS owed_fen,
                   count(DISTINCT CASE WHEN f.paid_fen < f.due_fen THEN f.unit_id END) AS units_in_arrears
            FROM fees f JOIN units u ON u.id = f.unit_id WHERE f.period IN ({marks})
            GROUP BY 1 ORDER BY 1""", months)]


def overall(db: Database, months: list[str]) -> dict:
    marks = ", ".join("?" * len(months))
    return dict(db.one(
        f"""SELECT count(DISTINCT unit_id) AS units, coalesce(sum(due_fen), 0) AS due_fen,
                   coalesce(sum(paid_fen), 0) AS paid_fen, coalesce(sum(max(due_fen - paid_fen, 0)), 0) AS owed_fen,
                   count(DISTINCT CASE WHEN paid_fen < due_fen THEN unit_id END) AS units_in_arrears
            FROM fees WHERE period IN ({marks})""", months))


_ARREARS = """arrears AS (SELECT unit_id, sum(due_fen) - sum(paid_fen) AS owed, sum(paid_fen < due_fen) AS months
                          FROM fees GROUP BY unit_id HAVING owed > 0)"""


def arrears(db: Database) -> dict[int, dict]:
    """Units owing money over all periods: unit id → {unit, building, owed_fen, months, owner}."""
    rows = db.query(
        f"""WITH {_ARREARS}
            SELECT a.unit_id, u.code, u.building, a.owed, a.months,
                   (SELECT p.name FROM person_units l JOIN people p ON p.id = l.person_id
                     WHERE l.unit_id = a.unit_id AND l.role = 'owner' AND l."end" IS NULL ORDER BY l.id LIMIT 1)
            FROM arrears a JOIN units u ON u.id = a.unit_id""")
    return {r[0]: {"unit": r[1], "building": r[2] or "", "owed_fen": r[3], "months": r[4], "owner": r[5] or ""}
            for r in rows}


def trouble(db: Database, since: str) -> list[tuple[int, str, str]]:
    """(unit id, reason, case number) for units in arrears: open complaints, repeat or reopened
    complaints since ``since``, unsatisfied revisits (complaints and repairs) since ``since``.
    Complaints are read unit by unit (few per unit); revisits from the steps index, where only a
    reopened case can have had an unsatisfied verdict (it always reopens the case)."""
    out = []
    for unit_id, number, is_open, repeat, reopened in db.query(
            f"""WITH {_ARREARS}
                SELECT c.unit_id, c.number, c.closed_at IS NULL,
                       c.repeat_of IS NOT NULL AND c.recorded_at >= :since AND c.status != 'cancelled',
                       c.reopen_count > 0 AND c.updated_at >= :since
                FROM arrears a CROSS JOIN cases c ON c.unit_id = a.unit_id AND c.kind = 'complaint'
                WHERE c.closed_at IS NULL OR c.recorded_at >= :since OR c.updated_at >= :since""", {"since": since}):
        for reason, flag in (("open", is_open), ("repeat", repeat), ("reopened", reopened)):
            if flag:
                out.append((unit_id, reason, number))
    out += [tuple(r) for r in db.query(
        f"""WITH {_ARREARS}
            SELECT c.unit_id, 'unsatisfied', c.number FROM case_steps s CROSS JOIN cases c ON c.id = s.case_id
            WHERE s.step = 'revisited' AND s.done_at >= :since AND c.reopen_count > 0
              AND c.unit_id IN (SELECT unit_id FROM arrears)
              AND json_extract(s.fields, '$.verdict') = 'unsatisfied'""", {"since": since})]
    return sorted(out)


# demo fees ---------------------------------------------------------------------------
def demo_units(db: Database, statuses) -> list[tuple]:
    """(id, code, type, area) of the units in these statuses, the ones billed in the demo."""
    marks = ", ".join("?" * len(statuses))
    return [tuple(r) for r in db.query(
        f"SELECT id, code, type, area FROM units WHERE status IN ({marks}) ORDER BY id", tuple(statuses))]


def units_with_trouble(db: Database) -> set[int]:
    """Units with an open, repeat or reopened complaint."""
    return {r[0] for r in db.query(
        "SELECT DISTINCT unit_id FROM cases WHERE kind = 'complaint' AND unit_id IS NOT NULL "
        "AND (closed_at IS NULL OR repeat_of IS NOT NULL OR reopen_count > 0)")}


# staff adjustments ------------------------------------------------------------------
def add_adjustment(db: Database, row: dict) -> int:
    return db.insert("staff_adjustments", row)


def adjustments(db: Database, month: str) -> list[dict]:
    return [dict(r) for r in db.query(
        "SELECT * FROM staff_adjustments WHERE month = ? ORDER BY staff_code, id", (month,))]
