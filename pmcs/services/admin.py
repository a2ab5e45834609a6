"""Operations: init, backup, integrity check, history."""
from __future__ import annotations

import os

from pmcs.errors import NotFound, UserError
from pmcs.services.common import new_file
from pmcs.store import registry as q


def init(s, estate: str | None) -> dict:
    from pmcs.services.duties import seed_defaults

    with s.write():
        seed_defaults(s)
        current = q.meta_get(s.db, "estate")
        if estate and estate != current:
            q.meta_set(s.db, "estate", estate.strip())
            s.record("meta", "estate", "update", {"estate": current}, {"estate": estate.strip()})
            current = estate.strip()
    return {"path": str(s.db_path), "estate": current or ""}


def backup(s, dest: str) -> dict:
    """SQLite online backup into a new file created with mode 0600."""
    from pmcs.store.maintenance import backup_to

    path = new_file(dest, "error.backup_exists", "hint.backup_exists")
    try:
        backup_to(s.db, path)
    except OSError as e:
        raise UserError("error.file_write", path=str(path), detail=e.strerror or str(e)) from None
    return {"path": str(path), "size": os.path.getsize(path)}


def check(s) -> dict:
    from pmcs.store.admin import event_count
    from pmcs.store.maintenance import integrity_problems
    from pmcs.store.migrations import schema_version

    problems = integrity_problems(s.db)
    return {"ok": not problems, "problems": problems, "schema": schema_version(s.db),
            "events": event_count(s.db), "path": str(s.db_path)}


def history(s, ref: str) -> list[dict]:
    text = (ref or "").strip()
    rows = q.history(s.db, text)
    if not rows:
        pid = q.parse_person_ref(text)
        for alt in ([q.person_ref(pid)] if pid is not None else []) + [text.upper()]:
            rows = q.history(s.db, alt)
            if rows:
                break
    if not rows:
        raise NotFound("history.none", ref=text)
    return rows
