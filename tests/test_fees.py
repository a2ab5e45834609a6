"""Fee collection: import all or nothing, 收缴率 per building, arrears risk ranking."""
import json

import pytest

from pmcs.core import fees as core
from pmcs.errors import FieldError
from report_cases import at, play


@pytest.fixture
def office(pmcs):
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "engineering")
    for code in ("1-1-101", "1-1-102", "2-1-101", "2-1-102"):
        pmcs.ok("unit", "add", code)
    return pmcs


def write(tmp_path, text, name="fees.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def fees(pmcs):
    return pmcs.rows("SELECT u.code, f.period, f.due_fen, f.paid_fen FROM fees f JOIN units u ON u.id = f.unit_id "
                     "ORDER BY u.code, f.period")


def test_import_chinese_headers_gb18030_money_and_periods(office, tmp_path):
    path = write(tmp_path, "房号,业主,期间,应收金额,实收金额\n"
                           '1-1-101,张三,2026年11月,"1,234.50",¥1234.5\n'
                           "1-1-102,李四,202611,300,0\n"
                           "2-1-101,王五,2026/10,２８０元,140.05\n", encoding="gb18030")
    res = office.ok("fees", "import", path)
    assert "3 added" in res.stdout
    assert fees(office) == [("1-1-101", "2026-11", 123450, 123450), ("1-1-102", "2026-11", 30000, 0),
                            ("2-1-101", "2026-10", 28000, 14005)]
    assert office.rows("SELECT count(*) FROM events WHERE entity = 'fee' AND action = 'create'")[0][0] == 3


def test_upsert_per_unit_and_period_with_events(office, tmp_path):
    office.ok("fees", "import", write(tmp_path, "unit,period,due,paid\n1-1-101,2026-11,300,0\n1-1-102,2026-11,300,300\n"))
    res = office.ok("fees", "import", write(tmp_path, "unit,period,amount due,amount paid\n"
                                                      "1-1-101,2026-11,300,300\n1-1-102,2026-11,300,300\n", "b.csv"))
    assert "0 added, 1 updated" in res.stdout
    assert fees(office)[0] == ("1-1-101", "2026-11", 30000, 30000)
    before, after = office.rows("SELECT before, after FROM events WHERE entity = 'fee' AND action = 'update'")[0]
    assert json.loads(before)["paid"] == "0.00" and json.loads(after)["paid"] == "300.00"
    assert "1-1-101/2026-11" in office.ok("history", "1-1-101/2026-11").stdout
    shown = " ".join(office.ok("--lang", "zh", "history", "1-1-101/2026-11").stdout.split())
    assert "实收（元）: 0.00 → 300.00" in shown and "期限" not in shown  # not the case form's words



def test_import_is_all_or_nothing_with_line_errors(office, tmp_path):
    office.ok("fees", "import", write(tmp_path, "房号,期间,应收,实收\n1-1-101,2026-10,300,300\n", "ok.csv"))
    before = office.dump()
    bad = write(tmp_path, "房号,期间,应收,实收\n"
                          "1-1-101,2026-11,300,300\n"   # line 2 fine
                          "9-9-999,2026-11,300,0\n"     # 3 unknown unit
                          "1-1-102,2026-13,300,0\n"     # 4 bad month
                          "2-1-101,2026-11,-5,0\n"      # 5 negative
                          "2-1-102,2026-11,300,1.005\n"  # 6 below a fen
                          "1-1-101,2026-11,300,0\n")    # 7 duplicate of line 2
    res = office("fees", "import", bad)
    assert res.exit_code == 1
    for line in ("line 3", "line 4", "line 5", "line 6", "line 7"):
        assert line in res.stderr
    assert "line 2," not in res.stderr and "9-9-999" in res.stderr and "first on line 2" in res.stderr
    assert office.dump() == before
    assert office("fees", "import", write(tmp_path, "unit,due\n1-1-101,3\n", "cols.csv")).exit_code == 1
    assert office.dump() == before


def test_dry_run_writes_nothing(office, tmp_path):
    before = office.dump()
    res = office.ok("fees", "import", "--dry-run", write(tmp_path, "unit,period,due,paid\n1-1-101,2026-11,300,0\n"))
    assert "nothing written" in res.stdout and office.dump() == before


def test_status_per_building_and_overall(office, tmp_path):
    office.ok("fees", "import", write(tmp_path, "unit,period,due,paid\n"
                                                "1-1-101,2026-10,100,100\n1-1-102,2026-10,100,0\n"
                                                "1-1-101,2026-11,100,100\n1-1-102,2026-11,100,50\n"
                                                "2-1-101,2026-11,200,200\n2-1-102,2026-11,200,0\n"))
    data = json.loads(office.ok("fees", "status", "--format", "json").stdout)  # default: latest month, 2026-11
    by = {r["building"]: r for r in data}
    assert by["1"]["rate"] == 0.75 and by["1"]["units_in_arrears"] == 1 and by["1"]["owed"] == 50.0
    assert by["2"]["rate"] == 0.5 and by["*"]["rate"] == round(350 / 600, 4) and by["*"]["units"] == 4
    q4 = {r["building"]: r for r in json.loads(office.ok("fees", "status", "--period", "2026-Q4", "--format",
                                                         "json").stdout)}
    assert q4["1"]["due"] == 400.0 and q4["1"]["paid"] == 250.0
    table = office.ok("fees", "status", "--period", "2026-10").stdout
    assert "Fee collection 2026-10" in table and "50.0%" in table


def test_status_without_data_says_how_to_import(office):
    res = office("fees", "status")
    assert res.exit_code == 1 and "pmcs fees import" in res.stderr
    assert office("fees", "status", "--period", "2026-14").exit_code == 2


def test_risk_ranks_units_in_arrears_with_trouble(office, db_path, tmp_path):
    office.ok("fees", "import", write(tmp_path, "unit,period,due,paid\n"
                                                "1-1-101,2026-11,300,0\n"     # owes, open complaint
                                                "1-1-102,2026-11,300,0\n"     # owes, unsatisfied revisit
                                                "2-1-101,2026-11,300,300\n"   # paid, open complaint
                                                "2-1-102,2026-10,300,100\n"))  # owes, no trouble
    who = {"actor": "S001", "handler": "S002"}
    play(db_path, "complaint", at("2026-11-10T09:00:00+08:00"), [1, 3], unit="1-1-101", **who)
    play(db_path, "complaint", at("2026-11-02T09:00:00+08:00"), [1, 3, 1, 3, 2, 70], unit="1-1-102",
         verdict="unsatisfied", **who)
    play(db_path, "complaint", at("2026-11-10T09:00:00+08:00"), [1], unit="2-1-101", **who)
    play(db_path, "complaint", at("2026-01-05T09:00:00+08:00"), [1, 3, 1, 3, 2, 70], unit="2-1-102",
         verdict="unsatisfied", cancel_after=True, **who)  # older than six months, then withdrawn
    rows = json.loads(office.ok("fees", "risk", "--format", "json").stdout)
    assert [r["unit"] for r in rows] == ["1-1-102", "1-1-101"]
    assert set(rows[0]["reasons"]) == {"open", "reopened", "unsatisfied"}  # reopened: back to investigation
    assert rows[1]["reasons"] == {"open": [office.rows("SELECT number FROM cases c JOIN units u ON u.id = c.unit_id "
                                                       "WHERE u.code = '1-1-101'")[0][0]]}
    assert rows[0]["owed"] == 300.0 and rows[0]["rank"] == 1
    older = json.loads(office.ok("fees", "risk", "--months", "12", "--format", "json").stdout)
    assert "2-1-102" in [r["unit"] for r in older]
    assert office("fees", "risk", "--months", "0").exit_code == 2


@pytest.mark.parametrize("text,fen", [("1,234.50", 123450), ("¥12", 1200), ("０.５", 50), ("7元", 700), ("0", 0)])
def test_money_to_fen(text, fen):
    assert core.parse_fen(text) == fen


@pytest.mark.parametrize("text", ["-1", "1.001", "abc", "", "1e400", "NaN"])
def test_bad_money_is_refused(text):
    with pytest.raises(FieldError):
        core.parse_fen(text)


def test_ranking_weights_then_amount():
    ranked = core.rank_risks([
        {"unit": "a", "owed_fen": 900, "months": 3, "reasons": {"open": ["TS-1"]}},
        {"unit": "b", "owed_fen": 100, "months": 1, "reasons": {"unsatisfied": ["TS-2"]}},
        {"unit": "c", "owed_fen": 950, "months": 1, "reasons": {"open": ["TS-3"]}},
    ])
    assert [r["unit"] for r in ranked] == ["b", "c", "a"] and ranked[0]["score"] == 3
