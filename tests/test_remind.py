"""Reminders for cron, the dashboard, office duties and the communication log."""
import json
import os
import subprocess
from datetime import date

import pytest

from pmcs.core.duties import occurrence_after, occurrence_on_or_after

THIRTIETH = "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1"


@pytest.fixture
def office(pmcs):
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "客服")
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "工程")
    pmcs.ok("unit", "add", "3-2-1502")
    return pmcs


def add_complaint(pmcs, **env):
    return pmcs.ok("complaint", "add", "--unit", "3-2-1502", "--channel", "电话", "--category", "fees",
                   "--description", "物业费多收", "--remedy", "退还")


def test_nothing_due_is_silent_with_exit_0(office):
    result = office("remind")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_overdue_complaint_exits_10_with_a_plain_list(office, monkeypatch):
    add_complaint(office)  # classified due at 11:30 local
    monkeypatch.setenv("PMCS_NOW", "2026-11-23T14:00:00+08:00")
    result = office("remind")
    assert result.exit_code == 10
    out = result.stdout
    assert "TS-2026-0001" in out and "LATE 2h30m" in out and "王芳 (S001)" in out
    assert "\x1b[" not in out and "┃" not in out and "│" not in out
    assert office("remind", "--fail-on", "never").exit_code == 0


def test_due_soon_is_listed_but_exit_0_unless_fail_on_due(office):
    add_complaint(office)
    result = office("remind")
    assert result.exit_code == 0 and "TS-2026-0001" in result.stdout and "due 11-23 11:30" in result.stdout
    assert office("remind", "--fail-on", "due").exit_code == 10
    assert office("remind", "--within", "30m").stdout == ""


def test_json_has_one_object_per_item(office, monkeypatch):
    add_complaint(office)
    monkeypatch.setenv("PMCS_NOW", "2026-11-19T09:00:00+08:00")  # a follow-up is not set in the past
    office.ok("comms", "add", "--party", "业委会", "--name", "陈主任", "--subject", "车位方案", "--follow-up", "2026-11-20")
    monkeypatch.setenv("PMCS_NOW", "2026-11-23T14:00:00+08:00")
    items = json.loads(office("remind", "--format", "json").stdout)
    assert [(i["kind"], i["ref"]) for i in sorted(items, key=lambda i: i["ref"])] == [("comms", "GT00001"), ("complaint", "TS-2026-0001")]
    complaint = next(i for i in items if i["kind"] == "complaint")
    assert complaint["unit"] == "3-2-1502" and complaint["owner"] == "S001"
    assert complaint["due_at"] == "2026-11-23T03:30:00Z" and complaint["overdue_minutes"] == 150
    lines = office("remind", "--format", "jsonl", "--source", "comms").stdout.splitlines()
    assert [json.loads(x)["ref"] for x in lines] == ["GT00001"]


def test_for_staff_and_source_filters(office, monkeypatch):
    add_complaint(office)
    monkeypatch.setenv("PMCS_NOW", "2026-11-24T14:00:00+08:00")
    assert "TS-2026-0001" in office("remind", "--for", "王芳").stdout
    assert office("remind", "--for", "刘工").stdout == ""
    assert office("remind", "--source", "repair").stdout == ""
    bad = office("remind", "--source", "weather")
    assert bad.exit_code == 2 and "weather" in bad.stderr


def test_a_follow_up_in_the_past_is_refused(office):
    before = office.dump()
    result = office("--lang", "zh", "comms", "add", "--party", "developer", "--name", "开发商", "--subject", "外墙渗水",
                    "--follow-up", "2026-11-01")
    assert result.exit_code == 1 and "已经过去" in result.stderr and "2026-11-23" in result.stderr
    assert office.dump() == before
    office.ok("comms", "add", "--party", "developer", "--name", "开发商", "--subject", "外墙渗水", "--follow-up", "2026-11-23")


def test_a_follow_up_today_after_the_working_day_is_refused(office, monkeypatch):
    """Due at 18:00 today, written at 23:59: it would be overdue the moment it is recorded."""
    monkeypatch.setenv("PMCS_NOW", "2026-11-23T23:59:00+08:00")
    result = office("comms", "add", "--party", "committee", "--name", "业委会", "--subject", "t", "--follow-up", "2026-11-23")
    assert result.exit_code == 1 and "past" in result.stderr
    office.ok("comms", "add", "--party", "committee", "--name", "业委会", "--subject", "t", "--follow-up", "2026-11-24")


def test_a_communication_without_a_name_asks_for_name(office):
    """--name is what is missing (the party's name), not --party; a --person or --unit names it."""
    before = office.dump()
    refused = office("comms", "add", "--party", "街道", "--subject", "y")
    assert refused.exit_code == 1 and "--name" in refused.stderr and "party is required" not in refused.stderr
    assert len(refused.stderr.splitlines()) == 1 and office.dump() == before
    assert "需要 --name" in office("--lang", "zh", "comms", "add", "--party", "街道", "--subject", "y").stderr
    office.ok("comms", "add", "--party", "owner", "--unit", "3-2-1502", "--subject", "y")
    assert "party's name" in office.ok("comms", "show", "1").stdout


def test_communication_follow_up_is_due_until_done(office, monkeypatch):
    office.ok("comms", "add", "--party", "developer", "--name", "开发商", "--subject", "外墙渗水", "--follow-up", "2026-11-25")
    monkeypatch.setenv("PMCS_NOW", "2026-11-26T09:00:00+08:00")
    assert "GT00001" in office("remind").stdout
    office.ok("comms", "done", "GT00001", "--note", "已派人勘查")
    assert office("remind").stdout == ""
    again = office("comms", "done", "1")
    assert again.exit_code == 1 and "already done" in again.stderr


@pytest.mark.parametrize("start,expected", [
    (date(2027, 1, 31), [date(2027, 2, 28), date(2027, 3, 30), date(2027, 4, 30)]),
    (date(2028, 1, 31), [date(2028, 2, 29), date(2028, 3, 30), date(2028, 4, 30)]),
])
def test_the_30th_falls_on_the_last_day_of_february(start, expected):
    day = occurrence_on_or_after(THIRTIETH, start, start)
    got = [day]
    for _ in range(2):
        day = occurrence_after(THIRTIETH, day, start)
        got.append(day)
    assert got == expected


def test_duty_done_moves_it_to_the_next_month(office, monkeypatch):
    office.ok("init")
    listed = {d["name"]: d for d in json.loads(office.ok("duty", "list", "--format", "json").stdout)}
    assert set(listed) == {"archive_check", "archive_cleanup", "satisfaction_survey", "owners_meeting"}
    assert listed["archive_check"]["next_due"] == "2026-11-30"
    monkeypatch.setenv("PMCS_NOW", "2026-12-01T09:00:00+08:00")
    assert office("remind", "--source", "duty").exit_code == 10
    assert "2026-12-30" in office.ok("duty", "done", "档案检查", "--note", "已检查").stdout  # label works too
    monkeypatch.setenv("PMCS_NOW", "2026-12-30T09:00:00+08:00")  # December's falls due
    office.ok("duty", "done", "archive_check")
    listed = {d["name"]: d for d in json.loads(office.ok("duty", "list", "--format", "json").stdout)}
    assert listed["archive_check"]["next_due"] == "2027-01-30"
    assert office.rows("SELECT due_date, note FROM duty_log ORDER BY id") == [("2026-11-30", "已检查"), ("2026-12-30", None)]


def test_duty_add_with_rrule_and_bad_rule(office):
    office.ok("duty", "add", "fire_drill", "--rrule", "RRULE:FREQ=MONTHLY;BYDAY=1MO", "--owner", "王芳")
    drill = [d for d in json.loads(office.ok("duty", "list", "--format", "json").stdout) if d["name"] == "fire_drill"][0]
    assert drill["next_due"] == "2026-12-07" and drill["owner"] == "S001"
    bad = office("duty", "add", "x", "--rrule", "EVERY TUESDAY")
    assert bad.exit_code == 1 and "RFC 5545" in bad.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_today_fits_80_columns(office, monkeypatch, lang):
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")
    add_complaint(office)
    monkeypatch.setenv("PMCS_NOW", "2026-11-19T09:00:00+08:00")
    office.ok("comms", "add", "--party", "government", "--name", "街道办城管科非常长的名字" * 2, "--subject",
              "垃圾分类检查通知，需要准备台账和现场照片" * 2, "--follow-up", "2026-11-20")
    monkeypatch.setenv("PMCS_NOW", "2026-11-23T09:30:00+08:00")
    out = office.ok("--lang", lang, "today").stdout
    assert "TS-2026-0001" in out and "GT00001" in out
    assert max(cell_len(line) for line in out.splitlines()) <= 80


from pmcs_proc import PMCS  # noqa: E402  (the installed console script, or None)


@pytest.mark.skipif(PMCS is None, reason="pmcs console script not installed")
def test_cron_like_run_env_i(tmp_path):
    pmcs = PMCS
    empty, demo = tmp_path / "empty.db", tmp_path / "demo.db"
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}

    def run(db, *args):
        return subprocess.run([pmcs, *args], env=base | {"PMCS_DB": str(db)}, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)

    assert run(empty, "init").returncode == 0
    quiet = run(empty, "remind")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    assert run(demo, "demo").returncode == 0
    loud = run(demo, "remind")
    assert loud.returncode == 10, loud.stderr
    assert loud.stdout.startswith("pmcs remind") and "LATE" in loud.stdout
    assert "\x1b[" not in loud.stdout and "│" not in loud.stdout


def test_today_counts_and_first_items_equal_a_walk_of_every_due_item(tmp_path):
    """`today` asks providers for a count and the first few (the case provider answers from
    SQL); that must agree with walking every item, as `remind` does, whatever the clock."""
    from datetime import datetime, timedelta, time as dtime

    from pmcs.clock import FixedClock, local_zone
    from pmcs.services.demo import build_demo
    from pmcs.services.remind import dashboard
    from pmcs.services.reminders import due_items
    from pmcs.services.session import Session, to_iso

    db = tmp_path / "demo.db"
    build = Session(db, actor="test", clock=FixedClock(datetime.fromisoformat("2026-11-23T09:30:00+08:00")))
    build_demo(build, seed=2026)
    build.close()
    for moment in ("2026-11-23T09:30:00+08:00", "2026-11-23T20:00:00+08:00", "2026-12-08T08:00:00+08:00"):
        now = datetime.fromisoformat(moment)
        s = Session(db, actor="test", clock=FixedClock(now))
        now_iso = to_iso(now)
        tomorrow = to_iso(datetime.combine(now.astimezone(local_zone()).date() + timedelta(days=1), dtime(),
                                           local_zone()))
        every = due_items(s, tomorrow)
        overdue = sorted((i for i in every if i.due_at < now_iso), key=lambda i: (i.due_at, i.ref))
        today = sorted((i for i in every if now_iso <= i.due_at < tomorrow), key=lambda i: (i.due_at, i.ref))
        data = dashboard(s, rows=5)
        assert data["overdue_count"] == len(overdue) > 5, moment
        assert data["overdue"] == overdue[:5], moment
        assert data["due_today_count"] == len(today), moment
        assert data["due_today"] == today[:5], moment
        assert {i.kind for i in overdue} - {"complaint", "repair", "request"}, "other providers are in the mix"
        s.close()


def _refs(result):
    return sorted(i["ref"] for i in json.loads(result.stdout or "[]"))


def test_within_0wd_is_exactly_what_today_shows_overdue_and_due_today(office, monkeypatch):
    monkeypatch.setenv("PMCS_NOW", "2026-11-19T09:00:00+08:00")  # a follow-up is not set in the past
    office.ok("comms", "add", "--party", "业委会", "--name", "陈主任", "--subject", "昨天的跟进", "--follow-up", "2026-11-20")
    office.ok("comms", "add", "--party", "业委会", "--name", "陈主任", "--subject", "明天的跟进", "--follow-up", "2026-11-24")
    monkeypatch.setenv("PMCS_NOW", "2026-11-23T17:00:00+08:00")
    add_complaint(office)  # to be classified within 2 h: 19:00 today, after the working day
    monkeypatch.setenv("PMCS_NOW", "2026-11-23T17:05:00+08:00")
    result = office("remind", "--within", "0wd", "--format", "json")
    assert result.exit_code == 10  # the follow-up of the 20th is overdue
    assert _refs(result) == ["GT00001", "TS-2026-0001"]
    today = office.ok("today").stdout
    assert "TS-2026-0001" in today and "GT00001" in today and "GT00002" not in today
    assert _refs(office("remind", "--within", "当天", "--format", "json")) == ["GT00001", "TS-2026-0001"]
    assert _refs(office("remind", "--within", "1wd", "--format", "json")) == ["GT00001", "GT00002", "TS-2026-0001"]


@pytest.mark.parametrize("now,days,expected", [
    # Friday 09:00 + 1wd: everything due by the end of Monday, not Tuesday's
    ("2026-11-27T09:00:00+08:00", ["2026-11-30", "2026-12-01"], ["GT00001"]),
    # Friday before Qingming (Monday 2026-04-06 off): the holiday and Tuesday, not Wednesday
    ("2026-04-03T09:00:00+08:00", ["2026-04-06", "2026-04-07", "2026-04-08"], ["GT00001", "GT00002"]),
])
def test_within_1wd_on_a_friday_takes_in_the_whole_next_working_day(office, monkeypatch, now, days, expected):
    monkeypatch.setenv("PMCS_NOW", now)
    for day in days:  # each follow-up is due at 18:00 on its day
        office.ok("comms", "add", "--party", "developer", "--name", "开发商", "--subject", "外墙渗水", "--follow-up", day)
    result = office("remind", "--within", "1wd", "--format", "json")
    assert result.exit_code == 0 and _refs(result) == expected


def test_a_duty_not_due_yet_is_refused_unless_forced(office, monkeypatch):
    """duty done run twice at 2027-01-29 10:00 marked February's check done a month early, silently."""
    monkeypatch.setenv("PMCS_NOW", "2027-01-20T09:00:00+08:00")
    office.ok("duty", "add", "archive_28", "--rrule", "FREQ=MONTHLY;BYMONTHDAY=28")
    monkeypatch.setenv("PMCS_NOW", "2027-01-29T10:00:00+08:00")
    assert "next due 2027-02-28" in office.ok("duty", "done", "archive_28").stdout  # January's, a day late
    before = office.dump()
    again = office("duty", "done", "archive_28")
    assert again.exit_code == 4 and again.stdout == ""
    assert again.stderr.splitlines() == [
        "error: archive_28: the next occurrence is not due until 2027-02-28 "
        "(the one due 2027-01-28 was recorded done at 2027-01-29 10:00)",
        "hint: if it really was done early, record it with --force"]
    assert office.dump() == before
    zh = office("--lang", "zh", "duty", "done", "archive_28")
    assert zh.exit_code == 4 and "下一期要到 2027-02-28 才到期" in zh.stderr and "--force" in zh.stderr
    assert "next due 2027-03-28" in office.ok("duty", "done", "archive_28", "--force", "--note", "提前检查").stdout
    assert office.rows("SELECT due_date, note FROM duty_log") == [("2027-01-28", None), ("2027-02-28", "提前检查")]
    monkeypatch.setenv("PMCS_NOW", "2027-03-28T09:00:00+08:00")  # due today: no --force needed
    assert "next due 2027-04-28" in office.ok("duty", "done", "archive_28").stdout


def test_a_duty_remind_lists_may_be_done_the_working_day_before(office, monkeypatch):
    """Due on Saturday 2027-01-30, listed by remind on Friday: done on Friday without --force."""
    monkeypatch.setenv("PMCS_NOW", "2027-01-20T09:00:00+08:00")
    office.ok("duty", "add", "archive_30", "--rrule", "FREQ=MONTHLY;BYMONTHDAY=30")
    monkeypatch.setenv("PMCS_NOW", "2027-01-29T10:00:00+08:00")
    assert "archive_30" in office.ok("remind", "--source", "duty", "--fail-on", "never").stdout
    assert "next due 2027-03-30" in office.ok("duty", "done", "archive_30").stdout


def test_a_duty_never_done_and_not_due_yet_says_so(office, monkeypatch):
    office.ok("duty", "add", "fire_drill", "--rrule", "FREQ=MONTHLY;BYDAY=1MO")  # first: Monday 2026-12-07
    refused = office("duty", "done", "fire_drill")
    assert refused.exit_code == 4
    assert refused.stderr.splitlines()[0] == "error: fire_drill: the next occurrence is not due until 2026-12-07"
