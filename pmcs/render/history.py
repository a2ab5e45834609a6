"""The events of one record, oldest first."""
from __future__ import annotations

import json
import re

from pmcs.clock import local_zone
from pmcs.i18n import get_lang, label, t
from pmcs.render.output import emit_rows


def local_time(iso: str | None) -> str:
    if not iso:
        return ""
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(local_zone()).strftime("%Y-%m-%d %H:%M")


def _values(raw: str | None, reveal: bool):
    """An event's before/after, personal data masked (as every other view masks it) unless revealed."""
    data = json.loads(raw) if raw else None
    if reveal or not isinstance(data, dict):
        return data
    from pmcs.core.ids import mask_phone
    from pmcs.render.registry import shown

    present = {k: v for k, v in data.items() if isinstance(v, str) and v}  # a null stays null
    masked = shown(present, "json")  # phone, phone2, id_number: the registry's own masking
    masked |= {k: mask_phone(v) for k, v in present.items() if k.endswith("_phone")}  # manager_phone …
    return data | masked


def _cell(value, fmt: str):
    """CSV cells hold the JSON text (not Python's repr); JSON formats nest the object."""
    return json.dumps(value, ensure_ascii=False) if fmt == "csv" and value is not None else value


# Which enumeration a field's codes belong to, per kind of record (the same name means
# different things: a case's status is not a unit's, a fee's "paid" is money).
ENUM_OF = {
    "case": {"status": "case_status", "channel": "channel", "reply_channel": "channel", "severity": "severity",
             "nature": "nature", "urgency": "urgency", "verdict": "verdict", "paid": "paid", "type": "request_type"},
    "unit": {"status": "unit_status", "type": "unit_type"},
    "person": {"role": "link_role"},
    "staff": {"role": "staff_role", "team": "team"},
    "comms": {"party_type": "party", "channel": "channel"},
    "handover": {"status": "handover_status", "state": "item_state"},
    "handover_template": {"section": "handover_section", "kind": "item_kind"},
    "rectification": {"status": "defect_status", "size": "defect_size", "verdict": "verdict"},
    "renovation": {"status": "renovation_status", "state": "item_state", "kind": "renovation_fee"},
    "survey": {"status": "survey_status", "method": "survey_method"},
    "survey_action": {"status": "survey_action_status"},
    "sla": {"variant": "sla_variant"},
}
YES_NO = {"active", "vip", "workday", "required", "cancelled", "returned", "in_sample", "gift"}
_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z")
EMPTY = "-"


class Words:
    """How one kind of record's fields and values read in the user's language."""

    def __init__(self, entity: str, ref: str, data_labels: dict[str, dict[str, str]]):
        self.entity, self.enums, self.data = entity, ENUM_OF.get(entity, {}), data_labels
        self.kind = None
        if entity == "case":
            from pmcs.core.workflow import BY_PREFIX

            wf = BY_PREFIX.get(ref[:2])
            self.kind = wf.kind if wf else None

    def field(self, key: str) -> str:
        """A history label first (hist.<entity>.<key>, hist.<key>), then the case form's,
        the field's, the column's; the raw name when the catalogue has none."""
        order = [f"hist.{self.entity}.{key}", f"hist.{key}"] + (["cf." + key] if self.entity == "case" else [])
        for k in order + [f"field.{key}", f"col.{key}"]:
            text = t(k)
            if text != k:
                return text
        return key

    def value(self, key: str, value) -> str:
        if value is None or value == "" or value == []:
            return EMPTY
        if key in YES_NO and value in (0, 1, True, False):
            return t("yes") if value else t("no")
        if isinstance(value, list):
            return ", ".join(self.value(key, v) for v in value)
        if isinstance(value, dict):
            shown = value.get("zh" if get_lang() == "zh" else "en") or value.get("code")
            return str(shown) if shown else json.dumps(value, ensure_ascii=False)
        if isinstance(value, bool):
            return t("yes") if value else t("no")
        if key == "held_seconds" and isinstance(value, int):
            from pmcs.render.cases import duration_text

            return duration_text(value // 60)
        text = str(value)
        if key == "step" and self.kind:
            k = f"step.{self.kind}.{text}"
            return t(k) if t(k) != k else text
        if key in self.enums:
            return label(self.enums[key], text)
        if key in self.data:
            return self.data[key].get(text, text)
        if _UTC.fullmatch(text):
            return local_time(text)
        return text


def _change(b: dict | None, a: dict | None, words: Words | None = None) -> str:
    """``field: before → after`` for each field, in the user's words; a field only set shows
    its value (unset ones are left out), an empty value shows as '-'."""
    b, a = b or {}, a or {}
    words = words or Words("", "", {})
    parts = []
    for k in sorted(set(b) | set(a)):
        name = words.field(k)
        if k in b:
            before, after = words.value(k, b[k]), words.value(k, a.get(k))
            if before != after:  # e.g. a note that was empty and is gone: nothing to say
                parts.append(f"{name}: {before} → {after}")
        elif a[k] is not None:
            parts.append(f"{name}: {words.value(k, a[k])}")
    return "; ".join(parts)


def show_history(rows: list[dict], ref: str, fmt: str, *, reveal: bool = False,
                 labels: dict[str, dict[str, str]] | None = None) -> None:
    """Phones and ID numbers in before/after are masked, in every format, unless ``reveal``.
    The table reads in the user's words (labels, local times, '-' for empty; ``labels``: the
    codes that are data, from services/admin.history_labels); csv/json/jsonl keep raw values."""
    changes = [(_values(r["before"], reveal), _values(r["after"], reveal)) for r in rows]
    if fmt != "table":
        data = [{"at": r["at"], "actor": r["actor"], "entity": r["entity"], "ref": r["ref"], "action": r["action"],
                 "before": _cell(b, fmt), "after": _cell(a, fmt)} for r, (b, a) in zip(rows, changes)]
        emit_rows(data, [(k, k) for k in ("at", "actor", "entity", "ref", "action", "before", "after")], fmt)
        return
    words: dict[tuple[str, str], Words] = {}
    shown = []
    for r, (b, a) in zip(rows, changes):
        w = words.get((r["entity"], r["ref"]))
        if w is None:
            w = words[(r["entity"], r["ref"])] = Words(r["entity"], r["ref"], labels or {})
        shown.append({"when": local_time(r["at"]), "who": r["actor"] or "", "action": _action(r["action"]),
                      "change": _change(b, a, w)})
    emit_rows(shown, [(k, t(f"col.{k}")) for k in ("when", "who", "action", "change")], "table",
              title=t("history.title", ref=rows[0]["ref"] if rows else ref))


def _action(code: str) -> str:
    key = f"action.{code}"
    text = t(key)
    return code if text == key else text
