#!/usr/bin/env python3
"""Regenerate tests/fixtures/pmcs-0.1-foundation.db: a small database written
by the RELEASED foundation code (pmcs 0.1, git commit c8daa60: migrations
m001-m004), which tests/test_data_safety.py opens with today's code to prove
that it migrates forward with nothing lost.

    python bench/make_fixture.py [--commit c8daa60] [--out tests/fixtures/pmcs-0.1-foundation.db]

The 0.1 sources are taken from git (`git archive`) into a temp dir and run
with this interpreter (its typer/rich/sqlite-utils); every record goes in
through the 0.1 command line, so the file holds exactly what 0.1 writes:
units (added, edited, imported), people with phones and ID numbers and their
unit links (one ended), staff (one deactivated), the estate name and the
events of all of it. The result is checkpointed into a single file
(journal_mode DELETE) and vacuumed. Needs git and the project's dependencies.
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = "2025-06-01T10:00:00+08:00"

UNITS_CSV = """房号,面积,类型,状态
1-1-101,88.5,residential,occupied
1-1-102,88.5,residential,occupied
1-1-201,102.3,residential,vacant
1-2-101,76.0,residential,handed_over
1-2-102,76.0,residential,renovating
2-1-101,120.8,residential,occupied
2-1-1502,143.2,residential,occupied
S-1,35.0,commercial,occupied
"""
PEOPLE = [
    ["姓名", "手机", "身份证号", "房号", "身份", "入住日期", "备注"],
    ["张伟", "13800000001", "11010519491231002X", "1-1-101", "owner", "2019-05-01", ""],
    ["李娜", "13900000002", "", "1-1-101", "family", "2019-05-01", ""],
    ["王强", "13700000003", "440305199003070014", "1-1-102", "owner", "2020-01-15", "VIP 车位两个"],
    ["赵敏", "0755-26012345", "", "2-1-101", "tenant", "2024-03-01", ""],
    ["陈 静", "15800000005", "", "2-1-1502", "owner", "", '逗号,和"引号"\n第二行'],
    ["刘洋", "18600000006", "", "S-1", "occupant", "2023-07-01", "=1+1 公式开头"],
]


def commands() -> list[list[str]]:
    return [
        ["init", "--estate", "翠苑小区"],
        ["unit", "import", "units.csv"],
        ["unit", "add", "3-1-101", "--area", "66.6"],
        ["unit", "edit", "1-1-201", "--status", "handed_over"],
        ["staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk", "--phone", "13812345678"],
        ["staff", "add", "--name", "李雷", "--team", "engineering", "--role", "staff"],
        ["staff", "add", "--name", "周主管", "--team", "customer_service", "--role", "supervisor"],
        ["staff", "deactivate", "S002"],
        ["--as", "王芳", "person", "import", "people.csv"],
        ["--as", "王芳", "person", "add", "--name", "孙丽", "--phone", "13600000007", "--id-number",
         "110105198001010016", "--unit", "1-2-101", "--role", "owner", "--from", "2021-09-09"],
        ["--as", "王芳", "person", "edit", "P00002", "--phone", "13900000022"],
        ["--as", "王芳", "person", "link", "P00003", "--unit", "1-1-201", "--role", "owner", "--from", "2025-01-01"],
        ["--as", "王芳", "person", "unlink", "P00004", "--unit", "2-1-101"],
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commit", default="c8daa60", help="the released foundation commit")
    ap.add_argument("--out", default=str(ROOT / "tests" / "fixtures" / "pmcs-0.1-foundation.db"))
    args = ap.parse_args()
    out = Path(args.out)
    work = Path(tempfile.mkdtemp(prefix="pmcs-fixture-"))
    try:
        src = work / "src"
        src.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.commit, "pmcs"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
        (work / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
        with open(work / "people.csv", "w", encoding="gb18030", newline="") as f:  # as WPS saves it
            csv.writer(f).writerows(PEOPLE)
        db = work / "office.db"
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "PYTHONPATH": str(src),
               "PMCS_DB": str(db), "PMCS_NOW": NOW, "PMCS_TZ": "Asia/Shanghai", "PMCS_LANG": "en"}
        probe = subprocess.run([sys.executable, "-c", "import pmcs; print(pmcs.__file__)"], env=env, cwd=work,
                               capture_output=True, text=True, check=True).stdout.strip()
        if not probe.startswith(str(src)):
            sys.exit(f"the 0.1 sources were not picked up (got {probe})")
        for argv in commands():
            p = subprocess.run([sys.executable, "-m", "pmcs", *argv], env=env, cwd=work, capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"0.1 refused {argv}: {p.stderr.strip()}")
        conn = sqlite3.connect(db, isolation_level=None)
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("VACUUM")
        conn.close()
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(db, out)
        os.chmod(out, 0o600)
        print(f"{out}: {out.stat().st_size:,} bytes, migrations {', '.join(names)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
