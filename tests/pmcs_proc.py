"""The installed `pmcs` run as a subprocess, for the crash, concurrency and
data-safety tests: a bare environment (as cron gives), umask 022, stdin closed.
"""
from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

NOW = "2026-11-23T09:30:00+08:00"


def _installed_pmcs() -> str | None:
    beside = Path(sys.executable).parent / "pmcs"
    if beside.exists():
        return str(beside)
    return shutil.which("pmcs")


PMCS = _installed_pmcs()


def env_for(db: Path, **extra) -> dict:
    home = db.parent / "home"
    home.mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PMCS_DB": str(db), "PMCS_NOW": NOW,
           "PMCS_TZ": "Asia/Shanghai", "PMCS_LANG": "en", "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def argv(*args, actor: str | None = None) -> list[str]:
    return [PMCS] + (["--as", actor] if actor else []) + [str(a) for a in args]


def run(db: Path, *args, actor: str | None = None, timeout: float = 300, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(argv(*args, actor=actor), env=env_for(db, **extra), cwd=db.parent,
                          stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8", errors="replace",
                          timeout=timeout, umask=0o022)


def start(db: Path, *args, actor: str | None = None, **extra) -> subprocess.Popen:
    return subprocess.Popen(argv(*args, actor=actor), env=env_for(db, **extra), cwd=db.parent,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            umask=0o022)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, (result.args[1:], result.returncode, result.stdout[-2000:], result.stderr)
    assert "Traceback" not in result.stderr
    return result


def check_db(db: Path) -> None:
    """`pmcs db check` (integrity and foreign keys) must pass."""
    ok(run(db, "db", "check"))


def scalar(db: Path, sql: str, params=()):
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def write_people_csv(path: Path, n: int, batch: int) -> Path:
    """n valid people (unique phone and ID number per batch and row); notes = 'batch <batch>'."""
    from pmcs.core.ids import id_check_digit

    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "手机", "身份证号", "备注"])
        for i in range(n):
            region = 110000 + batch * 1000 + i // 1000  # 6 digits while batch < 890
            first17 = f"{region}{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
            w.writerow([f"住户{batch}-{i}", f"13{batch % 10}{i:08d}", first17 + id_check_digit(first17), f"batch {batch}"])
    return path


def lock_held(db: Path) -> bool:
    """True while another connection holds the write lock (probe without waiting)."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            return True
        raise
    finally:
        conn.close()


def file_mode(path) -> int:
    import stat

    return stat.S_IMODE(os.stat(path).st_mode)
