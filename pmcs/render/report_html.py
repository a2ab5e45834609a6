"""The report as one self-contained HTML page: inline CSS and SVG bar charts,
no script, no font or image from the network — it opens offline and prints."""
from __future__ import annotations

from html import escape

from pmcs.i18n import get_lang, t
from pmcs.render.history import local_time
from pmcs.render.report import OFFICE_HEADERS, heads, layout, office_rows, subtitle, title

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;margin:24px auto;
max-width:980px;color:#1d2733;padding:0 16px}
h1{font-size:22px;margin:0 0 4px} .sub{color:#5b6773;margin:0 0 18px}
section{border-top:2px solid #1f6fb2;margin:22px 0 0;padding-top:6px}
h2{font-size:17px;color:#1f6fb2;margin:4px 0 10px}
table{border-collapse:collapse;margin:0 0 12px;font-size:14px}
th,td{padding:4px 10px;border-bottom:1px solid #e3e7eb;text-align:right}
th:first-child,td:first-child{text-align:left} th{background:#f3f6f9}
td.nodata{color:#9aa4ad} td.chg{color:#5b6773}
.charts{display:flex;flex-wrap:wrap;gap:8px 24px}
figure{margin:0 0 8px} figcaption{font-size:13px;font-weight:600;margin:2px 0}
.legend{font-size:12px;color:#5b6773} .sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
footer{margin-top:28px;font-size:12px;color:#7a858f}
@media print{section{break-inside:avoid}}
"""
CUR, PREV = "#1f6fb2", "#b9cfe4"
ROW_H, LABEL_W, BAR_W, TEXT_W = 22, 170, 200, 90


def svg_bars(bars, is_rate: bool) -> str:
    """Grouped horizontal bars: this period (dark) above the previous one (light)."""
    top = 1.0 if is_rate else max([max(b[1], b[2]) for b in bars] + [1])
    width = LABEL_W + BAR_W + TEXT_W
    height = ROW_H * len(bars) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-size="12">']
    for i, (name, cur, prev, cur_text, prev_text) in enumerate(bars):
        y = i * ROW_H + 3
        wc = BAR_W * (cur / top) if top else 0
        wp = BAR_W * (prev / top) if top else 0
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end">{escape(_short(str(name)))}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y + 1}" width="{wc:.1f}" height="9" fill="{CUR}">'
                     f'<title>{escape(cur_text)}</title></rect>')
        parts.append(f'<rect x="{LABEL_W}" y="{y + 10}" width="{wp:.1f}" height="7" fill="{PREV}">'
                     f'<title>{escape(prev_text)}</title></rect>')
        parts.append(f'<text x="{LABEL_W + wc + 4:.1f}" y="{y + 10}" font-size="11">{escape(cur_text)}</text>')
        parts.append(f'<text x="{LABEL_W + wp + 4:.1f}" y="{y + 19}" font-size="10" fill="#6b7785">'
                     f'{escape(prev_text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _short(text: str, limit: int = 26) -> str:
    """Cut a label to what fits LABEL_W at 12 px: a CJK character is as wide as two Latin ones."""
    import unicodedata

    used = 0
    for i, ch in enumerate(text):
        used += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used > limit:
            return text[:i - 1 if i else 0] + "…"
    return text


def page(rep: dict) -> str:
    cur_label, prev_label = escape(rep["period"]), escape(rep["previous_period"])
    out = [f'<!DOCTYPE html><html lang="{"zh-CN" if get_lang() == "zh" else "en"}"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title(rep))}</title><style>{CSS}</style></head><body>",
           f"<h1>{escape(title(rep))}</h1><p class=\"sub\">{escape(subtitle(rep))}</p>",
           f'<p class="legend"><span class="sw" style="background:{CUR}"></span>{cur_label}'
           f'<span class="sw" style="background:{PREV}"></span>{prev_label}</p>']
    for sec in layout(rep):
        out.append(f"<section><h2>{escape(sec['title'])}</h2>")
        sec_cur, sec_prev = (escape(h) for h in heads(rep, sec))
        out.append(f"<table><tr><th>{escape(t('report.figure'))}</th><th>{sec_cur}</th><th>{sec_prev}</th>"
                   f"<th>{escape(t('report.change'))}</th></tr>")
        for name, cur, prev, diff in sec["rows"]:
            nodata = ' class="nodata"' if cur == t("report.no_data") else ""
            out.append(f"<tr><td>{escape(name)}</td><td{nodata}>{escape(cur)}</td><td>{escape(prev)}</td>"
                       f'<td class="chg">{escape(diff)}</td></tr>')
        out.append("</table>")
        charts = [(ct, bars, is_rate) for ct, bars, is_rate in sec["charts"] if bars]
        if charts:
            out.append('<div class="charts">')
            for chart_title, bars, is_rate in charts:
                out.append(f"<figure><figcaption>{escape(chart_title)}</figcaption>{svg_bars(bars, is_rate)}</figure>")
            out.append("</div>")
        out.append("</section>")
    if rep.get("offices"):
        out.append(f"<section><h2>{escape(t('report.sec.offices'))}</h2><table><tr>")
        out.extend(f"<th>{escape(t(k))}</th>" for k in OFFICE_HEADERS)
        out.append("</tr>")
        for cells in office_rows(rep):
            bold = ' style="font-weight:600"' if cells[0] == t("report.total") else ""
            out.append(f"<tr{bold}>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
        out.append("</table></section>")
    out.append(f"<footer>{escape(t('report.footer', at=local_time(rep['generated_at'])))}</footer></body></html>")
    return "\n".join(out)


def write(rep: dict, path: str) -> str:
    """Write the page (mode 0600 and atomic, like every export); returns the path."""
    from pathlib import Path

    from pmcs.csvio import write_private

    target = str(Path(path).expanduser())
    write_private(target, page(rep))
    return target
