"""Surveys as data: the default questionnaire, the answer scale, periods, methods.

Pure rules; the questionnaire of each survey is a copy of ``DEFAULT_DIMENSIONS``
kept with the survey, so it can be edited for one survey without touching
the others.
"""
from __future__ import annotations

import re
from datetime import date

from pmcs.errors import FieldError

# code, english, chinese — DESIGN §1.3
DEFAULT_DIMENSIONS = (
    ("service", "customer service", "客户服务"),
    ("repairs", "repairs", "工程维修"),
    ("cleaning", "cleaning", "环境卫生"),
    ("landscaping", "landscaping", "绿化养护"),
    ("security", "security", "秩序维护"),
    ("parking", "parking", "停车管理"),
    ("fees", "fee transparency", "收费透明"),
    ("community", "community activities", "社区文化"),
    ("overall", "overall", "总体"),
)
OVERALL = "overall"
METHODS = ("door", "phone", "online", "paper")
LEVEL_LABELS = {5: ("very satisfied", "非常满意"), 4: ("satisfied", "满意"), 3: ("neutral", "一般"),
                2: ("dissatisfied", "不满意"), 1: ("very dissatisfied", "非常不满意")}
DONT_KNOW = ("x", "?", "dk", "n/a", "na", "don't know", "dont know", "不知道", "不清楚", "不了解", "无法评价")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
_PERIOD = re.compile(r"^([0-9]{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$")


def default_questionnaire(codes: list[str] | None = None) -> list[dict]:
    """The default dimensions (or the named subset of them, in the order given)."""
    known = {c: {"code": c, "en": en, "zh": zh, "weight": 1.0} for c, en, zh in DEFAULT_DIMENSIONS}
    if not codes:
        return [dict(d) for d in known.values()]
    out = []
    for code in codes:
        found = find_dimension(list(known.values()), code)
        if found is None:
            raise FieldError("dimensions", "error.survey_bad_dimension", value=code,
                             choices=", ".join(f"{c} ({zh})" for c, _, zh in DEFAULT_DIMENSIONS))
        if found not in out:
            out.append(dict(found))
    return out


def find_dimension(dimensions: list[dict], text: str) -> dict | None:
    """By code, English or Chinese label (case-insensitive)."""
    raw = (text or "").strip()
    low = raw.lower()
    for d in dimensions:
        if low in (d["code"], d["en"].lower()) or raw == d["zh"]:
            return d
    return None


def clean_code(text: str) -> str:
    code = (text or "").strip().lower().replace("-", "_")
    if not _CODE.match(code):
        raise FieldError("dimension", "error.survey_dimension_code", value=text)
    return code


def parse_score(text, field: str = "score") -> int | None:
    """1–5, a scale label (满意, satisfied …) or x / 不知道 (don't know → None)."""
    raw = str(text).strip()
    low = raw.lower()
    if low in DONT_KNOW:
        return None
    if raw in ("1", "2", "3", "4", "5"):
        return int(raw)
    for level, (en, zh) in LEVEL_LABELS.items():
        if low == en or raw == zh:
            return level
    raise FieldError(field, "error.survey_bad_score", value=raw)


def parse_period(text: str) -> str:
    """``2026-H2``, ``2026-Q3``, ``2026-07``, ``2026``; also ``2026下半年`` / ``2026上半年``."""
    raw = (text or "").strip().upper().replace("年", "")
    raw = raw.replace("上半", "-H1").replace("下半", "-H2").replace("--", "-")
    raw = re.sub(r"^([0-9]{4})(H[12]|Q[1-4])$", r"\1-\2", raw)
    if not _PERIOD.match(raw):
        raise FieldError("period", "error.survey_bad_period", value=text)
    return raw


def period_start(period: str) -> date:
    """The first day of a period, to put surveys in order."""
    m = _PERIOD.match(period or "")
    if not m:
        return date.min
    year, part = int(m.group(1)), m.group(2)
    if not part:
        return date(year, 1, 1)
    if part[0] == "H":
        return date(year, 1 if part == "H1" else 7, 1)
    if part[0] == "Q":
        return date(year, 3 * (int(part[1]) - 1) + 1, 1)
    return date(year, int(part), 1)


def parse_days(text: str, field: str = "exclude_surveyed_within") -> int:
    """``180d`` / ``180`` / ``180天`` → 180."""
    m = re.fullmatch(r"([0-9]{1,4})\s*(d|days?|天|日)?", (text or "").strip().lower())
    if not m or int(m.group(1)) <= 0:
        raise FieldError(field, "error.survey_bad_days", value=text)
    return int(m.group(1))


def parse_assignments(scores: list[str], dimensions: list[dict]) -> dict[str, int | None]:
    """``["repairs=4", "停车管理=x"]`` → {"repairs": 4, "parking": None}."""
    out: dict[str, int | None] = {}
    for item in scores:
        name, sep, value = str(item).partition("=")
        if not sep:
            raise FieldError("score", "error.survey_score_form", value=item)
        dim = find_dimension(dimensions, name)
        if dim is None:
            raise FieldError("score", "error.survey_unknown_dimension", value=name.strip(),
                             choices=", ".join(f"{d['code']} ({d['zh']})" for d in dimensions))
        if dim["code"] in out:  # overall=4 and 总体=5: which did the household say?
            raise FieldError("score", "error.survey_score_twice", dimension=dim["code"])
        out[dim["code"]] = parse_score(value, dim["code"])
    return out
