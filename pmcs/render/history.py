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


def _change(before, after) -> str:
    b = json.loads(before) if before else {}
    a = json.loads(after) if after else {}
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


def show_history(rows: list[dict], ref: str, fmt: str) -> None:
    if fmt != "table":
        data = [{"at": r["at"], "actor": r["actor"], "entity": r["entity"], "ref": r["ref"], "action": r["action"],
                 "before": json.loads(r["before"]) if r["before"] else None,
                 "after": json.loads(r["after"]) if r["after"] else None} for r in rows]
        emit_rows(data, [(k, k) for k in ("at", "actor", "entity", "ref", "action", "before", "after")], fmt)
        return
    shown = [{"when": local_time(r["at"]), "who": r["actor"] or "", "action": _action(r["action"]),
              "change": _change(r["before"], r["after"])} for r in rows]
    emit_rows(shown, [(k, t(f"col.{k}")) for k in ("when", "who", "action", "change")], "table",
              title=t("history.title", ref=rows[0]["ref"] if rows else ref))


def _action(code: str) -> str:
    key = f"action.{code}"
    text = t(key)
    return code if text == key else text
