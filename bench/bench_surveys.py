#!/usr/bin/env python3
"""Survey benchmarks: sampling 20,000 households and reporting on 5,000 responses.

Run by hand (not a test):  python bench/bench_surveys.py [--runs 9] [--keep]

Every figure is the median of whole-process runs of the installed `pmcs`
(subprocess + perf_counter), so start-up is included, as the clerk sees it.
The estate: 20,000 occupied flats in 40 buildings, one owner each. Goal (from
the issue): sampling and reporting each well under a second.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_registry import find_pmcs  # noqa: E402

NOW = "2026-11-23T09:00:00+08:00"
DIMS = ("service", "repairs", "cleaning", "landscaping", "security", "parking", "fees", "community", "overall")


def run(argv: list[str], env: dict) -> tuple[float, str]:
    t0 = time.perf_counter()
    p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    elapsed = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(argv)}\n{p.stderr.decode(errors='replace')}")
    return elapsed, p.stdout.decode("utf-8", errors="replace")


def median_of(n: int, argv_for, env: dict) -> float:
    return statistics.median(run(argv_for(i), env)[0] for i in range(n))


def build_estate(db: Path, households: int) -> None:
    """20,000 occupied flats with an owner each, bulk-inserted through pmcs's own store."""
    from pmcs.clock import FixedClock
    from pmcs.services.session import Session
    from pmcs.store import demo as dq

    s = Session(db, actor="bench", clock=FixedClock(datetime.fromisoformat(NOW)))
    s.create()
    now = s.now_iso()
    units, people = [], []
    for i in range(households):
        b, rest = divmod(i, 500)
        e, rest = divmod(rest, 250)
        floor, room = divmod(rest, 10)
        units.append({"code": f"{b + 1}-{e + 1}-{floor + 1}{room + 1:02d}", "building": str(b + 1),
                      "entrance": str(e + 1), "floor": floor + 1, "type": "residential", "status": "occupied"})
        people.append({"name": f"业主{i:05d}", "phone": f"139{i:08d}", "vip": 0})
    with s.write():
        dq.insert_staff(s.db, [{"code": f"S{i:03d}", "name": f"调查员{i}", "team": "customer_service",
                                "role": "clerk", "active": 1} for i in range(1, 7)], now)
        ids = dq.insert_units(s.db, units, now)
        pids = dq.insert_people(s.db, people, now)
        dq.insert_links(s.db, [(pid, ids[u["code"]], "owner", "2020-01-01", None) for pid, u in zip(pids, units)], now)
    s.close()


def write_forms(path: Path, units: list[str]) -> None:
    rng = random.Random(5)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["房号", *DIMS, "意见"])
        for code in units:
            w.writerow([code, *(rng.choices(("5", "4", "3", "2", "1", "x"), (35, 48, 10, 3, 1, 3))[0] for _ in DIMS),
                        "希望增加车位" if rng.random() < 0.05 else ""])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9, help="runs per figure (default 9)")
    ap.add_argument("--keep", action="store_true", help="work in bench/out-surveys/ and keep the files")
    args = ap.parse_args()
    pmcs = find_pmcs()
    work = Path(__file__).resolve().parent / "out-surveys" if args.keep else Path(tempfile.mkdtemp(prefix="pmcs-sv-"))
    if args.keep:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8",
           "PMCS_NOW": NOW, "PMCS_TZ": "Asia/Shanghai", "PMCS_LANG": "en", "PMCS_USER": "S001", "COLUMNS": "120"}
    db = work / "survey.db"
    results = []
    try:
        build_estate(db, 20_000)
        base = [pmcs, "--db", str(db), "survey"]
        run(base + ["new", "Draw", "--period", "2026-H1", "--method", "phone"], env)
        run(base + ["new", "Big", "--period", "2026-H2", "--method", "door"], env)
        run(base + ["sample", "Draw", "--seed", "0"], env)  # first draw (later runs need --replace)
        n = args.runs
        print(f"median of {n} whole-process runs each, {pmcs}", flush=True)
        results.append(("sample 20,000 households (Cochran size, by building)", median_of(
            n, lambda i: base + ["sample", "Draw", "--replace", "--seed", str(i + 1), "--format", "csv"], env)))
        results.append(("sample 20,000 households, --size 5000, 6 surveyors", median_of(
            n, lambda i: base + ["sample", "Draw", "--replace", "--seed", str(i + 1), "--size", "5000",
                                 "--assign", "S001,S002,S003,S004,S005,S006", "--format", "csv"], env)))
        _, out = run(base + ["sample", "Big", "--size", "5000", "--seed", "9", "--format", "csv"], env)
        units = [line.split(",")[1] for line in out.splitlines()[1:]]
        forms = work / "forms.csv"
        write_forms(forms, units)
        t_import, _ = run(base + ["import", "Big", str(forms)], env)
        results.append((f"import {len(units):,} paper forms (one run)", t_import))
        html = work / "report.html"
        for label, extra in (("report over 5,000 responses (terminal)", []),
                             ("report over 5,000 responses --format json", ["--format", "json"]),
                             ("report over 5,000 responses --html --svg", ["--html", str(html), "--svg",
                                                                           str(work / "report.svg")]),
                             ("status over 5,000 sampled households --format json", None)):
            argv = base + (["status", "Big", "--format", "json"] if extra is None else ["report", "Big", *extra])
            results.append((label, median_of(n, lambda i, a=argv: a, env)))
        results.append(("pmcs --help (start-up alone)", median_of(n, lambda i: [pmcs, "--help"], env)))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    width = max(len(label) for label, _ in results) + 2
    print(f"\n{'figure':<{width}}  {'median':>9}  goal")
    print("-" * (width + 24))
    for label, seconds in results:
        goal = "< 1 s" if label.startswith(("sample", "report")) else ""
        verdict = ("PASS" if seconds < 1 else "FAIL") if goal else ""
        print(f"{label:<{width}}  {seconds * 1000:7.0f} ms  {goal} {verdict}")


if __name__ == "__main__":
    main()
