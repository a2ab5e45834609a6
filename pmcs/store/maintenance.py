"""Backup and integrity checks."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from pmcs.store.db import Database, create_private_file


def backup_to(db: Database, path: Path) -> None:
    """Online backup (works while others write); the copy is created 0600 first, in a folder
    that must already be there (services/common.new_file)."""
    create_private_file(path)
    try:
        dest = sqlite3.connect(str(path))
        try:
            db.conn.backup(dest, pages=1024)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def integrity_problems(db: Database) -> list:
    """SQLite's integrity findings (its own words), then each foreign-key breach as
    (catalogue key, params) for the caller to say."""
    problems: list = [r[0] for r in db.query("PRAGMA integrity_check") if r[0] != "ok"]
    for r in db.query("PRAGMA foreign_key_check"):
        problems.append(("check.foreign_key", {"table": r[0], "row": r[1], "parent": r[2]}))
    return problems
