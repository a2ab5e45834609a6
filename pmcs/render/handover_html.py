"""The handover checklist as a self-contained, printable HTML form (A4).

``--blank`` gives the empty form to hand the owner: boxes to tick, lines to
write counts and readings on, and signature lines. Every value is escaped.
"""
from __future__ import annotations

from html import escape

from pmcs.i18n import get_lang, label, t
from pmcs.render.handover import copies_text, item_note, section_title, short_time, value_text
from pmcs.render.history import local_time

CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimSun",
       sans-serif; font-size: 10.5pt; color: #000; margin: 0 auto; max-width: 186mm; line-height: 1.35; }
h1 { font-size: 17pt; text-align: center; margin: 2mm 0 4mm; letter-spacing: .15em; }
table { width: 100%; border-collapse: collapse; }
.meta td { border: 1px solid #444; padding: 1.6mm 2mm; }
.meta th { border: 1px solid #444; padding: 1.6mm 2mm; background: #f2f2f2; font-weight: normal; text-align: left;
           white-space: nowrap; width: 1%; }
.items { margin-top: 4mm; }
.items th { border: 1px solid #444; background: #e8e8e8; padding: 1.4mm 1.5mm; font-weight: bold; white-space: nowrap; }
.items td { border: 1px solid #444; padding: 1.4mm 1.5mm; vertical-align: middle; }
.items tr { page-break-inside: avoid; }
.items tr.section td { background: #f5f5f5; font-weight: bold; }
td.no, td.copies, td.state { text-align: center; white-space: nowrap; }
td.by, td.at { white-space: nowrap; font-size: 9.5pt; }
td.by { min-width: 16mm; }
td.at { min-width: 24mm; }
td.value { min-width: 28mm; }
.note { color: #444; font-size: 9pt; }
.optional { color: #666; font-size: 9pt; }
.box { display: inline-block; width: 4mm; height: 4mm; border: 1.2px solid #000; line-height: 3.6mm;
       text-align: center; font-size: 9pt; vertical-align: middle; }
.waived { font-size: 9pt; }
.line { display: inline-block; min-width: 24mm; border-bottom: 1px solid #000; height: 4mm; }
.blocking { margin-top: 4mm; padding: 2mm 3mm; border: 1.5px solid #b00; color: #900; }
.done { margin-top: 4mm; color: #060; }
.late { color: #b00; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; }
.sign { margin-top: 12mm; width: 100%; }
.sign td { border: none; padding: 0 2mm 0 0; white-space: nowrap; width: 33%; }
.sign .line { min-width: 32mm; }
.foot { margin-top: 6mm; font-size: 8.5pt; color: #555; }
@media print { body { max-width: none; } }
"""


def checklist_html(data: dict) -> str:
    blank = data["blank"]
    lang = "zh-CN" if get_lang() == "zh" else "en"
    title = t("handover.form_title", unit=data["unit"])
    out = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">',
           f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>",
           f"<h1>{escape(_heading(data))}</h1>", _meta(data), _items(data)]
    if not blank:
        out.append(_status(data))
        if data["defects"]:
            out.append(_defects(data["defects"]))
    out.append(_signatures())
    out.append(f'<p class="foot">{escape(t("handover.form_foot"))}</p>')
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def _heading(data: dict) -> str:
    if data.get("estate"):
        return t("handover.form_heading_estate", estate=data["estate"])
    return t("handover.form_heading")


def _meta(data: dict) -> str:
    line = '<span class="line"></span>'
    owner = escape(f"{data['owner_name']} ({data['owner']})") if data["owner"] else line
    date = escape(data["date"]) if data["date"] else line
    cells = [(t("col.unit"), escape(data["unit"])), (t("col.owner"), owner), (t("col.handover_date"), date)]
    if not data["blank"]:
        cells.append((t("col.status"), escape(label("handover_status", data["status"]) + " · " +
                                               t("handover.progress", done=data["done"], total=len(data["items"])))))
    else:
        cells.append((t("col.owner_phone"), line))
    row = "".join(f"<th>{escape(k)}</th><td>{v}</td>" for k, v in cells[:2])
    row2 = "".join(f"<th>{escape(k)}</th><td>{v}</td>" for k, v in cells[2:])
    return f'<table class="meta"><tr>{row}</tr><tr>{row2}</tr></table>'


def _items(data: dict) -> str:
    blank = data["blank"]
    heads = [t("col.no"), t("col.item"), t("col.copies"), t("col.item_state"), t("col.item_value"), t("col.by"),
             t("col.at")]
    rows = ["<table class=\"items\"><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads) +
            "</tr></thead><tbody>"]
    section, n = None, 0
    for item in data["items"]:
        if item["section"] != section:
            section, n = item["section"], n + 1
            rows.append(f'<tr class="section"><td colspan="7">{escape(section_title(n, section))}</td></tr>')
        name = escape(item["label"])
        if not item["required"]:
            name += f' <span class="optional">{escape(t("handover.optional_mark"))}</span>'
        note = item_note(item)
        if note:
            name += f'<br><span class="note">{escape(note)}</span>'
        state, value = _state_cell(item, blank)
        by = "" if blank else escape(item.get("by_name") or "")
        at = "" if blank else escape(local_time(item.get("at")))
        rows.append(f'<tr><td class="no">{item["no"]}</td><td>{name}</td><td class="copies">'
                    f'{escape(copies_text(item))}</td><td class="state">{state}</td><td class="value">{value}</td>'
                    f'<td class="by">{by}</td><td class="at">{at}</td></tr>')
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _state_cell(item: dict, blank: bool) -> tuple[str, str]:
    if blank or item["state"] == "open":
        value = "" if item["kind"] == "check" else '<span class="line"></span>'
        return '<span class="box"></span>', value
    if item["state"] == "waived":
        reason = escape(item["reason"] or "")
        return f'<span class="waived">{escape(label("item_state", "waived"))}</span>', reason
    return '<span class="box">✓</span>', escape(value_text(item))


def _status(data: dict) -> str:
    if data["status"] == "completed":
        return f'<p class="done">{escape(t("handover.completed_on", date=data["date"], at=local_time(data["completed_at"])))}</p>'
    if data["status"] == "cancelled":
        return f'<p class="blocking">{escape(t("handover.cancelled_note", reason=data["cancel_reason"] or ""))}</p>'
    if data["blocking"]:
        items = t("handover.list_sep").join(f"{i['no']} {i['label']}" for i in data["blocking"])
        return (f'<div class="blocking"><b>{escape(t("handover.blocking", count=len(data["blocking"])))}</b>'
                f"<br>{escape(items)}</div>")
    return f'<p class="done">{escape(t("handover.ready", unit=data["unit"]))}</p>'


def _defects(defects: list[dict]) -> str:
    heads = [t("col.number"), t("col.defect"), t("col.size"), t("col.status"), t("col.due")]
    rows = [f"<h2>{escape(t('handover.defects_title', count=len(defects)))}</h2>",
            '<table class="items"><thead><tr>' + "".join(f"<th>{escape(h)}</th>" for h in heads) +
            "</tr></thead><tbody>"]
    for d in defects:
        late = f'<br><b class="late">{escape(t("rect.overdue_mark"))}</b>' if d["overdue"] else ""
        rows.append(f"<tr><td class=\"no\">{escape(d['number'])}</td><td>{escape(d['text'])}</td>"
                    f"<td class=\"copies\">{escape(label('defect_size', d['size']))}</td>"
                    f"<td class=\"state\">{escape(label('defect_status', d['status']))}</td>"
                    f"<td class=\"at\">{escape(short_time(d['next_due']))}{late}</td></tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _signatures() -> str:
    cells = "".join(f'<td>{escape(t(key))}<span class="line"></span></td>'
                    for key in ("handover.sign_owner", "handover.sign_clerk", "handover.sign_date"))
    return f'<table class="sign"><tr>{cells}</tr></table>'
