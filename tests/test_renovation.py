"""Renovation permits: the state table, documents, money in fen, passes, the
deposit refund 7 working days after a passed acceptance (Chinese calendar with
make-up workdays), and the due items for late refunds and overrunning works."""
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from pmcs.core import renovation as rules
from pmcs.core.calendar import WorkCalendar
from pmcs.core.sla import DEFAULT_SLA
from pmcs.errors import FieldError, NotAllowed, UserError
from pmcs.services.reminders import due_items

TZ = ZoneInfo("Asia/Shanghai")
ACTIONS = sorted({a for _, a in rules.MOVES} | {"refund", "close"})


# the state table ------------------------------------------------------------------------
@pytest.mark.parametrize("state", rules.STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_move_is_in_the_table_and_nothing_else_moves(state, action):
    reno = {"number": "RN-2026-0001", "status": state}
    target = rules.MOVES.get((state, action))
    if target is None:
        with pytest.raises(NotAllowed):
            rules.move(reno, action)
    else:
        assert rules.move(reno, action) == target


def test_the_main_path_of_states():
    path, state = [], "applied"
    for action in ("approve", "start", "accept_failed", "accept_passed", "refund", "close"):
        state = rules.MOVES[(state, action)]
        path.append(state)
    assert path == ["approved", "in_progress", "failed", "passed", "refunded", "closed"]
    assert not [a for (s, a) in rules.MOVES if s in ("closed", "cancelled")]


# money ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,fen", [("3000", 300000), ("3,000.50", 300050), ("¥3000", 300000), ("3000元", 300000),
                                      ("0.01", 1), ("12.3", 1230)])
def test_yuan_are_parsed_to_fen(text, fen):
    assert rules.parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "abc", "3.001", "-5", "0", "1e3", "100000000000"])
def test_bad_amounts_are_refused(text):
    with pytest.raises(FieldError):
        rules.parse_yuan(text)


def test_fen_are_shown_as_yuan_with_two_decimals():
    assert rules.yuan(300000) == "3,000.00" and rules.yuan(5) == "0.05" and rules.yuan(-123456) == "-1,234.56"
    assert rules.plain_yuan(250000) == "2500.00"
    assert rules.refund_amount(300000, 50000) == rules.Refund(300000, 50000, 250000, 0)
    assert rules.refund_amount(100000, 150000) == rules.Refund(100000, 150000, 0, 50000)


# the refund deadline ---------------------------------------------------------------------------
@pytest.mark.parametrize("accepted,due", [
    ("2025-09-30T15:00:00+08:00", "2025-10-16 18:00"),  # National Day + Mid-Autumn, make-up Saturday 10-11
    ("2026-02-13T10:00:00+08:00", "2026-03-02 18:00"),  # Spring Festival, make-up Saturdays 02-14 and 02-28
])
def test_refund_is_due_7_working_days_after_acceptance(accepted, due):
    moment = rules.refund_due(datetime.fromisoformat(accepted), sla_table=DEFAULT_SLA, calendar=WorkCalendar(), tz=TZ)
    assert moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M") == due


# the procedure through the command line ----------------------------------------------------------
@pytest.fixture
def office(pmcs):
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")
    pmcs.ok("unit", "add", "3-2-1502", "--status", "handed_over")
    pmcs.ok("unit", "add", "3-2-1503")
    pmcs.ok("person", "add", "--name", "张伟", "--unit", "3-2-1502")
    return pmcs


APPLY = ("--contractor", "美家装饰", "--manager", "李强", "--manager-phone", "13800001111")


def apply(pmcs, start="2026-11-25", end="2027-01-25", unit="3-2-1502"):
    return pmcs.ok("renovation", "apply", unit, *APPLY, "--start", start, "--end", end, "--workers", "4")


def ready(pmcs):
    apply(pmcs)
    pmcs.ok("renovation", "tick", "1", "manager_id")
    pmcs.ok("renovation", "tick", "1", "治安防火承诺书")
    pmcs.ok("renovation", "fee", "1", "--kind", "deposit", "--amount", "3000")
    pmcs.ok("renovation", "approve", "1")


def status(pmcs):
    return pmcs.rows("SELECT status FROM renovations")[0][0]


def test_apply_is_refused_for_a_unit_not_handed_over_and_with_bad_input(office):
    before = office.dump()
    assert office("renovation", "apply", "3-2-1503", *APPLY, "--start", "2026-11-25", "--end", "2026-12-25").exit_code == 4
    assert office("renovation", "apply", "3-2-1502", *APPLY[:4], "--manager-phone", "123",
                  "--start", "2026-11-25", "--end", "2026-12-25").exit_code == 1
    assert office("renovation", "apply", "3-2-1502", *APPLY, "--start", "2026-12-25", "--end", "2026-11-25").exit_code == 1
    assert office("renovation", "apply", "3-2-1502", *APPLY, "--start", "2026-11-25", "--end", "2026-12-25",
                  "--workers", "0").exit_code == 1
    assert office.dump() == before
    apply(office)
    assert office.rows("SELECT p.name FROM renovations r JOIN people p ON p.id = r.applicant_id") == [("张伟",)]
    assert office("renovation", "apply", "3-2-1502", *APPLY, "--start", "2026-12-25", "--end", "2027-01-25").exit_code == 4


def test_approve_needs_the_required_documents(office):
    apply(office)
    before = office.dump()
    r = office("--lang", "zh", "renovation", "approve", "1")
    assert r.exit_code == 4 and "施工负责人身份证复印件" in r.stderr and "治安防火承诺书" in r.stderr
    assert office.dump() == before
    office.ok("renovation", "tick", "1", "1")
    office.ok("renovation", "waive", "1", "fire_pledge", "--reason", "已在物业存档")
    office.ok("renovation", "approve", "1")
    assert status(office) == "approved"
    assert office("renovation", "tick", "1", "manager_id").exit_code == 4  # documents only while applied


def test_from_application_to_closing_with_deductions_in_the_refund(office):
    ready(office)
    office.ok("renovation", "fee", "1", "--kind", "management", "--amount", "500.50")
    office.ok("renovation", "pass", "1", "C001", "c002", "--holder", "李强")
    office.ok("renovation", "start", "1")
    assert office.rows("SELECT status FROM units WHERE code = '3-2-1502'") == [("renovating",)]
    office.ok("renovation", "inspect", "1", "--note", "现场整洁")
    office.ok("renovation", "inspect", "1", "--violation", "违规拆改承重墙", "--deduct", "500")
    office.ok("renovation", "accept", "1", "--passed")
    assert office.rows("SELECT status FROM units WHERE code = '3-2-1502'") == [("handed_over",)]

    before = office.dump()
    refused = office("renovation", "refund", "1")  # not a terminal, no --yes
    assert refused.exit_code == 2 and "2,500.00" in refused.stderr and "--yes" in refused.stderr
    assert office.dump() == before
    out = office.ok("renovation", "refund", "1", "--yes").stdout
    assert "2,500.00" in out and "3,000.00" in out and "500.00" in out
    assert office.rows("SELECT status, refund_fen FROM renovations") == [("refunded", 250000)]
    assert office.rows("SELECT kind, amount_fen FROM renovation_fees ORDER BY id") == [("deposit", 300000),
                                                                                    ("management", 50050)]

    assert office("renovation", "close", "1").exit_code == 4  # passes still out
    office.ok("renovation", "pass-return", "1", "C001", "C002")
    office.ok("renovation", "close", "1")
    assert status(office) == "closed"
    assert office("renovation", "refund", "1", "--yes").exit_code == 4


def test_every_money_figure_is_in_the_history_with_who_entered_it(office):
    ready(office)
    office.ok("renovation", "start", "1")
    office.ok("--as", "王芳", "renovation", "inspect", "1", "--violation", "噪音超时施工", "--deduct", "200")
    office.ok("renovation", "accept", "1", "--passed")
    office.ok("renovation", "refund", "1", "--yes")
    events = json.loads(office.ok("history", "RN-2026-0001", "--format", "json").stdout)
    money = [(e["actor"], e["action"], {k: v for k, v in e["after"].items() if k.endswith("_yuan")})
             for e in events if e["after"] and any(k.endswith("_yuan") for k in e["after"])]
    assert money == [
        ("S001", "fee", {"amount_yuan": "3000.00", "total_yuan": "3000.00"}),
        ("S001", "inspect", {"deduction_yuan": "200.00", "deductions_total_yuan": "200.00"}),
        ("S001", "refund", {"deposit_yuan": "3000.00", "deductions_yuan": "200.00", "refund_yuan": "2800.00"}),
    ]
    table = office.ok("--lang", "zh", "history", "RN-2026-0001").stdout
    assert "退保证金" in table and "2800.00" in table


@pytest.mark.parametrize("accepted,due", [("2025-09-30", "2025-10-16"), ("2026-02-13", "2026-03-02")])
def test_accept_on_a_date_sets_the_refund_due_date(office, accepted, due):
    apply(office, start="2025-08-01", end="2025-09-30")
    office.ok("renovation", "tick", "1", "manager_id")
    office.ok("renovation", "tick", "1", "fire_pledge")
    office.ok("renovation", "fee", "1", "--kind", "deposit", "--amount", "3000")
    office.ok("renovation", "approve", "1")
    office.ok("renovation", "start", "1")
    out = office.ok("renovation", "accept", "1", "--passed", "--date", accepted).stdout
    assert f"{due} 18:00" in out
    rows = json.loads(office.ok("renovation", "list", "--format", "json").stdout)
    assert rows[0]["overdue"] == "refund"  # both dates are long past on 2026-11-23
    assert rows[0]["refund_due_at"].startswith(due)


def test_failed_acceptance_then_passed(office):
    ready(office)
    office.ok("renovation", "start", "1")
    office.ok("renovation", "accept", "1", "--failed", "--note", "防水不合格")
    assert status(office) == "failed"
    assert office("renovation", "refund", "1", "--yes").exit_code == 4
    assert office("renovation", "accept", "1").exit_code == 2  # --passed or --failed
    office.ok("renovation", "accept", "1", "--passed")
    assert status(office) == "passed"


def test_a_passed_acceptance_is_not_dated_before_the_failed_one(office):
    """Dated before it, the refund would be counted from a day the works had failed, and fall
    due (even overdue) before the owner fixed anything."""
    apply(office, start="2026-10-01", end="2026-11-10")
    for doc in ("manager_id", "fire_pledge"):
        office.ok("renovation", "tick", "1", doc)
    office.ok("renovation", "fee", "1", "--kind", "deposit", "--amount", "3000")
    office.ok("renovation", "approve", "1")
    office.ok("renovation", "start", "1")
    office.ok("renovation", "accept", "1", "--failed", "--date", "2026-11-11")
    before = office.dump()
    result = office("--lang", "zh", "renovation", "accept", "1", "--passed", "--date", "2026-11-10")
    assert result.exit_code == 1 and "2026-11-11" in result.stderr and "未通过" in result.stderr
    assert office.dump() == before
    office.ok("renovation", "accept", "1", "--passed", "--date", "2026-11-11")  # the same day: fixed at once
    assert status(office) == "passed"


def test_overdue_refunds_and_overrunning_works_are_due_items(office, session):
    ready(office)  # works 2026-11-25 .. 2027-01-25: nothing due yet
    assert not due_items(session, "2026-12-31T00:00:00Z", sources=["refund", "renovation"])
    items = due_items(session, "2027-01-26T00:00:00Z", sources=["renovation"])
    assert [(i.kind, i.ref, i.due_at) for i in items] == [("renovation", "RN-2026-0001", "2027-01-25T10:00:00Z")]
    office.ok("renovation", "extend", "1", "--to", "2027-02-10")
    assert not due_items(session, "2027-01-26T00:00:00Z", sources=["renovation"])
    assert office("renovation", "extend", "1", "--to", "2027-01-01").exit_code == 1

    office.ok("renovation", "start", "1")
    office.ok("renovation", "accept", "1", "--passed", "--date", "2026-11-23")
    refund = due_items(session, "2026-12-31T00:00:00Z", sources=["refund"])
    assert [(i.kind, i.ref, i.due_at, i.owner) for i in refund] == [("refund", "RN-2026-0001", "2026-12-02T10:00:00Z",
                                                                      "S001")]
    assert "3,000.00" in refund[0].what
    assert json.loads(office.ok("renovation", "list", "--overdue", "--format", "json").stdout) == []
    assert [r["number"] for r in json.loads(office.ok("renovation", "list", "--active", "--format", "json").stdout)] \
        == ["RN-2026-0001"]


def test_no_refund_is_due_when_no_deposit_was_paid(office, session, monkeypatch):
    apply(office)
    office.ok("renovation", "tick", "1", "manager_id")
    office.ok("renovation", "tick", "1", "fire_pledge")
    office.ok("renovation", "approve", "1")
    office.ok("renovation", "start", "1")
    office.ok("renovation", "accept", "1", "--passed", "--date", "2026-11-23")
    assert not due_items(session, "2027-06-30T00:00:00Z", sources=["refund"])
    # a deposit recorded after the acceptance is due back on the same date
    office.ok("renovation", "fee", "1", "--kind", "deposit", "--amount", "2000")
    assert [i.due_at for i in due_items(session, "2027-06-30T00:00:00Z", sources=["refund"])] == [
        "2026-12-02T10:00:00Z"]
    office.ok("renovation", "fee", "1", "--kind", "deposit", "--amount", "-2000", "--note", "录错")
    assert not due_items(session, "2027-06-30T00:00:00Z", sources=["refund"])
    monkeypatch.setenv("PMCS_NOW", "2027-01-04T09:00+08:00")  # a month past the due date
    assert json.loads(office.ok("renovation", "list", "--overdue", "--format", "json").stdout) == []


def test_fee_corrections_and_cancel_with_a_deposit(office):
    apply(office)
    office.ok("renovation", "fee", "1", "--kind", "装修保证金", "--amount", "3000")
    before = office.dump()
    assert office("renovation", "fee", "1", "--kind", "deposit", "--amount", "-3000.01").exit_code == 1
    assert office("renovation", "fee", "1", "--kind", "tip", "--amount", "5").exit_code == 1
    r = office("renovation", "cancel", "1", "--reason", "业主暂缓装修")
    assert r.exit_code == 4 and "-3000.00" in r.stderr  # the hint shows how to record the deposit handed back
    assert office.dump() == before
    office.ok("renovation", "fee", "1", "--kind", "deposit", "--amount", "-3000", "--note", "退回")
    office.ok("renovation", "cancel", "1", "--reason", "业主暂缓装修")
    assert status(office) == "cancelled"
    apply(office)  # a cancelled one does not block a new application


def test_passes_are_unique_while_out(office):
    ready(office)
    office.ok("renovation", "pass", "1", "C001")
    before = office.dump()
    assert office("renovation", "pass", "1", "C001").exit_code == 1
    assert office("renovation", "pass", "1", "C002", "C002").exit_code == 1
    assert office("renovation", "pass", "1", "bad pass!").exit_code == 1
    assert office("renovation", "pass-return", "1", "C009").exit_code == 1
    assert office.dump() == before


def test_inspect_needs_something_to_record(office):
    ready(office)
    assert office("renovation", "inspect", "1").exit_code == 1
    assert office("renovation", "inspect", "1", "--deduct", "100", "--note", "x").exit_code == 1
    assert office("renovation", "inspect", "1", "--violation", "x", "--deduct", "abc").exit_code == 1
    assert office("renovation", "inspect", "RN-2026-0099", "--note", "x").exit_code == 3


def test_show_masks_the_phone_and_lists_money(office):
    ready(office)
    out = office.ok("--lang", "zh", "renovation", "show", "RN-2026-0001").stdout
    assert "138****1111" in out and "3,000.00" in out and "装修保证金" in out and "王芳" in out
    data = json.loads(office.ok("renovation", "show", "1", "--format", "json").stdout)
    assert data["manager_phone"] == "138****1111" and data["deposit_fen"] == 300000
    revealed = json.loads(office.ok("renovation", "show", "1", "--format", "json", "--reveal").stdout)
    assert revealed["manager_phone"] == "13800001111"


def test_refund_due_date_in_service_is_counted_from_the_acceptance_day(session):
    from pmcs.services import renovation as svc
    from pmcs.services import staff, units

    staff.add_staff(session, name="王芳", team="customer_service", role="clerk")
    units.add_unit(session, code="1-1-101", status="occupied")
    r = svc.apply(session, "1-1-101", contractor="甲", manager="乙", manager_phone="13800001111",
                  start="2026-01-05", end="2026-02-10")
    for doc in ("manager_id", "fire_pledge"):
        svc.tick_doc(session, r["number"], doc)
    svc.approve(session, r["number"])
    svc.start_works(session, r["number"])
    with pytest.raises(UserError):
        svc.accept(session, r["number"], True, date="2025-12-31")  # before the works began
    done = svc.accept(session, r["number"], True, date="2026-02-13")
    assert done["accepted_on"] == "2026-02-13"
    assert datetime.fromisoformat(done["refund_due_at"].replace("Z", "+00:00")).astimezone(TZ).date() == date(2026, 3, 2)
    assert session.db.scalar("SELECT status FROM units WHERE code = '1-1-101'") == "occupied"  # restored
