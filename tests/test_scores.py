"""Staff scorecards (考核): praise, valid attitude complaints, owned steps, verdicts,
manual adjustments, and the score formula from core/scores.py."""
import csv
import io
import json
from datetime import timedelta

import pytest

from pmcs.core import scores as rules
from report_cases import at, play


@pytest.fixture
def office(pmcs, db_path):
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")  # S001
    pmcs.ok("staff", "add", "--name", "陈静", "--team", "customer_service", "--role", "clerk")  # S002
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "engineering")  # S003
    pmcs.ok("staff", "add", "--name", "周工", "--team", "engineering")  # S004
    for code in ("1-1-101", "1-1-102", "1-1-103"):
        pmcs.ok("unit", "add", code)
    nov = lambda day, hour=9: at(f"2026-11-{day:02d}T{hour:02d}:00:00+08:00")  # noqa: E731
    # S001 accepts a complaint handled by S003, every step quickly: all on time, satisfied
    play(db_path, "complaint", nov(2), [1, 3, 1, 3, 2, 70, 20], actor="S001", unit="1-1-101", handler="S003")
    # S002 accepts a complaint handled by S004, every step late; a valid staff-attitude complaint against S004
    play(db_path, "complaint", nov(3), [5, 30, 6, 30, 10], actor="S002", unit="1-1-102", handler="S004",
         category="staff_attitude")
    # unsatisfied revisit of a complaint S004 handled (reopens it, clearing the handler)
    play(db_path, "complaint", nov(5), [1, 3, 1, 3, 2, 70], actor="S001", unit="1-1-103", handler="S004",
         verdict="unsatisfied")
    # a valid staff-attitude complaint about S001 (named by the investigation), handled by S003
    play(db_path, "complaint", nov(4), [1, 3, 1], actor="S002", unit="1-1-103", handler="S003",
         category="staff_attitude", about="王芳")
    # an unreasonable staff-attitude complaint does not count against S003
    play(db_path, "complaint", nov(6), [1, 3, 1], actor="S001", unit="1-1-101", handler="S003",
         category="staff_attitude", nature="unreasonable")
    # two praises for S003 (one in October: another month)
    play(db_path, "request", nov(7), [2], actor="S002", unit="1-1-101", handler="S003", type="praise", praised="刘工")
    play(db_path, "request", at("2026-10-20T09:00:00+08:00"), [2], actor="S002", unit="1-1-101", handler="S003",
         type="praise", praised="S003")
    return pmcs


def cards(pmcs, *args):
    return {r["staff"]: r for r in json.loads(pmcs.ok("staff", "score", "--month", "2026-11", "--format", "json",
                                                      *args).stdout)}


def test_scorecard_counts(office):
    c = cards(office)
    assert c["S003"]["praise"] == 1 and c["S003"]["attitude"] == 0  # handled one about S001: not against S003
    assert c["S001"]["attitude"] == 1
    assert c["S004"]["attitude"] == 1 and c["S004"]["unsatisfied"] == 1
    assert c["S003"]["satisfied"] == 1  # the revisit of the case S003 handled
    assert c["S001"]["late"] == 0 and c["S001"]["steps_on_time"] > 0
    assert c["S002"]["late"] >= 4  # classified, investigated, assigned, replied: the acceptor's steps
    assert c["S004"]["late"] >= 1  # proposed: the handler's step
    for code, r in c.items():
        expected = (rules.BASE + sum(w * r[k] for k, w in rules.WEIGHTS.items()) + r["adjustments"])
        assert r["score"] == expected, code


def test_owned_steps_match_direct_sql(office):
    """Owner: the acceptor, except complaint 'proposed' and repair 'completed' (the handler's)."""
    rows = office.rows(
        """SELECT CASE WHEN c.kind = 'complaint' AND s.step = 'proposed'
                       THEN json_extract((SELECT a.fields FROM case_steps a WHERE a.case_id = c.id
                                          AND a.step = 'assigned' ORDER BY a.id DESC LIMIT 1), '$.handler')
                       ELSE c.acceptor END AS owner,
                  sum(s.done_at <= s.due_at), sum(s.done_at > s.due_at)
           FROM case_steps s JOIN cases c ON c.id = s.case_id
           WHERE s.done_at >= '2026-10-31T16:00:00Z' AND s.done_at < '2026-11-30T16:00:00Z' AND s.due_at IS NOT NULL
           GROUP BY 1""")
    c = cards(office)
    assert {owner: (ok, late) for owner, ok, late in rows} == {
        code: (r["steps_on_time"], r["late"]) for code, r in c.items() if r["steps_on_time"] or r["late"]}


def test_adjustments_count_in_their_month_with_events(office):
    before = cards(office)["S001"]["score"]
    res = office.ok("staff", "adjust", "王芳", "--points", "-1", "--reason", "未佩戴工牌", "--month", "2026-11")
    assert "S001" in res.stdout and "-1" in res.stdout
    office.ok("staff", "adjust", "S001", "--points", "+0.5", "--reason", "礼仪规范", "--month", "2026-11")
    office.ok("staff", "adjust", "S001", "--points", "-3", "--reason", "other month", "--month", "2026-10")
    after = cards(office)["S001"]
    assert after["adjustments"] == -0.5 and after["score"] == before - 0.5
    assert office.rows("SELECT count(*) FROM events WHERE entity = 'staff' AND ref = 'S001' AND action = 'adjust'")[0][0] == 3
    assert "未佩戴工牌" in office.ok("history", "S001").stdout


@pytest.mark.parametrize("points,reason,code", [("0", "x", 1), ("abc", "x", 1), ("-1000", "x", 1), ("-1.25", "x", 1),
                                                ("-1", "   ", 1), ("-1", "two\nlines", 1)])
def test_bad_adjustments_write_nothing(office, points, reason, code):
    before = office.dump()
    res = office("staff", "adjust", "S001", "--points", points, "--reason", reason)
    assert res.exit_code == code and res.stderr.startswith("error:")
    assert office.dump() == before


def test_unknown_staff_is_not_found(office):
    assert office("staff", "adjust", "nobody", "--points", "-1", "--reason", "x").exit_code == 3


def test_csv_for_hr_and_table(office):
    text = office.ok("staff", "score", "--month", "2026-11", "--format", "csv").stdout.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"staff", "praise", "attitude", "late", "score"} <= set(rows[0])
    assert {r["staff"] for r in rows} == {"S001", "S002", "S003", "S004"}
    table = office.ok("staff", "score", "--month", "2026-11").stdout
    assert "2026-11" in table and "刘工" in table and "100 + 2×praise" in table


def test_formula_is_data():
    assert rules.score({"praise": 2, "attitude": 1, "late": 3, "unsatisfied": 1, "adjustments": -1}) == \
        100 + 4 - 5 - 3 - 2 - 1
    assert rules.parse_points("－1") == -1 and rules.parse_points("+2") == 2
    assert rules.step_owner_role("repair", "completed") == "handler"
    assert rules.step_owner_role("complaint", "replied") == "acceptor"


def _move(db_path, moment, fn, *args, **fields):
    from report_cases import session_at

    s = session_at(db_path, moment, "S001")
    try:
        return fn(s, *args, **fields)
    finally:
        s.close()


@pytest.fixture
def reopened(office, db_path):
    """A complaint handled by S003, revisited unsatisfied (reopened), then assigned to S004; a repair
    dispatched to S003, reassigned (转单) to S004 who completes it, revisited unsatisfied, then
    dispatched to S004 again; and a complaint cancelled at its proposal step."""
    from pmcs.services import cases as svc

    t = at("2026-11-10T09:00:00+08:00")
    h = lambda n: t + timedelta(hours=n)  # noqa: E731
    c = play(db_path, "complaint", t, [1, 3, 1, 30, 2, 70], actor="S001", unit="1-1-102", handler="S003",
             verdict="unsatisfied")
    for hours, fields in ((110, {"cause": "再查"}), (111, {"handler": "S004"}), (112, {"solution": "返工",
                          "promise": "2026-11-16"}), (113, {"reply": "已答复", "reply_channel": "phone"}),
                          (150, {"verdict": "satisfied"})):
        _move(db_path, h(hours), svc.advance, "complaint", c, **fields)
    r = play(db_path, "repair", t, [0.5, 0.5], actor="S002", unit="1-1-103", handler="S003")
    _move(db_path, h(2), svc.reassign, r, "S004")
    _move(db_path, h(30), svc.advance, "repair", r, work_done="换阀门")  # late: S004's
    _move(db_path, h(31), svc.advance, "repair", r, verdict="unsatisfied")
    _move(db_path, h(32), svc.advance, "repair", r, handler="S004")
    _move(db_path, h(34), svc.advance, "repair", r, work_done="再换")  # on time: S004's
    _move(db_path, h(36), svc.advance, "repair", r, verdict="satisfied")
    x = play(db_path, "complaint", t, [1, 1, 1], actor="S002", unit="1-1-101", handler="S003")
    _move(db_path, h(90), svc.cancel, "complaint", x, "duplicate")  # the open 'proposed' step is not work done
    return office


def test_each_round_of_a_reopened_case_is_credited_to_its_own_handler(reopened):
    c = cards(reopened)
    # complaint: round 1 (S003) unsatisfied, round 2 (S004) satisfied; repair: round 1 (S004
    # after the 转单 from S003) unsatisfied, round 2 (S004) satisfied; plus the office fixture's
    # verdicts (S003: one satisfied; S004: one unsatisfied)
    assert (c["S003"]["unsatisfied"], c["S003"]["satisfied"]) == (1, 1)
    assert (c["S004"]["unsatisfied"], c["S004"]["satisfied"]) == (2, 2)


def test_owned_steps_of_reopened_cases_match_the_event_log(reopened):
    """Independent of case_steps' assign rows: the owner of a handler step is the last handler
    named in the case's event log (advance with a handler, or reassign) before the event that
    finished the step."""
    rows = reopened.rows(
        """WITH done AS (
             SELECT s.id, s.step, s.done_at, s.due_at, c.kind, c.number, c.acceptor,
                    (SELECT f.id FROM events f WHERE f.ref = c.number AND f.entity = 'case'
                       AND f.action IN ('advance', 'reopen') AND json_extract(f.before, '$.step') = s.step
                       AND f.at = s.done_at ORDER BY f.id LIMIT 1) AS finished_by
             FROM case_steps s JOIN cases c ON c.id = s.case_id
             WHERE s.done_at >= '2026-10-31T16:00:00Z' AND s.done_at < '2026-11-30T16:00:00Z'
               AND s.due_at IS NOT NULL AND s.fields NOT LIKE '%"cancelled": true%')
           SELECT CASE WHEN (kind, step) IN (VALUES ('complaint', 'proposed'), ('repair', 'completed'))
                       THEN (SELECT json_extract(e.after, '$.handler') FROM events e WHERE e.ref = done.number
                               AND e.id < done.finished_by AND json_extract(e.after, '$.handler') IS NOT NULL
                             ORDER BY e.id DESC LIMIT 1)
                       ELSE acceptor END AS owner,
                  sum(done_at <= due_at), sum(done_at > due_at)
           FROM done GROUP BY 1""")
    c = cards(reopened)
    assert {owner: (ok, late) for owner, ok, late in rows} == {
        code: (r["steps_on_time"], r["late"]) for code, r in c.items() if r["steps_on_time"] or r["late"]}
    # S003's late proposal of the complaint's first round stays S003's
    assert c["S003"]["late"] == 1 and c["S004"]["late"] >= 2
