"""SQL for renovation permits: applications, their documents, fees (in fen),
worker passes and patrol inspections."""
from __future__ import annotations

from pmcs.store.db import Database


def create_renovation_tables(db) -> None:
    """Part of migration m009_handover_renovation (store/handover.py)."""
    states = "'applied', 'approved', 'in_progress', 'failed', 'passed', 'refunded', 'closed', 'cancelled'"
    db.execute(
        f"""CREATE TABLE renovations (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            year INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            applicant_id INTEGER REFERENCES people(id),
            contractor TEXT NOT NULL,
            manager TEXT NOT NULL,
            manager_phone TEXT NOT NULL,
            workers INTEGER,
            start TEXT NOT NULL,
            "end" TEXT NOT NULL,
            end_due_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ({states})),
            unit_status_before TEXT,
            applied_at TEXT NOT NULL,
            applied_by TEXT,
            approved_at TEXT,
            approved_by TEXT,
            started_at TEXT,
            started_by TEXT,
            accepted_on TEXT,
            accepted_at TEXT,
            accepted_by TEXT,
            acceptance_note TEXT,
            refund_due_at TEXT,
            refund_fen INTEGER,
            refunded_at TEXT,
            refunded_by TEXT,
            closed_at TEXT,
            closed_by TEXT,
            cancel_reason TEXT,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE UNIQUE INDEX idx_renovations_seq ON renovations (year, seq)")
    db.execute("CREATE INDEX idx_renovations_unit ON renovations (unit_id, id)")
    db.execute("CREATE INDEX idx_renovations_status ON renovations (status, end_due_at)")
    db.execute(
        """CREATE TABLE renovation_docs (
            id INTEGER PRIMARY KEY,
            renovation_id INTEGER NOT NULL REFERENCES renovations(id),
            code TEXT NOT NULL,
            label_en TEXT NOT NULL,
            label_zh TEXT NOT NULL,
            required INTEGER NOT NULL DEFAULT 1,
            position INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'waived')),
            reason TEXT,
            by TEXT,
            at TEXT,
            UNIQUE (renovation_id, code)
        )"""
    )
    db.execute(
        """CREATE TABLE renovation_fees (
            id INTEGER PRIMARY KEY,
            renovation_id INTEGER NOT NULL REFERENCES renovations(id),
            kind TEXT NOT NULL CHECK (kind IN ('deposit', 'management', 'debris', 'utilities', 'pass')),
            amount_fen INTEGER NOT NULL,
            note TEXT,
            by TEXT,
            at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX idx_renovation_fees ON renovation_fees (renovation_id, kind)")
    db.execute(
        """CREATE TABLE renovation_passes (
            id INTEGER PRIMARY KEY,
            renovation_id INTEGER NOT NULL REFERENCES renovations(id),
            number TEXT NOT NULL,
            holder TEXT,
            issued_at TEXT NOT NULL,
            issued_by TEXT,
            returned_at TEXT,
            returned_by TEXT
        )"""
    )
    # a pass number is in one worker's hands at a time
    db.execute("CREATE UNIQUE INDEX idx_renovation_passes_out ON renovation_passes (number) WHERE returned_at IS NULL")
    db.execute("CREATE INDEX idx_renovation_passes_reno ON renovation_passes (renovation_id)")
    db.execute(
        """CREATE TABLE renovation_inspections (
            id INTEGER PRIMARY KEY,
            renovation_id INTEGER NOT NULL REFERENCES renovations(id),
            at TEXT NOT NULL,
            by TEXT,
            note TEXT,
            violation TEXT,
            deduction_fen INTEGER NOT NULL DEFAULT 0 CHECK (deduction_fen >= 0)
        )"""
    )
    db.execute("CREATE INDEX idx_renovation_inspections ON renovation_inspections (renovation_id)")
    db.execute(
        """CREATE VIEW active_renovations AS
           SELECT r.number, u.code AS unit, r.status, r.contractor, r.start, r."end", r.refund_due_at,
                  (SELECT coalesce(sum(amount_fen), 0) FROM renovation_fees f
                    WHERE f.renovation_id = r.id AND f.kind = 'deposit') AS deposit_fen,
                  (SELECT coalesce(sum(deduction_fen), 0) FROM renovation_inspections i
                    WHERE i.renovation_id = r.id) AS deductions_fen
           FROM renovations r JOIN units u ON u.id = r.unit_id
           WHERE r.status IN ('applied', 'approved', 'in_progress', 'failed', 'passed')"""
    )


RENO_SELECT = """SELECT r.*, u.code AS unit, p.name AS applicant_name,
    (SELECT coalesce(sum(amount_fen), 0) FROM renovation_fees f WHERE f.renovation_id = r.id AND f.kind = 'deposit')
      AS deposit_fen,
    (SELECT coalesce(sum(deduction_fen), 0) FROM renovation_inspections i WHERE i.renovation_id = r.id)
      AS deductions_fen
    FROM renovations r JOIN units u ON u.id = r.unit_id LEFT JOIN people p ON p.id = r.applicant_id"""


# a deposit is held: only then is a refund due
HOLDS_DEPOSIT = """EXISTS (SELECT 1 FROM renovation_fees f WHERE f.renovation_id = r.id AND f.kind = 'deposit'
                   GROUP BY f.renovation_id HAVING sum(f.amount_fen) > 0)"""


def by_number(db: Database, number: str) -> dict | None:
    return db.one_dict(RENO_SELECT + " WHERE r.number = ?", (number,))


def by_seq(db: Database, seq: int) -> dict | None:
    return db.one_dict(RENO_SELECT + " WHERE r.seq = ? ORDER BY r.year DESC LIMIT 1", (seq,))


def next_seq(db: Database, year: int) -> int:
    return db.scalar("SELECT coalesce(max(seq), 0) + 1 FROM renovations WHERE year = ?", (year,))


def live_for_unit(db: Database, unit_id: int, states) -> dict | None:
    marks = ", ".join("?" * len(states))
    return db.one_dict(RENO_SELECT + f" WHERE r.unit_id = ? AND r.status IN ({marks}) ORDER BY r.id DESC LIMIT 1",
                 (unit_id, *states))


def insert(db: Database, row: dict) -> int:
    return db.insert("renovations", row)


def update(db: Database, reno_id: int, changes: dict) -> None:
    db.update("renovations", reno_id, changes)


def insert_docs(db: Database, reno_id: int, docs) -> None:
    db.executemany(
        "INSERT INTO renovation_docs (renovation_id, code, label_en, label_zh, required, position) VALUES (?, ?, ?, ?, ?, ?)",
        [(reno_id, d.code, d.en, d.zh, int(d.required), n) for n, d in enumerate(docs, start=1)],
    )


def docs(db: Database, reno_id: int) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM renovation_docs WHERE renovation_id = ? ORDER BY position",
                                      (reno_id,))]


def update_doc(db: Database, doc_id: int, changes: dict) -> None:
    db.update("renovation_docs", doc_id, changes)


def fees(db: Database, reno_id: int) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM renovation_fees WHERE renovation_id = ? ORDER BY id", (reno_id,))]


def fee_total(db: Database, reno_id: int, kind: str) -> int:
    return db.scalar("SELECT coalesce(sum(amount_fen), 0) FROM renovation_fees WHERE renovation_id = ? AND kind = ?",
                     (reno_id, kind))


def insert_fee(db: Database, row: dict) -> int:
    return db.insert("renovation_fees", row)


def passes(db: Database, reno_id: int) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM renovation_passes WHERE renovation_id = ? ORDER BY id",
                                      (reno_id,))]


def pass_out(db: Database, number: str) -> dict | None:
    """The pass with this number that is in someone's hands, with its renovation's number."""
    return db.one_dict("""SELECT p.*, r.number AS renovation FROM renovation_passes p
                    JOIN renovations r ON r.id = p.renovation_id WHERE p.number = ? AND p.returned_at IS NULL""",
                 (number,))


def insert_pass(db: Database, row: dict) -> int:
    return db.insert("renovation_passes", row)


def return_pass(db: Database, pass_id: int, at: str, by: str) -> None:
    db.update("renovation_passes", pass_id, {"returned_at": at, "returned_by": by})


def inspections(db: Database, reno_id: int) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM renovation_inspections WHERE renovation_id = ? ORDER BY id",
                                      (reno_id,))]


def insert_inspection(db: Database, row: dict) -> int:
    return db.insert("renovation_inspections", row)


def list_renovations(db: Database, *, now: str, states=None, overdue=False, unit_id=None, limit=0) -> list[dict]:
    where, params = [], []
    if states:
        where.append(f"r.status IN ({', '.join('?' * len(states))})")
        params += list(states)
    if overdue:
        where.append(f"""((r.status = 'passed' AND r.refund_due_at < ? AND {HOLDS_DEPOSIT})
                         OR (r.status IN ('approved', 'in_progress', 'failed') AND r.end_due_at < ?))""")
        params += [now, now]
    if unit_id is not None:
        where.append("r.unit_id = ?")
        params.append(unit_id)
    sql = f"SELECT * FROM ({RENO_SELECT}{' WHERE ' + ' AND '.join(where) if where else ''}) ORDER BY year DESC, seq DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(r) for r in db.query(sql, params)]


def due_refunds(db: Database, until: str) -> list[dict]:
    """Passed acceptances whose deposit is due back at or before ``until`` (none is due when no deposit was paid)."""
    return [dict(r) for r in db.query(
        RENO_SELECT + f" WHERE r.status = 'passed' AND r.refund_due_at <= ? AND {HOLDS_DEPOSIT} ORDER BY r.id",
        (until,))]


def refunds_due_from(db: Database, since: str) -> list[dict]:
    """Passed acceptances whose deposit refund falls due at or after ``since``."""
    return [dict(r) for r in db.query(
        "SELECT id, number, accepted_on, accepted_at, refund_due_at FROM renovations "
        "WHERE status = 'passed' AND refund_due_at >= ? ORDER BY id", (since,))]


def due_overruns(db: Database, until: str) -> list[dict]:
    """Works still going on (not accepted) at the end of their last day."""
    return [dict(r) for r in db.query(
        RENO_SELECT + " WHERE r.status IN ('approved', 'in_progress', 'failed') AND r.end_due_at <= ? ORDER BY r.id",
        (until,))]
