"""SQL for the operations commands (init, db check, history) not covered by store/registry or store/maintenance."""
from __future__ import annotations

from pmcs.store.db import Database


def event_count(db: Database) -> int:
    return db.scalar("SELECT count(*) FROM events")
