"""Working days (statutory holidays and 调休), durations, the SLA table, and their commands."""
import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from pmcs.core.calendar import WorkCalendar, parse_day_type
from pmcs.core.durations import Duration, add, parse_duration, same_day_end, window_end
from pmcs.core.sla import DEFAULT_SLA, SLA_KEYS, check_key, check_variant, lookup, variants
from pmcs.errors import FieldError, UserError
from pmcs.i18n import catalog, register
from pmcs.i18n.catalog_calendar import MESSAGES

if "error.bad_duration" not in catalog():  # until the lead registers the catalogue in pmcs/i18n
    register(MESSAGES)

SH = ZoneInfo("Asia/Shanghai")


def sh(*args):
    return datetime(*args, tzinfo=SH)


# the calendar -----------------------------------------------------------------
@pytest.mark.parametrize("start,n,expected", [
    (date(2025, 9, 30), 7, date(2025, 10, 16)),  # National Day, make-up Saturday 2025-10-11
    (date(2026, 2, 13), 7, date(2026, 3, 2)),    # Spring Festival, make-up Saturdays 02-14 and 02-28
    (date(2025, 11, 7), 1, date(2025, 11, 10)),  # Friday + 1 = Monday
    (date(2025, 11, 10), 0, date(2025, 11, 10)),  # a working day itself
    (date(2025, 10, 1), 0, date(2025, 10, 9)),   # a holiday: the next working day
])
def test_add_workdays_follows_the_statutory_calendar(start, n, expected):
    cal = WorkCalendar()
    assert cal.add_workdays(start, n) == expected
    assert cal.unknown_years == set()


@pytest.mark.parametrize("day,workday", [
    (date(2025, 11, 8), False),   # an ordinary Saturday
    (date(2025, 11, 10), True),   # an ordinary Monday
    (date(2025, 10, 1), False),   # National Day (a Wednesday)
    (date(2025, 10, 11), True),   # make-up Saturday (调休上班)
    (date(2026, 2, 14), True),    # make-up Saturday before the Spring Festival
    (date(2026, 2, 16), False),   # Spring Festival (a Monday)
])
def test_is_workday(day, workday):
    assert WorkCalendar().is_workday(day) is workday


def test_an_office_override_beats_the_package():
    cal = WorkCalendar({date(2025, 10, 16): False, date(2025, 11, 9): True})
    assert cal.add_workdays(date(2025, 9, 30), 7) == date(2025, 10, 17)
    assert cal.is_workday(date(2025, 11, 9))  # a Sunday the office works
    cal.set(date(2025, 10, 17), False)
    assert cal.add_workdays(date(2025, 9, 30), 7) == date(2025, 10, 20)


def test_an_unknown_year_counts_weekends_only_and_says_so():
    cal = WorkCalendar({date(2099, 1, 5): False})
    assert date(2099, 1, 2).weekday() == 4  # a Friday
    assert cal.add_workdays(date(2099, 1, 2), 1) == date(2099, 1, 6)  # weekend, then the office's day off
    assert cal.unknown_years == {2099}
    assert not cal.is_known_year(2099) and cal.is_known_year(2025)


def test_holiday_names_in_both_languages():
    cal = WorkCalendar()
    assert cal.holiday_name(date(2025, 10, 11)) == "National Day"
    assert cal.holiday_name(date(2025, 10, 11), "zh") == "国庆节"
    assert cal.holiday_name(date(2025, 11, 10)) is None


def test_special_days_of_a_year_list_holidays_make_up_days_and_the_office_days():
    cal = WorkCalendar({date(2025, 12, 31): False})
    days = {d.day: d for d in cal.special_days(2025)}
    assert days[date(2025, 10, 11)].workday and days[date(2025, 10, 11)].source == "statutory"
    assert not days[date(2025, 10, 1)].workday
    assert days[date(2025, 12, 31)].source == "office"
    assert date(2025, 11, 8) not in days  # an ordinary weekend is not special


@pytest.mark.parametrize("text,workday", [("holiday", False), ("休", False), ("班", True), ("Workday", True)])
def test_day_types(text, workday):
    assert parse_day_type(text) is workday


# durations ------------------------------------------------------------------
@pytest.mark.parametrize("text,amount,unit,canonical", [
    ("30m", 30, "m", "30m"), ("4h", 4, "h", "4h"), ("2d", 2, "d", "2d"), ("3wd", 3, "wd", "3wd"),
    (" 4 H ", 4, "h", "4h"), ("30分钟", 30, "m", "30m"), ("4小时", 4, "h", "4h"), ("2天", 2, "d", "2d"),
    ("3个工作日", 3, "wd", "3wd"), ("eod", 0, "eod", "eod"), ("0wd", 0, "eod", "eod"), ("当天", 0, "eod", "eod"),
    ("0个工作日", 0, "eod", "eod"),
])
def test_durations_parse_to_their_canonical_text(text, amount, unit, canonical):
    d = parse_duration(text)
    assert d == Duration(amount, unit)
    assert str(d) == canonical
    assert parse_duration(str(d)) == d


@pytest.mark.parametrize("text,key", [
    ("", "error.bad_duration"), ("4", "error.bad_duration"), ("h", "error.bad_duration"),
    ("1h30m", "error.bad_duration"), ("1.5h", "error.bad_duration"), ("-1h", "error.bad_duration"),
    ("4 weeks", "error.bad_duration"), ("0h", "error.duration_range"), ("367d", "error.duration_range"),
    ("99999999d", "error.bad_duration"),
])
def test_bad_durations_are_refused(text, key):
    with pytest.raises(FieldError) as e:
        parse_duration(text, "duration")
    assert e.value.key == key and e.value.field == "duration"


def test_hours_cross_midnight_in_calendar_time():
    due = add(sh(2025, 11, 10, 22, 30), parse_duration("4h"), WorkCalendar(), SH)
    assert due == datetime(2025, 11, 10, 18, 30, tzinfo=timezone.utc)
    assert due.astimezone(SH) == sh(2025, 11, 11, 2, 30)


def test_days_count_holidays_but_working_days_skip_them_keeping_the_clock_time():
    cal = WorkCalendar()
    start = sh(2025, 9, 30, 15, 20)
    assert add(start, parse_duration("2d"), cal, SH).astimezone(SH) == sh(2025, 10, 2, 15, 20)
    due = add(start, parse_duration("7wd"), cal, SH)
    assert due.tzinfo == timezone.utc
    assert due.astimezone(SH) == sh(2025, 10, 16, 15, 20)
    # a start given in UTC is counted from its local (Shanghai) date: 2025-09-30 17:00 UTC = 10-01 01:00
    late = datetime(2025, 9, 30, 17, 0, tzinfo=timezone.utc)
    assert add(late, parse_duration("1wd"), cal, SH).astimezone(SH) == sh(2025, 10, 9, 1, 0)


@pytest.mark.parametrize("start,end", [
    (sh(2025, 11, 10, 10, 0), sh(2025, 11, 10, 18, 0)),   # a working morning: the same evening
    (sh(2025, 11, 10, 18, 0), sh(2025, 11, 11, 18, 0)),   # already the end of the day: tomorrow
    (sh(2025, 11, 7, 19, 0), sh(2025, 11, 10, 18, 0)),    # Friday evening: Monday
    (sh(2025, 10, 3, 10, 0), sh(2025, 10, 9, 18, 0)),     # National Day: the first working day after
    (sh(2025, 10, 11, 9, 0), sh(2025, 10, 11, 18, 0)),    # a make-up Saturday is a working day
])
def test_end_of_the_working_day(start, end):
    cal = WorkCalendar()
    assert same_day_end(start, cal, SH).astimezone(SH) == end
    assert add(start, parse_duration("eod"), cal, SH).astimezone(SH) == end


@pytest.mark.parametrize("start,within,last", [
    (sh(2026, 11, 23, 17, 5), "0wd", sh(2026, 11, 23, 23, 59, 59)),   # after work: still the whole evening
    (sh(2026, 11, 23, 17, 5), "eod", sh(2026, 11, 23, 23, 59, 59)),   # eod/当天 read the same
    (sh(2026, 11, 28, 10, 0), "0wd", sh(2026, 11, 28, 23, 59, 59)),   # a Saturday: today is today
    (sh(2026, 11, 27, 9, 0), "1wd", sh(2026, 11, 30, 23, 59, 59)),    # Friday + 1wd: all of Monday
    (sh(2026, 4, 3, 9, 0), "1wd", sh(2026, 4, 7, 23, 59, 59)),        # Friday before Qingming (Mon 04-06 off)
    (sh(2026, 11, 23, 17, 5), "2wd", sh(2026, 11, 25, 23, 59, 59)),
    (sh(2026, 11, 23, 17, 5), "4h", sh(2026, 11, 23, 21, 5)),         # calendar time as before
    (sh(2026, 11, 23, 17, 5), "2d", sh(2026, 11, 25, 17, 5)),
])
def test_a_reminder_window_runs_to_the_end_of_the_nth_working_day(start, within, last):
    end = window_end(start, parse_duration(within), WorkCalendar(), SH)
    assert end.tzinfo == timezone.utc and end.astimezone(SH) == last


def test_naive_starts_are_refused():
    with pytest.raises(ValueError):
        add(datetime(2025, 11, 10, 10, 0), parse_duration("4h"), WorkCalendar(), SH)


# the SLA table ----------------------------------------------------------------
def test_every_default_parses_and_every_key_is_described():
    for (key, variant), text in DEFAULT_SLA.items():
        parse_duration(text)
        assert variant in variants(key)
    for key, desc in SLA_KEYS.items():
        assert desc in catalog(), key
    assert str(lookup({}, "rectification.fix", "small")) == "eod"
    assert str(lookup({}, "renovation.refund")) == "7wd"


def test_lookup_prefers_the_office_table_and_falls_back_to_default():
    table = {("complaint.revisited", "default"): "12h", ("complaint.classified", "major"): "20m"}
    assert lookup(table, "complaint.classified", "major") == Duration(20, "m")
    assert lookup(table, "complaint.classified", "default") == Duration(2, "h")  # not in the table: DEFAULT_SLA
    assert lookup(table, "complaint.revisited", "major") == Duration(12, "h")   # no major row: the default row
    assert lookup({}, "repair.dispatched", "emergency") == Duration(30, "m")
    with pytest.raises(UserError):
        lookup({}, "rectification.fix", "default")  # small or large must be said


def test_keys_and_variants_are_checked():
    assert check_key(" Complaint.Replied ") == "complaint.replied"
    with pytest.raises(FieldError):
        check_key("complaint.lunch")
    assert check_variant("complaint.replied", "重大") == "major"
    assert check_variant("repair.completed", None) == "default"
    with pytest.raises(FieldError):
        check_variant("repair.completed", "major")
    with pytest.raises(FieldError):
        check_variant("rectification.fix", None)


# services ---------------------------------------------------------------------
@pytest.fixture
def s(session):
    """A session whose database has the calendar tables (applied here until schema.py registers them)."""
    from pmcs.store.calendar import m005_calendar_and_sla

    db = session.db
    if not db.scalar("SELECT 1 FROM sqlite_master WHERE name = 'calendar_days'"):
        with db.write():
            m005_calendar_and_sla(db.sqlite_utils())
    return session


def events(s, entity):
    return [dict(r) for r in s.db.query("SELECT * FROM events WHERE entity = ? ORDER BY id", (entity,))]


def test_office_days_move_deadlines_and_are_recorded(s):
    from pmcs.services import calendar as svc

    assert svc.workdays(s, "2025-09-30", 7) == date(2025, 10, 16)
    svc.add_holiday(s, "2025-10-16", "台风停工")
    assert svc.workdays(s, "2025-09-30", 7) == date(2025, 10, 17)  # the cached calendar follows
    svc.add_workday(s, date(2025, 10, 16))
    assert svc.workdays(s, "2025-09-30", 7) == date(2025, 10, 16)
    ev = events(s, "calendar")
    assert [(e["ref"], e["action"]) for e in ev] == [("2025-10-16", "create"), ("2025-10-16", "update")]
    assert json.loads(ev[0]["after"]) == {"workday": False, "note": "台风停工"}
    s._calendar = None  # a fresh session reads the same from the database
    assert svc.workdays(s, "2025-09-30", 7) == date(2025, 10, 16)
    assert svc.warn_unknown_years(s) == []
    svc.workdays(s, "2099-01-02", 3)
    assert svc.warn_unknown_years(s) == [2099]


def test_list_days_shows_statutory_and_office_days(s):
    from pmcs.services import calendar as svc

    svc.add_holiday(s, "2025-12-31", "年终盘点")
    rows = {r["date"]: r for r in svc.list_days(s, 2025)}
    assert rows["2025-10-11"]["type"] == "workday" and rows["2025-10-11"]["name"] == "National Day"
    assert rows["2025-12-31"] == {"date": "2025-12-31", "weekday": 3, "type": "holiday", "name": "年终盘点",
                                  "source": "office"}


def write_csv(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return str(path)


def test_calendar_import_is_all_or_nothing_and_names_the_bad_line(s, tmp_path):
    from pmcs.services import calendar as svc
    from pmcs.services.imports import ImportFailed

    bad = write_csv(tmp_path / "bad.csv", "日期,类型,备注\n2027-01-01,休,元旦\n2027-02-06,上课,?\n2027/02/07,班,春节调休\n"
                                          "2027-13-01,休,\n2027-01-01,休,again\n")
    with pytest.raises(ImportFailed) as e:
        svc.import_days(s, bad)
    text = e.value.message()
    assert "line 3, column type" in text and "上课" in text
    assert "line 5, column date" in text and "line 6, column date" in text
    assert s.db.scalar("SELECT count(*) FROM calendar_days") == 0
    assert events(s, "calendar") == []

    good = write_csv(tmp_path / "good.csv", "date,type,note\n2027-01-01,holiday,元旦\n2027-02-07,workday,春节调休\n",
                     "gb18030")
    assert svc.import_days(s, good, dry_run=True).dry_run
    assert s.db.scalar("SELECT count(*) FROM calendar_days") == 0
    result = svc.import_days(s, good)
    assert (result.rows, result.inserted, result.updated) == (2, 2, 0)
    assert svc.calendar(s).is_workday(date(2027, 2, 7)) and not svc.calendar(s).is_workday(date(2027, 1, 1))
    assert len(events(s, "calendar")) == 2


def test_sla_set_validates_records_and_lists(s):
    from pmcs.services import calendar as svc

    assert len(svc.sla_list(s)) == len(DEFAULT_SLA)
    row = svc.sla_set(s, "complaint.replied", "重大", "2小时")
    assert (row["variant"], row["duration"], row["before"], row["changed"]) == ("major", "2h", "4h", True)
    assert not svc.sla_set(s, "complaint.replied", "major", "2h")["changed"]
    assert svc.sla_table(s)[("complaint.replied", "major")] == "2h"
    listed = {(r["key"], r["variant"]): r for r in svc.sla_list(s)}
    assert listed[("complaint.replied", "major")]["changed"] and listed[("complaint.replied", "major")]["default"] == "4h"
    assert not listed[("complaint.replied", "default")]["changed"]
    ev = events(s, "sla")
    assert [(e["ref"], json.loads(e["before"]), json.loads(e["after"])) for e in ev] == [
        ("complaint.replied/major", {"duration": "4h"}, {"duration": "2h"})]
    for args in (("complaint.lunch", None, "2h"), ("complaint.replied", None, "2 weeks"),
                 ("repair.completed", "major", "2h")):
        with pytest.raises(FieldError):
            svc.sla_set(s, *args)
    assert len(events(s, "sla")) == 1


# the command line ---------------------------------------------------------------------------


def test_cli_workdays_prints_the_date(pmcs):
    result = pmcs.ok("calendar", "workdays", "2025-09-30", "7")
    assert result.stdout == "2025-10-16\n"
    assert result.stderr == ""


def test_cli_warns_once_for_an_unknown_year(pmcs):
    result = pmcs.ok("calendar", "workdays", "2099-12-30", "5")
    assert result.stdout == "2100-01-06\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning:") and "2099, 2100" in lines[0]


def test_cli_holiday_then_list_and_history(pmcs):
    pmcs.ok("calendar", "add-holiday", "2025-10-16", "--note", "台风")
    assert pmcs.ok("calendar", "workdays", "2025-09-30", "7").stdout == "2025-10-17\n"
    rows = json.loads(pmcs.ok("calendar", "list", "--year", "2025", "--format", "json").stdout)
    assert {"date": "2025-10-16", "weekday": 4, "type": "holiday", "name": "台风", "source": "office"} in rows
    assert "2025-10-16" in pmcs.ok("history", "2025-10-16").stdout
    result = pmcs("calendar", "add-holiday", "2025-02-30")
    assert result.exit_code == 1 and "not a date" in result.stderr


def test_cli_calendar_import(pmcs, tmp_path):
    f = write_csv(tmp_path / "days.csv", "日期,类型\n2027-01-01,休\n2027-02-07,班\n")
    assert "2 added" in pmcs.ok("calendar", "import", f).stdout
    assert pmcs.rows("SELECT day, workday FROM calendar_days ORDER BY day") == [("2027-01-01", 0), ("2027-02-07", 1)]


def test_cli_config_sla(pmcs):
    assert "45m (was 30m)" in pmcs.ok("config", "sla", "set", "repair.dispatched", "45m", "--variant", "emergency").stdout
    rows = json.loads(pmcs.ok("config", "sla", "list", "--format", "json").stdout)
    row = next(r for r in rows if (r["key"], r["variant"]) == ("repair.dispatched", "emergency"))
    assert (row["duration"], row["default"], row["changed"]) == ("45m", "30m", True)
    result = pmcs("config", "sla", "set", "repair.dispatched", "soon")
    assert result.exit_code == 1 and "not a duration" in result.stderr
