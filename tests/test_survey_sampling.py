"""Sampling: sizes against the published table, allocation, the seeded draw, surveyors."""
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmcs.core import sampling

# Krejcie & Morgan (1970), "Determining sample size for research activities", Table 1:
# required sample size at 95 % confidence, ±5 %, p = 0.5 — the table survey handbooks reprint.
KREJCIE_MORGAN = {
    10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 35: 32, 40: 36, 45: 40, 50: 44, 55: 48, 60: 52, 65: 56, 70: 59,
    75: 63, 80: 66, 85: 70, 90: 73, 95: 76, 100: 80, 110: 86, 120: 92, 130: 97, 140: 103, 150: 108, 160: 113,
    170: 118, 180: 123, 190: 127, 200: 132, 210: 136, 220: 140, 230: 144, 240: 148, 250: 152, 260: 155,
    270: 159, 280: 162, 290: 165, 300: 169, 320: 175, 340: 181, 360: 186, 380: 191, 400: 196, 420: 201,
    440: 205, 460: 210, 480: 214, 500: 217, 550: 226, 600: 234, 650: 242, 700: 248, 750: 254, 800: 260,
    850: 265, 900: 269, 950: 274, 1000: 278, 1100: 285, 1200: 291, 1300: 297, 1400: 302, 1500: 306,
    1600: 310, 1700: 313, 1800: 317, 1900: 320, 2000: 322, 2200: 327, 2400: 331, 2600: 335, 2800: 338,
    3000: 341, 3500: 346, 4000: 351, 4500: 354, 5000: 357, 6000: 361, 7000: 364, 8000: 367, 9000: 368,
    10000: 370, 15000: 375, 20000: 377, 30000: 379, 40000: 380, 50000: 381, 75000: 382, 1000000: 384,
}


@pytest.mark.parametrize("population,size", sorted(KREJCIE_MORGAN.items()))
def test_size_agrees_with_the_published_table(population, size):
    assert sampling.sample_size(population, 0.05, 0.95) == size


def test_the_formula_is_cochran_with_the_finite_population_correction():
    z2 = 3.841  # the χ²(1) table value at 95 %
    n0 = z2 * 0.25 / 0.05 ** 2
    for population in (1000, 1400, 10000):
        assert sampling.cochran(population) == pytest.approx(n0 / (1 + (n0 - 1) / population))


@pytest.mark.parametrize("population,nearest,up", [(500, 217, 218), (1000, 278, 278), (2000, 322, 323)])
def test_round_up_takes_the_ceiling(population, nearest, up):
    assert sampling.sample_size(population) == nearest
    assert sampling.sample_size(population, round_up=True) == up


def test_other_margins_and_confidence():
    # ±3 % at 95 %: n0 = 3.841·0.25/0.0009 = 1066.9; N = 10,000 → 964
    assert sampling.sample_size(10000, 0.03, 0.95) == 964
    # 99 % (z² = 6.635), ±5 %, N = 1,000,000: 663.5 / (1 + 662.5/10⁶) = 663.06 → 663
    assert sampling.sample_size(10 ** 6, 0.05, 0.99) == 663
    assert sampling.sample_size(3) == 3 and sampling.sample_size(0) == 0


def test_margin_of_the_size_is_the_margin_asked_for():
    n = sampling.sample_size(1400)
    assert sampling.margin_of(n, 1400) == pytest.approx(0.05, abs=0.0005)


@pytest.mark.parametrize("size,rate,population,drawn", [(302, 0.8, 1400, 378), (302, None, 1400, 302),
                                                       (302, 1.0, 1400, 302), (300, 0.1, 1000, 1000),
                                                       (278, 0.85, 1000, 328)])
def test_inflate_for_the_expected_response(size, rate, population, drawn):
    assert sampling.inflate(size, rate, population) == drawn


def test_allocation_is_proportional_by_largest_remainder():
    # quotas 10·(5, 3, 2)/10 exact; then 7 of (45, 35, 20): 3.15, 2.45, 1.4 → 3, 2, 1 + one to the largest remainder
    assert sampling.allocate({"A": 5, "B": 3, "C": 2}, 10) == {"A": 5, "B": 3, "C": 2}
    assert sampling.allocate({"A": 45, "B": 35, "C": 20}, 7) == {"A": 3, "B": 3, "C": 1}


def test_allocation_within_room_stays_proportional_to_the_whole_strata():
    # 49 of (60, 30, 10) → 29, 15, 5; with room for only 20 in the first: 20, then 29 shared by (30, 10)
    assert sampling.allocate({"1": 60, "2": 30, "3": 10}, 49, {"1": 30, "2": 30, "3": 10}) == {"1": 29, "2": 15, "3": 5}
    assert sampling.allocate({"1": 60, "2": 30, "3": 10}, 49, {"1": 20, "2": 30, "3": 10}) == {"1": 20, "2": 22, "3": 7}
    assert sampling.allocate({"1": 60, "2": 30, "3": 10}, 99, {"1": 20, "2": 30, "3": 0}) == {"1": 20, "2": 30, "3": 0}


@given(st.dictionaries(st.text("AB12", min_size=1, max_size=2), st.integers(0, 300), min_size=1, max_size=8),
       st.integers(0, 900), st.data())
@settings(max_examples=200, deadline=None)
def test_allocation_within_room_properties(strata, n, data):
    room = {h: data.draw(st.integers(0, c)) for h, c in strata.items()}
    alloc = sampling.allocate(strata, n, room)
    assert sum(alloc.values()) == min(n, sum(room.values()))
    assert all(0 <= alloc[h] <= room[h] for h in strata)


def test_every_stratum_gets_one_when_the_size_allows():
    alloc = sampling.allocate({"1": 500, "2": 480, "3": 10, "4": 10}, 10)
    assert sum(alloc.values()) == 10 and min(alloc.values()) == 1
    assert sampling.allocate({"1": 500, "2": 480, "3": 10}, 2)["3"] == 0  # fewer places than strata


@given(st.dictionaries(st.text("ABC123", min_size=1, max_size=3), st.integers(0, 400), min_size=1, max_size=12),
       st.integers(0, 2000))
@settings(max_examples=300, deadline=None)
def test_allocation_properties(strata, n):
    alloc = sampling.allocate(strata, n)
    total = sum(strata.values())
    assert sum(alloc.values()) == min(n, total)
    assert all(0 <= alloc[h] <= strata[h] for h in strata)
    nonempty = [h for h in strata if strata[h]]
    if min(n, total) >= len(nonempty):
        assert all(alloc[h] >= 1 for h in nonempty)
    elif total:
        # without the minimum rule, every stratum is within one of its exact quota
        assert all(abs(alloc[h] - n * strata[h] / total) < 1 for h in strata)


def test_draw_is_reproducible_and_independent_of_row_order():
    pop = [(f"{b}-1-{r}", str(b)) for b in range(1, 6) for r in range(101, 161)]
    alloc = sampling.allocate({str(b): 60 for b in range(1, 6)}, 50)
    first = sampling.draw(pop, alloc, seed=7)
    shuffled = pop[:]
    random.Random(1).shuffle(shuffled)
    assert sampling.draw(shuffled, alloc, seed=7) == first
    assert sampling.draw(pop, alloc, seed=8) != first
    assert len(set(first)) == 50
    per = {b: sum(1 for k in first if k.startswith(f"{b}-")) for b in range(1, 6)}
    assert per == {1: 10, 2: 10, 3: 10, 4: 10, 5: 10}


def test_surveyors_get_balanced_neighbouring_runs():
    keys = [f"u{i}" for i in range(11)]
    who = sampling.assign(keys, ["S1", "S2", "S3"])
    assert who == ["S1"] * 4 + ["S2"] * 4 + ["S3"] * 3
    assert sampling.assign(keys[:2], []) == [None, None]


def test_natural_order():
    codes = ["3-2-1502", "3-2-902", "10-1-101", "2-1-101"]
    assert sorted(codes, key=sampling.natural_key) == ["2-1-101", "3-2-902", "3-2-1502", "10-1-101"]


def test_table_z2_is_the_chi_square_value():
    assert sampling.table_z2(0.95) == 3.841 and sampling.table_z2(0.99) == 6.635 and sampling.table_z2(0.90) == 2.706
    assert math.isclose(sampling.table_z2(0.95), 1.96 ** 2, abs_tol=0.001)
