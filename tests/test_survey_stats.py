"""Survey statistics against the formula and against published values."""
import math

import pytest

from pmcs.core.survey_stats import (change, difference_interval, dimension_stats, index_of, parse_fraction, pooled,
                                    weighted_index, wilson, z_value)
from pmcs.core.surveys import parse_assignments, parse_days, parse_period, parse_score, period_start
from pmcs.errors import FieldError


def test_z_comes_from_the_normal_distribution():
    assert z_value(0.95) == pytest.approx(1.959963984540054)
    assert z_value(0.90) == pytest.approx(1.644853626951472)
    assert z_value(0.99) == pytest.approx(2.5758293035489)


def wilson_by_hand(x, n, z=1.959963984540054):
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def test_270_of_300_is_the_wilson_interval_to_3_decimals():
    low, high = wilson(270, 300)
    assert (round(low, 3), round(high, 3)) == (0.861, 0.929)
    assert (low, high) == pytest.approx(wilson_by_hand(270, 300), abs=1e-12)


@pytest.mark.parametrize("x,n,low,high", [
    # Newcombe (1998), Statistics in Medicine 17:857, Table II, method 3 (score interval)
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombes_published_examples(x, n, low, high):
    assert [round(v, 4) for v in wilson(x, n)] == [low, high]


def test_wilson_of_nothing_is_none_and_bad_counts_are_refused():
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(5, 4)


@pytest.mark.parametrize("a,b,low,high", [
    # Newcombe (1998), Statistics in Medicine 17:873, method 10, examples (a) and (c)
    ((56, 70), (48, 80), 0.0524, 0.3339), ((9, 10), (3, 10), 0.1705, 0.8090),
])
def test_difference_interval_matches_newcombe(a, b, low, high):
    sa = dimension_stats({4: a[0], 1: a[1] - a[0]})
    sb = dimension_stats({4: b[0], 1: b[1] - b[0]})
    assert [round(v, 4) for v in difference_interval(sa, sb)] == [low, high]


def test_dimension_stats_rate_index_distribution_and_dont_know():
    st = dimension_stats({5: 100, 4: 170, 3: 20, 2: 7, 1: 3, None: 12})
    assert st.n == 300 and st.dont_know == 12 and st.satisfied == 270
    assert st.rate == 0.9
    assert (st.low, st.high) == wilson(270, 300)
    mean = (5 * 100 + 4 * 170 + 3 * 20 + 2 * 7 + 1 * 3) / 300
    assert st.mean == pytest.approx(mean)
    assert st.index == pytest.approx((mean - 1) / 4 * 100)
    assert st.distribution == {5: 100, 4: 170, 3: 20, 2: 7, 1: 3}


def test_no_valid_answers_gives_no_rate():
    st = dimension_stats({None: 4})
    assert st.n == 0 and st.rate is None and st.index is None and st.dont_know == 4


@pytest.mark.parametrize("mean,index", [(1, 0), (5, 100), (3, 50), (4.2, 80)])
def test_index_maps_the_scale_to_0_100(mean, index):
    assert index_of(mean) == pytest.approx(index)


def test_pooled_and_weighted_index():
    a, b = dimension_stats({5: 10}), dimension_stats({1: 10, None: 2})
    both = pooled([a, b])
    assert both.n == 20 and both.rate == 0.5 and both.dont_know == 2
    assert weighted_index([(100, 1), (0, 3), (None, 5)]) == 25
    assert weighted_index([(None, 1)]) is None


def test_change_is_in_percentage_points_and_knows_chance():
    before, after = dimension_stats({4: 66, 2: 34}), dimension_stats({4: 78, 2: 22})
    c = change(after, before)
    assert c["rate_pp"] == pytest.approx(12.0) and c["index"] == pytest.approx(after.index - before.index)
    assert c["significant"] is False  # 66 % → 78 % on 100 answers each is within chance
    big = change(dimension_stats({4: 780, 2: 220}), dimension_stats({4: 660, 2: 340}))
    assert big["significant"] is True
    assert change(dimension_stats({}), before) is None


@pytest.mark.parametrize("text,value", [("0.95", 0.95), ("95", 0.95), ("95%", 0.95), ("5%", 0.05), (" 0.05 ", 0.05)])
def test_fractions_accept_per_cent(text, value):
    assert parse_fraction(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["0", "abc", "100", "-5", "nan"])
def test_bad_fractions(text):
    with pytest.raises(ValueError):
        parse_fraction(text)


@pytest.mark.parametrize("text,score", [("5", 5), ("1", 1), ("x", None), ("X", None), ("不知道", None),
                                        ("满意", 4), ("非常不满意", 1), ("very satisfied", 5)])
def test_scores(text, score):
    assert parse_score(text) == score


@pytest.mark.parametrize("text", ["6", "0", "a", "4.5", "", "55", "²", "٣"])
def test_bad_scores(text):
    with pytest.raises(FieldError):
        parse_score(text)


def test_score_assignments_by_code_english_or_chinese():
    from pmcs.core.surveys import default_questionnaire

    dims = default_questionnaire()
    assert parse_assignments(["repairs=4", "停车管理=x", "Fee Transparency=2"], dims) == {
        "repairs": 4, "parking": None, "fees": 2}
    for bad in (["repairs"], ["nosuch=3"], ["repairs=7"]):
        with pytest.raises(FieldError):
            parse_assignments(bad, dims)


@pytest.mark.parametrize("text,period", [("2026-H2", "2026-H2"), ("2026h1", "2026-H1"), ("2026下半年", "2026-H2"),
                                         ("2026年上半年", "2026-H1"), ("2026-q3", "2026-Q3"), ("2026", "2026"),
                                         ("2026-07", "2026-07")])
def test_periods(text, period):
    assert parse_period(text) == period


def test_bad_period_and_period_order():
    with pytest.raises(FieldError):
        parse_period("2026-H3")
    assert period_start("2025-H2") < period_start("2026-H1") < period_start("2026-Q3") == period_start("2026-H2")


def test_days():
    assert parse_days("180d") == 180 == parse_days("180") == parse_days("180天")
    with pytest.raises(FieldError):
        parse_days("6 months")
