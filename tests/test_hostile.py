"""Hostile input: whatever a clerk, a script or a broken spreadsheet throws at
pmcs, it answers with an exit code in {0,1,2,3,4}, one message and no
traceback, and a refused command leaves the database exactly as it was.

"internal error" on stderr means an exception escaped pmcs's own rules: a bug.
"""
from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import VALID_IDS

OK_CODES = {0, 1, 2, 3, 4}
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HUGE = ["x" * 100_000, "王" * 100_000, "=1+" * 34_000, "\u202e" * 100_000, "1" * 100_000, "😀" * 100_000]
SPECIALS = [
    "", " ", "\t", "\n", "\r\n", "\x1b[31mred", "\x07", "\x7f", "\u202e3-2-1502", "\u200b", "\ufeff", "\u2028",
    "'; DROP TABLE units; --", "1' OR '1'='1", '"); DELETE FROM people; --', "%", "_", "%s %d {0} {name}", "\\",
    "=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "＝1+1", "－5", "'=x", "😀", "👨‍👩‍👧", "𠀀", "王",
    "2026-02-30", "0000-00-00", "9999-12-31T25:61", "NaN", "inf", "-inf", "1e309", "-0", "0x10", "1_000",
    "P0", "P-1", "p00001", "P99999999999999999999", "S001", "../../etc/passwd", "/dev/null", "-", "--",
    "--help", "-h", "3-2-1502", "1-1-101", "1-1-101 ", "１-１-１０１", "A1502", "a" * 201, "1" * 33,
    "13812345678", "+8613812345678", "110105194912310021", VALID_IDS[0], VALID_IDS[0].lower(),
    "已入住", "owner", "业主", "customer_service", "客服", "\udcff\udcfe",  # non-UTF-8 argv bytes (surrogateescape)
] + HUGE
ARGV_CHARS = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
argv_text = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(ARGV_CHARS, max_size=30),
    st.text(st.sampled_from("\x01\x08\x0b\x1b\u202e\u202d\u200f\u0301\t\r\n '\"%;-=@"), max_size=8),
    st.tuples(st.sampled_from(SPECIALS[:-len(HUGE)]), st.text(ARGV_CHARS, max_size=8)).map("".join),
)
maybe = st.one_of(st.none(), argv_text)


def opts(**values) -> list[str]:
    """--name value pairs for the values given (None = option left out)."""
    out: list[str] = []
    for name, value in values.items():
        if value is not None:
            out += [f"--{name.replace('_', '-')}", value]
    return out


def seed(pmcs) -> None:
    """A small registry, made once per test (hypothesis reuses the fixture)."""
    if pmcs.rows("SELECT count(*) FROM staff")[0][0]:
        return
    pmcs.ok("unit", "add", "1-1-101", "--area", "88.5", "--status", "occupied")
    pmcs.ok("unit", "add", "1-1-102")
    pmcs.ok("person", "add", "--name", "张三", "--phone", "13812345678", "--id-number", VALID_IDS[1],
            "--unit", "1-1-101", "--role", "owner")
    pmcs.ok("staff", "add", "--name", "李雷", "--team", "customer_service", "--code", "S001")


CLERK = "李雷"  # every change is recorded under an active staff member: seed's S001


def hostile(pmcs, *args, input=None, actor=CLERK, readonly=False):
    """Run pmcs; check exit code, no traceback, no internal error, nothing written on
    error (nor ever, for a `readonly` command)."""
    before = pmcs.dump()
    result = pmcs(*args, input=input, actor=actor)
    shown = (args[:3], [a[:60] + ("…" if len(a) > 60 else "") for a in map(str, args[3:])],
             result.exit_code, result.stdout[-500:], result.stderr[-1500:])
    assert result.exit_code in OK_CODES, shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    assert "internal error" not in result.stderr, shown
    if result.exit_code != 0:
        assert result.stderr.startswith("error: "), shown
    if result.exit_code != 0 or readonly:
        assert pmcs.dump() == before, shown
    return result


def renders(pmcs, *args):
    """What was stored must show again without trouble."""
    result = hostile(pmcs, *args, readonly=True)
    assert result.exit_code == 0, (args, result.stdout[-500:], result.stderr[-500:])
    return result


# --- command options ---------------------------------------------------------------

@SETTINGS
@given(code=argv_text, building=maybe, entrance=maybe, floor=maybe, area=maybe, type=maybe, status=maybe)
@example(code="'; DROP TABLE units; --", building=None, entrance=None, floor=None, area=None, type=None, status=None)
def test_unit_add(pmcs, code, building, entrance, floor, area, type, status):
    seed(pmcs)
    r = hostile(pmcs, "unit", "add", code, *opts(building=building, entrance=entrance, floor=floor, area=area,
                                                  type=type, status=status))
    if r.exit_code == 0 and not code.startswith("-"):
        stored = pmcs.rows("SELECT code FROM units ORDER BY id DESC LIMIT 1")[0][0]
        renders(pmcs, "unit", "show", stored)
        renders(pmcs, "history", stored)
        renders(pmcs, "unit", "list", "--format", "csv")


@SETTINGS
@given(code=st.one_of(st.just("1-1-101"), argv_text), building=maybe, entrance=maybe, floor=maybe, area=maybe,
       type=maybe, status=maybe, actor=st.one_of(st.just(CLERK), argv_text.filter(lambda a: not a.startswith("-"))))
@example(code="1-1-101", building=None, entrance=None, floor=None, area=None, type=None, status="", actor=CLERK)
def test_unit_edit(pmcs, code, building, entrance, floor, area, type, status, actor):
    seed(pmcs)
    r = hostile(pmcs, "unit", "edit", code, *opts(building=building, entrance=entrance, floor=floor, area=area,
                                                   type=type, status=status), actor=actor or None)
    if r.exit_code == 0 and code == "1-1-101":
        renders(pmcs, "unit", "show", "1-1-101")
        renders(pmcs, "history", "1-1-101", "--format", "json")


@SETTINGS
@given(name=argv_text, phone=maybe, id_number=maybe, notes=maybe,
       unit=st.one_of(st.none(), st.just("1-1-102"), argv_text), role=maybe)
@example(name="\u202e王五", phone="+86 138 1234 5678", id_number=VALID_IDS[0], notes="=1+1\n第二行", unit="1-1-102",
         role="租户")
@example(name="\udcff\udcfe", phone=None, id_number=None, notes=None, unit=None, role=None)
def test_person_add(pmcs, name, phone, id_number, notes, unit, role):
    seed(pmcs)
    r = hostile(pmcs, "person", "add", "--name", name, *opts(phone=phone, id_number=id_number, notes=notes, unit=unit,
                                                             role=role))
    if r.exit_code == 0:
        ref = "P%05d" % pmcs.rows("SELECT max(id) FROM people")[0][0]
        assert pmcs.rows("SELECT name FROM people ORDER BY id DESC LIMIT 1")[0][0] == name.strip()
        renders(pmcs, "person", "show", ref, "--reveal")
        renders(pmcs, "person", "list", "--reveal", "--format", "json")
        renders(pmcs, "history", ref)
        renders(pmcs, "person", "export", "--include-pii")


@SETTINGS
@given(search=argv_text, limit=st.one_of(st.none(), st.sampled_from(["0", "-1", "5", "99999999999999999999"]),
                                          argv_text), fmt=st.one_of(st.none(), argv_text))
@example(search="x" * 100_000, limit=None, fmt=None)
@example(search="王", limit="99999999999999999999", fmt=None)
@example(search="\udcff", limit=None, fmt=None)
def test_person_list_search(pmcs, search, limit, fmt):
    seed(pmcs)
    hostile(pmcs, "person", "list", "--search", search, *opts(limit=limit, format=fmt), readonly=True)
    hostile(pmcs, "unit", "list", "--search", search, readonly=True)


@SETTINGS
@given(name=argv_text, team=argv_text, role=maybe, phone=maybe, code=maybe)
def test_staff_add(pmcs, name, team, role, phone, code):
    seed(pmcs)
    r = hostile(pmcs, "staff", "add", "--name", name, "--team", team, *opts(role=role, phone=phone, code=code))
    if r.exit_code == 0:
        renders(pmcs, "staff", "list", "--all", "--reveal")


@SETTINGS
@given(ref=st.one_of(st.just("S001"), argv_text), name=maybe, team=maybe, role=maybe, phone=maybe)
@example(ref="S001", name=None, team=None, role="", phone=None)
def test_staff_edit(pmcs, ref, name, team, role, phone):
    seed(pmcs)
    r = hostile(pmcs, "staff", "edit", ref, *opts(name=name, team=team, role=role, phone=phone))
    if r.exit_code == 0 and ref == "S001":
        renders(pmcs, "staff", "list", "--all", "--format", "json")


@SETTINGS
@given(ref=st.one_of(st.just("P00001"), argv_text), name=maybe, phone=maybe, id_number=maybe, notes=maybe)
@example(ref="P99999999999999999999", name=None, phone=None, id_number=None, notes="x")
def test_person_edit(pmcs, ref, name, phone, id_number, notes):
    seed(pmcs)
    r = hostile(pmcs, "person", "edit", ref, *opts(name=name, phone=phone, id_number=id_number, notes=notes))
    if r.exit_code == 0 and ref == "P00001":
        renders(pmcs, "person", "show", "P00001", "--reveal", "--format", "json")


@SETTINGS
@given(ref=argv_text, fmt=st.one_of(st.none(), argv_text), lang=st.one_of(st.none(), argv_text))
@example(ref="P99999999999999999999", fmt=None, lang=None)
@example(ref="\udcff\udcfe", fmt=None, lang=None)
def test_history_and_show(pmcs, ref, fmt, lang):
    seed(pmcs)
    lang_opt = ["--lang", lang] if lang is not None else []
    hostile(pmcs, *lang_opt, "history", ref, *opts(format=fmt), readonly=True)
    hostile(pmcs, *lang_opt, "unit", "show", ref, readonly=True)
    hostile(pmcs, "person", "show", ref, readonly=True)



ODD_REFS = ["²", "P²", "GT²", "TS-2026-²", "TS-²", "ZG²", "P" + "9" * 25, "GT" + "9" * 25, "TS-2026-" + "9" * 25,
            "٣", "P٣", "GT٣", "-1", "0"]
REF_COMMANDS = [("person", "show"), ("comms", "show"), ("comms", "done"), ("complaint", "show"), ("repair", "show"),
                ("request", "show"), ("survey", "show"), ("handover", "checklist"), ("renovation", "show"),
                ("duty", "done"), ("history",)]


@pytest.mark.parametrize("command", REF_COMMANDS, ids=" ".join)
def test_odd_numbers_in_refs(pmcs, command):
    """Superscript or Arabic-Indic digits and numbers too big for SQLite are 'not found', not a crash
    (`P²` passed str.isdigit() and then broke int(); `GT` + 25 digits overflowed SQLite)."""
    seed(pmcs)
    for ref in ODD_REFS:
        hostile(pmcs, *command, ref)

# --- CSV files -------------------------------------------------------------------------

UNIT_HEADERS = ["code", "building", "entrance", "floor", "area", "type", "status", "房号", "楼栋", "面积", "状态"]
PERSON_HEADERS = ["name", "phone", "id_number", "unit", "role", "ref", "notes", "vip", "start", "end", "姓名",
                  "手机", "身份证号", "房号", "身份"]
cell = st.one_of(
    st.sampled_from(SPECIALS[:-len(HUGE)] + ["1-1-101", "1-1-102", "9-9-909", "2-1-301", "120.5", "1", "0", "是",
                                              "2024-01-01", "2024-13-01", VALID_IDS[2], "13912345678", "\x00"]),
    st.text(max_size=20).filter(lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1", "cp1252", "big5"]


def csv_bytes(header, rows, encoding, quoted) -> bytes:
    if quoted:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)
        text = buf.getvalue()
    else:  # what a careless script writes: no quoting at all
        text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    return text.encode(encoding, errors="replace")


def csv_file(headers):
    return st.builds(csv_bytes, st.lists(st.one_of(st.sampled_from(headers), st.text(max_size=8)), max_size=8),
                     st.lists(st.lists(cell, max_size=9), max_size=8), st.sampled_from(ENCODINGS), st.booleans())


def mostly(valid):
    """A valid value nine times in ten, else a hostile cell: files that nearly import."""
    return st.one_of(*[valid] * 9, cell)


def near_valid(headers, columns):
    rows = st.lists(st.tuples(*[mostly(c) for c in columns]).map(list), min_size=1, max_size=5)
    return st.builds(csv_bytes, st.sampled_from(headers), rows, st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
                     st.booleans())


near_valid_units = near_valid(
    [["code", "area", "status", "type"], ["房号", "面积", "状态", "类型"]],
    [st.integers(100, 2999).map(lambda n: f"5-1-{n}"), st.sampled_from(["50", "88.5", "1,200.25", "99㎡"]),
     st.sampled_from(["occupied", "已入住", "vacant", ""]), st.sampled_from(["residential", "商铺", ""])])
near_valid_people = near_valid(
    [["name", "phone", "id_number", "unit", "role"], ["姓名", "手机", "身份证号", "房号", "身份"]],
    [st.sampled_from(["王芳", "李雷", "Ann O'Neil", "欧阳 娜娜"]), st.integers(0, 10**8 - 1).map(lambda n: f"139{n:08d}"),
     st.sampled_from(["", VALID_IDS[0], VALID_IDS[2], VALID_IDS[0].lower()]), st.sampled_from(["1-1-101", "1-1-102", ""]),
     st.sampled_from(["owner", "租户", "family", ""])])

import_opts = st.lists(st.sampled_from([["--dry-run"], ["--mode", "upsert"], ["--mode", "replace"],
                                        ["--encoding", "gb18030"], ["--encoding", "utf-16"], ["--encoding", "rot13"],
                                        ["--encoding", "base64"], ["--encoding", "latin-1"], ["--encoding", ""]]),
                       max_size=2).map(lambda xs: [a for x in xs for a in x])


@SETTINGS
@given(data=st.one_of(csv_file(UNIT_HEADERS), near_valid_units, st.binary(max_size=300),
                      st.binary(max_size=300).map(lambda b: b"code,area\r\n1-1-201," + b)), extra=import_opts)
def test_unit_import(pmcs, tmp_path, data, extra):
    seed(pmcs)
    path = tmp_path / "units.csv"
    path.write_bytes(data)
    r = hostile(pmcs, "unit", "import", path, *extra, readonly="--dry-run" in extra)
    if r.exit_code == 0:
        renders(pmcs, "unit", "list", "--format", "jsonl")


@SETTINGS
@given(data=st.one_of(csv_file(PERSON_HEADERS), near_valid_people, st.binary(max_size=300),
                      st.binary(max_size=300).map(lambda b: b"name,unit,phone\r\n" + b)), extra=import_opts)
def test_person_import(pmcs, tmp_path, data, extra):
    seed(pmcs)
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    r = hostile(pmcs, "person", "import", path, *extra, readonly="--dry-run" in extra)
    if r.exit_code == 0:
        renders(pmcs, "person", "list", "--reveal", "--format", "csv")


EDGE_FILES = {
    "empty": b"",
    "blank lines": b"\r\n\n\r\n",
    "bom only": b"\xef\xbb\xbf",
    "header only": b"code,building\r\n",
    "duplicate header": b"code,code\r\n1-1-201,1-1-202\r\n",
    "duplicate alias": "房号,code\r\n1-1-201,1-1-202\r\n".encode("gb18030"),
    "name and 姓名": "name,姓名,unit\r\n甲,乙,1-1-101\r\n".encode(),
    "no known column": b"foo,bar\r\n1,2\r\n",
    "utf-16": "code,area\r\n1-1-201,50\r\n".encode("utf-16"),
    "nul in cell": b"code,area\r\n1-1-2\x0001,50\r\n",
    "open quote": b"code,area\r\n\"1-1-201,50\r\n",
    "huge cell": b"code,area\r\n" + b"1" * 11_000_000 + b",50\r\n",
    "lone cr": b"code,area\r1-1-201,50\r1-1-202,60\r",
    "cut gb18030": "name,unit\r\n王".encode("gb18030")[:-1],
    "formula": b"code,name,unit\r\n=1+1,'=cmd|' /C calc'!A0,@SUM(A1)\r\n",
}


@pytest.mark.parametrize("noun", ["unit", "person"])
@pytest.mark.parametrize("case", list(EDGE_FILES))
def test_odd_files(pmcs, tmp_path, noun, case):
    seed(pmcs)
    path = tmp_path / "in.csv"
    path.write_bytes(EDGE_FILES[case])
    hostile(pmcs, noun, "import", path)


@pytest.mark.parametrize("path", ["<a directory>", ".", "", "missing/dir/x.csv", "/dev/null", "/proc/self/mem", "-"])
def test_odd_import_paths(pmcs, tmp_path, path):
    seed(pmcs)
    hostile(pmcs, "unit", "import", tmp_path if path == "<a directory>" else path, input="code\n1-1-301\n")


@pytest.mark.parametrize("content", [b"", b"hello, this is not a database\n", b"SQLite format 3\x00" + b"\xff" * 200,
                                     None])
def test_db_that_is_not_a_database(pmcs, tmp_path, content):
    """--db pointing at something else: a clear error, and the file left alone."""
    target = tmp_path / "not-a-db"
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content)
    result = pmcs("--db", target, "unit", "add", "1-1-101", db=False)
    assert result.exit_code in OK_CODES - {0} or content == b"", (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if content:
        assert target.read_bytes() == content


# --- found by a fuzzing campaign (each was an internal error) ------------------------------

def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", ["far_date", "rrule_ended", "case_year_999", "huge_amount", "idna", "long_out",
                                  "huge_seed", "appointment_year_1", "interval_0", "secondly", "long_backup",
                                  "huge_reopen_count"])
def test_fuzzing_findings_are_plain_errors(pmcs, tmp_path, case):
    seed(pmcs)
    pmcs.ok("staff", "add", "--name", "赵主任", "--team", "customer_service", "--role", "manager", actor=CLERK)  # S002
    args = {
        "far_date": ["calendar", "workdays", "9999-12-31", "5"],  # + 5 working days overflowed the date type
        "rrule_ended": ["duty", "add", "d1", "--rrule", "FREQ=DAILY;UNTIL=20100101", "--start", "2026-11-23"],
        "case_year_999": ["repair", "import", _write(tmp_path, "r.csv", "recorded_at,unit,description\n"
                                                                      "0999-12-31 10:00,1-1-101,漏水\n")],
        "huge_amount": ["fees", "import", _write(tmp_path, "f.csv", "unit,period,due,paid\n1-1-101,2026-11,100,1e1000000\n")],
        "idna": ["person", "import", _write(tmp_path, "p.csv", "name\n王五\n"), "--encoding", "idna"],
        "long_out": ["archive", "purge", "--closed-before", "2026-01-01", "--approved-by", "S002",
                     "--out", str(tmp_path / ("x" * 300))],
        "huge_seed": ["survey", "sample", "S1", "--seed", "9" * 25],
        "appointment_year_1": ["repair", "advance", "BX-2026-0001", "--urgency", "normal", "--paid", "paid",
                               "--appointment", "0001-01-01 10:00"],
        # INTERVAL=0 was accepted, and then `duty done` looped for ever holding the write lock
        "interval_0": ["duty", "add", "d1", "--rrule", "FREQ=DAILY;INTERVAL=0"],
        "secondly": ["duty", "add", "d1", "--rrule", "FREQ=SECONDLY"],
        "long_backup": ["db", "backup", str(tmp_path / ("x" * 300))],
        "huge_reopen_count": ["repair", "import", _write(tmp_path, "r2.csv", "recorded_at,unit,description,step,status,reopen_count\n"
                                                                          "2026-11-01 10:00,1-1-101,漏水,confirmed,open,"
                                                                          "99999999999999999999\n")],
    }[case]
    if case == "huge_seed":
        pmcs.ok("survey", "new", "S1", "--period", "2026-H2", "--method", "door", actor=CLERK)
    if case == "appointment_year_1":
        pmcs.ok("repair", "add", "--unit", "1-1-101", "--description", "漏水", "--channel", "phone", actor="李雷")
    r = hostile(pmcs, *args, actor="李雷")
    assert r.exit_code != 0, (r.stdout, r.stderr)
    if case in ("case_year_999", "appointment_year_1", "far_date"):
        assert "1900" in r.stderr, r.stderr
    if case == "huge_reopen_count":
        assert "reopen_count" in r.stderr and "step is required" not in r.stderr, r.stderr


def test_a_duty_whose_rule_runs_out_stops_being_reminded(pmcs):
    seed(pmcs)
    pmcs.ok("duty", "add", "d2", "--rrule", "FREQ=DAILY;COUNT=2", "--start", "2026-11-23", actor=CLERK)
    pmcs.ok("duty", "done", "d2", actor=CLERK)
    last = pmcs.ok("duty", "done", "d2", "--force", actor=CLERK).stdout  # the second falls due tomorrow
    assert "no later date" in last
    assert pmcs.rows("SELECT active FROM duties WHERE name = 'd2'") == [(0,)]


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59+08:00"])
def test_a_clock_outside_the_years_pmcs_stores_is_refused(pmcs, monkeypatch, now):
    seed(pmcs)
    monkeypatch.setenv("PMCS_NOW", now)
    r = hostile(pmcs, "today")
    assert r.exit_code == 1 and "PMCS_NOW" in r.stderr
