"""The working-day calendar and the SLA table: read, change, import.

``calendar(s)`` builds one WorkCalendar per Session (statutory days from the
chinese-calendar package, the office's days from the database on top); every
deadline of a command is counted with it, and ``warn_unknown_years(s)`` tells
the command which years it had to count with weekends only.
"""
from __future__ import annotations

from datetime import date

from pmcs.core import sla as rules
from pmcs.core.calendar import CALENDAR_DAY, WorkCalendar, package_knows
from pmcs.core.durations import parse_duration
from pmcs.core.fields import FIRST_YEAR, LAST_YEAR, parse_date, validate
from pmcs.errors import FieldError
from pmcs.services.common import open_csv, what
from pmcs.services.deadlines import recount
from pmcs.store import calendar as q

MAX_WORKDAYS = 5000
NOTE_MAX = 200


def calendar(s) -> WorkCalendar:
    """The session's calendar, built once (cached on the session as ``_calendar``). Building
    it also catches up after a chinese-calendar upgrade (services/deadlines.py: catch_up)."""
    cal = getattr(s, "_calendar", None)
    if cal is None:
        from pmcs.services.deadlines import catch_up

        overrides = q.overrides(s.db)
        cal = WorkCalendar(overrides)
        s._calendar = cal
        catch_up(s, overrides, cal)
    return cal


def warn_unknown_years(s) -> list[int]:
    """Years for which the session's calendar fell back to weekends only (sorted)."""
    cal = getattr(s, "_calendar", None)
    return sorted(cal.unknown_years) if cal is not None else []


# the office's days ------------------------------------------------------------
def add_holiday(s, day, note: str | None = None) -> dict:
    return _set_day(s, _day(day), False, note)


def add_workday(s, day, note: str | None = None) -> dict:
    return _set_day(s, _day(day), True, note)


def _set_day(s, day: date, workday: bool, note: str | None) -> dict:
    """One day of the office's calendar; open deadlines it affects are counted again
    (services/deadlines.py). The row comes back with ``deadlines_moved`` (their refs)."""
    note = _note(note)
    calendar(s)  # first: a pending catch-up after a package upgrade counts with the calendar before this day
    with s.write():
        old = WorkCalendar(q.overrides(s.db))
        row = _write_day(s, day, workday, note)
        moved = recount(s, old, {day: workday})
    calendar(s).set(day, workday)
    return row | {"deadlines_moved": moved}


def remove_day(s, day) -> dict:
    """Take back a day the office declared: the statutory calendar (or the weekend) rules it
    again, and the open deadlines it moved are counted again. Returns the day, whether it is a
    working day now, and ``deadlines_moved``."""
    from pmcs.errors import NotFound
    from pmcs.services.deadlines import recount_from

    day = _day(day)
    calendar(s)  # first: a pending catch-up after a package upgrade (as in _set_day)
    with s.write():
        before = q.get_day(s.db, day)
        if before is None:
            raise NotFound("error.calendar_day_not_declared", hint="hint.calendar_list", day=day.isoformat())
        old = WorkCalendar(q.overrides(s.db))
        q.delete_day(s.db, day)
        s.record("calendar", day.isoformat(), "delete", {"workday": bool(before["workday"]), "note": before["note"]},
                 None)
        new = WorkCalendar(q.overrides(s.db))
        workday = new.is_workday(day)
        moved = recount_from(s, old, new, day) if workday != old.is_workday(day) else []
    calendar(s).unset(day)
    return {"day": day.isoformat(), "workday": workday, "deadlines_moved": moved}


def _write_day(s, day: date, workday: bool, note: str | None) -> dict:
    after = {"workday": workday, "note": note}
    before = q.get_day(s.db, day)
    if before is not None and bool(before["workday"]) == workday and before["note"] == note:
        return before  # nothing changes, nothing recorded
    q.set_day(s.db, day, workday, note, s.now_iso())
    old = None if before is None else {"workday": bool(before["workday"]), "note": before["note"]}
    s.record("calendar", day.isoformat(), "create" if before is None else "update", old, after)
    return q.get_day(s.db, day)


def _day(value) -> date:
    return value if isinstance(value, date) else parse_date(str(value), "date")


def _note(note: str | None) -> str | None:
    from pmcs.core.fields import Field, clean_value

    return clean_value(Field("note", max_len=NOTE_MAX), note)


def import_days(s, path: str, *, encoding=None, dry_run: bool = False, progress=None, mode: str = "upsert"):
    """A CSV of days (date/日期, type/类型 = holiday|workday|休|班, note/备注); all or nothing.

    Days already in the database are replaced (a corrected schedule is imported again), so
    ``mode`` is accepted (cli/io.run_import passes it) but always means upsert.
    """
    from pmcs import csvio
    from pmcs.services.imports import ImportResult, all_or_nothing

    src = open_csv(s, path, CALENDAR_DAY.fields, required=("date", "type"), encoding=encoding)
    result = ImportResult(src.name, dry_run=dry_run, encoding=src.encoding)
    errors = csvio.LineErrors()
    changed: dict[date, bool] = {}
    calendar(s)  # first: a pending catch-up after a package upgrade (as in _set_day)
    with all_or_nothing(s, src.name, errors, dry_run):
        old = WorkCalendar(q.overrides(s.db))
        seen: dict[date, int] = {}
        for line, raw in src:
            result.rows += 1
            rec, problems = validate(CALENDAR_DAY, raw)
            if problems:
                for e in problems:
                    errors.add(line, e.field, e.message())
                continue
            day = date.fromisoformat(rec["date"])
            if day in seen:
                errors.add(line, "date", _t("error.duplicate_in_file", what=what("calendar_day"), ref=day.isoformat(),
                                            first=seen[day]))
                continue
            seen[day] = line
            existed = q.get_day(s.db, day) is not None
            workday = rec["type"] == "workday"
            _write_day(s, day, workday, rec.get("note"))
            changed[day] = workday
            result.updated += existed
            result.inserted += not existed
            result.refs.append(day.isoformat())
            if progress and result.rows % 1000 == 0:
                progress(result.rows)
        if not errors:
            result.deadlines_moved = recount(s, old, changed)
    if not dry_run:
        for day, workday in changed.items():
            calendar(s).set(day, workday)
    return result


def list_days(s, year: int | None = None, lang: str | None = None) -> list[dict]:
    """Every special day of ``year`` (default: this year): statutory holidays, make-up
    workdays and the office's days, each with its weekday, type, name or note and source."""
    from pmcs.i18n import get_lang

    year = s.today().year if year is None else year
    if not FIRST_YEAR <= year <= LAST_YEAR:  # the dates pmcs stores (--year 0 was this year)
        raise FieldError("year", "error.bad_year", value=year)
    cal = calendar(s)
    if not package_knows(year):  # its holidays are not known: only what the office declared is listed
        cal.unknown_years.add(year)
    days = cal.special_days(year, lang or get_lang(), q.notes(s.db, year))
    return [{"date": d.day.isoformat(), "weekday": d.day.isoweekday(), "type": "workday" if d.workday else "holiday",
             "name": d.name, "source": d.source} for d in days]


def year_known(year: int) -> bool:
    return package_knows(year)


def workdays(s, start, n: int) -> date:
    """The ``n``-th working day after ``start`` (n = 0: start, or the next working day)."""
    if n < 0 or n > MAX_WORKDAYS:
        raise FieldError("n", "error.workdays_range", value=n, max=MAX_WORKDAYS)
    return calendar(s).add_workdays(_day(start), n)


# the SLA table ----------------------------------------------------------------
def sla_table(s) -> dict[tuple[str, str], str]:
    """The office's SLA table over the defaults: what the case engine looks up."""
    return rules.effective(q.sla_table(s.db))


def sla_list(s) -> list[dict]:
    """Every (key, variant) with its duration, default, and whether the office changed it."""
    stored = {(r["key"], r["variant"]): r for r in q.sla_rows(s.db)}
    out = []
    for (key, variant), duration in sorted(rules.effective({k: r["duration"] for k, r in stored.items()}).items()):
        if key not in rules.SLA_KEYS:
            continue  # a row for a key this pmcs no longer knows
        default = rules.DEFAULT_SLA.get((key, variant))
        row = stored.get((key, variant)) or {}
        out.append({"key": key, "variant": variant, "duration": duration, "default": default or "",
                    "changed": duration != default, "updated_at": row.get("updated_at"),
                    "description": _t(rules.SLA_KEYS[key])})
    return out


def sla_set(s, key: str, variant: str | None, duration: str) -> dict:
    key = rules.check_key(key)
    variant = rules.check_variant(key, variant)
    text = str(parse_duration(duration, "duration"))
    with s.write():
        current = q.get_sla(s.db, key, variant)
        old = current["duration"] if current else None
        if old != text:  # setting the same value again changes and records nothing
            q.set_sla(s.db, key, variant, text, s.now_iso())
            s.record("sla", f"{key}/{variant}", "update" if current else "create",
                     {"duration": old} if current else None, {"duration": text})
    return {"key": key, "variant": variant, "duration": text, "before": old, "changed": old != text}


def _t(key, **kw):
    from pmcs.i18n import t

    return t(key, **kw)
