"""Units, people and staff through the command line, as the clerk uses them."""
import json

import pytest

from conftest import VALID_IDS


def test_unit_add_reads_building_entrance_floor_from_the_code(pmcs):
    pmcs.ok("unit", "add", "3-2-1502", "--area", "120.5", "--status", "已入住")
    pmcs.ok("unit", "add", "a1502", "--type", "商铺")
    assert pmcs.rows("SELECT code, building, entrance, floor, area, type, status FROM units ORDER BY code") == [
        ("3-2-1502", "3", "2", 15, 120.5, "residential", "occupied"),
        ("A1502", "A", None, 15, None, "commercial", "vacant"),
    ]


def test_unit_list_filters_by_building_and_status_in_every_format(pmcs):
    for code in ("1-1-101", "1-1-102", "2-1-101"):
        pmcs.ok("unit", "add", code, "--status", "occupied")
    pmcs.ok("unit", "edit", "1-1-102", "--status", "vacant")
    out = pmcs.ok("unit", "list", "--building", "1", "--status", "occupied", "--format", "json").stdout
    assert [u["code"] for u in json.loads(out)] == ["1-1-101"]
    lines = pmcs.ok("unit", "list", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(x)["code"] for x in lines] == ["1-1-101", "1-1-102", "2-1-101"]
    csv_out = pmcs.ok("unit", "list", "--format", "csv").stdout
    assert csv_out.splitlines()[0].lstrip("\ufeff").startswith("code,building")
    assert "1-1-101" in pmcs.ok("unit", "list").stdout


@pytest.mark.parametrize("args,code,key", [
    (["unit", "add", "3-2-1502", "--area", "abc"], 1, "not a number"),
    (["unit", "add", "3-2-1502", "--type", "castle"], 1, "is not one of"),
    (["unit", "add", "3 2 1502"], 1, "not a unit code"),
    (["unit", "show", "9-9-999"], 3, "not found"),
    (["unit", "list", "--format", "xml"], 2, "unknown format"),
    (["unit", "list", "--bogus"], 2, "no such option"),
    (["unit", "add"], 2, "missing"),
    (["person", "add", "--name", "张三", "--id-number", "110105194912310021"], 1, "check digit"),
    (["person", "add", "--name", "张三", "--phone", "12345"], 1, "not a mobile"),
    (["person", "add", "--name", "张三", "--unit", "9-9-999"], 3, "not found"),
    (["person", "add", "--name", ""], 1, "required"),
    (["person", "show", "P99999"], 3, "not found"),
    (["staff", "add", "--name", "李雷", "--team", "kitchen"], 1, "is not one of"),
    (["history", "nothing-here"], 3, "No recorded changes"),
])
def test_bad_input_is_one_line_with_exit_code_and_nothing_written(pmcs, args, code, key):
    pmcs.ok("unit", "add", "1-1-101")
    before = pmcs.dump()
    result = pmcs(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert key in result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr + result.stdout
    assert len([ln for ln in result.stderr.splitlines() if not ln.startswith("hint:")]) == 1
    assert pmcs.dump() == before


def test_errors_are_in_chinese_with_lang_zh(pmcs):
    result = pmcs("--lang", "zh", "unit", "show", "9-9-999")
    assert result.exit_code == 3
    assert "找不到房号" in result.stderr and result.stderr.startswith("错误")


def test_a_language_or_time_zone_pmcs_does_not_know_is_refused_not_replaced(pmcs, monkeypatch):
    """--lang fr used to give English, PMCS_TZ=Mars/Base the machine's zone: every time shown and
    every "today" would be off, without a word."""
    assert pmcs.ok("--lang", "zh_CN.UTF-8", "unit", "list").stdout.startswith("房号")
    result = pmcs("--lang", "fr", "unit", "list")
    assert result.exit_code == 2 and "--lang" in result.stderr and "en, zh" in result.stderr
    monkeypatch.setenv("PMCS_LANG", "klingon")
    assert pmcs("unit", "list").exit_code == 2
    monkeypatch.setenv("PMCS_LANG", "en")
    monkeypatch.setenv("PMCS_TZ", "Mars/Base")
    result = pmcs("today")
    assert result.exit_code == 1 and "PMCS_TZ" in result.stderr and "Traceback" not in result.stderr


def test_help_and_click_s_own_errors_are_in_chinese_with_lang_zh():
    """Click's words (Usage:, Options, Show this message and exit., default, a bad number) come
    from gettext with no Chinese: in a fresh process, as a clerk sees them."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PMCS_LANG="zh")
    run = lambda *args: subprocess.run([sys.executable, "-m", "pmcs", *args], capture_output=True, text=True, env=env)
    shown = run("unit", "list", "--help").stdout + run("--help").stdout
    for english in ("Usage:", "Options", "Show this message", "default:", "Install completion"):
        assert english not in shown, english
    assert "用法:" in shown and "显示本帮助并退出" in shown
    bad = run("unit", "list", "--limit", "-1")
    assert bad.returncode == 2 and "需要 0 到 1000000 之间的整数" in bad.stderr and "range" not in bad.stderr
    bad = run("survey", "dimension", "set", "x", "overall", "--weight", "abc")  # a float option
    assert bad.returncode == 2 and "需要一个数" in bad.stderr and "float" not in bad.stderr


def test_person_add_with_unit_link_masks_personal_data_unless_revealed(pmcs):
    pmcs.ok("unit", "add", "3-2-1502")
    out = pmcs.ok("person", "add", "--name", "张三", "--phone", "13812345678", "--id-number", VALID_IDS[0],
                  "--unit", "3-2-1502", "--role", "业主").stdout
    assert "P00001" in out
    shown = pmcs.ok("person", "show", "P00001").stdout
    assert "138****5678" in shown and "110105********002X" in shown
    assert "13812345678" not in shown and VALID_IDS[0] not in shown
    revealed = pmcs.ok("person", "show", "张三", "--reveal").stdout
    assert "13812345678" in revealed and VALID_IDS[0] in revealed
    listed = pmcs.ok("person", "list", "--format", "json").stdout
    assert "13812345678" not in listed
    assert json.loads(listed)[0]["units"] == "3-2-1502:owner"
    unit = pmcs.ok("unit", "show", "3-2-1502").stdout
    assert "张三" in unit and "138****5678" in unit


def test_duplicate_id_number_is_refused(pmcs):
    pmcs.ok("person", "add", "--name", "张三", "--id-number", VALID_IDS[1])
    result = pmcs("person", "add", "--name", "张三丰", "--id-number", VALID_IDS[1])
    assert result.exit_code == 1 and "P00001" in result.stderr


def test_link_and_unlink_are_dated_and_recorded(pmcs):
    pmcs.ok("unit", "add", "1-1-101")
    pmcs.ok("person", "add", "--name", "赵六")
    pmcs.ok("person", "link", "P00001", "--unit", "1-1-101", "--role", "tenant", "--from", "2026-01-01")
    assert pmcs("person", "link", "P00001", "--unit", "1-1-101", "--role", "租户").exit_code == 1
    pmcs.ok("person", "unlink", "P00001", "--unit", "1-1-101")
    assert pmcs.rows('SELECT role, start, "end" FROM person_units') == [("tenant", "2026-01-01", "2026-11-23")]
    assert pmcs("person", "unlink", "P00001", "--unit", "1-1-101").exit_code == 3
    actions = [r[0] for r in pmcs.rows("SELECT action FROM events WHERE ref = 'P00001' ORDER BY id")]
    assert actions == ["create", "link", "unlink"]


def test_edit_records_before_and_after_with_the_actor(pmcs):
    pmcs.ok("unit", "add", "1-1-101", "--area", "88")
    pmcs("unit", "edit", "1-1-101", "--area", "89.5", actor="李娜")
    before, after, actor = pmcs.rows("SELECT before, after, actor FROM events WHERE action = 'update'")[0]
    assert json.loads(before) == {"area": 88.0}
    assert json.loads(after) == {"area": 89.5}
    assert actor == "李娜"
    out = pmcs.ok("history", "1-1-101").stdout
    assert "88.0 → 89.5" in out and "李娜" in out


def test_edit_with_nothing_to_change_is_refused(pmcs):
    pmcs.ok("unit", "add", "1-1-101")
    result = pmcs("unit", "edit", "1-1-101")
    assert result.exit_code == 1 and "nothing to change" in result.stderr


def test_staff_add_list_edit_deactivate(pmcs):
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "客服", "--role", "客服主管", "--phone", "13900001111")
    pmcs.ok("staff", "add", "--name", "刘强", "--team", "engineering")
    pmcs.ok("staff", "edit", "刘强", "--team", "秩序")
    pmcs.ok("staff", "deactivate", "S002")
    active = json.loads(pmcs.ok("staff", "list", "--format", "json").stdout)
    assert [(s["code"], s["team"], s["role"]) for s in active] == [("S001", "customer_service", "supervisor")]
    assert active[0]["phone"] == "139****1111"
    everyone = json.loads(pmcs.ok("staff", "list", "--all", "--format", "json").stdout)
    assert [(s["code"], s["team"], s["active"]) for s in everyone][1] == ("S002", "security", 0)
    zh = pmcs.ok("--lang", "zh", "staff", "list", "--all").stdout
    assert "客服主管" in zh and "秩序/护卫" in zh
    assert "工号" in zh and "房号" not in zh  # a staff code is not a unit


def test_init_records_estate_and_db_check_and_backup(pmcs, tmp_path):
    import os
    import stat

    assert "no estate name yet" in pmcs.ok("init").stdout  # not "(estate: )"
    assert "锦绣华庭" in pmcs.ok("init", "--estate", "锦绣华庭").stdout
    pmcs.ok("unit", "add", "1-1-101")
    assert "sound" in pmcs.ok("db", "check").stdout
    backup = tmp_path / "backup.db"
    pmcs.ok("db", "backup", str(backup))
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    import sqlite3

    assert sqlite3.connect(backup).execute("SELECT code FROM units").fetchall() == [("1-1-101",)]
    again = pmcs("db", "backup", str(backup))
    assert again.exit_code == 1 and "already exists" in again.stderr
    unmounted = tmp_path / "mnt" / "usb" / "backup.db"  # the stick is not there: no copy on this disk
    result = pmcs("db", "backup", str(unmounted))
    assert result.exit_code == 1 and "does not exist" in result.stderr and "mounted" in result.stderr
    assert not (tmp_path / "mnt").exists()


def test_db_check_fails_on_a_broken_foreign_key(pmcs):
    import sqlite3

    pmcs.ok("unit", "add", "1-1-101")
    conn = sqlite3.connect(pmcs.db_path)  # foreign keys off on this raw connection
    conn.execute("INSERT INTO person_units (person_id, unit_id, role, created_at) VALUES (42, 1, 'owner', 'x')")
    conn.commit()
    conn.close()
    result = pmcs("db", "check")
    assert result.exit_code == 1 and "foreign key: person_units row 1 points to a missing people" in result.stderr
    assert "外键" in pmcs("--lang", "zh", "db", "check").stderr


def test_version_and_help(pmcs):
    from pmcs import __version__

    assert __version__ in pmcs.ok("--version", db=False).stdout
    assert "unit" in pmcs.ok("--help", db=False).stdout


def test_help_shows_what_each_argument_is(pmcs):
    """Typer 0.25 on Click 8.2+ lost argument help texts (cli/app.py puts them back)."""
    shown = pmcs.ok("unit", "show", "--help").stdout
    assert "3-2-1502" in shown
    assert shown.count("Unit code, e.g. 3-2-1502") == 1  # once: Click 8.5 listed it a second time
    assert "TS-2026-0042" in pmcs.ok("complaint", "show", "--help").stdout
    for kind, prefix in (("repair", "BX"), ("request", "ZX")):  # each kind's own numbers
        for command in ("show", "advance", "hold", "resume"):
            shown = pmcs.ok(kind, command, "--help").stdout
            assert f"{prefix}-2026-0042" in shown and "TS-" not in shown, (kind, command)
    shown = " ".join(pmcs.ok("staff", "add", "--help").stdout.split())
    assert "--code TEXT Staff code" in shown and "unit" not in shown


SHOW_COMMANDS = [("complaint", "show"), ("repair", "show"), ("request", "show"), ("unit", "show"), ("person", "show"),
                 ("renovation", "show"), ("survey", "show"), ("survey", "report"), ("handover", "checklist")]


@pytest.mark.parametrize("command", SHOW_COMMANDS, ids=" ".join)
def test_show_help_offers_only_the_formats_show_accepts(pmcs, command):
    text = " ".join(pmcs.ok(*command, "--help", db=False).stdout.split())
    option = text[text.index("--format"):][:60]
    assert "table or json" in option and "csv" not in option


def test_show_refuses_what_its_help_does_not_offer(pmcs):
    pmcs.ok("unit", "add", "3-2-1502")
    assert pmcs.ok("unit", "show", "3-2-1502", "--format", "json").stdout.startswith("{")
    refused = pmcs("unit", "show", "3-2-1502", "--format", "csv")
    assert refused.exit_code == 2 and "table, json" in refused.stderr


def test_an_unknown_command_is_named_once_with_one_suggestion(pmcs):
    r = pmcs("unit", "shw")
    assert r.exit_code == 2
    assert r.stderr.splitlines() == ["error: no such command: shw; did you mean show?", "hint: see: pmcs unit --help"]
    r = pmcs("shw")
    assert r.exit_code == 2 and r.stderr.splitlines()[-1] == "hint: see: pmcs --help"  # no double space
    r = pmcs("--lang", "zh", "complaint", "shw")
    assert r.exit_code == 2 and r.stderr.splitlines()[0] == "错误: 没有这个命令：shw；是不是要输入 show？"


def test_the_words_offices_write_for_roles_are_taken(pmcs):
    """家属 for a family member, 主管 for a supervisor: Excel sheets say so, and were refused."""
    pmcs.ok("unit", "add", "1-1-101")
    pmcs.ok("person", "add", "--name", "李小明", "--unit", "1-1-101", "--role", "家属")
    pmcs.ok("staff", "add", "--name", "赵主管", "--team", "客服", "--role", "主管")
    assert pmcs.rows("SELECT role FROM person_units") == [("family",)]
    assert pmcs.rows("SELECT role FROM staff WHERE name = '赵主管'") == [("supervisor",)]
