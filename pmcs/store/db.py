"""Opening the database: permissions, pragmas, migrations, transactions.

Connections are plain ``sqlite3`` in autocommit mode (``isolation_level=None``)
so that pmcs decides where transactions begin: every write runs inside
``Database.write()``, which starts with ``BEGIN IMMEDIATE`` — a deferred
transaction cannot be upgraded to a write once another process (cron) has
written, and would fail with SQLITE_BUSY_SNAPSHOT instead of waiting.
sqlite-utils is imported only when migrations are pending (it costs ~100 ms
at start-up) or when a command needs its table helpers.
"""
from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from pmcs.errors import UserError

BUSY_TIMEOUT_MS = 10_000


class Database:
    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._su = None

    # reading -----------------------------------------------------------
    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params=()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def one_dict(self, sql: str, params=()) -> dict | None:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else dict(row)

    def scalar(self, sql: str, params=()):
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def execute(self, sql: str, params=()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    # writing -----------------------------------------------------------
    @property
    def writing(self) -> bool:
        """Inside a write transaction (whose outcome the caller's block decides)."""
        return self.conn.in_transaction

    @contextmanager
    def write(self):
        """One transaction, begun with BEGIN IMMEDIATE; rolled back on any error."""
        if self.conn.in_transaction:  # nested: the outer write owns the transaction
            yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def insert(self, table: str, record: dict) -> int:
        cols = list(record)
        sql = f"INSERT INTO {_ident(table)} ({', '.join(map(_ident, cols))}) VALUES ({', '.join('?' * len(cols))})"
        return self.conn.execute(sql, [record[c] for c in cols]).lastrowid

    def update(self, table: str, pk: int, changes: dict) -> None:
        if not changes:
            return
        sets = ", ".join(f"{_ident(c)} = ?" for c in changes)
        self.conn.execute(f"UPDATE {_ident(table)} SET {sets} WHERE id = ?", [*changes.values(), pk])

    def event(self, *, at: str, actor: str | None, entity: str, ref: str, action: str, before=None, after=None) -> None:
        """Append to the events table (append-only: triggers refuse UPDATE and DELETE)."""
        self.conn.execute(
            "INSERT INTO events (at, actor, entity, ref, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (at, actor, entity, ref, action, _json(before), _json(after)),
        )

    def sqlite_utils(self):
        if self._su is None:
            import sqlite_utils

            self._su = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._su

    def close(self) -> None:
        self.conn.close()


def _json(value):
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _ident(name: str) -> str:
    # identifiers come from our own schemas, never from user text; quote anyway
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad identifier {name!r}")
    return f'"{name}"'


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (mode 0600)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def open_db(path, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the pmcs database at ``path``."""
    path = Path(path).expanduser()
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            create_private_file(path)
        elif path.is_dir():
            raise UserError("error.db_open", path=str(path), detail="is a directory")
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except FileExistsError:  # created by another process meanwhile: fine
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except OSError as e:
        raise UserError("error.db_open", path=str(path), detail=e.strerror or str(e)) from None
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as e:
        conn.close()
        raise UserError("error.db_not_sqlite", path=str(path), detail=str(e)) from None
    db = Database(conn, path)
    if migrate:
        from pmcs.store.migrations import migrate as run_migrations

        try:
            run_migrations(db)
        except BaseException:
            conn.close()
            raise
    return db
