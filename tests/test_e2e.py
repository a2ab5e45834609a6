"""End to end: the installed `pmcs` run as a subprocess, the way cron runs it.

A bare environment (PATH, HOME, PMCS_DB, PMCS_NOW and nothing else: no LANG,
no terminal), stdin closed, a normal umask of 022.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

NOW = "2026-11-23T09:00:00+08:00"


from pmcs_proc import PMCS  # noqa: E402  (the installed console script, or None)
pytestmark = pytest.mark.skipif(PMCS is None, reason="the pmcs console script is not installed")


def cron_env(tmp_path: Path, **extra) -> dict:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PMCS_DB": str(tmp_path / "office.db"), "PMCS_NOW": NOW}
    env.update(extra)
    return env


def run(tmp_path: Path, *args, exe=None, **extra) -> subprocess.CompletedProcess:
    argv = list(exe) if exe else [PMCS]
    return subprocess.run(argv + [str(a) for a in args], env=cron_env(tmp_path, **extra), cwd=tmp_path,
                          stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8", errors="replace",
                          timeout=60, umask=0o022)


def assert_ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, (result.returncode, result.stdout[-2000:], result.stderr)
    assert "Traceback" not in result.stderr
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_demo_then_unit_list_as_json_and_plain_text_when_piped(tmp_path):
    assert_ok(run(tmp_path, "demo"))
    result = assert_ok(run(tmp_path, "unit", "list", "--format", "json"))
    units = json.loads(result.stdout)
    assert len(units) > 1000
    assert {"code", "building", "status"} <= set(units[0])
    assert result.stderr == ""
    table = assert_ok(run(tmp_path, "unit", "list", "--building", "3"))
    assert "\x1b[" not in table.stdout  # no colour codes in a pipe or a cron mail
    assert "3-2-1502" in table.stdout


def test_a_mistyped_database_path_fails_and_makes_no_file(tmp_path):
    """cron's `remind` with PMCS_DB mistyped used to make an empty database and report nothing
    due, every morning; `db check` called it sound; a refused write left the file behind."""
    assert_ok(run(tmp_path, "init"))
    typo = tmp_path / "offce.db"
    for args in (["remind"], ["db", "check"], ["today"], ["unit", "list"], ["staff", "deactivate", "S001"],
                 ["config", "sla", "set", "repair.completed", "2h"], ["unit", "add", "1-1-101"]):
        result = run(tmp_path, "--db", typo, *args)
        assert result.returncode == 3 and "no database at" in result.stderr and "pmcs init" in result.stderr, args
        assert not typo.exists()
    typo.touch()  # an empty file is no database either: not migrated into one by a read
    assert run(tmp_path, "--db", typo, "today").returncode == 3 and typo.stat().st_size == 0


def test_an_error_is_one_line_and_a_hint_on_stderr_with_its_exit_code(tmp_path):
    assert_ok(run(tmp_path, "init"))
    result = run(tmp_path, "unit", "show", "9-9-999")
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("error: ") and "9-9-999" in lines[0]
    assert lines[1].startswith("hint: ")
    assert "Traceback" not in result.stderr


def test_errors_are_in_chinese_with_pmcs_lang_zh(tmp_path):
    assert_ok(run(tmp_path, "init"))
    result = run(tmp_path, "unit", "show", "9-9-999", PMCS_LANG="zh")
    assert result.returncode == 3
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith("错误") and "9-9-999" in first
    assert "not found" not in result.stderr


def test_python_dash_m_pmcs_reports_the_version(tmp_path):
    from pmcs import __version__

    result = assert_ok(run(tmp_path, "--version", exe=[sys.executable, "-m", "pmcs"]))
    assert __version__ in result.stdout
    assert result.stderr == ""


def test_database_and_backup_are_private_to_the_user(tmp_path):
    assert_ok(run(tmp_path, "init"))
    assert_ok(run(tmp_path, "unit", "add", "1-1-101"))
    db = tmp_path / "office.db"
    assert mode(db) == 0o600
    for side in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        if side.exists():
            assert mode(side) == 0o600, side
    backup = tmp_path / "copies" / "office-backup.db"
    backup.parent.mkdir()
    assert_ok(run(tmp_path, "db", "backup", backup))
    assert mode(backup) == 0o600
    assert_ok(run(tmp_path, "unit", "show", "1-1-101", PMCS_DB=str(backup)))


def test_without_pmcs_db_the_database_lives_under_home(tmp_path):
    env = cron_env(tmp_path)
    del env["PMCS_DB"]
    result = subprocess.run([PMCS, "init"], env=env, cwd=tmp_path, stdin=subprocess.DEVNULL,
                            capture_output=True, encoding="utf-8", timeout=60, umask=0o022)
    assert_ok(result)
    found = list(Path(env["HOME"]).rglob("*.db"))
    assert len(found) == 1 and mode(found[0]) == 0o600, found
    assert not list(tmp_path.glob("*.db"))  # nothing dropped in the working directory


def test_the_readme_runs_as_written(tmp_path):
    """The quick start's `pmcs demo && pmcs today`, then every command of the README's tour, in
    order, pasted into a shell that stops at the first failure (a newcomer found four that failed)."""
    import re
    import shutil

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    tour = "\n".join(re.findall(r"```sh\n(.*?)```", readme, re.S)[2:])
    env = cron_env(tmp_path, PMCS_TZ="Asia/Shanghai", LANG="C.UTF-8")
    del env["PMCS_DB"]  # the default database, as on a fresh machine
    env["PATH"] = f"{Path(PMCS).parent}:{env['PATH']}"
    bash = shutil.which("bash")
    for script in ("pmcs demo && pmcs today", "set -e\n" + tour):
        result = subprocess.run([bash, "-c", script], env=env, cwd=tmp_path, capture_output=True, encoding="utf-8",
                                errors="replace", timeout=300, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, (script[-300:], result.stdout[-1500:], result.stderr[-1500:])
        assert "Traceback" not in result.stderr
