"""SQL for the office's calendar days (holidays / make-up workdays) and the SLA table."""
from __future__ import annotations

from datetime import date

from pmcs.core.sla import DEFAULT_SLA


def m005_calendar_and_sla(db):
    """Migration: calendar_days and sla, the latter seeded with the default SLA table.

    ``db`` is a sqlite_utils.Database (registered in store/schema.py).
    """
    db.execute(
        """CREATE TABLE calendar_days (
            day TEXT PRIMARY KEY,
            workday INTEGER NOT NULL CHECK (workday IN (0, 1)),
            note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE sla (
            key TEXT NOT NULL,
            variant TEXT NOT NULL,
            duration TEXT NOT NULL,
            updated_at TEXT,
            PRIMARY KEY (key, variant)
        )"""
    )
    db.conn.executemany(
        "INSERT INTO sla (key, variant, duration) VALUES (?, ?, ?)",
        [(k, v, d) for (k, v), d in DEFAULT_SLA.items()],
    )


def m016_calendar_package_baseline(db):
    """Migration: remember the last year the installed chinese-calendar knows (one row). A
    later upgrade that knows more years makes pmcs count open deadlines in those years again
    (services/deadlines.py: catch_up); deadlines counted before this migration are taken as
    counted with the package installed now."""
    from pmcs.core.calendar import package_years

    db.execute("CREATE TABLE calendar_package (id INTEGER PRIMARY KEY CHECK (id = 1), last_year INTEGER NOT NULL)")
    span = package_years()
    if span is not None:
        db.execute("INSERT INTO calendar_package (id, last_year) VALUES (1, ?)", (span[1],))


def package_last_year(db) -> int | None:
    """The last year chinese-calendar knew when the open deadlines were counted."""
    return db.scalar("SELECT last_year FROM calendar_package WHERE id = 1")


def set_package_last_year(db, year: int) -> None:
    db.execute("INSERT INTO calendar_package (id, last_year) VALUES (1, ?) "
               "ON CONFLICT(id) DO UPDATE SET last_year = excluded.last_year", (year,))


# calendar days --------------------------------------------------------------
def overrides(db) -> dict[date, bool]:
    return {date.fromisoformat(r[0]): bool(r[1]) for r in db.query("SELECT day, workday FROM calendar_days")}


def notes(db, year: int | None = None) -> dict[date, str]:
    return {date.fromisoformat(r["day"]): r["note"] for r in list_days(db, year) if r["note"]}


def get_day(db, day: date) -> dict | None:
    return db.one_dict("SELECT * FROM calendar_days WHERE day = ?", (day.isoformat(),))


def set_day(db, day: date, workday: bool, note: str | None, now: str) -> dict | None:
    """Insert or replace one day; returns the row it replaced (None if new)."""
    before = get_day(db, day)
    db.execute(
        """INSERT INTO calendar_days (day, workday, note, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (day) DO UPDATE SET workday = excluded.workday, note = excluded.note, updated_at = ?""",
        (day.isoformat(), int(workday), note, now, now),
    )
    return before


def delete_day(db, day: date) -> None:
    db.execute("DELETE FROM calendar_days WHERE day = ?", (day.isoformat(),))


def list_days(db, year: int | None = None) -> list[dict]:
    if year is None:
        rows = db.query("SELECT * FROM calendar_days ORDER BY day")
    else:
        rows = db.query("SELECT * FROM calendar_days WHERE day >= ? AND day < ? ORDER BY day",
                        (f"{year:04d}-01-01", f"{year + 1:04d}-01-01"))
    return [dict(r) for r in rows]


# SLA ------------------------------------------------------------------------
def sla_table(db) -> dict[tuple[str, str], str]:
    return {(r[0], r[1]): r[2] for r in db.query("SELECT key, variant, duration FROM sla")}


def sla_rows(db) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM sla ORDER BY key, variant")]


def get_sla(db, key: str, variant: str) -> dict | None:
    return db.one_dict("SELECT * FROM sla WHERE key = ? AND variant = ?", (key, variant))


def set_sla(db, key: str, variant: str, duration: str, now: str) -> dict | None:
    """Insert or replace one duration; returns the row it replaced (None if new)."""
    before = get_sla(db, key, variant)
    db.execute(
        """INSERT INTO sla (key, variant, duration, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (key, variant) DO UPDATE SET duration = excluded.duration, updated_at = excluded.updated_at""",
        (key, variant, duration, now),
    )
    return before
