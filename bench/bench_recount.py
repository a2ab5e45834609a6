#!/usr/bin/env python3
"""What a calendar change costs on a big office: `pmcs calendar add-holiday` counts open
deadlines again (services/deadlines.py).

Run by hand (not a test):  python bench/bench_recount.py bench/out/cases.db [--runs 5]

Works on a copy (bench/out/recount.db) of a database made by bench/gen_cases.py. Each run
is a whole process: add-holiday DAY, then add-workday DAY puts the day back (timed too), so
every run moves the same deadlines. Two days: tomorrow (the usual case: next year's
holidays, few open deadlines after them) and the day of the oldest open deadline (every
open case examined). Then the same with the complaint steps counted in working days and
--new complaints recorded under that SLA (in-process, before the timing), whose deadlines
really move (one UPDATE and one event each); the generated cases keep theirs, set under
the hours SLA (left alone by design).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path


def record_complaints(db: Path, now: str, n: int) -> None:
    """n complaints recorded now through the Python API, one transaction."""
    from datetime import datetime

    from pmcs.clock import FixedClock
    from pmcs.services.cases import add_case
    from pmcs.services.session import Session

    s = Session(db, actor="S001", clock=FixedClock(datetime.fromisoformat(now)))
    units = [r[0] for r in s.db.query("SELECT code FROM units ORDER BY id LIMIT ?", (n,))]
    category = s.db.scalar("SELECT code FROM categories WHERE active = 1 ORDER BY code LIMIT 1")
    with s.write():
        for i in range(n):
            add_case(s, "complaint", unit=units[i % len(units)], channel="phone", category=category,
                     description="bench", remedy="bench")
    s.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", help="a database made by bench/gen_cases.py")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--new", type=int, default=2000, help="complaints recorded under the working-day SLA")
    args = ap.parse_args()
    src = Path(args.db)
    if not src.exists():
        sys.exit(f"{src} does not exist: make it with  python bench/gen_cases.py {src}")
    work = src.parent / "recount.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    con = sqlite3.connect(src)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    now = con.execute("SELECT value FROM meta WHERE key = 'bench_now'").fetchone()[0]
    oldest = con.execute("SELECT min(due_at) FROM cases WHERE closed_at IS NULL").fetchone()[0]
    open_n = con.execute("SELECT count(*) FROM cases WHERE closed_at IS NULL").fetchone()[0]
    con.close()
    shutil.copy2(src, work)
    pmcs = str(Path(sys.executable).parent / "pmcs")
    env = dict(os.environ, PMCS_DB=str(work), PMCS_NOW=now, PMCS_TZ="Asia/Shanghai", PMCS_USER="S001",
               PMCS_LANG="en")
    today = date.fromisoformat(now[:10])
    days = {"tomorrow": today + timedelta(days=1), "oldest open deadline": date.fromisoformat(oldest[:10])}
    while days["tomorrow"].weekday() >= 5:
        days["tomorrow"] += timedelta(days=1)
    while days["oldest open deadline"].weekday() >= 5:
        days["oldest open deadline"] += timedelta(days=1)

    def run(*argv) -> tuple[float, str]:
        t0 = time.perf_counter()
        p = subprocess.run([pmcs, *argv], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if p.returncode:
            sys.exit(f"failed: {argv}\n{p.stderr}")
        moved = [ln for ln in p.stdout.splitlines() if "counted again" in ln]
        return wall, moved[0].split(":")[1].split("(")[0].strip() if moved else "0"

    print(f"{work}: {open_n:,} open cases; now = {now}; median of {args.runs} whole-process runs\n")
    print(f"  {'change':<58} {'wall':>8}  moved")
    for label, slas in (("default SLAs (hours)", ()),
                        ("complaint steps in working days", ("complaint.classified", "complaint.investigated",
                                                             "complaint.assigned", "complaint.proposed"))):
        for key in slas:
            run("config", "sla", "set", key, "2wd")
        if slas:
            record_complaints(work, now, args.new)
        for name, day in days.items():
            walls: dict[str, list[float]] = {"add-holiday": [], "add-workday": []}
            moved = {}
            for _ in range(args.runs):
                for cmd in walls:
                    wall, moved[cmd] = run("calendar", cmd, day.isoformat())
                    walls[cmd].append(wall)
            for cmd, w in walls.items():
                print(f"  {f'{label}: {cmd} {day} ({name})':<58} {statistics.median(w) * 1000:6.0f} ms  {moved[cmd]}")
    print(f"\nfor scale: pmcs calendar workdays {today} 5: "
          f"{statistics.median(run('calendar', 'workdays', today.isoformat(), '5')[0] for _ in range(args.runs)) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
