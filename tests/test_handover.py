"""Move-in handovers: the template as data, the checklist, ticks and waivers,
completion (refused while required items are open), rectification orders."""
import json
import os
import re
from datetime import datetime

import pytest
from rich.cells import cell_len

from pmcs.core import handover as rules
from pmcs.core.calendar import WorkCalendar
from pmcs.errors import NotAllowed, UserError
from pmcs.services import rectification as rect
from pmcs.services.reminders import due_items


@pytest.fixture
def office(pmcs):
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "engineering")
    pmcs.ok("unit", "add", "3-2-1502")
    pmcs.ok("unit", "add", "3-2-1503")
    pmcs.ok("person", "add", "--name", "张伟", "--phone", "13912345678")
    return pmcs


def numbers_of(pmcs, unit):
    """Checklist numbers by item code, from the JSON form."""
    data = json.loads(pmcs.ok("handover", "checklist", unit, "--format", "json").stdout)
    return {i["code"]: i["no"] for i in data["items"]}, data


def tick_all_but(pmcs, unit, *skip):
    numbers, data = numbers_of(pmcs, unit)
    for item in data["items"]:
        if item["code"] in skip:
            continue
        value = {"count": ["--value", "2"], "reading": ["--value", "10.5"]}.get(item["kind"], [])
        pmcs.ok("handover", "tick", unit, str(item["no"]), *value)


# the template -------------------------------------------------------------------------
def test_the_default_template_is_the_office_checklist():
    items = {i.code: i for i in rules.DEFAULT_TEMPLATE}
    issued = [i.zh for i in rules.DEFAULT_TEMPLATE if i.section == "issued"]
    assert issued == ["客户手册", "管理规约", "装修管理规定", "消防安全责任书", "质量保证书", "使用说明书"]
    collected = [i.zh for i in rules.DEFAULT_TEMPLATE if i.section == "collected"]
    assert collected == ["入伙通知书", "收楼证明书", "身份证复印件", "照片", "客户登记表", "防火协议书", "钥匙签收书", "验收表"]
    assert items["fire_agreement"].copies == 2 and "存档" in items["fire_agreement"].note_zh
    assert items["inspection_form"].copies == 3 and items["photos"].copies == 3
    assert [i.kind for i in rules.DEFAULT_TEMPLATE if i.section == "keys"] == ["count", "count"]
    assert {i.code for i in rules.DEFAULT_TEMPLATE if i.kind == "reading"} == {"meter_water", "meter_electricity",
                                                                                 "meter_gas"}
    assert items["fees_settled"].required and items["inspection_done"].required


def test_template_is_editable_and_started_handovers_keep_their_copy(office):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    out = office.ok("handover", "template", "add-item", "parking_card", "--label-zh", "停车卡", "--label-en",
                    "Parking card", "--section", "钥匙", "--kind", "count").stdout
    assert "parking_card" in out
    office.ok("handover", "template", "remove-item", "user_manual")
    listed = office.ok("--lang", "zh", "handover", "template", "list").stdout
    assert "停车卡" in listed and "使用说明书" not in listed
    assert "使用说明书" in office.ok("--lang", "zh", "handover", "template", "list", "--all").stdout
    started, _ = numbers_of(office, "3-2-1502")  # started before the change: unchanged
    assert "user_manual" in started and "parking_card" not in started
    office.ok("person", "add", "--name", "李娜")
    office.ok("handover", "start", "3-2-1503", "--owner", "李娜")
    fresh, data = numbers_of(office, "3-2-1503")
    assert "user_manual" not in fresh and "parking_card" in fresh
    assert next(i for i in data["items"] if i["code"] == "parking_card")["section"] == "keys"


def test_template_refusals_write_nothing(office):
    before = office.dump()
    assert office("handover", "template", "add-item", "handbook", "--label-zh", "手册").exit_code == 1
    assert office("handover", "template", "add-item", "Bad Code!", "--label-zh", "x").exit_code == 1
    assert office("handover", "template", "add-item", "extra", "--label-zh", "x", "--kind", "photo").exit_code == 1
    assert office("handover", "template", "add-item", "extra").exit_code == 1  # no label
    assert office("handover", "template", "remove-item", "nothing_like_it").exit_code == 3
    assert office.dump() == before


def test_a_removed_item_can_come_back(office):
    office.ok("handover", "template", "remove-item", "covenant")
    office.ok("handover", "template", "add-item", "covenant", "--label-zh", "管理规约（2026版）")
    rows = json.loads(office.ok("handover", "template", "list", "--format", "json").stdout)
    assert [r["label_zh"] for r in rows if r["code"] == "covenant"] == ["管理规约（2026版）"]
    assert rows[-1]["code"] == "covenant" and rows[-1]["section"] == "other"


# starting ----------------------------------------------------------------------------
def test_start_is_refused_for_a_handed_over_unit_and_twice(office):
    office.ok("unit", "add", "1-1-101", "--status", "occupied")
    before = office.dump()
    r = office("handover", "start", "1-1-101", "--owner", "张伟")
    assert r.exit_code == 4 and "1-1-101" in r.stderr
    assert office.dump() == before
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    before = office.dump()
    assert office("handover", "start", "3-2-1502", "--owner", "张伟").exit_code == 4
    assert office("handover", "start", "9-9-999", "--owner", "张伟").exit_code == 3
    assert office("handover", "start", "3-2-1503", "--owner", "无此人").exit_code == 3
    assert office("handover", "start", "3-2-1503", "--owner", "张伟", "--date", "2030-01-01").exit_code == 1
    assert office.dump() == before


# the whole procedure (the "done when") ---------------------------------------------
def test_start_ticks_defect_fix_revisit_complete(office):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟", "--date", "2026-11-20")
    tick_all_but(office, "3-2-1502", "key_receipt")
    defect = office.ok("handover", "defect", "add", "3-2-1502", "卫生间地漏堵塞", "--size", "small",
                       "--handler", "刘工").stdout
    number = re.search(r"ZG-2026-\d{4}", defect).group(0)
    office.ok("handover", "defect", "fix", number)
    office.ok("handover", "defect", "revisit", number, "--verdict", "满意")
    assert office.rows("SELECT status, verdict FROM rectifications") == [("closed", "satisfied")]

    before = office.dump()
    refused = office("--lang", "zh", "handover", "complete", "3-2-1502")
    assert refused.exit_code == 4
    assert "钥匙签收书" in refused.stderr and "13" in refused.stderr
    assert office.dump() == before  # nothing written

    office.ok("handover", "tick", "3-2-1502", "key_receipt")
    done = office.ok("handover", "complete", "3-2-1502").stdout
    assert "2026-11-20" in done
    assert office.rows("SELECT status FROM units WHERE code = '3-2-1502'") == [("handed_over",)]
    assert office.rows("""SELECT p.name, l.role, l.start, l."end" FROM person_units l JOIN people p ON p.id = l.person_id
                          JOIN units u ON u.id = l.unit_id WHERE u.code = '3-2-1502'""") == [
        ("张伟", "owner", "2026-11-20", None)]
    assert office("handover", "start", "3-2-1502", "--owner", "张伟").exit_code == 4
    assert office("handover", "tick", "3-2-1502", "1").exit_code == 4  # completed: no more ticks
    actions = [r[0] for r in office.rows("SELECT action FROM events WHERE entity = 'handover' ORDER BY id")]
    assert actions[0] == "start" and actions[-1] == "complete"


def test_complete_is_not_dated_before_the_handover_started(office):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟", "--date", "2026-11-20")
    tick_all_but(office, "3-2-1502")
    before = office.dump()
    r = office("handover", "complete", "3-2-1502", "--date", "2026-11-01")
    assert r.exit_code == 1 and "2026-11-20" in r.stderr
    assert office.dump() == before
    office.ok("handover", "complete", "3-2-1502", "--date", "2026-11-22")
    assert office.rows("SELECT l.start FROM person_units l JOIN units u ON u.id = l.unit_id "
                       "WHERE u.code = '3-2-1502'") == [("2026-11-22",)]


def test_a_waived_item_does_not_block_and_needs_a_reason(office):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    tick_all_but(office, "3-2-1502", "meter_gas")
    assert office("handover", "complete", "3-2-1502").exit_code == 4
    assert office("handover", "waive", "3-2-1502", "meter_gas").exit_code == 2  # --reason is required
    assert office("handover", "waive", "3-2-1502", "meter_gas", "--reason", " ").exit_code == 1
    assert office("handover", "waive", "3-2-1502", "key_door", "--reason", "x").exit_code == 4  # already done
    office.ok("handover", "waive", "3-2-1502", "燃气表读数（m³）", "--reason", "未通燃气")
    office.ok("handover", "complete", "3-2-1502")
    assert office.rows("SELECT state, reason FROM handover_checks WHERE code = 'meter_gas'") == [("waived", "未通燃气")]


def test_optional_items_do_not_block(office):
    office.ok("handover", "template", "add-item", "parking_card", "--label-zh", "停车卡", "--optional")
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    tick_all_but(office, "3-2-1502", "parking_card")
    office.ok("handover", "complete", "3-2-1502")


def test_values_counts_and_meter_readings(office):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    unit = "3-2-1502"
    before = office.dump()
    assert office("handover", "tick", unit, "key_door").exit_code == 1  # a count needs --value
    assert office("handover", "tick", unit, "key_door", "--value", "three").exit_code == 1
    assert office("handover", "tick", unit, "meter_water", "--value", "abc").exit_code == 1
    assert office("handover", "tick", unit, "meter_water", "--value", "-3").exit_code == 1
    assert office("handover", "tick", unit, "handbook", "--value", "1").exit_code == 1  # a check takes no value
    assert office("handover", "tick", unit, "no_such_item").exit_code == 1
    assert office("handover", "tick", unit, "99").exit_code == 1
    assert office.dump() == before
    office.ok("handover", "tick", unit, "key_door", "--value", "3")
    office.ok("handover", "tick", unit, "Water meter (m³)", "--value", "1,234.50")
    assert office.rows("SELECT meter, reading FROM meter_readings") == [("meter_water", 1234.5)]
    office.ok("handover", "tick", unit, "meter_water", "--value", "1000")  # a correction within the handover
    assert office.rows("SELECT reading FROM meter_readings") == [(1000.0,)]


@pytest.mark.parametrize("text", ["1e3", "1_000", "NaN", "Infinity", "1.2345", "²", "5²"])
def test_readings_and_counts_are_plain_numbers(office, text):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    before = office.dump()
    for item in ("meter_water", "key_door"):
        r = office("handover", "tick", "3-2-1502", item, "--value", text)
        assert r.exit_code == 1 and "Traceback" not in r.output and "internal" not in r.stderr
    assert office("handover", "tick", "3-2-1502", text).exit_code == 1  # not an item number either
    assert office.dump() == before


def test_full_width_digits_from_an_input_method_are_read(office):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    office.ok("handover", "tick", "3-2-1502", "meter_water", "--value", "１２．５")
    office.ok("handover", "tick", "3-2-1502", "key_door", "--value", "３")
    assert office.rows("SELECT code, value FROM handover_checks WHERE state = 'done' ORDER BY code") == [
        ("key_door", "3"), ("meter_water", "12.5")]


def test_a_reading_lower_than_the_units_previous_one_is_refused(office):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    office.ok("handover", "tick", "3-2-1502", "meter_electricity", "--value", "301.25")
    office.ok("handover", "cancel", "3-2-1502", "--reason", "业主未到场")
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    before = office.dump()
    r = office("handover", "tick", "3-2-1502", "meter_electricity", "--value", "300")
    assert r.exit_code == 1 and "301.25" in r.stderr
    assert office.dump() == before
    office.ok("handover", "tick", "3-2-1502", "meter_electricity", "--value", "301.25")


def test_cancel_needs_an_open_handover_and_a_reason(office):
    assert office("handover", "cancel", "3-2-1502", "--reason", "x").exit_code == 3
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    assert office("handover", "cancel", "3-2-1502", "--reason", "").exit_code == 1
    office.ok("handover", "cancel", "3-2-1502", "--reason", "改期")
    assert "cancelled" in office.ok("handover", "list", "--status", "all", "--format", "csv").stdout
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")  # a new start after a cancelled one


# the checklist on screen and on paper ------------------------------------------------------
def test_checklist_reads_in_chinese_within_80_columns(office):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    office.ok("handover", "tick", "3-2-1502", "15", "--value", "3")
    office.ok("handover", "waive", "3-2-1502", "19", "--reason", "燃气未开通，待燃气公司开户后补录")
    office.ok("handover", "defect", "add", "3-2-1502", "客厅地砖空鼓三块", "--size", "大")
    out = office.ok("--lang", "zh", "handover", "checklist", "3-2-1502").stdout
    for line in out.splitlines():
        assert cell_len(line) <= 80, line
    for text in ("入伙交楼清单 · 3-2-1502", "业主：张伟（P00001）", "一、发放资料", "四、水电气表读数", "防火协议书",
                 "×2", "一份交业主，一份存档", "已办", "免办", "未办", "王芳", "尚有 19 项必办项目未办", "验收整改单（1）"):
        assert text in out, text
    blank = office.ok("--lang", "zh", "handover", "checklist", "3-2-1502", "--blank").stdout
    assert "[ ]" in blank and "业主签字" in blank and "已办" not in blank and "王芳" not in blank
    assert all(cell_len(line) <= 80 for line in blank.splitlines())


def test_blank_form_for_a_unit_without_handover(office):
    assert office("handover", "checklist", "3-2-1503").exit_code == 3
    out = office.ok("handover", "checklist", "3-2-1503", "--blank").stdout
    assert "Customer handbook" in out and "Owner: ____" in out


def test_html_form_is_private_escaped_and_printable(office, tmp_path):
    office.ok("person", "add", "--name", "<b>赵</b>")
    office.ok("handover", "start", "3-2-1502", "--owner", "<b>赵</b>")
    office.ok("handover", "tick", "3-2-1502", "1", "--note", "<script>x</script>")
    path = tmp_path / "form.html"
    office.ok("--lang", "zh", "handover", "checklist", "3-2-1502", "--html", str(path))
    html = path.read_text(encoding="utf-8")
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert "<script>x" not in html and "&lt;script&gt;" in html and "&lt;b&gt;赵" in html
    assert "@page" in html and "入伙交楼清单" in html and "业主签字" in html and "客户手册" in html
    blank = tmp_path / "blank.html"
    office.ok("handover", "checklist", "3-2-1502", "--blank", "--html", str(blank))
    assert 'class="box"></span>' in blank.read_text(encoding="utf-8")
    assert office("handover", "checklist", "3-2-1502", "--html", str(tmp_path / "no" / "dir.html")).exit_code == 1


# rectification orders ---------------------------------------------------------------------
@pytest.fixture
def unit_office(session):
    from pmcs.services import staff, units

    staff.add_staff(session, name="王芳", team="customer_service", role="clerk")
    staff.add_staff(session, name="刘工", team="engineering")
    units.add_unit(session, code="3-2-1502")
    return session


def local(iso):
    from pmcs.render.history import local_time

    return local_time(iso)


def test_small_defects_are_due_the_same_working_day_large_ones_in_7_days(unit_office):
    small = rect.add_defect(unit_office, "3-2-1502", "地漏堵塞", "small")
    large = rect.add_defect(unit_office, "3-2-1502", "墙面渗水", "大", handler="S002")
    assert local(small["due_at"]) == "2026-11-23 18:00"
    assert local(large["due_at"]) == "2026-11-30 09:30"
    given = rect.add_defect(unit_office, "3-2-1502", "门锁", "large", due="2026-12-05")
    assert local(given["due_at"]) == "2026-12-05 18:00"
    with pytest.raises(UserError):
        rect.add_defect(unit_office, "3-2-1502", "门锁", "large", due="2026-11-01")
    with pytest.raises(UserError):
        rect.add_defect(unit_office, "3-2-1502", "门锁", "medium")
    assert [r["number"] for r in rect.list_defects(unit_office)] == ["ZG-2026-0001", "ZG-2026-0002", "ZG-2026-0003"]


@pytest.mark.parametrize("start,due", [
    ("2026-11-23T19:00:00+08:00", "2026-11-24 18:00"),  # after hours: the next working day
    ("2026-10-01T10:00:00+08:00", "2026-10-08 18:00"),  # National Day: the first working day after
    ("2026-11-21T10:00:00+08:00", "2026-11-23 18:00"),  # a Saturday
])
def test_same_day_follows_the_working_day_calendar(start, due):
    from zoneinfo import ZoneInfo

    from pmcs.core.sla import DEFAULT_SLA

    tz = ZoneInfo("Asia/Shanghai")
    moment = rules.fix_due("small", datetime.fromisoformat(start), sla_table=DEFAULT_SLA, calendar=WorkCalendar(),
                           tz=tz)
    assert moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") == due


def test_fix_then_revisit_within_24h_unsatisfied_reopens(unit_office):
    r = rect.add_defect(unit_office, "3-2-1502", "墙面渗水", "large")
    with pytest.raises(NotAllowed):
        rect.revisit(unit_office, r["number"], "satisfied")
    fixed = rect.fix(unit_office, "1", "已修补")
    assert fixed["status"] == "fixed" and local(fixed["revisit_due_at"]) == "2026-11-24 09:30"
    with pytest.raises(NotAllowed):
        rect.fix(unit_office, r["number"])
    again = rect.revisit(unit_office, r["number"], "不满意", "仍渗水")
    assert again["status"] == "open" and again["reopen_count"] == 1 and again["fixed_at"] is None
    rect.fix(unit_office, r["number"])
    closed = rect.revisit(unit_office, r["number"], "satisfied")
    assert closed["status"] == "closed" and closed["closed_at"]
    with pytest.raises(NotAllowed):
        rect.fix(unit_office, r["number"])


def test_defects_are_due_items_and_list_filters(unit_office, pmcs):
    rect.add_defect(unit_office, "3-2-1502", "地漏堵塞", "small", handler="刘工")
    big = rect.add_defect(unit_office, "3-2-1502", "墙面渗水", "large")
    fixed = rect.fix(unit_office, big["number"])
    items = {i.ref: i for i in due_items(unit_office, "2026-11-25T00:00:00Z", sources=["rectification"])}
    assert set(items) == {"ZG-2026-0001", "ZG-2026-0002"}
    assert items["ZG-2026-0001"].owner == "S002" and items["ZG-2026-0001"].kind == "rectification"
    assert items["ZG-2026-0002"].due_at == fixed["revisit_due_at"] == "2026-11-24T01:30:00Z"
    assert not list(due_items(unit_office, "2026-11-23T09:00:00Z", sources=["rectification"]))
    pmcs_overdue = pmcs.ok("handover", "defect", "list", "--overdue", "--format", "json").stdout
    assert json.loads(pmcs_overdue) == []  # 09:30 on the day: nothing late yet
    listed = json.loads(pmcs.ok("handover", "defect", "list", "--open", "--format", "json").stdout)
    assert [r["number"] for r in listed] == ["ZG-2026-0001", "ZG-2026-0002"]


def test_defect_refusals(office):
    before = office.dump()
    assert office("handover", "defect", "add", "3-2-1502", "x", "--size", "huge").exit_code == 1
    assert office("handover", "defect", "add", "3-2-1502", "x", "--size", "small", "--handler", "S999").exit_code == 3
    assert office("handover", "defect", "add", "9-9-999", "x", "--size", "small").exit_code == 3
    assert office("handover", "defect", "add", "3-2-1502", "  ", "--size", "small").exit_code == 1
    assert office("handover", "defect", "fix", "ZG-2026-0042").exit_code == 3
    assert office.dump() == before
    office.ok("handover", "defect", "add", "3-2-1502", "x", "--size", "small")
    assert office("handover", "defect", "revisit", "1", "--verdict", "满意").exit_code == 4
    assert office("handover", "defect", "revisit", "1", "--verdict", "great").exit_code == 1


def test_history_of_the_unit_shows_the_handover_with_who(office):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    office.ok("handover", "tick", "3-2-1502", "meter_water", "--value", "12.5")
    out = office.ok("history", "3-2-1502", "--format", "json").stdout
    events = json.loads(out)
    tick = next(e for e in events if e["action"] == "tick")
    assert tick["actor"] == "S001" and tick["after"] == {"item": "meter_water", "state": "done", "value": "12.5",
                                                          "note": None}


def test_list_shows_progress(office):
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    office.ok("handover", "tick", "3-2-1502", "1")
    rows = json.loads(office.ok("handover", "list", "--format", "json").stdout)
    assert rows[0]["unit"] == "3-2-1502" and rows[0]["settled"] == 1 and rows[0]["blocking"] == 20
    assert office("handover", "list", "--status", "nonsense").exit_code == 1


def test_the_checklist_marks_overdue_orders_in_words(office, monkeypatch, tmp_path):
    """Colour does not survive a printer or a pipe: an overdue order says so."""
    office.ok("handover", "start", "3-2-1502", "--owner", "张伟")
    monkeypatch.setenv("PMCS_NOW", "2026-11-20T10:00+08:00")
    office.ok("handover", "defect", "add", "3-2-1502", "地漏堵塞", "--size", "small")  # due 11-20 18:00
    monkeypatch.setenv("PMCS_NOW", "2026-11-23T09:30+08:00")
    office.ok("handover", "defect", "add", "3-2-1502", "插座无电", "--size", "small")  # due today 18:00
    lines = office.ok("--lang", "zh", "handover", "checklist", "3-2-1502").stdout.splitlines()
    assert [line for line in lines if "已逾期" in line] == [next(line for line in lines if "地漏堵塞" in line)]
    path = tmp_path / "form.html"
    office.ok("--lang", "zh", "handover", "checklist", "3-2-1502", "--html", str(path))
    assert path.read_text(encoding="utf-8").count("已逾期") == 1


def test_the_handler_fixes_and_the_desk_revisits(unit_office):
    """Reminders go to who acts next: the fix to the handler, the revisit to the clerk who recorded it."""
    order = rect.add_defect(unit_office, "3-2-1502", "墙面渗水", "large", handler="刘工")
    assert [i.owner for i in due_items(unit_office, "2026-12-31T00:00:00Z", sources=["rectification"])] == ["S002"]
    rect.fix(unit_office, order["number"])
    assert [i.owner for i in due_items(unit_office, "2026-12-31T00:00:00Z", sources=["rectification"])] == ["S001"]
