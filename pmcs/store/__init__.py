"""The only SQL. ``open_db`` is the only place a connection is made."""
from pmcs.store.db import Database, open_db

__all__ = ["Database", "open_db"]
