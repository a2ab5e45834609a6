"""Concurrency: cron's `pmcs remind` loop and clerks' add/advance loops, all
as separate processes against one database at the same time.

No command may fail with "database is locked" (every one exits 0, remind 0 or
10), no write may be lost (the successful adds and advances are counted and
compared with the database), and remind never reports a half-done step: every
item it lists is a step the case really was at, with that step's due time.
The loops run for a while; nothing here asserts a duration.
"""
from __future__ import annotations

import json
import random
import threading
import time

import pytest

from pmcs.i18n import t
from pmcs_proc import PMCS, check_db, rows, run, scalar

pytestmark = pytest.mark.skipif(PMCS is None, reason="the pmcs console script is not installed")

FINISH = {  # the step a complaint is at -> the options that finish it
    "classified": ["--nature", "valid", "--severity", "general"],
    "investigated": ["--cause", "管道老化"],
    "assigned": ["--handler", "S004"],
    "proposed": ["--solution", "更换管道", "--promise", "2026-11-30"],
    "replied": ["--reply", "已电话告知", "--reply-channel", "phone"],
    "revisited": ["--verdict", "satisfied"],
    "evaluated": ["--lesson", "定期巡检"],
}
ORDER = ["classified", "investigated", "assigned", "proposed", "replied", "revisited", "evaluated", "closed"]
CLERKS = ["王芳", "张丽", "陈静"]


class Clerk(threading.Thread):
    """Adds complaints and advances its own open ones, one process at a time, until the deadline."""

    def __init__(self, db, name: str, seed: int, deadline: float):
        super().__init__(daemon=True)
        self.db, self.name, self.deadline = db, name, deadline
        self.rng = random.Random(seed)
        self.open: dict[str, str] = {}  # ref -> step it is at
        self.adds = self.advances = 0
        self.failures: list = []

    def run(self):
        while time.monotonic() < self.deadline:
            if not self.open or self.rng.random() < 0.3:
                unit = f"1-1-1{self.rng.randrange(1, 21):02d}"
                r = run(self.db, "complaint", "add", "--unit", unit, "--channel", "phone", "--category", "service",
                        "--description", "噪音扰民", "--remedy", "请处理", actor=self.name, timeout=120)
                if r.returncode == 0:
                    self.adds += 1
                    self.open[r.stdout.split()[0]] = "classified"
                else:
                    self.failures.append(r)
            else:
                ref = self.rng.choice(sorted(self.open))
                step = self.open[ref]
                r = run(self.db, "complaint", "advance", ref, *FINISH[step], actor=self.name, timeout=120)
                if r.returncode == 0:
                    self.advances += 1
                    nxt = ORDER[ORDER.index(step) + 1]
                    if nxt == "closed":
                        del self.open[ref]
                    else:
                        self.open[ref] = nxt
                else:
                    self.failures.append(r)


class Cron(threading.Thread):
    def __init__(self, db, deadline: float):
        super().__init__(daemon=True)
        self.db, self.deadline = db, deadline
        self.runs: list = []

    def run(self):
        while time.monotonic() < self.deadline:
            self.runs.append(run(self.db, "remind", "--format", "json", "--source", "complaint", "--within", "2d",
                                 timeout=120))


def clerk_and_cron(pmcs, seconds: float, clerks: int) -> dict:
    db = pmcs.db_path  # set up in-process (quicker), then only separate processes
    for name in CLERKS:
        pmcs.ok("staff", "add", "--name", name, "--team", "customer_service", "--role", "clerk")
    pmcs.ok("staff", "add", "--name", "李强", "--team", "engineering")  # S004
    for n in range(1, 21):
        pmcs.ok("unit", "add", f"1-1-1{n:02d}")
    deadline = time.monotonic() + seconds
    workers = [Clerk(db, CLERKS[i], seed=i, deadline=deadline) for i in range(clerks)]
    cron = Cron(db, deadline)
    for w in workers + [cron]:
        w.start()
    for w in workers + [cron]:
        w.join(timeout=seconds + 300)
        assert not w.is_alive()

    # no failure at all: not "locked", not anything else
    failures = [(r.args[1:], r.returncode, r.stderr) for w in workers for r in w.failures]
    failures += [(r.args[1:], r.returncode, r.stderr) for r in cron.runs if r.returncode not in (0, 10)]
    assert failures == []
    assert all("Traceback" not in r.stderr and "locked" not in r.stderr for r in cron.runs)

    # no lost write
    adds, advances = sum(w.adds for w in workers), sum(w.advances for w in workers)
    assert scalar(db, "SELECT count(*) FROM cases") == adds
    assert scalar(db, "SELECT count(*) FROM case_steps WHERE done_at IS NOT NULL") == adds + advances
    assert scalar(db, "SELECT count(*) FROM events WHERE entity = 'case' AND action = 'create'") == adds
    assert scalar(db, "SELECT count(*) FROM events WHERE entity = 'case' AND action = 'advance'") == advances
    for w in workers:  # each case is where its clerk left it
        for ref, step in w.open.items():
            assert rows(db, "SELECT step FROM cases WHERE number = ?", (ref,)) == [(step,)]
    # one running step per open case, none for a closed one
    assert rows(db, """SELECT c.number FROM cases c WHERE (c.closed_at IS NULL) !=
                       ((SELECT count(*) FROM case_steps s WHERE s.case_id = c.id AND s.done_at IS NULL) = 1)""") == []

    # remind saw only whole steps: each item is a (step, due time) the case really had
    history = {(num, t(f"step.complaint.{step}"), due) for num, step, due in rows(
        db, "SELECT c.number, s.step, s.due_at FROM case_steps s JOIN cases c ON c.id = s.case_id")}
    items = [item for r in cron.runs if r.stdout.strip() for item in json.loads(r.stdout)]
    for item in items:
        assert (item["ref"], item["what"], item["due_at"]) in history, item
    check_db(db)
    return {"adds": adds, "advances": advances, "remind_runs": len(cron.runs), "remind_items": len(items)}


def test_clerks_and_cron_together_lose_nothing_and_never_lock(pmcs):
    counts = clerk_and_cron(pmcs, seconds=5, clerks=2)
    assert counts["adds"] >= 1 and counts["remind_runs"] >= 1, counts


@pytest.mark.slow
def test_clerks_and_cron_together_for_a_minute(pmcs):
    counts = clerk_and_cron(pmcs, seconds=60, clerks=3)
    print("concurrency:", counts)
    assert counts["remind_items"] > 0, counts
