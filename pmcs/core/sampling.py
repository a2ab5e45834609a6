"""Drawing a survey sample: size, allocation to strata, a seeded draw, surveyors.

Pure: the population comes in as data, the seed decides the draw.

Size (Cochran with the finite-population correction, p = 0.5)::

    n0 = z²·p(1−p) / e²        n = n0 / (1 + (n0 − 1) / N)

This is algebraically the formula behind the published table of required sample
sizes (Krejcie & Morgan 1970, the one every survey handbook reprints). That
table takes z² as the χ²(1) table value, 3.841 at 95 %, and rounds ``n`` to the
nearest household; doing the same here reproduces every entry of it (1,000 →
278, 1,400 → 302, 10,000 → 370). ``round_up=True`` takes the ceiling instead,
which never gives a margin above the one asked for (500 → 218 instead of 217).
"""
from __future__ import annotations

import math
import random
import re
from collections import defaultdict

from pmcs.core.survey_stats import z_value


def table_z2(confidence: float) -> float:
    """z² at the precision of the χ²(1) tables the published size tables use (3.841 at 95 %)."""
    return round(z_value(confidence) ** 2, 3)


def cochran(population: int, margin: float = 0.05, confidence: float = 0.95, p: float = 0.5) -> float:
    """The unrounded sample size for ``population`` households."""
    if population <= 0:
        return 0.0
    if not (0 < margin < 1) or not (0 < p < 1):
        raise ValueError("margin and p must be between 0 and 1")
    n0 = table_z2(confidence) * p * (1 - p) / margin ** 2
    return n0 / (1 + (n0 - 1) / population)


def sample_size(population: int, margin: float = 0.05, confidence: float = 0.95, *, p: float = 0.5,
                round_up: bool = False) -> int:
    """Households to survey (never more than the population)."""
    n = cochran(population, margin, confidence, p)
    if population <= 0:
        return 0
    size = math.ceil(n - 1e-9) if round_up else math.floor(n + 0.5)
    return max(1, min(population, size))


def inflate(size: int, expected_response: float | None, population: int) -> int:
    """Households to draw so that ``size`` answer when only ``expected_response`` of them do."""
    if not expected_response or expected_response >= 1:
        return min(size, population)
    if expected_response <= 0:
        raise ValueError("expected response must be above 0")
    return min(population, math.ceil(size / expected_response - 1e-9))


_DIGITS = re.compile(r"([0-9]+)")


def natural_key(text) -> tuple:
    """'2' < '10', '3-2-902' < '3-2-1502'. Split on digit runs, the parts alternate
    text, number, text …, so two keys always compare part by part."""
    parts = _DIGITS.split(str(text or ""))
    parts[1::2] = map(int, parts[1::2])
    return tuple(parts)


def allocate(strata: dict[str, int], n: int, room: dict[str, int] | None = None) -> dict[str, int]:
    """Proportional allocation of ``n`` by largest remainder (Hamilton).

    Every stratum gets at least 1 when ``n`` allows (n ≥ number of strata): the
    missing ones are taken from the strata furthest above their exact quota.
    No stratum gets more than it holds. Exact integer arithmetic; ties go to the
    larger stratum, then to the stratum that sorts first.

    ``room``: how many of each stratum may be drawn (households not surveyed
    recently), when fewer than it holds. The shares stay proportional to the
    whole strata; a stratum whose share exceeds its room gets its room and the
    rest is shared out among the others again.
    """
    if room is None:
        return _allocate(strata, n)
    n = min(n, sum(room.get(h, 0) for h in strata))
    fixed: dict[str, int] = {}
    while True:
        alloc = _allocate({h: c for h, c in strata.items() if h not in fixed}, n - sum(fixed.values()))
        over = [h for h, k in alloc.items() if k > room.get(h, 0)]
        if not over:
            return {h: fixed[h] if h in fixed else alloc[h] for h in sorted(strata, key=natural_key)}
        for h in over:
            fixed[h] = room.get(h, 0)


def _allocate(strata: dict[str, int], n: int) -> dict[str, int]:
    total = sum(strata.values())
    n = max(0, min(n, total))
    names = sorted(strata, key=natural_key)
    if not n or not total:
        return {h: 0 for h in names}
    alloc = {h: n * strata[h] // total for h in names}
    rest = {h: n * strata[h] % total for h in names}  # remainder of the quota, in units of 1/total
    short = n - sum(alloc.values())
    order = sorted(names, key=lambda h: (-rest[h], -strata[h], natural_key(h)))
    for h in order[:short]:
        alloc[h] += 1
    nonempty = [h for h in names if strata[h] > 0]
    if n >= len(nonempty):
        for h in nonempty:
            if alloc[h] == 0:
                # take one from the stratum most above its quota (alloc·total − n·N_h largest)
                donor = max((d for d in names if alloc[d] > 1),
                            key=lambda d: (alloc[d] * total - n * strata[d], strata[d]))
                alloc[donor] -= 1
                alloc[h] = 1
    return alloc


def draw(population: list[tuple[str, str]], allocation: dict[str, int], seed: int) -> list[str]:
    """Draw ``allocation[stratum]`` keys per stratum from [(key, stratum)], reproducibly.

    Strata and keys are put in natural order first, so the same population and
    seed always give the same households, whatever order the rows came in.
    """
    by_stratum: dict[str, list[str]] = defaultdict(list)
    for key, stratum in population:
        by_stratum[stratum].append(key)
    rng = random.Random(seed)
    chosen: list[str] = []
    for stratum in sorted(by_stratum, key=natural_key):
        keys = sorted(by_stratum[stratum], key=natural_key)
        k = min(allocation.get(stratum, 0), len(keys))
        # the same positions random.sample(keys, k) would take, kept in walking order
        chosen.extend(keys[i] for i in sorted(rng.sample(range(len(keys)), k)))
    return chosen


def assign(keys: list[str], surveyors: list[str]) -> list[str | None]:
    """Surveyors for ``keys`` (already in walking order): contiguous runs whose
    sizes differ by at most one, so each surveyor gets neighbouring households."""
    if not surveyors:
        return [None] * len(keys)
    out: list[str | None] = []
    base, extra = divmod(len(keys), len(surveyors))
    for i, who in enumerate(surveyors):
        out.extend([who] * (base + (1 if i < extra else 0)))
    return out


def margin_of(size: int, population: int, confidence: float = 0.95, p: float = 0.5) -> float | None:
    """The margin of error a sample of ``size`` gives (with the finite-population correction)."""
    if size <= 0 or population <= 0:
        return None
    fpc = (population - size) / (population - 1) if population > 1 else 0.0
    return math.sqrt(table_z2(confidence) * p * (1 - p) / size * max(fpc, 0.0))
