"""Bulk inserts for the demo estate (``pmcs demo``): executemany, no per-row events."""
from __future__ import annotations

from pmcs.store.db import Database
from pmcs.store.registry import PERSON_COLS, STAFF_COLS, UNIT_COLS


def _insert_sql(table: str, cols) -> str:
    names = ", ".join(f'"{c}"' for c in (*cols, "created_at", "updated_at"))
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * (len(cols) + 2))})'


def staff_codes(db: Database) -> set[str]:
    return {r[0].upper() for r in db.query("SELECT code FROM staff")}


def unit_codes(db: Database) -> dict[str, int]:
    return {r[0]: r[1] for r in db.query("SELECT code, id FROM units")}


def people_keys(db: Database) -> dict:
    """Who is already there: ID number → id, and (name, phone) → id for people without one."""
    keys: dict = {}
    for pid, name, phone, id_number in db.query("SELECT id, name, phone, id_number FROM people ORDER BY id"):
        keys.setdefault(id_number if id_number else (name, phone), pid)
    return keys


def link_keys(db: Database) -> set[tuple[int, int, str]]:
    """(person, unit, role) of every link, current or ended."""
    return {(r[0], r[1], r[2]) for r in db.query("SELECT person_id, unit_id, role FROM person_units")}


def insert_staff(db: Database, rows: list[dict], now: str) -> int:
    db.executemany(_insert_sql("staff", STAFF_COLS), ([*(r.get(c) for c in STAFF_COLS), now, now] for r in rows))
    return len(rows)


def insert_units(db: Database, rows: list[dict], now: str) -> dict[str, int]:
    """Insert units; return code → id of every unit in the table."""
    db.executemany(_insert_sql("units", UNIT_COLS), ([*(r.get(c) for c in UNIT_COLS), now, now] for r in rows))
    return unit_codes(db)


def insert_people(db: Database, rows: list[dict], now: str) -> list[int]:
    """Insert people; return their new ids in the order given.

    Inside one write transaction SQLite gives each new row max(id) + 1, so the
    rows above the old maximum, in id order, are exactly these rows.
    """
    base = db.scalar("SELECT coalesce(max(id), 0) FROM people")
    db.executemany(_insert_sql("people", PERSON_COLS), ([*(r.get(c) for c in PERSON_COLS), now, now] for r in rows))
    ids = [r[0] for r in db.query("SELECT id FROM people WHERE id > ? ORDER BY id", (base,))]
    if len(ids) != len(rows):  # pragma: no cover - would mean someone else wrote inside our transaction
        raise RuntimeError(f"expected {len(rows)} new people, found {len(ids)}")
    return ids


def insert_links(db: Database, rows: list[tuple], now: str) -> int:
    """rows: (person_id, unit_id, role, start, end)."""
    db.executemany(
        'INSERT INTO person_units (person_id, unit_id, role, start, "end", created_at) VALUES (?, ?, ?, ?, ?, ?)',
        ([*r, now] for r in rows),
    )
    return len(rows)
