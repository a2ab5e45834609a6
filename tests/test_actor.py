"""Who acts: every change is recorded under an active staff member (docs/architecture.md, "Who acts").

--as / PMCS_USER names a staff member by code or by a name only one active member has; the
code is stored. A fresh database can be set up without one (nobody to name yet), and
reading needs nobody.
"""
import getpass

import pytest


def csv(tmp_path, text):
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def office(pmcs):
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "客服")  # S001
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "工程")  # S002
    pmcs.ok("unit", "add", "3-2-1502")
    pmcs.ok("complaint", "add", "--unit", "3-2-1502", "--channel", "电话", "--category", "fees",
            "--description", "物业费多收", "--remedy", "退还")
    return pmcs


def test_a_fresh_database_is_set_up_without_as_until_the_first_staff_member(pmcs, tmp_path):
    """init and the first staff member: nobody on the staff to name yet. From then on every
    change names one (a set-up office's unit import was recorded as the login 'root')."""
    login = getpass.getuser()
    pmcs.ok("init", actor=None)
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "客服", actor=None)
    units = csv(tmp_path, "房号\n3-2-1502\n3-2-1503\n")
    before = pmcs.dump()
    refused = pmcs("unit", "import", units, actor=None)
    assert refused.exit_code == 1 and "--as" in refused.stderr and pmcs.dump() == before
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "工程", actor="王芳")
    pmcs.ok("unit", "import", units, actor="S001")
    pmcs.ok("person", "import", csv(tmp_path, "姓名,房号,身份\n张三,3-2-1502,业主\n"), actor="王芳")
    assert pmcs.rows("SELECT DISTINCT actor FROM events WHERE entity IN ('unit', 'person')") == [("S001",)]
    assert pmcs.rows("SELECT DISTINCT actor FROM events WHERE entity = 'staff' ORDER BY id") == [(login,), ("S001",)]
    pmcs.ok("init", actor=None)  # again: nothing to write, nobody asked


def test_the_first_staff_member_can_be_added_by_someone_not_on_the_staff(pmcs):
    pmcs.ok("staff", "add", "--name", "赵主任", "--team", "客服", "--role", "manager", actor="物业公司IT")
    assert pmcs.rows("SELECT actor FROM events WHERE entity = 'staff'") == [("物业公司IT",)]
    refused = pmcs("staff", "add", "--name", "王芳", "--team", "客服", actor="物业公司IT")
    assert refused.exit_code == 1 and "物业公司IT" in refused.stderr


def test_the_actor_is_stored_by_code_whether_named_by_code_or_name(office):
    office.ok("complaint", "advance", "1", "--nature", "有效", "--severity", "一般", actor="s002")
    office.ok("unit", "edit", "3-2-1502", "--status", "装修中", actor="王芳")
    assert office.rows("SELECT actor FROM events ORDER BY id DESC LIMIT 2") == [("S001",), ("S002",)]
    assert office.rows("SELECT actor FROM case_steps WHERE step = 'classified'") == [("S002",)]


@pytest.mark.parametrize("args", [
    ["complaint", "advance", "1", "--nature", "有效", "--severity", "一般"],
    ["complaint", "hold", "1", "--reason", "等业主"],
    ["unit", "add", "3-2-1503"],
    ["staff", "add", "--name", "李娜", "--team", "客服"],
    ["comms", "add", "--party", "业委会", "--name", "陈主任", "--subject", "车位方案"],
    ["duty", "add", "fire_drill", "--rrule", "FREQ=MONTHLY;BYDAY=1MO"],
])
@pytest.mark.parametrize("actor,message", [
    ("不存在", "'不存在' is not an active staff member"),
    (None, "who is making this change?"),
])
def test_an_unknown_or_missing_actor_is_refused_and_nothing_written(office, args, actor, message):
    before = office.dump()
    result = office(*args, actor=actor)
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {message}" + ("; every change is recorded under one" if actor else
                                             " Every change is recorded under an active staff member")
    assert lines[1].startswith("hint: say who you are with --as STAFF (or PMCS_USER)") and len(lines) == 2
    assert office.dump() == before


def test_the_imports_need_an_actor_once_the_office_works(office, tmp_path):
    before = office.dump()
    assert office("unit", "import", csv(tmp_path, "房号\n3-2-1503\n"), actor=None).exit_code == 1
    assert office("fees", "import", csv(tmp_path, "房号,期间,应收,实收\n3-2-1502,2026-11,100,0\n"), actor=None).exit_code == 1
    assert office.dump() == before


def test_a_staff_member_who_left_or_a_shared_name_cannot_act(office):
    office.ok("staff", "deactivate", "S002")
    before = office.dump()
    assert office("unit", "add", "3-2-1503", actor="刘工").exit_code == 1
    office.ok("staff", "add", "--name", "王芳", "--team", "客服")  # S003, a second 王芳
    before = office.dump()
    shared = office("unit", "add", "3-2-1503", actor="王芳")
    assert shared.exit_code == 1 and "matches 2 staff members" in shared.stderr
    assert office.dump() == before
    office.ok("unit", "add", "3-2-1503", actor="S003")


def test_reading_needs_nobody(office):
    for args in (["today"], ["remind"], ["complaint", "show", "1"], ["history", "3-2-1502"], ["unit", "list"]):
        assert office(*args, actor=None).exit_code in (0, 10), args
