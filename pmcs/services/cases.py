"""The case engine: complaints, repairs and requests through their workflows.

Rules come from core/workflow.py (the tables) and core/cases.py (moves, due
times); SQL from store/cases.py. Every change is one transaction with events.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from pmcs.clock import local_zone
from pmcs.core import cases as rules
from pmcs.core.ids import parse_numbered
from pmcs.core.workflow import CLOSED, STEP_ENDINGS, WORKFLOWS
from pmcs.errors import NotFound, UserError
from pmcs.services.session import from_iso, to_iso
from pmcs.store import cases as q

COUNT_UPTO = 10_000  # a list cut by --limit counts what matched up to this: "100 of more than 10000"
MIRRORED = ("channel", "category", "severity", "nature", "urgency", "verdict", "type", "handler")


def workflow(kind: str):
    return WORKFLOWS[kind]


def get_case(s, kind: str, ref: str) -> dict:
    """By number (TS-2026-0042, 2026-0042) or the bare number (42: the latest year's)."""
    number, seq = parse_numbered(ref, workflow(kind).prefix)
    case = q.case_by_number(s.db, number) if number else q.case_by_seq(s.db, kind, seq) if seq else None
    if case is None or case["kind"] != kind:
        raise NotFound("error.case_not_found", hint=f"hint.{kind}_list", ref=ref)
    return case


def _context(s):
    from pmcs.services.calendar import calendar
    from pmcs.store.calendar import sla_table

    return {"sla_table": sla_table(s.db), "calendar": calendar(s), "tz": local_zone()}


def _due(s, wf, step: str, case: dict, start: datetime, ctx, held_until: str | None = None) -> str | None:
    if step != CLOSED and wf.step(step).anchor == "recorded" and case.get("reopen_count"):
        case = case | _clock(s, wf, case, held_until)
    due = rules.due_at(wf, step, case, start, **ctx)
    return to_iso(due) if due else None


def recount_deadlines(s, old, new, since: str) -> list[str]:
    """The working-day calendar changed from ``old`` to ``new`` (services/deadlines.py): every open
    case due at or after ``since`` whose deadline is exactly what its step's SLA gave under ``old``
    — counted as at the step's start, plus the time held since (resume pushed it) — is counted
    again under ``new``. A deadline set under an SLA changed since, or imported, stays.
    Returns the numbers of the cases moved."""
    base = _context(s)
    old_ctx, new_ctx = base | {"calendar": old}, base | {"calendar": new}
    moved: list[str] = []
    steps = rules.working_day_steps(WORKFLOWS.values(), base["sla_table"])
    for case in q.open_cases_due_from(s.db, since, steps):
        wf = workflow(case["kind"])
        duration = rules.step_duration(wf, case["step"], case, base["sla_table"])
        if not case["step_started_at"] or duration is None or duration.is_calendar_time:
            continue  # hours and calendar days do not depend on the calendar
        began = case["step_started_at"]
        held = rules.held_since(q.hold_marks(s.db, case["number"], began), began)  # pushed onto the deadline
        at_start = case | {"held_seconds": case["held_seconds"] - held}  # as the step's start counted it
        start, pushed = from_iso(began), timedelta(seconds=held)
        was = _due(s, wf, case["step"], at_start, start, old_ctx, held_until=began)
        if was is None or to_iso(from_iso(was) + pushed) != case["due_at"]:
            continue
        due = to_iso(from_iso(_due(s, wf, case["step"], at_start, start, new_ctx, held_until=began)) + pushed)
        if due != case["due_at"]:
            q.set_due(s.db, case["id"], due)
            s.record("case", case["number"], "recount", {"due_at": case["due_at"]}, {"due_at": due})
            moved.append(case["number"])
    return moved


def _clock(s, wf, case: dict, held_until: str | None = None) -> dict:
    """A reopened case's clock restarts at the reopening: steps counted 'from the recording'
    (the reply) count from then, plus the time held since (up to ``held_until``, if given)."""
    since = q.last_step_start(s.db, case["id"], rules.restart_steps(wf))
    if not since:
        return {}
    marks = q.hold_marks(s.db, case["number"], since)
    if held_until is not None:
        marks = [m for m in marks if m[0] < held_until]
    return {"clock_from": since, "clock_held": rules.held_since(marks, since)}


def _staff_code(s, ref: str) -> str:
    from pmcs.services.staff import get_staff

    return get_staff(s, ref, active_only=True)["code"]


def acceptor(s) -> str:
    """谁受理，谁跟进: the acting staff member must be a registered, active staff member."""
    from pmcs.services.staff import get_staff

    try:
        return get_staff(s, s.actor, active_only=True)["code"]
    except NotFound:
        raise UserError("error.acceptor_unknown", hint="hint.acceptor", actor=s.actor) from None


def _resolve_refs(s, wf, values: dict) -> dict:
    """Staff, category: stored as codes. The staff member a complaint is about may have left
    since (inactive is fine), or be nobody on the staff (``-``)."""
    for name in ("handler", "praised"):
        if values.get(name):
            values[name] = _staff_code(s, values[name])
    if values.get("about"):
        from pmcs.services.staff import staff_filter

        values["about"] = rules.about_code(values["about"], lambda text: staff_filter(s, text))
    if values.get("category"):
        values["category"] = category_code(s, values["category"])
    if values.get("appointment"):
        from pmcs.core.fields import check_year
        from pmcs.errors import FieldError

        try:
            moment = rules.parse_local(values["appointment"], local_zone())
        except ValueError:
            raise FieldError("appointment", "error.bad_datetime", value=values["appointment"]) from None
        values["appointment"] = check_year(moment, "appointment", values["appointment"]).strftime("%Y-%m-%d %H:%M")
    return values


def category_code(s, text: str, *, include_inactive: bool = False) -> str:
    """A category by code, English or Chinese name. New complaints take active ones only; a filter
    (``include_inactive``) takes a disabled one too: old complaints still carry it."""
    raw = text.strip()
    known = q.categories(s.db, include_inactive=include_inactive)
    for c in known:
        if raw.lower() in (c["code"].lower(), c["en"].lower()) or raw == c["zh"]:
            return c["code"]
    from pmcs.errors import FieldError

    raise FieldError("category", "error.bad_choice", value=raw,
                     choices=", ".join(f"{c['code']} ({c['zh']})" for c in known))


def add_case(s, kind: str, *, unit=None, person=None, **fields) -> dict:
    from pmcs.services.people import get_person
    from pmcs.services.units import get_unit

    wf = workflow(kind)
    first = wf.steps[0]
    given = {k: v for k, v in fields.items() if v not in (None, "")}
    stray = [k for k in given if k not in wf.allowed(first.code)]
    if stray:
        raise rules.not_now(wf, kind, stray[0], first.code, given)
    values = rules.clean_fields(wf, given)
    missing = [f for f in wf.required(first.code, values) if f not in values]
    if missing or (not unit and not person):  # who it is about: a unit, a person, or both
        from pmcs.i18n import t

        need = [t("case.unit_or_person")] if not unit and not person else []
        need += [rules.options(missing)] if missing else []
        raise UserError("error.case_needs", kind=kind, noun=t(f"kind.{kind}"), fields=", ".join(need))
    ctx = _context(s)
    with s.write():
        values = _resolve_refs(s, wf, values)
        accepted_by = acceptor(s)
        person_row = get_person(s, person) if person else None
        unit_row = get_unit(s, unit) if unit else _only_unit(s, person_row)
        now = s.now()
        local_now = now.astimezone(ctx["tz"])
        seq = q.next_seq(s.db, kind, local_now.year)
        number = f"{wf.prefix}-{local_now.year}-{seq:04d}"
        repeat = _repeat_of(s, kind, unit_row, values, now)
        row = {"kind": kind, "number": number, "year": local_now.year, "seq": seq,
               "unit_id": unit_row["id"] if unit_row else None, "person_id": person_row["id"] if person_row else None,
               "acceptor": accepted_by, "status": "open", "values": values, "recorded_at": to_iso(now),
               "repeat_of": repeat["id"] if repeat else None, "created_at": to_iso(now), "updated_at": to_iso(now)}
        row |= {k: values.get(k) for k in MIRRORED}
        nxt = wf.next_step(first.code)
        row["step"] = nxt
        row["due_at"] = _due(s, wf, nxt, row, now, ctx)
        row["id"] = q.insert_case(s.db, row)
        step_id = q.start_step(s.db, row["id"], first.code, to_iso(now), None)
        q.finish_step(s.db, step_id, to_iso(now), s.actor, values.get("note"), values)
        q.start_step(s.db, row["id"], nxt, to_iso(now), row["due_at"])
        s.record("case", number, "create", None, {"step": nxt, "due_at": row["due_at"], "acceptor": accepted_by,
                                                   "repeat_of": repeat["number"] if repeat else None, **values})
    return get_case(s, kind, number)


def _only_unit(s, person_row):
    """A caller known only by name: use their unit when they have exactly one."""
    if person_row is None:
        return None
    from pmcs.store.registry import person_links

    current = {link["unit"] for link in person_links(s.db, person_row["id"]) if not link["end"]}
    if len(current) == 1:
        from pmcs.services.units import get_unit

        return get_unit(s, current.pop())
    return None


def _repeat_of(s, kind, unit_row, values, now) -> dict | None:
    if not rules.flags_repeats(workflow(kind)) or not unit_row or not values.get("category"):
        return None
    from pmcs.services.settings import get_int

    days = get_int(s.db, "repeat-days")
    return q.recent_same(s.db, kind, unit_row["id"], values["category"], to_iso(now - timedelta(days=days)))


def advance(s, kind: str, ref: str, **fields) -> dict:
    wf = workflow(kind)
    ctx = _context(s)
    with s.write():
        case = get_case(s, kind, ref)
        given = {k: v for k, v in fields.items() if v not in (None, "")}
        plan = rules.plan_advance(wf, case, given)
        values = _resolve_refs(s, wf, plan.values)
        now = s.now()
        finished = case["step"]
        merged = rules.carried(wf, case) | values
        rules.check_about(merged)
        rules.check_promise(values, from_iso(case["recorded_at"]).astimezone(local_zone()).date().isoformat())
        if plan.reopened:  # the verdict that reopened it, and the owner's comment, stay with the case
            merged = {k: v for k, v in merged.items() if k not in rules.fields_from(wf, plan.to_step)}
            merged |= {k: values[k] for k in plan.extra["kept"] if k in values}
        step_row = q.open_step(s.db, case["id"])
        q.finish_step(s.db, step_row["id"], to_iso(now), s.actor, values.get("note"), values)
        changes = {"values": merged, "step": plan.to_step, "updated_at": to_iso(now)}
        changes |= {k: merged.get(k) for k in MIRRORED}
        if plan.to_step == CLOSED:
            changes |= {"status": "closed", "closed_at": to_iso(now), "due_at": None}
        else:
            changes["due_at"] = _due(s, wf, plan.to_step, case | {"values": merged}, now, ctx)
            q.start_step(s.db, case["id"], plan.to_step, to_iso(now), changes["due_at"])
        if plan.reopened:
            changes["reopen_count"] = case["reopen_count"] + 1
        q.update_case(s.db, case["id"], changes)
        s.record("case", case["number"], "reopen" if plan.reopened else "advance",
                 {"step": finished, "due_at": case["due_at"]},
                 {"step": plan.to_step, "due_at": changes.get("due_at"), **values})
    return get_case(s, kind, case["number"])


def hold(s, kind: str, ref: str, reason: str) -> dict:
    return _status_move(s, kind, ref, "hold", reason=reason)


def resume(s, kind: str, ref: str) -> dict:
    return _status_move(s, kind, ref, "resume")


def cancel(s, kind: str, ref: str, reason: str) -> dict:
    return _status_move(s, kind, ref, "cancel", reason=reason)


def reopen(s, kind: str, ref: str, reason: str) -> dict:
    return _status_move(s, kind, ref, "reopen", reason=reason)


def _status_move(s, kind, ref, action, reason=None) -> dict:
    if action in ("hold", "cancel", "reopen") and not (reason or "").strip():
        raise UserError("error.reason_required", action=action)
    wf = workflow(kind)
    with s.write():
        case = get_case(s, kind, ref)
        status = rules.status_after(case, action)
        now = to_iso(s.now())
        changes: dict = {"status": status, "updated_at": now}
        if action == "hold":
            changes |= {"hold_since": now, "hold_reason": reason}
        elif action == "resume":
            held = int((s.now() - from_iso(case["hold_since"])).total_seconds())
            q.push_due(s.db, case["id"], held)
            changes |= {"hold_since": None, "held_seconds": case["held_seconds"] + held}
        elif action == "cancel":
            changes |= {"closed_at": now, "due_at": None, "cancel_reason": reason, "hold_since": None}
            step_row = q.open_step(s.db, case["id"])
            if step_row:
                q.finish_step(s.db, step_row["id"], now, s.actor, reason, {STEP_ENDINGS["cancel"]: True})
        elif action == "reopen":
            target = wf.reopen_to
            values = {k: v for k, v in case["values"].items() if k not in rules.fields_from(wf, target)}
            due = _due(s, wf, target, case | {"values": values}, s.now(), _context(s))
            q.start_step(s.db, case["id"], target, now, due)
            changes |= {"step": target, "closed_at": None, "due_at": due, "values": values,
                        "reopen_count": case["reopen_count"] + 1} | {k: values.get(k) for k in MIRRORED}
        q.update_case(s.db, case["id"], changes)
        now_row = q.case_by_number(s.db, case["number"])  # resume pushed the deadline by the time held
        before, after = {"status": case["status"]}, {"status": status}
        for key in ("step", "due_at", "held_seconds"):
            if now_row[key] != case[key]:
                before[key], after[key] = case[key], now_row[key]
        s.record("case", case["number"], action, before, after | ({"reason": reason} if reason else {}))
    return get_case(s, kind, case["number"])


def category_labels(s) -> dict[str, str]:
    from pmcs.i18n import get_lang

    return {c["code"]: c["zh"] if get_lang() == "zh" else c["en"] for c in q.categories(s.db, include_inactive=True)}


def show_case(s, kind: str, ref: str) -> dict:
    case = get_case(s, kind, ref)
    case["category_label"] = category_labels(s).get(case["category"])
    case["steps"] = q.steps_of(s.db, case["id"])
    case["moves"] = q.case_moves(s.db, case["number"], workflow(kind).in_place_actions())  # reassignments
    rules.place_moves(workflow(kind), case["steps"], case["moves"])
    if case["repeat_of"]:
        case["repeat_number"] = q.number_of(s.db, case["repeat_of"])
    return case


def list_cases(s, kind: str, **filters) -> list[dict]:
    """Cases by the filters given (see list_page)."""
    return list_page(s, kind, **filters)[0]


def list_page(s, kind: str, *, unit=None, category=None, acceptor=None, handler=None, about=None, since=None,
              step=None, limit=100, **filters) -> tuple[list[dict], int]:
    """Cases by the filters given, and how many match in all (counted only when ``limit`` cut the
    list, and only up to COUNT_UPTO + 1: more is 'more than COUNT_UPTO'). Staff filters may name someone who has left; ``about`` (complaints only) takes a staff
    member or ``-`` for complaints about nobody on the staff."""
    from pmcs.core.fields import parse_date
    from pmcs.services.staff import staff_filter
    from pmcs.services.units import get_unit

    wf = workflow(kind)
    args = {"step": parse_step(kind, step) if step else None, "unit_id": get_unit(s, unit)["id"] if unit else None,
            "category": category_code(s, category, include_inactive=True) if category else None,
            "acceptor": staff_filter(s, acceptor) if acceptor else None,
            "handler": staff_filter(s, handler) if handler else None,
            "about": _about_filter(s, wf, about) if about else None,
            "since": to_iso(datetime.combine(parse_date(since, "since"), datetime.min.time(), local_zone())) if since else None}
    rows = q.list_cases(s.db, kind, now=s.now_iso(), limit=limit, **args, **filters)
    total = q.count_cases(s.db, kind, now=s.now_iso(), upto=COUNT_UPTO, **args, **filters) \
        if limit and len(rows) >= limit else len(rows)
    labels = category_labels(s)
    for r in rows:
        r["category_label"] = labels.get(r["category"])
    return rows, total


def parse_step(kind: str, text: str) -> str:
    """A step by its code, English or Chinese name (回访, 派单), closed included."""
    from pmcs.core.case_io import parse_step as parse
    from pmcs.i18n import catalog

    labels, wf = catalog(), workflow(kind)
    codes = [st.code for st in wf.steps] + [CLOSED]
    return parse(wf, text, {c: labels.get(f"step.{kind}.{c}", (c, c)) for c in codes})


def parse_state(kind: str, text: str) -> str:
    """``--state`` of lists and exports: open, closed, all, by code, English or Chinese name."""
    from pmcs.i18n import catalog

    return rules.parse_state(kind, text, catalog())


def _about_filter(s, wf, about: str) -> str:
    from pmcs.errors import UsageError
    from pmcs.services.staff import staff_filter

    if not rules.names_about(wf):
        raise UsageError("error.about_filter_kind")
    return rules.about_code(about, lambda text: staff_filter(s, text))


def _extra_move(wf, case: dict, action: str) -> str:
    """Moves beyond advance (repair reassign/return), from the workflow's actions table."""
    from pmcs.errors import NotAllowed

    rules.status_after(case, action)
    for step, name, target in wf.actions:
        if step == case["step"] and name == action:
            return target
    raise NotAllowed("error.action_not_now", ref=case["number"], action=action, step=rules.step_name(wf, case["step"]),
                     steps=", ".join(rules.step_name(wf, st) for st, name, _ in wf.actions if name == action))


def reassign(s, ref: str, handler: str, note=None) -> dict:
    """转单: another technician takes the order; the deadline runs on."""
    wf = workflow("repair")
    with s.write():
        case = get_case(s, "repair", ref)
        _extra_move(wf, case, "reassign")
        code = _staff_code(s, handler)
        values = case["values"] | {"handler": code}
        q.update_case(s.db, case["id"], {"handler": code, "values": values, "updated_at": s.now_iso()})
        s.record("case", case["number"], "reassign", {"handler": case["handler"]}, {"handler": code, "note": note})
    return get_case(s, "repair", case["number"])


def return_order(s, ref: str, reason: str) -> dict:
    """退单: the technician hands the order back; it is dispatched again with a new deadline."""
    if not (reason or "").strip():
        raise UserError("error.reason_required", action="return")
    wf = workflow("repair")
    ctx = _context(s)
    with s.write():
        case = get_case(s, "repair", ref)
        target = _extra_move(wf, case, "return")
        now = s.now()
        step_row = q.open_step(s.db, case["id"])
        q.finish_step(s.db, step_row["id"], to_iso(now), s.actor, reason, {STEP_ENDINGS["return"]: True})
        values = {k: v for k, v in case["values"].items() if k not in rules.fields_from(wf, target)}
        due = _due(s, wf, target, case | {"values": values}, now, ctx)
        q.start_step(s.db, case["id"], target, to_iso(now), due)
        q.update_case(s.db, case["id"], {"step": target, "due_at": due, "values": values, "handler": None,
                                         "updated_at": to_iso(now)})
        s.record("case", case["number"], "return", {"step": case["step"], "handler": case["handler"]},
                 {"step": target, "due_at": due, "reason": reason})
    return get_case(s, "repair", case["number"])
