"""A Session: one database, one acting staff member, one clock."""
from __future__ import annotations

import os
from contextlib import contextmanager
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


SYSTEM_ACTOR = "pmcs"  # upkeep pmcs does on its own (counting deadlines again after a calendar upgrade)


class Session:
    def __init__(self, db_path=None, *, actor: str | None = None, clock: Clock | None = None, db=None):
        self.db_path = Path(db_path) if db_path else default_db_path()
        self.actor_given = actor
        self.clock = clock or SystemClock()
        self._db = db
        self._actor = None  # the staff code, once settled
        self._pinned = None  # who acts in the running transaction (a setup name, or the refusal)
        # (catalogue key, params) of things done on the side that the command must say on
        # stderr whatever its outcome (the CLI prints them as it ends)
        self.notices: list[tuple[str, dict]] = []

    @property
    def db(self):
        """The database, opened on first use. Only `init` and `demo` make a missing one
        (Session.create): any other command on a mistyped path — cron's `remind`, `db check`,
        a write refused or not — must fail, not answer "nothing due", "sound" or "done" from a
        database it has just made empty. An empty file counts as missing."""
        if self._db is None:
            if not _holds_a_database(self.db_path):
                from pmcs.errors import NotFound

                raise NotFound("error.db_missing", hint="hint.db_missing", path=str(self.db_path))
            self._open()
        return self._db

    def _open(self) -> None:
        from pmcs.store import open_db

        self._db = open_db(self.db_path)

    def create(self) -> None:
        """Open the database, making it if missing (init and demo do)."""
        if self._db is None:
            self._open()

    @contextmanager
    def write(self):
        """One transaction (BEGIN IMMEDIATE), rolled back on any error. Who acts is settled as
        it begins — before anything is written, so that adding the first staff member does not
        change who is adding them — and is asked for only if the transaction records a change
        (`pmcs init` on a set-up database writes nothing and needs nobody)."""
        if self._actor is not None or self.db.writing:  # settled already, or an outer write's
            with self.db.write() as db:
                yield db
            return
        from pmcs.errors import UserError

        with self.db.write() as db:
            try:
                self._pinned = self._resolve_actor()
            except UserError as refused:
                self._pinned = refused
            try:
                yield db
            finally:
                self._pinned = None

    @property
    def actor(self) -> str:
        """Who is recorded on a change (docs/architecture.md, "Who acts"): the code of the
        active staff member --as / PMCS_USER names. Refused (UserError) inside a write, the
        transaction rolls back: nothing is written."""
        if self._actor is not None:
            return self._actor
        if isinstance(self._pinned, Exception):
            raise self._pinned
        if self._pinned is not None:
            return self._pinned
        return self._resolve_actor()

    def _resolve_actor(self) -> str:
        """The one place the rule lives. ``--as`` names an active staff member by code or by a
        name only one active member has; the code is what is stored (and kept for the session).
        Setting up is the exception: while the office has no active staff member (a new
        database, before the first ``staff add``) a name given is recorded as typed, and
        without ``--as`` the computer's login. From the first staff member on, every change
        names one. Anything else is refused, nothing written."""
        from pmcs.errors import UserError
        from pmcs.store import registry as q

        given = (self.actor_given or "").strip()
        if given:
            found = q.staff_by_code(self.db, given)
            if found is None or not found["active"]:
                named = [r for r in q.staff_by_name(self.db, given) if r["active"]]
                if len(named) > 1:
                    raise UserError("error.staff_ambiguous", hint="hint.staff_list", ref=given, count=len(named))
                found = named[0] if named else None
            if found is not None:
                self._actor = found["code"]
                return self._actor
            if not q.has_active_staff(self.db):
                return given
            raise UserError("error.actor_unknown", hint="hint.acceptor", actor=given)
        if not q.has_active_staff(self.db):
            return _login()
        raise UserError("error.actor_missing", hint="hint.acceptor")

    def actor_code(self) -> str | None:
        """The acting staff member's code, or None while the office is being set up (a login,
        or a name typed before any staff member existed)."""
        from pmcs.store import registry as q

        found = q.staff_by_code(self.db, self.actor)
        return found["code"] if found else None

    @contextmanager
    def acting_as(self, actor: str):
        """Record changes under ``actor`` for a while (pmcs's own upkeep; the demo's staff)."""
        old = self._actor
        self._actor = actor
        try:
            yield
        finally:
            self._actor = old

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


def _login() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:
        return "unknown"


def to_iso(moment: datetime) -> str:
    """Storage form: ISO-8601 UTC with seconds, e.g. 2026-11-23T02:30:00Z."""
    # isoformat, not strftime("%Y"): the year keeps its four digits (0999, not 999)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _holds_a_database(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False
