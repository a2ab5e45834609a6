"""Handover checklists, handover lists, the template and rectification orders on screen.

The checklist is laid out for an 80-column terminal in Chinese: no vertical
rules, who and when in two short columns, notes on a second line.
"""
from __future__ import annotations

import json
import sys

from pmcs.i18n import get_lang, label, t
from pmcs.render.history import local_time
from pmcs.render.output import console, emit_rows

STATE_STYLE = {"done": "green", "open": "yellow", "waived": "cyan"}
ZH_NUMERALS = "一二三四五六七八九十"


def section_title(n: int, section: str) -> str:
    name = label("handover_section", section)
    if get_lang() == "zh":
        return f"{ZH_NUMERALS[n - 1] if n <= 10 else n}、{name}"
    return f"{n}. {name}"


def item_note(item: dict) -> str | None:
    return item.get("note_zh") if get_lang() == "zh" else item.get("note_en")


def copies_text(item: dict) -> str:
    return f"×{item['copies']}" if item["kind"] == "check" and item["copies"] > 1 else ""


def value_text(item: dict) -> str:
    if item["state"] == "waived":
        return item["reason"] or ""
    parts = [p for p in (item.get("value"), item.get("note")) if p]
    return " ".join(parts)


def short_time(iso: str | None) -> str:
    return local_time(iso)[5:] if iso else ""


def checklist(data: dict, fmt: str = "table") -> None:
    if fmt == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    c = console()
    blank = data["blank"]
    c.print(Text(t("handover.form_title", unit=data["unit"]), style="bold"))
    c.print(_header_line(data))
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), header_style="bold", show_edge=False, pad_edge=False)
    table.add_column(t("col.no"), justify="right", no_wrap=True)
    table.add_column(t("col.item"), overflow="fold", min_width=20)
    table.add_column(t("col.copies"), no_wrap=True)
    table.add_column(t("col.item_state"), no_wrap=True)
    table.add_column(t("col.item_value"), overflow="fold", max_width=18)
    if not blank:
        table.add_column(t("col.by"), no_wrap=True)
        table.add_column(t("col.at"), no_wrap=True)
    section, n_section = None, 0
    for item in data["items"]:
        if item["section"] != section:
            section, n_section = item["section"], n_section + 1
            table.add_row("", Text(section_title(n_section, section), style="bold"), *[""] * (3 if blank else 5))
        name = Text(item["label"])
        if not item["required"]:
            name.append(t("handover.optional_mark"), style="dim")
        note = item_note(item)
        if note:
            name.append("\n" + note, style="dim")
        if blank:
            box_text = "[ ]"
            value = "______" if item["kind"] != "check" else ""
            table.add_row(str(item["no"]), name, copies_text(item), box_text, value)
            continue
        state = Text(label("item_state", item["state"]),
                     style=STATE_STYLE[item["state"]] if item["required"] or item["state"] != "open" else "dim")
        table.add_row(str(item["no"]), name, copies_text(item), state, value_text(item),
                      item.get("by_name") or "", short_time(item.get("at")))
    c.print(table)
    if blank:
        c.print(t("handover.signatures"))
        return
    _footer(c, data)


def _header_line(data: dict) -> str:
    parts = [t("handover.header_owner", name=data["owner_name"], ref=data["owner"]) if data["owner"]
             else t("handover.header_no_owner"), t("handover.header_date", date=data["date"] or "__________")]
    if not data["blank"]:
        parts.append(t("handover.header_status", status=label("handover_status", data["status"])))
        parts.append(t("handover.progress", done=data["done"], total=len(data["items"])))
    return "   ".join(parts)


def packed(words: list[str], sep: str, width: int = 76) -> list[str]:
    """Words joined by ``sep`` into lines no wider than ``width`` terminal cells, never split inside a word."""
    from rich.cells import cell_len

    lines, current = [], ""
    for w in words:
        candidate = current + sep + w if current else w
        if current and cell_len(candidate + sep) > width:
            lines.append(current + sep.rstrip())
            current = w
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _footer(c, data: dict) -> None:
    if data["status"] == "completed":
        c.print(t("handover.completed_on", date=data["date"], at=local_time(data["completed_at"])), style="green")
    elif data["status"] == "cancelled":
        c.print(t("handover.cancelled_note", reason=data["cancel_reason"] or ""), style="dim")
    elif data["blocking"]:
        c.print(t("handover.blocking", count=len(data["blocking"])), style="bold yellow")
        for text in packed([f"{i['no']} {i['label']}" for i in data["blocking"]], t("handover.list_sep")):
            c.print("  " + text, soft_wrap=True)
        c.print(t("handover.blocking_hint", unit=data["unit"]), style="dim")
    else:
        c.print(t("handover.ready", unit=data["unit"]), style="green")
    if data["defects"]:
        c.print(t("handover.defects_title", count=len(data["defects"])), style="bold")
        for d in data["defects"]:
            due = short_time(d["next_due"])
            style = "red" if d["overdue"] else None
            late = f" ({t('rect.overdue_mark')})" if d["overdue"] else ""
            c.print(f"  {d['number']}  {label('defect_status', d['status'])}  {label('defect_size', d['size'])}  "
                    f"{d['text']}" + (f"  {t('col.due')} {due}{late}" if due else ""), style=style)


def list_handovers(rows: list[dict], fmt: str) -> None:
    if fmt == "table":
        shown = [r | {"status": label("handover_status", r["status"]), "progress": f"{r['settled']}/{r['items']}",
                      "blocking": r["blocking"] if r["status"] == "open" else "",
                      "defects": r["defects"] or ""} for r in rows]
    else:
        shown = [{k: r[k] for k in ("unit", "owner", "owner_name", "date", "status", "items", "settled", "blocking",
                                    "defects", "started_at", "completed_at", "cancel_reason")} for r in rows]
        emit_rows(shown, [(k, k) for k in shown[0]] if shown else [("unit", "unit")], fmt)
        return
    from rich import box
    from rich.table import Table

    table = Table(title=t("handover.list_title"), title_justify="left", header_style="bold", box=box.SIMPLE_HEAD,
                  padding=(0, 1), pad_edge=False, show_edge=False)
    for key, col in (("unit", "unit"), ("owner_name", "owner"), ("date", "handover_date"), ("status", "status"),
                     ("progress", "progress"), ("blocking", "blocking"), ("defects", "defects")):
        numeric = key in ("progress", "blocking", "defects")
        table.add_column(t(f"col.{col}"), no_wrap=key in ("unit", "date", "status", "progress"), overflow="fold",
                         justify="right" if numeric else "left", min_width=6 if key == "owner_name" else None)
    for r in shown:
        table.add_row(*(str(r[k]) for k in ("unit", "owner_name", "date", "status", "progress", "blocking", "defects")),
                      style="dim" if r["status"] == label("handover_status", "cancelled") else None)
    c = console()
    c.print(table)
    c.print(t("handover.count", count=len(rows)))


def template(rows: list[dict], fmt: str) -> None:
    if fmt != "table":
        keys = ("code", "section", "kind", "label_en", "label_zh", "copies", "required", "note_en", "note_zh", "active")
        emit_rows(rows, [(k, k) for k in keys], fmt)
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=t("handover.template_title"), title_justify="left", header_style="bold", box=box.SIMPLE_HEAD,
                  padding=(0, 1), pad_edge=False, show_edge=False)
    table.add_column(t("col.no"), justify="right", no_wrap=True)
    table.add_column(t("col.item_code"), no_wrap=True)
    table.add_column(t("col.item"), overflow="fold", min_width=16)
    for key in ("kind", "copies", "required"):
        table.add_column(t(f"col.{key}"), no_wrap=True)
    section, n_section = None, 0
    for n, r in enumerate(rows, start=1):
        if r["section"] != section:
            section, n_section = r["section"], n_section + 1
            table.add_row("", "", Text(section_title(n_section, section), style="bold"), "", "", "")
        name = Text(svc_label(r))
        note = item_note(r)
        if note:
            name.append("\n" + note, style="dim")
        if not r["active"]:
            name.append(" " + t("handover.removed"), style="red")
        table.add_row(str(n), r["code"], name, label("item_kind", r["kind"]), copies_text(r) or "",
                      t("yes") if r["required"] else t("no"), style="dim" if not r["active"] else None)
    console().print(table)


def svc_label(item: dict) -> str:
    return item["label_zh"] if get_lang() == "zh" else item["label_en"]


def list_defects(rows: list[dict], fmt: str, now_iso: str) -> None:
    from pmcs.render.cases import overdue_text

    if fmt != "table":
        keys = ("number", "unit", "size", "status", "text", "handler", "due_at", "fixed_at", "revisit_due_at",
                "verdict", "recorded_at", "recorded_by", "closed_at", "next_due", "overdue")
        emit_rows(rows, [(k, k) for k in keys], fmt)
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=t("rect.list_title"), title_justify="left", header_style="bold", box=box.SIMPLE_HEAD,
                  padding=(0, 1), pad_edge=False, show_edge=False)
    for key in ("number", "unit", "defect", "handler", "status", "due"):
        table.add_column(t(f"col.{key}"), overflow="fold", no_wrap=key not in ("defect", "handler"),
                         min_width=12 if key == "defect" else None)
    for r in rows:
        late = overdue_text(r["next_due"], now_iso) if r["next_due"] else ""
        due = Text(short_time(r["next_due"]))
        if late:
            due.append("\n" + t("rect.late", late=late.split(t("unit.d"))[0] + t("unit.d") if t("unit.d") in late
                                  else late))
        text = Text(r["text"])
        text.append(" " + label("defect_size", r["size"]), style="dim")
        table.add_row(r["number"], r["unit"], text, r.get("handler_name") or "", label("defect_status", r["status"]),
                      due, style="red" if late else None)
    c = console()
    c.print(table)
    c.print(t("rect.count", count=len(rows)))
