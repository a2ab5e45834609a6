"""The only place that asks the time.

Everything else receives a Clock (or a ``now`` value) and never calls
``datetime.now()`` itself, so tests and demos can fix time with PMCS_NOW.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone, tzinfo


class Clock:
    def now(self) -> datetime:  # pragma: no cover - interface
        raise NotImplementedError


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock(Clock):
    def __init__(self, at: datetime):
        if at.tzinfo is None:
            at = at.replace(tzinfo=local_zone())
        self.at = at.astimezone(timezone.utc)

    def now(self) -> datetime:
        return self.at


def local_zone() -> tzinfo:
    """Display zone: PMCS_TZ (e.g. Asia/Shanghai), else the system's."""
    name = os.environ.get("PMCS_TZ")
    if name:
        from zoneinfo import ZoneInfo

        try:
            return ZoneInfo(name)
        except Exception:  # unknown zone name: every local time would be wrong, so say so
            from pmcs.errors import UserError

            raise UserError("error.bad_tz", value=name) from None
    return datetime.now().astimezone().tzinfo or timezone.utc


def from_env(environ=os.environ) -> Clock:
    """PMCS_NOW (ISO 8601) fixes the clock; otherwise the system clock."""
    fixed = environ.get("PMCS_NOW")
    if fixed:
        try:
            at = datetime.fromisoformat(fixed)
            if not 1900 <= at.year <= 2999:  # core.fields.FIRST_YEAR..LAST_YEAR: dates pmcs can store
                raise ValueError(fixed)
            return FixedClock(at)
        except (ValueError, OverflowError):
            from pmcs.errors import UserError

            raise UserError("error.bad_now", value=fixed) from None
    return SystemClock()
