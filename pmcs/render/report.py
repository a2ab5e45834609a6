"""The report on screen: figure tables (this period, previous, change) and bar
charts. ``layout`` turns the report dict into sections of rows and charts that
the terminal (here) and the HTML page (render/report_html.py) both draw."""
from __future__ import annotations

import json
import sys

from pmcs.i18n import t

BAR = 28  # widest bar in terminal cells


# formatting -------------------------------------------------------------------------
def count_text(v) -> str:
    return "—" if v is None else f"{v:,}" if isinstance(v, int) else f"{v:,.2f}"


def pct(v) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"


def rate_text(f: dict, which: str) -> str:
    total = f[f"{which}_total"]
    return "—" if not total else f"{pct(f[which])} ({f[f'{which}_count']:,}/{total:,})"


def hours_text(v) -> str:
    return "—" if v is None else t("report.hours", value=f"{v:,.1f}")


def points(diff: float) -> str:
    """A change of a rate in percentage points: +3.2 pt (zh: +3.2 个百分点)."""
    return t("report.points", value=f"{100 * diff:+.1f}")


def change(f: dict, kind: str) -> str:
    cur, prev = f["current"], f["previous"]
    if cur is None or prev is None:
        return ""
    diff = cur - prev
    if kind == "rate":
        return points(diff)
    if kind == "hours":
        return t("report.hours", value=f"{diff:+,.1f}")
    if kind == "yuan":
        return f"{diff:+,.2f}"
    return f"{diff:+,}"


def row(name: str, f: dict | None, kind: str = "count") -> tuple[str, str, str, str]:
    if f is None:
        return name, t("report.no_data"), "", ""
    if kind == "rate":
        return name, rate_text(f, "current"), rate_text(f, "previous"), change(f, kind)
    if kind == "pct":  # a rate of money: the parts are shown on their own lines
        return name, pct(f["current"]), pct(f["previous"]), change(f, "rate")
    shown = hours_text if kind == "hours" else count_text
    return name, shown(f["current"]), shown(f["previous"]), change(f, kind)


def _bars(rows: list[dict], rates: bool = False) -> list[tuple[str, float, float, str, str]]:
    if rates:
        return [(r.get("label") or r["code"], r["current"] or 0, r["previous"] or 0, pct(r["current"]),
                 pct(r["previous"])) for r in rows]
    return [(r.get("label") or r["code"], r["current"], r["previous"], f"{r['current']:,}", f"{r['previous']:,}")
            for r in rows]


# the neutral layout ------------------------------------------------------------------------
def layout(rep: dict) -> list[dict]:
    """[{title, rows: [(figure, current, previous, change)], charts: [(title, bars, is_rate)]}]"""
    out = []
    c = rep["complaints"]
    out.append({"title": t("report.sec.complaints"), "rows": [
        row(t("report.complaints_total"), c["total"]),
        row(t("report.excluded.unreasonable"), c["excluded"]["unreasonable"]),
        row(t("report.excluded.invalid"), c["excluded"]["invalid"]),
        row(t("report.cancelled"), c["cancelled"]),
        row(t("report.repeat"), c["repeat"], "rate"),
        row(t("report.on_time_all"), c["on_time_all"], "rate"),
        row(t("report.reply_median"), c["reply"]["median_hours"], "hours"),
        row(t("report.reply_p90"), c["reply"]["p90_hours"], "hours"),
        row(t("report.close_median"), c["close"]["median_hours"], "hours"),
        row(t("report.close_p90"), c["close"]["p90_hours"], "hours"),
    ], "charts": [(t("report.by_category"), _bars(c["by_category"]), False),
                  (t("report.by_channel"), _bars(c["by_channel"]), False),
                  (t("report.by_severity"), _bars(c["by_severity"]), False),
                  (t("report.by_nature"), _bars(c["by_nature"]), False),
                  (t("report.on_time_steps"), _bars(c["on_time"], rates=True), True),
                  (t("report.verdicts"), _bars(c["verdicts"]), False)]})
    r = rep["repairs"]
    out.append({"title": t("report.sec.repairs"), "rows": [
        row(t("report.repairs_total"), r["total"]),
        row(t("report.completed"), r["completed"]),
        row(t("report.completion_median"), r["completion"]["median_hours"], "hours"),
        row(t("report.completion_p90"), r["completion"]["p90_hours"], "hours"),
        row(t("report.completion_on_time"), r["completion_on_time"], "rate"),
        row(t("report.on_time_all"), r["on_time_all"], "rate"),
    ], "charts": [(t("report.by_urgency"), _bars(r["by_urgency"]), False),
                  (t("report.by_paid"), _bars(r["by_paid"]), False),
                  (t("report.on_time_steps"), _bars(r["on_time"], rates=True), True),
                  (t("report.verdicts"), _bars(r["verdicts"]), False)]})
    q = rep["requests"]
    out.append({"title": t("report.sec.requests"), "rows": [row(t("report.requests_total"), q["total"])],
                "charts": [(t("report.by_type"), _bars(q["by_type"]), False)]})
    moves = []
    if rep["move_ins"] is not None:
        moves.append(row(t("report.move_ins"), rep["move_ins"]["completed"]))
    rn = rep["renovations"]
    if rn is not None:
        moves += [row(t("report.reno_active"), rn["active"]), row(t("report.reno_accepted"), rn["accepted"]),
                  row(t("report.reno_refunds"), rn["refunds"]),
                  row(t("report.reno_refunds_on_time"), rn["refunds_on_time"], "rate"),
                  row(t("report.reno_refunds_overdue"), rn["refunds_overdue"])]
    out.append({"title": t("report.sec.moves"), "rows": moves or [row(t("report.move_ins"), None)], "charts": []})
    out.append(_survey(rep["survey"]))
    fees = rep["fees"]
    out.append({"title": t("report.sec.fees"), "rows": [
        row(t("report.fees_rate"), fees["collection_rate"], "pct"), row(t("report.fees_units"), fees["units"]),
        row(t("report.fees_due"), fees["due_yuan"], "yuan"), row(t("report.fees_paid"), fees["paid_yuan"], "yuan"),
    ] if fees else [row(t("report.fees_rate"), None)], "charts": []})
    return out


def _survey(sv: dict | None) -> dict:
    title = t("report.sec.survey")
    if not sv or not sv["current"]:
        return {"title": title, "rows": [row(t("report.survey_name"), None)], "charts": []}
    cur, prev = sv["current"], sv["previous"] or {}
    same = prev.get("name") == cur["name"]  # no newer survey since the previous period

    def r(name, key, kind="rate"):
        value, before = cur[key], None if same else prev.get(key)
        shown = pct if kind == "rate" else (lambda v: "—" if v is None else f"{v:.1f}") if kind == "index" else count_text
        diff = "" if value is None or before is None else (
            points(value - before) if kind == "rate" else f"{value - before:+,.1f}" if kind == "index"
            else f"{value - before:+,}")
        return name, shown(value), "" if before is None else shown(before), diff

    rows = [(t("report.survey_name"), f"{cur['name']} ({cur['period']})",
             "" if same or not prev else f"{prev['name']} ({prev['period']})", ""),
            r(t("report.survey_responses"), "responses", "count"), r(t("report.survey_response_rate"), "response_rate"),
            r(t("report.survey_rate"), "satisfaction_rate"), r(t("report.survey_index"), "satisfaction_index", "index")]
    before = {d["code"]: d["rate"] for d in ([] if same else prev.get("dimensions") or [])}
    bars = [(d.get("label") or d["code"], d["rate"] or 0, before.get(d["code"]) or 0, pct(d["rate"]), pct(before.get(d["code"])))
            for d in cur["dimensions"]]
    # a survey is compared with the survey before it, not with the previous period
    return {"title": title, "rows": rows, "charts": [(t("report.survey_rate"), bars, True)] if bars else [],
            "heads": (t("report.survey_latest"), t("report.survey_before"))}


def heads(rep: dict, sec: dict) -> tuple[str, str]:
    """The two value columns of a section: the periods, or what the section compares."""
    return sec.get("heads") or (rep["period"], rep["previous_period"])


def office_rows(rep: dict) -> list[tuple]:
    """One line per office and the total: the headline figures side by side."""
    out = []
    for name, r in [(o["estate"], o) for o in rep.get("offices", [])] + [(t("report.total"), rep)]:
        c = r["complaints"]
        out.append((name, count_text(c["total"]["current"]), pct(c["on_time_all"]["current"]),
                    hours_text(c["reply"]["median_hours"]["current"]), count_text(r["repairs"]["total"]["current"]),
                    pct(r["fees"]["collection_rate"]["current"]) if r["fees"] else "—"))
    return out


OFFICE_HEADERS = ("report.office", "report.complaints_total", "report.on_time_all", "report.reply_median",
                  "report.repairs_total", "report.fees_rate")


def title(rep: dict) -> str:
    text = t(f"report.title.{rep['report']}", period=rep["period"])
    if rep["to_date"]:
        text += f" ({t('report.to_date')})"
    return f"{text} — {rep['estate']}" if rep["estate"] else text


def subtitle(rep: dict) -> str:
    return t("report.compared", start=rep["from"], end=rep["to"], previous=rep["previous_period"])


# the terminal ----------------------------------------------------------------------------
def show(rep: dict, fmt: str = "table") -> None:
    if fmt == "json":
        json.dump(rep, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    from rich.table import Table

    from pmcs.render.output import console

    con = console()
    con.print(title(rep), style="bold", markup=False)
    con.print(subtitle(rep), markup=False)
    for sec in layout(rep):
        table = Table(title=sec["title"], title_justify="left", title_style="bold", header_style="bold")
        table.add_column(t("report.figure"))
        cur_label, prev_label = heads(rep, sec)
        for head in (cur_label, prev_label, t("report.change")):
            table.add_column(head, justify="right")
        for name, cur, prev, diff in sec["rows"]:
            table.add_row(name, cur, prev, diff, style="dim" if cur == t("report.no_data") else None)
        con.print(table)
        for chart_title, bars, is_rate in sec["charts"]:
            if bars:
                con.print(bar_chart(chart_title, bars, is_rate, cur_label, prev_label))
    if rep.get("offices"):
        table = Table(title=t("report.sec.offices"), title_justify="left", title_style="bold", header_style="bold")
        for i, key in enumerate(OFFICE_HEADERS):
            table.add_column(t(key), justify="left" if i == 0 else "right")
        for cells in office_rows(rep):
            table.add_row(*cells, style="bold" if cells[0] == t("report.total") else None)
        con.print(table)


def bar_chart(title_text: str, bars, is_rate: bool, cur_label: str, prev_label: str):
    """Two bars per item: this period (solid, cyan) above the previous one (light grey)."""
    from rich.table import Table
    from rich.text import Text

    top = 1.0 if is_rate else max([max(b[1], b[2]) for b in bars] + [1])
    table = Table(title=f"  {title_text}   █ {cur_label}  ▒ {prev_label}", title_justify="left", box=None,
                  show_header=False, padding=(0, 1))
    table.add_column(max_width=24, overflow="ellipsis", no_wrap=True)
    table.add_column(no_wrap=True)
    for name, cur, prev, cur_text, prev_text in bars:
        table.add_row(Text(str(name)), _bar(cur, top, "█", "cyan", cur_text))
        table.add_row("", _bar(prev, top, "▒", "bright_black", prev_text))
    return table


def _bar(value: float, top: float, char: str, style: str, text: str):
    from rich.text import Text

    width = round(BAR * value / top) if top else 0
    if value and not width:
        width = 1
    bar = Text(char * width, style=style)
    bar.append(f" {text}", style="default" if char == "█" else "bright_black")
    return bar
