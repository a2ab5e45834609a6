"""Renovation permits on screen: the list, one permit with its documents, fees,
passes and patrols. Money is shown in yuan with two decimals."""
from __future__ import annotations

import json
import sys

from pmcs.core.ids import mask_phone
from pmcs.core.renovation import plain_yuan, yuan
from pmcs.i18n import label, t
from pmcs.render.history import local_time
from pmcs.render.output import console, emit_rows, key_values

LIST_KEYS = ("number", "unit", "status", "end", "deposit", "remark")


def list_renovations(rows: list[dict], fmt: str) -> None:
    if fmt != "table":
        data = [{"number": r["number"], "unit": r["unit"], "status": r["status"], "applicant": r["applicant_name"],
                 "contractor": r["contractor"], "manager": r["manager"], "workers": r["workers"], "start": r["start"],
                 "end": r["end"], "deposit_yuan": plain_yuan(r["deposit_fen"]),
                 "deductions_yuan": plain_yuan(r["deductions_fen"]), "accepted_on": r["accepted_on"],
                 "refund_due_at": r["refund_due_at"],
                 "refund_yuan": plain_yuan(r["refund_fen"]) if r["refund_fen"] is not None else None,
                 "overdue": r["overdue"]} for r in rows]
        emit_rows(data, [(k, k) for k in data[0]] if data else [("number", "number")], fmt)
        return
    from rich import box
    from rich.table import Table

    table = Table(title=t("renovation.list_title"), title_justify="left", header_style="bold", box=box.SIMPLE_HEAD,
                  padding=(0, 1), pad_edge=False, show_edge=False)
    for key in LIST_KEYS:
        table.add_column(t(f"col.{key}"), overflow="fold", no_wrap=key in ("number", "unit", "status", "end", "deposit"),
                         justify="right" if key == "deposit" else "left")
    for r in rows:
        if r["overdue"]:
            flag = t(f"renovation.overdue_{r['overdue']}")
        elif r["status"] == "passed" and r["refund_due_at"]:
            flag = t("renovation.refund_by", date=local_time(r["refund_due_at"])[5:10])
        else:
            flag = ""
        table.add_row(r["number"], r["unit"], label("renovation_status", r["status"]), r["end"],
                      yuan(r["deposit_fen"]), flag, style="red" if r["overdue"] else None)
    c = console()
    c.print(table)
    c.print(t("renovation.count", count=len(rows)))


def show(r: dict, fmt: str, reveal: bool = False) -> None:
    if fmt == "json":
        out = {k: v for k, v in r.items() if k not in ("id", "unit_id", "applicant_id", "names")}
        if not reveal:
            out["manager_phone"] = mask_phone(out["manager_phone"])
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
        return
    names = r["names"]
    pairs = [(t("col.status"), label("renovation_status", r["status"]) +
              (f" — {t('renovation.overdue_' + r['overdue'])}" if r["overdue"] else "")),
             (t("col.unit"), r["unit"]), (t("col.applicant"), r["applicant_name"]),
             (t("col.contractor"), r["contractor"]),
             (t("col.manager"), f"{r['manager']}  {r['manager_phone'] if reveal else mask_phone(r['manager_phone'])}"),
             (t("col.workers"), r["workers"]), (t("col.period"), f"{r['start']} — {r['end']}")]
    for key, at, by in (("applied", "applied_at", "applied_by"), ("approved", "approved_at", "approved_by"),
                        ("started", "started_at", "started_by"), ("accepted", "accepted_at", "accepted_by"),
                        ("refunded", "refunded_at", "refunded_by"), ("closed", "closed_at", "closed_by")):
        if r[at]:
            when = r["accepted_on"] if key == "accepted" else local_time(r[at])
            pairs.append((t(f"renovation.when_{key}"), f"{when}  {names.get(r[by], r[by]) or ''}"))
    if r["acceptance_note"]:
        pairs.append((t("renovation.acceptance_note"), r["acceptance_note"]))
    if r["refund_due_at"]:
        pairs.append((t("col.refund_due"), local_time(r["refund_due_at"])))
    if r["cancel_reason"]:
        pairs.append((t("renovation.cancel_reason"), r["cancel_reason"]))
    pairs += [(t("col.deposit"), yuan(r["deposit_fen"])), (t("col.deductions"), yuan(r["deductions_fen"]))]
    if r["refund_fen"] is not None:
        pairs.append((t("renovation.refunded_amount"), yuan(r["refund_fen"])))
    else:
        pairs.append((t("renovation.refund_would_be"), yuan(r["refund_preview_fen"]) + (
            f"  ({t('renovation.shortfall', amount=yuan(r['shortfall_fen']))})" if r["shortfall_fen"] else "")))
    key_values(f"{r['number']}", pairs)
    _docs(r["docs"])
    _fees(r["fees"])
    _inspections(r["inspections"])
    _passes(r["passes"])


def _docs(docs: list[dict]) -> None:
    from pmcs.core.handover import label_of

    rows = [{"no": n, "doc": label_of(d) + ("" if d["required"] else t("handover.optional_mark")),
             "state": label("item_state", d["state"]) + (f" — {d['reason']}" if d["reason"] else ""),
             "by": d.get("by_name") or "", "at": local_time(d["at"])} for n, d in enumerate(docs, start=1)]
    emit_rows(rows, [("no", t("col.no")), ("doc", t("col.doc")), ("state", t("col.item_state")),
                     ("by", t("col.by")), ("at", t("col.at"))], "table", title=t("renovation.docs_title"))


def _fees(fees: list[dict]) -> None:
    if not fees:
        return
    amounts = _aligned([yuan(f["amount_fen"]) for f in fees])
    rows = [{"kind": label("renovation_fee", f["kind"]), "amount": a, "note": f["note"],
             "by": f.get("by_name") or "", "at": local_time(f["at"])} for f, a in zip(fees, amounts)]
    emit_rows(rows, [("kind", t("col.fee_kind")), ("amount", t("col.amount")), ("note", t("col.note")),
                     ("by", t("col.entered_by")), ("at", t("col.at"))], "table", title=t("renovation.fees_title"))


def _inspections(rows_in: list[dict]) -> None:
    if not rows_in:
        return
    amounts = _aligned([yuan(i["deduction_fen"]) if i["deduction_fen"] else "" for i in rows_in])
    rows = [{"at": local_time(i["at"]), "by": i.get("by_name") or "", "note": i["note"], "violation": i["violation"],
             "deduction": a} for i, a in zip(rows_in, amounts)]
    emit_rows(rows, [("at", t("col.at")), ("by", t("col.by")), ("note", t("col.note")),
                     ("violation", t("col.violation")), ("deduction", t("col.deduction"))], "table",
              title=t("renovation.inspections_title"))


def _aligned(amounts: list[str]) -> list[str]:
    """Money right-aligned in its column, so the decimal points line up."""
    width = max((len(a) for a in amounts), default=0)
    return [a.rjust(width) if a else "" for a in amounts]


def _passes(passes: list[dict]) -> None:
    if not passes:
        return
    rows = [{"number": p["number"], "holder": p["holder"], "issued": local_time(p["issued_at"]),
             "returned": local_time(p["returned_at"]) if p["returned_at"] else t("renovation.pass_out")}
            for p in passes]
    emit_rows(rows, [("number", t("col.pass_number")), ("holder", t("col.holder")), ("issued", t("col.issued")),
                     ("returned", t("col.returned"))], "table", title=t("renovation.passes_title"))


def refund_preview_text(p: dict) -> str:
    text = t("renovation.refund_preview", ref=p["number"], deposit=yuan(p["deposit_fen"]),
             deductions=yuan(p["deductions_fen"]), amount=yuan(p["refund_fen"]), count=p["violations"])
    if p["shortfall_fen"]:
        text += " " + t("renovation.shortfall", amount=yuan(p["shortfall_fen"]))
    return text

