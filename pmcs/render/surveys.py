"""Surveys on screen: lists, one survey, the call/visit list, the response status, actions."""
from __future__ import annotations

import json
import sys

from pmcs.core.ids import mask_phone
from pmcs.i18n import get_lang, label, t
from pmcs.render.charts_svg import pct
from pmcs.render.history import local_time
from pmcs.render.output import console, emit_rows, key_values


def esc(value):
    """User text for Rich: shown as typed (the console reads no markup, see output.console)."""
    return "" if value is None else value


def safe(rows: list[dict]) -> list[dict]:
    """Rows for a Rich table: user text is shown as typed (the console reads no markup)."""
    return [dict(r) for r in rows]


def _json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def list_surveys(rows: list[dict], fmt: str) -> None:
    data = [{"name": r["name"], "period": r["period"], "method": r["method"], "benchmark": r["benchmark"],
             "status": r["status"], "closes": r["closes"], "owner": r["owner"], "sampled": r["sampled"],
             "responses": r["responses"], "reached": r["reached"],
             "response_rate": round(r["reached"] / r["sampled"], 3) if r["sampled"] else None} for r in rows]
    if fmt != "table":
        emit_rows(data, [(k, k) for k in (data[0] if data else {"name": 0})], fmt)
        return
    shown = [d | {"method": label("survey_method", d["method"]), "status": label("survey_status", d["status"]),
                  "benchmark": d["benchmark"] or "", "response_rate": pct(d["response_rate"])} for d in data]
    cols = ("name", "period", "method", "benchmark", "status", "closes", "owner", "sampled", "responses", "response_rate")
    emit_rows(safe(shown), [(k, t(f"survey.col.{k}")) for k in cols], "table", title=t("survey.list_title"))


def show_survey(sv: dict, fmt: str) -> None:
    if fmt == "json":
        _json({k: v for k, v in sv.items() if k not in ("id",)})
        return
    sample = sv["sample"] or {}
    pairs = [(t("survey.col.period"), sv["period"]), (t("survey.col.method"), label("survey_method", sv["method"])),
             (t("survey.col.status"), label("survey_status", sv["status"])), (t("survey.col.closes"), sv["closes"]),
             (t("survey.col.owner"), sv["owner"]), (t("survey.col.gift"), sv["gift"]),
             (t("survey.col.benchmark"), sv["benchmark"]),
             (t("survey.col.targets"), t("survey.targets", rate=pct(sv["target_rate"], 0),
                                         response=pct(sv["target_response"], 0)))]
    if sample:
        pairs.append((t("survey.col.sample"), t("survey.sample_line", drawn=sample["drawn"], size=sample["size"],
                                                population=sample["population"], seed=sv["seed"],
                                                when=local_time(sv["sampled_at"]))))
    pairs += [(t("survey.col.responses"), t("survey.responses_line", responses=sv["responses"],
                                            in_sample=sv["in_sample"], gifts=sv["gifts"]))]
    key_values(esc(sv["name"]), [(k, esc(v)) for k, v in pairs])
    dims = [{"code": d["code"], "zh": d["zh"], "en": d["en"], "weight": d.get("weight", 1.0), "answers": d["answers"]}
            for d in sv["dimensions"]]
    emit_rows(safe(dims), [(k, t(f"survey.col.{k}")) for k in ("code", "zh", "en", "weight", "answers")], "table",
              title=t("survey.questionnaire"))
    if sv["actions"]:
        names = {d["code"]: d["zh"] if get_lang() == "zh" else d["en"] for d in sv["dimensions"]}
        list_actions([a | {"ref": f"SA{a['id']:04d}", "dimension_label": names.get(a["dimension"], a["dimension"]),
                           "overdue": False} for a in sv["actions"]], "table")


def _sample_rows(units: list[dict], reveal: bool) -> list[dict]:
    return [{"no": i, "unit": u["unit"], "building": u["building"], "contact": u["contact"] or "",
             "phone": (u["phone"] if reveal else mask_phone(u["phone"])) or "", "surveyor": u["surveyor"] or "",
             "answered": bool(u.get("response_id"))} for i, u in enumerate(units, 1)]


def sample(result: dict, fmt: str, reveal: bool = False) -> None:
    rows = _sample_rows(result["units"], reveal)
    if fmt == "json":
        _json({k: v for k, v in result.items() if k != "units"} | {"units": rows})
        return
    if fmt in ("csv", "jsonl"):
        emit_rows(rows, [(k, k) for k in ("no", "unit", "building", "contact", "phone", "surveyor")], fmt)
        return
    cols = ("no", "unit", "building", "contact", "phone", "surveyor", "answered")
    shown = [r | {"answered": "✓" if r["answered"] else ""} for r in rows]
    emit_rows(safe(shown), [(k, t(f"survey.col.{k}")) for k in cols], "table",
              title=t("survey.sample_title", survey=result["survey"], drawn=result["drawn"]))
    c = console()
    c.print(t("survey.sample_summary", population=result["population"], size=result["size"], drawn=result["drawn"],
              seed=result["seed"], margin=pct(result.get("achieved_margin"), 1),
              confidence=pct(result["confidence"], 0)), markup=False)
    if result.get("expected_response"):
        c.print(t("survey.sample_inflated", rate=pct(result["expected_response"], 0)), markup=False)
    if result.get("excluded"):
        c.print(t("survey.sample_excluded", count=result["excluded"], days=result["exclude_days"]), markup=False)
    c.print(t("survey.sample_strata") + "  " + ", ".join(
        f"{s['stratum'] or '-'}: {s['drawn']}/{s['population']}" for s in result["strata"]), markup=False)


def status(st: dict, fmt: str, reveal: bool = False) -> None:
    to_reach = _sample_rows(st["to_reach"], reveal)
    if fmt == "json":
        _json(st | {"to_reach": to_reach})
        return
    if fmt in ("csv", "jsonl"):
        emit_rows(to_reach, [(k, k) for k in ("unit", "building", "contact", "phone", "surveyor")], fmt)
        return
    c = console()
    mark = "red" if st["below_target"] else "green"
    from rich.text import Text

    c.print(t("survey.status_head", survey=st["survey"], status=label("survey_status", st["status"])), markup=False)
    c.print(Text(t("survey.status_rate", rate=pct(st["rate"]), responded=st["responded"], sampled=st["sampled"],
                   target=pct(st["target"], 0)), style=mark))
    if st["outside_sample"]:
        c.print(t("survey.status_outside", count=st["outside_sample"]), markup=False)
    c.print(t("survey.status_gifts", gifts=st["gifts"], responses=st["responses"]), markup=False)
    for key in ("building", "surveyor"):
        rows = [{key: g[key] or "-", "sampled": g["sampled"], "responded": g["responded"],
                 "response_rate": pct(g["rate"]), "flag": "▼" if g["below_target"] else ""} for g in st[f"{key}s"]]
        if rows:
            emit_rows(safe(rows), [(k, t(f"survey.col.{k}")) for k in (key, "sampled", "responded", "response_rate", "flag")],
                      "table", title=t(f"survey.by_{key}"))
    if to_reach:
        emit_rows(safe(to_reach), [(k, t(f"survey.col.{k}")) for k in ("unit", "contact", "phone", "surveyor")], "table",
                  title=t("survey.to_reach", count=len(to_reach)))


def responses(survey: dict, rows: list[dict], fmt: str) -> None:
    codes = [d["code"] for d in survey["dimensions"]]
    data = [{"unit": r["unit"], "respondent": r["respondent"], "in_sample": bool(r["in_sample"]),
             "surveyor": r["surveyor"], "responded_at": r["responded_at"], "gift_given": bool(r["gift_given"]),
             **{c: r["scores"].get(c, "") if r["scores"].get(c, "") is not None else "x" for c in codes},
             "comment": r["comment"]} for r in rows]
    cols = ["unit", "respondent", "in_sample", "surveyor", "responded_at", "gift_given", *codes, "comment"]
    if fmt != "table":
        emit_rows(data, [(k, k) for k in cols], fmt)
        return
    shown = [d | {"in_sample": "" if d["in_sample"] else t("survey.outside_mark"), "gift_given": "✓" if d["gift_given"] else "",
                  "responded_at": local_time(d["responded_at"])[:10], "unit": d["unit"] or d["respondent"] or "",
                  "scores": " ".join(str(d[c]) if d[c] != "" else "-" for c in codes)} for d in data]
    keys = ("unit", "in_sample", "surveyor", "responded_at", "gift_given", "scores", "comment")
    order = " ".join(d["zh"] if get_lang() == "zh" else d["code"] for d in survey["dimensions"])
    emit_rows(safe(shown), [(k, t(f"survey.col.{k}")) for k in keys], "table",
              title=t("survey.responses_title", survey=survey["name"], count=len(rows)),
              footer=esc(t("survey.scores_order", dims=order)))


def list_actions(rows: list[dict], fmt: str) -> None:
    data = [{"ref": r["ref"], "survey": r["survey"], "dimension": r["dimension"], "plan": r["plan"],
             "owner": r["owner"], "due": r["due"], "status": r["status"], "result": r["result"],
             "overdue": r["overdue"]} for r in rows]
    if fmt != "table":
        emit_rows(data, [(k, k) for k in (data[0] if data else {"ref": 0})], fmt)
        return
    from rich.table import Table

    table = Table(title=t("survey.actions_title"), title_justify="left", header_style="bold")
    for key in ("ref", "survey", "dimension", "plan", "owner", "due", "status", "result"):
        table.add_column(t(f"survey.col.{key}"), overflow="fold")
    for r, d in zip(rows, data):
        table.add_row(*(esc(v) for v in (d["ref"], d["survey"], r["dimension_label"], d["plan"], d["owner"], d["due"],
                                         label("survey_action_status", d["status"]), d["result"])),
                      style="red" if d["overdue"] else None)
    console().print(table)
