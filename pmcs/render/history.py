"""The events of one record, oldest first."""
from __future__ import annotations

import json

from pmcs.clock import local_zone
from pmcs.i18n import t
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


def _change(b: dict | None, a: dict | None) -> str:
    b, a = b or {}, a or {}
    parts = []
    for k in sorted(set(b) | set(a)):
        if k in b and k in a:
            parts.append(f"{k}: {b[k]} → {a[k]}")
        elif k in a:
            if a[k] is not None:
                parts.append(f"{k}: {a[k]}")
        else:
            parts.append(f"{k}: {b[k]} → ")
    return "; ".join(parts)


def show_history(rows: list[dict], ref: str, fmt: str, *, reveal: bool = False) -> None:
    """Phones and ID numbers in before/after are masked, in every format, unless ``reveal``."""
    changes = [(_values(r["before"], reveal), _values(r["after"], reveal)) for r in rows]
    if fmt != "table":
        data = [{"at": r["at"], "actor": r["actor"], "entity": r["entity"], "ref": r["ref"], "action": r["action"],
                 "before": _cell(b, fmt), "after": _cell(a, fmt)} for r, (b, a) in zip(rows, changes)]
        emit_rows(data, [(k, k) for k in ("at", "actor", "entity", "ref", "action", "before", "after")], fmt)
        return
    shown = [{"when": local_time(r["at"]), "who": r["actor"] or "", "action": _action(r["action"]),
              "change": _change(b, a)} for r, (b, a) in zip(rows, changes)]
    emit_rows(shown, [(k, t(f"col.{k}")) for k in ("when", "who", "action", "change")], "table",
              title=t("history.title", ref=rows[0]["ref"] if rows else ref))


def _action(code: str) -> str:
    key = f"action.{code}"
    text = t(key)
    return code if text == key else text
