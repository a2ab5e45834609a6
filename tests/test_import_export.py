"""CSV in and out of the registry, as Excel and finance scripts use it."""
import csv
import io
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pmcs.core.ids import id_check_digit

AREAS = ["110105", "310104", "440305", "320106"]


def make_id(rng):
    first = rng.choice(AREAS) + f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first + id_check_digit(first)


def estate_files(tmp_path, encoding, n_units=1400, n_people=3000):
    """A unit file and a people file as Excel on Chinese Windows saves them."""
    rng = random.Random(7)
    units = [f"{b}-{e}-{f:02d}{r:02d}" for b in range(1, 13) for e in (1, 2) for f in range(1, 31) for r in (1, 2)][:n_units - 2]
    units += ["0101", "0102"]  # codes with leading zeros must survive as text
    ufile = tmp_path / f"units-{encoding}.csv"
    with open(ufile, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(["房号", "楼栋", "面积", "类型", "状态"])
        for code in units:
            w.writerow([code, code.split("-")[0] if "-" in code else "A", f"{rng.uniform(60, 160):.2f}", "住宅", "已入住"])
    ids = set()
    pfile = tmp_path / f"people-{encoding}.csv"
    with open(pfile, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "手机", "身份证号", "房号", "身份"])
        for i in range(n_people):
            pid = make_id(rng)
            while pid in ids:
                pid = make_id(rng)
            ids.add(pid)
            w.writerow([rng.choice("王李张刘陈杨") + rng.choice("伟芳娜敏静丽强磊") + "某", f"1{rng.choice('3589')}{rng.randint(0, 10**9 - 1):09d}",
                        pid, units[i % len(units)], "业主" if i < len(units) else "家庭成员"])
    return ufile, pfile, units, ids


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_excel_files_import_with_chinese_headers_and_exact_codes(pmcs, tmp_path, encoding):
    ufile, pfile, units, ids = estate_files(tmp_path, encoding)
    assert "1400 added" in pmcs.ok("unit", "import", ufile).stdout
    assert "3000 added" in pmcs.ok("person", "import", pfile).stdout
    assert {r[0] for r in pmcs.rows("SELECT code FROM units")} == set(units)
    assert {r[0] for r in pmcs.rows("SELECT id_number FROM people")} == ids
    assert pmcs.rows("SELECT count(*) FROM person_units")[0][0] == 3000
    assert pmcs.rows("SELECT building FROM units WHERE code = '0101'") == [("A",)]
    assert pmcs.rows("SELECT typeof(id_number) FROM people LIMIT 1") == [("text",)]


def test_three_bad_rows_are_named_and_nothing_is_written(pmcs, tmp_path):
    pmcs.ok("unit", "add", "1-1-101")
    before = pmcs.dump()
    good = make_id(random.Random(1))
    f = tmp_path / "people.csv"
    f.write_text(
        "姓名,身份证号,房号\n"
        f"张三,{good},1-1-101\n"
        "李四,110105194912310021,1-1-101\n"   # line 3: bad check digit
        "王五,,9-9-909\n"                      # line 4: unknown unit
        ",,1-1-101\n"                          # line 5: empty name
        "赵六,,1-1-101\n",
        encoding="utf-8",
    )
    result = pmcs("person", "import", f)
    assert result.exit_code == 1
    err = result.stderr
    assert "rows with errors: 3" in err
    assert "line 3, column ID number" in err and "check digit" in err
    assert "line 4, column unit" in err and "9-9-909" in err
    assert "line 5, column name" in err
    assert "line 2" not in err and "line 6" not in err
    assert pmcs.dump() == before


def test_dry_run_validates_and_writes_nothing(pmcs, tmp_path):
    f = tmp_path / "u.csv"
    f.write_text("unit,area\n1-1-101,80\n1-1-102,90\n", encoding="utf-8")
    pmcs.ok("init")
    before = pmcs.dump()
    out = pmcs.ok("unit", "import", f, "--dry-run").stdout
    assert "2 rows checked" in out
    assert pmcs.dump() == before


def test_insert_mode_refuses_existing_and_upsert_updates_only_given_columns(pmcs, tmp_path):
    pmcs.ok("unit", "add", "1-1-101", "--area", "80", "--status", "occupied")
    f = tmp_path / "u.csv"
    f.write_text("unit,area\n1-1-101,81.5\n1-1-102,90\n", encoding="utf-8")
    result = pmcs("unit", "import", f)
    assert result.exit_code == 1 and "line 2" in result.stderr and "already exists" in result.stderr
    assert "1 added, 1 updated" in pmcs.ok("unit", "import", f, "--mode", "upsert").stdout
    assert pmcs.rows("SELECT code, area, status FROM units ORDER BY code") == [
        ("1-1-101", 81.5, "occupied"), ("1-1-102", 90.0, "vacant")]


def test_upserting_an_unchanged_export_reports_no_update_and_writes_no_event(pmcs, tmp_path):
    pmcs.ok("unit", "add", "1-1-101", "--area", "80")
    pmcs.ok("person", "add", "--name", "张三", "--phone", "13812345678", "--unit", "1-1-101")
    units, people = tmp_path / "u.csv", tmp_path / "p.csv"
    pmcs.ok("unit", "export", "-o", units)
    pmcs.ok("person", "export", "-o", people, "--include-pii")
    events = pmcs.rows("SELECT count(*) FROM events")
    for noun, path in (("unit", units), ("person", people)):
        assert "0 added, 0 updated" in pmcs.ok(noun, "import", path, "--mode", "upsert").stdout
    assert pmcs.rows("SELECT count(*) FROM events") == events


def test_a_row_without_dates_is_the_link_the_person_has_now(pmcs, tmp_path):
    """P00001 lives in 1-1-101 since 2018; a sheet naming the unit without dates added a second link."""
    pmcs.ok("unit", "add", "1-1-101")
    pmcs.ok("person", "add", "--name", "陈凯宇", "--unit", "1-1-101", "--role", "occupant", "--from", "2018-07-09")
    f = tmp_path / "p.csv"
    f.write_text("ref,name,unit,role\nP00001,陈凯宇,1-1-101,occupant\n", encoding="utf-8")
    events = pmcs.rows("SELECT count(*) FROM events")
    assert "0 added, 0 updated" in pmcs.ok("person", "import", f, "--mode", "upsert").stdout
    assert pmcs.rows("SELECT count(*) FROM person_units") == [(1,)] and pmcs.rows("SELECT count(*) FROM events") == events


def test_duplicate_in_file_is_reported(pmcs, tmp_path):
    f = tmp_path / "u.csv"
    f.write_text("unit\n1-1-101\n1-1-101\n", encoding="utf-8")
    result = pmcs("unit", "import", f)
    assert result.exit_code == 1 and "line 3" in result.stderr and "line 2" in result.stderr


def test_import_reads_standard_input(pmcs):
    result = pmcs("unit", "import", "-", input="unit,area\n2-1-301,99\n")
    assert result.exit_code == 0, result.stderr
    assert pmcs.rows("SELECT code, area FROM units") == [("2-1-301", 99.0)]


def test_missing_required_column_names_the_accepted_headers(pmcs, tmp_path):
    f = tmp_path / "u.csv"
    f.write_text("楼栋,面积\n1,80\n", encoding="utf-8")
    result = pmcs("unit", "import", f)
    assert result.exit_code == 1 and "房号" in result.stderr


def test_export_neutralises_formulas_leaves_out_pii_and_round_trips(pmcs, tmp_path):
    pmcs.ok("unit", "add", "1-1-101", "--area", "80.25", "--status", "occupied")
    pmcs.ok("unit", "add", "0101", "--building", "A")
    pmcs.ok("person", "add", "--name", '=HYPERLINK("http://x","点我")', "--phone", "13812345678",
            "--id-number", "11010519491231002X", "--unit", "1-1-101", "--notes", "+1 买菜")
    pmcs.ok("person", "add", "--name", "钱七", "--unit", "0101", "--role", "tenant", "--from", "2025-03-01")
    pmcs.ok("person", "link", "钱七", "--unit", "1-1-101", "--role", "family")
    plain = pmcs.ok("person", "export").stdout
    assert "13812345678" not in plain and "11010519491231002X" not in plain
    units_csv, people_csv = tmp_path / "units.csv", tmp_path / "people.csv"
    pmcs.ok("unit", "export", "-o", units_csv)
    pmcs.ok("person", "export", "-o", people_csv, "--include-pii")
    raw = people_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the Chinese
    text = raw.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1 买菜" in text
    first = pmcs.dump()

    from conftest import Runner

    other = Runner(tmp_path / "copy.db")
    for noun, path in (("unit", units_csv), ("person", people_csv)):
        assert "not read" not in other.ok(noun, "import", path).stderr  # every exported column is read back
    second = other.dump()
    for table in ("units", "people", "person_units"):
        strip = (lambda rows: [r[1:-2] for r in rows]) if table != "person_units" else (lambda rows: [r[1:-1] for r in rows])
        assert strip(second[table]) == strip(first[table]), table
    assert other.rows("SELECT name FROM people WHERE id = 1") == [('=HYPERLINK("http://x","点我")',)]


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_a_column_pmcs_does_not_know_is_named_not_dropped_in_silence(pmcs, tmp_path, dry_run):
    f = tmp_path / "u.csv"
    f.write_text("房号,楼栋,面积m2,\n14-1-101,14,88,\n", encoding="gb18030")  # 面积m2: a header Excel users write
    result = pmcs.ok("--lang", "zh", "unit", "import", f, *dry_run)
    assert "面积m2" in result.stderr and "未读取" in result.stderr
    assert result.stderr.count("\n") == 1  # one line; the blank header of a trailing comma is no column


def test_gb18030_export(pmcs, tmp_path):
    pmcs.ok("person", "add", "--name", "欧阳娜娜")
    out = tmp_path / "p.csv"
    pmcs.ok("person", "export", "-o", out, "--encoding", "gbk")
    assert "欧阳娜娜" in out.read_bytes().decode("gb18030")


safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    min_size=1, max_size=40,
).map(str.strip).filter(bool)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(safe_text, min_size=1, max_size=5), notes=safe_text)
def test_any_names_round_trip_through_export_and_import(tmp_path_factory, names, notes):
    from conftest import Runner

    base = tmp_path_factory.mktemp("rt")
    a, b = Runner(base / "a.db"), Runner(base / "b.db")
    for name in names:
        a.ok("person", "add", "--name", name, "--notes", notes)
    out = base / "p.csv"
    a.ok("person", "export", "-o", out)
    b.ok("person", "import", out)
    assert b.rows("SELECT name, notes FROM people ORDER BY id") == a.rows("SELECT name, notes FROM people ORDER BY id")


def test_imported_records_have_their_events_in_order(pmcs, tmp_path):
    """Import events are written by SQLite from the rows just inserted: each record's history
    must still hold exactly what was stored, in row order (import before its links)."""
    units = tmp_path / "u.csv"
    units.write_text("code,area,status\n1-1-101,88.5,occupied\n1-1-102,,\n", encoding="utf-8")
    pmcs.ok("unit", "import", units)
    assert [json.loads(r[0]) for r in pmcs.rows("SELECT after FROM events WHERE ref = '1-1-101' ORDER BY id")] == [
        {"area": 88.5, "building": "1", "code": "1-1-101", "entrance": "1", "floor": 1, "status": "occupied",
         "type": "residential"}]
    pmcs.ok("person", "add", "--name", "旧人", "--phone", "13900000000")
    people = tmp_path / "p.csv"
    people.write_text(
        "ref,name,phone,phone2,id_number,vip,notes,unit,role,start\n"
        f"P00001,旧人,13900000001,,,,,1-1-102,tenant,\n"
        f",王五,13812345678,0755-23456789,{make_id(random.Random(1))},是,\"两行\n备注\",1-1-101,owner,2024-01-01\n"
        f",王五,13812345678,0755-23456789,{make_id(random.Random(1))},是,\"两行\n备注\",1-1-102,family,\n",
        encoding="utf-8")
    pmcs.ok("person", "import", people, "--mode", "upsert")

    def history(ref):
        return [(a, json.loads(b) if b else None, json.loads(c))
                for a, b, c in pmcs.rows("SELECT action, before, after FROM events WHERE ref = ? ORDER BY id", (ref,))]

    assert history("P00001")[1:] == [
        ("import", {"phone": "13900000000"}, {"phone": "13900000001"}),
        ("link", None, {"end": None, "role": "tenant", "start": None, "unit": "1-1-102"})]
    assert history("P00002") == [
        ("import", None, {"id_number": make_id(random.Random(1)), "name": "王五", "notes": "两行\n备注",
                          "phone": "13812345678", "phone2": "0755-23456789", "vip": 1}),
        ("link", None, {"end": None, "role": "owner", "start": "2024-01-01", "unit": "1-1-101"}),
        ("link", None, {"end": None, "role": "family", "start": None, "unit": "1-1-102"})]


@pytest.mark.parametrize("pid", [1, 42, 99999, 100000, 1234567])
def test_person_ref_spelled_the_same_in_sql(pid):
    import sqlite3

    from pmcs.store.imports import PERSON_REF_SQL
    from pmcs.store.registry import person_ref

    assert sqlite3.connect(":memory:").execute(f"SELECT {PERSON_REF_SQL.format('?')}", (pid,)).fetchone()[0] == person_ref(pid)


@pytest.mark.parametrize("outcome", ["imported", "dry-run", "refused"])
def test_indexes_are_there_after_a_bulk_load(pmcs, tmp_path, outcome):
    """Into empty tables the people import builds its indexes at the end; whatever happens,
    the schema afterwards is the schema before, and the unique ID number index still bites."""
    ufile, pfile, _, ids = estate_files(tmp_path, "utf-8", n_units=40, n_people=60)
    pmcs.ok("unit", "import", ufile)
    schema = pmcs.dump()["schema"]
    if outcome == "refused":
        with open(pfile, "a", encoding="utf-8") as f:
            f.write("坏人,13800000000,110105194912310021,1-1-0101,业主\n")  # bad check digit
    args = ["--dry-run"] if outcome == "dry-run" else []
    result = pmcs("person", "import", pfile, *args)
    assert result.exit_code == (1 if outcome == "refused" else 0), result.stderr
    assert pmcs.dump()["schema"] == schema
    plan = pmcs.rows("EXPLAIN QUERY PLAN SELECT id FROM people WHERE id_number = ?", (sorted(ids)[0],))
    assert "idx_people_id_number" in plan[0][-1]
    if outcome == "imported":
        existing = sorted(ids)[0]
        r = pmcs("person", "add", "--name", "重复", "--id-number", existing)
        assert r.exit_code != 0


def test_one_bad_row_is_not_called_rows(pmcs, tmp_path):
    bad = tmp_path / "u.csv"
    bad.write_text("code,area\n1-1-101,abc\n", encoding="utf-8")
    r = pmcs("unit", "import", bad)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == f"error: {bad}: rows with errors: 1; nothing was written"


@pytest.mark.parametrize("mode", ["insert", "upsert"])
def test_a_new_person_on_a_second_row_without_the_ref_is_the_same_person(pmcs, tmp_path, mode):
    """Row 1 adds P00050 under its ref, row 2 names the same ID number and name without a ref:
    one person with two links, and history in the order it happened (it used to 'update' a
    row not yet written: an event saying one thing, a table saying another)."""
    for code in ("1-1-101", "1-1-102"):
        pmcs.ok("unit", "add", code)
    id_number = make_id(random.Random(5))
    people = tmp_path / "p.csv"
    people.write_text(f"ref,name,id_number,unit\nP00050,王五,{id_number},1-1-101\n,王五,{id_number},1-1-102\n",
                      encoding="utf-8")
    out = pmcs.ok("person", "import", people, "--mode", mode).stdout
    assert "1 added, 0 updated" in out
    assert pmcs.rows("SELECT id, name FROM people") == [(50, "王五")]
    assert pmcs.rows("SELECT u.code FROM person_units l JOIN units u ON u.id = l.unit_id ORDER BY l.id") == [
        ("1-1-101",), ("1-1-102",)]
    assert [r[0] for r in pmcs.rows("SELECT action FROM events WHERE ref = 'P00050' ORDER BY id")] == [
        "import", "link", "link"]


@pytest.mark.parametrize("mode", ["insert", "upsert"])
@pytest.mark.parametrize("third", ["", "P00050"])
def test_one_id_number_or_ref_under_two_names_is_refused_not_merged(pmcs, tmp_path, mode, third):
    """赵一 and 钱二 with one ID number are two people or a typo: merging them kept 赵一 and
    lost 钱二's name and phone without a word. The row is named; nothing is written."""
    for code in ("1-1-101", "1-1-102"):
        pmcs.ok("unit", "add", code)
    id_number = make_id(random.Random(5))
    people = tmp_path / "p.csv"
    people.write_text(f"ref,name,phone,id_number,unit\nP00050,赵一,13800000001,{id_number},1-1-101\n"
                      f"{third},赵一,,{id_number},1-1-102\n"  # the same person again: fine
                      f"{third},钱二,13800000002,{id_number},1-1-102\n", encoding="utf-8")
    before = pmcs.dump()
    result = pmcs("person", "import", people, "--mode", mode)
    column = "ref" if third else "ID number"
    assert result.exit_code == 1 and f"line 4, column {column}:" in result.stderr and "赵一" in result.stderr
    assert "line 3" not in result.stderr
    assert pmcs.dump() == before


@pytest.mark.parametrize("rows", [
    ["P00001,张三,{id},1-1-101", ",钱二,{id},1-1-102"],  # the ref on one row, the ID number on the other
    [",张三,{id},1-1-101", "P00001,钱二,,1-1-102"],
    [",张三,{id},1-1-101", "p1,钱二,,1-1-102"],  # the ref spelt another way
    ["P00001,张三,,1-1-101", ",钱二,{id},1-1-102"],  # the ref with its number left blank, then the number
])
def test_one_person_by_ref_and_by_id_number_under_two_names_is_refused(pmcs, tmp_path, rows):
    for code in ("1-1-101", "1-1-102"):
        pmcs.ok("unit", "add", code)
    id_number = make_id(random.Random(5))
    pmcs.ok("person", "add", "--name", "张三", "--id-number", id_number)  # P00001
    people = tmp_path / "p.csv"
    people.write_text("ref,name,id_number,unit\n" + "\n".join(r.format(id=id_number) for r in rows) + "\n",
                      encoding="utf-8")
    before = pmcs.dump()
    result = pmcs("person", "import", people, "--mode", "upsert")
    assert result.exit_code == 1 and "line 3" in result.stderr and "张三" in result.stderr
    assert pmcs.dump() == before


def test_refs_past_the_last_id_add_people_and_later_rows_fill_the_gap(pmcs, tmp_path):
    """Refs may name new people beyond the last id, or in the gap such a ref leaves; the
    rows without a ref get the next free ids; a ref on two rows is one person."""
    pmcs.ok("person", "add", "--name", "甲")  # P00001
    people = tmp_path / "p.csv"
    people.write_text("ref,name\nP00010,乙\n,丙\nP00005,丁\n,戊\n", encoding="utf-8")
    pmcs.ok("person", "import", people)
    assert pmcs.rows("SELECT id, name FROM people ORDER BY id") == [
        (1, "甲"), (5, "丁"), (10, "乙"), (11, "丙"), (12, "戊")]
    again = tmp_path / "q.csv"
    again.write_text("ref,name\nP00020,己\nP00020,己\nP00015,辛\n", encoding="utf-8")
    pmcs.ok("person", "import", again)
    assert pmcs.rows("SELECT id, name FROM people WHERE id > 12 ORDER BY id") == [(15, "辛"), (20, "己")]
