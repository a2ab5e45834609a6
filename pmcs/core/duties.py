"""Recurring office duties: RFC 5545 rules (dateutil) and their next occurrence."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pmcs.errors import FieldError

DUE_TIME = time(18, 0)  # a duty on a date is due by the end of that working day


FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")  # office duties; HOURLY … would iterate for minutes
MAX_INTERVAL = 99


def _sane(raw: str) -> bool:
    """A daily-or-slower frequency and an INTERVAL of 1..99: dateutil loops forever on
    INTERVAL=0 (while `duty done` holds the write lock) and for minutes on FREQ=SECONDLY."""
    parts = dict(p.partition("=")[::2] for p in raw.upper().split(";") if p)
    interval = parts.get("INTERVAL", "1")
    return parts.get("FREQ") in FREQS and interval.isascii() and interval.isdigit() and 1 <= int(interval) <= MAX_INTERVAL


def parse_rule(text: str, field: str = "rrule"):
    """Check an RRULE string (with or without the 'RRULE:' prefix); return it normalised."""
    from dateutil.rrule import rrulestr

    raw = (text or "").strip()
    if raw.upper().startswith("RRULE:"):
        raw = raw[6:]
    if not raw or "\n" in raw or "DTSTART" in raw.upper() or not _sane(raw):
        raise FieldError(field, "error.bad_rrule", value=text)
    try:
        rule = rrulestr(raw, dtstart=datetime(2000, 1, 1))
        first = rule.after(datetime(2000, 1, 1), inc=True)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise FieldError(field, "error.bad_rrule", value=text) from None
    if first is None:
        raise FieldError(field, "error.bad_rrule", value=text)
    return raw.upper()


def occurrence_on_or_after(rule_text: str, day: date, anchor: date) -> date | None:
    """The first occurrence on or after ``day``; ``anchor`` (the duty's start) fixes
    the parts a rule leaves open, e.g. the weekday of FREQ=WEEKLY."""
    from dateutil.rrule import rrulestr

    if not _sane(rule_text):  # stored before rules were checked this way: no later date
        return None
    try:
        rule = rrulestr(rule_text, dtstart=datetime.combine(min(anchor, day), time()))
        hit = rule.after(datetime.combine(day, time()), inc=True)
    except (ValueError, OverflowError):  # past the year 9999: no later date
        return None
    return hit.date() if hit else None


def first_due(rule_text: str, day: date, anchor: date, field: str = "rrule") -> date:
    """occurrence_on_or_after, refusing a rule that has no date left (UNTIL or COUNT already past)."""
    hit = occurrence_on_or_after(rule_text, day, anchor)
    if hit is None:
        raise FieldError(field, "error.rrule_ended", value=rule_text, start=day.isoformat())
    return hit


def occurrence_after(rule_text: str, day: date, anchor: date) -> date | None:
    return occurrence_on_or_after(rule_text, day + timedelta(days=1), anchor)


def due_moment(day: date, tz) -> datetime:
    return datetime.combine(day, DUE_TIME, tz)
