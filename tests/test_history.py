"""pmcs history REF: the record's changes in the clerk's words (labels, local times, '-' for
empty), raw in JSON; and REF as the case commands take it."""
import json

import pytest


@pytest.fixture
def office(pmcs):
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")  # S001
    pmcs.ok("staff", "add", "--name", "刘工", "--team", "engineering")  # S002
    pmcs.ok("unit", "add", "3-2-1502", "--status", "handed_over")
    return pmcs


def repair(pmcs):
    pmcs.ok("repair", "add", "--unit", "3-2-1502", "--channel", "phone", "--description", "卫生间地漏堵塞")
    pmcs.ok("repair", "advance", "1", "--urgency", "紧急", "--paid", "无偿")
    pmcs.ok("repair", "advance", "1", "--handler", "刘工")


def complaint_cancelled(pmcs):
    pmcs.ok("complaint", "add", "--unit", "3-2-1502", "--channel", "phone", "--category", "fees",
            "--description", "物业费多收", "--remedy", "退还")  # classified due 11:30 local (03:30Z)
    pmcs.ok("complaint", "cancel", "1", "--reason", "业主撤回")


def renovation_ticked(pmcs):
    pmcs.ok("renovation", "apply", "3-2-1502", "--contractor", "美家装饰", "--manager", "李强",
            "--manager-phone", "13800001111", "--start", "2026-11-25", "--end", "2027-01-25")
    pmcs.ok("renovation", "tick", "1", "manager_id")


def table(pmcs, lang, ref):
    return " ".join(pmcs.ok("--lang", lang, "history", ref).stdout.split())  # rows may wrap


@pytest.mark.parametrize("lang,words", [
    ("en", ["paid/free: free", "step: confirmed → dispatched", "urgency: emergency", "step: dispatched → completed",
            "handler: S002"]),
    ("zh", ["有偿/无偿: 无偿", "步骤: 确认报修内容 → 派单", "紧急程度: 紧急", "步骤: 派单 → 完成维修"]),
])
def test_a_repair_reads_in_labels(office, lang, words):
    repair(office)
    shown = table(office, lang, "BX-2026-0001")
    for w in words:
        assert w in shown, (w, shown)
    assert "confirmed →" not in shown if lang == "zh" else "paid: free" not in shown


@pytest.mark.parametrize("lang,words", [
    ("en", ["due: 2026-11-23 11:30 → -", "status: open → cancelled", "category: property fees"]),
    ("zh", ["期限: 2026-11-23 11:30 → -", "状态: 处理中 → 已取消"]),
])
def test_times_are_local_and_empty_is_a_dash(office, lang, words):
    complaint_cancelled(office)
    shown = table(office, lang, "TS-2026-0001")
    for w in words:
        assert w in shown, (w, shown)
    assert "Z" not in shown.replace("TS-", "") and "None" not in shown and "due_at" not in shown


@pytest.mark.parametrize("lang,words", [
    ("en", ["document: Responsible person's ID copy; state: open → done"]),
    ("zh", ["资料: 施工负责人身份证复印件; 状态: 未办 → 已办"]),
])
def test_a_renovation_document_reads_by_its_name(office, lang, words):
    renovation_ticked(office)
    shown = table(office, lang, "RN-2026-0001")
    for w in words:
        assert w in shown, (w, shown)
    assert "manager_id" not in shown


def test_json_keeps_the_raw_values(office):
    complaint_cancelled(office)
    events = json.loads(office.ok("history", "TS-2026-0001", "--format", "json").stdout)
    cancel = events[-1]
    assert cancel["before"]["due_at"] == "2026-11-23T03:30:00Z" and cancel["after"]["due_at"] is None
    assert cancel["after"]["status"] == "cancelled"


def test_a_case_named_as_the_case_commands_take_it(office):
    complaint_cancelled(office)
    for ref in ("1", "2026-1", "ts-2026-1", "TS-2026-0001"):
        assert "History of TS-2026-0001" in office.ok("history", ref).stdout, ref
    repair(office)  # now repair 1 too: a bare 1 is ambiguous
    both = office("history", "1")
    assert both.exit_code == 1
    assert both.stderr.splitlines()[0] == "error: '1' could be TS-2026-0001, BX-2026-0001"
    assert "TS-2026-0042" in both.stderr.splitlines()[1]
    assert "History of BX-2026-0001" in office.ok("history", "bx-1").stdout


def test_an_unknown_reference_names_the_forms(office):
    missing = office("history", "270")
    assert missing.exit_code == 3 and missing.stderr.startswith("error: No recorded changes for 270\nhint: give")
