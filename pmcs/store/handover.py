"""SQL for move-in handovers: the checklist template, handovers and their items,
meter readings, and rectification orders (验收整改单).

The migration m009_handover_renovation also creates the renovation tables
(their SQL is in store/renovation.py)."""
from __future__ import annotations

from pmcs.store.db import Database


def m009_handover_renovation(db):
    """Migration: handover template/handovers/items, meter readings, rectifications, renovations."""
    from pmcs.core.handover import DEFAULT_TEMPLATE
    from pmcs.store.renovation import create_renovation_tables

    db.execute(
        """CREATE TABLE handover_template (
            code TEXT PRIMARY KEY,
            section TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('check', 'count', 'reading')),
            label_en TEXT NOT NULL,
            label_zh TEXT NOT NULL,
            copies INTEGER NOT NULL DEFAULT 1,
            required INTEGER NOT NULL DEFAULT 1,
            note_en TEXT,
            note_zh TEXT,
            position INTEGER NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT
        )"""
    )
    db.conn.executemany(
        """INSERT INTO handover_template (code, section, kind, label_en, label_zh, copies, required, note_en, note_zh,
           position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(i.code, i.section, i.kind, i.en, i.zh, i.copies, int(i.required), i.note_en, i.note_zh, n)
         for n, i in enumerate(DEFAULT_TEMPLATE, start=1)],
    )
    db.execute(
        """CREATE TABLE handovers (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            person_id INTEGER NOT NULL REFERENCES people(id),
            status TEXT NOT NULL CHECK (status IN ('open', 'completed', 'cancelled')),
            date TEXT NOT NULL,
            started_at TEXT NOT NULL,
            started_by TEXT,
            completed_at TEXT,
            completed_by TEXT,
            cancelled_at TEXT,
            cancel_reason TEXT,
            updated_at TEXT NOT NULL
        )"""
    )
    # one live (open or completed) handover per unit
    db.execute("CREATE UNIQUE INDEX idx_handovers_unit_live ON handovers (unit_id) WHERE status != 'cancelled'")
    db.execute("CREATE INDEX idx_handovers_status ON handovers (status, date)")
    db.execute(
        """CREATE TABLE handover_checks (
            id INTEGER PRIMARY KEY,
            handover_id INTEGER NOT NULL REFERENCES handovers(id),
            code TEXT NOT NULL,
            section TEXT NOT NULL,
            kind TEXT NOT NULL,
            label_en TEXT NOT NULL,
            label_zh TEXT NOT NULL,
            copies INTEGER NOT NULL DEFAULT 1,
            required INTEGER NOT NULL DEFAULT 1,
            note_en TEXT,
            note_zh TEXT,
            position INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'waived')),
            value TEXT,
            reason TEXT,
            note TEXT,
            by TEXT,
            at TEXT,
            UNIQUE (handover_id, code)
        )"""
    )
    db.execute(
        """CREATE TABLE meter_readings (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            meter TEXT NOT NULL,
            reading REAL NOT NULL,
            read_on TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT,
            handover_id INTEGER REFERENCES handovers(id),
            UNIQUE (handover_id, meter)
        )"""
    )
    db.execute("CREATE INDEX idx_meter_readings_unit ON meter_readings (unit_id, meter, recorded_at)")
    db.execute(
        """CREATE TABLE rectifications (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            year INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            handover_id INTEGER REFERENCES handovers(id),
            text TEXT NOT NULL,
            size TEXT NOT NULL CHECK (size IN ('small', 'large')),
            handler TEXT,
            status TEXT NOT NULL CHECK (status IN ('open', 'fixed', 'closed')),
            due_at TEXT,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT,
            fixed_at TEXT,
            fixed_by TEXT,
            fix_note TEXT,
            revisit_due_at TEXT,
            revisited_at TEXT,
            revisited_by TEXT,
            verdict TEXT,
            comment TEXT,
            reopen_count INTEGER NOT NULL DEFAULT 0,
            closed_at TEXT,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE UNIQUE INDEX idx_rectifications_seq ON rectifications (year, seq)")
    db.execute("CREATE INDEX idx_rectifications_open ON rectifications (due_at) WHERE closed_at IS NULL")
    db.execute("CREATE INDEX idx_rectifications_unit ON rectifications (unit_id, id)")
    db.execute(
        """CREATE VIEW open_rectifications AS
           SELECT r.number, u.code AS unit, r.size, r.status, r.text, r.handler,
                  CASE r.status WHEN 'fixed' THEN r.revisit_due_at ELSE r.due_at END AS due_at
           FROM rectifications r JOIN units u ON u.id = r.unit_id WHERE r.closed_at IS NULL"""
    )
    create_renovation_tables(db)


# the template -------------------------------------------------------------------
def template(db: Database, include_inactive: bool = False) -> list[dict]:
    sql = "SELECT * FROM handover_template" + ("" if include_inactive else " WHERE active = 1")
    return [dict(r) for r in db.query(sql + " ORDER BY position")]


def template_item(db: Database, code: str) -> dict | None:
    return db.one_dict("SELECT * FROM handover_template WHERE code = ?", (code,))


def next_position(db: Database) -> int:
    return db.scalar("SELECT coalesce(max(position), 0) + 1 FROM handover_template")


def save_template_item(db: Database, item: dict, now: str) -> None:
    """Insert a new item, or bring back a removed one with new values."""
    cols = ("code", "section", "kind", "label_en", "label_zh", "copies", "required", "note_en", "note_zh", "position")
    db.execute(
        f"""INSERT INTO handover_template ({", ".join(cols)}, active, updated_at)
            VALUES ({", ".join("?" * len(cols))}, 1, ?)
            ON CONFLICT (code) DO UPDATE SET section = excluded.section, kind = excluded.kind,
              label_en = excluded.label_en, label_zh = excluded.label_zh, copies = excluded.copies,
              required = excluded.required, note_en = excluded.note_en, note_zh = excluded.note_zh,
              position = excluded.position, active = 1, updated_at = excluded.updated_at""",
        [item.get(c) for c in cols] + [now],
    )


def deactivate_template_item(db: Database, code: str, now: str) -> None:
    db.execute("UPDATE handover_template SET active = 0, updated_at = ? WHERE code = ?", (now, code))


# handovers ------------------------------------------------------------------------
HANDOVER_SELECT = """SELECT h.*, u.code AS unit, u.status AS unit_status, p.name AS owner_name
                     FROM handovers h JOIN units u ON u.id = h.unit_id JOIN people p ON p.id = h.person_id"""


def live_handover(db: Database, unit_id: int) -> dict | None:
    """The unit's open or completed handover (there is at most one)."""
    return db.one_dict(HANDOVER_SELECT + " WHERE h.unit_id = ? AND h.status != 'cancelled'", (unit_id,))


def latest_handover(db: Database, unit_id: int) -> dict | None:
    return db.one_dict(HANDOVER_SELECT + " WHERE h.unit_id = ? ORDER BY h.status = 'cancelled', h.id DESC LIMIT 1", (unit_id,))


def list_handovers(db: Database, *, status=None, building=None, limit=0) -> list[dict]:
    where, params = [], []
    if status:
        where.append("h.status = ?")
        params.append(status)
    if building:
        where.append("u.building = ?")
        params.append(building)
    sql = f"""SELECT x.*,
                (SELECT count(*) FROM handover_checks c WHERE c.handover_id = x.id) AS items,
                (SELECT count(*) FROM handover_checks c WHERE c.handover_id = x.id AND c.state != 'open') AS settled,
                (SELECT count(*) FROM handover_checks c WHERE c.handover_id = x.id AND c.state = 'open'
                   AND c.required = 1) AS blocking,
                (SELECT count(*) FROM rectifications r WHERE r.handover_id = x.id AND r.closed_at IS NULL) AS defects
              FROM ({HANDOVER_SELECT}{" WHERE " + " AND ".join(where) if where else ""}) x
              ORDER BY x.status != 'open', x.date DESC, x.unit"""
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(r) for r in db.query(sql, params)]


def insert_handover(db: Database, row: dict) -> int:
    return db.insert("handovers", row)


def copy_template(db: Database, handover_id: int) -> None:
    db.execute(
        """INSERT INTO handover_checks (handover_id, code, section, kind, label_en, label_zh, copies, required,
                                        note_en, note_zh, position)
           SELECT ?, code, section, kind, label_en, label_zh, copies, required, note_en, note_zh, position
           FROM handover_template WHERE active = 1""",
        (handover_id,),
    )


def update_handover(db: Database, handover_id: int, changes: dict) -> None:
    db.update("handovers", handover_id, changes)


def checks(db: Database, handover_id: int) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM handover_checks WHERE handover_id = ? ORDER BY position",
                                      (handover_id,))]


def update_check(db: Database, check_id: int, changes: dict) -> None:
    db.update("handover_checks", check_id, changes)


# meter readings --------------------------------------------------------------------
def previous_reading(db: Database, unit_id: int, meter: str, handover_id: int):
    """The unit's latest reading of a meter recorded outside this handover (None if there is none)."""
    return db.scalar(
        """SELECT reading FROM meter_readings WHERE unit_id = ? AND meter = ? AND handover_id IS NOT ?
           ORDER BY read_on DESC, id DESC LIMIT 1""",
        (unit_id, meter, handover_id),
    )


def save_reading(db: Database, row: dict) -> None:
    db.execute(
        """INSERT INTO meter_readings (unit_id, meter, reading, read_on, recorded_at, recorded_by, handover_id)
           VALUES (:unit_id, :meter, :reading, :read_on, :recorded_at, :recorded_by, :handover_id)
           ON CONFLICT (handover_id, meter) DO UPDATE SET reading = excluded.reading, read_on = excluded.read_on,
             recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by""",
        row,
    )


# rectification orders --------------------------------------------------------------
RECT_SELECT = """SELECT r.*, u.code AS unit FROM rectifications r JOIN units u ON u.id = r.unit_id"""


def rect_by_number(db: Database, number: str) -> dict | None:
    return db.one_dict(RECT_SELECT + " WHERE r.number = ?", (number,))


def rect_by_seq(db: Database, seq: int) -> dict | None:
    return db.one_dict(RECT_SELECT + " WHERE r.seq = ? ORDER BY r.year DESC LIMIT 1", (seq,))


def next_rect_seq(db: Database, year: int) -> int:
    return db.scalar("SELECT coalesce(max(seq), 0) + 1 FROM rectifications WHERE year = ?", (year,))


def m017_rectification_due_given(db):
    """Migration: whether a rectification order's deadline is a date the clerk gave (--due)
    rather than the SLA's count: a calendar change counts only the latter again
    (services/rectification.py: recount_deadlines). Orders before it count as not given."""
    db.execute("ALTER TABLE rectifications ADD COLUMN due_given INTEGER NOT NULL DEFAULT 0")


def insert_rect(db: Database, row: dict) -> int:
    return db.insert("rectifications", row)


def update_rect(db: Database, rect_id: int, changes: dict) -> None:
    db.update("rectifications", rect_id, changes)


def list_rects(db: Database, *, now: str, open_only=False, overdue=False, unit_id=None, handover_id=None,
               limit=0) -> list[dict]:
    where, params = [], []
    if open_only or overdue:
        where.append("r.closed_at IS NULL")
    if overdue:
        where.append("CASE r.status WHEN 'fixed' THEN r.revisit_due_at ELSE r.due_at END < ?")
        params.append(now)
    for column, value in (("r.unit_id", unit_id), ("r.handover_id", handover_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = RECT_SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY r.closed_at IS NOT NULL, CASE r.status WHEN 'fixed' THEN r.revisit_due_at ELSE r.due_at END, r.id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(r) for r in db.query(sql, params)]


def due_rects(db: Database, until: str) -> list[dict]:
    """Open orders whose fix, or fixed orders whose revisit, falls due at or before ``until``."""
    return [dict(r) for r in db.query(
        RECT_SELECT + """ WHERE r.closed_at IS NULL
           AND CASE r.status WHEN 'fixed' THEN r.revisit_due_at ELSE r.due_at END <= ? ORDER BY r.id""", (until,))]


def rects_due_from(db: Database, since: str) -> list[dict]:
    """Open orders whose fix, and fixed orders whose revisit, falls due at or after ``since``."""
    return [dict(r) for r in db.query(
        RECT_SELECT + """ WHERE r.closed_at IS NULL
           AND CASE r.status WHEN 'fixed' THEN r.revisit_due_at ELSE r.due_at END >= ? ORDER BY r.id""", (since,))]


# people and units the handover screens name ------------------------------------------
def staff_names(db: Database) -> dict[str, str]:
    """Staff code → name, to show who ticked or entered something."""
    return {r[0]: r[1] for r in db.query("SELECT code, name FROM staff")}


def unit_status(db: Database, unit_id: int) -> str | None:
    return db.scalar("SELECT status FROM units WHERE id = ?", (unit_id,))


# demo data (services/demo_handover.py) -------------------------------------------------
def has_handovers_or_renovations(db: Database) -> bool:
    return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM handovers) OR EXISTS (SELECT 1 FROM renovations)"))


def active_staff_codes(db: Database, team: str, role: str | None = None) -> list[str]:
    sql = "SELECT code FROM staff WHERE team = ? AND active = 1"
    params: list = [team]
    if role:
        sql += " AND role = ?"
        params.append(role)
    return [r[0] for r in db.query(sql + " ORDER BY code", params)]


def vacant_residential_units(db: Database, limit: int) -> list[str]:
    return [r[0] for r in db.query(
        "SELECT code FROM units WHERE status = 'vacant' AND type = 'residential' ORDER BY building DESC, code LIMIT ?",
        (limit,))]


def tenants_without_own_flat(db: Database, limit: int) -> list[int]:
    """People renting in the estate who own no unit (the demo's buyers)."""
    return [r[0] for r in db.query(
        """SELECT DISTINCT person_id FROM person_units WHERE role = 'tenant' AND "end" IS NULL
           AND person_id NOT IN (SELECT person_id FROM person_units WHERE role = 'owner') ORDER BY person_id LIMIT ?""",
        (limit,))]


def owned_handed_over_units(db: Database, limit: int) -> list[str]:
    """Handed-over residential units with a current owner (the demo's renovations)."""
    return [r[0] for r in db.query(
        """SELECT u.code FROM units u WHERE u.status = 'handed_over' AND u.type = 'residential'
           AND EXISTS (SELECT 1 FROM person_units l WHERE l.unit_id = u.id AND l.role = 'owner' AND l."end" IS NULL)
           ORDER BY u.code LIMIT ?""", (limit,))]
