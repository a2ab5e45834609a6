"""Bulk writers for imports: executemany in batches inside the caller's
transaction, with one event per record written (the events table is the
history; an import is not an excuse to skip it).

The events of inserted records are written by SQLite itself, one
INSERT … SELECT json_object(…) per batch from the rows just inserted, instead
of a JSON text built in Python per row: the same events (keys sorted, as
Database.event writes them), a fraction of the cost. Updates are rare and keep
the Python path, which records only what changed."""
from __future__ import annotations

import json
from contextlib import contextmanager

from pmcs.store.db import _ident
from pmcs.store.registry import PERSON_COLS, UNIT_COLS, person_ref

BATCH = 2000
IMPORT_CACHE_KIB = 64 * 1024  # page cache while importing; SQLite's default is 2 MiB
_EVENT_SQL = "INSERT INTO events (at, actor, entity, ref, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)"
PERSON_REF_SQL = "'P' || printf('%05d', {})"  # the SQL spelling of registry.person_ref
_VIP = 1 + PERSON_COLS.index("vip")  # in a people row, after the id


_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _j(value) -> str | None:
    return None if value is None else _encode(value)


def _json_object(columns, table: str = "") -> str:
    """json_object('a', t."a", 'b', t."b", …) with the keys sorted, like the events written from Python."""
    prefix = f"{table}." if table else ""
    return "json_object(" + ", ".join(f"'{c}', {prefix}\"{c}\"" for c in sorted(columns)) + ")"


@contextmanager
def big_cache(db):
    """A larger page cache for the length of an import: the indexes of a table
    growing by 100,000 rows no longer fit SQLite's default 2 MiB, and pages
    evicted mid-transaction are written to the WAL only to be read back."""
    before = db.scalar("PRAGMA cache_size")
    db.execute(f"PRAGMA cache_size = {-int(IMPORT_CACHE_KIB)}")  # a PRAGMA takes no parameters
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def indexes_built_after(db, *tables: str):
    """Into empty tables, insert first and build the secondary indexes at the end, in
    the same transaction: one sort per index instead of a B-tree insert per row (the
    usual way to bulk-load). The exact CREATE INDEX text is kept from sqlite_master;
    if the block fails, the rollback brings the indexes back with everything else."""
    if any(db.scalar(f"SELECT 1 FROM {_ident(t)} LIMIT 1") for t in tables):
        yield
        return
    marks = ",".join("?" * len(tables))
    ddl = db.query(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                   f"AND tbl_name IN ({marks})", tables)
    for name, _ in ddl:
        db.execute(f"DROP INDEX {_ident(name)}")
    yield
    for _, sql in ddl:
        db.execute(sql)


class _Writer:
    def __init__(self, db, now: str, actor: str):
        self.db, self.now, self.actor = db, now, actor
        self.events: list[tuple] = []

    def event(self, entity, ref, action, before, after) -> None:
        self.events.append((self.now, self.actor, entity, ref, action, _j(before), _j(after)))

    def events_of(self, sql: str, **params) -> None:
        """Events written by SQLite from rows just inserted (sql selects them)."""
        self.db.execute(sql, {"at": self.now, "actor": self.actor} | params)

    def flush(self) -> None:
        if self.events:
            self.db.executemany(_EVENT_SQL, self.events)
            self.events.clear()


class UnitWriter(_Writer):
    _SQL = f"INSERT INTO units ({', '.join(UNIT_COLS)}, created_at, updated_at) VALUES ({', '.join('?' * (len(UNIT_COLS) + 2))})"
    _EVENTS = f"""INSERT INTO events (at, actor, entity, ref, action, before, after)
                  SELECT :at, :actor, 'unit', code, 'import', NULL, {_json_object(UNIT_COLS)}
                  FROM units WHERE id > :after ORDER BY id"""

    def __init__(self, db, now, actor):
        super().__init__(db, now, actor)
        self.rows: list[tuple] = []

    def insert(self, rec: dict) -> None:
        self.rows.append(tuple(rec.get(c) for c in UNIT_COLS) + (self.now, self.now))
        if len(self.rows) >= BATCH:
            self.flush()

    def update(self, unit_id: int, code: str, changes: dict) -> bool:
        """Write what differs; False if nothing did."""
        before = dict(self.db.one("SELECT * FROM units WHERE id = ?", (unit_id,)))
        changes = {k: v for k, v in changes.items() if before.get(k) != v}
        if changes:
            self.db.update("units", unit_id, changes | {"updated_at": self.now})
            self.event("unit", code, "import", {k: before[k] for k in changes}, changes)
        return bool(changes)

    def flush(self) -> None:
        super().flush()
        if self.rows:
            last = self.db.scalar("SELECT coalesce(max(id), 0) FROM units")
            self.db.executemany(self._SQL, self.rows)
            self.events_of(self._EVENTS, after=last)
            self.rows.clear()


class PeopleWriter(_Writer):
    _SQL = f"INSERT INTO people (id, {', '.join(PERSON_COLS)}, created_at, updated_at) VALUES ({', '.join('?' * (len(PERSON_COLS) + 3))})"
    _LINK_SQL = 'INSERT INTO person_units (person_id, unit_id, role, start, "end", created_at) VALUES (?, ?, ?, ?, ?, ?)'
    _EVENTS = f"""INSERT INTO events (at, actor, entity, ref, action, before, after)
                  SELECT :at, :actor, 'person', {PERSON_REF_SQL.format('id')}, 'import', NULL, {_json_object(PERSON_COLS)}
                  FROM people WHERE id IN (SELECT value FROM json_each(:ids)) ORDER BY id"""
    _LINK_EVENTS = f"""INSERT INTO events (at, actor, entity, ref, action, before, after)
                       SELECT :at, :actor, 'person', {PERSON_REF_SQL.format('l.person_id')}, 'link', NULL,
                              json_object('end', l."end", 'role', l.role, 'start', l.start, 'unit', u.code)
                       FROM person_units l JOIN units u ON u.id = l.unit_id WHERE l.id > :after ORDER BY l.id"""

    _SAME_LINK = 'SELECT 1 FROM person_units WHERE person_id = ? AND unit_id = ? AND role = ? AND start IS ? AND "end" IS ?'
    # a row without dates is the link the person has now, whatever day it began
    _CURRENT_LINK = 'SELECT 1 FROM person_units WHERE person_id = ? AND unit_id = ? AND role = ? AND "end" IS NULL'

    def __init__(self, db, now, actor):
        super().__init__(db, now, actor)
        self.rows: list[tuple] = []
        self.links: list[tuple] = []
        self.explicit_new: set[int] = set()  # people added under their ref (few)
        self.skipped: list[tuple[int, int]] = []  # id ranges jumped over by a ref past the next id
        self.link_keys: set[tuple] = set()
        self.pending_names: dict[int, str] = {}  # the rows not flushed yet: id -> name
        self.next_id = self.first_new = db.scalar("SELECT coalesce(max(id), 0) + 1 FROM people")
        # one query instead of one per row: ID number -> person id, kept up to date as rows are added
        self.by_id_number = dict(db.query("SELECT id_number, id FROM people WHERE id_number IS NOT NULL"))

    def insert(self, rec: dict, pid: int | None = None) -> int:
        if pid is None:
            pid = self.next_id
        else:
            self.explicit_new.add(pid)
            if pid > self.next_id:
                self.skipped.append((self.next_id, pid))
        self.next_id = max(self.next_id, pid + 1)
        values = [pid, *map(rec.get, PERSON_COLS), self.now, self.now]
        values[_VIP] = 1 if values[_VIP] else 0
        self.rows.append(tuple(values))
        self.pending_names[pid] = values[1]
        id_number = rec.get("id_number")
        if id_number:
            self.by_id_number[id_number] = pid
        if len(self.rows) >= BATCH:
            self.flush()
        return pid

    def name_of(self, pid: int) -> str | None:
        """The name under which a person added by this import was written (or is about to be)."""
        if pid in self.pending_names:
            return self.pending_names[pid]
        return self.db.scalar("SELECT name FROM people WHERE id = ?", (pid,))

    def added(self, pid: int) -> bool:
        """Was this person added by this import? The ids handed out in turn from the table's
        maximum at the start, less the ranges a ref jumped over, and the refs given: no set
        of every new id (a million-row file would keep a million of them)."""
        if pid in self.explicit_new:
            return True
        if not self.first_new <= pid < self.next_id:
            return False
        return not any(lo <= pid < hi for lo, hi in self.skipped)

    def update(self, current: dict, changes: dict) -> bool:
        """Write what differs; False if nothing did."""
        if "vip" in changes:
            changes["vip"] = 1 if changes["vip"] else 0
        changes = {k: v for k, v in changes.items() if current.get(k) != v}
        if changes:
            self.db.update("people", current["id"], changes | {"updated_at": self.now})
            self.event("person", person_ref(current["id"]), "import", {k: current.get(k) for k in changes}, changes)
            if changes.get("id_number"):
                self.by_id_number[changes["id_number"]] = current["id"]
        return bool(changes)

    def link(self, pid: int, unit_id: int, role: str, start, end) -> None:
        key = (pid, unit_id, role, start, end)
        if key in self.link_keys:
            return
        same = (self._SAME_LINK, key) if start or end else (self._CURRENT_LINK, key[:3])
        if not self.added(pid) and self.db.scalar(*same):
            return
        self.link_keys.add(key)
        self.links.append(key + (self.now,))
        if len(self.links) >= BATCH:
            self.flush()

    def flush(self) -> None:
        super().flush()  # updates first: they touch only people who were there before this import
        if self.rows:
            self.db.executemany(self._SQL, self.rows)
            self.events_of(self._EVENTS, ids=json.dumps([r[0] for r in self.rows]))
            self.rows.clear()
            self.pending_names.clear()
        if self.links:
            last = self.db.scalar("SELECT coalesce(max(id), 0) FROM person_units")
            self.db.executemany(self._LINK_SQL, self.links)
            self.events_of(self._LINK_EVENTS, after=last)
            self.links.clear()
