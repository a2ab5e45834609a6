"""A year of demo complaints, repairs and requests, generated from a seed.

Pure: no SQL, no clock — ``now``, the office (units with their people, staff),
the SLA table and the working-day calendar are passed in. Each case is played
through its workflow the way the engine would move it: every step starts when
the previous one is done, gets its due time from the SLA (core/cases.due_at),
and is finished a little before or (sometimes) after it. Cases recorded lately
are still running, some are overdue or on hold, some were reopened by an
unsatisfied revisit, returned by a technician, cancelled; repeat complaints
come from the same unit in the same category.

``make_cases`` returns dicts ready for store.cases.CaseWriter (rows without
number or id, their step rows and their events), oldest first; ``repeat`` is
the index of the earlier case a complaint repeats.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

from pmcs.core import demo_case_texts as tx
from pmcs.core.cases import ATTITUDE, anchor_time
from pmcs.core.durations import add
from pmcs.core.sla import lookup
from pmcs.core.workflow import CLOSED, WORKFLOWS

COUNTS = {"complaint": 300, "repair": 1500, "request": 200}
CHANNELS = {"complaint": (("phone", 40), ("visit", 25), ("online", 15), ("staff", 8), ("box", 4), ("letter", 3),
                          ("proxy", 3), ("fax", 2)),
            "repair": (("phone", 70), ("visit", 18), ("online", 12)),
            "request": (("phone", 50), ("visit", 30), ("online", 20))}
MIRRORED = ("channel", "category", "severity", "nature", "urgency", "verdict", "type", "handler")
REPEAT_SHARE = 0.1  # complaints that come back from the same unit about the same thing


def iso(moment: datetime) -> str:
    d = moment.astimezone(timezone.utc)  # strftime is slow: a demo formats ~60,000 times
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}Z"


class _Gen:
    def __init__(self, seed, now, units, staff, sla_table, calendar, tz):
        self.rng = random.Random(f"pmcs-demo-cases-{seed}")
        self.now, self.tz = now.astimezone(timezone.utc), tz
        self.units = [u for u in units if u["people"]] or units
        service = [s for s in staff if s["team"] == "customer_service"]
        self.clerks = [s for s in service if s.get("role") == "clerk"] or service  # they accept the calls
        self.team = {}
        for s in staff:
            self.team.setdefault(s["team"], []).append(s)
        self.ctx = {"sla_table": sla_table, "calendar": calendar, "tz": tz}
        self.durations: dict = {}

    def pick(self, pairs):
        return self.rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def office_hours(self, moment: datetime, start=8, end=20) -> datetime:
        """Clerks work by day: a time outside start..end moves to the next morning."""
        loc = self.local(moment)
        if start <= loc.hour < end:
            return moment
        day = loc.date() + timedelta(days=1 if loc.hour >= end else 0)
        minute = self.rng.randint(0, 90)
        return datetime.combine(day, time(start, 0), self.tz) + timedelta(minutes=minute)

    def recorded(self, days_ago: float, kind: str) -> datetime:
        day = self.local(self.now - timedelta(days=days_ago)).date()
        hours = (7, 22) if kind == "repair" else (8, 20)
        at = datetime.combine(day, time(0, 0), self.tz) + timedelta(minutes=self.rng.randint(hours[0] * 60, hours[1] * 60 - 1))
        return min(at, self.now - timedelta(minutes=self.rng.randint(5, 120)))

    def finish(self, start: datetime, due, night_ok=False, by=None) -> datetime:
        """When a step gets done: mostly well within its deadline, about one in ten late. ``by``:
        a later deadline the office works towards (a complaint's reply, due 24 h from the
        recording): the step leaves room for it, so the demo's on-time reply rate is an
        office's, not 9 %."""
        if by is not None and (due is None or by < due) and by > start + timedelta(minutes=10):
            share = self.rng.uniform(0.05, 0.45)
            done = start + (by - start) * share
        elif due is None or due <= start + timedelta(minutes=10):
            done = start + timedelta(minutes=self.rng.randint(10, 180))
        else:
            share = self.rng.uniform(1.05, 2.5) if self.rng.random() < 0.1 else self.rng.uniform(0.05, 0.9)
            done = start + (due - start) * share
        if not night_ok:
            done = self.office_hours(done)
        return max(done.replace(second=0, microsecond=0), start + timedelta(minutes=1))

    def due(self, wf, step, case, start):
        """core.cases.due_at, with the SLA durations looked up once."""
        st = wf.step(step)
        if not st.sla:
            return None
        variant = (case["values"].get(wf.variant) if wf.variant else None) or "default"
        key = (st.sla, variant)
        if key not in self.durations:
            self.durations[key] = lookup(self.ctx["sla_table"], st.sla, variant)
        return add(anchor_time(st.anchor, case, start, self.tz), self.durations[key], self.ctx["calendar"], self.tz)


class _Case:
    """One case being played through its workflow."""

    def __init__(self, g: _Gen, kind: str, t0: datetime, acceptor: dict, unit: dict, person, values: dict, story):
        self.g, self.kind, self.wf, self.story = g, kind, WORKFLOWS[kind], story
        self.actor, self.values, self.held = acceptor["code"], dict(values), 0
        self.row = {"kind": kind, "unit_id": unit["id"], "person_id": person, "acceptor": acceptor["code"],
                    "status": "open", "recorded_at": iso(t0), "reopen_count": 0, "hold_since": None,
                    "hold_reason": None, "closed_at": None, "cancel_reason": None, "repeat_of": None,
                    "created_at": iso(t0)}
        first = self.wf.steps[0].code
        self.steps = [{"step": first, "started_at": iso(t0), "done_at": iso(t0), "actor": self.actor,
                       "fields": dict(values)}]
        self.events, self.last, self.reopened = [], t0, False
        self.clock = None  # [restart iso, seconds held since] once reopened: the clock restarts
        self._start(self.wf.next_step(first), t0)
        self.events.append((iso(t0), self.actor, "create", None,
                            {"step": self.step, "due_at": self._due_iso(), "acceptor": acceptor["code"], **values}))

    def _case(self) -> dict:
        case = {"values": self.values, "recorded_at": self.row["recorded_at"], "held_seconds": self.held}
        if self.clock:
            case |= {"clock_from": self.clock[0], "clock_held": self.clock[1]}
        return case

    def _start(self, step: str, at: datetime, at_iso: str | None = None) -> None:
        self.step, self.start = step, at
        self._set_due(self.g.due(self.wf, step, self._case(), at) if step != CLOSED else None)
        if step != CLOSED:
            self.open = {"step": step, "started_at": at_iso or iso(at), "due_at": self.due_iso}
            self.steps.append(self.open)

    def counted_from_recording_due(self):
        """The deadline of the next step counted from the recording (a complaint's reply), if
        one comes later in the workflow: the steps before it are done in time for it."""
        i = self.wf.index(self.step)
        for st in self.wf.steps[i + 1:]:
            if st.anchor == "recorded" and st.sla:
                return self.g.due(self.wf, st.code, self._case(), self.start)
        return None

    def _set_due(self, due) -> None:
        self.due, self.due_iso = due, iso(due) if due else None

    def _due_iso(self):
        return self.due_iso

    def _close_step(self, at, fields, note=None, actor=None, at_iso=None):
        self.open |= {"done_at": at_iso or iso(at), "actor": actor or self.actor, "note": note, "fields": fields}
        self.last = at

    def advance(self, at: datetime, fields: dict, actor=None) -> None:
        before = {"step": self.step, "due_at": self._due_iso()}
        when = iso(at)
        self._close_step(at, fields, fields.get("note"), actor, when)
        self.values |= fields
        target, action = self.wf.next_step(self.step), "advance"
        for step, name, value, to in self.wf.branches:
            if step == self.step and fields.get(name) == value:
                target, action = to, "reopen"
                self._clear_from(to, keep=name)
                self.row["reopen_count"] += 1
                self.reopened = True
                self.clock = [when, 0]
        self._start(target, at, when)
        if target == CLOSED:
            self.row |= {"status": "closed", "closed_at": when}
        self.events.append((when, actor or self.actor, action, before,
                            {"step": target, "due_at": self._due_iso(), **fields}))

    def _clear_from(self, step: str, keep=None) -> None:
        names = set()
        for st in self.wf.steps[self.wf.index(step):]:
            names.update(st.requires + st.optional + tuple(f for _, _, more in st.when for f in more))
        self.values = {k: v for k, v in self.values.items() if k not in names or k == keep}

    def hold(self, at: datetime, reason: str) -> None:
        self.row |= {"status": "on_hold", "hold_since": iso(at), "hold_reason": reason}
        self.events.append((iso(at), self.actor, "hold", {"status": "open"}, {"status": "on_hold", "reason": reason}))
        self.last = at

    def resume(self, at: datetime) -> None:
        seconds = int((at - datetime.fromisoformat(self.row["hold_since"].replace("Z", "+00:00"))).total_seconds())
        before = {"status": "on_hold", "due_at": self._due_iso(), "held_seconds": self.held}
        self.held += seconds
        if self.clock:
            self.clock[1] += seconds
        self._set_due(self.due + timedelta(seconds=seconds) if self.due else None)
        self.open["due_at"] = self._due_iso()
        self.row |= {"status": "open", "hold_since": None}
        after = {"status": "open", "due_at": self._due_iso(), "held_seconds": self.held}
        if before["due_at"] == after["due_at"]:
            del before["due_at"], after["due_at"]
        self.events.append((iso(at), self.actor, "resume", before, after))
        self.last = at

    def cancel(self, at: datetime, reason: str) -> None:
        self._close_step(at, {"cancelled": True}, reason)
        before = {"status": self.row["status"], "due_at": self._due_iso()}
        self.row |= {"status": "cancelled", "closed_at": iso(at), "cancel_reason": reason, "hold_since": None}
        self.events.append((iso(at), self.actor, "cancel", before,
                            {"status": "cancelled", "due_at": None, "reason": reason}))
        self._set_due(None)

    def reassign(self, at: datetime, handler: str) -> None:
        self.events.append((iso(at), self.actor, "reassign", {"handler": self.values.get("handler")},
                            {"handler": handler, "note": None}))
        self.values["handler"] = handler
        self.last = at

    def return_order(self, at: datetime, reason: str, to: str) -> None:
        before = {"step": self.step, "handler": self.values.get("handler")}
        self._close_step(at, {"returned": True}, reason)
        self._clear_from(to)
        self._start(to, at)
        self.events.append((iso(at), self.actor, "return", before, {"step": to, "due_at": self._due_iso(),
                                                                   "reason": reason}))

    def result(self) -> dict:
        row = self.row | {"step": self.step, "values": self.values, "held_seconds": self.held,
                          "due_at": self._due_iso() if self.row["status"] in ("open", "on_hold") else None,
                          "updated_at": iso(self.last)}
        row |= {k: self.values.get(k) for k in MIRRORED}
        return {"kind": self.kind, "row": row, "steps": self.steps, "events": self.events, "repeat": None}


# what each step records -----------------------------------------------------------
def _fields(g: _Gen, c: _Case, at: datetime) -> dict:
    rng, story, step = g.rng, c.story, c.step
    if c.kind == "complaint":
        desc, remedy, cause, solution, lesson = story["text"]
        if step == "classified":
            nature = g.pick((("valid", 80), ("unreasonable", 12), ("invalid", 8)))
            return {"nature": nature, "severity": story["severity"]}
        if step == "investigated":
            out = {"cause": cause}
            if story["severity"] == "major":
                note, measures = rng.choice(tx.ONSITE)
                out |= {"onsite_note": note, "emergency_measures": measures}
            pool = g.team.get("security", []) + g.clerks
            if c.values.get("category") == ATTITUDE and pool:  # the guard or clerk complained of,
                pick = sum(map(ord, desc)) + int(at.timestamp()) // 60  # picked from the text and the time, not
                out["about"] = pool[pick % len(pool)]["code"]  # drawn: the demo's draws stay as they were
            return out
        if step == "assigned":
            return {"handler": story["handler"]}
        if step == "proposed":
            promise = g.local(at).date() + timedelta(days=rng.randint(1, 7))
            return {"solution": solution, "promise": promise.isoformat()}
        if step == "replied":
            return {"reply": rng.choice(tx.REPLIES), "reply_channel": g.pick((("phone", 70), ("visit", 30)))}
        if step == "revisited":
            odds = (("satisfied", 70), ("basically", 22)) + ((("unsatisfied", 8),) if not c.reopened else ())
            verdict = g.pick(odds)
            return {"verdict": verdict, "comment": rng.choice(tx.COMMENTS[verdict])}
        return {"lesson": lesson, "root_cause": cause, "prevention": rng.choice(tx.PREVENTION)}
    if c.kind == "repair":
        item = story["item"]
        if step == "confirmed":
            out = {"urgency": story["urgency"], "paid": "paid" if item[4] else "free"}
            if story["urgency"] == "normal" and rng.random() < 0.4:
                day = g.local(at).date() + timedelta(days=1)
                out["appointment"] = f"{day.isoformat()} {rng.choice((9, 10, 14, 15, 16)):02d}:00"
            return out
        if step == "dispatched":
            return {"handler": story["handler"]}
        if step == "completed":
            out = {"work_done": item[2]} | ({"materials": item[3]} if item[3] else {})
            if item[4]:
                out["fee"] = float(rng.randint(*item[4]))
            return out
        odds = (("satisfied", 80), ("basically", 17)) + ((("unsatisfied", 3),) if not c.reopened else ())
        verdict = g.pick(odds)
        return {"verdict": verdict, "comment": rng.choice(tx.COMMENTS[verdict])}
    return {"reply": story["reply"], "reply_channel": c.values.get("channel") or "phone"}


def _play(g: _Gen, c: _Case, stop) -> None:
    """Move the case on until now, or until its planned stop: (step, stuck|hold|cancel)."""
    rng = g.rng
    night = c.kind == "repair" and c.story.get("urgency") == "emergency"
    while c.step != CLOSED:
        if stop and stop[0] == c.step:
            mode = stop[1]
            if mode == "hold" and c.start < g.now:
                c.hold(c.start + (g.now - c.start) * rng.uniform(0.1, 0.9), rng.choice(tx.HOLDS))
            elif mode == "cancel":
                c.cancel(min(c.start + timedelta(minutes=rng.randint(20, 600)), g.now), rng.choice(tx.CANCELS))
            return
        done = g.finish(c.start, c.due, night_ok=night, by=c.counted_from_recording_due())
        held = timedelta(hours=rng.randint(2, 48))
        if rng.random() < 0.03 and done + held < g.now:  # waited on the owner for a while, then went on
            c.hold(c.start + (done - c.start) / 2, rng.choice(tx.HOLDS))
            c.resume(c.start + (done - c.start) / 2 + held)
            done += held
        if done >= g.now:
            return
        if c.kind == "repair" and c.step == "completed" and rng.random() < 0.06:
            if rng.random() < 0.5:
                c.reassign(c.start + (done - c.start) / 3, rng.choice(g.team["engineering"])["code"])
            else:
                c.return_order(c.start + (done - c.start) / 3, rng.choice(tx.RETURNS), "dispatched")
                continue
        actor = c.story.get("technician") if c.kind == "repair" and c.step == "completed" else None
        c.advance(done, _fields(g, c, done), actor)


# the cases ----------------------------------------------------------------------
def _story(g: _Gen, kind: str) -> tuple[dict, dict]:
    """What a case is about: (values of its first step, what later steps will say)."""
    rng = g.rng
    channel = g.pick(CHANNELS[kind])
    if kind == "complaint":
        category = g.pick([(k, w) for k, (w, _) in tx.COMPLAINTS.items()])
        text = rng.choice(tx.COMPLAINTS[category][1])
        team = g.team.get(tx.HANDLER_TEAM.get(category, "customer_service")) or g.clerks
        values = {"channel": channel, "category": category, "description": text[0], "remedy": text[1]}
        severity = "major" if rng.random() < 0.08 else "general"
        return values, {"text": text, "severity": severity, "handler": rng.choice(team)["code"]}
    if kind == "repair":
        item = rng.choice(tx.REPAIRS)
        urgent = rng.random() < (0.6 if item[5] else 0.03)
        tech = rng.choice(g.team.get("engineering") or g.clerks)
        location = item[0].format(n=rng.randint(2, 30))
        values = {"channel": channel, "description": item[1], "location": location}
        return values, {"item": item, "urgency": "emergency" if urgent else "normal", "handler": tech["code"],
                        "technician": tech["code"]}
    kind_of = g.pick((("inquiry", 60), ("suggestion", 25), ("praise", 15)))
    values = {"channel": channel, "type": kind_of}
    if kind_of == "praise":
        team = rng.choice([t for t in tx.PRAISE if g.team.get(t)])
        staff = rng.choice(g.team[team])
        values |= {"description": tx.PRAISE[team].format(name=staff["name"]), "praised": staff["code"]}
        return values, {"reply": tx.PRAISE_REPLY}
    desc, reply = rng.choice(tx.INQUIRIES if kind_of == "inquiry" else tx.SUGGESTIONS)
    return values | {"description": desc}, {"reply": reply}


def _plans(g: _Gen, kind: str, ages: list[float]) -> dict[int, tuple]:
    """Which cases stop where: stuck (overdue), on hold, cancelled; every step gets some."""
    steps = [st.code for st in WORKFLOWS[kind].steps[1:]]
    n, plans = len(ages), {}
    wanted = (("stuck", max(len(steps), n // 60), lambda a: 3 < a < 150),
              ("hold", max(len(steps), n // 100), lambda a: a < 90),
              ("cancel", max(len(steps), n // 35), lambda a: True))
    for mode, count, fits in wanted:
        pool = [i for i in range(n) if i not in plans and fits(ages[i])]
        for j, i in enumerate(g.rng.sample(pool, min(count, len(pool)))):
            plans[i] = (steps[j % len(steps)], mode)
    return plans


def make_cases(seed: int, now: datetime, *, units: list[dict], staff: list[dict], sla_table: dict, calendar, tz,
               repeat_days: int = 30, counts: dict | None = None) -> list[dict]:
    """``units``: [{id, code, people: [person ids]}]; ``staff``: [{code, name, team}] (active)."""
    g = _Gen(seed, now, units, staff, sla_table, calendar, tz)
    if not g.units or not g.clerks:
        return []
    out = []
    for kind, total in (counts or COUNTS).items():
        repeats = int(total * REPEAT_SHARE) if kind == "complaint" else 0
        ages = sorted((g.rng.uniform(0, 365) for _ in range(total - repeats)), reverse=True)
        plans = _plans(g, kind, ages)
        played = []
        for i, age in enumerate(ages):
            played.append(_new(g, kind, g.recorded(age, kind), None, plans.get(i)))
        for _ in range(repeats):  # the same unit about the same thing, days later
            first = g.rng.choice(played)
            t0 = datetime.fromisoformat(first.row["recorded_at"].replace("Z", "+00:00"))
            t0 = g.office_hours(t0 + timedelta(days=g.rng.uniform(1, 20)))
            if t0 < g.now:
                played.append(_new(g, kind, t0, first, None))
        out += [c.result() for c in played]
    out.sort(key=lambda c: (c["row"]["recorded_at"], c["kind"]))
    _flag_repeats(out, repeat_days)
    return out


def _new(g: _Gen, kind: str, t0: datetime, like: _Case | None, stop) -> _Case:
    values, story = _story(g, kind)
    if like is not None:  # a repeat complaint: same unit, same category and story, said again
        values |= {"category": like.values["category"], "description": "再次反映：" + like.story["text"][0],
                   "remedy": like.story["text"][1]}
        story |= {"text": like.story["text"]}
        unit, person = next(u for u in g.units if u["id"] == like.row["unit_id"]), like.row["person_id"]
    else:
        unit = g.rng.choice(g.units)
        person = g.rng.choice(unit["people"]) if unit["people"] and g.rng.random() < 0.75 else None
    c = _Case(g, kind, t0, g.rng.choice(g.clerks), unit, person, values, story)
    _play(g, c, stop)
    return c


def _flag_repeats(cases: list[dict], days: int) -> None:
    """A complaint repeats the latest earlier one (not cancelled by then) of its unit and category in the window."""
    seen: dict[tuple, list[int]] = {}
    for i, c in enumerate(cases):
        row = c["row"]
        if c["kind"] != "complaint":
            continue
        key = (row["unit_id"], row["category"])
        at = datetime.fromisoformat(row["recorded_at"].replace("Z", "+00:00"))
        since = iso(at - timedelta(days=days))
        for j in reversed(seen.get(key, [])):
            earlier = cases[j]["row"]
            if earlier["recorded_at"] < since:
                break
            if not (earlier["status"] == "cancelled" and earlier["closed_at"] <= row["recorded_at"]):
                c["repeat"] = j
                break
        seen.setdefault(key, []).append(i)
