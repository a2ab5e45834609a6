"""The case engine, driven from the workflow tables: every allowed move works,
every other move is refused (exit 4 in the CLI) and changes nothing."""
from datetime import datetime, timedelta

import pytest

from pmcs.core.workflow import CLOSED, STATUS_MOVES, WORKFLOWS
from pmcs.errors import NotAllowed, UserError
from pmcs.services import cases as svc
from pmcs.services import staff, units

SAMPLE = {
    "channel": "phone", "category": "engineering", "description": "水管漏水", "remedy": "尽快维修",
    "nature": "valid", "severity": "general", "cause": "管道老化", "onsite_note": "现场积水",
    "emergency_measures": "关闭总阀", "handler": "S002", "solution": "更换水管", "promise": "2026-11-30",
    "reply": "已告知维修安排", "reply_channel": "phone", "verdict": "satisfied", "lesson": "定期巡检",
    "urgency": "normal", "paid": "free", "work_done": "更换阀门", "type": "inquiry",
}


@pytest.fixture
def office(session):
    staff.add_staff(session, name="王芳", team="customer_service", role="clerk")
    staff.add_staff(session, name="刘工", team="engineering")
    units.add_unit(session, code="3-2-1502")
    return session


def new_case(s, kind):
    wf = WORKFLOWS[kind]
    first = wf.steps[0]
    fields = {f: SAMPLE[f] for f in wf.required(first.code, SAMPLE)}
    return svc.add_case(s, kind, unit="3-2-1502", **fields)


def step_fields(wf, step, **override):
    values = dict(SAMPLE, **override)
    return {f: values[f] for f in wf.required(step, values)}


def reach(s, kind, target):
    case = new_case(s, kind)
    wf = WORKFLOWS[kind]
    while case["step"] != target:
        case = svc.advance(s, kind, case["number"], **step_fields(wf, case["step"]))
    return case


def all_steps():
    for kind, wf in WORKFLOWS.items():
        for st in wf.steps[1:]:
            yield kind, st.code
        yield kind, CLOSED


@pytest.mark.parametrize("kind,step", list(all_steps()))
def test_advance_from_every_step_goes_where_the_table_says(office, kind, step):
    wf = WORKFLOWS[kind]
    case = reach(office, kind, step)
    if step == CLOSED:
        with pytest.raises(NotAllowed):
            svc.advance(office, kind, case["number"], note="x")
        return
    after = svc.advance(office, kind, case["number"], **step_fields(wf, step))
    expected = dict((s, t) for s, a, t in wf.moves() if a == "advance")[step]
    assert after["step"] == expected
    assert after["status"] == ("closed" if expected == CLOSED else "open")


def later_fields():
    for kind, wf in WORKFLOWS.items():
        for i, st in enumerate(wf.steps[1:], start=1):
            for later in wf.steps[i + 1:]:
                for f in later.requires:
                    if f not in wf.allowed(st.code):
                        yield kind, st.code, f


@pytest.mark.parametrize("kind,step,field", list(later_fields()))
def test_a_field_of_a_later_step_is_refused_and_nothing_changes(office, kind, step, field):
    wf = WORKFLOWS[kind]
    case = reach(office, kind, step)
    with pytest.raises(NotAllowed) as e:
        svc.advance(office, kind, case["number"], **step_fields(wf, step), **{field: SAMPLE[field]})
    assert e.value.params["owner"] == wf.owner_of(field)
    assert svc.get_case(office, kind, case["number"])["step"] == step


@pytest.mark.parametrize("kind,step", [(k, s) for k, s in all_steps() if s != CLOSED])
def test_a_missing_field_is_refused_naming_what_the_step_needs(office, kind, step):
    wf = WORKFLOWS[kind]
    case = reach(office, kind, step)
    with pytest.raises(NotAllowed) as e:
        svc.advance(office, kind, case["number"], note="only a note")
    assert e.value.key == "error.step_needs"
    assert e.value.params["step"] == step
    for f in wf.step(step).requires:
        if f not in case["values"]:
            assert "--" + f.replace("_", "-") in e.value.params["fields"]


def make_status(s, kind, status):
    case = new_case(s, kind)
    if status == "on_hold":
        svc.hold(s, kind, case["number"], "等业主回复")
    elif status == "cancelled":
        svc.cancel(s, kind, case["number"], "重复登记")
    elif status == "closed":
        case = reach(s, kind, CLOSED)
    return case["number"]


@pytest.mark.parametrize("kind", list(WORKFLOWS))
@pytest.mark.parametrize("status", ["open", "on_hold", "closed", "cancelled"])
@pytest.mark.parametrize("action", ["hold", "resume", "cancel", "reopen"])
def test_status_moves_follow_the_state_table(office, kind, status, action):
    number = make_status(office, kind, status)
    before = svc.get_case(office, kind, number)
    call = {"hold": lambda: svc.hold(office, kind, number, "r"), "resume": lambda: svc.resume(office, kind, number),
            "cancel": lambda: svc.cancel(office, kind, number, "r"), "reopen": lambda: svc.reopen(office, kind, number, "r")}
    target = STATUS_MOVES.get((status, action))
    if target is None:
        with pytest.raises(NotAllowed):
            call[action]()
        assert svc.get_case(office, kind, number) == before
    else:
        assert call[action]()["status"] == target


def test_complaint_through_all_eight_steps_with_exact_times(office):
    clock = office.clock
    case = new_case(office, "complaint")
    assert case["number"] == "TS-2026-0001" and case["acceptor"] == "S001"
    assert case["recorded_at"] == "2026-11-23T01:30:00Z" and case["due_at"] == "2026-11-23T03:30:00Z"  # 2 h
    wf = WORKFLOWS["complaint"]
    expected_due = {
        "investigated": "2026-11-24T02:00:00Z",  # 24 h after 10:00 local
        "assigned": "2026-11-23T06:30:00Z",      # 4 h
        "proposed": "2026-11-24T03:00:00Z",      # 24 h
        "replied": "2026-11-24T01:30:00Z",       # 24 h after the recording
        "revisited": "2026-12-01T10:00:00Z",     # 24 h after the promise (2026-11-30 18:00 local)
        "evaluated": "2026-11-26T04:30:00Z",     # 3 d after the revisit (04:30Z)
    }
    while case["step"] != CLOSED:
        clock.at += timedelta(minutes=30)
        case = svc.advance(office, "complaint", case["number"], **step_fields(wf, case["step"]))
        if case["step"] in expected_due:
            assert case["due_at"] == expected_due[case["step"]], case["step"]
    steps = svc.show_case(office, "complaint", "1")["steps"]
    assert [s["step"] for s in steps] == [st.code for st in wf.steps]
    assert all(s["done_at"] and s["actor"] == "S001" for s in steps)  # 王芳, recorded by code
    assert steps[2]["started_at"] == "2026-11-23T02:00:00Z" and steps[2]["done_at"] == "2026-11-23T02:30:00Z"


def test_major_complaint_needs_onsite_note_and_emergency_measures(office):
    case = reach(office, "complaint", "classified")
    case = svc.advance(office, "complaint", case["number"], nature="有效", severity="重大")
    with pytest.raises(NotAllowed) as e:
        svc.advance(office, "complaint", case["number"], cause="管道老化")
    assert "--onsite-note" in e.value.params["fields"] and "--emergency-measures" in e.value.params["fields"]


def test_unsatisfied_revisit_reopens_with_new_deadlines(office):
    case = reach(office, "complaint", "revisited")
    office.clock.at += timedelta(hours=1)
    case = svc.advance(office, "complaint", case["number"], verdict="不满意", comment="还在漏")
    assert case["step"] == "investigated" and case["reopen_count"] == 1 and case["status"] == "open"
    assert case["due_at"] == "2026-11-24T02:30:00Z"  # 24 h from now, a fresh clock
    assert "cause" not in case["values"] and case["values"]["verdict"] == "unsatisfied"
    assert svc.list_cases(office, "complaint", state="open")[0]["reopen_count"] == 1


def test_three_hours_on_hold_push_the_deadline_three_hours(office):
    case = new_case(office, "complaint")
    svc.hold(office, "complaint", case["number"], "等业主")
    office.clock.at += timedelta(hours=3)
    resumed = svc.resume(office, "complaint", case["number"])
    assert resumed["due_at"] == "2026-11-23T06:30:00Z"  # 03:30 + 3 h
    assert resumed["held_seconds"] == 3 * 3600
    # the replied step, anchored on the recording, also counts the hold
    wf = WORKFLOWS["complaint"]
    while resumed["step"] != "replied":
        resumed = svc.advance(office, "complaint", case["number"], **step_fields(wf, resumed["step"]))
    assert resumed["due_at"] == "2026-11-24T04:30:00Z"  # recorded 01:30Z + 24 h + 3 h


def test_repeat_complaint_same_unit_and_category_within_30_days(office):
    first = new_case(office, "complaint")
    second = new_case(office, "complaint")
    assert second["repeat_of"] == first["id"]
    office.clock.at += timedelta(days=31)
    assert new_case(office, "complaint")["repeat_of"] is None


def test_repair_reassign_and_return_only_while_the_work_is_open(office):
    case = reach(office, "repair", "dispatched")
    with pytest.raises(NotAllowed):
        svc.reassign(office, case["number"], "王芳")
    case = svc.advance(office, "repair", case["number"], handler="刘工")
    assert case["step"] == "completed" and case["handler"] == "S002"
    assert svc.reassign(office, case["number"], "王芳")["handler"] == "S001"
    back = svc.return_order(office, case["number"], "需要专业厂家")
    assert back["step"] == "dispatched" and back["handler"] is None


def test_praise_names_the_staff_praised(office):
    with pytest.raises(UserError):
        svc.add_case(office, "request", unit="3-2-1502", type="表扬", description="保安很负责")
    case = svc.add_case(office, "request", unit="3-2-1502", type="表扬", description="保安很负责", praised="刘工")
    assert case["values"]["praised"] == "S002"


def test_acceptor_must_be_staff(office):
    office.actor_given, office._actor = "路人甲", None
    with pytest.raises(UserError) as e:
        new_case(office, "complaint")
    assert e.value.key == "error.actor_unknown"  # nobody off the staff acts, once there is staff


def test_acceptor_must_be_staff_even_before_the_office_has_staff(session):
    units.add_unit(session, code="3-2-1502")  # setting up: recorded under the name given
    with pytest.raises(UserError) as e:
        new_case(session, "complaint")
    assert e.value.key == "error.acceptor_unknown"


def test_bare_number_and_full_number_find_the_same_case(office):
    case = new_case(office, "complaint")
    assert svc.get_case(office, "complaint", "1")["id"] == case["id"]
    assert svc.get_case(office, "complaint", "ts-2026-0001")["id"] == case["id"]
    assert svc.get_case(office, "complaint", "2026-1")["id"] == case["id"]


def test_after_a_reopening_the_reply_counts_from_the_reopening_plus_time_held(office):
    wf = WORKFLOWS["complaint"]
    case = reach(office, "complaint", "revisited")
    office.clock.at += timedelta(days=2)  # reopened 2026-11-25 01:30Z
    case = svc.advance(office, "complaint", case["number"], verdict="unsatisfied")
    svc.hold(office, "complaint", case["number"], "等业主")
    office.clock.at += timedelta(hours=3)
    case = svc.resume(office, "complaint", case["number"])
    while case["step"] != "replied":
        case = svc.advance(office, "complaint", case["number"], **step_fields(wf, case["step"]))
    assert case["due_at"] == "2026-11-26T04:30:00Z"  # 24 h + 3 h held after the reopening, not after the recording
    # a closed case reopened by hand restarts its clock too
    while case["step"] != CLOSED:
        case = svc.advance(office, "complaint", case["number"], **step_fields(wf, case["step"]))
    office.clock.at += timedelta(days=1)  # 2026-11-26 04:30Z
    case = svc.reopen(office, "complaint", case["number"], "业主再次反映")
    while case["step"] != "replied":
        case = svc.advance(office, "complaint", case["number"], **step_fields(wf, case["step"]))
    assert case["due_at"] == "2026-11-27T04:30:00Z"


def test_list_puts_overdue_first_then_the_rest_by_due_time_with_held_cases_not_overdue(office):
    held = new_case(office, "complaint")  # due 03:30Z, then on hold: its clock stopped
    svc.hold(office, "complaint", held["number"], "等业主")
    office.clock.at += timedelta(hours=1)
    late = new_case(office, "complaint")  # due 04:30Z
    office.clock.at += timedelta(hours=4)  # 06:30Z: `late` is overdue, `held` is not
    fresh = new_case(office, "complaint")  # due 08:30Z
    listed = [r["number"] for r in svc.list_cases(office, "complaint")]
    assert listed == [late["number"], held["number"], fresh["number"]]
    assert [r["number"] for r in svc.list_cases(office, "complaint", limit=1)] == [late["number"]]
    assert [r["number"] for r in svc.list_cases(office, "complaint", limit=2)] == [late["number"], held["number"]]
    assert [r["number"] for r in svc.list_cases(office, "complaint", overdue=True)] == [late["number"]]
    every = [r["number"] for r in svc.list_cases(office, "complaint", state="all")]
    assert every == listed


def test_hold_and_resume_events_record_what_changed(office):
    import json

    case = new_case(office, "complaint")
    svc.hold(office, "complaint", case["number"], "等业主")
    office.clock.at += timedelta(hours=3)
    svc.resume(office, "complaint", case["number"])
    events = {r[0]: (json.loads(r[1]), json.loads(r[2])) for r in office.db.query(
        "SELECT action, before, after FROM events WHERE ref = ? AND action IN ('hold', 'resume')", (case["number"],))}
    assert events["hold"] == ({"status": "open"}, {"status": "on_hold", "reason": "等业主"})
    assert events["resume"] == ({"status": "on_hold", "due_at": "2026-11-23T03:30:00Z", "held_seconds": 0},
                                {"status": "open", "due_at": "2026-11-23T06:30:00Z", "held_seconds": 10800})


def extra_moves():
    for kind, wf in WORKFLOWS.items():
        for name in sorted({a for _, a, _ in wf.actions}):
            for st in wf.steps[1:]:
                yield kind, st.code, name


@pytest.mark.parametrize("kind,step,action", list(extra_moves()))
def test_extra_moves_only_where_the_table_allows_them(office, kind, step, action):
    wf = WORKFLOWS[kind]
    case = reach(office, kind, step)
    call = {"reassign": lambda: svc.reassign(office, case["number"], "王芳"),
            "return": lambda: svc.return_order(office, case["number"], "需要专业厂家")}[action]
    target = {(s, a): t for s, a, t in wf.actions}.get((step, action))
    if target is None:
        before = svc.get_case(office, kind, case["number"])
        with pytest.raises(NotAllowed):
            call()
        assert svc.get_case(office, kind, case["number"]) == before
    else:
        assert call()["step"] == target
