"""Cases in and out of spreadsheets, pure: the columns, parsing a row, and the
checks that make an imported historical case consistent with its workflow.

The columns come from the workflow tables (every step field, with its English
and Chinese header aliases) plus the case's own columns below, so export and
import cannot disagree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from pmcs.core.fields import Field, check_year
from pmcs.core.workflow import CLOSED, Workflow
from pmcs.errors import FieldError

STATUSES = ("open", "on_hold", "closed", "cancelled")
_WHEN = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?秒?)?$")


def _meta_fields(wf: Workflow) -> tuple[Field, ...]:
    names = {"complaint": ("投诉编号",), "repair": ("报修单号", "单号"), "request": ("单号",)}[wf.kind]
    return (
        Field("number", aliases=("编号",) + names, max_len=20),
        Field("recorded_at", required=True, aliases=("记录时间", "受理时间", "登记时间"), max_len=30, check=_when_check),
        Field("acceptor", aliases=("受理人",), max_len=60),
        Field("step", aliases=("步骤", "当前步骤", "进度"), max_len=40),
        Field("status", kind="enum", enum="case_status", aliases=("状态",)),
        Field("due_at", aliases=("期限", "到期时间"), max_len=30, check=_when_check),
        Field("closed_at", aliases=("结案时间", "关闭时间"), max_len=30, check=_when_check),
        Field("reopen_count", kind="int", aliases=("重开次数",)),
        Field("repeat_of", aliases=("重复投诉", "前次编号"), max_len=20),
        Field("hold_since", aliases=("暂停开始", "暂停时间"), max_len=30, check=_when_check),
        Field("held_seconds", kind="int", aliases=("已暂停秒数", "累计暂停秒数")),
        Field("hold_reason", aliases=("暂停原因",), multiline=True),
        Field("cancel_reason", aliases=("取消原因",), multiline=True),
    )


def columns(wf: Workflow) -> tuple[Field, ...]:
    """Every column of this kind's spreadsheet, in export order (note last)."""
    meta = _meta_fields(wf)
    common = tuple(wf.fields[n] for n in ("unit", "person"))
    names = [n for st in wf.steps for n in _names(st)] + list(wf.fields)  # step order, then the rest
    steps = tuple(wf.fields[n] for n in dict.fromkeys(names) if n not in ("unit", "person", "note"))
    return meta[:1] + common + meta[1:] + steps + (wf.fields["note"],)


def export_names(wf: Workflow) -> list[str]:
    return [f.name for f in columns(wf)]


def step_fields(wf: Workflow) -> list[str]:
    """The columns that are the case's values (what the steps record)."""
    return [name for name in wf.fields if name not in ("unit", "person")]


def _when_check(text: str, field: str) -> datetime:
    try:
        moment = parse_when(text)
    except ValueError:
        raise FieldError(field, "error.bad_when", value=text) from None
    return check_year(moment, field, text)


def parse_when(text: str) -> datetime:
    """A date or date-time as a spreadsheet writes it (2026-03-01, 2026/3/1 9:05, 2026年3月1日 09:05:30),
    naive = local; ISO with an offset is kept."""
    raw = text.strip()
    m = _WHEN.match(raw)
    if m:
        parts = [int(g) if g else 0 for g in m.groups()]
        return datetime(*parts)
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return moment


def parse_number(wf: Workflow, text: str) -> tuple[int, int]:
    """'TS-2026-0042' → (2026, 42); the prefix must be this kind's."""
    m = re.fullmatch(r"([A-Za-z]{2})-(\d{4})-(\d{1,6})", text.strip())
    if not m or m.group(1).upper() != wf.prefix or int(m.group(3)) == 0:
        raise FieldError("number", "error.case_number_format", value=text, example=f"{wf.prefix}-2026-0042")
    return int(m.group(2)), int(m.group(3))


def number_text(wf: Workflow, year: int, seq: int) -> str:
    return f"{wf.prefix}-{year}-{seq:04d}"


def parse_step(wf: Workflow, text: str, labels: dict[str, tuple[str, str]]) -> str:
    """A step by code, English or Chinese label (``labels``: code → (en, zh))."""
    raw = text.strip()
    for code in [st.code for st in wf.steps] + [CLOSED]:
        en, zh = labels.get(code, (code, code))
        if raw.lower() in (code, en.lower()) or raw == zh:
            return code
    raise FieldError("step", "error.bad_choice", value=raw,
                     choices=", ".join(f"{c} ({labels.get(c, (c, c))[1]})" for c in [st.code for st in wf.steps] + [CLOSED]))


@dataclass
class State:
    step: str
    status: str
    finished: list  # step codes finished, in order
    values: dict  # the case's values (step fields and note)


def check_state(wf: Workflow, rec: dict) -> tuple[State | None, list[FieldError]]:
    """Step, status, times and fields of one imported case; every problem found."""
    problems: list[FieldError] = []
    step, status = rec.get("step"), rec.get("status")
    if status is None:
        status = "closed" if step == CLOSED else "open"
    if step is None:
        if status != "closed":
            return None, [FieldError("step", "error.required")]
        step = CLOSED
    if (step == CLOSED) != (status == "closed"):
        return None, [FieldError("status", "error.import_step_status", step=step, status=status)]
    if step == wf.steps[0].code:
        return None, [FieldError("step", "error.import_first_step", value=step, next=wf.next_step(step))]
    if not 0 <= (rec.get("reopen_count") or 0) <= 1000:
        problems.append(FieldError("reopen_count", "error.bad_number", value=rec["reopen_count"]))
    ended = status in ("closed", "cancelled")
    if ended and not rec.get("closed_at"):
        problems.append(FieldError("closed_at", "error.import_closed_at_needed", status=status))
    if not ended and rec.get("closed_at"):
        problems.append(FieldError("closed_at", "error.import_closed_at_open", status=status))
    if rec.get("closed_at") and rec.get("recorded_at") and rec["closed_at"] < rec["recorded_at"]:
        problems.append(FieldError("closed_at", "error.import_closed_before"))
    if status == "on_hold" and not rec.get("hold_reason"):
        problems.append(FieldError("hold_reason", "error.required"))
    if status != "on_hold" and rec.get("hold_since"):
        problems.append(FieldError("hold_since", "error.import_hold_since_not_held", status=status))
    if rec.get("hold_since") and rec.get("recorded_at") and rec["hold_since"] < rec["recorded_at"]:
        problems.append(FieldError("hold_since", "error.import_hold_before"))
    if not 0 <= (rec.get("held_seconds") or 0) <= 100 * 366 * 86400:
        problems.append(FieldError("held_seconds", "error.bad_number", value=rec["held_seconds"]))
    if status == "cancelled" and not rec.get("cancel_reason"):
        problems.append(FieldError("cancel_reason", "error.required"))
    names = [st.code for st in wf.steps]
    finished = names if step == CLOSED else names[:names.index(step)]
    values = {k: rec[k] for k in step_fields(wf) if rec.get(k) not in (None, "")}
    kept = {field for step, *_ in wf.branches for field in wf.branch_fields(step)}
    for name in values:
        owner = wf.owner_of(name)
        if name != "note" and owner not in finished and name not in kept:
            problems.append(FieldError(name, "error.import_field_later", step=step, owner=owner or "-"))
    for code in finished:
        for name in wf.required(code, values):
            if values.get(name) in (None, ""):
                problems.append(FieldError(name, "error.import_field_needed", step=code))
    return State(step, status, finished, values), problems


def split_by_step(wf: Workflow, finished: list, values: dict) -> dict[str, dict]:
    """The values each finished step recorded (for its row in the timeline): a field goes to
    the last finished step that asks for it (severity: classified, not recorded)."""
    out: dict[str, dict] = {code: {} for code in finished}
    for name, value in values.items():
        if name == "note":
            continue
        listed = [c for c in finished if name in _names(wf.step(c))]
        if listed:
            out[listed[-1]][name] = value
    return out


def _names(st) -> tuple[str, ...]:
    return st.requires + st.optional + tuple(f for _, _, more in st.when for f in more)
