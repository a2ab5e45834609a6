"""Cases through the command line: a complaint through all 8 steps with a fixed
clock, refused moves (exit 4, nothing written), list filters and formats,
hold/resume/cancel/reopen, repair reassign/return, categories, repeat window."""
import csv
import io
import json
import re

import pytest

ADD = ["complaint", "add", "--channel", "phone", "--description", "厨房水管漏水", "--remedy", "尽快维修"]
STEPS = [  # (fields to finish the current step, step after it)
    (["--nature", "valid", "--severity", "general"], "investigated"),
    (["--cause", "管道老化"], "assigned"),
    (["--handler", "刘工"], "proposed"),
    (["--solution", "更换水管", "--promise", "2026-11-30"], "replied"),
    (["--reply", "已告知维修安排", "--reply-channel", "phone"], "revisited"),
    (["--verdict", "satisfied", "--comment", "满意"], "evaluated"),
    (["--lesson", "定期巡检", "--note", "已归档"], "closed"),
]


def at(monkeypatch, local: str) -> None:
    """Fix the clock (local time, Asia/Shanghai) for the next commands."""
    monkeypatch.setenv("PMCS_NOW", local + "+08:00")


def as_json(result):
    return json.loads(result.stdout)


@pytest.fixture
def office(pmcs, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")  # S001
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "engineering")  # S002
    pmcs.ok("staff", "add", "--name", "李娜", "--team", "customer_service", "--role", "clerk")  # S003
    for code in ("3-2-1502", "3-2-1501", "5-1-801"):
        pmcs.ok("unit", "add", code)
    return pmcs


def add_complaint(pmcs, unit="3-2-1502", category="engineering", actor="王芳"):
    out = pmcs.ok(*ADD, "--unit", unit, "--category", category, actor=actor).stdout
    return out.split()[0]


def advance_to(pmcs, number, step):
    for fields, after in STEPS:
        current = as_json(pmcs.ok("complaint", "show", number, "--format", "json"))["step"]
        if current == step:
            return
        pmcs.ok("complaint", "advance", number, *fields)


# the 8 steps ----------------------------------------------------------------------
def test_a_complaint_goes_through_all_eight_steps_with_exact_times(office, monkeypatch):
    at(monkeypatch, "2026-11-23T09:30")
    out = office.ok(*ADD, "--unit", "3-2-1502", "--category", "工程维修").stdout
    assert out == "TS-2026-0001 recorded; next: classified, due 2026-11-23 11:30.\n"
    minute = 30
    for fields, after in STEPS:
        at(monkeypatch, f"2026-11-23T{9 + (minute + 30) // 60:02d}:{(minute + 30) % 60:02d}")
        minute += 30
        out = office.ok("complaint", "advance", "TS-2026-0001", *fields).stdout
        assert out.startswith("TS-2026-0001 closed." if after == "closed" else f"TS-2026-0001: now {after}, due ")
    case = as_json(office.ok("complaint", "show", "1", "--format", "json"))
    assert case["status"] == "closed" and case["closed_at"] == "2026-11-23T05:00:00Z"
    timeline = [(s["step"], s["started_at"], s["due_at"], s["done_at"], s["actor"]) for s in case["steps"]]
    assert timeline == [
        ("recorded", "2026-11-23T01:30:00Z", None, "2026-11-23T01:30:00Z", "S001"),
        ("classified", "2026-11-23T01:30:00Z", "2026-11-23T03:30:00Z", "2026-11-23T02:00:00Z", "S001"),
        ("investigated", "2026-11-23T02:00:00Z", "2026-11-24T02:00:00Z", "2026-11-23T02:30:00Z", "S001"),
        ("assigned", "2026-11-23T02:30:00Z", "2026-11-23T06:30:00Z", "2026-11-23T03:00:00Z", "S001"),
        ("proposed", "2026-11-23T03:00:00Z", "2026-11-24T03:00:00Z", "2026-11-23T03:30:00Z", "S001"),
        ("replied", "2026-11-23T03:30:00Z", "2026-11-24T01:30:00Z", "2026-11-23T04:00:00Z", "S001"),
        ("revisited", "2026-11-23T04:00:00Z", "2026-12-01T10:00:00Z", "2026-11-23T04:30:00Z", "S001"),
        ("evaluated", "2026-11-23T04:30:00Z", "2026-11-26T04:30:00Z", "2026-11-23T05:00:00Z", "S001"),
    ]
    monkeypatch.setenv("COLUMNS", "200")  # wide: the details are the timeline's last column
    table = office.ok("complaint", "show", "TS-2026-0001").stdout
    timeline = table.split("\nTimeline\n")[1].splitlines()
    assert timeline[0].split() == ["step", "started", "due", "ended", "who", "late", "by", "details"]
    rows = {line.split("  ")[0]: line for line in timeline[2:]}
    for step, started, due, done in (("classified", "11-23 09:30", "11-23 11:30", "11-23 10:00"),
                                     ("revisited", "11-23 12:00", "12-01 18:00", "11-23 12:30"),
                                     ("evaluated", "11-23 12:30", "11-26 12:30", "11-23 13:00")):
        cells = re.split(r"\s{2,}", rows[step])
        assert cells[:5] == [step, started, due, done, "S001"], cells
    assert "verdict: satisfied" in rows["revisited"] and "已归档" in rows["evaluated"]
    assert "S001" in table and "S002" in table  # acceptor and handler

    history = as_json(office.ok("history", "TS-2026-0001", "--format", "json"))
    assert [(e["at"], e["action"]) for e in history] == [("2026-11-23T01:30:00Z", "create")] + [
        (f"2026-11-23T0{2 + i // 2}:{'30' if i % 2 else '00'}:00Z", "advance") for i in range(7)]
    assert history[1]["after"]["step"] == "investigated" and history[1]["after"]["due_at"] == "2026-11-24T02:00:00Z"
    assert all(e["actor"] == "S001" for e in history)  # 王芳, recorded by code
    shown = office.ok("history", "TS-2026-0001").stdout
    assert shown.count("advanced") == 7 and "2026-11-23 13:00" in shown


def test_skipping_a_step_exits_4_naming_the_next_step_and_what_it_needs(office):
    number = add_complaint(office)
    before = office.dump()
    skipped = office("complaint", "advance", number, "--cause", "管道老化")
    assert skipped.exit_code == 4
    assert "'classified'" in skipped.stderr and "needs --nature, --severity" in skipped.stderr
    assert "'investigated'" in skipped.stderr  # where --cause belongs
    missing = office("complaint", "advance", number, "--nature", "valid")
    assert missing.exit_code == 4 and "step 'classified' needs --severity" in missing.stderr
    assert office.dump() == before


def test_a_move_refused_at_this_step_names_the_steps_by_their_labels_in_chinese(office):
    number = office.ok("repair", "add", "--unit", "3-2-1502", "--description", "漏水").stdout.split()[0]
    result = office("--lang", "zh", "repair", "return", number, "--reason", "x")
    assert result.exit_code == 4 and "确认报修内容 (confirmed)" in result.stderr and "完成维修 (completed)" in result.stderr


def test_refusals_in_chinese_name_the_step_by_its_label_and_keep_the_option_names(office):
    number = add_complaint(office)
    skipped = office("--lang", "zh", "complaint", "advance", number, "--cause", "管道老化")
    assert skipped.exit_code == 4
    assert "判定投诉性质 (classified)" in skipped.stderr and "--nature, --severity" in skipped.stderr
    assert "--cause 属于步骤“调查分析原因 (investigated)”" in skipped.stderr
    new = office("--lang", "zh", "complaint", "add", "--unit", "3-2-1502", "--channel", "phone")
    assert new.exit_code == 1 and "新的投诉记录需要 --category" in new.stderr
    office.ok("complaint", "hold", number, "--reason", "等业主")
    held = office("--lang", "zh", "complaint", "advance", number, "--nature", "valid", "--severity", "general")
    assert held.exit_code == 4 and "状态为 暂停" in held.stderr


def test_a_major_complaint_cannot_leave_investigated_without_onsite_note_and_measures(office):
    number = add_complaint(office)
    office.ok("complaint", "advance", number, "--nature", "有效", "--severity", "重大")
    refused = office("complaint", "advance", number, "--cause", "管道老化")
    assert refused.exit_code == 4 and "--onsite-note, --emergency-measures" in refused.stderr
    office.ok("complaint", "advance", number, "--cause", "管道老化", "--onsite-note", "积水 5cm",
              "--emergency-measures", "关闭总阀")


def test_add_off_a_terminal_with_missing_fields_exits_1_and_writes_nothing(office):
    before = office.dump()
    result = office("complaint", "add", "--unit", "3-2-1502", "--channel", "phone")
    assert result.exit_code == 1
    assert "--category" in result.stderr and "--description" in result.stderr and "--remedy" in result.stderr
    assert result.stdout == "" and office.dump() == before
    nobody = office("complaint", "add", "--channel", "phone", "--category", "fees", "--description", "x",
                    "--remedy", "y")
    assert nobody.exit_code == 1 and "needs --unit or --person\n" in nobody.stderr  # either will do
    assert office.dump() == before


# list -----------------------------------------------------------------------------
@pytest.fixture
def cases(office, monkeypatch):
    """c1 at proposed (handler 刘工), c2 by 李娜 (fees), c3 a repeat of c1, c4 closed, c5 cancelled, c6 fresh."""
    at(monkeypatch, "2026-11-20T09:00")
    c1 = add_complaint(office)
    advance_to(office, c1, "proposed")
    at(monkeypatch, "2026-11-21T09:00")
    c2 = add_complaint(office, unit="3-2-1501", category="物业收费", actor="李娜")
    at(monkeypatch, "2026-11-22T09:00")
    c3 = add_complaint(office)
    c4 = add_complaint(office, unit="5-1-801", category="security")
    advance_to(office, c4, "closed")
    c5 = add_complaint(office, unit="5-1-801", category="parking")
    office.ok("complaint", "cancel", c5, "--reason", "重复登记")
    at(monkeypatch, "2026-11-23T09:30")
    c6 = add_complaint(office, unit="5-1-801", category="landscaping")
    return [c1, c2, c3, c4, c5, c6]


def numbers(pmcs, *args):
    return [r["number"] for r in as_json(pmcs.ok("complaint", "list", *args, "--format", "json"))]


def test_list_filters(cases, office):
    c1, c2, c3, c4, c5, c6 = cases
    assert numbers(office) == [c1, c2, c3, c6]  # open, by due time
    assert numbers(office, "--overdue") == [c1, c2, c3]
    assert numbers(office, "--step", "classified") == [c2, c3, c6]
    assert numbers(office, "--unit", "3-2-1502") == [c1, c3]
    assert numbers(office, "--category", "物业收费") == [c2]
    assert numbers(office, "--acceptor", "李娜") == [c2]
    assert numbers(office, "--handler", "S002") == [c1]
    assert numbers(office, "--since", "2026-11-22") == [c3, c6]
    assert numbers(office, "--repeat") == [c3]
    assert set(numbers(office, "--closed")) == {c4, c5}
    assert len(numbers(office, "--state", "all")) == 6
    assert numbers(office, "--overdue", "--unit", "3-2-1502", "--step", "classified") == [c3]


def test_list_takes_steps_and_states_by_code_english_or_chinese_name(cases, office, monkeypatch):
    c1, c2, c3, c4, c5, c6 = cases
    for step in ("proposed", "Proposed", "提出解决方案"):
        assert numbers(office, "--step", step) == [c1]
    assert numbers(office, "--step", "判定投诉性质") == [c2, c3, c6]
    assert numbers(office, "--step", "已结案", "--state", "all") == [c4]
    for closed in ("closed", "已结束", "已结案"):
        assert set(numbers(office, "--state", closed)) == {c4, c5}
    assert numbers(office, "--state", "处理中") == [c1, c2, c3, c6]
    assert len(numbers(office, "--state", "全部")) == 6
    assert office("complaint", "list", "--overdue", "--state", "已结案").exit_code == 2
    exported = csv.DictReader(io.StringIO(office.ok("complaint", "export", "--state", "已结束").stdout.lstrip("\ufeff")))
    assert {r["number"] for r in exported} == {c4, c5}
    bad = office("complaint", "list", "--state", "暂停")
    assert bad.exit_code == 2 and "全部" in bad.stderr
    monkeypatch.setenv("COLUMNS", "200")
    office.ok("repair", "add", "--unit", "3-2-1502", "--description", "灯不亮")
    office.ok("repair", "advance", "1", "--urgency", "normal", "--paid", "free")
    for step in ("派单", "dispatched"):
        rows = as_json(office.ok("repair", "list", "--step", step, "--format", "json"))
        assert [r["number"] for r in rows] == ["BX-2026-0001"]
    assert as_json(office.ok("repair", "list", "--state", "已结单", "--format", "json")) == []
    assert office("repair", "list", "--step", "回访").exit_code == 0
    assert office("repair", "list", "--step", "答复业主").exit_code == 1  # a complaint's step


def test_list_puts_overdue_first_in_red_rows_and_counts(cases, office):
    table = office.ok("complaint", "list").stdout.splitlines()
    assert table[0] == "Complaints" and table[1].split()[:3] == ["No.", "step", "unit"]
    lines = table[3:-1]
    assert [line.split()[0] for line in lines] == [cases[0], cases[1], cases[2], cases[5]]
    assert table[-1] == "4 cases"
    assert lines[2].split()[:2] == [cases[2], "R"]  # the repeat flag
    assert "\x1b[31m" not in "".join(table)  # colour only on a terminal
    assert lines[0].split()[-1] == "2d0h"  # due 11-21 09:00, now 11-23 09:30
    assert lines[3].split()[-2:] == ["11-23", "11:30"]  # not overdue: no late column


def test_a_list_cut_by_limit_says_how_many_there_are(cases, office, monkeypatch):
    assert office.ok("complaint", "list", "--limit", "2").stdout.splitlines()[-1] == "2 of 4 cases shown (--limit)"
    zh = office.ok("--lang", "zh", "complaint", "list", "--limit", "3").stdout.splitlines()[-1]
    assert zh == "共 4 条，显示前 3 条（--limit）"
    assert office.ok("complaint", "list", "--limit", "4").stdout.splitlines()[-1] == "4 cases"  # nothing cut
    assert office.ok("complaint", "list", "--limit", "0").stdout.splitlines()[-1] == "4 cases"  # 0 = all
    assert office.ok("complaint", "list", "--overdue", "--limit", "1").stdout.splitlines()[-1] == \
        "1 of 3 cases shown (--limit)"
    assert office.ok("complaint", "list", "--closed", "--unit", "5-1-801", "--limit", "1").stdout.splitlines()[-1] == \
        "1 of 2 cases shown (--limit)"
    monkeypatch.setattr("pmcs.services.cases.COUNT_UPTO", 3)  # the count stops: a million closed cases
    assert office.ok("complaint", "list", "--state", "all", "--limit", "2").stdout.splitlines()[-1] == \
        "2 of more than 3 cases shown (--limit)"


def test_list_formats(cases, office):
    rows = as_json(office.ok("complaint", "list", "--state", "all", "--format", "json"))
    assert {r["number"]: r["status"] for r in rows}[cases[4]] == "cancelled"
    lines = office.ok("complaint", "list", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["number"] for line in lines] == [cases[0], cases[1], cases[2], cases[5]]
    assert json.loads(lines[0])["overdue"] is True and json.loads(lines[-1])["overdue"] is False
    parsed = list(csv.DictReader(io.StringIO(office.ok("complaint", "list", "--format", "csv").stdout)))
    assert [r["number"] for r in parsed] == [cases[0], cases[1], cases[2], cases[5]]
    assert parsed[1]["acceptor"] == "S003" and parsed[0]["handler"] == "S002"
    bad = office("complaint", "list", "--format", "xml")
    assert bad.exit_code == 2


def test_list_refuses_unknown_filters_with_one_line(cases, office):
    assert office("complaint", "list", "--step", "nowhere").exit_code == 1
    assert office("complaint", "list", "--unit", "9-9-999").exit_code == 3
    assert office("complaint", "list", "--category", "nothing").exit_code == 1
    assert office("complaint", "list", "--state", "maybe").exit_code == 2
    both = office("complaint", "list", "--overdue", "--closed")
    assert both.exit_code == 2 and "--closed" in both.stderr


def test_list_offers_only_the_filters_that_mean_something_for_the_kind(cases, office):
    """Repairs and requests have no category and are never flagged repeats; requests have no handler:
    those filters returned 0 rows silently, now they are no options of theirs."""
    for kind, absent in (("repair", ("--category", "--repeat", "--about")),
                         ("request", ("--category", "--repeat", "--about", "--handler"))):
        shown = office.ok(kind, "list", "--help").stdout
        assert not [o for o in absent if o in shown] and "repeat complaints" not in shown
        for option in absent:
            args = [option] if option == "--repeat" else [option, "x"]
            assert office(kind, "list", *args).exit_code == 2, (kind, option)
    assert "--handler" in office.ok("repair", "list", "--help").stdout
    assert numbers(office, "--repeat") == [cases[2]]


# hold, resume, cancel, reopen --------------------------------------------------------
def test_a_case_on_hold_is_marked_in_the_list_even_at_80_columns(office, monkeypatch):
    number = add_complaint(office)
    advance_to(office, number, "assigned")
    office.ok("complaint", "hold", number, "--reason", "等业主回复")
    monkeypatch.setenv("COLUMNS", "80")
    for lang, mark in (("en", "on hold"), ("zh", "暂停")):
        row = [line for line in office.ok("--lang", lang, "complaint", "list").stdout.splitlines() if number in line]
        assert len(row) == 1 and row[0].rstrip().endswith(mark), row


def test_hold_resume_cancel_reopen(office, monkeypatch):
    at(monkeypatch, "2026-11-23T09:30")
    number = add_complaint(office)
    assert office("complaint", "hold", number).exit_code == 2  # --reason is required
    assert office.ok("complaint", "hold", number, "--reason", "等业主回复").stdout == f"{number} on hold.\n"
    assert office("complaint", "advance", number, "--nature", "valid", "--severity", "general").exit_code == 4
    at(monkeypatch, "2026-11-23T12:30")
    assert office.ok("complaint", "resume", number).stdout == f"{number} resumed; due 2026-11-23 14:30.\n"
    assert office("complaint", "resume", number).exit_code == 4
    assert office("complaint", "reopen", number, "--reason", "x").exit_code == 4  # not closed
    advance_to(office, number, "closed")
    out = office.ok("complaint", "reopen", number, "--reason", "业主再次反映").stdout
    assert out.startswith(f"{number} reopened at investigated, due ")
    case = as_json(office.ok("complaint", "show", number, "--format", "json"))
    assert case["status"] == "open" and case["reopen_count"] == 1 and "cause" not in case["values"]
    office.ok("complaint", "cancel", number, "--reason", "业主撤回")
    before = office.dump()
    for args in (("resume", number), ("hold", number, "--reason", "x"), ("cancel", number, "--reason", "x"),
                 ("reopen", number, "--reason", "x"), ("advance", number, "--cause", "x")):
        assert office("complaint", *args).exit_code == 4, args
    assert office.dump() == before
    actions = [e["action"] for e in as_json(office.ok("history", number, "--format", "json"))]
    assert actions[:3] == ["create", "hold", "resume"] and actions[-2:] == ["reopen", "cancel"]


def test_unsatisfied_revisit_reopens_from_the_cli(office):
    number = add_complaint(office)
    advance_to(office, number, "revisited")
    out = office.ok("complaint", "advance", number, "--verdict", "不满意", "--comment", "还在漏").stdout
    assert out.startswith(f"{number}: now investigated, due ")
    assert as_json(office.ok("complaint", "show", number, "--format", "json"))["reopen_count"] == 1
    assert "↻" in office.ok("complaint", "list").stdout


def test_unknown_case_exits_3(office):
    result = office("complaint", "show", "TS-2026-0099")
    assert result.exit_code == 3 and "TS-2026-0099" in result.stderr


# repairs ------------------------------------------------------------------------
def test_repair_reassign_and_return(office, monkeypatch):
    at(monkeypatch, "2026-11-23T09:30")
    out = office.ok("repair", "add", "--unit", "3-2-1502", "--description", "卫生间地漏堵塞").stdout
    number = out.split()[0]
    assert number == "BX-2026-0001"
    office.ok("repair", "advance", number, "--urgency", "紧急", "--paid", "无偿")
    assert office("repair", "reassign", number, "--handler", "刘工").exit_code == 4  # not dispatched yet
    office.ok("repair", "advance", number, "--handler", "刘工")
    assert office.ok("repair", "reassign", number, "--technician", "王芳").stdout == f"{number} reassigned to S001.\n"
    assert office("repair", "return", number).exit_code == 2  # --reason is required
    at(monkeypatch, "2026-11-23T10:00")
    out = office.ok("repair", "return", number, "--reason", "需要厂家配件").stdout
    assert out == f"{number}: now dispatched, due 2026-11-23 10:30.\n"  # emergency: 30 min
    case = as_json(office.ok("repair", "show", number, "--format", "json"))
    assert case["handler"] is None and case["step"] == "dispatched"
    assert case["steps"][-2]["fields"] == {"returned": True} and case["steps"][-2]["note"] == "需要厂家配件"
    actions = [e["action"] for e in as_json(office.ok("history", number, "--format", "json"))]
    assert actions == ["create", "advance", "advance", "reassign", "return"]


@pytest.mark.parametrize("fee", ["-5", "1e308", "nan", "abc"])
def test_a_repair_fee_is_an_amount_in_yuan(office, fee):
    number = office.ok("repair", "add", "--unit", "3-2-1502", "--description", "水龙头漏水").stdout.split()[0]
    office.ok("repair", "advance", number, "--urgency", "normal", "--paid", "paid")
    office.ok("repair", "advance", number, "--handler", "刘工")
    before = office.dump()
    result = office("repair", "advance", number, "--work-done", "换阀芯", "--fee", fee)
    assert result.exit_code == 1 and "fee" in result.stderr and "Traceback" not in result.stderr
    assert office.dump() == before
    office.ok("repair", "advance", number, "--work-done", "换阀芯", "--fee", "¥80.50")
    assert as_json(office.ok("repair", "show", number, "--format", "json"))["values"]["fee"] == 80.5


def test_a_promise_is_not_dated_before_the_complaint(office):
    number = add_complaint(office)
    advance_to(office, number, "proposed")
    before = office.dump()
    result = office("complaint", "advance", number, "--solution", "更换", "--promise", "2020-01-01")
    assert result.exit_code == 1 and "2026-11-23" in result.stderr
    assert office.dump() == before
    office.ok("complaint", "advance", number, "--solution", "更换", "--promise", "2026-11-23")


def test_show_tells_a_return_from_work_done_and_shows_the_reassignment(office, monkeypatch):
    """退单 is not the step done: the timeline says returned, with the reason, and no 'returned: True';
    转单 leaves no step row, but is shown under the step it happened in."""
    monkeypatch.setenv("COLUMNS", "200")
    at(monkeypatch, "2026-11-23T09:30")
    office.ok("repair", "add", "--unit", "3-2-1502", "--description", "卫生间地漏堵塞")
    office.ok("repair", "advance", "1", "--urgency", "normal", "--paid", "free")
    office.ok("repair", "advance", "1", "--handler", "刘工")
    at(monkeypatch, "2026-11-23T10:00")
    office.ok("repair", "reassign", "1", "--handler", "王芳", "--note", "刘工请假", actor="李娜")
    office.ok("repair", "return", "1", "--reason", "没配件")
    lines = office.ok("repair", "show", "1").stdout.split("\nTimeline\n")[1].splitlines()[2:]
    cells = [re.split(r"\s{2,}", line.strip()) for line in lines]
    assert [c[0] for c in cells] == ["received", "confirmed", "dispatched", "completed — returned", "↳ reassigned",
                                     "dispatched"]
    assert cells[3][-1] == "reason: 没配件" and "True" not in "".join(lines)
    assert cells[4][1:] == ["11-23 10:00", "11-23 10:00", "S003", "handler: S002 → S001; 刘工请假"]  # 李娜
    zh = office.ok("--lang", "zh", "repair", "show", "1").stdout
    assert "完成维修 — 退单" in zh and "原因: 没配件" in zh and "↳ 转单" in zh and "已退单" not in zh
    moves = as_json(office.ok("repair", "show", "1", "--format", "json"))["moves"]
    assert [(m["action"], m["actor"], m["after"]["handler"]) for m in moves] == [("reassign", "S003", "S001")]
    cancelled = office.ok("complaint", "add", "--unit", "3-2-1502", "--channel", "phone", "--category", "fees",
                          "--description", "x", "--remedy", "y").stdout.split()[0]
    office.ok("complaint", "cancel", cancelled, "--reason", "重复登记")
    shown = office.ok("complaint", "show", cancelled).stdout
    assert "classified — cancelled" in shown and "reason: 重复登记" in shown and "True" not in shown


def test_request_praise_names_the_staff(office):
    out = office.ok("request", "add", "--unit", "3-2-1502", "--type", "表扬", "--description", "保安很负责",
                    "--praised", "刘工").stdout
    number = out.split()[0]
    assert number == "ZX-2026-0001"
    assert as_json(office.ok("request", "show", number, "--format", "json"))["values"]["praised"] == "S002"


# categories and the repeat window -------------------------------------------------------
def test_categories_add_disable_enable(office):
    out = office.ok("complaint", "categories", "add", "lift", "--en", "lifts", "--zh", "电梯", "--parent", "物业服务")
    assert out.stdout == "category lift added (电梯 / lifts).\n"
    assert office("complaint", "categories", "add", "lift", "--en", "x", "--zh", "y").exit_code == 1
    assert office("complaint", "categories", "add", "lift2", "--en", "lifts", "--zh", "升降梯").exit_code == 1
    assert office("complaint", "categories", "add", "sub", "--en", "s", "--zh", "子", "--parent", "lift").exit_code == 1
    assert office("complaint", "categories", "add", "Bad Code", "--en", "b", "--zh", "坏").exit_code == 1
    number = add_complaint(office, category="电梯")
    office.ok("complaint", "categories", "disable", "lift")
    assert office.ok("complaint", "categories", "disable", "lift").stdout.startswith("category lift is already")
    refused = office(*ADD, "--unit", "3-2-1501", "--category", "lift")
    assert refused.exit_code == 1 and "lift" in refused.stderr
    assert as_json(office.ok("complaint", "show", number, "--format", "json"))["category_label"] == "lifts"
    rows = as_json(office.ok("complaint", "categories", "list", "--format", "json"))
    assert {r["code"]: r["active"] for r in rows}["lift"] is False
    assert "disabled" in office.ok("complaint", "categories").stdout
    for text in ("lift", "lifts", "电梯"):  # a filter takes a disabled category: old complaints carry it
        listed = as_json(office.ok("complaint", "list", "--category", text, "--format", "json"))
        assert [r["number"] for r in listed] == [number]
    office.ok("complaint", "categories", "enable", "电梯")
    add_complaint(office, unit="3-2-1501", category="lift")
    events = office.rows("SELECT action, after FROM events WHERE entity = 'category' AND ref = 'lift' ORDER BY id")
    assert [e[0] for e in events] == ["create", "disable", "enable"]
    assert office("complaint", "categories", "disable", "nothing").exit_code == 3


def test_repeat_window_is_configurable(office, monkeypatch):
    assert office.ok("config", "get", "repeat-days").stdout == "30\n"
    at(monkeypatch, "2026-10-01T09:00")
    add_complaint(office)
    at(monkeypatch, "2026-11-10T09:00")  # 40 days later
    assert "repeat" not in office.ok(*ADD, "--unit", "3-2-1502", "--category", "engineering").stdout
    out = office.ok("config", "set", "repeat-days", "60").stdout
    assert out == "repeat-days is now 60 (was 30).\n"
    assert office.ok("config", "get", "repeat-days").stdout == "60\n"
    assert "repeat complaint" in office.ok(*ADD, "--unit", "3-2-1502", "--category", "engineering").stdout
    assert office.rows("SELECT value FROM meta WHERE key = 'repeat_days'") == [("60",)]
    events = office.rows("SELECT before, after FROM events WHERE entity = 'config' AND ref = 'repeat-days'")
    assert [(json.loads(b), json.loads(a)) for b, a in events] == [({"value": 30}, {"value": 60})]
    before = office.dump()
    for bad in ("0", "abc", "1000"):
        assert office("config", "set", "repeat-days", bad).exit_code == 1
    assert office("config", "set", "nothing", "3").exit_code == 1
    assert office.dump() == before


def test_a_deadline_in_an_unknown_year_warns_once(office, monkeypatch):
    office.ok("config", "sla", "set", "complaint.classified", "3wd")
    at(monkeypatch, "2026-12-30T09:00")
    result = office.ok(*ADD, "--unit", "3-2-1502", "--category", "fees")
    assert result.stderr.count("no data for 2027") == 1
    assert "due 2027-01-04 09:00" in result.stdout  # 2027: weekends only, so 1 January counts
    at(monkeypatch, "2026-11-23T09:00")
    quiet = office.ok(*ADD, "--unit", "3-2-1502", "--category", "fees")
    assert quiet.stderr == ""


def test_add_on_a_terminal_asks_for_what_is_missing_and_again_for_a_bad_choice(office, monkeypatch):
    monkeypatch.setattr("pmcs.cli.cases._interactive", lambda: True)
    out = office.ok("complaint", "add", input="3-2-1502\nphne\nphone\n物业收费\n电梯坏了\n尽快修好\n")
    assert "TS-2026-0001 recorded" in out.stdout and "phne" in out.stderr
    case = as_json(office.ok("complaint", "show", "1", "--format", "json"))
    assert (case["unit"], case["channel"], case["category"], case["values"]["remedy"]) == (
        "3-2-1502", "phone", "fees", "尽快修好")
    # praise needs the staff praised: asked once the type says it is praise
    office.ok("request", "add", "--unit", "3-2-1502", "--description", "保安很负责", input="praise\n刘工\n")
    assert as_json(office.ok("request", "show", "1", "--format", "json"))["values"]["praised"] == "S002"


def test_show_on_a_narrow_terminal_puts_the_details_below_the_timeline(office, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    number = add_complaint(office)
    advance_to(office, number, "assigned")
    lines = office.ok("complaint", "show", number).stdout.splitlines()
    assert "details" not in lines[lines.index("Timeline") + 1]  # no squeezed details column
    row = next(line for line in lines if line.startswith("investigated") and "11-23 09:30" in line)
    assert "cause" not in row  # times stay on one line, the details go below
    assert any(line.startswith("investigated") and "cause: 管道老化" in line for line in lines)
    assert all(len(line) <= 80 for line in lines if line.isascii())


def test_a_7wd_step_deadline_crosses_national_day_and_sla_changes_touch_new_steps_only(office, monkeypatch):
    office.ok("config", "sla", "set", "complaint.classified", "7wd")
    at(monkeypatch, "2025-09-30T15:20")
    out = office.ok(*ADD, "--unit", "3-2-1502", "--category", "fees").stdout
    assert out == "TS-2025-0001 recorded; next: classified, due 2025-10-16 15:20.\n"  # the calendar says the same
    assert office.ok("calendar", "workdays", "2025-09-30", "7").stdout == "2025-10-16\n"
    office.ok("config", "sla", "set", "complaint.classified", "1h")
    assert as_json(office.ok("complaint", "show", "TS-2025-0001", "--format", "json"))["due_at"] == "2025-10-16T07:20:00Z"
    out = office.ok(*ADD, "--unit", "3-2-1501", "--category", "fees").stdout
    assert out == "TS-2025-0002 recorded; next: classified, due 2025-09-30 16:20.\n"
