"""What is due: for `pmcs remind` (cron) and `pmcs today` (the clerk's dashboard)."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from pmcs.clock import local_zone
from pmcs.core.durations import parse_duration, window_end
from pmcs.core.reminders import sort_items
from pmcs.errors import UsageError
from pmcs.services.reminders import due_items, due_window, load
from pmcs.services.session import to_iso
from pmcs.store import office as q

FAIL_ON = ("overdue", "due", "never")
CASE_KINDS = ("complaint", "repair", "request")
EXIT_OVERDUE = 10


def remind(s, *, within: str = "1wd", for_staff=None, sources=None, fail_on: str = "overdue") -> dict:
    """Everything overdue plus what falls due within the window; and the exit code cron should see.

    ``within="Nwd"`` runs to the end of the N-th working day after today (``0wd``: the end of
    today, the same set `pmcs today` shows as overdue and due today); hours and days are
    counted from now (core/durations.window_end)."""
    from pmcs.services.calendar import calendar

    if fail_on not in FAIL_ON:
        raise UsageError("error.bad_choice", field="--fail-on", value=fail_on, choices=", ".join(FAIL_ON))
    names = _sources(sources)
    providers = sorted({"case" if n in CASE_KINDS else n for n in names}) if names else None
    now = s.now()
    until = window_end(now, parse_duration(within, "within"), calendar(s), local_zone())
    owner = None
    if for_staff:
        from pmcs.services.staff import get_staff

        owner = get_staff(s, for_staff)["code"]
    now_iso = to_iso(now)
    items = [i for i in due_items(s, to_iso(until), providers) if owner is None or i.owner == owner]
    if names:  # the case provider yields every kind; keep the kinds asked for
        items = [i for i in items if i.kind not in CASE_KINDS or i.kind in names]
    items = sort_items(items, now_iso)
    overdue = [i for i in items if i.due_at < now_iso]
    code = 0
    if (fail_on == "overdue" and overdue) or (fail_on == "due" and items):
        code = EXIT_OVERDUE
    return {"items": items, "overdue": len(overdue), "now": now_iso, "until": to_iso(until), "exit_code": code,
            "staff": q.staff_names(s.db)}


def _sources(text) -> list[str] | None:
    if not text:
        return None
    known = (set(load()) - {"case"}) | set(CASE_KINDS)
    names = [x.strip().lower() for x in text.split(",") if x.strip()]
    bad = [n for n in names if n not in known]
    if bad:
        raise UsageError("error.bad_choice", field="--source", value=bad[0], choices=", ".join(sorted(known)))
    return names


def dashboard(s, rows: int = 12) -> dict:
    """`pmcs today`: overdue, due today (how many, and the first ``rows`` of each by due
    time), open cases by step, this week's numbers."""
    tz = local_zone()
    now = s.now()
    today = now.astimezone(tz).date()
    tomorrow = datetime.combine(today + timedelta(days=1), time(), tz)
    week_start = datetime.combine(today - timedelta(days=today.weekday()), time(), tz)
    now_iso = to_iso(now)
    overdue_count, overdue = due_window(s, None, now_iso, rows)
    today_count, due_today = due_window(s, now_iso, to_iso(tomorrow), rows)
    week = q.week_counts(s.db, to_iso(week_start))
    from pmcs.store.registry import meta_get

    return {"now": now_iso, "today": today.isoformat(), "estate": meta_get(s.db, "estate") or "",
            "overdue": overdue, "overdue_count": overdue_count, "due_today": due_today, "due_today_count": today_count, "by_step": q.open_by_step(s.db), "week": week,
            "staff": q.staff_names(s.db)}
