"""The message catalogue: both languages everywhere, every key used exists."""
import re
from pathlib import Path

import pytest

from pmcs.errors import FieldError
from pmcs.i18n import catalog, parse_choice, set_lang, t

SRC = Path(__file__).resolve().parent.parent / "pmcs"


def test_every_entry_has_english_and_chinese_with_the_same_placeholders():
    for key, (en, zh) in catalog().items():
        assert en.strip() and zh.strip(), key
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", zh)), key


def test_every_key_named_in_the_code_is_in_the_catalogue():
    keys = set(catalog())
    pattern = re.compile(r"""["']((?:error|hint|cmd|opt|arg|field|col|action|import|export|unit|person|staff|db|demo|init|history|what)\.[a-z0-9_.]+)["']""")
    missing = set()
    for path in SRC.rglob("*.py"):
        if "i18n" in path.parts:
            continue
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in keys and not key.endswith("."):
                missing.add(f"{path.name}: {key}")
    assert not missing, sorted(missing)


def test_every_field_a_case_can_show_has_its_label_in_both_languages(pmcs):
    """show labels each field with cf.<name>: a missing key printed 'cf.type' on every request."""
    from pmcs.core.workflow import STEP_ENDINGS, WORKFLOWS

    entries = catalog()
    for wf in WORKFLOWS.values():
        for name in list(wf.fields) + ["reason"]:
            en, zh = entries.get(f"cf.{name}", ("", ""))
            assert en.strip() and zh.strip() and "cf." not in en + zh, (wf.kind, name)
        for action in [a for *_, a, _ in wf.actions] + list(STEP_ENDINGS):
            assert f"action.{action}" in entries, (wf.kind, action)
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")
    pmcs.ok("unit", "add", "3-2-1502")
    pmcs.ok("request", "add", "--unit", "3-2-1502", "--type", "praise", "--description", "保安很负责", "--praised", "王芳")
    for lang in ("en", "zh"):
        shown = pmcs.ok("--lang", lang, "request", "show", "1").stdout
        assert "cf." not in shown and ("type" if lang == "en" else "类型") in shown


def test_chinese_text_is_chinese():
    set_lang("zh")
    assert t("error.unit_not_found", ref="1-1-101") == "找不到房号 1-1-101"
    set_lang("en")
    assert t("error.unit_not_found", ref="1-1-101") == "unit 1-1-101 not found"


@pytest.mark.parametrize("enum,value,code", [
    ("link_role", "业主", "owner"), ("link_role", "OWNER", "owner"), ("team", "秩序", "security"),
    ("team", "customer service", "customer_service"), ("unit_status", "已交房", "handed_over"),
    ("staff_role", "管理处主任", "manager"),
])
def test_choices_accept_code_english_or_chinese(enum, value, code):
    assert parse_choice(enum, value) == code


def test_unknown_choice_lists_the_choices():
    with pytest.raises(FieldError) as e:
        parse_choice("link_role", "landlord")
    assert "owner (业主)" in e.value.message()
