#!/usr/bin/env python3
"""The issue-8 benchmark suite: pmcs on a large office against Taskwarrior and
the sqlite3 shell. Run by hand (not a test); figures go to docs/performance.md.

    python bench/gen_cases.py bench/out/cases.db          # once: 1,000,000 cases, surveys, handovers,
                                                          # renovations (about 5 minutes)
    apt-get update && apt-get install -y taskwarrior sqlite3   # the peers (this script installs nothing)
    python bench/bench_suite.py --db bench/out/cases.db [--runs 11] [--json bench/out/suite.json]
        [--skip-task] [--skip-import] [--skip-memory] [--import-rows 100000] [--memory-rows 1000000]

Every figure is the median of whole-process runs (start-up included, as the
clerk and cron see it) of the installed `pmcs`. Commands that are compared run
round-robin in the same loop (pmcs, task, pmcs, task, ...) so that a busy
machine slows both alike; the CPU time (user + sys of the child) is reported
beside the wall time because it hardly depends on the machine's load, which
is printed too (os.getloadavg) before and after each part.

Parts:
 1. the large database (--db, made by bench/gen_cases.py): `complaint list
    --overdue`, `complaint show REF`, `today`, `remind`, `report monthly`,
    `--help`; Taskwarrior `task next` over 10,000 pending tasks (imported
    into a private TASKDATA/TASKRC with `task import`); ratios pmcs/task.
 2. `person import` of --import-rows people (into 20,000 units) against
    `sqlite3 :db .import --csv` of the same file, and GB18030 against UTF-8.
 3. peak memory (ru_maxrss of the child) of `person import` of --memory-rows
    rows against --import-rows rows: flat = streamed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_registry import find_pmcs, fresh_copy, once, write_people, write_units  # noqa: E402

NOW = "2026-11-23T09:30:00+08:00"  # gen_cases.py's default clock (its meta 'bench_now' wins)
GOALS = {"pmcs --help": 0.150, "pmcs remind": 0.300, "pmcs report monthly": 0.500}
MEM_WRAPPER = ("import resource, subprocess, sys\n"
               "p = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def round_robin(cases: dict, runs: int, before=None) -> dict:
    """label -> (argv, env, ok codes); every label runs once per round; medians per label."""
    for argv, env, ok in cases.values():  # warm the page cache
        if before:
            before()
        once(argv, env, ok)
    walls: dict = {k: [] for k in cases}
    cpus: dict = {k: [] for k in cases}
    for _ in range(runs):
        for label, (argv, env, ok) in cases.items():
            if before:
                before()
            w, c = once(argv, env, ok)
            walls[label].append(w)
            cpus[label].append(c)
    return {k: {"wall": statistics.median(walls[k]), "cpu": statistics.median(cpus[k]), "runs": runs,
                "min": min(walls[k]), "max": max(walls[k])} for k in cases}


# --- Taskwarrior ----------------------------------------------------------------

def task_env(work: Path) -> dict:
    data = work / "taskdata"
    data.mkdir(exist_ok=True)
    rc = work / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nnews.version=2.6.2\n", encoding="utf-8")
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "TASKRC": str(rc),
            "TASKDATA": str(data), "LANG": "C.UTF-8"}


def fill_tasks(task: str, env: dict, work: Path, n: int) -> float:
    """n pending tasks, like a desk's: due dates around today, projects, tags, priorities."""
    rng = random.Random(8)
    now = datetime.now(timezone.utc)
    fmt = "%Y%m%dT%H%M%SZ"
    with open(work / "tasks.json", "w", encoding="utf-8") as f:
        for i in range(n):
            task_ = {"uuid": f"00000000-0000-4000-8000-{i:012d}", "status": "pending",
                     "description": f"{rng.choice(['投诉', '报修', '回访', '咨询'])} {i} 3-2-{1000 + i % 900}",
                     "entry": (now - timedelta(days=rng.uniform(0, 60))).strftime(fmt),
                     "due": (now + timedelta(hours=rng.uniform(-240, 480))).strftime(fmt),
                     "project": rng.choice(["complaint", "repair", "request"]),
                     "tags": [rng.choice(["phone", "visit", "online"])]}
            if rng.random() < 0.3:
                task_["priority"] = rng.choice("HML")
            f.write(json.dumps(task_, ensure_ascii=False) + "\n")
    t0 = time.perf_counter()
    p = subprocess.run([task, "rc.confirmation=off", "rc.verbose=nothing", "import", str(work / "tasks.json")],
                       env=env, stdin=subprocess.DEVNULL, capture_output=True)
    if p.returncode != 0:
        sys.exit(f"task import failed: {p.stderr.decode(errors='replace')}")
    took = time.perf_counter() - t0
    count = subprocess.run([task, "rc.verbose=nothing", "status:pending", "count"], env=env, capture_output=True,
                           text=True).stdout.strip()
    if count != str(n):
        sys.exit(f"task holds {count} pending tasks, expected {n}")
    return took


# --- parts ----------------------------------------------------------------------

def part_large_db(pmcs: str, db: Path, runs: int, work: Path, skip_task: bool) -> dict:
    con = sqlite3.connect(db)
    now = (con.execute("SELECT value FROM meta WHERE key = 'bench_now'").fetchone() or (NOW,))[0]
    sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("cases", "case_steps", "units", "people")}
    ref = con.execute("""SELECT c.number FROM cases c WHERE c.kind = 'complaint' AND c.status = 'closed'
                         ORDER BY c.id DESC LIMIT 1""").fetchone()[0]
    overdue = con.execute("SELECT count(*) FROM cases WHERE kind = 'complaint' AND closed_at IS NULL AND due_at < ?",
                          (datetime.fromisoformat(now).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),)).fetchone()[0]
    con.close()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8",
           "PMCS_DB": str(db), "PMCS_NOW": now, "PMCS_TZ": "Asia/Shanghai", "PMCS_LANG": "en"}
    cases = {
        "python -c pass": ([sys.executable, "-c", "pass"], env, (0,)),
        "pmcs --help": ([pmcs, "--help"], env, (0,)),
        "pmcs complaint list --overdue": ([pmcs, "complaint", "list", "--overdue"], env, (0,)),
        f"pmcs complaint show {ref}": ([pmcs, "complaint", "show", ref], env, (0,)),
        "pmcs today": ([pmcs, "today"], env, (0,)),
        "pmcs remind": ([pmcs, "remind"], env, (0, 10)),
        "pmcs report monthly": ([pmcs, "report", "monthly"], env, (0,)),
    }
    info = {"db": str(db), "size_mib": round(db.stat().st_size / 2**20), "rows": sizes, "now": now,
            "show_ref": ref, "open_overdue_complaints": overdue}
    task = None if skip_task else shutil.which("task")
    if task:
        tenv = task_env(work)
        info["task_version"] = subprocess.run([task, "--version"], env=tenv, capture_output=True, text=True).stdout.strip()
        info["task_import_10000_s"] = round(fill_tasks(task, tenv, work, 10_000), 2)
        cases["task next (10,000 pending)"] = ([task, "rc.confirmation=off", "rc.verbose=nothing", "next"], tenv, (0,))
    elif not skip_task:
        info["task"] = "not installed: apt-get update && apt-get install -y taskwarrior"
    info["load_before"] = load()
    print(f"part 1: {len(cases)} commands, {runs} rounds, load {info['load_before']}", file=sys.stderr, flush=True)
    info["figures"] = round_robin(cases, runs)
    info["load_after"] = load()
    return info


def part_import(pmcs: str, work: Path, rows: int, runs: int) -> dict:
    sqlite = shutil.which("sqlite3")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8",
           "PMCS_NOW": NOW, "PMCS_TZ": "Asia/Shanghai", "PMCS_LANG": "en"}
    units_csv, utf8_csv, gb_csv = work / "units.csv", work / "people.csv", work / "people-gb18030.csv"
    codes = write_units(units_csv, 20_000)
    write_people(utf8_csv, rows, codes, "utf-8")
    write_people(gb_csv, rows, codes, "gb18030")
    base, target, raw = work / "units.db", work / "people.db", work / "raw.db"
    once([pmcs, "--db", str(base), "unit", "import", str(units_csv)], env)
    con = sqlite3.connect(base)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()

    def reset():
        fresh_copy(base, target)
        raw.unlink(missing_ok=True)

    cases = {
        "pmcs person import (UTF-8)": ([pmcs, "--db", str(target), "person", "import", str(utf8_csv)], env, (0,)),
        "pmcs person import (GB18030)": ([pmcs, "--db", str(target), "person", "import", str(gb_csv)], env, (0,)),
    }
    if sqlite:
        cases["sqlite3 .import --csv (UTF-8)"] = ([sqlite, str(raw), f".import --csv {utf8_csv} people_raw"], env, (0,))
    info = {"rows": rows, "file_mib": round(utf8_csv.stat().st_size / 2**20, 1), "load_before": load()}
    print(f"part 2: import of {rows:,} rows, {runs} rounds, load {info['load_before']}", file=sys.stderr, flush=True)
    info["figures"] = round_robin(cases, runs, before=reset)
    info["load_after"] = load()
    info["sqlite3"] = subprocess.run([sqlite, "--version"], capture_output=True, text=True).stdout.split()[0] if sqlite else None
    return info


def peak_rss(pmcs: str, db: Path, csv_path: Path, env: dict) -> tuple[int, float]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", MEM_WRAPPER, pmcs, "--db", str(db), "person", "import", str(csv_path)],
                         env=env, capture_output=True, text=True)
    kib, code = out.stdout.split()
    if code != "0":
        sys.exit(f"import of {csv_path} failed ({code})")
    return int(kib), time.perf_counter() - t0


def part_memory(pmcs: str, work: Path, small: int, big: int) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8",
           "PMCS_NOW": NOW, "PMCS_TZ": "Asia/Shanghai", "PMCS_LANG": "en"}
    units_csv = work / "units.csv"
    codes = write_units(units_csv, 20_000)
    base = work / "units-mem.db"
    once([pmcs, "--db", str(base), "unit", "import", str(units_csv)], env)
    info = {"load_before": load()}
    for n in (small, big):
        path = work / f"people-{n}.csv"
        write_people(path, n, codes, "utf-8")
        target = work / f"mem-{n}.db"
        fresh_copy(base, target)
        print(f"part 3: peak memory of an import of {n:,} rows, load {load()}", file=sys.stderr, flush=True)
        kib, took = peak_rss(pmcs, target, path, env)
        info[str(n)] = {"max_rss_mib": round(kib / 1024, 1), "seconds": round(took, 1),
                        "file_mib": round(path.stat().st_size / 2**20, 1)}
        path.unlink()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    info["load_after"] = load()
    return info


# --- report ---------------------------------------------------------------------

def ms(x: float) -> str:
    return f"{x * 1000:,.0f} ms"


def report(results: dict) -> None:
    print(f"\n## pmcs benchmark suite — {results['date']}  (`{' '.join(results['argv'])}`)\n")
    print(f"machine: {results['machine']}\n")
    if "large" in results:
        big = results["large"]
        figs = big["figures"]
        print(f"### Large database: {big['rows']['cases']:,} cases, {big['rows']['case_steps']:,} steps, "
              f"{big['rows']['units']:,} units, {big['rows']['people']:,} people ({big['size_mib']} MiB); "
              f"PMCS_NOW={big['now']}; load before {big['load_before']}, after {big['load_after']}\n")
        print("| command | median wall | median CPU | min–max wall | goal | met |")
        print("|---|---:|---:|---:|---|---|")
        task_fig = next((v for k, v in figs.items() if k.startswith("task next")), None)
        for label, f in figs.items():
            goal, met = "", ""
            if label in GOALS:
                goal, met = f"≤ {ms(GOALS[label])}", "yes" if f["wall"] <= GOALS[label] else "no"
            elif task_fig and label.startswith(("pmcs complaint", "pmcs today")):
                ratio = f["wall"] / task_fig["wall"]
                goal, met = f"≤ 0.7 × task (is {ratio:.2f}, CPU {f['cpu'] / task_fig['cpu']:.2f})", \
                    "yes" if ratio <= 0.7 else "no"
            print(f"| `{label}` | {ms(f['wall'])} | {ms(f['cpu'])} | {ms(f['min'])}–{ms(f['max'])} | {goal} | {met} |")
        for key in ("task_version", "task_import_10000_s", "task", "open_overdue_complaints"):
            if key in big:
                print(f"\n{key}: {big[key]}")
    if "import" in results:
        imp = results["import"]
        figs = imp["figures"]
        print(f"\n### person import of {imp['rows']:,} rows ({imp['file_mib']} MiB UTF-8), load before "
              f"{imp['load_before']}, after {imp['load_after']}; sqlite3 {imp['sqlite3']}\n")
        print("| command | median wall | median CPU | min–max wall |")
        print("|---|---:|---:|---:|")
        for label, f in figs.items():
            print(f"| `{label}` | {f['wall']:.2f} s | {f['cpu']:.2f} s | {f['min']:.2f}–{f['max']:.2f} s |")
        u, g = figs["pmcs person import (UTF-8)"], figs["pmcs person import (GB18030)"]
        sh = figs.get("sqlite3 .import --csv (UTF-8)")
        if sh:
            r = u["wall"] / sh["wall"]
            print(f"\npmcs / sqlite3 .import: {r:.2f} × wall, {u['cpu'] / sh['cpu']:.2f} × CPU (goal ≤ 2.5: "
                  f"{'met' if r <= 2.5 else 'not met'})")
        r = g["wall"] / u["wall"]
        print(f"GB18030 / UTF-8: {r:.2f} × wall, {g['cpu'] / u['cpu']:.2f} × CPU (goal ≤ 1.5: {'met' if r <= 1.5 else 'not met'})")
    if "memory" in results:
        mem = results["memory"]
        print(f"\n### Peak memory of person import (ru_maxrss), load before {mem['load_before']}, after {mem['load_after']}\n")
        print("| rows | file | peak RSS | time |")
        print("|---:|---:|---:|---:|")
        for key, v in mem.items():
            if key.isdigit():
                print(f"| {int(key):,} | {v['file_mib']} MiB | {v['max_rss_mib']} MiB | {v['seconds']} s |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="the large database made by bench/gen_cases.py (part 1)")
    ap.add_argument("--runs", type=int, default=11, help="rounds per command in part 1 (default 11)")
    ap.add_argument("--import-runs", type=int, default=3, help="rounds of part 2 (default 3)")
    ap.add_argument("--import-rows", type=int, default=100_000)
    ap.add_argument("--memory-rows", type=int, default=1_000_000)
    ap.add_argument("--skip-task", action="store_true", help="leave Taskwarrior out")
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--json", help="also write every figure to this file")
    args = ap.parse_args()
    pmcs = find_pmcs()
    results: dict = {"date": datetime.now().astimezone().isoformat(timespec="seconds"), "argv": sys.argv,
                     "machine": f"{os.uname().sysname} {os.uname().release}, {os.cpu_count()} CPUs, "
                                f"Python {sys.version.split()[0]}, pmcs at {pmcs}"}
    work = Path(tempfile.mkdtemp(prefix="pmcs-suite-"))
    try:
        if args.db:
            db = Path(args.db)
            if not db.exists():
                sys.exit(f"{db} does not exist: python bench/gen_cases.py {db}")
            results["large"] = part_large_db(pmcs, db, args.runs, work, args.skip_task)
        if not args.skip_import:
            results["import"] = part_import(pmcs, work, args.import_rows, args.import_runs)
        if not args.skip_memory:
            results["memory"] = part_memory(pmcs, work, args.import_rows, args.memory_rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    report(results)


if __name__ == "__main__":
    main()
