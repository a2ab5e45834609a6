"""Survey statistics: pure arithmetic, no database, no terminal.

- ``z_value(confidence)``: the two-sided normal quantile, from ``statistics.NormalDist``.
- ``wilson(successes, n)``: the Wilson score interval
  ``(p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)``.
- ``dimension_stats(counts)``: valid answers, 满意率 (4 + 5 over valid answers) with its
  Wilson interval, mean score, 满意度指数 = (mean − 1) / 4 · 100, the distribution.
- ``difference_interval``: Newcombe's hybrid score interval for the change between two
  surveys (built from the two Wilson intervals), so a change can be told from chance.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from statistics import NormalDist

LEVELS = (5, 4, 3, 2, 1)  # 非常满意 … 非常不满意
SATISFIED = (4, 5)


def parse_fraction(value, name: str = "value") -> float:
    """``0.95``, ``95`` or ``95%`` → 0.95 (a number above 1 is read as per cent)."""
    text = str(value).strip().rstrip("%").strip()
    try:
        num = float(text)
    except ValueError:
        raise ValueError(name) from None
    if str(value).strip().endswith("%") or num > 1:
        num /= 100
    if not (0 < num < 1) or math.isnan(num):
        raise ValueError(name)
    return num


def z_value(confidence: float) -> float:
    """Two-sided critical value: 0.95 → 1.959964…"""
    if not (0 < confidence < 1):
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for ``successes`` out of ``n``; None when n is 0."""
    if n <= 0:
        return None
    if not (0 <= successes <= n):
        raise ValueError("successes must be between 0 and n")
    z = z_value(confidence)
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denom = 1 + z2 / n
    return max(0.0, (centre - half) / denom), min(1.0, (centre + half) / denom)


def index_of(mean: float) -> float:
    """满意度指数: a mean score on the 1–5 scale mapped to 0–100."""
    return (mean - 1) / 4 * 100


@dataclass
class DimStat:
    n: int = 0  # valid answers (1–5)
    dont_know: int = 0
    satisfied: int = 0
    rate: float | None = None  # 满意率
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    index: float | None = None  # 满意度指数
    distribution: dict = field(default_factory=dict)  # level → count, 5 … 1

    def as_dict(self) -> dict:
        return asdict(self)


def dimension_stats(counts: dict, confidence: float = 0.95) -> DimStat:
    """``counts`` maps a level (1–5) or None (don't know) to how many answered it."""
    dist = {level: int(counts.get(level, 0) or 0) for level in LEVELS}
    n = sum(dist.values())
    st = DimStat(n=n, dont_know=int(counts.get(None, 0) or 0), distribution=dist)
    if n:
        st.satisfied = dist[4] + dist[5]
        st.rate = st.satisfied / n
        st.low, st.high = wilson(st.satisfied, n, confidence)
        st.mean = sum(level * c for level, c in dist.items()) / n
        st.index = index_of(st.mean)
    return st


def pooled(stats: list[DimStat], confidence: float = 0.95) -> DimStat:
    """All answers of several dimensions counted together."""
    counts: dict = {None: sum(s.dont_know for s in stats)}
    for level in LEVELS:
        counts[level] = sum(s.distribution.get(level, 0) for s in stats)
    return dimension_stats(counts, confidence)


def weighted_index(items: list[tuple[float | None, float]]) -> float | None:
    """Weighted mean of indices [(index, weight)]; dimensions without answers are left out."""
    used = [(i, w) for i, w in items if i is not None and w > 0]
    total = sum(w for _, w in used)
    return sum(i * w for i, w in used) / total if total else None


def difference_interval(a: DimStat, b: DimStat, confidence: float = 0.95) -> tuple[float, float] | None:
    """Newcombe's interval for rate(a) − rate(b) (method 10), None if either has no answers."""
    if not a.n or not b.n:
        return None
    d = a.rate - b.rate
    lower = d - math.sqrt((a.rate - a.low) ** 2 + (b.high - b.rate) ** 2)
    upper = d + math.sqrt((a.high - a.rate) ** 2 + (b.rate - b.low) ** 2)
    return lower, upper


def change(now: DimStat, before: DimStat, confidence: float = 0.95) -> dict | None:
    """The change from ``before`` to ``now``: rate in percentage points, index in points."""
    if not now.n or not before.n:
        return None
    interval = difference_interval(now, before, confidence)
    return {"rate_pp": (now.rate - before.rate) * 100, "index": now.index - before.index,
            "low_pp": interval[0] * 100, "high_pp": interval[1] * 100,
            "significant": interval[0] > 0 or interval[1] < 0}


def response_rate(responded: int, sampled: int) -> float | None:
    return responded / sampled if sampled else None
