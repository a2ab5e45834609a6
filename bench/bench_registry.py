#!/usr/bin/env python3
"""Registry benchmarks: start-up, lookups and the big people import.

Run by hand (not a test):  python bench/bench_registry.py [--runs 15] [--quick] [--keep]

Every figure is the median of whole-process runs of the installed `pmcs`
(subprocess + perf_counter), so start-up cost is included, as the clerk and
cron see it. Work files go to a temp dir (or bench/out/registry/ with --keep).
Goals (from the issue): --help <= 150 ms, unit show <= 200 ms,
unit list --building <= 300 ms, person import <= 3x sqlite3 .import,
GB18030 file <= 1.5x the UTF-8 one.
"""
from __future__ import annotations

import argparse
import csv
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
import unicodedata
from pathlib import Path

from pmcs.core.ids import id_check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬辉鹏飞建国志文斌浩宇轩梓涵一诺欣怡子涵雨泽俊"
REGIONS = ("110105", "310104", "440305", "440106", "320102", "330106", "510107", "420106", "610113", "370202")
ROLES = ("owner", "owner", "owner", "tenant", "family", "occupant")


# The floor under any person import: the same file read by csv and its rows stored as
# pmcs stores them (people and their unit links, foreign keys on, the tables' indexes
# built at the end, one transaction), with no validation and no events: what storing
# the rows alone costs from Python. pmcs cannot be faster than this.
FLOOR = """
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode = WAL"); con.execute("PRAGMA foreign_keys = ON")
con.execute("PRAGMA synchronous = NORMAL"); con.execute("PRAGMA cache_size = -65536")
units = dict(con.execute("SELECT code, id FROM units"))
now = "2026-11-23T01:00:00+00:00"
with open(sys.argv[2], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))[1:]
con.execute("BEGIN IMMEDIATE")
ddl = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                  " AND tbl_name IN ('people', 'person_units')").fetchall()
for name, _ in ddl:  # indexes built after the rows, as pmcs does into empty tables
    con.execute(f'DROP INDEX "{name}"')
con.executemany("INSERT INTO people (id, name, phone, id_number, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(i, r[0], r[1], r[2], now, now) for i, r in enumerate(rows, 1)])
con.executemany("INSERT INTO person_units (person_id, unit_id, role, created_at) VALUES (?, ?, ?, ?)",
                [(i, units[r[3]], r[4], now) for i, r in enumerate(rows, 1)])
for _, sql in ddl:
    con.execute(sql)
con.execute("COMMIT")
con.close()
"""


def shell_script(base: Path, people_csv: Path, events: bool) -> str:
    """The same records written by the sqlite3 shell alone, in C, with no validation: the
    file .imported into a staging table, then people and their unit links (and, with
    events, the two events per row pmcs writes, by the SQL pmcs uses) inserted by
    INSERT … SELECT, the tables' indexes built at the end, one transaction. What the
    registry's schema costs before any Python runs."""
    from pmcs.store.imports import PERSON_REF_SQL, PeopleWriter
    con = sqlite3.connect(base)
    ddl = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                      " AND tbl_name IN ('people', 'person_units')").fetchall()
    con.close()
    now = "2026-11-23T01:00:00+00:00"
    lines = ["PRAGMA journal_mode = WAL;", "PRAGMA foreign_keys = ON;", "PRAGMA synchronous = NORMAL;",
             "PRAGMA cache_size = -65536;", "BEGIN IMMEDIATE;",
             "CREATE TEMP TABLE stage (name TEXT, phone TEXT, id_number TEXT, unit TEXT, role TEXT);",
             f".import --csv --skip 1 '{people_csv}' stage"]
    lines += [f'DROP INDEX "{name}";' for name, _ in ddl]
    lines.append(f"INSERT INTO people (id, name, phone, id_number, created_at, updated_at) "
                 f"SELECT rowid, name, phone, id_number, '{now}', '{now}' FROM stage;")
    lines.append(f"INSERT INTO person_units (person_id, unit_id, role, created_at) "
                 f"SELECT s.rowid, u.id, s.role, '{now}' FROM stage s JOIN units u ON u.code = s.unit;")
    if events:
        for sql in (PeopleWriter._EVENTS.replace("WHERE id IN (SELECT value FROM json_each(:ids))", ""),
                    PeopleWriter._LINK_EVENTS.replace("WHERE l.id > :after", "")):
            lines.append(sql.replace(":at", f"'{now}'").replace(":actor", "'bench'") + ";")
    lines += [sql + ";" for _, sql in ddl]
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def find_pmcs() -> str:
    here = Path(sys.executable).parent / "pmcs"
    found = str(here) if here.exists() else shutil.which("pmcs")
    if not found:
        sys.exit("pmcs is not installed next to this python nor on PATH")
    return found


def once(argv: list[str], env: dict, ok=(0,)) -> tuple[float, float]:
    """(wall s, cpu s) of one whole-process run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in ok:
        sys.exit(f"failed ({p.returncode}): {' '.join(map(str, argv))}\n{p.stderr.decode(errors='replace')}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def timed(argv: list[str], env: dict) -> float:
    return once(argv, env)[0]


def median_of(n: int, argv: list[str], env: dict, before=None) -> float:
    times = []
    for _ in range(n):
        if before:
            before()
        times.append(timed(argv, env))
    return statistics.median(times)


def write_units(path: Path, n: int) -> list[str]:
    """n units: buildings of 2 entrances x 25 floors x 10 rooms (500 per building)."""
    rng = random.Random(1)
    codes = []
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "building", "entrance", "floor", "area", "type", "status"])
        for i in range(n):
            b, rest = divmod(i, 500)
            e, rest = divmod(rest, 250)
            floor, room = divmod(rest, 10)
            code = f"{b + 1}-{e + 1}-{floor + 1}{room + 1:02d}"
            codes.append(code)
            w.writerow([code, b + 1, e + 1, floor + 1, f"{rng.uniform(45, 180):.1f}", "residential",
                        rng.choice(("occupied", "occupied", "vacant", "renovating"))])
    return codes


def people_rows(n: int, units: list[str]):
    rng = random.Random(2)
    phones = rng.sample(range(10 ** 9), n)  # unique 9-digit tails
    seen_ids: set[str] = set()
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('3456789')}{phones[i]:09d}"
        while True:
            born = f"{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            first17 = rng.choice(REGIONS) + born + f"{rng.randint(0, 999):03d}"
            if first17 not in seen_ids:
                seen_ids.add(first17)
                break
        yield [name, phone, first17 + id_check_digit(first17), rng.choice(units), rng.choice(ROLES)]


def write_people(path: Path, n: int, units: list[str], encoding: str) -> None:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "phone", "id_number", "unit", "role"])
        w.writerows(people_rows(n, units))


def fresh_copy(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    shutil.copy2(src, dst)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=None, help="runs per start-up figure (default 15, 5 with --quick)")
    ap.add_argument("--quick", action="store_true", help="smoke run: fewer runs, 20,000 people")
    ap.add_argument("--people", type=int, default=None, help="rows in the people file (default 100,000)")
    ap.add_argument("--keep", action="store_true", help="work in bench/out/registry/ and keep the files")
    args = ap.parse_args()
    runs = args.runs or (5 if args.quick else 15)
    n_people = args.people or (20_000 if args.quick else 100_000)
    n_units, import_runs = 20_000, 3
    pmcs, sqlite = find_pmcs(), shutil.which("sqlite3")

    if args.keep:
        work = Path(__file__).resolve().parent / "out" / "registry"  # not out/ itself: other benches keep files there
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="pmcs-bench-"))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8",
           "PMCS_NOW": "2026-11-23T09:00:00+08:00", "PMCS_TZ": "Asia/Shanghai", "PMCS_LANG": "en"}
    results: list[tuple[str, str, str, str]] = []  # (what, figure, goal, verdict)

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    try:
        # 1. start-up and lookups on the demo estate ----------------------------
        demo = work / "demo.db"
        timed([pmcs, "--db", str(demo), "demo"], env)
        con = sqlite3.connect(demo)
        code = (con.execute("SELECT code FROM units WHERE code = '3-2-1502'").fetchone()
                or con.execute("SELECT code FROM units WHERE building = '3' ORDER BY code LIMIT 1").fetchone())[0]
        in_b3 = con.execute("SELECT count(*) FROM units WHERE building = '3'").fetchone()[0]
        con.close()
        cases = [
            ("python -c pass (interpreter alone)", [sys.executable, "-c", "pass"], None),
            ("pmcs --help", [pmcs, "--help"], 150),
            (f"unit show {code}", [pmcs, "--db", str(demo), "unit", "show", code], 200),
            (f"unit list --building 3 ({in_b3} rows)", [pmcs, "--db", str(demo), "unit", "list", "--building", "3"], 300),
            ("person list --search 王 --limit 20",
             [pmcs, "--db", str(demo), "person", "list", "--search", "王", "--limit", "20"], None),
        ]
        print(f"median of {runs} runs each, {pmcs}", flush=True)
        for label, argv, goal in cases:
            timed(argv, env)  # warm the page cache once
            ms = median_of(runs, argv, env) * 1000
            results.append((label, f"{ms:7.0f} ms", f"<= {goal} ms" if goal else "-",
                            verdict(ms <= goal) if goal else ""))

        # 2. the big people import against sqlite3 .import ----------------------
        units_csv, people_csv, people_gb = work / "units.csv", work / "people.csv", work / "people-gb18030.csv"
        codes = write_units(units_csv, n_units)
        write_people(people_csv, n_people, codes, "utf-8")
        write_people(people_gb, n_people, codes, "gb18030")
        base = work / "units.db"
        timed([pmcs, "--db", str(base), "init"], env)
        timed([pmcs, "--db", str(base), "unit", "import", str(units_csv)], env)
        con = sqlite3.connect(base)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        target = work / "people.db"
        print(f"importing {n_people:,} people into {n_units:,} units, median of {import_runs}", flush=True)
        utf8 = median_of(import_runs, [pmcs, "--db", str(target), "person", "import", str(people_csv)], env,
                         before=lambda: fresh_copy(base, target))
        gb = median_of(import_runs, [pmcs, "--db", str(target), "person", "import", str(people_gb)], env,
                       before=lambda: fresh_copy(base, target))
        raw_db = work / "raw.db"
        results.append((f"person import {n_people:,} rows (UTF-8)", f"{utf8:7.2f} s", "", ""))
        if sqlite:
            shell = median_of(import_runs, [sqlite, str(raw_db), f".import --csv {people_csv} people_raw"], env,
                              before=lambda: raw_db.unlink(missing_ok=True))
            results.append(("sqlite3 .import --csv (same file)", f"{shell:7.2f} s", "", ""))
            results.append(("  ratio pmcs / sqlite3", f"{utf8 / shell:7.1f} x", "<= 3 x", verdict(utf8 / shell <= 3)))
            floor = median_of(import_runs, [sys.executable, "-c", FLOOR, str(target), str(people_csv)], env,
                              before=lambda: fresh_copy(base, target))
            results.append(("floor: csv + executemany, no checks", f"{floor:7.2f} s", "", ""))
            results.append(("  ratio floor / sqlite3", f"{floor / shell:7.1f} x", "", ""))
            for events, label in ((False, "no events"), (True, "with events")):
                script = work / f"same-records-{'events' if events else 'bare'}.sql"
                script.write_text(shell_script(base, people_csv, events), encoding="utf-8")
                same = median_of(import_runs, [sqlite, str(target), f".read '{script}'"], env,
                                 before=lambda: fresh_copy(base, target))
                results.append((f"sqlite3 shell, same records, {label}", f"{same:7.2f} s", "", ""))
                results.append(("  ratio to sqlite3 .import", f"{same / shell:7.1f} x", "", ""))
            results.append(("  ratio pmcs / shell with events", f"{utf8 / same:7.1f} x", "", ""))
        else:
            results.append(("sqlite3 shell", "absent", "<= 3 x", "SKIP"))
        results.append((f"person import {n_people:,} rows (GB18030)", f"{gb:7.2f} s", "", ""))
        results.append(("  ratio GB18030 / UTF-8", f"{gb / utf8:7.2f} x", "<= 1.5 x", verdict(gb / utf8 <= 1.5)))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    def pad(text: str, width: int) -> str:  # CJK characters take two columns
        return text + " " * (width - sum(1 + (unicodedata.east_asian_width(c) in "WF") for c in text))

    width = max(len(r[0]) for r in results) + 2
    print(f"\n{pad('figure', width)}  {'median':>10}  {'goal':<10}  result")
    print("-" * (width + 32))
    for label, figure, goal, result in results:
        print(f"{pad(label, width)}  {figure:>10}  {goal:<10}  {result}")
    fails = sum(r[3] == "FAIL" for r in results)
    print(f"\n{fails} goal(s) missed" if fails else "\nall goals met")


if __name__ == "__main__":
    main()
