"""Schema migrations: an ordered list of small named functions (sqlite-utils
``Migrations``), applied when the database opens.

Never edit a released migration; append a new one. The names applied to a
database are compared with this list first, with plain sqlite3 (fast path):
sqlite-utils is imported only when something is pending, and a database that
has migrations this code does not know was written by a newer pmcs and is
refused untouched.
"""
from __future__ import annotations

from pmcs.errors import UserError

SET_NAME = "pmcs"
MIGRATIONS: list = []  # (name, fn) in order; fn takes a sqlite_utils.Database
# The same names, written out: an up-to-date database is recognised without importing
# every store module (start-up time). A test checks this equals the registered list.
NAMES = (
    "m001_meta_and_events",
    "m002_units",
    "m003_people",
    "m004_staff",
    "m005_calendar_and_sla",
    "m006_cases",
    "m010_duties_and_comms",
    "m009_handover_renovation",
    "m008_surveys",
    "m011_report_indexes",
    "m012_fees_scores",
    "m007_case_indexes",
    "m013_open_work_index",
    "m014_survey_responses_index",
    "m015_open_steps_index",
    "m016_calendar_package_baseline",
    "m017_rectification_due_given",
)


def migration(fn):
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def known_names() -> list[str]:
    _load_all()
    return [name for name, _ in MIGRATIONS]


def applied_names(db) -> list[str]:
    exists = db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'")
    if not exists:
        return []
    return [r[0] for r in db.query("SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", (SET_NAME,))]


def migrate(db) -> None:
    applied = applied_names(db)
    if applied == list(NAMES):
        return
    known = known_names()
    unknown = [n for n in applied if n not in known]
    if unknown:
        raise UserError("error.db_newer", hint="hint.db_newer", path=str(db.path), names=", ".join(unknown))
    if applied == known:
        return
    from sqlite_utils.migrations import Migrations

    ms = Migrations(SET_NAME)
    for name, fn in MIGRATIONS:
        ms(name=name)(fn)
    su = db.sqlite_utils()
    with db.write():  # BEGIN IMMEDIATE: two processes opening a new file at once take turns
        unknown = [n for n in applied_names(db) if n not in known]
        if unknown:
            raise UserError("error.db_newer", hint="hint.db_newer", path=str(db.path), names=", ".join(unknown))
        ms.apply(su)


def _load_all() -> None:
    """Import every module that contributes migrations (kept in order). Not guarded by
    ``if MIGRATIONS``: another thread may be halfway through the import, and the import
    lock makes this one wait for it to finish."""
    from pmcs.store import schema  # noqa: F401  (registers its migrations)


def schema_version(db) -> int:
    return len(applied_names(db))
