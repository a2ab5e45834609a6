"""A staff-attitude complaint names the staff member it is about (被投诉员工, `--about`, given
with the investigation), and the monthly scorecard counts it against them, not against the
handler who dealt with it; `-` names nobody on the staff."""
import json

import pytest


@pytest.fixture
def office(pmcs, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")  # S001
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "engineering")  # S002
    pmcs.ok("staff", "add", "--name", "赵保安", "--team", "security")  # S003
    pmcs.ok("unit", "add", "3-2-1502")
    return pmcs


def complaint(pmcs, category="服务态度"):
    number = pmcs.ok("complaint", "add", "--unit", "3-2-1502", "--channel", "phone", "--category", category,
                     "--description", "门岗态度差", "--remedy", "道歉").stdout.split()[0]
    pmcs.ok("complaint", "advance", number, "--nature", "valid", "--severity", "general")
    return number


def attitude(pmcs) -> dict:
    rows = json.loads(pmcs.ok("staff", "score", "--month", "2026-11", "--format", "json").stdout)
    return {r["staff"]: r["attitude"] for r in rows if r["attitude"]}


def handled_by(pmcs, number, about=None):
    pmcs.ok("complaint", "advance", number, "--cause", "言语冲突", *(["--about", about] if about else []))
    pmcs.ok("complaint", "advance", number, "--handler", "刘工")


def test_the_scorecard_counts_it_against_the_staff_member_named(office):
    handled_by(office, complaint(office), about="赵保安")
    assert attitude(office) == {"S003": 1}  # not S002, who handled it
    shown = office.ok("--lang", "zh", "complaint", "show", "TS-2026-0001").stdout
    assert "被投诉员工: S003" in shown


def test_without_a_name_it_falls_back_to_the_handler_and_dash_names_nobody(office):
    handled_by(office, complaint(office))
    handled_by(office, complaint(office), about="-")  # a contractor's worker: nobody on the staff
    assert attitude(office) == {"S002": 1}


def test_a_staff_member_who_has_left_can_be_named(office):
    office.ok("staff", "deactivate", "S003")
    handled_by(office, complaint(office), about="S003")
    assert attitude(office) == {"S003": 1}


def test_about_is_refused_on_other_categories_and_for_unknown_staff(office):
    number = complaint(office, category="工程维修")
    before = office.dump()
    result = office("complaint", "advance", number, "--cause", "x", "--about", "S003")
    assert result.exit_code == 1 and "staff-attitude" in result.stderr and "Traceback" not in result.stderr
    assert office.dump() == before
    number2 = complaint(office)
    before = office.dump()
    result = office("complaint", "advance", number2, "--cause", "x", "--about", "王五")
    assert result.exit_code != 0 and "王五" in result.stderr
    assert office.dump() == before


def test_a_reopened_complaint_is_investigated_again_and_may_name_someone_else(office):
    number = complaint(office)
    handled_by(office, number, about="S001")
    for fields in (["--solution", "道歉", "--promise", "2026-11-30"], ["--reply", "已道歉", "--reply-channel", "phone"],
                   ["--verdict", "unsatisfied", "--comment", "不是她"]):
        office.ok("complaint", "advance", number, *fields)
    # reopened, not investigated again yet: still counted against the one named, not the handler
    assert attitude(office) == {"S001": 1}
    # back at the investigation: the name may be given again, and the new one counts
    handled_by(office, number, about="S003")
    assert attitude(office) == {"S003": 1}


def test_case_import_reads_the_column_and_checks_it(office, tmp_path):
    head = "number,unit,recorded_at,channel,category,description,remedy,nature,severity,cause,about,step\n"
    good = tmp_path / "good.csv"
    good.write_text(head + "TS-2026-0101,3-2-1502,2026-11-02 10:00,phone,staff_attitude,态度差,道歉,valid,general,"
                    "冲突,赵保安,assigned\n", encoding="utf-8")
    office.ok("complaint", "import", str(good))
    assert attitude(office) == {"S003": 1}
    bad = tmp_path / "bad.csv"
    bad.write_text(head + "TS-2026-0102,3-2-1502,2026-11-02 10:00,phone,fees,收费,解释,valid,general,"
                   "x,赵保安,assigned\n", encoding="utf-8")
    result = office("complaint", "import", str(bad))
    assert result.exit_code == 1 and "line 2, column about" in result.stderr


def test_an_old_sheet_with_a_complained_of_column_still_imports(office, tmp_path):
    """被投诉人 in a complaints log is often a neighbour or a post, not a staff member: not read."""
    f = tmp_path / "old.csv"
    f.write_text("房号,登记时间,渠道,类别,内容,诉求,级别,性质,被投诉人,步骤\n"
                 "3-2-1502,2026-11-01 10:00,phone,engineering,楼上漏水,维修,general,valid,1-1-201 业主,investigated\n",
                 encoding="utf-8")
    office.ok("complaint", "import", str(f))


def listed(pmcs, *args) -> set:
    out = pmcs.ok("complaint", "list", "--state", "all", "--format", "json", *args).stdout
    return {r["number"] for r in json.loads(out)}


def test_complaints_are_listed_by_the_staff_member_they_are_about(office):
    about_guard, about_nobody, unnamed = complaint(office), complaint(office), complaint(office)
    handled_by(office, about_guard, about="赵保安")
    handled_by(office, about_nobody, about="-")
    handled_by(office, unnamed)
    assert listed(office, "--about", "S003") == {about_guard}
    assert listed(office, "--about", "赵保安") == {about_guard}  # by name too
    assert listed(office, "--about", "-") == {about_nobody}
    office.ok("staff", "deactivate", "S003")  # gone since: their complaints are still listed
    assert listed(office, "--about", "S003") == {about_guard}
    header = office.ok("--lang", "zh", "complaint", "show", about_nobody).stdout.split("处理时间线")[0]
    assert "被投诉员工" in header and "非本处员工" in header


def test_about_is_no_filter_of_repairs_and_an_unknown_name_is_refused(office):
    result = office("repair", "list", "--about", "S003")
    assert result.exit_code == 2 and "--about" in result.stderr
    result = office("complaint", "list", "--about", "S099")
    assert result.exit_code == 3 and "S099" in result.stderr and "Traceback" not in result.stderr


def test_lists_may_be_filtered_by_a_staff_member_who_has_left(office):
    number = complaint(office)
    handled_by(office, number)
    office.ok("staff", "deactivate", "S002")
    assert listed(office, "--handler", "S002") == {number}
    assert listed(office, "--acceptor", "S001") == {number}
