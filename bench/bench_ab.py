#!/usr/bin/env python3
"""Two source trees of pmcs timed interleaved, so a slow or noisy machine slows both alike.

Run by hand (not a test):
    git worktree add /tmp/pmcs-old <commit>
    python bench/bench_ab.py /tmp/pmcs-old [--runs 11] [--db bench/out/cases.db]

Each round runs every command once with the old tree, then once with this one,
through the same launcher (the editable install's finder is set aside so the
tree given is the one imported). Medians of whole-process wall times.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

LAUNCHER = ("import sys; sys.meta_path = [f for f in sys.meta_path if 'editable' not in type(f).__module__]; "
            "sys.path.insert(0, sys.argv.pop(1)); from pmcs.cli import main; sys.argv[0] = 'pmcs'; main()")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", help="the other tree (a git worktree of an older commit)")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--db", default="bench/out/cases.db", help="the large office (bench/gen_cases.py)")
    args = ap.parse_args()
    here = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PMCS_NOW="2026-11-23T09:30:00+08:00", PMCS_TZ="Asia/Shanghai", HOME="/tmp",
               PMCS_LANG="en")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # both trees run from their compiled files
    trees = {"old": args.old, "new": here}
    commands = [["--help"], ["--db", args.db, "today"], ["--db", args.db, "remind"],
                ["--db", args.db, "complaint", "list", "--overdue"]]
    print(f"{args.runs} interleaved rounds; old = {args.old}, new = {here}")
    for cmd in commands:
        wall: dict[str, list[float]] = {k: [] for k in trees}
        cpu: dict[str, list[float]] = {k: [] for k in trees}
        for _ in range(args.runs):
            for name, tree in trees.items():
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-c", LAUNCHER, tree, *cmd], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wall[name].append(time.perf_counter() - t0)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        label = " ".join(c for c in cmd if c not in ("--db", args.db))
        for what, data in (("wall", wall), ("cpu", cpu)):
            old, new = (statistics.median(data[k]) * 1000 for k in ("old", "new"))
            print(f"{label:28} {what:4}  old {old:6.0f} ms   new {new:6.0f} ms   {100 * (new - old) / old:+5.0f} %")


if __name__ == "__main__":
    main()
