"""The survey report in the terminal: headline, bar charts drawn with Rich, tables.

The same report dict is written as JSON, HTML (render/survey_html.py) and SVG
(render/charts_svg.py), so all outputs carry the same figures.
"""
from __future__ import annotations

import json
import sys

from pmcs.i18n import label, t
from pmcs.render.charts_svg import notes, pct
from pmcs.render.output import console

BAR = 30
LEVEL_STYLES = {"5": "green4", "4": "green3", "3": "yellow3", "2": "dark_orange", "1": "red3"}
_EIGHTHS = " ▏▎▍▌▋▊▉"


def esc(text) -> str:
    """User text in a Rich cell: plain text (the console reads no markup, see output.console)."""
    return "" if text is None else str(text)


def interval(d: dict) -> str:
    """The 95 % interval as proportions to 3 decimals."""
    return "-" if d.get("low") is None else f"{d['low']:.3f}–{d['high']:.3f}"


def bar(value: float | None, style: str, width: int = BAR, target: float | None = None):
    from rich.text import Text

    text = Text()
    if value is None:
        return text.append(" " * width)
    cells = value * width
    full = int(cells)
    part = _EIGHTHS[int((cells - full) * 8)] if full < width else ""
    body = ("█" * full + part.strip()).ljust(width)
    if target is not None:
        pos = min(int(target * width), width - 1)
        if body[pos] == " ":
            body = body[:pos] + "┊" + body[pos + 1:]
    text.append(body, style=style)
    return text


def stacked(distribution: dict, width: int = BAR):
    from rich.text import Text

    total = sum(distribution.values())
    text = Text()
    if not total:
        return text.append(" " * width)
    done = edge = 0  # each level ends where its cumulative share of the width ends
    for level in ("5", "4", "3", "2", "1"):
        done += distribution.get(level, 0)
        n = (2 * done * width + total) // (2 * total) - edge  # round half up, exact in integers
        text.append("█" * n, style=LEVEL_STYLES[level])
        edge += n
    return text


def _style(d: dict) -> str:
    if d.get("rate") is None:
        return "grey50"
    return "red3" if d.get("clearly_under") else "yellow3" if d.get("under_target") else "green3"


def _change(ch: dict | None) -> str:
    if not ch:
        return ""
    return f"{ch['rate_pp']:+.1f}pp{'*' if ch['significant'] else ''}"


def show(report: dict, fmt: str) -> None:
    if fmt == "json":
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
        return
    c = console()
    sv, resp, ov = report["survey"], report["response"], report["overall"]
    from rich.text import Text

    c.print(Text(t("survey.report_title", survey=sv["name"]), style="bold") +
            Text("  " + t("survey.report_sub", period=sv["period"], method=label("survey_method", sv["method"]))))
    if resp["sampled"]:
        ok = resp["rate"] is not None and resp["rate"] >= resp["target"]
        c.print(Text(t("survey.status_rate", rate=pct(resp["rate"]), responded=resp["responded"],
                       sampled=resp["sampled"], target=pct(resp["target"], 0)), style="green3" if ok else "red3"))
    if resp["outside_sample"]:
        key = "survey.note_outside" if resp["in_sample_only"] else "survey.note_outside_used"
        c.print(t(key, count=resp["outside_sample"]), markup=False)
    c.print(t("survey.headline", basis=t(f"survey.basis.{report['overall_basis']}"), rate=pct(ov.get("rate")),
              ci=interval(ov), index="-" if ov.get("index") is None else f"{ov['index']:.1f}",
              composite="-" if report["composite_index"] is None else f"{report['composite_index']:.1f}",
              n=ov.get("n", 0)), markup=False)
    if ov.get("change"):
        c.print(t("survey.headline_change", previous=report["compare"]["name"], change=_change(ov["change"])), markup=False)
    _dimension_table(c, report)
    _distribution(c, report)
    _buildings(c, report)
    _follow_up(c, report)
    _actions(c, report)
    for line in notes(report):
        c.print("• " + line, markup=False)


def grid(c, title: str, header: list[str] | None, rows: list[tuple[list, str | None]], left: int = 1,
         min_bar: int = 6) -> None:
    """Columns of plain cells and bars, much cheaper than a Rich Table for charts.

    rows: (cells, style); a cell is a str, or a chart drawn at a width given by
    the grid (``Chart``). The first ``left`` columns and the chart columns are
    left-aligned, the others right-aligned. Charts shrink (down to ``min_bar``)
    so that lines fit the console (piped output is 80 columns wide); a line that
    still does not fit is written whole, never cut.
    """
    from rich.cells import cell_len
    from rich.text import Text

    lines = ([(header, "bold")] if header else []) + rows
    ncols = max(len(cells) for cells, _ in lines)
    charts = {i for cells, _ in rows for i, cell in enumerate(cells) if isinstance(cell, Chart)}
    width = [max((cell_len(str(cells[i])) for cells, _ in lines if i < len(cells) and not isinstance(cells[i], Chart)),
                 default=0) for i in range(ncols)]
    if charts:
        fixed = 1 + 2 * (ncols - 1) + sum(w for i, w in enumerate(width) if i not in charts)
        room = (c.width - fixed) // len(charts)
        preferred = max(cell.width for cells, _ in rows for cell in cells if isinstance(cell, Chart))
        for i in charts:
            width[i] = max(width[i], min_bar, min(preferred, room))
    c.print(Text(title, style="bold"))
    for cells, style in lines:
        out = Text(" ", style=style or "")
        for i, cell in enumerate(cells):
            text = cell.draw(width[i]) if isinstance(cell, Chart) else Text(str(cell))
            gap = Text(" " * (width[i] - cell_len(text.plain)))
            out.append_text(text + gap if i < left or i in charts else gap + text)
            if i < len(cells) - 1:
                out.append("  ")
        out.rstrip()
        c.print(out, no_wrap=True, overflow="ignore", crop=False)


class Chart:
    """A bar (``value`` 0–1) or a stacked bar (``distribution``) drawn at the grid's width."""

    def __init__(self, value=None, style: str = "", *, target: float | None = None, distribution: dict | None = None,
                 width: int = BAR):
        self.value, self.style, self.target, self.distribution, self.width = value, style, target, distribution, width

    def draw(self, width: int):
        if self.distribution is not None:
            return stacked(self.distribution, width)
        return bar(self.value, self.style, width, self.target)

    def __str__(self) -> str:
        return " " * self.width


def _index(d: dict) -> str:
    return "-" if d.get("index") is None else f"{d['index']:.1f}"


def _dimension_table(c, report: dict) -> None:
    bench, compare = report.get("benchmark"), report.get("compare")
    header = [t(f"survey.col.{k}") for k in ("dimension", "bar", "rate", "ci", "index", "n", "dont_know")]
    header += [t("survey.col.change")] if compare else []
    rows = []
    for d in report["dimensions"]:
        flag = "!!" if d["clearly_under"] else "!" if d["under_target"] else ""
        row = [d["label"], Chart(d["rate"], _style(d), target=report["target"]), pct(d["rate"]), interval(d),
               _index(d), str(d["n"]), str(d["dont_know"])]
        row += [_change(d.get("change"))] if compare else []
        rows.append((row + [flag], "bold" if d["code"] in report["lowest"] else None))
        if bench and d.get("benchmark"):
            b = d["benchmark"]
            rows.append(([f"  {bench['benchmark']}", Chart(b["rate"], "grey50"), pct(b["rate"]), interval(b),
                          _index(b), str(b["n"]), str(b["dont_know"])], "grey50"))
    grid(c, t("survey.chart_rates") + f"  ({t('survey.chart_target', target=pct(report['target'], 0))} ┊)",
         header, rows)


def _distribution(c, report: dict) -> None:
    from rich.text import Text

    header = [t("survey.col.dimension"), t("survey.col.bar"), *"54321"]
    rows = [([d["label"], Chart(distribution=d["distribution"])] + [str(d["distribution"][k]) for k in "54321"], None)
            for d in report["dimensions"]]
    grid(c, t("survey.chart_distribution"), header, rows)
    legend = Text("  ")
    for level in ("5", "4", "3", "2", "1"):
        legend.append("█ ", style=LEVEL_STYLES[level]).append(f"{level} {t(f'survey.level.{level}')}  ")
    legend.rstrip()
    c.print(legend)


def _buildings(c, report: dict) -> None:
    if not report["buildings"]:
        return
    header = [t(f"survey.col.{k}") for k in ("building", "responded", "response_rate", "bar", "rate", "ci", "index")]
    rows = []
    for b in report["buildings"]:
        o = b["overall"] | {"under_target": b["overall"]["rate"] is not None and b["overall"]["rate"] < report["target"]}
        rows.append(([b["building"] or "-", f"{b['responded']}/{b['sampled']}", pct(b["response_rate"]),
                      Chart(o["rate"], _style(o), target=report["target"], width=20), pct(o["rate"]), interval(o),
                      _index(o)], None))
    grid(c, t("survey.chart_buildings"), header, rows)


def _follow_up(c, report: dict) -> None:
    if not report["follow_up"]:
        return
    from rich.table import Table

    table = Table(title=t("survey.chart_follow_up"), title_justify="left", header_style="bold")
    for key in ("dimension", "before", "after", "change", "actions"):
        table.add_column(t(f"survey.col.{key}"), overflow="fold")
    for f in report["follow_up"]:
        before, after = f["before"] or {}, f["after"] or {}
        acts = "\n".join(f"{a['ref']} [{label('survey_action_status', a['status'])}] {a['plan']}"
                         + (f" → {a['result']}" if a["result"] else "") for a in f["actions"])
        table.add_row(esc(f["label"]), esc(f"{pct(before.get('rate'))} ({f['survey_before']})"),
                      pct(after.get("rate")), _change(f["change"]), esc(acts))
    c.print(table)


def _actions(c, report: dict) -> None:
    if not report["actions"]:
        return
    from rich.table import Table

    labels = {d["code"]: d["label"] for d in report["dimensions"]}
    table = Table(title=t("survey.actions_title"), title_justify="left", header_style="bold")
    for key in ("ref", "dimension", "plan", "owner", "due", "status"):
        table.add_column(t(f"survey.col.{key}"), overflow="fold")
    for a in report["actions"]:
        table.add_row(*(esc(x) for x in (a["ref"], labels.get(a["dimension"], a["dimension"]), a["plan"], a["owner"],
                                          a["due"], label("survey_action_status", a["status"]))))
    c.print(table)
