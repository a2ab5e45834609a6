"""Open deadlines counted again when the working-day calendar changes.

A deadline counted in working days (an SLA in `wd` or `eod`: same-day
rectification orders, the deposit refund, any step an office sets in working
days) depends on which days are days off. When the clerk adds a holiday or a
make-up workday, or imports a year's schedule — as pmcs asks them to when a
year is not known yet — every open deadline on or after the first changed day
is counted again in the same transaction, with one event each (action
``recount``). Deadlines in hours or calendar days come out the same and stay.

Each kind of stored deadline is one entry of KEEPERS: a module whose
``recount_deadlines(s, old, new, since)`` moves its own records and returns
the refs of those it moved. A deadline is counted again only when it is exactly what its rule
gives under the old calendar (for a case: counted as at its step's start, plus
the time held since), so a date imported, or one set under an SLA the office
has changed since, is left alone; a rectification order remembers a date the
clerk gave (``due_given``) and keeps it.
"""
from __future__ import annotations

from datetime import date, datetime, time
from importlib import import_module

from pmcs.clock import local_zone
from pmcs.services.session import to_iso

KEEPERS = ("pmcs.services.cases", "pmcs.services.rectification", "pmcs.services.renovation")


def recount(s, old, changed: dict[date, bool]) -> list[str]:
    """Inside the caller's write: move the open deadlines that ``changed`` days (over calendar
    ``old``) affect; returns the refs moved. Days that do not change anything are ignored."""
    from pmcs.core.calendar import WorkCalendar

    days = [d for d, workday in changed.items() if old.is_workday(d) != workday]
    if not days:
        return []
    return recount_from(s, old, WorkCalendar(old.overrides | changed), min(days))


def recount_from(s, old, new, first_day: date) -> list[str]:
    """Inside the caller's write: open deadlines due on or after ``first_day`` counted again
    with ``new`` instead of ``old``; returns the refs moved."""
    since = to_iso(datetime.combine(first_day, time(0), local_zone()))
    return [ref for name in KEEPERS for ref in import_module(name).recount_deadlines(s, old, new, since)]


SHOWN = 10  # refs named in a message; the rest counted


def moved_text(refs: list[str]) -> str:
    """The refs a recount moved, as a message names them: the first ten, then how many more."""
    shown = ", ".join(refs[:SHOWN])
    return shown + (f" … (+{len(refs) - SHOWN})" if len(refs) > SHOWN else "")


def catch_up(s, overrides: dict[date, bool], new) -> None:
    """An upgraded chinese-calendar knows more years than the one that counted the open
    deadlines (before, those years were counted with weekends only): count them again, once,
    in a transaction of its own — upkeep like a migration, kept whatever the command then
    does — and leave a notice on the session. The baseline is written by migration m016;
    where the package was missing then, or is older now, the year is only remembered.
    Inside a command's transaction (which may yet roll back) it waits for the next command."""
    from pmcs.core.calendar import WorkCalendar, package_years
    from pmcs.store.calendar import package_last_year, set_package_last_year

    span = package_years()
    if span is None or package_last_year(s.db) == span[1] or s.db.writing:
        return  # the usual case: one read, nothing to do
    from pmcs.services.session import SYSTEM_ACTOR

    # pmcs's own upkeep, like a migration: recorded under "pmcs", so that cron's remind (no --as) can do it
    with s.acting_as(SYSTEM_ACTOR), s.write():
        stored = package_last_year(s.db)  # another process may have done it meanwhile
        moved = None
        if stored is not None and stored < span[1]:
            old = WorkCalendar(overrides, known_until=stored)
            moved = recount_from(s, old, new, date(stored + 1, 1, 1))
        if stored != span[1]:
            set_package_last_year(s.db, span[1])
    if moved:
        s.notices.append(("calendar.package_upgraded", {"year": span[1], "count": len(moved),
                                                        "refs": moved_text(moved)}))


def exact(stored: str | None, count, old, new) -> str | None:
    """The deadline ``count(calendar)`` gives under ``new`` — if ``stored`` is exactly what it gave
    under ``old`` and the two differ; else None (nothing to move)."""
    if not stored or to_iso(count(old)) != stored:
        return None
    due = to_iso(count(new))
    return None if due == stored else due
