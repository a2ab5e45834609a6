"""The database: one opener, permissions, pragmas, migrations, transactions, events."""
import os
import sqlite3
import stat
import threading

import pytest

from pmcs.errors import UserError
from pmcs.store import open_db
from pmcs.store.migrations import known_names


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_database_is_private_wal_with_foreign_keys(db_path):
    db = open_db(db_path)
    assert mode(db_path) == 0o600
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.scalar("PRAGMA busy_timeout") >= 5000
    db.execute("CREATE TABLE probe (x)")  # makes the -wal file exist
    for suffix in ("-wal", "-shm"):
        if os.path.exists(str(db_path) + suffix):
            assert mode(str(db_path) + suffix) == 0o600
    db.close()


def test_written_out_names_are_the_registered_migrations_in_order():
    from pmcs.store.migrations import NAMES

    assert list(NAMES) == known_names()


def test_blank_database_gets_every_migration_and_reapplying_changes_nothing(db_path):
    db = open_db(db_path)
    applied = [r[0] for r in db.query("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    assert applied == known_names()
    schema = db.query("SELECT sql FROM sqlite_master ORDER BY name")
    db.close()
    db = open_db(db_path)
    assert db.query("SELECT sql FROM sqlite_master ORDER BY name") == schema
    assert db.scalar("SELECT count(*) FROM _sqlite_migrations") == len(known_names())
    db.close()


def test_database_from_a_newer_pmcs_is_refused_untouched(db_path):
    open_db(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('pmcs', 'm999_future', 'x')")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(UserError) as e:
        open_db(db_path)
    assert e.value.key == "error.db_newer"
    assert "m999_future" in e.value.message()
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("this is not a database " * 100)
    with pytest.raises(UserError) as e:
        open_db(bad)
    assert e.value.key == "error.db_not_sqlite"


def test_events_are_append_only(db_path):
    db = open_db(db_path)
    with db.write():
        db.event(at="2026-01-01T00:00:00Z", actor="x", entity="unit", ref="1-1-101", action="create", after={"a": 1})
    with pytest.raises(sqlite3.DatabaseError):
        with db.write():
            db.execute("UPDATE events SET actor = 'y'")
    with pytest.raises(sqlite3.DatabaseError):
        with db.write():
            db.execute("DELETE FROM events")
    assert db.scalar("SELECT actor FROM events") == "x"
    db.close()


def test_write_rolls_back_everything_on_error(db_path):
    db = open_db(db_path)
    with pytest.raises(RuntimeError):
        with db.write():
            db.execute("INSERT INTO meta (key, value) VALUES ('a', 'b')")
            raise RuntimeError("boom")
    assert db.scalar("SELECT count(*) FROM meta") == 0
    db.close()


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO meta (key, value) VALUES ('held', '1')")
print("holding", flush=True)
time.sleep(2)
conn.execute("COMMIT")
"""


def test_a_write_waits_for_another_process_holding_the_write_lock(db_path, pmcs):
    import subprocess
    import sys

    open_db(db_path).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        result = pmcs("unit", "add", "1-1-101")
    finally:
        holder.wait(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert pmcs.rows("SELECT code FROM units") == [("1-1-101",)]
    assert pmcs.rows("SELECT value FROM meta WHERE key = 'held'") == [("1",)]


def test_two_processes_creating_the_same_new_database_both_succeed(tmp_path):
    path = tmp_path / "race.db"
    errors = []

    def opener():
        try:
            open_db(path).close()
        except Exception as e:  # pragma: no cover - the failure we guard against
            errors.append(e)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    db = open_db(path)
    assert db.scalar("SELECT count(*) FROM _sqlite_migrations") == len(known_names())
    db.close()


# query plans on the hot paths (docs/performance.md): each must find its rows through an
# index, never by scanning the 1,000,000 cases or 5,000,000 steps of a large office
def _plan(db, sql: str, params=()) -> str:
    return " | ".join(r[3] for r in db.query("EXPLAIN QUERY PLAN " + sql, params))


def test_open_work_is_read_from_the_open_work_indexes(db_path):
    from pmcs.store import office

    db = open_db(db_path)
    calls = []
    real_query = db.query

    def spy(sql, params=()):
        calls.append((sql, params))
        return real_query(sql, params)

    db.query = spy
    office.due_open_steps(db, "2026-11-30T00:00:00Z")
    office.open_by_step(db)
    db.query = real_query
    plans = [_plan(db, sql, params) for sql, params in calls]
    assert "COVERING INDEX idx_cases_open_work" in plans[0], plans[0]
    assert "COVERING INDEX idx_cases_open_steps" in plans[1] and "TEMP B-TREE" not in plans[1], plans[1]


def test_the_weeks_counts_search_indexes_instead_of_scanning(db_path):
    from pmcs.store import office

    db = open_db(db_path)
    calls = []
    real_one = db.one

    def spy(sql, params=()):
        calls.append((sql, params))
        return real_one(sql, params)

    db.one = spy
    counts = office.week_counts(db, "2026-11-22T16:00:00Z")
    db.one = real_one
    assert counts == {"new": 0, "closed": 0, "steps_done": 0, "on_time": 0}
    for sql, params in calls:
        plan = _plan(db, sql, params).replace("SCAN CONSTANT ROW", "")
        assert "SCAN" not in plan and "INDEX" in plan, plan
