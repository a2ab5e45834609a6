"""Durations of the SLA table: ``30m``, ``4h``, ``2d``, ``3wd`` (working days), ``eod``.

Pure: deadlines are computed from a ``start`` moment, a working-day calendar
and the office's time zone, never from the wall clock.

- ``m``, ``h``, ``d``: calendar time (a day is 24 hours, nights and holidays count);
- ``wd``: the same local wall-clock time on the N-th working day after the start's local date;
- ``eod`` (also ``0wd``, 当天): the end of the working day — 18:00 local on the start's date if
  that is a working day and it is not yet 18:00, else 18:00 on the next working day.

Chinese units are accepted too: ``30分钟``, ``4小时``, ``2天``, ``3个工作日``, ``当天``.

A reminder window (``pmcs remind --within``) reads working days the way a clerk does:
see :func:`window_end`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo

from pmcs.errors import FieldError

UNITS = ("m", "h", "d", "wd", "eod")
WORKDAY_END = time(18, 0)
# Upper bounds, so a typo cannot overflow a date: one year of calendar time, 250 working days.
MAX_AMOUNT = {"m": 366 * 24 * 60, "h": 366 * 24, "d": 366, "wd": 250}
_ALIASES = {
    "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m", "分": "m", "分钟": "m",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "时": "h", "小时": "h", "个小时": "h",
    "d": "d", "day": "d", "days": "d", "天": "d", "日": "d",
    "wd": "wd", "workday": "wd", "workdays": "wd", "工作日": "wd", "个工作日": "wd",
}
_EOD = {"eod", "0wd", "当天", "当日", "当天下班前", "当日下班前"}
_PATTERN = re.compile(r"(\d{1,7})\s*([^\d\s]+)")


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # one of UNITS; amount is 0 for "eod"

    def __str__(self) -> str:
        return "eod" if self.unit == "eod" else f"{self.amount}{self.unit}"

    @property
    def is_calendar_time(self) -> bool:
        return self.unit in ("m", "h", "d")

    def timedelta(self) -> timedelta:
        """Calendar-time length; working-day units have none."""
        if self.unit == "m":
            return timedelta(minutes=self.amount)
        if self.unit == "h":
            return timedelta(hours=self.amount)
        if self.unit == "d":
            return timedelta(days=self.amount)
        raise ValueError(f"{self} is counted in working days")


def parse_duration(text, field: str = "duration") -> Duration:
    """``30m`` / ``4h`` / ``2d`` / ``3wd`` / ``eod`` (and Chinese units) → Duration; amount > 0."""
    if isinstance(text, Duration):
        return text
    raw = str(text or "").strip()
    low = raw.lower()
    if low in _EOD:
        return Duration(0, "eod")
    m = _PATTERN.fullmatch(low)
    unit = _ALIASES.get(m.group(2)) if m else None
    if unit is None:
        raise FieldError(field, "error.bad_duration", value=raw)
    amount = int(m.group(1))
    if amount == 0 and unit == "wd":  # 0个工作日 / 0 workdays: the same as 0wd
        return Duration(0, "eod")
    if amount <= 0 or amount > MAX_AMOUNT[unit]:
        raise FieldError(field, "error.duration_range", value=raw, max=f"{MAX_AMOUNT[unit]}{unit}")
    return Duration(amount, unit)


def add(start: datetime, d: Duration, cal, tz: tzinfo) -> datetime:
    """The moment ``d`` after ``start`` (aware), as an aware UTC datetime.

    ``cal`` is a WorkCalendar (only its ``add_workdays``/``is_workday`` are used).
    """
    _check_aware(start)
    if d.is_calendar_time:
        return (start + d.timedelta()).astimezone(timezone.utc)
    if d.unit == "eod":
        return same_day_end(start, cal, tz)
    local = start.astimezone(tz)
    day = cal.add_workdays(local.date(), d.amount)
    return _local(day, local.time().replace(tzinfo=None), tz)


def window_end(start: datetime, d: Duration, cal, tz: tzinfo) -> datetime:
    """The last moment of a reminder window opened at ``start``, as an aware UTC datetime.

    ``Nwd`` (and ``eod``/``0wd``/当天 for N = 0) runs to the END of the N-th working day after
    the start's local date, midnight local: ``0wd`` is "to the end of today", whatever today
    is, so it holds exactly what `pmcs today` shows as due today; Friday + ``1wd`` takes in
    everything due on Monday (or on the first working day after a holiday). Calendar time
    (``m``, ``h``, ``d``) is counted as in :func:`add`. Storage holds whole seconds and the
    reminder providers include their bound, so the day's end is its last second.
    """
    _check_aware(start)
    if d.is_calendar_time:
        return add(start, d, cal, tz)
    day = start.astimezone(tz).date()
    if d.unit == "wd":
        day = cal.add_workdays(day, d.amount)
    return _local(day + timedelta(days=1), time(), tz) - timedelta(seconds=1)


def same_day_end(start: datetime, cal, tz: tzinfo, end: time = WORKDAY_END) -> datetime:
    """End of the working day (18:00 local) on the start's date, or on the next working day
    when the start is not on a working day or is already past the end."""
    _check_aware(start)
    local = start.astimezone(tz)
    day = local.date()
    if not (cal.is_workday(day) and local.time().replace(tzinfo=None) < end):
        day = cal.add_workdays(day, 1)
    return _local(day, end, tz)


def _local(day, at: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(timezone.utc)


def _check_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("start must be an aware datetime")
