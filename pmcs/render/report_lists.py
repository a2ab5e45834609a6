"""Lists for the manager: fee collection and arrears risk, staff scorecards,
the archive check and the purge list. Tables for people, csv/json for scripts."""
from __future__ import annotations

from pmcs.core.fees import yuan_text
from pmcs.i18n import t
from pmcs.render.history import local_time
from pmcs.render.output import emit_rows, line
from pmcs.render.report import pct


def _money(fen, fmt: str):
    if fen is None:
        return None
    return yuan_text(fen) if fmt == "table" else round(fen / 100, 2)


def _table(title: str, columns: list[tuple[str, bool]], rows: list[list[str]], bold_last: bool = False) -> None:
    """A Rich table: numbers right-aligned and never wrapped; the last column folds."""
    from rich.table import Table

    from pmcs.render.output import console

    table = Table(title=title, title_justify="left", header_style="bold")
    for i, (header, numeric) in enumerate(columns):
        last = i == len(columns) - 1
        table.add_column(header, justify="right" if numeric else "left", no_wrap=not last,
                         overflow="fold" if last else "ellipsis")
    for i, cells in enumerate(rows):
        table.add_row(*cells, style="bold" if bold_last and i == len(rows) - 1 else None)
    console().print(table)


def _natural(text: str):
    import re

    return [(0, int(p), "") if p.isdecimal() else (1, 0, p) for p in re.split(r"(\d+)", text or "") if p]


def fee_status(data: dict, fmt: str) -> None:
    buildings = sorted(data["buildings"], key=lambda r: _natural(r["building"]))
    rows = buildings + [data["overall"] | {"building": t("fees.overall") if fmt == "table" else "*"}]
    shown = [{"building": r["building"], "units": r["units"], "due": _money(r["due_fen"], fmt),
              "paid": _money(r["paid_fen"], fmt), "owed": _money(r["owed_fen"], fmt),
              "units_in_arrears": r["units_in_arrears"],
              "rate": pct(r["rate"]) if fmt == "table" else r["rate"]} for r in rows]
    cols = [("building", t("col.fee_building")), ("units", t("col.fee_units")), ("due", t("col.fee_due")),
            ("paid", t("col.fee_paid")), ("owed", t("col.fee_owed")), ("units_in_arrears", t("col.fee_in_arrears")),
            ("rate", t("col.fee_rate"))]
    title = t("fees.status_title", period=data["period"])
    if fmt != "table":
        emit_rows(shown, cols, fmt)
        return
    _table(title, [(h, k != "building") for k, h in cols], [[str(r[k]) for k, _ in cols] for r in shown],
           bold_last=True)


def fee_risk(data: dict, fmt: str) -> None:
    since = local_time(data["since"])[:10]
    if not data["rows"] and fmt == "table":
        line(t("fees.risk_none", total=data["units_in_arrears"], since=since))
        return
    shown = []
    for r in data["rows"]:
        if fmt == "table":
            why = "; ".join(f"{t('fees.reason.' + k)} {' '.join(v)}" for k, v in r["reasons"].items())
        elif fmt == "csv":
            why = "; ".join(f"{k}: {' '.join(v)}" for k, v in r["reasons"].items())
        else:
            why = r["reasons"]
        shown.append({"rank": r["rank"], "unit": r["unit"], "building": r["building"], "owner": r["owner"],
                      "owed": _money(r["owed_fen"], fmt), "months": r["months"], "score": r["score"], "reasons": why})
    cols = [("rank", t("col.risk_rank")), ("unit", t("col.risk_unit")), ("owner", t("col.risk_owner")),
            ("owed", t("col.risk_owed")), ("months", t("col.risk_months")), ("score", t("col.risk_score")),
            ("reasons", t("col.risk_reasons"))]
    if fmt != "table":
        cols.insert(2, ("building", "building"))
        emit_rows(shown, cols, fmt)
        return
    _table(t("fees.risk_title", since=since, count=len(shown), total=data["units_in_arrears"]),
           [(h, k in ("rank", "owed", "months", "score")) for k, h in cols],
           [[str(r[k]) for k, _ in cols] for r in shown])


SCORE_COLS = ("staff", "name", "team", "praise", "attitude", "steps_on_time", "late", "on_time_rate", "satisfied",
              "basically", "unsatisfied", "adjustments", "score")


def scorecards(data: dict, fmt: str) -> None:
    if fmt != "table":
        emit_rows(data["rows"], [(k, k) for k in SCORE_COLS], fmt)
        return
    from rich.table import Table

    from pmcs.render.output import console

    table = Table(title=t("score.title", month=data["month"], formula=data["formula"]), title_justify="left",
                  header_style="bold")
    for key, right in (("col.score_staff", False), ("col.score_name", False), ("col.score_praise", True),
                       ("col.score_attitude", True), ("col.score_steps", True), ("col.score_rate", True),
                       ("col.score_verdicts", True), ("col.score_adjust", True), ("col.score_score", True)):
        table.add_column(t(key), justify="right" if right else "left", no_wrap=True)
    for r in data["rows"]:
        table.add_row(r["staff"], r["name"], str(r["praise"] or ""), str(r["attitude"] or ""),
                      f"{r['steps_on_time']}/{r['late']}", pct(r["on_time_rate"]) if r["on_time_rate"] is not None else "",
                      f"{r['satisfied']}/{r['basically']}/{r['unsatisfied']}",
                      f"{r['adjustments']:+g}" if r["adjustments"] else "", f"{r['score']:g}",
                      style="red" if r["score"] < 90 else None)
    console().print(table)


def archive_check(data: dict, fmt: str) -> None:
    if fmt != "table":
        rows = [f | {"missing": " ".join(f["missing"]) if fmt == "csv" else f["missing"]} for f in data["findings"]]
        emit_rows(rows, [(k, k) for k in ("check", "ref", "name", "unit", "missing")], fmt)
        return
    if not data["findings"]:
        line(t("archive.check_ok", date=data["date"]))
    else:
        rows = [{"check": t(f"archive.check.{f['check']}"), "ref": f["ref"], "name": f["name"], "unit": f["unit"],
                 "detail": _detail(f)} for f in data["findings"]]
        cols = [("check", t("col.archive_check")), ("ref", t("col.archive_ref")), ("name", t("col.archive_name")),
                ("unit", t("col.archive_unit")), ("detail", t("col.archive_detail"))]
        emit_rows(rows, cols, fmt, title=t("archive.check_title", date=data["date"], count=len(rows)))
    if not data["handover_tables"]:
        line(t("archive.no_handover_tables"))


def _detail(f: dict) -> str:
    if f["check"] == "owner_file":
        return ", ".join(t(f"archive.missing.{m}") for m in f["missing"])
    if f["check"] == "handover_open" and f["missing"]:
        return t("archive.open_items", count=f["missing"][0])
    return ""


def purge_list(rows: list[dict], fmt: str) -> None:
    shown = [r | {"closed_at": local_time(r["closed_at"]) if fmt == "table" else r["closed_at"]} for r in rows]
    cols = [("number", t("col.number")), ("kind", t("col.kind")), ("status", t("col.status")),
            ("unit", t("col.unit")), ("closed_at", t("col.purge_closed")), ("steps", t("col.purge_steps"))]
    emit_rows(shown, cols, fmt)
