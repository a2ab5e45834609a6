"""The monthly and quarterly report (DESIGN §1.6), over one database or several offices.

``report(s, "monthly", "2026-11")`` returns a JSON-ready dict: every figure of
the period with the previous period beside it. Period boundaries are local
midnights (core/report.py); SQL lives in store/reports.py; the raw numbers of
several office databases are summed before the figures are computed, so the
company total's rates and percentiles are exact.
"""
from __future__ import annotations

from pathlib import Path

from pmcs.clock import local_zone
from pmcs.core import report as rules
from pmcs.core.workflow import WORKFLOWS
from pmcs.errors import NotFound, UsageError, UserError
from pmcs.store import reports as q

KINDS = ("monthly", "quarterly")


def steps_with_sla(kind: str) -> list[str]:
    return [st.code for st in WORKFLOWS[kind].steps if st.sla]


def period_of(s, kind: str, text: str | None) -> rules.Period:
    """``--month 2026-11`` / ``--quarter 2026-Q4``; default: the current one (to date)."""
    if kind not in KINDS:
        raise UsageError("error.bad_choice", field="report", value=kind, choices=", ".join(KINDS))
    if not text:
        return (rules.month_of if kind == "monthly" else rules.quarter_of)(s.today())
    try:
        return (rules.parse_month if kind == "monthly" else rules.parse_quarter)(text)
    except ValueError:
        raise UsageError("error.report_bad_period", value=text, form="2026-11" if kind == "monthly" else "2026-Q4") from None


def raw_numbers(db, period: rules.Period, survey: dict | None = None, now: str | None = None) -> dict:
    """Every raw number of one period of one database (counts, sums, duration lists);
    ``now`` (stored form) is where a period still running stops for "overdue" counts."""
    start, end = period.bounds(local_zone())
    steps, verdicts = q.step_counts(db, start, end)
    replies = q.first_step_seconds(db, "complaint", "replied", start, end)
    completions = q.first_step_seconds(db, "repair", "completed", start, end)
    complaints = q.complaint_counts(db, start, end) | {
        "steps": steps.get("complaint", {}), "verdicts": verdicts.get("complaint", {}),
        "reply_seconds": [x for x in replies if x is not None],
        "close_seconds": q.close_seconds(db, "complaint", start, end)}
    repairs = q.repair_counts(db, start, end) | {
        "steps": steps.get("repair", {}), "verdicts": verdicts.get("repair", {}),
        "complete_seconds": [x for x in completions if x is not None],
        "completed_untimed": sum(x is None for x in completions)}
    return {"complaints": complaints, "repairs": repairs, "requests": q.request_counts(db, start, end),
            "move_ins": q.move_ins(db, start, end), "renovations": q.renovation_counts(db, start, end, now),
            "survey": survey, "fees": q.fee_totals(db, period.months())}


def both_periods(db, period: rules.Period, now: str | None = None) -> tuple[dict, dict]:
    """Raw numbers of the period and of the one before. Surveys are compared survey to
    survey: the latest one begun before the period ended, and the one before it.

    The previous period is computed at the same time in a second thread with its own
    read connection (SQLite works outside the GIL; WAL lets readers run side by side), which
    nearly halves the wait on a machine with two cores or more."""
    from concurrent.futures import ThreadPoolExecutor

    latest, earlier = latest_surveys(db, period)
    with ThreadPoolExecutor(max_workers=1) as pool:
        before = pool.submit(_raw_apart, db.path, period.previous(), earlier, now)
        current = raw_numbers(db, period, latest, now)
        return current, before.result()


def _raw_apart(path, period: rules.Period, survey, now=None) -> dict:
    from pmcs.store.db import open_db

    db = open_db(path, migrate=False)
    try:
        return raw_numbers(db, period, survey, now)
    finally:
        db.close()


def latest_surveys(db, period: rules.Period) -> tuple[dict | None, dict | None]:
    """The latest own survey with answers whose period began before this period ended, and its predecessor."""
    from pmcs.core.surveys import period_start

    surveys = q.own_surveys(db) or []
    known = sorted((sv for sv in surveys if period_start(sv["period"]) < period.end),
                   key=lambda sv: (period_start(sv["period"]), sv["id"]))
    out = [{"name": sv["name"], "period": sv["period"], "labels": _dimension_labels(sv["dimensions"])}
           | q.survey_counts(db, sv["id"]) for sv in known[-2:]]
    out = [None] * (2 - len(out)) + out
    return out[1], out[0]


def _dimension_labels(text: str | None) -> dict:
    import json

    try:
        return {d["code"]: {"en": d.get("en") or d["code"], "zh": d.get("zh") or d["code"]} for d in json.loads(text or "[]")}
    except (ValueError, TypeError, KeyError):
        return {}


def report(s, kind: str, text: str | None = None, *, offices: list[str] | None = None) -> dict:
    """The report of one period; with ``offices`` (database paths) each office's figures and the total."""
    period = period_of(s, kind, text)
    prev = period.previous()
    head = {"report": kind, "period": period.label, "previous_period": prev.label,
            "from": period.first.isoformat(), "to": period.last().isoformat(),
            "to_date": s.today() < period.end, "generated_at": s.now_iso()}
    if not offices:
        cur, before = both_periods(s.db, period, s.now_iso())
        return head | {"estate": q.estate_name(s.db) or ""} | figures(s.db, cur, before)
    parts = []
    for path in offices:
        db = open_office(path)
        try:
            name = q.estate_name(db) or Path(path).stem
            cur, before = both_periods(db, period, s.now_iso())
            parts.append((name, path, cur, before, figures(db, cur, before)))
        finally:
            db.close()
    cur = rules.merge_raw([p[2] for p in parts])
    before = rules.merge_raw([p[3] for p in parts])
    total = head | {"estate": " + ".join(p[0] for p in parts)} | figures(None, cur, before, [p[4] for p in parts])
    total["offices"] = [head | {"estate": name, "path": path} | f for name, path, _, _, f in parts]
    return total


def figures(db, cur: dict, before: dict, office_figures=None) -> dict:
    out = rules.build(cur, before, steps_with_sla("complaint"), steps_with_sla("repair"))
    _label(db, out, office_figures)
    return out


def open_office(path: str):
    """Another office's database, read as it is: never created, never migrated."""
    from pmcs.store.db import open_db

    p = Path(path).expanduser()
    if not p.is_file():
        raise NotFound("error.report_office_missing", path=str(p))
    db = open_db(p, migrate=False)
    if not q.has_table(db, "cases"):
        db.close()
        raise UserError("error.report_office_not_pmcs", path=str(p))
    return db


# labels in the user's language ---------------------------------------------------
_ENUMS = {"by_nature": "nature", "by_channel": "channel", "by_severity": "severity", "verdicts": "verdict",
          "by_urgency": "urgency", "by_paid": "paid", "by_type": "request_type"}


def _label(db, out: dict, office_figures=None) -> None:
    from pmcs.i18n import get_lang, label, t

    categories = {}
    if db is not None:
        from pmcs.store.cases import categories as category_rows

        categories = {c["code"]: c["zh"] if get_lang() == "zh" else c["en"] for c in category_rows(db, include_inactive=True)}
    for office in office_figures or ():  # the total borrows the offices' category labels
        for row in office["complaints"]["by_category"]:
            categories.setdefault(row["code"], row["label"])

    survey = out.get("survey") or {}
    for which in ("current", "previous"):
        for d in (survey.get(which) or {}).get("dimensions", []):
            d["label"] = d.pop("labels", {}).get(get_lang()) or d["code"]

    def name(enum, code):
        if code in ("unknown", "unclassified"):
            return t(f"report.{code}")
        return label(enum, code)

    for section in ("complaints", "repairs", "requests"):
        for key, rows in out[section].items():
            if key in _ENUMS:
                for row in rows:
                    row["label"] = name(_ENUMS[key], row["code"])
            elif key == "by_category":
                for row in rows:
                    row["label"] = categories.get(row["code"]) or name("", row["code"])
            elif key == "on_time":
                kind = "complaint" if section == "complaints" else "repair"
                for row in rows:
                    row["label"] = t(f"step.{kind}.{row['code']}")
