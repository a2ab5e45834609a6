#!/usr/bin/env python3
"""The rest of the large office: 50 surveys, 20,000 handovers, 5,000 renovations.

    python bench/gen_extras.py bench/out/cases.db [--seed 1]     # (gen_cases.py calls it too)

Added to a database made by gen_cases.py (its units, people and staff), over
the same five years before its clock (meta 'bench_now'):

* 50 satisfaction surveys, one about every 36 days: a stratified sample of the
  20,000 households drawn with pmcs's own sampling code (core/sampling.py, via
  services/demo_surveys.py), about 80 % answering, nine dimensions each; all
  closed but the last.
* 20,000 move-in handovers, one per unit (1 % cancelled), each with the
  checklist copied from the template as the service does; the last month's still
  open and half ticked; meter readings of the completed ones; one handover in
  eight gets a rectification order (整改单), the recent ones still open.
* 5,000 renovation permits (装修) in every state, with their documents, fees,
  passes and inspections; the recent ones applied/approved/in progress, a few
  past their end date or with the deposit refund overdue.

The rows go straight into pmcs's schema (made by its migrations) in one
transaction with plain executemany; deterministic for a seed.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pmcs.core.renovation import DOCS

YEAR = 365 * 86400
CONTRACTORS = ("美家装饰工程有限公司", "鑫宇装饰", "居然之家家装", "东易日盛装饰", "业之峰装饰", "个人施工队",
               "金螳螂家装", "百安居装饰", "生活家装饰", "圣都家装")
DEFECTS = (("主卧墙面渗水，需查找渗漏点", "large"), ("卫生间地漏堵塞", "small"), ("入户门锁芯不灵活", "small"),
           ("客厅地砖空鼓三块", "large"), ("厨房插座无电", "small"), ("阳台推拉门关不严", "small"))


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def day(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts + 8 * 3600))


def surveys(path: Path, now: datetime, seed: int, count: int) -> int:
    """Through services/demo_surveys.py's builder (sampling, allocation, answers), clock moved per survey."""
    from pmcs.clock import FixedClock
    from pmcs.services.demo_surveys import _own_survey
    from pmcs.services.session import Session
    from pmcs.store import surveys as q

    rng = random.Random(seed + 50)
    s = Session(path, actor="S001", clock=FixedClock(now))
    households = q.population(s.db)
    clerks = [r[0] for r in s.db.query("SELECT code FROM staff WHERE role = 'clerk' ORDER BY code")]
    lead = s.db.scalar("SELECT code FROM staff WHERE role = 'supervisor' ORDER BY code LIMIT 1")
    buildings = sorted({h[2] for h in households})
    offsets = {b: rng.uniform(-0.03, 0.03) for b in buildings}
    step = timedelta(days=5 * 365 / count)
    with s.write():
        for n in range(count):
            start = (now - timedelta(days=5 * 365) + n * step).astimezone(timezone(timedelta(hours=8))).date()
            closes = start + timedelta(days=21)
            last = n == count - 1
            s.clock = FixedClock(now if last else datetime.combine(closes, datetime.min.time(), now.tzinfo)
                                 + timedelta(hours=18))
            name = f"{start.year}年{start.month}月满意度调查{n + 1:02d}"
            _own_survey(s, rng, name, f"{start.year}-{start.month:02d}", "door" if n % 2 else "phone", start,
                        closes, households, clerks[n % 8:n % 8 + 4], lead, offsets, n % 2, rng.uniform(0.7, 0.9),
                        None, closed=not last)
    s.close()
    return count


def handovers(db: sqlite3.Connection, rng: random.Random, now: float, count: int, staff: list[str]) -> int:
    units = db.execute("SELECT count(*) FROM units").fetchone()[0]
    count = min(count, units)  # one live handover per unit
    persons = dict(db.execute("SELECT unit_id, min(person_id) FROM person_units GROUP BY unit_id"))
    start0 = now - 5 * YEAR
    times = sorted(rng.uniform(start0, now - 3600) for _ in range(count))
    rows, rects, seqs = [], [], {}
    for i, t in enumerate(times):
        unit = i % units + 1
        by = rng.choice(staff[:12])
        if rng.random() < 0.01:
            status, done, cancelled = "cancelled", None, iso(t + 1800)
        elif now - t < 30 * 86400:
            status, done, cancelled = "open", None, None
        else:
            status, done, cancelled = "completed", iso(t + 5400), None
        rows.append((i + 1, unit, persons.get(unit, 1), status, day(t), iso(t), by, done, by if done else None,
                     cancelled, "业主未按约定时间到场" if cancelled else None, done or cancelled or iso(t)))
        if status != "cancelled" and rng.random() < 0.125:
            year = time.gmtime(t + 8 * 3600).tm_year
            seq = seqs[year] = seqs.get(year, 0) + 1
            text, size = rng.choice(DEFECTS)
            due = t + (3 if size == "small" else 15) * 86400
            tech = rng.choice(staff[14:34])
            if due > now - 86400:
                state = ("open", None, None, None, None, None, None)
            else:
                fixed = due - rng.uniform(0.2, 2) * 86400
                state = ("closed", iso(fixed), tech, "已维修完毕", iso(fixed + 86400), "satisfied", iso(fixed + 86400))
            status_, fixed_at, fixed_by, note, revisited, verdict, closed = state
            rects.append((f"ZG-{year}-{seq:04d}", year, seq, unit, i + 1, text, size, tech, status_,
                          iso(due), iso(t + 3600), by, fixed_at, fixed_by, note, revisited, revisited and by, verdict,
                          closed, closed or iso(t + 3600)))
    db.executemany("""INSERT INTO handovers (id, unit_id, person_id, status, date, started_at, started_by, completed_at,
                      completed_by, cancelled_at, cancel_reason, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
    # the checklist copied from the template, as services/handover.start does; ticked when completed
    db.execute("""INSERT INTO handover_checks (handover_id, code, section, kind, label_en, label_zh, copies, required,
                      note_en, note_zh, position, state, value, by, at)
                  SELECT h.id, t.code, t.section, t.kind, t.label_en, t.label_zh, t.copies, t.required, t.note_en,
                         t.note_zh, t.position,
                         CASE WHEN h.status = 'completed' OR (h.status = 'open' AND t.position % 2 = 0)
                              THEN 'done' ELSE 'open' END,
                         CASE WHEN h.status = 'cancelled' OR (h.status = 'open' AND t.position % 2 = 1) THEN NULL
                              WHEN t.kind = 'count' THEN '2'
                              WHEN t.kind = 'reading' THEN printf('%.1f', (h.id * 7 + t.position) % 300 / 10.0)
                              END,
                         CASE WHEN h.status = 'completed' OR (h.status = 'open' AND t.position % 2 = 0)
                              THEN h.started_by END,
                         CASE WHEN h.status = 'completed' OR (h.status = 'open' AND t.position % 2 = 0)
                              THEN h.started_at END
                  FROM handovers h CROSS JOIN handover_template t WHERE t.active = 1""")
    db.execute("""INSERT INTO meter_readings (unit_id, meter, reading, read_on, recorded_at, recorded_by, handover_id)
                  SELECT h.unit_id, c.code, CAST(c.value AS REAL), h.date, c.at, c.by, h.id
                  FROM handover_checks c JOIN handovers h ON h.id = c.handover_id
                  WHERE c.kind = 'reading' AND c.value IS NOT NULL""")
    db.executemany("""INSERT INTO rectifications (number, year, seq, unit_id, handover_id, text, size, handler, status,
                      due_at, recorded_at, recorded_by, fixed_at, fixed_by, fix_note, revisited_at, revisited_by,
                      verdict, closed_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rects)
    return len(rows)


def renovations(db: sqlite3.Connection, rng: random.Random, now: float, count: int, staff: list[str]) -> int:
    units = db.execute("SELECT count(*) FROM units").fetchone()[0]
    persons = dict(db.execute("SELECT unit_id, min(person_id) FROM person_units GROUP BY unit_id"))
    chosen = rng.sample(range(1, units + 1), min(count, units))  # one permit per unit
    count = len(chosen)
    times = sorted(rng.uniform(now - 5 * YEAR, now - 3600) for _ in range(count))
    seqs: dict[int, int] = {}
    renos, docs, fees, passes, inspections = [], [], [], [], []
    for i, (unit, t) in enumerate(zip(chosen, times), start=1):
        year = time.gmtime(t + 8 * 3600).tm_year
        seq = seqs[year] = seqs.get(year, 0) + 1
        clerk = rng.choice(staff[:12])
        length = rng.choice((30, 45, 60, 90))
        start, end = t + 3 * 86400, t + (3 + length) * 86400
        end_due = end + 10 * 3600  # 18:00 local on the end day
        age = (now - t) / 86400
        if rng.random() < 0.02:
            status = "cancelled"
        elif age < 3:
            status = "applied"
        elif age < 6:
            status = "approved"
        elif age < length + 3:
            status = "in_progress"
        elif age < length + 10:
            status = rng.choice(("passed", "failed", "in_progress"))  # the last: past its end date
        elif rng.random() < 0.005:
            status = "passed"  # deposit refund long overdue
        else:
            status = "closed"
        reached = {s: n for n, s in enumerate(("applied", "approved", "in_progress", "passed", "refunded", "closed"))}
        level = reached.get(status, 2 if status == "failed" else 0)
        approved = iso(t + 86400) if level >= 1 else None
        started = iso(start) if level >= 2 else None
        accepted = end - rng.uniform(0, 2) * 86400
        acc = iso(accepted) if level >= 3 or status == "failed" else None
        refunded = iso(accepted + 5 * 86400) if level >= 4 else None
        closed = iso(accepted + 6 * 86400) if level >= 5 else None
        renos.append((i, f"RN-{year}-{seq:04d}", year, seq, unit, persons.get(unit), rng.choice(CONTRACTORS),
                      "张德明", f"1380{rng.randrange(10**7):07d}", rng.randint(2, 8), day(start), day(end), iso(end_due),
                      status, "occupied", iso(t), clerk, approved, approved and clerk, started, started and clerk,
                      day(accepted) if acc else None, acc, acc and clerk, "水电隐蔽工程及防水验收" if acc else None,
                      iso(accepted + 5 * 86400) if acc and status != "failed" else None,
                      300000 if refunded else None, refunded, refunded and clerk, closed, closed and clerk,
                      "业主暂缓装修" if status == "cancelled" else None,
                      closed or refunded or acc or started or approved or iso(t)))
        for n, d in enumerate(DOCS, start=1):
            done = level >= 1 or (d.code == "manager_id")
            docs.append((i, d.code, d.en, d.zh, int(d.required), n, "done" if done and d.required else "open",
                         clerk if done and d.required else None, iso(t) if done and d.required else None))
        if level >= 1:
            for kind, fen in (("deposit", 300000), ("management", rng.choice((30000, 45000, 60000))), ("debris", 20000)):
                fees.append((i, kind, fen, clerk, iso(t)))
        if level >= 2:
            fees.append((i, "pass", 4000, clerk, started))
            for p in range(2):
                passes.append((i, f"ZX{i:05d}{p + 1:02d}", "张德明", started, clerk,
                               refunded, refunded and clerk))
            inspections.append((i, iso(start + 7 * 86400), rng.choice(staff[:12]), "现场文明施工，消防器材齐全"))
    db.executemany(f"INSERT INTO renovations VALUES ({', '.join('?' * len(renos[0]))})", renos)
    db.executemany("""INSERT INTO renovation_docs (renovation_id, code, label_en, label_zh, required, position, state,
                      by, at) VALUES (?,?,?,?,?,?,?,?,?)""", docs)
    db.executemany("INSERT INTO renovation_fees (renovation_id, kind, amount_fen, by, at) VALUES (?,?,?,?,?)", fees)
    db.executemany("""INSERT INTO renovation_passes (renovation_id, number, holder, issued_at, issued_by, returned_at,
                      returned_by) VALUES (?,?,?,?,?,?,?)""", passes)
    cols = [r[1] for r in db.execute("PRAGMA table_info(renovation_inspections)")]
    want = ("renovation_id", "at", "by", "note")
    if all(c in cols for c in want):
        db.executemany(f"INSERT INTO renovation_inspections ({', '.join(want)}) VALUES (?,?,?,?)", inspections)
    return len(renos)


def add_extras(path: Path, seed: int = 1, n_surveys: int = 50, n_handovers: int = 20_000,
               n_renovations: int = 5_000) -> str:
    con = sqlite3.connect(path)
    now_text = (con.execute("SELECT value FROM meta WHERE key = 'bench_now'").fetchone()
                or ("2026-11-23T09:30:00+08:00",))[0]
    con.close()
    now = datetime.fromisoformat(now_text)
    t0 = time.perf_counter()
    surveys(path, now, seed, n_surveys)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")  # generator only
    staff = [r[0] for r in db.execute("SELECT code FROM staff ORDER BY code")]
    rng = random.Random(seed + 9)
    db.execute("BEGIN")
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('estate', '翠湖名苑')")
    h = handovers(db, rng, now.timestamp(), n_handovers, staff)
    r = renovations(db, rng, now.timestamp(), n_renovations, staff)
    db.execute("COMMIT")
    db.close()
    return f"{n_surveys} surveys, {h:,} handovers, {r:,} renovations in {time.perf_counter() - t0:.0f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", help="a database made by bench/gen_cases.py")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--surveys", type=int, default=50)
    ap.add_argument("--handovers", type=int, default=20_000)
    ap.add_argument("--renovations", type=int, default=5_000)
    args = ap.parse_args()
    if not Path(args.db).exists():
        sys.exit(f"{args.db} does not exist")
    print(add_extras(Path(args.db), args.seed, args.surveys, args.handovers, args.renovations), file=sys.stderr)


if __name__ == "__main__":
    main()
