"""The working-day calendar: Chinese statutory holidays and make-up workdays (调休).

Pure: no SQL. The ``chinese-calendar`` package knows the State Council's
holiday schedule for the years it was released with; the office adds or
corrects days in the database (``calendar_days``), and those overrides win.
For a year the package does not know, weekends are the only days off and the
year is remembered in ``unknown_years`` so the command can say it guessed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from pmcs.core.fields import Field, Schema
from pmcs.errors import FieldError, UserError

# Longest run of days off the calendar accepts before it calls the data broken
# (the longest statutory break is 9 days; a year of holidays is a typo).
MAX_DAYS_OFF = 400
# Words a clerk writes for a day's type in a CSV file or on the command line.
_DAY_TYPES = {
    "holiday": False, "off": False, "rest": False, "休": False, "休息": False, "休息日": False,
    "假": False, "假日": False, "节假日": False, "放假": False, "法定节假日": False,
    "workday": True, "work": True, "班": True, "上班": True, "补班": True, "工作日": True, "调休上班": True,
}


@lru_cache(maxsize=1)
def package_years() -> tuple[int, int] | None:
    """(first, last) year the installed chinese-calendar knows, or None if it is missing."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    years = [d.year for d in chinese_calendar.holidays]
    return (min(years), max(years)) if years else None


def package_knows(year: int) -> bool:
    span = package_years()
    return span is not None and span[0] <= year <= span[1]


class WorkCalendar:
    """Which days are working days. ``overrides`` (date → True workday / False day off) win."""

    def __init__(self, overrides: dict[date, bool] | None = None, known_until: int | None = None):
        """``known_until``: use the package only up to that year (the calendar as an older
        package had it; services/deadlines.py counts open deadlines again after an upgrade)."""
        self.overrides: dict[date, bool] = dict(overrides or {})
        self.known_until = known_until
        self.unknown_years: set[int] = set()
        self._memo: dict[date, bool] = {}

    def set(self, day: date, workday: bool) -> None:
        """Apply one more override (after the office changed a day)."""
        self.overrides[day] = workday

    def unset(self, day: date) -> None:
        """Drop the office's override of a day (taken back): the package or the weekend again."""
        self.overrides.pop(day, None)
        self._memo.pop(day, None)

    def is_workday(self, d: date) -> bool:
        if d in self.overrides:
            return self.overrides[d]
        known = self._memo.get(d)
        if known is not None:
            return known
        if package_knows(d.year) and (self.known_until is None or d.year <= self.known_until):
            import chinese_calendar

            try:
                known = bool(chinese_calendar.is_workday(d))
            except NotImplementedError:  # pragma: no cover - range checked above
                known = None
        if known is None:
            self.unknown_years.add(d.year)
            known = d.weekday() < 5
        self._memo[d] = known
        return known

    def is_known_year(self, year: int) -> bool:
        return package_knows(year)

    def next_workday(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        for _ in range(MAX_DAYS_OFF):
            if self.is_workday(d):
                return d
            d += timedelta(days=1)
        raise UserError("error.calendar_no_workday", hint="hint.calendar_list", day=d.isoformat(), days=MAX_DAYS_OFF)

    def add_workdays(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start``; n = 0 gives start or the next working day."""
        if n < 0:
            raise ValueError("n must be >= 0")
        d = self.next_workday(start) if n == 0 else start
        for _ in range(n):
            d = self.next_workday(d + timedelta(days=1))
        return d

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many add_workdays steps lead from start to end."""
        count, d = 0, start
        while d < end:
            d += timedelta(days=1)
            count += self.is_workday(d)
        return count

    def holiday_name(self, d: date, lang: str = "en") -> str | None:
        """The statutory holiday a day belongs to (also for its make-up workday), or None."""
        if not package_knows(d.year):
            return None
        import chinese_calendar

        _, name = chinese_calendar.get_holiday_detail(d)
        if name is None:
            return None
        if lang == "zh":
            for h in chinese_calendar.Holiday:
                if h.value == name:
                    return h.chinese
        return name

    def special_days(self, year: int, lang: str = "en", notes: dict[date, str] | None = None) -> list[SpecialDay]:
        """Every day of ``year`` that is not what the weekend rule says, or is named:
        statutory holidays, make-up workdays, office overrides."""
        notes = notes or {}
        out = []
        d = date(year, 1, 1)
        while d.year == year:
            name = self.holiday_name(d, lang)
            office = d in self.overrides
            workday = self.is_workday(d)
            if office or name or workday != (d.weekday() < 5):
                out.append(SpecialDay(d, workday, notes.get(d) or name or "", "office" if office else "statutory"))
            d += timedelta(days=1)
        return out


@dataclass(frozen=True)
class SpecialDay:
    day: date
    workday: bool
    name: str
    source: str  # "statutory" (the package) or "office" (calendar_days)


def parse_day_type(text: str, field: str = "type") -> bool:
    """holiday / workday (or 休 / 班 and their kin) → False / True (is it a working day)."""
    key = (text or "").strip().lower()
    if key in _DAY_TYPES:
        return _DAY_TYPES[key]
    raise FieldError(field, "error.bad_day_type", value=text)


def _day_type(text: str, field: str) -> str:
    return "workday" if parse_day_type(text, field) else "holiday"


CALENDAR_DAY = Schema(
    "calendar_day",
    (
        Field("date", kind="date", required=True, aliases=("日期", "day", "日子")),
        Field("type", kind="custom", required=True, aliases=("类型", "kind", "休/班", "休班"), check=_day_type),
        Field("note", aliases=("备注", "notes", "说明", "name", "名称", "节日")),
    ),
    key="date",
)
