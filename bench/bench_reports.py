#!/usr/bin/env python3
"""Report benchmarks on 1,000,000 cases: the monthly and quarterly report, the
staff scorecards, fee status and risk, and a two-office company report.

Run by hand (not a test):

    python bench/gen_cases.py bench/out/cases.db          # once: ~1 M cases, a few minutes
    python bench/bench_reports.py bench/out/cases.db [--runs 9]

Every figure is the median of whole-process runs of the installed `pmcs`
(subprocess + perf_counter), start-up included, as the manager sees it; CPU
time (user + sys of the child) is shown beside it, because wall time on a
shared machine moves with the load (printed at the start). Fees for every unit
and the last three months are imported once (a copy of the database is used,
the generated file is not changed). Goal (issue 7): the monthly report well
under 2 s, aim 0.5 s.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_registry import find_pmcs, once as run  # noqa: E402

NOW = "2026-11-23T09:30:00+08:00"


def stale_indexes(conn: sqlite3.Connection) -> list[str]:
    """Report indexes whose definition differs from what the migrations create now (a database
    generated while the schema was being drafted keeps its old indexes: open_db does not
    re-run an applied migration)."""
    from pmcs.store.reports import m011_report_indexes

    class Capture:
        def __init__(self):
            self.sql = {}

        def execute(self, sql, *args):
            name = sql.split()[2]
            self.sql[name] = " ".join(sql.split())

    want = Capture()
    m011_report_indexes(want)
    have = {name: " ".join((sql or "").split()) for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index'")}
    return [name for name, sql in want.sql.items() if have.get(name) != sql]


def fees_csv(db: Path, out: Path) -> int:
    conn = sqlite3.connect(db)
    units = [r[0] for r in conn.execute("SELECT code FROM units ORDER BY id")]
    conn.close()
    rng = random.Random(7)
    with open(out, "w", encoding="utf-8") as f:
        f.write("房号,期间,应收,实收\n")
        for month in ("2026-09", "2026-10", "2026-11"):
            for code in units:
                due = 2.8 * rng.randint(60, 160)
                paid = due if rng.random() < 0.92 else 0
                f.write(f"{code},{month},{due:.2f},{paid:.2f}\n")
    return len(units) * 3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", help="a database made by bench/gen_cases.py")
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    source = Path(args.db)
    if not source.exists():
        sys.exit(f"{source} not found: python bench/gen_cases.py {source}")
    stale = stale_indexes(sqlite3.connect(f"file:{source}?mode=ro", uri=True))
    if stale:
        sys.exit(f"{source}: made by an earlier draft of the schema (index {', '.join(stale)} differs from "
                 f"the migration's); its figures would mislead: python bench/gen_cases.py NEW.db")
    pmcs = find_pmcs()
    env = dict(os.environ, PMCS_NOW=NOW, PMCS_TZ="Asia/Shanghai", PMCS_LANG="en", PMCS_USER="S001")
    work = Path(tempfile.mkdtemp(prefix="pmcs-bench-reports-"))
    try:
        db = work / "office.db"
        shutil.copy(source, db)
        cases = sqlite3.connect(db).execute("SELECT count(*) FROM cases").fetchone()[0]
        print(f"{cases:,} cases; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
              f"median of {args.runs} runs\n")
        rows = fees_csv(db, work / "fees.csv")
        wall, cpu = run([pmcs, "--db", str(db), "fees", "import", str(work / "fees.csv")], env)
        print(f"{'fees import (' + format(rows, ',') + ' rows)':44s} {wall:6.2f} s wall  {cpu:6.2f} s CPU  (once)")
        other = work / "other.db"
        shutil.copy(db, other)
        base = [pmcs, "--db", str(db)]
        cases_ = [
            ("report monthly --month 2026-10", base + ["report", "monthly", "--month", "2026-10", "--format", "json"]),
            ("report monthly (table)", base + ["report", "monthly", "--month", "2026-10"]),
            ("report monthly --html", base + ["report", "monthly", "--month", "2026-10", "--html",
                                              str(work / "r.html")]),
            ("report quarterly --quarter 2026-Q3", base + ["report", "quarterly", "--quarter", "2026-Q3",
                                                          "--format", "json"]),
            ("report monthly, two offices", base + ["report", "monthly", "--month", "2026-10", "--office", str(db),
                                                    "--office", str(other), "--format", "json"]),
            ("staff score --month 2026-10", base + ["staff", "score", "--month", "2026-10", "--format", "json"]),
            ("fees status", base + ["fees", "status", "--format", "json"]),
            ("fees risk", base + ["fees", "risk", "--format", "json"]),
            ("pmcs --version (start-up)", [pmcs, "--version"]),
        ]
        for name, argv in cases_:
            run(argv, env)  # warm the OS file cache once
            walls, cpus = zip(*(run(argv, env) for _ in range(args.runs)))
            print(f"{name:44s} {statistics.median(walls):6.2f} s wall  {statistics.median(cpus):6.2f} s CPU")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
