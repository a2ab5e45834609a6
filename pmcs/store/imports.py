"""Bulk writers for imports: executemany in batches inside the caller's
transaction, with one event per record written (the events table is the
history; an import is not an excuse to skip it)."""
from __future__ import annotations

import json

from pmcs.store.registry import PERSON_COLS, UNIT_COLS, person_ref

BATCH = 2000
_EVENT_SQL = "INSERT INTO events (at, actor, entity, ref, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)"


_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _j(value) -> str | None:
    return None if value is None else _encode(value)


class _Writer:
    def __init__(self, db, now: str, actor: str):
        self.db, self.now, self.actor = db, now, actor
        self.events: list[tuple] = []

    def event(self, entity, ref, action, before, after) -> None:
        self.events.append((self.now, self.actor, entity, ref, action, _j(before), _j(after)))

    def flush(self) -> None:
        if self.events:
            self.db.executemany(_EVENT_SQL, self.events)
            self.events.clear()


class UnitWriter(_Writer):
    _SQL = f"INSERT INTO units ({', '.join(UNIT_COLS)}, created_at, updated_at) VALUES ({', '.join('?' * (len(UNIT_COLS) + 2))})"

    def __init__(self, db, now, actor):
        super().__init__(db, now, actor)
        self.rows: list[tuple] = []

    def insert(self, rec: dict) -> None:
        self.rows.append(tuple(rec.get(c) for c in UNIT_COLS) + (self.now, self.now))
        self.event("unit", rec["code"], "import", None, {c: rec.get(c) for c in UNIT_COLS})
        if len(self.rows) >= BATCH:
            self.flush()

    def update(self, unit_id: int, code: str, changes: dict) -> None:
        before = dict(self.db.one("SELECT * FROM units WHERE id = ?", (unit_id,)))
        changes = {k: v for k, v in changes.items() if before.get(k) != v}
        if changes:
            self.db.update("units", unit_id, changes | {"updated_at": self.now})
            self.event("unit", code, "import", {k: before[k] for k in changes}, changes)

    def flush(self) -> None:
        if self.rows:
            self.db.executemany(self._SQL, self.rows)
            self.rows.clear()
        super().flush()


class PeopleWriter(_Writer):
    _SQL = f"INSERT INTO people (id, {', '.join(PERSON_COLS)}, created_at, updated_at) VALUES ({', '.join('?' * (len(PERSON_COLS) + 3))})"
    _LINK_SQL = 'INSERT INTO person_units (person_id, unit_id, role, start, "end", created_at) VALUES (?, ?, ?, ?, ?, ?)'

    def __init__(self, db, now, actor):
        super().__init__(db, now, actor)
        self.rows: list[tuple] = []
        self.links: list[tuple] = []
        self.new_ids: set[int] = set()
        self.link_keys: set[tuple] = set()
        self.next_id = db.scalar("SELECT coalesce(max(id), 0) + 1 FROM people")
        # one query instead of one per row: ID number -> person id, kept up to date as rows are added
        self.by_id_number = dict(db.query("SELECT id_number, id FROM people WHERE id_number IS NOT NULL"))

    def insert(self, rec: dict, pid: int | None = None) -> int:
        if pid is None:
            pid = self.next_id
        self.next_id = max(self.next_id, pid + 1)
        vip = 1 if rec.get("vip") else 0
        values = {c: rec.get(c) for c in PERSON_COLS} | {"vip": vip}
        self.rows.append((pid,) + tuple(values[c] for c in PERSON_COLS) + (self.now, self.now))
        self.new_ids.add(pid)
        if values.get("id_number"):
            self.by_id_number[values["id_number"]] = pid
        self.event("person", person_ref(pid), "import", None, values)
        if len(self.rows) >= BATCH:
            self.flush()
        return pid

    def update(self, current: dict, changes: dict) -> None:
        if "vip" in changes:
            changes["vip"] = 1 if changes["vip"] else 0
        changes = {k: v for k, v in changes.items() if current.get(k) != v}
        if changes:
            self.db.update("people", current["id"], changes | {"updated_at": self.now})
            self.event("person", person_ref(current["id"]), "import", {k: current.get(k) for k in changes}, changes)
            if changes.get("id_number"):
                self.by_id_number[changes["id_number"]] = current["id"]

    def link(self, pid: int, unit_id: int, code: str, role: str, start, end) -> None:
        key = (pid, unit_id, role, start, end)
        if key in self.link_keys:
            return
        if pid not in self.new_ids and self.db.scalar(
            'SELECT 1 FROM person_units WHERE person_id = ? AND unit_id = ? AND role = ? AND start IS ? AND "end" IS ?', key
        ):
            return
        self.link_keys.add(key)
        self.links.append(key + (self.now,))
        self.event("person", person_ref(pid), "link", None, {"unit": code, "role": role, "start": start, "end": end})
        if len(self.links) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.db.executemany(self._SQL, self.rows)
            self.rows.clear()
        if self.links:
            self.db.executemany(self._LINK_SQL, self.links)
            self.links.clear()
        super().flush()
