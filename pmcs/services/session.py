"""A Session: one database, one acting staff member, one clock."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path

from pmcs.clock import Clock, SystemClock, local_zone


def default_db_path() -> Path:
    """``typer.get_app_dir("pmcs")/pmcs.db`` computed without importing typer."""
    if os.name == "nt":  # pragma: no cover
        base = Path(os.environ.get("APPDATA") or Path.home())
        return base / "pmcs" / "pmcs.db"
    if os.uname().sysname == "Darwin":  # pragma: no cover
        return Path.home() / "Library" / "Application Support" / "pmcs" / "pmcs.db"
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "pmcs" / "pmcs.db"


class Session:
    def __init__(self, db_path=None, *, actor: str | None = None, clock: Clock | None = None, db=None):
        self.db_path = Path(db_path) if db_path else default_db_path()
        self.actor_given = actor
        self.clock = clock or SystemClock()
        self._db = db
        self._actor = None
        # (catalogue key, params) of things done on the side that the command must say on
        # stderr whatever its outcome (the CLI prints them as it ends)
        self.notices: list[tuple[str, dict]] = []

    @property
    def db(self):
        if self._db is None:
            from pmcs.store import open_db

            self._db = open_db(self.db_path)
        return self._db

    def write(self):
        return self.db.write()

    @property
    def actor(self) -> str:
        """The acting staff member: their code when registered, else the name given, else the login."""
        if self._actor is None:
            given = (self.actor_given or "").strip()
            if not given:
                try:
                    import getpass

                    given = getpass.getuser()
                except Exception:
                    given = "unknown"
            self._actor = given
        return self._actor

    def now(self) -> datetime:
        return self.clock.now()

    def now_iso(self) -> str:
        return to_iso(self.clock.now())

    def today(self) -> date:
        return self.clock.now().astimezone(local_zone()).date()

    def record(self, entity: str, ref: str, action: str, before=None, after=None) -> None:
        self.db.event(at=self.now_iso(), actor=self.actor, entity=entity, ref=ref, action=action, before=before, after=after)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def to_iso(moment: datetime) -> str:
    """Storage form: ISO-8601 UTC with seconds, e.g. 2026-11-23T02:30:00Z."""
    # isoformat, not strftime("%Y"): the year keeps its four digits (0999, not 999)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
