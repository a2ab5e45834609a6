"""The case engine's rules, pure: which moves are allowed now, what a step
needs, and when the next step falls due. Works from the workflow tables."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from pmcs.core.fields import clean_value
from pmcs.core.workflow import CLOSED, STATUS_MOVES, Workflow
from pmcs.errors import NotAllowed

OPEN_STATUSES = ("open", "on_hold")


@dataclass
class Plan:
    to_step: str
    values: dict  # cleaned fields of the finished step
    reopened: bool = False
    status: str = "open"
    extra: dict = field(default_factory=dict)


def status_after(case: dict, action: str) -> str:
    """One state table for hold/resume/cancel/reopen/advance of every kind."""
    status = case["status"]
    target = STATUS_MOVES.get((status, action))
    if target is None:
        from pmcs.i18n import t

        raise NotAllowed(f"error.case_{action}_refused" if action in ("resume", "reopen") else "error.case_not_open",
                         ref=case["number"], status=t(f"status.{status}"), action=action)
    return target


def clean_fields(wf: Workflow, given: dict) -> dict:
    out = {}
    for name, value in given.items():
        if value is None or value == "":
            continue
        out[name] = clean_value(wf.fields[name], value) if name in wf.fields else value
    return out


ATTITUDE = "staff_attitude"  # the category whose complaints name the staff member they are about
NOT_STAFF = "-"  # `--about -`: about nobody on the staff (a contractor, a neighbour): counted against nobody


STATES = ("open", "closed", "all")  # list and export filters: open includes on hold, closed includes cancelled


def parse_state(kind: str, text: str, catalog: dict) -> str:
    """A list/export ``--state`` by code, English or Chinese label: 处理中, 已结束, 全部, and the
    words for closed the clerk sees elsewhere (已结案, the kind's own 已结单)."""
    from pmcs.errors import UsageError

    raw = (text or "").strip()
    for code in STATES:
        keys = (f"state.{code}",) + ((f"status.{code}", f"step.{kind}.{code}") if code != "all" else ())
        names = {code} | {part for key in keys if key in catalog for part in catalog[key]}
        if raw.lower() in {n.lower() for n in names}:
            return code
    raise UsageError("error.bad_choice", field="--state", value=raw,
                     choices=", ".join(f"{c} ({catalog[f'state.{c}'][1]})" for c in STATES))


def about_code(text: str, staff_code) -> str:
    """Whom a complaint is about, as stored: ``-`` for nobody on the staff, else the code
    ``staff_code(text)`` finds (someone who has left may be named)."""
    text = text.strip()
    return NOT_STAFF if text == NOT_STAFF else staff_code(text)


def check_about(values: dict) -> None:
    """``about`` (被投诉员工) belongs to staff-attitude complaints only; elsewhere it would be
    stored and shown but never counted, a silent mistake."""
    from pmcs.errors import FieldError

    if values.get("about") and values.get("category") != ATTITUDE:
        raise FieldError("about", "error.about_not_attitude", category=values.get("category") or "-")


def check_promise(values: dict, recorded_on: str) -> None:
    """The completion date promised to the owner is not before the day the case was recorded
    (2020-01-01 for a complaint of 2026 is a typo, and the revisit would be due at once)."""
    from pmcs.errors import FieldError

    promise = values.get("promise")
    if promise and promise < recorded_on:
        raise FieldError("promise", "error.promise_before_recorded", value=promise, recorded=recorded_on)


def flags_repeats(wf: Workflow) -> bool:
    """Are this workflow's cases flagged as repeats (same unit, same category, within the window)?
    Only a kind with categories can be: complaints."""
    return "category" in wf.fields


def names_about(wf: Workflow) -> bool:
    """Do this workflow's cases name the staff member they are about (complaints)?"""
    return "about" in wf.fields


def plan_advance(wf: Workflow, case: dict, given: dict) -> Plan:
    """Finish the current step with ``given`` fields; refuse skipping or missing fields (exit 4)."""
    status_after(case, "advance")
    current = case["step"]
    allowed = wf.allowed(current)
    stray = [f for f in given if given[f] not in (None, "") and f not in allowed]
    if stray:
        raise not_now(wf, case["number"], stray[0], current, case["values"])
    values = clean_fields(wf, given)
    merged = carried(wf, case) | values
    missing = [f for f in wf.required(current, merged) if merged.get(f) in (None, "")]
    if missing:
        raise NotAllowed("error.step_needs", ref=case["number"], step=current, at=step_name(wf, current),
                         fields=options(missing))
    for step, fname, value, target in wf.branches:
        if step == current and values.get(fname) == value:
            return Plan(target, values, reopened=True, extra={"kept": wf.branch_fields(current)})
    nxt = wf.next_step(current)
    return Plan(nxt, values, status="closed" if nxt == CLOSED else "open")


def carried(wf: Workflow, case: dict) -> dict:
    """The values the current step builds on. A step that branched before (a revisit after an
    unsatisfied one) is answered afresh: the earlier verdict and comment do not count."""
    kept = wf.branch_fields(case["step"]) if case["step"] != CLOSED else ()
    return {k: v for k, v in case["values"].items() if k not in kept}


def options(fields) -> str:
    """Field names as the options that give them: --onsite-note, --emergency-measures."""
    return ", ".join("--" + f.replace("_", "-") for f in fields) or "-"


def step_name(wf: Workflow, code: str) -> str:
    """A step as the clerk reads it: its label, with the code the options speak of when they differ."""
    from pmcs.i18n import t

    label = t(f"step.{wf.kind}.{code}")
    return code if label == code else f"{label} ({code})"


def not_now(wf: Workflow, ref: str, field: str, step: str, values: dict) -> NotAllowed:
    """A field given at the wrong step: name the step, what it needs, and where the field belongs."""
    owner = wf.owner_of(field)
    return NotAllowed("error.field_not_now", ref=ref, step=step, owner=owner or "-", option=options([field]),
                      at=step_name(wf, step), belongs=step_name(wf, owner) if owner else "-",
                      needs=options(wf.required(step, values)))


def fields_from(wf: Workflow, step_code: str) -> set[str]:
    """Fields recorded at ``step_code`` and after: cleared when a case goes back there (but
    those the workflow keeps going back, e.g. whom a complaint is about)."""
    i = wf.index(step_code)
    names: set[str] = set()
    for st in wf.steps[i:]:
        names.update(st.requires + st.optional)
        for _, _, more in st.when:
            names.update(more)
    return names - set(wf.kept_going_back)


def anchor_time(anchor: str, case: dict, start: datetime, tz) -> datetime:
    """Where a step's deadline counts from."""
    if anchor == "recorded":  # from the recording, or from the last reopening: the clock restarts
        if case.get("clock_from"):
            return _parse(case["clock_from"]) + timedelta(seconds=case.get("clock_held") or 0)
        return _parse(case["recorded_at"]) + timedelta(seconds=case.get("held_seconds") or 0)
    if anchor == "promise_or_reply":
        values = case["values"]
        promise = values.get("promise")
        promised = datetime.combine(datetime.fromisoformat(promise).date(), time(18, 0), tz) if promise else None
        return max(t for t in (start, promised) if t is not None)
    if anchor == "appointment":
        appt = case["values"].get("appointment")
        if appt:
            return max(start, parse_local(appt, tz))
    return start


def step_duration(wf: Workflow, step_code: str, case: dict, sla_table: dict):
    """The SLA duration of a step for this case (its severity or urgency), or None if it has none."""
    if step_code == CLOSED:
        return None
    st = wf.step(step_code)
    if not st.sla:
        return None
    from pmcs.core.sla import lookup

    variant = case["values"].get(wf.variant) if wf.variant else None
    return lookup(sla_table, st.sla, variant or "default")


def working_day_steps(workflows, sla_table: dict) -> list[tuple[str, str]]:
    """(kind, step) of every step counted in working days for some severity or urgency:
    the only case deadlines a change of the calendar can move."""
    from pmcs.core.sla import lookup, variants

    return [(wf.kind, st.code) for wf in workflows for st in wf.steps
            if st.sla and any(not lookup(sla_table, st.sla, v).is_calendar_time for v in variants(st.sla))]


def due_at(wf: Workflow, step_code: str, case: dict, start: datetime, *, sla_table: dict, calendar, tz) -> datetime | None:
    duration = step_duration(wf, step_code, case, sla_table)
    if duration is None:
        return None
    from pmcs.core.durations import add

    return add(anchor_time(wf.step(step_code).anchor, case, start, tz), duration, calendar, tz)


def restart_steps(wf: Workflow) -> set[str]:
    """The steps a reopening goes back to: the latest start of one of them restarts the case's clock."""
    return {target for *_, target in wf.branches} | ({wf.reopen_to} if wf.reopen_to else set())


def place_moves(wf: Workflow, steps: list[dict], moves: list[dict]) -> None:
    """Give each in-place move (a reassignment) the id of the step row it happened in: the row of
    its step (from the actions table) running at that moment, so the timeline shows it there even
    when a return at the same minute started the next row. ``step_id`` None: no such row (imported)."""
    at_step = {action: step for step, action, target in wf.actions if step == target}
    for move in moves:
        rows = [r for r in steps if r["step"] == at_step.get(move["action"]) and r["started_at"] <= move["at"]
                and (r["done_at"] is None or r["done_at"] >= move["at"])]
        move["step_id"] = rows[-1]["id"] if rows else None


def held_since(marks, since: str) -> int:
    """Seconds on hold after ``since``, from the case's (at, action) hold/resume events in order."""
    held, start = 0, None
    for at, action in marks:
        if at < since:
            continue
        if action == "hold":
            start = at
        elif action == "resume" and start is not None:
            held += int((_parse(at) - _parse(start)).total_seconds())
            start = None
    return held


def parse_local(text: str, tz) -> datetime:
    """A local date or date-time typed by the clerk (2026-11-23, 2026-11-23 14:00)."""
    moment = datetime.fromisoformat(text.strip().replace("/", "-"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def _parse(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def is_repeat_window(recorded_at: datetime, days: int) -> datetime:
    return recorded_at - timedelta(days=days)
