"""Action plans (PDCA) and the survey due items in pmcs remind; the demo surveys."""
import json

import pytest

import survey_estate
from pmcs.services.reminders import due_items


@pytest.fixture
def estate(session, pmcs):
    households = survey_estate.build(session)
    pmcs.ok("survey", "new", "H1", "--period", "2026-H1", "--method", "door", "--owner", "S004",
            "--closes", "2026-11-24")
    return households


def test_add_list_and_finish_an_action(pmcs, estate):
    out = pmcs.ok("survey", "action", "add", "H1", "--dimension", "parking", "--plan", "新增临时车位",
                  "--owner", "李娜", "--due", "2026-12-31").stdout
    assert "SA0001" in out
    rows = json.loads(pmcs.ok("survey", "action", "list", "--format", "json").stdout)
    assert [(r["ref"], r["dimension"], r["owner"], r["due"], r["status"]) for r in rows] == [
        ("SA0001", "parking", "S002", "2026-12-31", "open")]
    pmcs.ok("survey", "action", "done", "sa-1", "--result", "已新增 40 个车位")
    assert json.loads(pmcs.ok("survey", "action", "list", "--format", "json").stdout) == []
    done = json.loads(pmcs.ok("survey", "action", "list", "--state", "done", "--survey", "H1", "--format", "json").stdout)
    assert done[0]["result"] == "已新增 40 个车位"
    assert pmcs("survey", "action", "done", "SA0001", "--result", "again").exit_code == 4
    assert [r[0] for r in pmcs.rows("SELECT action FROM events WHERE ref = 'SA0001' ORDER BY id")] == ["create", "done"]


def test_actions_of_an_owner_who_has_left_are_still_listed(pmcs, estate):
    pmcs.ok("survey", "action", "add", "H1", "--dimension", "parking", "--plan", "新增临时车位",
            "--owner", "S002", "--due", "2026-12-31")
    pmcs.ok("staff", "deactivate", "S002")
    rows = json.loads(pmcs.ok("survey", "action", "list", "--owner", "S002", "--format", "json").stdout)
    assert [r["ref"] for r in rows] == ["SA0001"]


@pytest.mark.parametrize("args,code", [
    (["--dimension", "nosuch", "--plan", "p", "--owner", "S001", "--due", "2026-12-01"], 1),
    (["--dimension", "parking", "--plan", " ", "--owner", "S001", "--due", "2026-12-01"], 1),
    (["--dimension", "parking", "--plan", "p", "--owner", "S999", "--due", "2026-12-01"], 3),
    (["--dimension", "parking", "--plan", "p", "--owner", "S001", "--due", "next week"], 1),
])
def test_bad_actions_write_nothing(pmcs, estate, args, code):
    before = pmcs.dump()
    result = pmcs("survey", "action", "add", "H1", *args)
    assert result.exit_code == code, result.stderr
    assert pmcs.dump() == before
    assert pmcs("survey", "action", "done", "SA0042", "--result", "x").exit_code == 3


def test_open_actions_and_closing_dates_are_due_items(pmcs, estate, session):
    pmcs.ok("survey", "action", "add", "H1", "--dimension", "fees", "--plan", "公示公共收益", "--owner", "S002",
            "--due", "2026-11-20")
    pmcs.ok("survey", "action", "add", "H1", "--dimension", "parking", "--plan", "later", "--owner", "S002",
            "--due", "2027-03-01")
    pmcs.ok("survey", "sample", "H1", "--size", "10", "--seed", "1")
    items = {i.kind: i for i in due_items(session, "2026-11-25T00:00:00Z", {"survey", "survey_action"})}
    action, closing = items["survey_action"], items["survey"]
    assert (action.ref, action.owner, action.due_at) == ("SA0001", "S002", "2026-11-20T10:00:00Z")  # 18:00 Beijing
    assert action.overdue_minutes("2026-11-23T01:30:00Z") > 0
    assert (closing.ref, closing.owner, closing.due_at) == ("H1", "S004", "2026-11-24T10:00:00Z")
    assert "10 of 10" in closing.what
    out = pmcs("remind", "--within", "2d")
    assert out.exit_code == 10 and "SA0001" in out.stdout and "H1" in out.stdout and "SA0002" not in out.stdout
    pmcs.ok("survey", "action", "done", "SA0001", "--result", "已公示")
    pmcs.ok("survey", "close", "H1")
    assert due_items(session, "2026-11-25T00:00:00Z", {"survey", "survey_action"}) == []


def test_demo_has_two_half_years_a_benchmark_and_actions(tmp_path):
    from datetime import datetime

    from pmcs.clock import FixedClock
    from pmcs.services.demo import build_demo
    from pmcs.services.session import Session
    from pmcs.services.survey_report import report

    s = Session(tmp_path / "demo.db", actor="test", clock=FixedClock(datetime.fromisoformat("2026-11-23T09:30:00+08:00")))
    build_demo(s, seed=2026)
    surveys = {r[0]: r[1:] for r in s.db.query("SELECT name, period, benchmark, status FROM surveys")}
    assert surveys == {"2026上半年满意度调查": ("2026-H1", None, "closed"),
                       "2026下半年满意度调查": ("2026-H2", None, "open"),
                       "阳光花园对标调查2026-H2": ("2026-H2", "阳光花园", "closed")}
    r = report(s, "2026下半年满意度调查")
    assert 0.6 < r["response"]["rate"] < 0.8  # still in the field, below the 80 % target
    assert r["benchmark"] is not None and r["overall"]["benchmark"]["n"] > 50
    assert {f["dimension"] for f in r["follow_up"]} == {"parking", "repairs", "fees"}
    parking = next(f for f in r["follow_up"] if f["dimension"] == "parking")
    assert parking["after"]["rate"] > parking["before"]["rate"]
    first = [tuple(x) for x in s.db.query("SELECT * FROM survey_scores ORDER BY response_id, dimension")]
    build_demo(s, seed=2026, force=True)  # again on top: no second set of surveys
    assert s.db.scalar("SELECT count(*) FROM surveys") == 3
    other = Session(tmp_path / "again.db", actor="test", clock=s.clock)
    build_demo(other, seed=2026)
    assert [tuple(x) for x in other.db.query("SELECT * FROM survey_scores ORDER BY response_id, dimension")] == first
    s.close()
    other.close()


def test_survey_show_names_the_dimension_of_each_action(pmcs, estate):
    pmcs.ok("survey", "action", "add", "H1", "--dimension", "parking", "--plan", "新增临时车位",
            "--owner", "李娜", "--due", "2026-12-31")
    [line] = [x for x in pmcs.ok("--lang", "zh", "survey", "show", "H1").stdout.splitlines() if "SA0001" in x]
    assert "停车管理" in line and "parking" not in line
