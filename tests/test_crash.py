"""Crash safety: the installed pmcs killed with SIGKILL at random moments.

After every kill the database must pass `pmcs db check` and hold either none
or all of an import's rows; a complaint killed while advancing is either at
its old step (no half-finished step rows) or at its new one. The moments are
random but seeded; the waits are not timing assertions (a kill that lands
after the process finished is simply an uninterrupted run).
"""
from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time

import pytest

from pmcs_proc import PMCS, check_db, lock_held, ok, rows, run, scalar, start, write_people_csv

pytestmark = pytest.mark.skipif(PMCS is None, reason="the pmcs console script is not installed")


def _kill_after(p: subprocess.Popen, delay: float) -> bool:
    """Wait up to `delay` s for the process, then SIGKILL it; True if it was still running."""
    try:
        p.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return True


def _batch_count(db, batch: int) -> int:
    return scalar(db, "SELECT count(*) FROM people WHERE notes = ?", (f"batch {batch}",))


# --- person import ------------------------------------------------------------

def import_crashes(tmp_path, n_rows: int, kills: int, seed: int) -> dict:
    db = tmp_path / "office.db"
    rng = random.Random(seed)
    ok(run(db, "init"))
    first = write_people_csv(tmp_path / "batch0.csv", n_rows, 0)
    t0 = time.perf_counter()
    ok(run(db, "person", "import", first))  # an uninterrupted run: how long a whole import takes here
    whole = time.perf_counter() - t0
    expected = {0: n_rows}
    landed = 0
    for k in range(1, kills + 1):
        path = write_people_csv(tmp_path / f"batch{k}.csv", n_rows, k)
        p = start(db, "person", "import", path)
        killed = _kill_after(p, rng.uniform(0.02, 0.95) * whole)
        landed += killed
        if not killed:
            assert p.returncode == 0, p.stderr.read()
        check_db(db)
        got = _batch_count(db, k)
        assert got in (0, n_rows), f"kill {k}: {got} of {n_rows} rows"
        assert killed or got == n_rows
        expected[k] = got
        for batch, count in expected.items():  # earlier imports untouched
            assert _batch_count(db, batch) == count
        people = scalar(db, "SELECT count(*) FROM people")
        assert people == sum(expected.values())
        assert scalar(db, "SELECT count(*) FROM events WHERE entity = 'person'") == people  # one event per person
        path.unlink()
    # after all that, a whole import still goes through
    last = write_people_csv(tmp_path / "last.csv", n_rows, kills + 1)
    ok(run(db, "person", "import", last))
    assert _batch_count(db, kills + 1) == n_rows
    check_db(db)
    return {"kills": kills, "landed": landed, "committed": sum(1 for c in expected.values() if c) - 1}


def test_person_import_killed_five_times_is_all_or_nothing(tmp_path):
    result = import_crashes(tmp_path, 20_000, 5, seed=8)
    assert result["landed"] >= 1, result  # at least one kill hit a running import


@pytest.mark.slow
def test_person_import_of_100000_rows_killed_24_times_is_all_or_nothing(tmp_path):
    result = import_crashes(tmp_path, 100_000, 24, seed=2026)
    print("import kills:", result)
    assert result["landed"] >= 20, result


# --- complaint advance --------------------------------------------------------

FINISH = {  # the step a complaint is at -> the options that finish it
    "classified": ["--nature", "valid", "--severity", "general"],
    "investigated": ["--cause", "管道老化"],
    "assigned": ["--handler", "S002"],
    "proposed": ["--solution", "更换管道", "--promise", "2026-11-30"],
    "replied": ["--reply", "已电话告知", "--reply-channel", "phone"],
    "revisited": ["--verdict", "satisfied"],
    "evaluated": ["--lesson", "定期巡检"],
}
ORDER = ["recorded", "classified", "investigated", "assigned", "proposed", "replied", "revisited", "evaluated", "closed"]
# widens the advance transaction: a trigger that burns CPU right after the running step is finished,
# before the next step row and the case row are written -- so a kill can land half-way through
BURN = """
CREATE TABLE burn (x INTEGER);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3000) INSERT INTO burn SELECT x FROM c;
CREATE TRIGGER burn_on_step_update AFTER UPDATE ON case_steps BEGIN SELECT sum(a.x * b.x) FROM burn a, burn b; END;
"""


def case_state(db, number: str) -> dict:
    case = rows(db, "SELECT id, step, status, due_at FROM cases WHERE number = ?", (number,))[0]
    steps = rows(db, "SELECT step, due_at, done_at FROM case_steps WHERE case_id = ? ORDER BY id", (case[0],))
    events = scalar(db, "SELECT count(*) FROM events WHERE entity = 'case' AND ref = ?", (number,))
    return {"step": case[1], "status": case[2], "due_at": case[3], "steps": steps, "events": events}


def assert_consistent(state: dict) -> None:
    open_rows = [r for r in state["steps"] if r[2] is None]
    done = [r for r in state["steps"] if r[2] is not None]
    if state["status"] == "closed":
        assert open_rows == [] and state["step"] == "closed"
    else:
        assert len(open_rows) == 1, state  # never two running steps, never none
        assert open_rows[0][0] == state["step"] and open_rows[0][1] == state["due_at"], state
        assert state["steps"][-1] == open_rows[0], state  # the running step is the last row
    assert [r[0] for r in done] == ORDER[:len(done)], state  # finished in order, none skipped
    assert state["events"] == len(done), state  # the create event and one per advance


def advance_crashes(pmcs, kills: int, seed: int, burn: bool) -> dict:
    db = pmcs.db_path  # set up in-process (quicker); the advances run as separate processes
    rng = random.Random(seed)
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")
    pmcs.ok("staff", "add", "--name", "李强", "--team", "engineering")
    pmcs.ok("unit", "add", "1-1-101")
    if burn:
        conn = sqlite3.connect(db)
        conn.executescript(BURN)
        conn.close()
    outcome = {"kills": 0, "mid_transaction": 0, "old_step": 0, "new_step": 0, "cases": 0}
    number, whole = None, None
    while outcome["kills"] < kills:
        if number is None or case_state(db, number)["status"] == "closed":
            out = ok(run(db, "complaint", "add", "--unit", "1-1-101", "--channel", "phone", "--category", "service",
                         "--description", "楼上漏水", "--remedy", "尽快维修", actor="王芳")).stdout
            number = out.split()[0]
            outcome["cases"] += 1
        before = case_state(db, number)
        args = ["complaint", "advance", number, *FINISH[before["step"]]]
        if whole is None:  # the first advance runs whole: how long one takes here
            t0 = time.perf_counter()
            ok(run(db, *args, actor="王芳"))
            whole = time.perf_counter() - t0
            continue
        p = start(db, *args, actor="王芳")
        if burn:  # wait until it holds the write lock, then kill somewhere in its transaction
            while p.poll() is None and not lock_held(db):
                time.sleep(0.002)
            killed = _kill_after(p, rng.uniform(0, 0.2))
            outcome["mid_transaction"] += killed
        else:
            killed = _kill_after(p, rng.uniform(0.1, 1.1) * whole)
        outcome["kills"] += killed
        if not killed:
            assert p.returncode == 0, p.stderr.read()
        check_db(db)
        after = case_state(db, number)
        assert_consistent(after)
        if after["step"] == before["step"]:
            assert after == before  # nothing half-written
            outcome["old_step"] += 1
        else:
            assert ORDER.index(after["step"]) == ORDER.index(before["step"]) + 1
            assert after["steps"][:len(before["steps"])][:-1] == before["steps"][:-1]
            outcome["new_step"] += 1
    return outcome


def test_complaint_advance_killed_at_random_moments_leaves_old_or_new_step(pmcs):
    outcome = advance_crashes(pmcs, 5, seed=8, burn=False)
    assert outcome["kills"] == 5


def test_complaint_advance_killed_inside_its_transaction_leaves_the_old_step(pmcs):
    outcome = advance_crashes(pmcs, 5, seed=9, burn=True)
    assert outcome["kills"] == 5 and outcome["old_step"] >= 1, outcome


@pytest.mark.slow
def test_complaint_advance_killed_20_times_each_way(tmp_path):
    from conftest import Runner

    (tmp_path / "plain").mkdir()
    (tmp_path / "inside").mkdir()
    plain = advance_crashes(Runner(tmp_path / "plain" / "office.db"), 20, seed=2026, burn=False)
    inside = advance_crashes(Runner(tmp_path / "inside" / "office.db"), 20, seed=2027, burn=True)
    print("advance kills:", plain, inside)
    assert plain["kills"] == 20 and inside["kills"] == 20 and inside["old_step"] >= 10, (plain, inside)
