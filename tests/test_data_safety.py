"""Data safety: backups restore to an identical database, older databases
migrate forward with nothing lost, and every file holding personal data is
private to its owner (mode 0600) even under the usual umask 022.

(A database from a newer pmcs is refused untouched: tests/test_store.py.)
"""
from __future__ import annotations

import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from pmcs.store import open_db
from pmcs.store.migrations import MIGRATIONS, SET_NAME, _load_all, known_names
from pmcs_proc import PMCS, check_db, file_mode, lock_held, ok, rows, run, start, write_people_csv

FIXTURES = Path(__file__).parent / "fixtures"
needs_script = pytest.mark.skipif(PMCS is None, reason="the pmcs console script is not installed")


def snapshot(path) -> dict:
    """Every table's columns and rows (by rowid), and the schema objects."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {"_schema": conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()}
        for table in tables:
            cur = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')  # names from sqlite_master, not user text
            out[table] = ([d[0] for d in cur.description], cur.fetchall())
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo estate (every table filled), built once by the installed pmcs."""
    if PMCS is None:
        pytest.skip("the pmcs console script is not installed")
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    ok(run(db, "demo"))
    return db


# --- backups ------------------------------------------------------------------

@needs_script
def test_backup_restores_to_an_identical_database(demo_db, tmp_path):
    db = tmp_path / "office.db"
    shutil.copyfile(demo_db, db)
    ok(run(db, "complaint", "add", "--unit", "1-1-101", "--channel", "phone", "--category", "fees",
           "--description", "物业费疑问", "--remedy", "解释", actor="S001"))  # a fresh write still in the -wal
    backup = tmp_path / "copies" / "backup.db"
    backup.parent.mkdir()  # the backup's folder is there (a mounted drive); pmcs makes none
    ok(run(db, "db", "backup", backup))
    assert not Path(f"{backup}-wal").exists()  # one self-contained file
    source = snapshot(db)
    assert len(source) > 25 and sum(len(v[1]) for k, v in source.items() if k != "_schema") > 10_000
    # restore: the backup copied into place is the database again, identical in every table
    restored = tmp_path / "restored" / "office.db"
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    assert snapshot(restored) == source
    check_db(restored)
    ok(run(restored, "complaint", "show", rows(db, "SELECT number FROM cases ORDER BY id DESC LIMIT 1")[0][0]))
    assert snapshot(db) == source  # the backup changed nothing in the source


@needs_script
def test_backup_taken_during_an_import_is_a_consistent_snapshot(tmp_path):
    db = tmp_path / "office.db"
    ok(run(db, "init"))
    people = write_people_csv(tmp_path / "people.csv", 10_000, 1)
    p = start(db, "person", "import", people)
    try:
        while p.poll() is None and not lock_held(db):  # the import is writing
            time.sleep(0.005)
        ok(run(db, "db", "backup", tmp_path / "during.db"))
    finally:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    check_db(tmp_path / "during.db")
    count = rows(tmp_path / "during.db", "SELECT count(*) FROM people")[0][0]
    assert count in (0, 10_000)  # before or after the import's transaction, never inside it
    assert rows(tmp_path / "during.db", "SELECT count(*) FROM events WHERE entity = 'person'")[0][0] == count


# --- migrations -----------------------------------------------------------------

def _apply_first(path: Path, n: int) -> None:
    """A database as a pmcs that knew only the first n migrations left it."""
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

    _load_all()
    ms = Migrations(SET_NAME)
    for name, fn in MIGRATIONS:
        ms(name=name)(fn)
    db = sqlite_utils.Database(path)
    ms.apply(db, stop_before=MIGRATIONS[n][0])
    db.close()


def _fill_from(path: Path, source: Path) -> None:
    """Copy the demo's rows into every table this older schema has (its columns only)."""
    conn = sqlite3.connect(path)
    conn.execute("ATTACH DATABASE ? AS src", (str(source),))
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' "
        "AND name NOT LIKE 'sqlite%'")]
    with conn:
        for table in tables:
            cols = [r[1] for r in conn.execute(f'PRAGMA main.table_info("{table}")')]
            have = {r[1] for r in conn.execute(f'PRAGMA src.table_info("{table}")')}
            names = ", ".join(f'"{c}"' for c in cols if c in have)
            conn.execute(f'INSERT OR REPLACE INTO main."{table}" ({names}) SELECT {names} FROM src."{table}" '
                         "ORDER BY rowid")
    conn.close()


@needs_script
@pytest.mark.parametrize("n", range(1, 11))
def test_a_database_of_an_older_schema_migrates_forward_with_nothing_lost(demo_db, tmp_path, n):
    _load_all()
    assert n < len(MIGRATIONS)
    db = tmp_path / "older.db"
    _apply_first(db, n)
    _fill_from(db, demo_db)
    before = snapshot(db)
    assert sum(len(v[1]) for k, v in before.items() if k not in ("_schema", "_sqlite_migrations")) > 0
    assert [r[0] for r in rows(db, "SELECT name FROM _sqlite_migrations ORDER BY rowid")] == known_names()[:n]
    open_db(db).close()  # today's pmcs opens it: the missing migrations run
    assert [r[0] for r in rows(db, "SELECT name FROM _sqlite_migrations ORDER BY rowid")] == known_names()
    after = snapshot(db)
    for table, content in before.items():
        if table in ("_schema", "_sqlite_migrations"):
            continue
        cols, old_rows = content
        picked = rows(db, f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{table}" ORDER BY rowid')
        assert picked == old_rows, table
    assert _objects(before) <= _objects(after)  # no table, index, view or trigger dropped
    _tables_only_grew(before, after)
    check_db(db)


def _objects(snap) -> set:
    """Schema objects as they must survive: indexes, views and triggers word for word; tables by
    name (a migration may add columns: see _tables_only_grew)."""
    return {(kind, name, tbl, None if kind == "table" else sql) for kind, name, tbl, sql in snap["_schema"]}


def _tables_only_grew(before, after) -> None:
    """ALTER TABLE … ADD COLUMN appends to a table's CREATE text: everything the old text said
    (columns, NOT NULL, CHECK, keys) is still said, word for word, before the added columns."""
    new = {name: sql for kind, name, _, sql in after["_schema"] if kind == "table"}
    for kind, name, _, sql in before["_schema"]:
        if kind == "table" and sql:
            assert new[name].startswith(sql.rstrip().rstrip(")").rstrip()), name


@needs_script
def test_the_released_foundation_database_migrates_and_keeps_every_record(tmp_path):
    """tests/fixtures/pmcs-0.1-foundation.db was written by pmcs 0.1 (bench/make_fixture.py)."""
    fixture = FIXTURES / "pmcs-0.1-foundation.db"
    db = tmp_path / "office.db"
    shutil.copyfile(fixture, db)
    before = snapshot(db)
    assert [r[0] for r in rows(db, "SELECT name FROM _sqlite_migrations ORDER BY rowid")] == known_names()[:4]
    assert len(before["people"][1]) == 7 and len(before["events"][1]) > 20
    check_db(db)  # the installed pmcs migrates it on open
    assert [r[0] for r in rows(db, "SELECT name FROM _sqlite_migrations ORDER BY rowid")] == known_names()
    after = snapshot(db)
    for table in ("meta", "events", "units", "people", "person_units", "staff"):
        assert after[table] == before[table], table
    shown = ok(run(db, "person", "show", "P00005", "--reveal")).stdout
    assert "15800000005" in shown and "陈 静" in shown
    assert "13900000022" in ok(run(db, "history", "P00002", "--reveal")).stdout  # the 0.1 edit is in the history
    # and the new capabilities work on the old records
    ok(run(db, "complaint", "add", "--unit", "1-1-101", "--person", "P00001", "--channel", "visit",
           "--category", "service", "--description", "电梯异响", "--remedy", "检修", actor="S001"))
    assert rows(db, "SELECT c.number, u.code FROM cases c JOIN units u ON u.id = c.unit_id") == [("TS-2026-0001", "1-1-101")]
    assert fixture.read_bytes() != db.read_bytes()  # we worked on a copy


# --- file modes -------------------------------------------------------------------

@needs_script
def test_database_wal_and_shm_left_by_a_killed_import_are_0600(tmp_path):
    db = tmp_path / "office.db"
    people = write_people_csv(tmp_path / "people.csv", 20_000, 1)
    ok(run(db, "init"))  # creates the database, under umask 022
    p = start(db, "person", "import", people)
    while p.poll() is None and not (db.exists() and lock_held(db)):
        time.sleep(0.005)
    time.sleep(0.2)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert file_mode(db) == 0o600
    for side in (f"{db}-wal", f"{db}-shm"):
        assert Path(side).exists(), side  # a killed writer leaves them behind
        assert file_mode(side) == 0o600, side


@needs_script
def test_backups_exports_and_purge_files_are_0600_under_umask_022(demo_db, tmp_path):
    db = tmp_path / "office.db"
    shutil.copyfile(demo_db, db)
    out = tmp_path / "out"
    out.mkdir()
    ok(run(db, "db", "backup", out / "backup.db"))
    ok(run(db, "person", "export", "--include-pii", "-o", out / "people.csv"))
    ok(run(db, "unit", "export", "-o", out / "units.csv"))
    for kind in ("complaint", "repair", "request"):
        ok(run(db, kind, "export", "--include-pii", "-o", out / f"{kind}.csv"))
    approver = rows(db, "SELECT code FROM staff WHERE role IN ('supervisor', 'manager') AND active = 1 LIMIT 1")[0][0]
    ok(run(db, "archive", "purge", "--closed-before", "2026-06-01", "--approved-by", approver,
           "--out", out / "purged.jsonl", actor=approver))
    ok(run(db, "report", "monthly", "--html", out / "report.html"))
    made = sorted(out.iterdir())
    assert len(made) == 8, made
    assert "13" in (out / "people.csv").read_text(encoding="utf-8-sig")  # phones really are in it
    assert {p.name: file_mode(p) for p in made} == {p.name: 0o600 for p in made}


@needs_script
def test_an_export_with_personal_data_over_an_existing_readable_file_makes_it_private(tmp_path):
    db = tmp_path / "office.db"
    ok(run(db, "init"))
    ok(run(db, "person", "add", "--name", "张三", "--phone", "13812345678"))
    target = tmp_path / "people.csv"
    target.write_text("old\n")
    target.chmod(0o644)
    ok(run(db, "person", "export", "--include-pii", "-o", target))
    assert "13812345678" in target.read_text(encoding="utf-8-sig")
    assert file_mode(target) == 0o600
