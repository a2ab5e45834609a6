"""The survey report as one self-contained HTML page (inline CSS and SVG, nothing fetched)."""
from __future__ import annotations

from pmcs.i18n import get_lang, label, t
from pmcs.render.charts_svg import charts, e, headline, notes, pct

CSS = """
body{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;color:#263238;margin:24px auto;
max-width:1000px;padding:0 16px;line-height:1.45}
h2{margin-top:28px;border-bottom:2px solid #eceff1;padding-bottom:4px;font-size:18px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th,td{border-bottom:1px solid #eceff1;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}
th{background:#f5f7f8}
tr.under td{color:#b71c1c}
.chart{margin:12px 0}
.chart svg{max-width:100%;height:auto}
.foot{color:#607d8b;font-size:12px;margin-top:24px}
td.text,th.text{text-align:left}
.wide{overflow-x:auto}
"""


def _num(value, digits=1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ci(d: dict) -> str:
    return "-" if d.get("low") is None else f"{d['low']:.3f}–{d['high']:.3f}"


def _row(cells: list, cls: str = "") -> str:
    tds = "".join(f"<td{' class=text' if i and isinstance(c, str) and len(c) > 24 else ''}>{e(c)}</td>"
                  for i, c in enumerate(cells))
    return f"<tr class='{cls}'>{tds}</tr>" if cls else f"<tr>{tds}</tr>"


def _table(headers: list[str], rows: list[str], text_last: bool = False) -> str:
    heads = "".join(f"<th{' class=text' if text_last and i == len(headers) - 1 else ''}>{e(h)}</th>"
                    for i, h in enumerate(headers))
    return f"<div class='wide'><table><tr>{heads}</tr>" + "".join(rows) + "</table></div>"


def _dimension_table(report: dict) -> str:
    heads = [t(f"survey.col.{k}") for k in ("dimension", "n", "dont_know", "rate", "ci", "index", "mean")]
    if report.get("compare"):
        heads.append(t("survey.col.change") + f" ({report['compare']['name']})")
    if report.get("benchmark"):
        heads.append(report["benchmark"]["benchmark"])
    rows = []
    extra = [] if report["overall_basis"] == "question" else [
        report["overall"] | {"label": t("survey.basis.pooled"), "code": "_pooled"}]
    for d in report["dimensions"] + extra:
        cells = [d["label"], d["n"], d["dont_know"], pct(d["rate"]), _ci(d), _num(d["index"]), _num(d["mean"], 2)]
        if report.get("compare"):
            ch = d.get("change")
            cells.append(f"{pct((d.get('previous') or {}).get('rate'))} → {ch['rate_pp']:+.1f} pp"
                         f"{' *' if ch['significant'] else ''}" if ch else "-")
        if report.get("benchmark"):
            b = d.get("benchmark") or {}
            cells.append(f"{pct(b.get('rate'))} / {_num(b.get('index'))}")
        rows.append(_row(cells, "under" if d.get("under_target") else ""))
    return _table(heads, rows)


def _building_table(report: dict) -> str:
    dims = [d for d in report["dimensions"]]
    heads = [t("survey.col.building"), t("survey.col.responded"), t("survey.col.response_rate"), t("survey.col.rate"),
             t("survey.col.ci"), t("survey.col.index")] + [d["label"] for d in dims]
    rows = [_row([b["building"] or "-", f"{b['responded']}/{b['sampled']}", pct(b["response_rate"]),
                  pct(b["overall"]["rate"]), _ci(b["overall"]), _num(b["overall"]["index"])] +
                 [pct(b["dimensions"].get(d["code"]), 0) for d in dims]) for b in report["buildings"]]
    return _table(heads, rows)


def _follow_table(report: dict) -> str:
    heads = [t(f"survey.col.{k}") for k in ("dimension", "before", "after", "change", "actions")]
    rows = []
    for f in report["follow_up"]:
        acts = "; ".join(f"{a['ref']} [{label('survey_action_status', a['status'])}] {a['plan']}"
                         + (f" → {a['result']}" if a["result"] else "") for a in f["actions"])
        ch = f["change"]
        rows.append(_row([f["label"], f"{pct((f['before'] or {}).get('rate'))} ({f['survey_before']})",
                          pct((f["after"] or {}).get("rate")), f"{ch['rate_pp']:+.1f} pp" if ch else "-", acts]))
    return _table(heads, rows, text_last=True)


def _action_table(report: dict) -> str:
    labels = {d["code"]: d["label"] for d in report["dimensions"]}
    heads = [t(f"survey.col.{k}") for k in ("ref", "dimension", "plan", "owner", "due", "status")]
    return _table(heads, [_row([a["ref"], labels.get(a["dimension"], a["dimension"]), a["plan"], a["owner"], a["due"],
                                label("survey_action_status", a["status"])]) for a in report["actions"]])


def document(report: dict) -> str:
    sv = report["survey"]
    out = [f"<!DOCTYPE html><html lang='{'zh-CN' if get_lang() == 'zh' else 'en'}'><head><meta charset='utf-8'>",
           "<meta name='viewport' content='width=device-width, initial-scale=1'>",
           f"<title>{e(t('survey.report_title', survey=sv['name']))}</title><style>{CSS}</style></head><body>",
           f"<div class='chart'>{headline(report)[0]}</div>"]
    chart_list = charts(report)
    out += [f"<div class='chart'>{chart_list[0][0]}</div>", _dimension_table(report),
            f"<div class='chart'>{chart_list[1][0]}</div>"]
    rest = chart_list[2:]
    if report["buildings"]:
        out += [f"<div class='chart'>{rest.pop(0)[0]}</div>", _building_table(report)]
    if report["follow_up"]:
        out += [f"<div class='chart'>{rest.pop(0)[0]}</div>", _follow_table(report)]
    if report["actions"]:
        out += [f"<h2>{e(t('survey.actions_title'))}</h2>", _action_table(report)]
    out.append(f"<h2>{e(t('survey.notes_title'))}</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in notes(report))
               + "</ul>")
    out.append(f"<p class='foot'>{e(t('survey.footer', survey=sv['name'], period=sv['period']))}</p></body></html>")
    return "\n".join(out)
