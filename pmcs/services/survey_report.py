"""Survey results: one dict that the terminal, JSON, HTML and SVG outputs all draw.

Per dimension and overall: valid answers, 满意率 with its 95 % Wilson interval,
满意度指数 (0–100), the distribution; per building; the lowest dimensions; the
change against ``--compare``; a benchmark survey side by side; and, for the
dimensions the previous survey's action plan worked on, before and after.

When a survey has a sample, its statistics use the sampled households only
(responses from outside the sample are counted and marked, not mixed in; they
would bias a random sample) unless ``all_responses``.
"""
from __future__ import annotations

from pmcs.core import survey_stats as st
from pmcs.core.sampling import natural_key
from pmcs.core.surveys import OVERALL, period_start
from pmcs.errors import UserError
from pmcs.services.surveys import fraction, get_survey
from pmcs.store import surveys as q

LOWEST = 3


def _r(value, digits):
    return None if value is None else round(value, digits)


def _stat_dict(stat: st.DimStat) -> dict:
    out = stat.as_dict()
    for key in ("rate", "low", "high"):
        out[key] = _r(out[key], 3)
    out["mean"] = _r(out["mean"], 2)
    out["index"] = _r(out["index"], 1)
    out["distribution"] = {str(k): v for k, v in stat.distribution.items()}
    return out


def _label(d: dict) -> str:
    from pmcs.i18n import get_lang

    return d["zh"] if get_lang() == "zh" else d["en"]


def results(s, survey: dict, all_responses: bool = False) -> dict:
    """Statistics of one survey (exact DimStat objects under ``_stats``)."""
    counts = q.response_counts(s.db, survey["id"])
    sampled = q.sample_size(s.db, survey["id"])
    in_sample_only = bool(sampled) and not all_responses and not survey["benchmark"]
    by_dim: dict[str, dict] = {}
    cells: dict[str, dict[str, dict]] = {}  # building → dimension → score → answers
    for building, dim, score, n in q.score_counts(s.db, survey["id"], in_sample_only):
        by_dim.setdefault(dim, {})[score] = by_dim.get(dim, {}).get(score, 0) + n
        cells.setdefault(building, {}).setdefault(dim, {})[score] = n
    stats = {d["code"]: st.dimension_stats(by_dim.get(d["code"], {})) for d in survey["dimensions"]}
    overall, basis = _overall(survey["dimensions"], stats)
    composite = st.weighted_index([(stats[d["code"]].index, d.get("weight", 1.0))
                                   for d in survey["dimensions"] if d["code"] != OVERALL])
    used = counts["in_sample"] if in_sample_only else counts["responses"]
    return {"counts": counts, "sampled": sampled, "in_sample_only": in_sample_only, "used": used,
            "_stats": stats, "_overall": overall, "overall_basis": basis, "composite_index": _r(composite, 1),
            "buildings": [] if survey["benchmark"] else _buildings(s, survey, cells)}


def _overall(dimensions: list[dict], stats: dict) -> tuple[st.DimStat, str]:
    if OVERALL in stats:
        return stats[OVERALL], "question"
    return st.pooled(list(stats.values())), "pooled"


def _buildings(s, survey: dict, cells: dict) -> list[dict]:
    cells = {b: c for b, c in cells.items() if b}  # responses without a unit belong to no building
    progress = {b: (n, k) for b, n, k in q.progress_by(s.db, survey["id"], "building")}
    out = []
    for building in sorted(set(cells) | set(progress), key=natural_key):
        stats = {d["code"]: st.dimension_stats(cells.get(building, {}).get(d["code"], {})) for d in survey["dimensions"]}
        overall, _ = _overall(survey["dimensions"], stats)
        sampled, responded = progress.get(building, (0, 0))
        out.append({"building": building, "sampled": sampled, "responded": responded,
                    "response_rate": _r(st.response_rate(responded, sampled), 3),
                    "overall": _stat_dict(overall),
                    "dimensions": {code: _r(x.rate, 3) for code, x in stats.items()}})
    return out


def _previous(s, survey: dict) -> dict | None:
    """The own survey just before this one (by period, then by creation)."""
    ordered = sorted(q.own_surveys(s.db), key=lambda x: (period_start(x["period"]), x["id"]))
    ids = [x["id"] for x in ordered]
    if survey["id"] not in ids:
        return None
    i = ids.index(survey["id"])
    return ordered[i - 1] if i > 0 else None


def report(s, ref: str, *, compare: str | None = None, benchmark: str | None = None, target=None,
           all_responses: bool = False) -> dict:
    survey = get_survey(s, ref)
    goal = fraction(target, "target_rate") if target is not None else survey["target_rate"]
    mine = results(s, survey, all_responses)
    prev = get_survey(s, compare) if compare else None
    if prev is not None and prev["id"] == survey["id"]:
        raise UserError("error.survey_compare_self", survey=survey["name"])
    bench = _benchmark(s, survey, benchmark)
    prev_res = results(s, prev, all_responses) if prev else None
    bench_res = results(s, bench, all_responses) if bench else None
    dims = []
    for d in survey["dimensions"]:
        stat = mine["_stats"][d["code"]]
        row = {"code": d["code"], "label": _label(d), "weight": d.get("weight", 1.0), **_stat_dict(stat),
               "under_target": stat.rate is not None and stat.rate < goal,
               "clearly_under": stat.high is not None and stat.high < goal}
        if prev_res and d["code"] in prev_res["_stats"]:
            row["previous"] = _stat_dict(prev_res["_stats"][d["code"]])
            row["change"] = _change(stat, prev_res["_stats"][d["code"]])
        if bench_res and d["code"] in bench_res["_stats"]:
            row["benchmark"] = _stat_dict(bench_res["_stats"][d["code"]])
        dims.append(row)
    overall = _stat_dict(mine["_overall"]) | {"under_target": mine["_overall"].rate is not None
                                               and mine["_overall"].rate < goal}
    if prev_res:
        overall["previous"] = _stat_dict(prev_res["_overall"])
        overall["change"] = _change(mine["_overall"], prev_res["_overall"])
    if bench_res:
        overall["benchmark"] = _stat_dict(bench_res["_overall"])
    ranked = sorted((d for d in dims if d["code"] != OVERALL and d["n"]), key=lambda d: (d["rate"], d["index"]))
    counts = mine["counts"]
    return {
        "survey": _survey_info(survey), "target": goal,
        "response": {"sampled": mine["sampled"], "responded": counts["in_sample"],
                     "rate": _r(st.response_rate(counts["in_sample"], mine["sampled"]), 3),
                     "target": survey["target_response"], "responses": counts["responses"],
                     "outside_sample": counts["responses"] - counts["in_sample"] if mine["sampled"] else 0,
                     "used": mine["used"], "in_sample_only": mine["in_sample_only"], "gifts": counts["gifts"],
                     "comments": counts["comments"]},
        "overall": overall, "overall_basis": mine["overall_basis"], "composite_index": mine["composite_index"],
        "dimensions": dims, "lowest": [d["code"] for d in ranked[:LOWEST]],
        "under_target": [d["code"] for d in dims if d["under_target"]],
        "buildings": mine["buildings"],
        "compare": _survey_info(prev) | {"composite_index": prev_res["composite_index"]} if prev else None,
        "benchmark": _survey_info(bench) | {"responses": bench_res["used"],
                                            "composite_index": bench_res["composite_index"]} if bench else None,
        "follow_up": _follow_up(s, survey, prev, mine, all_responses),
        "actions": _actions(s, survey),
    }


def _change(now: st.DimStat, before: st.DimStat) -> dict | None:
    c = st.change(now, before)
    if c is None:
        return None
    return {"rate_pp": _r(c["rate_pp"], 1), "index": _r(c["index"], 1), "low_pp": _r(c["low_pp"], 1),
            "high_pp": _r(c["high_pp"], 1), "significant": c["significant"]}


def _survey_info(survey: dict) -> dict:
    return {k: survey[k] for k in ("name", "period", "method", "closes", "gift", "benchmark", "status", "owner")}


def _benchmark(s, survey: dict, ref: str | None) -> dict | None:
    if survey["benchmark"]:
        return None
    if ref:
        bench = get_survey(s, ref)
        if not bench["benchmark"]:
            raise UserError("error.survey_not_benchmark", hint="hint.survey_benchmark", survey=bench["name"])
        return bench
    found = q.benchmarks_for(s.db, survey["period"])
    return found[0] if found else None


def _follow_up(s, survey: dict, compare: dict | None, mine: dict, all_responses: bool) -> list[dict]:
    """Before/after of each dimension the previous survey's action plan worked on (the C of PDCA)."""
    if survey["benchmark"]:
        return []
    prev = compare or _previous(s, survey)
    if prev is None:
        return []
    actions = q.list_actions(s.db, survey_id=prev["id"])
    if not actions:
        return []
    before = results(s, prev, all_responses)["_stats"]
    labels = {d["code"]: _label(d) for d in prev["dimensions"] + survey["dimensions"]}
    out = []
    for code in dict.fromkeys(a["dimension"] for a in actions):
        b, a = before.get(code), mine["_stats"].get(code)
        out.append({"dimension": code, "label": labels.get(code, code), "survey_before": prev["name"],
                    "before": _stat_dict(b) if b else None, "after": _stat_dict(a) if a else None,
                    "change": _change(a, b) if a and b else None,
                    "actions": [{"ref": f"SA{x['id']:04d}", "plan": x["plan"], "owner": x["owner"], "due": x["due"],
                                 "status": x["status"], "result": x["result"]} for x in actions if x["dimension"] == code]})
    return out


def _actions(s, survey: dict) -> list[dict]:
    return [{"ref": f"SA{x['id']:04d}", "dimension": x["dimension"], "plan": x["plan"], "owner": x["owner"],
             "due": x["due"], "status": x["status"], "result": x["result"]}
            for x in q.list_actions(s.db, survey_id=survey["id"])]
