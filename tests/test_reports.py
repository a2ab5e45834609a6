"""The monthly/quarterly report: its figures equal independent SQL over the same
database; unreasonable/invalid complaints stay out of the KPIs; periods,
percentiles, several offices, HTML."""
import json
import re
import sqlite3
import statistics
from datetime import date

import pytest

from pmcs.core import report as core
from report_cases import add_month_of_cases, at

# November 2026 in Asia/Shanghai, as stored (UTC): written out here, not computed
NOV = ("2026-10-31T16:00:00Z", "2026-11-30T16:00:00Z")
OCT = ("2026-09-30T16:00:00Z", "2026-10-31T16:00:00Z")
NOT_WORK = "json_extract(s.fields, '$.cancelled') IS NULL AND json_extract(s.fields, '$.returned') IS NULL"
KPI = "(c.nature IS NULL OR c.nature = 'valid')"


def staff_codes(pmcs):
    clerks = [r[0] for r in pmcs.rows("SELECT code FROM staff WHERE team = 'customer_service' AND role = 'clerk' "
                                      "AND active = 1 ORDER BY code")]
    tech = pmcs.rows("SELECT code FROM staff WHERE team = 'engineering' AND active = 1 ORDER BY code")[0][0]
    return clerks[0], clerks[1], tech


def units(pmcs, n=6):
    return [r[0] for r in pmcs.rows("SELECT code FROM units WHERE status = 'occupied' ORDER BY code LIMIT ?", (n,))]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    """Built once: `pmcs demo` under the fixed clock, two months of cases played through the
    engine (October and November 2026), and fees for November on top of the demo's."""
    from conftest import FIXED_NOW, Runner

    mp = pytest.MonkeyPatch()
    for var, value in (("PMCS_NOW", FIXED_NOW), ("PMCS_TZ", "Asia/Shanghai"), ("LANG", "C.UTF-8")):
        mp.setenv(var, value)
    mp.delenv("PMCS_LANG", raising=False)
    try:
        folder = tmp_path_factory.mktemp("demo")
        runner = Runner(folder / "demo.db")
        runner.ok("demo")
        clerk, other, tech = staff_codes(runner)
        us = units(runner)
        add_month_of_cases(runner.db_path, at("2026-10-01T09:00:00+08:00"), clerk=clerk, other=other, tech=tech,
                           units=us)
        add_month_of_cases(runner.db_path, at("2026-11-01T09:00:00+08:00"), clerk=clerk, other=other, tech=tech,
                           units=us)
        fees = folder / "fees.csv"
        fees.write_text("房号,期间,应收,实收\n" + "".join(f"{u},2026-11,{100 + i}.50,{(100 + i) if i % 2 else 0}\n"
                                                      for i, u in enumerate(us)), encoding="utf-8")
        runner.ok("fees", "import", str(fees), actor=clerk)  # every change under an active staff member
    finally:
        mp.undo()
    return runner.db_path


@pytest.fixture
def demo(demo_template, db_path):
    """A fresh copy of the template for each test."""
    src, dst = sqlite3.connect(demo_template), sqlite3.connect(db_path)
    src.backup(dst)
    src.close()
    dst.close()
    return db_path


def report_json(pmcs, *args):
    return json.loads(pmcs.ok("report", *args, "--format", "json").stdout)


def one(pmcs, sql, params=()):
    return pmcs.rows(sql, params)[0][0]


def counts(pmcs, sql, params=()):
    return {k: n for k, n in pmcs.rows(sql, params)}


def hours_quantiles(seconds):
    if not seconds:
        return None, None
    if len(seconds) == 1:
        return round(seconds[0] / 3600, 2), round(seconds[0] / 3600, 2)
    p90 = statistics.quantiles(seconds, n=10, method="inclusive")[8]
    return round(statistics.median(seconds) / 3600, 2), round(p90 / 3600, 2)


def test_monthly_figures_equal_direct_sql(pmcs, demo):
    rep = report_json(pmcs, "monthly", "--month", "2026-11")
    assert (rep["period"], rep["previous_period"]) == ("2026-11", "2026-10")
    c = rep["complaints"]
    base = "FROM cases c WHERE c.kind = 'complaint' AND c.recorded_at >= ? AND c.recorded_at < ?"
    for bounds, which in ((NOV, "current"), (OCT, "previous")):
        kpi = one(pmcs, f"SELECT count(*) {base} AND c.status <> 'cancelled' AND {KPI}", bounds)
        assert c["total"][which] == kpi > 0
        for nature in ("unreasonable", "invalid"):
            assert c["excluded"][nature][which] == one(
                pmcs, f"SELECT count(*) {base} AND c.status <> 'cancelled' AND c.nature = ?", (*bounds, nature)) > 0
        assert c["cancelled"][which] == one(pmcs, f"SELECT count(*) {base} AND c.status = 'cancelled'", bounds)
        assert c["repeat"][f"{which}_count"] == one(
            pmcs, f"SELECT count(*) {base} AND c.status <> 'cancelled' AND {KPI} AND c.repeat_of IS NOT NULL", bounds)
    by_cat = counts(pmcs, f"SELECT c.category, count(*) {base} AND c.status <> 'cancelled' AND {KPI} GROUP BY 1", NOV)
    assert {r["code"]: r["current"] for r in c["by_category"] if r["current"]} == by_cat
    by_channel = counts(pmcs, f"SELECT c.channel, count(*) {base} AND c.status <> 'cancelled' AND {KPI} GROUP BY 1", NOV)
    assert {r["code"]: r["current"] for r in c["by_channel"] if r["current"]} == by_channel

    # on time per SLA step: steps done in November with a deadline, valid (or unclassified) complaints only
    steps = pmcs.rows(
        f"""SELECT s.step, count(*), sum(CASE WHEN s.done_at <= s.due_at THEN 1 ELSE 0 END)
            FROM case_steps s, cases c WHERE c.id = s.case_id AND c.kind = 'complaint' AND {KPI}
            AND s.done_at >= ? AND s.done_at < ? AND s.due_at IS NOT NULL AND {NOT_WORK} GROUP BY s.step""", NOV)
    assert {r["code"]: (r["current_count"], r["current_total"]) for r in c["on_time"] if r["current_total"]} == {
        step: (on_time, done) for step, done, on_time in steps}
    done = sum(r[1] for r in steps)
    assert c["on_time_all"]["current_total"] == done
    assert c["on_time_all"]["current"] == round(sum(r[2] for r in steps) / done, 4)

    # time to reply (first reply in the month) and to close, median and 90th percentile
    first_replies = [r[0] for r in pmcs.rows(
        f"""SELECT (julianday(min(s.done_at)) - julianday(c.recorded_at)) * 86400 FROM cases c
            JOIN case_steps s ON s.case_id = c.id AND s.step = 'replied' AND {NOT_WORK}
            WHERE c.kind = 'complaint' AND {KPI} GROUP BY c.id HAVING min(s.done_at) >= ? AND min(s.done_at) < ?""",
        NOV)]
    med, p90 = hours_quantiles([round(x) for x in first_replies])
    assert (c["reply"]["median_hours"]["current"], c["reply"]["p90_hours"]["current"]) == (med, p90)
    assert c["reply"]["count"]["current"] == len(first_replies) > 0
    closes = [round(r[0]) for r in pmcs.rows(
        f"""SELECT (julianday(c.closed_at) - julianday(c.recorded_at)) * 86400 FROM cases c WHERE c.kind = 'complaint'
            AND c.status = 'closed' AND {KPI} AND c.closed_at >= ? AND c.closed_at < ?""", NOV)]
    assert (c["close"]["median_hours"]["current"], c["close"]["p90_hours"]["current"]) == hours_quantiles(closes)

    verdicts = counts(pmcs, f"""SELECT json_extract(s.fields, '$.verdict'), count(*) FROM case_steps s, cases c
        WHERE c.id = s.case_id AND c.kind = 'complaint' AND {KPI} AND s.step = 'revisited'
        AND s.done_at >= ? AND s.done_at < ? GROUP BY 1""", NOV)
    assert {r["code"]: r["current"] for r in c["verdicts"] if r["current"]} == verdicts
    assert verdicts.get("unsatisfied", 0) >= 1


def test_repairs_requests_and_fees_equal_direct_sql(pmcs, demo):
    rep = report_json(pmcs, "monthly", "--month", "2026-11")
    r = rep["repairs"]
    base = "FROM cases c WHERE c.kind = ? AND c.recorded_at >= ? AND c.recorded_at < ? AND c.status <> 'cancelled'"
    assert r["total"]["current"] == one(pmcs, f"SELECT count(*) {base}", ("repair", *NOV))
    paid = counts(pmcs, f"""SELECT coalesce(json_extract(c."values", '$.paid'), 'unknown'), count(*) {base} GROUP BY 1""",
                  ("repair", *NOV))
    assert {x["code"]: x["current"] for x in r["by_paid"] if x["current"]} == paid
    assert paid.get("paid") and paid.get("free")
    completions = [round(x[0]) for x in pmcs.rows(
        f"""SELECT (julianday(min(s.done_at)) - julianday(c.recorded_at)) * 86400 FROM cases c
            JOIN case_steps s ON s.case_id = c.id AND s.step = 'completed' AND {NOT_WORK}
            WHERE c.kind = 'repair' GROUP BY c.id HAVING min(s.done_at) >= ? AND min(s.done_at) < ?""", NOV)]
    assert r["completed"]["current"] == len(completions)
    assert r["completion"]["median_hours"]["current"] == hours_quantiles(completions)[0]
    types = counts(pmcs, f"SELECT c.type, count(*) {base} GROUP BY 1", ("request", *NOV))
    assert {x["code"]: x["current"] for x in rep["requests"]["by_type"] if x["current"]} == types
    due, paid_fen = pmcs.rows("SELECT sum(due_fen), sum(paid_fen) FROM fees WHERE period = '2026-11'")[0]
    assert rep["fees"]["collection_rate"]["current"] == round(paid_fen / due, 4)
    assert rep["fees"]["due_yuan"]["current"] == due / 100
    due, paid_fen = pmcs.rows("SELECT sum(due_fen), sum(paid_fen) FROM fees WHERE period = '2026-10'")[0]
    assert rep["fees"]["collection_rate"]["previous"] == round(paid_fen / due, 4)  # the demo's October


def test_unreasonable_and_invalid_complaints_are_not_in_the_on_time_rate(pmcs, demo):
    rep = report_json(pmcs, "monthly", "--month", "2026-11")
    everything = pmcs.rows(
        f"""SELECT count(*), sum(CASE WHEN s.done_at <= s.due_at THEN 1 ELSE 0 END) FROM case_steps s, cases c
            WHERE c.id = s.case_id AND c.kind = 'complaint' AND s.done_at >= ? AND s.done_at < ?
            AND s.due_at IS NOT NULL AND {NOT_WORK}""", NOV)[0]
    excluded = pmcs.rows(
        f"""SELECT count(*) FROM case_steps s, cases c WHERE c.id = s.case_id AND c.kind = 'complaint'
            AND c.nature IN ('unreasonable', 'invalid') AND s.done_at >= ? AND s.done_at < ?
            AND s.due_at IS NOT NULL AND {NOT_WORK}""", NOV)[0][0]
    assert excluded >= 10  # the played unreasonable/invalid complaints were late at every step
    assert rep["complaints"]["on_time_all"]["current_total"] == everything[0] - excluded
    # their late steps would have lowered the rate
    assert rep["complaints"]["on_time_all"]["current"] > everything[1] / everything[0]
    assert rep["complaints"]["total"]["current"] + 2 <= one(
        pmcs, "SELECT count(*) FROM cases WHERE kind = 'complaint' AND recorded_at >= ? AND recorded_at < ? "
              "AND status <> 'cancelled'", NOV)


def test_only_excluded_complaints_give_no_on_time_rate(pmcs, db_path):
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "engineering")
    pmcs.ok("unit", "add", "1-1-101")
    from report_cases import play

    play(db_path, "complaint", at("2026-11-03T09:00:00+08:00"), [9, 40], actor="S001", unit="1-1-101",
         handler="S002", nature="unreasonable")
    c = report_json(pmcs, "monthly", "--month", "2026-11")["complaints"]
    assert c["total"]["current"] == 0 and c["excluded"]["unreasonable"]["current"] == 1
    assert c["on_time_all"]["current"] is None and c["on_time_all"]["current_total"] == 0


def test_quarterly_covers_three_months_and_compares_with_the_quarter_before(pmcs, demo):
    rep = report_json(pmcs, "quarterly", "--quarter", "2026-Q4")
    assert (rep["from"], rep["to"], rep["previous_period"]) == ("2026-10-01", "2026-12-31", "2026-Q3")
    q4 = ("2026-09-30T16:00:00Z", "2026-12-31T16:00:00Z")
    assert rep["complaints"]["total"]["current"] == one(
        pmcs, f"SELECT count(*) FROM cases c WHERE c.kind = 'complaint' AND c.recorded_at >= ? AND c.recorded_at < ? "
              f"AND c.status <> 'cancelled' AND {KPI}", q4)
    assert rep["to_date"] is True


def test_table_and_html_outputs(pmcs, demo, tmp_path):
    out = pmcs.ok("report", "monthly", "--month", "2026-11").stdout
    assert "Monthly report 2026-11" in out and "2026-10" in out and "█" in out and " pt" in out
    zh = pmcs.ok("--lang", "zh", "report", "monthly", "--month", "2026-11").stdout
    assert "个百分点" in zh and " pt" not in zh and not re.search(r"\d h\b", zh)  # changes in Chinese too
    page = tmp_path / "report.html"
    res = pmcs.ok("report", "monthly", "--month", "2026-11", "--html", str(page))
    assert str(page) in res.stdout
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 5
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "<script" not in html and (page.stat().st_mode & 0o777) == 0o600


def test_bad_period_is_a_usage_error(pmcs):
    res = pmcs("report", "monthly", "--month", "2026-13")
    assert res.exit_code == 2 and "2026-13" in res.stderr
    assert pmcs("report", "quarterly", "--quarter", "2026-Q5").exit_code == 2


def test_several_offices_each_and_total(pmcs, demo, db_path, tmp_path):
    import shutil

    other = tmp_path / "other.db"
    shutil.copy(db_path, other)
    conn = sqlite3.connect(other)
    conn.execute("UPDATE meta SET value = '第二管理处' WHERE key = 'estate'")
    conn.commit()
    conn.close()
    single = report_json(pmcs, "monthly", "--month", "2026-11")
    both = report_json(pmcs, "monthly", "--month", "2026-11", "--office", str(db_path), "--office", str(other))
    assert [o["estate"] for o in both["offices"]][1] == "第二管理处"
    c1, ct = single["complaints"], both["complaints"]
    assert ct["total"]["current"] == 2 * c1["total"]["current"]
    assert ct["on_time_all"]["current_total"] == 2 * c1["on_time_all"]["current_total"]
    assert ct["on_time_all"]["current"] == c1["on_time_all"]["current"]  # rate from summed parts
    assert ct["reply"]["median_hours"] == c1["reply"]["median_hours"]
    assert both["offices"][0]["complaints"]["total"] == c1["total"]
    assert both["fees"]["collection_rate"]["current"] == single["fees"]["collection_rate"]["current"]
    assert pmcs("report", "monthly", "--office", str(tmp_path / "missing.db")).exit_code == 3
    assert not (tmp_path / "missing.db").exists()


# core ---------------------------------------------------------------------------
def test_periods_in_local_time():
    from zoneinfo import ZoneInfo

    p = core.parse_month("2026年11月")
    assert p.bounds(ZoneInfo("Asia/Shanghai")) == NOV
    assert p.previous().label == "2026-10" and core.parse_month("2026-01").previous().label == "2025-12"
    q = core.parse_quarter("2026年第一季度")
    assert (q.label, q.first, q.end, q.previous().label) == ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1), "2025-Q4")
    assert q.months() == ["2026-01", "2026-02", "2026-03"]
    assert core.parse_period("2026").months()[-1] == "2026-12"
    for bad in ("2026-13", "2026-Q0", "11-2026", ""):
        with pytest.raises(ValueError):
            core.parse_period(bad)


@pytest.mark.parametrize("values,p,expected", [
    ([], 50, None), ([7], 90, 7), ([1, 2, 3, 4], 50, 2.5), ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9.1),
    ([10, 1, 5], 50, 5), ([0, 100], 90, 90),
])
def test_percentile_is_linear_between_ranks(values, p, expected):
    assert core.percentile(values, p) == pytest.approx(expected) if expected is not None else core.percentile(values, p) is None


def test_merge_sums_counts_and_joins_durations():
    a = {"n": 2, "by": {"x": 1}, "secs": [1, 2], "name": "A", "gone": None}
    b = {"n": 3, "by": {"x": 2, "y": 1}, "secs": [3], "name": "B", "gone": None}
    assert core.merge_raw([a, b]) == {"n": 5, "by": {"x": 3, "y": 1}, "secs": [1, 2, 3], "name": "A", "gone": None}
    assert core.rate_fig((3, 4), (0, 0))["current"] == 0.75 and core.rate_fig((3, 4), (0, 0))["previous"] is None


def test_a_case_imported_closed_counts_its_verdict_but_not_its_untimed_steps(pmcs, demo, tmp_path):
    """Imported history has only recording and closing times: its steps are stamped with the
    closing time and have no due time. Its revisit verdict is real and counts; its steps are in
    no on-time rate and no time to reply (that would be its time to close)."""
    before = report_json(pmcs, "monthly", "--month", "2026-11")["complaints"]
    clerk = one(pmcs, "SELECT code FROM staff WHERE role = 'clerk' ORDER BY code")
    path = tmp_path / "history.csv"
    path.write_text(
        "unit,recorded_at,acceptor,step,status,closed_at,channel,category,description,remedy,nature,severity,cause,"
        "handler,solution,promise,reply,reply_channel,verdict,lesson\n"
        f"{units(pmcs)[0]},2026-11-02 10:00,{clerk},closed,closed,2026-11-09 10:00,phone,engineering,漏水,修,valid,"
        f"general,老化,{clerk},换管,2026-11-05,已答复,phone,unsatisfied,巡检\n", encoding="utf-8")
    pmcs.ok("complaint", "import", str(path), actor=clerk)
    after = report_json(pmcs, "monthly", "--month", "2026-11")["complaints"]
    verdict = lambda c: {r["code"]: r["current"] for r in c["verdicts"]}.get("unsatisfied", 0)  # noqa: E731
    assert verdict(after) == verdict(before) + 1
    assert after["total"]["current"] == before["total"]["current"] + 1
    assert after["close"]["count"]["current"] == before["close"]["count"]["current"] + 1
    assert after["reply"] == before["reply"]
    assert after["on_time_all"] == before["on_time_all"]


def test_deposit_refunds_overdue_at_the_period_end(pmcs, demo):
    """A deposit due back and not refunded shows as overdue (at the end of the period, or now for
    the running one), not only the refunds that were made."""
    rn = report_json(pmcs, "monthly", "--month", "2026-11")["renovations"]
    now = "2026-11-23T01:30:00Z"  # the fixed clock, as stored

    def overdue(until):
        return one(pmcs, """SELECT count(*) FROM renovations WHERE accepted_at IS NOT NULL AND status <> 'failed'
                            AND refund_due_at < ? AND (refunded_at IS NULL OR refunded_at > ?)""", (until, until))

    assert rn["refunds_overdue"]["current"] == overdue(now) >= 1
    assert rn["refunds_overdue"]["previous"] == overdue(NOV[0])
    table = pmcs.ok("report", "monthly", "--month", "2026-11").stdout
    assert "deposit refunds overdue" in table


def test_a_repair_imported_closed_counts_as_completed_without_a_duration(pmcs, demo, tmp_path):
    before = report_json(pmcs, "monthly", "--month", "2026-11")["repairs"]
    clerk = one(pmcs, "SELECT code FROM staff WHERE role = 'clerk' ORDER BY code")
    path = tmp_path / "history.csv"
    path.write_text("unit,recorded_at,acceptor,step,status,closed_at,description,urgency,paid,handler,work_done,verdict\n"
                    f"{units(pmcs)[0]},2026-11-02 10:00,{clerk},closed,closed,2026-11-12 10:00,漏水,normal,free,"
                    f"{clerk},换阀门,satisfied\n", encoding="utf-8")
    pmcs.ok("repair", "import", str(path), actor=clerk)
    after = report_json(pmcs, "monthly", "--month", "2026-11")["repairs"]
    assert after["completed"]["current"] == before["completed"]["current"] + 1
    assert after["completion"] == before["completion"] and after["completion_on_time"] == before["completion_on_time"]
    sat = lambda r: {v["code"]: v["current"] for v in r["verdicts"]}["satisfied"]  # noqa: E731
    assert sat(after) == sat(before) + 1


def test_survey_columns_name_the_surveys_and_html_labels_fit(pmcs, demo, tmp_path):
    """A survey is compared with the survey before it, not with last month: its columns say so.
    Chart labels in the HTML are cut only when they would not fit."""
    out = pmcs.ok("--lang", "en", "report", "monthly", "--month", "2026-11").stdout
    survey = out[out.index("Satisfaction survey"):]
    assert "latest survey" in survey.splitlines()[2] and "2026-10" not in survey.splitlines()[2]
    page = tmp_path / "r.html"
    pmcs.ok("--lang", "en", "report", "monthly", "--month", "2026-11", "--html", str(page))
    html = page.read_text(encoding="utf-8")
    assert "<th>latest survey</th><th>the survey before</th>" in html
    assert ">engineering repairs<" in html  # 19 characters: it fits
    from pmcs.render.report_html import _short

    assert _short("开发商遗留问题开发商遗留问题") == "开发商遗留问题开发商遗留…"
    assert _short("developer/construction defects") == "developer/construction de…"
