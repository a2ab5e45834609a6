"""Archive upkeep: the monthly check, and the purge that needs approval, writes
every removed record first, removes them in one transaction and logs it."""
import json
import os

import pytest

from report_cases import at, play

ID = "11010519491231002X"


@pytest.fixture
def office(pmcs):
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")  # S001
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "engineering")  # S002
    pmcs.ok("staff", "add", "--name", "赵主任", "--team", "customer_service", "--role", "manager")  # S003
    for code in ("1-1-101", "1-1-102", "1-1-103"):
        pmcs.ok("unit", "add", code, "--status", "occupied")
    return pmcs


def test_check_lists_incomplete_owner_files_people_without_unit_and_handovers(office):
    office.ok("person", "add", "--name", "张三", "--phone", "13812345678", "--id-number", ID, "--unit", "1-1-101")
    office.ok("person", "add", "--name", "李四", "--phone", "13912345678", "--unit", "1-1-102")  # no ID
    office.ok("person", "add", "--name", "王五", "--unit", "1-1-103", "--role", "tenant")  # a tenant: not an owner file
    office.ok("person", "add", "--name", "赵六")  # no unit at all
    office.ok("unit", "add", "2-1-101", "--status", "handed_over")  # handed over, no checklist
    office.ok("unit", "add", "2-1-102", "--status", "vacant")
    office.ok("handover", "start", "2-1-102", "--owner", "张三")  # started, not completed
    data = json.loads(office.ok("archive", "check", "--format", "json").stdout)
    found = {(f["check"], f["name"] or f["unit"]): f for f in data}
    assert found[("owner_file", "李四")]["missing"] == ["id_number"]
    assert ("owner_file", "张三") not in found and ("owner_file", "王五") not in found
    assert ("no_unit", "赵六") in found
    assert ("handover_missing", "2-1-101") in found
    assert found[("handover_open", "2-1-102")]["missing"] and int(found[("handover_open", "2-1-102")]["missing"][0]) > 0
    table = office.ok("archive", "check").stdout
    assert "李四" in table and "ID number" in table


def closed_cases(db_path):
    """Two closed long ago (one repeated by an open complaint), one closed recently, one open."""
    who = {"actor": "S001", "handler": "S002"}
    old = play(db_path, "repair", at("2025-03-03T09:00:00+08:00"), [0.5, 0.5, 5, 10], unit="1-1-101", **who)
    old_c = play(db_path, "complaint", at("2025-04-01T09:00:00+08:00"), [1, 3, 1, 3, 2, 70, 20], unit="1-1-102", **who)
    held = play(db_path, "complaint", at("2025-05-01T09:00:00+08:00"), [1, 3, 1, 3, 2, 70, 20], unit="1-1-103", **who)
    repeat = play(db_path, "complaint", at("2025-05-20T09:00:00+08:00"), [1], unit="1-1-103", **who)  # still open
    recent = play(db_path, "repair", at("2026-10-03T09:00:00+08:00"), [0.5, 0.5, 5, 10], unit="1-1-101", **who)
    return {"old": [old, old_c], "held": held, "repeat": repeat, "recent": recent}


def test_purge_is_refused_without_approval_and_writes_nothing(office, db_path, tmp_path):
    closed_cases(db_path)
    before = office.dump()
    out = tmp_path / "purged.jsonl"
    res = office("archive", "purge", "--closed-before", "2026-01-01", "--out", str(out))
    assert res.exit_code == 2 and "--approved-by" in res.stderr
    res = office("archive", "purge", "--closed-before", "2026-01-01", "--out", str(out), "--approved-by", "王芳")
    assert res.exit_code == 4 and "supervisor or manager" in res.stderr  # a clerk cannot approve
    res = office("archive", "purge", "--closed-before", "2026-01-01", "--approved-by", "赵主任")
    assert res.exit_code == 2 and "--out" in res.stderr
    assert office("archive", "purge", "--closed-before", "2027-01-01", "--approved-by", "S003",
                  "--out", str(out)).exit_code == 1  # a future date
    assert not out.exists() and office.dump() == before


def test_dry_run_lists_what_would_go(office, db_path):
    made = closed_cases(db_path)
    before = office.dump()
    res = office.ok("archive", "purge", "--closed-before", "2026-01-01", "--dry-run")
    assert all(n in res.stdout for n in made["old"]) and made["recent"] not in res.stdout
    assert made["held"] not in res.stdout and "1 held back" in res.stdout
    assert office.dump() == before


def test_purge_writes_every_removed_record_then_removes_them(office, db_path, tmp_path):
    made = closed_cases(db_path)
    cols = [r[1] for r in office.rows("PRAGMA table_info(cases)")]
    step_cols = [r[1] for r in office.rows("PRAGMA table_info(case_steps)")]
    ids = [r[0] for r in office.rows("SELECT id FROM cases WHERE number IN (?, ?)", tuple(made["old"]))]
    expect_cases = [dict(zip(cols, r)) for r in office.rows("SELECT * FROM cases WHERE id IN (?, ?) ORDER BY id", ids)]
    expect_steps = [dict(zip(step_cols, r)) for r in office.rows(
        "SELECT * FROM case_steps WHERE case_id IN (?, ?) ORDER BY case_id, id", ids)]
    events_before = office.rows("SELECT * FROM events")
    out = tmp_path / "purged.jsonl"
    res = office.ok("archive", "purge", "--closed-before", "2026-01-01", "--approved-by", "赵主任", "--out", str(out))
    assert "2 cases" in res.stdout and "S003" in res.stdout
    assert (os.stat(out).st_mode & 0o777) == 0o600
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["table"] == "_purge" and lines[0]["row"]["approved_by"] == "S003"
    assert [x["row"] for x in lines if x["table"] == "cases"] == expect_cases
    assert [x["row"] for x in lines if x["table"] == "case_steps"] == expect_steps
    assert len(lines) == 1 + len(expect_cases) + len(expect_steps)
    # gone from the database; the held-back, recent and open cases stay
    left = {r[0] for r in office.rows("SELECT number FROM cases")}
    assert not left & set(made["old"]) and {made["held"], made["repeat"], made["recent"]} <= left
    assert office.rows("SELECT count(*) FROM case_steps WHERE case_id IN (?, ?)", ids)[0][0] == 0
    # the event log is kept whole, and now says who approved
    events_after = office.rows("SELECT * FROM events")
    assert events_after[:len(events_before)] == events_before
    purge = office.rows("SELECT actor, after FROM events WHERE entity = 'archive' AND action = 'purge'")
    assert len(purge) == 1 and json.loads(purge[0][1])["approved_by"] == "S003"
    assert office.rows("SELECT count(*) FROM events WHERE action = 'purge' AND entity = 'case'")[0][0] == 2
    assert "purge" in office.ok("history", made["old"][0]).stdout
    office.ok("db", "check")
    # the file is never overwritten; a second purge finds nothing more to remove
    res = office("archive", "purge", "--closed-before", "2026-01-01", "--approved-by", "S003", "--out", str(out))
    assert res.exit_code == 1 and "already exists" in res.stderr
    assert out.read_text(encoding="utf-8").count("\n") == len(lines)


def test_a_purge_records_where_its_file_is_and_history_says_purged(office, db_path, tmp_path, monkeypatch):
    closed_cases(db_path)
    monkeypatch.chdir(tmp_path)
    office.ok("archive", "purge", "--closed-before", "2026-01-01", "--approved-by", "S003", "--out", "p.jsonl")
    after = json.loads(office.rows("SELECT after FROM events WHERE entity = 'archive'")[0][0])
    assert after["file"] == str(tmp_path / "p.jsonl")  # found again from any directory
    shown = " ".join(office.ok("--lang", "zh", "history", "purge").stdout.split())
    assert "归档清除" in shown and "批准人" in shown and "approved_by" not in shown


def test_report_fee_and_archive_services_hold_no_sql():
    """The SQL of these capabilities lives in store/ (architecture: store is the only SQL)."""
    import re
    from pathlib import Path

    import pmcs.services as services

    sql = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (TEMP )?TABLE)\b")
    for name in ("archive", "demo_fees", "fees", "reports", "scores"):
        text = (Path(services.__file__).parent / f"{name}.py").read_text(encoding="utf-8")
        assert not sql.search(text), f"services/{name}.py: {sql.search(text).group(0)}"
