"""Open deadlines counted in working days follow the calendar when the clerk changes it.

pmcs counts a year the chinese-calendar package does not know yet (2027 here) with
weekends only and asks the clerk to add the days; once they do, deadlines already
stored must move too, or the refund of a deposit accepted before New Year stays a
day early. Each move is one event; hours and typed dates stay.
"""
import json

import pytest

from pmcs.services.deadlines import moved_text


def at(monkeypatch, local: str) -> None:
    monkeypatch.setenv("PMCS_NOW", local + "+08:00")


def write_csv(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def office(pmcs, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")
    pmcs.ok("unit", "add", "3-2-1502", "--status", "handed_over")
    pmcs.ok("unit", "add", "3-2-1503", "--status", "handed_over")
    return pmcs


# the deposit refund: 7 working days after acceptance --------------------------------------
@pytest.fixture
def accepted(office, monkeypatch):
    """A renovation accepted on Monday 2026-12-28 10:00: 7 working days reach into 2027."""
    office.ok("renovation", "apply", "3-2-1502", "--contractor", "美家装饰", "--manager", "李强",
              "--manager-phone", "13800001111", "--start", "2026-11-25", "--end", "2026-12-20")
    office.ok("renovation", "tick", "1", "manager_id")
    office.ok("renovation", "tick", "1", "fire_pledge")
    office.ok("renovation", "fee", "1", "--kind", "deposit", "--amount", "3000")
    office.ok("renovation", "approve", "1")
    office.ok("renovation", "start", "1")
    at(monkeypatch, "2026-12-28T10:00:00")
    result = office.ok("renovation", "accept", "1", "--passed")
    assert "2027" in result.stderr  # counted with weekends only, and said so
    return office


def refund_due(pmcs) -> str:
    return pmcs.rows("SELECT refund_due_at FROM renovations")[0][0]


def test_a_holiday_added_for_an_unknown_year_moves_the_refund(accepted):
    # Tue 29, Wed 30, Thu 31, Fri 1 (counted as a working day), Mon 4, Tue 5, Wed 6
    assert refund_due(accepted) == "2027-01-06T10:00:00Z"  # 18:00 in Shanghai
    out = accepted.ok("calendar", "add-holiday", "2027-01-01", "--note", "元旦").stdout
    assert "counted again with the new calendar: 1 (RN-2026-0001;" in out
    assert refund_due(accepted) == "2027-01-07T10:00:00Z"
    history = json.loads(accepted.ok("history", "RN-2026-0001", "--format", "json").stdout)
    assert {k: history[-1][k] for k in ("action", "before", "after")} == {
        "action": "recount", "before": {"refund_due_at": "2027-01-06T10:00:00Z"},
        "after": {"refund_due_at": "2027-01-07T10:00:00Z"}}
    table = accepted.ok("history", "RN-2026-0001").stdout
    assert "deadline counted again (calendar changed)" in table
    # a make-up Saturday inside the window brings it back a day
    assert "counted again" in accepted.ok("calendar", "add-workday", "2027-01-02").stdout
    assert refund_due(accepted) == "2027-01-06T10:00:00Z"
    assert "2027-01-06 18:00" in accepted.ok("renovation", "show", "RN-2026-0001").stdout


def test_a_day_added_by_mistake_is_taken_back_and_the_refund_with_it(accepted):
    accepted.ok("calendar", "add-holiday", "2027-01-05", "--note", "误")  # meant 2028
    assert refund_due(accepted) == "2027-01-07T10:00:00Z"
    out = accepted.ok("calendar", "remove", "2027-01-05").stdout
    assert "working day again" in out and "counted again with the new calendar: 1 (RN-2026-0001;" in out
    assert refund_due(accepted) == "2027-01-06T10:00:00Z"
    assert accepted.rows("SELECT count(*) FROM calendar_days") == [(0,)]
    assert [a for (a,) in accepted.rows("SELECT action FROM events WHERE entity = 'calendar'")] == ["create", "delete"]
    before = accepted.dump()
    result = accepted("calendar", "remove", "2027-01-05")  # nothing declared there any more
    assert result.exit_code == 3 and "calendar list" in result.stderr
    assert accepted.dump() == before


def test_listing_a_year_the_calendar_does_not_know_warns(office):
    result = office.ok("calendar", "list", "--year", "2027")
    assert "no data for 2027" in result.stderr
    assert "no data" not in office.ok("calendar", "list", "--year", "2026").stderr
    for year in ("0", "1899", "3000"):  # --year 0 showed this year; 3000 no date pmcs stores
        result = office("calendar", "list", "--year", year)
        assert result.exit_code == 1 and "1900 to 2999" in result.stderr, year


def test_days_that_change_nothing_move_nothing_and_say_nothing(accepted):
    before = accepted.rows("SELECT count(*) FROM events")[0][0]
    out = accepted.ok("calendar", "add-holiday", "2027-01-20").stdout  # after the deadline
    assert "counted again" not in out
    out = accepted.ok("calendar", "add-holiday", "2027-01-09").stdout  # a Saturday: already a day off
    assert "counted again" not in out
    assert refund_due(accepted) == "2027-01-06T10:00:00Z"
    # the two calendar days are recorded, nothing else
    assert accepted.rows("SELECT count(*) FROM events")[0][0] == before + 2


def test_a_calendar_import_moves_deadlines_and_a_dry_run_does_not(accepted, tmp_path):
    f = write_csv(tmp_path / "2027.csv", "日期,类型,备注\n2027-01-01,休,元旦\n2027-02-06,班,\n")
    assert "counted again" not in accepted.ok("calendar", "import", f, "--dry-run").stdout
    assert refund_due(accepted) == "2027-01-06T10:00:00Z"
    out = accepted.ok("--lang", "zh", "calendar", "import", f).stdout
    assert "已按新日历重算未完成事项的期限：1 项（RN-2026-0001；" in out
    assert refund_due(accepted) == "2027-01-07T10:00:00Z"


def test_a_refused_calendar_import_moves_nothing(accepted, tmp_path):
    f = write_csv(tmp_path / "bad.csv", "date,type\n2027-01-01,holiday\n2027-13-01,holiday\n")
    before = accepted.dump()
    assert accepted("calendar", "import", f).exit_code == 1
    assert accepted.dump() == before


# rectification orders: small ones the same working day --------------------------------------
def test_an_office_closure_today_moves_same_day_orders_but_not_typed_dates_or_calendar_days(office):
    office.ok("handover", "defect", "add", "3-2-1502", "卫生间地漏堵塞", "--size", "small")  # today 18:00
    office.ok("handover", "defect", "add", "3-2-1503", "门锁松动", "--size", "small", "--due", "2026-11-24")
    office.ok("handover", "defect", "add", "3-2-1503", "客厅地砖空鼓", "--size", "large")  # 7 days, not working days
    due = dict(office.rows("SELECT seq, due_at FROM rectifications"))
    assert due[1] == "2026-11-23T10:00:00Z"
    out = office.ok("calendar", "add-holiday", "2026-11-23", "--note", "台风停工").stdout
    assert "counted again with the new calendar: 1 (ZG-2026-0001;" in out
    after = dict(office.rows("SELECT seq, due_at FROM rectifications"))
    assert after == {1: "2026-11-24T10:00:00Z", 2: due[2], 3: due[3]}
    assert office.rows("SELECT action FROM events WHERE ref = 'ZG-2026-0001' ORDER BY id")[-1] == ("recount",)


def test_a_date_given_for_an_order_stays_even_when_it_equals_the_count(office):
    office.ok("handover", "defect", "add", "3-2-1503", "门锁松动", "--size", "small", "--due", "2026-11-23")
    assert office.rows("SELECT due_at, due_given FROM rectifications") == [("2026-11-23T10:00:00Z", 1)]
    assert "counted again" not in office.ok("calendar", "add-holiday", "2026-11-23").stdout
    assert office.rows("SELECT due_at FROM rectifications") == [("2026-11-23T10:00:00Z",)]
    # sent back by an unsatisfied owner: the new deadline is the SLA's, and follows the calendar
    office.ok("handover", "defect", "fix", "1")
    office.ok("handover", "defect", "revisit", "1", "--verdict", "unsatisfied")
    assert office.rows("SELECT due_at, due_given FROM rectifications") == [("2026-11-24T10:00:00Z", 0)]
    assert "counted again" in office.ok("calendar", "add-holiday", "2026-11-24").stdout
    assert office.rows("SELECT due_at FROM rectifications") == [("2026-11-25T10:00:00Z",)]


# cases: a step the office counts in working days, with time on hold --------------------------
def test_a_case_moves_by_the_days_added_and_keeps_its_time_on_hold(office, monkeypatch):
    office.ok("config", "sla", "set", "complaint.classified", "2wd")
    number = office.ok("complaint", "add", "--unit", "3-2-1502", "--channel", "phone",
                       "--description", "噪音", "--remedy", "处理", "--category", "engineering").stdout.split()[0]
    at(monkeypatch, "2026-11-23T10:00:00")
    office.ok("complaint", "hold", number, "--reason", "等业主")
    at(monkeypatch, "2026-11-23T12:00:00")
    office.ok("complaint", "resume", number)
    # Mon 09:30 + 2 working days = Wed 09:30, + 2 h held = Wed 11:30 (03:30 UTC)
    assert office.rows("SELECT due_at FROM cases")[0][0] == "2026-11-25T03:30:00Z"
    assert "counted again" in office.ok("calendar", "add-holiday", "2026-11-24").stdout
    assert office.rows("SELECT due_at FROM cases")[0][0] == "2026-11-26T03:30:00Z"
    assert office.rows("SELECT due_at FROM case_steps WHERE done_at IS NULL") == [("2026-11-26T03:30:00Z",)]
    shown = json.loads(office.ok("history", number, "--format", "json").stdout)[-1]
    assert shown["action"] == "recount"


def test_cases_with_deadlines_in_hours_stay(office):
    number = office.ok("complaint", "add", "--unit", "3-2-1502", "--channel", "phone",
                       "--description", "噪音", "--remedy", "处理", "--category", "engineering").stdout.split()[0]
    due = office.rows("SELECT due_at FROM cases")[0][0]
    assert "counted again" not in office.ok("calendar", "add-holiday", "2026-11-23").stdout
    assert office.rows("SELECT due_at FROM cases")[0][0] == due
    assert office.rows("SELECT count(*) FROM events WHERE ref = ? AND action = 'recount'", (number,)) == [(0,)]


# an upgraded chinese-calendar that knows a new year ------------------------------------------
def test_an_upgraded_holiday_package_counts_the_new_year_again_once(office, monkeypatch):
    import pmcs.core.calendar as cal

    real = cal.package_years()
    assert real[1] >= 2026  # the package installed knows 2026 (New Year: 1-3 January off, Sunday 4th worked)
    monkeypatch.setattr(cal, "package_years", lambda: (real[0], 2025))  # as an older release knew it
    office.ok("config", "sla", "set", "complaint.classified", "3wd")
    at(monkeypatch, "2025-12-31T10:00:00")
    number = office.ok("complaint", "add", "--unit", "3-2-1502", "--channel", "phone", "--description", "噪音",
                       "--remedy", "处理", "--category", "engineering").stdout.split()[0]
    # 2026 counted with weekends only: Thu 1, Fri 2, Mon 5
    assert office.rows("SELECT due_at FROM cases") == [("2026-01-05T02:00:00Z",)]
    assert office.rows("SELECT last_year FROM calendar_package") == [(2025,)]

    monkeypatch.setattr(cal, "package_years", lambda: real)  # pip install -U
    result = office.ok("calendar", "workdays", "2025-12-31", "3")
    assert result.stdout == "2026-01-06\n"
    assert f"now knows the years up to {real[1]}; open deadlines counted again: 1 ({number})." in result.stderr
    # Sun 4 (make-up workday), Mon 5, Tue 6
    assert office.rows("SELECT due_at FROM cases") == [("2026-01-06T02:00:00Z",)]
    assert office.rows("SELECT last_year FROM calendar_package") == [(real[1],)]
    assert office.rows("SELECT count(*) FROM events WHERE ref = ? AND action = 'recount'", (number,)) == [(1,)]
    again = office.ok("calendar", "workdays", "2025-12-31", "3")  # once only
    assert "counted again" not in again.stderr
    assert office.rows("SELECT count(*) FROM events WHERE action = 'recount'") == [(1,)]


def test_an_older_package_is_only_remembered(office, monkeypatch):
    import pmcs.core.calendar as cal

    real = cal.package_years()
    office.ok("config", "sla", "set", "complaint.classified", "3wd")
    office.ok("complaint", "add", "--unit", "3-2-1502", "--channel", "phone", "--description", "噪音",
              "--remedy", "处理", "--category", "engineering")
    monkeypatch.setattr(cal, "package_years", lambda: (real[0], real[1] - 1))
    assert "counted again" not in office.ok("calendar", "workdays", "2026-11-23", "3").stderr
    assert office.rows("SELECT last_year FROM calendar_package") == [(real[1] - 1,)]
    assert office.rows("SELECT count(*) FROM events WHERE action = 'recount'") == [(0,)]


# found by review: what a recount must leave alone, and the first command after an upgrade ------
def add_complaint(pmcs):
    return pmcs.ok("complaint", "add", "--unit", "3-2-1502", "--channel", "phone", "--description", "噪音",
                   "--remedy", "处理", "--category", "engineering").stdout.split()[0]


def test_a_deadline_set_under_an_sla_changed_since_stays(office):
    add_complaint(office)  # classified within 2 h: 11:30
    office.ok("config", "sla", "set", "complaint.classified", "eod")  # later the office counts it in working days
    assert "counted again" not in office.ok("calendar", "add-holiday", "2026-11-23").stdout
    assert office.rows("SELECT due_at FROM cases") == [("2026-11-23T03:30:00Z",)]


def test_a_reply_counted_from_the_recording_keeps_the_time_held_during_its_step(office, monkeypatch):
    office.ok("config", "sla", "set", "complaint.replied", "1wd")
    at(monkeypatch, "2026-11-26T10:00:00")  # Thursday
    number = add_complaint(office)
    at(monkeypatch, "2026-11-26T10:01:00")
    for fields in (["--nature", "valid", "--severity", "general"], ["--cause", "x"], ["--handler", "王芳"],
                   ["--solution", "x", "--promise", "2026-11-30"]):
        office.ok("complaint", "advance", number, *fields)
    assert office.rows("SELECT step, due_at FROM cases") == [("replied", "2026-11-27T02:00:00Z")]  # Fri 10:00
    at(monkeypatch, "2026-11-26T10:10:00")
    office.ok("complaint", "hold", number, "--reason", "等业主")
    at(monkeypatch, "2026-11-27T10:10:00")
    office.ok("complaint", "resume", number)
    assert office.rows("SELECT due_at FROM cases") == [("2026-11-28T02:00:00Z",)]  # pushed 24 h
    # a Saturday worked after the count's Friday changes nothing
    assert "counted again" not in office.ok("calendar", "add-workday", "2026-11-28").stdout
    assert office.rows("SELECT due_at FROM cases") == [("2026-11-28T02:00:00Z",)]
    # Friday off: the first working day after Thursday is now the Saturday worked, plus the 24 h held
    office.ok("calendar", "add-holiday", "2026-11-27")
    assert office.rows("SELECT due_at FROM cases") == [("2026-11-29T02:00:00Z",)]


def counted_before_an_upgrade(office, monkeypatch) -> str:
    """A complaint of 2025-12-31 whose 3 working days a package knowing years up to 2025
    counted (due Monday 5 January); then the package is upgraded. Returns its number."""
    import pmcs.core.calendar as cal

    real = cal.package_years()
    monkeypatch.setattr(cal, "package_years", lambda: (real[0], 2025))
    office.ok("config", "sla", "set", "complaint.classified", "3wd")
    at(monkeypatch, "2025-12-31T10:00:00")
    number = add_complaint(office)
    assert office.rows("SELECT due_at FROM cases") == [("2026-01-05T02:00:00Z",)]
    monkeypatch.setattr(cal, "package_years", lambda: real)
    return number


def test_the_first_command_after_an_upgrade_may_be_the_holiday_it_asked_for(office, monkeypatch):
    counted_before_an_upgrade(office, monkeypatch)
    result = office.ok("calendar", "add-holiday", "2026-01-01")  # the package knows it already
    assert "open deadlines counted again: 1" in result.stderr
    assert office.rows("SELECT due_at FROM cases") == [("2026-01-06T02:00:00Z",)]


def test_a_refused_command_still_says_the_upkeep_it_did(office, monkeypatch):
    number = counted_before_an_upgrade(office, monkeypatch)
    result = office("complaint", "advance", number, "--cause", "x")  # the wrong step
    assert result.exit_code == 4
    assert "open deadlines counted again: 1" in result.stderr  # the catch-up is kept, like a migration
    assert office.rows("SELECT step, due_at FROM cases") == [("classified", "2026-01-06T02:00:00Z")]
    assert "counted again" not in office.ok("calendar", "workdays", "2026-01-01", "1").stderr


def test_a_message_names_ten_refs_then_counts_the_rest():
    refs = [f"TS-2026-{i:04d}" for i in range(1, 13)]
    assert moved_text(refs[:2]) == "TS-2026-0001, TS-2026-0002"
    assert moved_text(refs) == ", ".join(refs[:10]) + " … (+2)"


def test_the_catch_up_after_an_upgrade_is_pmcs_own_upkeep_even_under_cron(office, monkeypatch):
    """cron's remind names nobody (--as): the catch-up it triggers is recorded under "pmcs"."""
    import pmcs.core.calendar as cal

    real = cal.package_years()
    monkeypatch.setattr(cal, "package_years", lambda: (real[0], 2025))
    office.ok("config", "sla", "set", "complaint.classified", "3wd")
    at(monkeypatch, "2025-12-31T10:00:00")
    number = add_complaint(office)
    monkeypatch.setattr(cal, "package_years", lambda: real)
    result = office("remind", actor=None)
    assert result.exit_code in (0, 10) and "counted again: 1" in result.stderr
    assert office.rows("SELECT actor FROM events WHERE ref = ? AND action = 'recount'", (number,)) == [("pmcs",)]
