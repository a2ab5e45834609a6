#!/usr/bin/env python3
"""Generate a large office database for the case benchmarks (DESIGN §4 scale).

    python bench/gen_cases.py bench/out/cases.db [--cases 1000000] [--seed 1] [--events] [--no-extras]

20,000 units, 100,000 people (five per unit), 60 staff and 1,000,000 cases
over the five years before --now (default 2026-11-23 09:30 +08:00): 15 %
complaints, 75 % repairs, 10 % requests, in every state — closed (most),
cancelled, open at every step (the last two weeks' cases, and ~1.5 % "stuck"
ones that are long overdue), on hold — with one step row per finished step plus
the running one, as the engine writes them. Then bench/gen_extras.py adds 50
surveys, 20,000 handovers and 5,000 renovations (unless --no-extras).
Deterministic for a seed.

Speed: the schema comes from pmcs (open_db runs the migrations); then plain
sqlite3 with ``PRAGMA synchronous=OFF`` (this generator only: a crash just
means generating again) and executemany in ONE transaction. With --events one
event per step is written too (~6 M rows: slower, bigger file). Takes a few
minutes on a cheap PC.
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from pmcs.core.demo_case_texts import COMPLAINTS, INQUIRIES, REPAIRS
from pmcs.core.sla import DEFAULT_SLA
from pmcs.core.durations import parse_duration
from pmcs.core.workflow import WORKFLOWS
from pmcs.store import open_db
from pmcs.store.cases import CASE_COLS, STEP_COLS

SHARE = (("complaint", 0.15), ("repair", 0.75), ("request", 0.10))
PREFIX = {"complaint": "TS", "repair": "BX", "request": "ZX"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红玲芬燕彬辉鹏飞建国志文斌浩宇轩涵诺欣怡泽俊"
TEAMS = (("customer_service", "clerk", 12), ("customer_service", "supervisor", 2), ("engineering", "staff", 20),
         ("environment", "staff", 12), ("security", "staff", 14))
YEAR = 365 * 86400


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def sla_seconds() -> dict[str, float]:
    out = {}
    for (key, variant), text in DEFAULT_SLA.items():
        d = parse_duration(text)
        if variant == "default" and d.is_calendar_time:
            out[key] = d.timedelta().total_seconds()
    return out


class Gen:
    def __init__(self, seed: int, now: datetime, total: int):
        self.rng = random.Random(seed)
        self.now = now.timestamp()
        self.total = total
        self.sla = sla_seconds()
        self.staff: list[tuple] = []

    # registry -------------------------------------------------------------------
    def registry(self, db: sqlite3.Connection, units: int, people: int) -> None:
        now = iso(self.now)
        for team, role, n in TEAMS:
            for _ in range(n):
                code = f"S{len(self.staff) + 1:03d}"
                name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + self.rng.choice(GIVEN)
                self.staff.append((code, f"{name}{len(self.staff) + 1}", team, role))
        db.executemany("INSERT INTO staff (code, name, team, role, active, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, 1, ?, ?)", [s + (now, now) for s in self.staff])
        rows = []
        for i in range(units):
            b, rest = divmod(i, 500)
            e, rest = divmod(rest, 250)
            floor, room = divmod(rest, 10)
            rows.append((i + 1, f"{b + 1}-{e + 1}-{floor + 1}{room + 1:02d}", str(b + 1), str(e + 1), floor + 1,
                         round(self.rng.uniform(60, 160), 1), "residential", "occupied", now, now))
        db.executemany("INSERT INTO units (id, code, building, entrance, floor, area, type, status, created_at, "
                       "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        phones = self.rng.sample(range(10**8), people)
        db.executemany("INSERT INTO people (id, name, phone, vip, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)",
                       ((i + 1, self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + self.rng.choice(GIVEN),
                         f"139{phones[i]:08d}", now, now) for i in range(people)))
        db.executemany("INSERT INTO person_units (person_id, unit_id, role, start, created_at) VALUES (?, ?, ?, ?, ?)",
                       ((i + 1, i % units + 1, "owner" if i < units else "family", "2020-01-01", now)
                        for i in range(people)))
        self.units, self.people = units, people

    # cases ---------------------------------------------------------------------
    def values(self, kind: str) -> dict:
        rng = self.rng
        if kind == "complaint":
            category = rng.choice(list(COMPLAINTS))
            text = rng.choice(COMPLAINTS[category][1])
            return {"channel": "phone", "category": category, "description": text[0], "remedy": text[1],
                    "_text": text}
        if kind == "repair":
            item = rng.choice(REPAIRS)
            return {"channel": "phone", "description": item[1], "location": item[0].format(n=5), "_item": item}
        question, answer = rng.choice(INQUIRIES)
        return {"channel": "phone", "type": "inquiry", "description": question, "_reply": answer}

    def step_fields(self, kind: str, step: str, v: dict) -> dict:
        rng = self.rng
        tech = rng.choice(self.staff[14:34])[0]
        if kind == "complaint":
            text = v["_text"]
            return {"classified": {"nature": "valid", "severity": "general"}, "investigated": {"cause": text[2]},
                    "assigned": {"handler": tech}, "proposed": {"solution": text[3], "promise": "2026-01-01"},
                    "replied": {"reply": "已电话告知业主", "reply_channel": "phone"},
                    "revisited": {"verdict": rng.choice(("satisfied", "satisfied", "basically"))},
                    "evaluated": {"lesson": text[4]}}[step]
        if kind == "repair":
            item = v["_item"]
            return {"confirmed": {"urgency": "normal", "paid": "paid" if item[4] else "free"},
                    "dispatched": {"handler": tech}, "completed": {"work_done": item[2]},
                    "revisited": {"verdict": "satisfied"}}[step]
        return {"reply": v["_reply"], "reply_channel": "phone"}

    def fate(self, age: float, n_steps: int) -> tuple[str, int]:
        """(status, index of the step it stops at; n_steps = closed)."""
        r = self.rng.random()
        if r < 0.02:
            return "cancelled", self.rng.randrange(1, n_steps)
        if age < 3 * 86400 and r < 0.5:
            return "open", self.rng.randrange(1, n_steps)
        if r < 0.035:
            return "open", self.rng.randrange(1, n_steps)  # stuck: long overdue
        if r < 0.038:
            return "on_hold", self.rng.randrange(1, n_steps)
        return "closed", n_steps

    def cases(self, kind: str, count: int, first_id: int, years: int):
        """Yield (case row, step rows, events) for ``count`` cases of a kind, oldest first."""
        wf = WORKFLOWS[kind]
        steps = [st.code for st in wf.steps]
        slas = [self.sla.get(st.sla, 3600) if st.sla else 0 for st in wf.steps]
        start = self.now - years * YEAR
        times = sorted(self.rng.uniform(start, self.now - 600) for _ in range(count))
        seqs: dict[int, int] = {}
        rng = self.rng
        for n, t0 in enumerate(times):
            case_id = first_id + n
            year = time.gmtime(t0 + 8 * 3600).tm_year
            seq = seqs[year] = seqs.get(year, 0) + 1
            number = f"{PREFIX[kind]}-{year}-{seq:04d}"
            v = self.values(kind)
            status, stop = self.fate(self.now - t0, len(steps))
            unit = rng.randrange(1, self.units + 1)
            person = unit if rng.random() < 0.7 else None
            acceptor = rng.choice(self.staff[:12])
            rec = iso(t0)
            first = {k: x for k, x in v.items() if not k.startswith("_")}
            rows = [(case_id, steps[0], rec, None, rec, acceptor[1], None, json.dumps(first, ensure_ascii=False))]
            values, t, due = dict(first), t0, None
            for i in range(1, len(steps)):
                due_ts = t + slas[i]
                done_ts = t + slas[i] * (rng.uniform(1.05, 2.0) if rng.random() < 0.1 else rng.uniform(0.1, 0.9))
                if i == stop or done_ts >= self.now - 60:  # it stops here, or is still running now
                    if status == "closed":
                        status = "open"
                    stop, due = i, iso(due_ts)
                    if status == "cancelled":
                        done = iso(min(t + 1800, self.now - 60))
                        rows.append((case_id, steps[i], iso(t), due, done, acceptor[1], "重复登记", '{"cancelled": true}'))
                    else:
                        rows.append((case_id, steps[i], iso(t), due, None, None, None, None))
                    break
                fields = self.step_fields(kind, steps[i], v)
                values |= fields
                rows.append((case_id, steps[i], iso(t), iso(due_ts), iso(done_ts), acceptor[1], None,
                             json.dumps(fields, ensure_ascii=False)))
                t = done_ts
            ended = status in ("closed", "cancelled")
            closed_at = rows[-1][4] if ended else None
            row = {"id": case_id, "kind": kind, "number": number, "year": year, "seq": seq, "unit_id": unit,
                   "person_id": person, "acceptor": acceptor[0], "handler": values.get("handler"),
                   "step": "closed" if status == "closed" else steps[stop], "status": status,
                   "reopen_count": 0, "values": json.dumps(values, ensure_ascii=False, sort_keys=True),
                   "recorded_at": rec, "due_at": None if ended else due, "held_seconds": 0,
                   "hold_since": iso(self.now - 3600) if status == "on_hold" else None,
                   "hold_reason": "等待业主提供资料" if status == "on_hold" else None, "closed_at": closed_at,
                   "cancel_reason": "重复登记" if status == "cancelled" else None, "created_at": rec,
                   "updated_at": closed_at or rows[-1][2]}
            row |= {k: values.get(k) for k in ("channel", "category", "severity", "nature", "urgency", "verdict",
                                                "type")}
            yield tuple(row.get(c) for c in CASE_COLS), rows, number


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", help="database file to create (must not exist)")
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--units", type=int, default=20_000)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--now", default="2026-11-23T09:30:00+08:00", help="the clock the cases are relative to")
    ap.add_argument("--events", action="store_true", help="also write one event per step (slower, bigger)")
    ap.add_argument("--no-extras", action="store_true", help="leave out surveys, handovers and renovations")
    args = ap.parse_args()
    path = Path(args.db)
    if path.exists():
        sys.exit(f"{path} exists; remove it first")
    path.parent.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    open_db(path).close()  # the schema, by pmcs's own migrations
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")  # generator only
    db.execute("PRAGMA cache_size = -200000")
    gen = Gen(args.seed, datetime.fromisoformat(args.now), args.cases)
    case_sql = f'INSERT INTO cases ({", ".join(chr(34) + c + chr(34) for c in CASE_COLS)}) VALUES ({", ".join("?" * len(CASE_COLS))})'
    step_sql = f"INSERT INTO case_steps ({', '.join(STEP_COLS)}) VALUES ({', '.join('?' * len(STEP_COLS))})"
    event_sql = "INSERT INTO events (at, actor, entity, ref, action, before, after) VALUES (?, ?, 'case', ?, ?, NULL, ?)"
    db.execute("BEGIN")
    gen.registry(db, args.units, args.people)
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('bench_now', ?)", (args.now,))
    next_id, done = 1, 0
    for kind, share in SHARE:
        count = round(args.cases * share)
        batch_cases, batch_steps, batch_events = [], [], []
        for case, steps, number in gen.cases(kind, count, next_id, args.years):
            batch_cases.append(case)
            batch_steps.extend(steps)
            if args.events:
                batch_events.extend((s[4] or s[2], s[5], number, "create" if i == 0 else "advance", s[7])
                                    for i, s in enumerate(steps) if s[4])
            if len(batch_cases) >= 20_000:
                db.executemany(case_sql, batch_cases)
                db.executemany(step_sql, batch_steps)
                db.executemany(event_sql, batch_events)
                done += len(batch_cases)
                batch_cases, batch_steps, batch_events = [], [], []
                print(f"\r{done:,} cases  {time.perf_counter() - t_start:.0f} s", end="", file=sys.stderr)
        db.executemany(case_sql, batch_cases)
        db.executemany(step_sql, batch_steps)
        db.executemany(event_sql, batch_events)
        done += len(batch_cases)
        next_id += count
    db.execute("COMMIT")  # no ANALYZE: pmcs does not run it either, so plans are measured as users get them
    db.close()
    if not args.no_extras:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from gen_extras import add_extras

        print("\n" + add_extras(path, args.seed), file=sys.stderr)
    took = time.perf_counter() - t_start
    print(f"\r{done:,} cases, {args.units:,} units, {args.people:,} people in {took:.0f} s -> {path} "
          f"({path.stat().st_size / 2**20:.0f} MiB)", file=sys.stderr)


if __name__ == "__main__":
    main()
