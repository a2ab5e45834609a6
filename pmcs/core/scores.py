"""The staff scorecard (考核) as data: who owns which step, and the score formula.

score = BASE + Σ weight × count + manual adjustments

with the counts of one month. Change the weights here (one place); the CLI
help and docs print this table.
"""
from __future__ import annotations

import re

BASE = 100
WEIGHTS = {
    "praise": 2,  # praise received (request type=praise naming them)
    "attitude": -5,  # valid staff-attitude complaints about them (--about; without it, the complaint's handler)
    "late": -1,  # steps they owned done after the deadline
    "unsatisfied": -2,  # unsatisfied revisit verdicts of cases they handled
}

# 谁受理，谁跟进，谁回复: the acceptor owns a case's steps, except the steps the
# responsible person (complaint handler, repair technician) carries out.
HANDLER_STEPS = (("complaint", "proposed"), ("repair", "completed"))
MAX_POINTS = 100


def step_owner_role(kind: str, step: str) -> str:
    return "handler" if (kind, step) in HANDLER_STEPS else "acceptor"


def score(row: dict) -> float:
    total = BASE + sum(w * row.get(name, 0) for name, w in WEIGHTS.items()) + row.get("adjustments", 0)
    return round(total, 1)


def formula_text(names: dict | None = None) -> str:
    """The formula in words; ``names`` maps each count (and "adjustments") to its label."""
    names = names or {}
    parts = " ".join(f"{'+' if w > 0 else '−'} {abs(w)}×{names.get(n, n)}" for n, w in WEIGHTS.items())
    return f"{BASE} {parts} + {names.get('adjustments', 'adjustments')}"


def formula_labelled() -> str:
    """The formula in the user's language (for --help and the scorecard title)."""
    from pmcs.i18n import t

    return formula_text({name: t(f"score.w.{name}") for name in (*WEIGHTS, "adjustments")})


def parse_points(text) -> float:
    """``-1``, ``+2``, ``-0.5`` (one decimal at most, non-zero, within ±100); ValueError otherwise."""
    raw = str(text).strip().replace("＋", "+").replace("－", "-").replace("−", "-")
    if not re.fullmatch(r"[+-]?\d{1,3}(?:\.\d)?", raw):
        raise ValueError(raw)
    value = float(raw)
    if value == 0 or abs(value) > MAX_POINTS:
        raise ValueError(raw)
    return value
