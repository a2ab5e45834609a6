"""Charts as plain SVG text: no library, no network, no fonts to fetch.

Each chart function returns ``(svg, height)``: a complete ``<svg>`` element
that can be inlined in HTML or nested in the poster SVG (``poster``). All
text from the database is escaped.
"""
from __future__ import annotations

from html import escape

from pmcs.i18n import t

FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif"
WIDTH = 760
LABEL_W = 150
BAR_W = 420
GOOD, WARN, BAD, GREY, INK = "#2e7d32", "#f9a825", "#c62828", "#9e9e9e", "#263238"
LEVEL_COLOURS = {"5": "#1b5e20", "4": "#66bb6a", "3": "#fdd835", "2": "#fb8c00", "1": "#c62828"}


def e(text) -> str:
    return escape("" if text is None else str(text), quote=True)


def pct(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def _svg(body: list[str], height: int, width: int = WIDTH) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="13">' + "".join(body) + "</svg>")


def _text(x, y, text, *, size=13, anchor="start", fill=INK, weight="normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}">{e(text)}</text>')


def colour(rate, high, target) -> str:
    if rate is None:
        return GREY
    if rate >= target:
        return GOOD
    return BAD if high is not None and high < target else WARN


def _axis(x0: int, top: int, bottom: int, target: float | None) -> list[str]:
    out = []
    for tick in range(0, 101, 20):
        x = x0 + BAR_W * tick / 100
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#e0e0e0"/>')
        out.append(_text(x, bottom + 14, f"{tick}%", size=11, anchor="middle", fill="#757575"))
    if target is not None:
        x = x0 + BAR_W * target
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{bottom}" stroke="{BAD}" '
                   f'stroke-dasharray="5,3" stroke-width="1.5"/>')
        out.append(_text(x, top - 9, t("survey.chart_target", target=pct(target, 0)), size=11, anchor="middle",
                         fill=BAD))
    return out


def rate_chart(rows: list[dict], target: float | None, *, title: str, bench_name: str | None = None) -> tuple[str, int]:
    """Horizontal 满意率 bars with the 95 % interval as a whisker; a thin grey bar for the benchmark.

    rows: {label, rate, low, high, index, n, benchmark?: {rate, n}}
    """
    step = 40 if bench_name else 30
    top = 46
    height = top + step * len(rows) + 34
    x0 = LABEL_W
    body = [_text(0, 18, title, size=15, weight="bold")]
    if bench_name:
        body.append(f'<rect x="{x0}" y="26" width="12" height="8" fill="{GOOD}"/>')
        body.append(_text(x0 + 16, 34, t("survey.chart_ours"), size=11))
        body.append(f'<rect x="{x0 + 110}" y="26" width="12" height="5" fill="{GREY}"/>')
        body.append(_text(x0 + 126, 34, bench_name, size=11))
    body += _axis(x0, top, top + step * len(rows), target)
    for i, r in enumerate(rows):
        y = top + i * step + 4
        body.append(_text(x0 - 8, y + 13, r["label"], anchor="end"))
        if r.get("rate") is None:
            body.append(_text(x0 + 4, y + 13, t("survey.no_answers"), size=11, fill="#757575"))
            continue
        w = BAR_W * r["rate"]
        body.append(f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="18" rx="2" '
                    f'fill="{colour(r["rate"], r.get("high"), target if target is not None else 0)}"/>')
        lo, hi, cy = x0 + BAR_W * r["low"], x0 + BAR_W * r["high"], y + 9
        body.append(f'<path d="M{lo:.1f} {cy} H{hi:.1f} M{lo:.1f} {cy - 5} V{cy + 5} M{hi:.1f} {cy - 5} V{cy + 5}" '
                    f'stroke="{INK}" stroke-width="1.2" fill="none"/>')
        body.append(_text(x0 + BAR_W + 8, y + 13, f"{pct(r['rate'])}  ({pct(r['low'])}–{pct(r['high'])})  "
                                                  f"{t('survey.index_short')} {r['index']:.1f}  n={r['n']}", size=11))
        ch, prev = r.get("change"), r.get("previous") or {}
        if ch:
            body.append(_text(x0 + BAR_W + 240, y + 13, f"{ch['rate_pp']:+.1f} pp{'*' if ch['significant'] else ''} "
                                                        f"({t('survey.was', rate=pct(prev.get('rate')))})", size=11,
                              fill=GOOD if ch["rate_pp"] >= 0 else BAD))
        b = r.get("benchmark")
        if bench_name and b and b.get("rate") is not None:
            body.append(f'<rect x="{x0}" y="{y + 22}" width="{BAR_W * b["rate"]:.1f}" height="7" fill="{GREY}"/>')
            body.append(_text(x0 + BAR_W * b["rate"] + 4, y + 29, pct(b["rate"]), size=10, fill="#616161"))
    return _svg(body, height, WIDTH + 400), height


def distribution_chart(rows: list[dict], *, title: str) -> tuple[str, int]:
    """100 % stacked bars of the answers 5 … 1 per dimension."""
    top, step = 48, 26
    height = top + step * len(rows) + 10
    x0 = LABEL_W
    body = [_text(0, 18, title, size=15, weight="bold")]
    lx = x0
    for level in ("5", "4", "3", "2", "1"):
        body.append(f'<rect x="{lx}" y="27" width="12" height="10" fill="{LEVEL_COLOURS[level]}"/>')
        body.append(_text(lx + 16, 36, t(f"survey.level.{level}"), size=11))
        lx += 95
    for i, r in enumerate(rows):
        y = top + i * step
        body.append(_text(x0 - 8, y + 13, r["label"], anchor="end"))
        total = sum(r["distribution"].values())
        x = float(x0)
        for level in ("5", "4", "3", "2", "1"):
            count = r["distribution"].get(level, 0)
            if not total or not count:
                continue
            w = BAR_W * count / total
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="18" fill="{LEVEL_COLOURS[level]}">'
                        f'<title>{e(t(f"survey.level.{level}"))}: {count}</title></rect>')
            if w > 26:
                body.append(_text(x + w / 2, y + 13, f"{count / total * 100:.0f}", size=10, anchor="middle",
                                  fill="#ffffff" if level in ("5", "1") else INK))
            x += w
        body.append(_text(x0 + BAR_W + 8, y + 13, f"n={total}", size=11))
    return _svg(body, height), height


def before_after_chart(rows: list[dict], *, title: str) -> tuple[str, int]:
    """Pairs of bars: the dimension's 满意率 in the survey before the action plan (grey) and now."""
    top, step = 46, 44
    height = top + step * len(rows) + 30
    x0 = LABEL_W
    body = [_text(0, 18, title, size=15, weight="bold"),
            f'<rect x="{x0}" y="26" width="12" height="8" fill="{GREY}"/>', _text(x0 + 16, 34, t("survey.before"), size=11),
            f'<rect x="{x0 + 110}" y="26" width="12" height="8" fill="{GOOD}"/>',
            _text(x0 + 126, 34, t("survey.after"), size=11)]
    body += _axis(x0, top, top + step * len(rows), None)
    for i, r in enumerate(rows):
        y = top + i * step + 4
        body.append(_text(x0 - 8, y + 20, r["label"], anchor="end"))
        for j, key in enumerate(("before", "after")):
            stat = r.get(key) or {}
            if stat.get("rate") is None:
                continue
            fill = GREY if key == "before" else GOOD if not r.get("change") or r["change"]["rate_pp"] >= 0 else WARN
            body.append(f'<rect x="{x0}" y="{y + j * 17}" width="{BAR_W * stat["rate"]:.1f}" height="14" fill="{fill}"/>')
            body.append(_text(x0 + BAR_W * stat["rate"] + 4, y + j * 17 + 11, pct(stat["rate"]), size=11))
        ch = r.get("change")
        if ch:
            body.append(_text(x0 + BAR_W + 60, y + 20, f"{ch['rate_pp']:+.1f} pp", size=12,
                              fill=GOOD if ch["rate_pp"] >= 0 else BAD, weight="bold"))
    return _svg(body, height), height


def headline(report: dict) -> tuple[str, int]:
    """Title and the key figures, for the top of the poster."""
    sv, resp, ov = report["survey"], report["response"], report["overall"]
    body = [_text(0, 26, t("survey.report_title", survey=sv["name"]), size=22, weight="bold"),
            _text(0, 50, t("survey.report_sub", period=sv["period"], method=t(f"enum.survey_method.{sv['method']}")),
                  size=13, fill="#546e7a")]
    boxes = [(t("survey.kpi_rate"), pct(ov.get("rate")), f"95% CI {pct(ov.get('low'))}–{pct(ov.get('high'))}"),
             (t("survey.kpi_index"), "-" if ov.get("index") is None else f"{ov['index']:.1f}",
              t("survey.kpi_composite", value="-" if report["composite_index"] is None
                else f"{report['composite_index']:.1f}")),
             (t("survey.kpi_response"), pct(resp["rate"]) if resp["sampled"] else str(resp["responses"]),
              t("survey.kpi_response_sub", responded=resp["responded"], sampled=resp["sampled"],
                target=pct(resp["target"], 0)) if resp["sampled"] else t("survey.kpi_answers"))]
    for i, (name, value, sub) in enumerate(boxes):
        x = i * 250
        body.append(f'<rect x="{x}" y="66" width="236" height="78" rx="6" fill="#eceff1"/>')
        body += [_text(x + 12, 86, name, size=12, fill="#546e7a"), _text(x + 12, 118, value, size=26, weight="bold"),
                 _text(x + 12, 136, sub, size=11, fill="#546e7a")]
    return _svg(body, 156), 156


def _cells(text: str) -> int:
    return sum(2 if ord(ch) > 0x2e80 else 1 for ch in text)


def wrap(line: str, width: int = 140) -> list[str]:
    """Cut a line into pieces of at most ``width`` cells (a Chinese character takes two),
    after a space or Chinese punctuation where there is one in the second half."""
    out, cur, used = [], "", 0
    for ch in line:
        w = _cells(ch)
        if used + w > width:
            cut = max(cur.rfind(p) for p in " ，；、。")
            head, cur = (cur[:cut + 1], cur[cut + 1:]) if cut > len(cur) // 2 else (cur, "")
            out.append(head.rstrip())
            used = _cells(cur)
        cur += ch
        used += w
    return out + [cur]


def text_block(lines: list[str], *, title: str) -> tuple[str, int]:
    lines = [piece for line in lines for piece in wrap(line)]
    body = [_text(0, 18, title, size=15, weight="bold")]
    for i, line in enumerate(lines):
        body.append(_text(0, 42 + i * 20, line, size=12))
    height = 42 + 20 * len(lines)
    return _svg(body, height), height


def charts(report: dict) -> list[tuple[str, int]]:
    """Every chart of a report, in order; the HTML page and the poster both use this list."""
    target = report["target"]
    bench = report.get("benchmark")
    dims = [d for d in report["dimensions"]]
    out = [rate_chart(dims, target, title=t("survey.chart_rates"), bench_name=bench["benchmark"] if bench else None),
           distribution_chart(dims, title=t("survey.chart_distribution"))]
    if report["buildings"]:
        rows = [{"label": t("survey.building_label", building=b["building"] or "-")} | b["overall"]
                for b in report["buildings"]]
        out.append(rate_chart(rows, target, title=t("survey.chart_buildings")))
    if report["follow_up"]:
        out.append(before_after_chart(report["follow_up"], title=t("survey.chart_follow_up")))
    return out


def poster(report: dict) -> str:
    """One self-contained SVG with the same content as the HTML report, for the notice board."""
    parts = [headline(report)] + charts(report)
    acts = [a | {"label": f["label"]} for f in report["follow_up"] for a in f["actions"]]
    acts += [a | {"label": next((d["label"] for d in report["dimensions"] if d["code"] == a["dimension"]), "")}
             for a in report["actions"]]
    if acts:
        parts.append(text_block([f"{a['ref']} {a['label']}: {a['plan']} ({a['owner']}, {a['due']}, "
                                 f"{t('enum.survey_action_status.' + a['status'])})"
                                 + (f" → {a['result']}" if a["result"] else "") for a in acts],
                                title=t("survey.actions_title")))
    parts.append(text_block(notes(report), title=t("survey.notes_title")))
    width = WIDTH + 440
    y = 20
    body = [f'<rect width="{width}" height="100%" fill="#ffffff"/>']
    for svg, height in parts:
        body.append(f'<g transform="translate(20,{y})">{svg}</g>')
        y += height + 24
    return _svg(body, y, width)


def notes(report: dict) -> list[str]:
    """The findings in words: lowest dimensions, under target, change, benchmark, method."""
    by_code = {d["code"]: d for d in report["dimensions"]}
    lines = []
    if report["lowest"]:
        lines.append(t("survey.note_lowest", dims=t("survey.list_sep").join(
            f"{by_code[c]['label']} {pct(by_code[c]['rate'])}" for c in report["lowest"])))
    if report["under_target"]:
        lines.append(t("survey.note_under", target=pct(report["target"], 0),
                       dims=t("survey.list_sep").join(by_code[c]["label"] for c in report["under_target"])))
    if report.get("compare") and report["overall"].get("change"):
        ch = report["overall"]["change"]
        lines.append(t("survey.note_change", previous=report["compare"]["name"], pp=f"{ch['rate_pp']:+.1f}",
                       sig=t("survey.significant") if ch["significant"] else t("survey.not_significant")))
    if report.get("benchmark") and report["overall"].get("benchmark"):
        lines.append(t("survey.note_benchmark", estate=report["benchmark"]["benchmark"],
                       rate=pct(report["overall"]["benchmark"]["rate"])))
    resp = report["response"]
    if resp["outside_sample"] and resp["in_sample_only"]:
        lines.append(t("survey.note_outside", count=resp["outside_sample"]))
    lines.append(t("survey.note_method"))
    return lines
