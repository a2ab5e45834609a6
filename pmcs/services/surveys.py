"""Satisfaction surveys: create, questionnaire, sample, status, close.

Rules come from core/surveys.py (questionnaire, periods), core/sampling.py
(size, allocation, draw) and core/survey_stats.py; SQL from store/surveys.py.
Responses are in services/survey_responses.py, results in survey_report.py,
action plans in survey_actions.py.
"""
from __future__ import annotations

from datetime import timedelta

from pmcs.core.fields import Field, clean_value, parse_date
from pmcs.core.surveys import clean_code, default_questionnaire, find_dimension, parse_days, parse_period
from pmcs.errors import FieldError, NotAllowed, NotFound, UserError
from pmcs.store import surveys as q

_NAME = Field("name", required=True, max_len=80)
_TEXT = Field("text", max_len=200)


def get_survey(s, ref: str) -> dict:
    survey = q.survey_by_name(s.db, (ref or "").strip())
    if survey is None:
        raise NotFound("error.survey_not_found", hint="hint.survey_list", ref=ref)
    return survey


def staff_code(s, ref: str) -> str:
    from pmcs.services.staff import get_staff

    return get_staff(s, ref, active_only=True)["code"]


def fraction(value, field: str, *, allow_one: bool = False) -> float:
    try:
        if allow_one and str(value).strip().rstrip("%").strip() in ("1", "1.0", "100"):
            return 1.0
        from pmcs.core.survey_stats import parse_fraction  # here: reminders import this module

        return parse_fraction(value, field)
    except ValueError:
        raise FieldError(field, "error.survey_bad_fraction", value=value) from None


def new_survey(s, name: str, *, period: str, method: str, closes=None, gift=None, benchmark=None, owner=None,
               dimensions: str | None = None, target=None, response_target=None) -> dict:
    from pmcs.i18n import parse_choice

    row = {"name": clean_value(_NAME, name), "period": parse_period(period),
           "method": parse_choice("survey_method", method, "survey_method"),
           "closes": parse_date(closes, "closes").isoformat() if closes else None,
           "gift": clean_value(_TEXT, gift), "benchmark": clean_value(_TEXT, benchmark),
           "target_rate": fraction(target, "target_rate") if target is not None else 0.9,
           "target_response": fraction(response_target, "response_target", allow_one=True)
           if response_target is not None else 0.8}
    if not row["name"]:
        raise FieldError("name", "error.required")
    codes = [c.strip() for c in (dimensions or "").split(",") if c.strip()]
    row["dimensions"] = default_questionnaire(codes)
    with s.write():
        if q.survey_by_name(s.db, row["name"]):
            raise UserError("error.exists", what=_t("what.survey"), ref=row["name"])
        row["owner"] = staff_code(s, owner) if owner else s.actor_code()
        now = s.now_iso()
        row |= {"status": "open", "created_at": now, "updated_at": now}
        row["id"] = q.insert_survey(s.db, row)
        s.record("survey", row["name"], "create", None, {k: v for k, v in row.items() if k not in ("id", "updated_at")})
    return get_survey(s, row["name"])


def list_surveys(s) -> list[dict]:
    return q.list_surveys(s.db)


def show_survey(s, ref: str) -> dict:
    from pmcs.store.surveys import list_actions

    survey = get_survey(s, ref)
    survey |= q.response_counts(s.db, survey["id"])
    survey["sampled"] = q.sample_size(s.db, survey["id"])
    survey["actions"] = list_actions(s.db, survey_id=survey["id"])
    for d in survey["dimensions"]:
        d["answers"] = q.count_answers(s.db, survey["id"], d["code"])
    return survey


def set_dimension(s, ref: str, code: str, *, zh=None, en=None, weight=None) -> dict:
    """Add a dimension to one survey's questionnaire, or change its labels or weight."""
    clean = clean_code(code)
    label_zh = clean_value(Field("zh", max_len=40), zh)
    label_en = clean_value(Field("en", max_len=60), en)
    if weight is not None and not (0 <= float(weight) <= 100):
        raise FieldError("dimension_weight", "error.survey_bad_weight", value=weight)
    with s.write():
        survey = get_survey(s, ref)
        dims = survey["dimensions"]
        found = next((d for d in dims if d["code"] == clean), None)
        before = dict(found) if found else None
        if found is None:
            if not label_zh and not label_en:
                raise UserError("error.survey_dimension_label", code=clean)
            found = {"code": clean, "en": label_en or label_zh, "zh": label_zh or label_en, "weight": 1.0}
            clash = find_dimension(dims, found["zh"]) or find_dimension(dims, found["en"])
            if clash:
                raise UserError("error.exists", what=_t("what.survey_dimension"), ref=clash["code"])
            dims.append(found)
        found |= {k: v for k, v in (("zh", label_zh), ("en", label_en)) if v}
        if weight is not None:
            found["weight"] = float(weight)
        q.update_survey(s.db, survey["id"], {"dimensions": dims, "updated_at": s.now_iso()})
        s.record("survey", survey["name"], "dimension", before, found)
    return found


def remove_dimension(s, ref: str, code: str) -> None:
    with s.write():
        survey = get_survey(s, ref)
        dims = survey["dimensions"]
        found = find_dimension(dims, code)
        if found is None:
            raise NotFound("error.survey_no_dimension", survey=survey["name"], code=code)
        answers = q.count_answers(s.db, survey["id"], found["code"])
        if answers:
            raise NotAllowed("error.survey_dimension_answered", code=found["code"], count=answers)
        dims.remove(found)
        q.update_survey(s.db, survey["id"], {"dimensions": dims, "updated_at": s.now_iso()})
        s.record("survey", survey["name"], "dimension_remove", found, None)


def _sample_plan(margin, confidence, size, expected_response, stratify, exclude_within) -> dict:
    plan = {"margin": fraction(margin, "margin"), "confidence": fraction(confidence, "confidence"),
            "expected_response": fraction(expected_response, "expected_response", allow_one=True)
            if expected_response is not None else None,
            "stratify": (stratify or "building").strip().lower(),
            "exclude_days": parse_days(exclude_within) if exclude_within else None, "size": size}
    if plan["stratify"] not in ("building", "none"):
        raise FieldError("stratify", "error.bad_choice", value=stratify, choices="building, none")
    if size is not None and size <= 0:
        raise FieldError("sample_size", "error.survey_bad_size", value=size)
    return plan


def draw_sample(s, ref: str, *, margin="0.05", confidence="0.95", size: int | None = None, expected_response=None,
                stratify="building", seed: int | None = None, exclude_within=None, assign=None,
                replace=False, round_up=False) -> dict:
    from pmcs.core import sampling  # here: reminders import this module, sampling needs random and statistics

    if seed is not None and not 0 <= seed < 2 ** 63:  # SQLite keeps 64-bit integers
        raise FieldError("seed", "error.seed_range", value=seed)
    plan = _sample_plan(margin, confidence, size, expected_response, stratify, exclude_within)
    refs = [r.strip() for r in (assign or "").split(",") if r.strip()]
    with s.write():
        survey = get_survey(s, ref)
        _check_can_sample(s, survey, replace)
        surveyors = list(dict.fromkeys(staff_code(s, r) for r in refs))
        everyone = q.population(s.db)
        excluded: set = set()
        if plan["exclude_days"]:
            since = (s.now() - timedelta(days=plan["exclude_days"])).strftime("%Y-%m-%dT%H:%M:%SZ")
            excluded = q.surveyed_since(s.db, since, survey["id"]) & {h[0] for h in everyone}
        households = [h for h in everyone if h[0] not in excluded]
        if not households:
            raise UserError("error.survey_no_population", hint="hint.survey_population")
        # the survey speaks for every household: the size comes from all of them, the
        # draw from those not surveyed recently, still in proportion to whole buildings
        total = len(everyone)
        wanted = min(plan["size"], len(households)) if plan["size"] else min(len(households), sampling.sample_size(
            total, plan["margin"], plan["confidence"], round_up=round_up))
        drawn = sampling.inflate(wanted, plan["expected_response"], len(households))
        stratum = (lambda h: h[2]) if plan["stratify"] == "building" else (lambda h: "")
        strata: dict[str, int] = {}
        room: dict[str, int] = {}
        for h in everyone:
            strata[stratum(h)] = strata.get(stratum(h), 0) + 1
            room[stratum(h)] = room.get(stratum(h), 0) + (h[0] not in excluded)
        allocation = sampling.allocate(strata, drawn, room if excluded else None)
        seed = seed if seed is not None else _new_seed()
        chosen = sampling.draw([(h[1], stratum(h)) for h in households], allocation, seed)
        by_code = {h[1]: h for h in households}
        who = sampling.assign(chosen, surveyors)
        people = q.contacts(s.db, [by_code[c][0] for c in chosen], s.today().isoformat())
        q.replace_sample(s.db, survey["id"], [(by_code[c][0], stratum(by_code[c]), w, people.get(by_code[c][0]))
                                              for c, w in zip(chosen, who)])
        info = {"population": total, "excluded": len(excluded), "size": wanted, "drawn": len(chosen),
                "seed": seed, "margin": plan["margin"], "confidence": plan["confidence"],
                "expected_response": plan["expected_response"], "stratify": plan["stratify"],
                "fixed_size": plan["size"] is not None, "round_up": round_up, "surveyors": surveyors,
                "exclude_days": plan["exclude_days"],
                "achieved_margin": round(sampling.margin_of(wanted, total, plan["confidence"]), 4),
                "eligible": len(households),
                "strata": [{"stratum": h, "population": strata[h], "eligible": room[h], "drawn": allocation[h]}
                           for h in sorted(strata, key=sampling.natural_key)]}
        q.update_survey(s.db, survey["id"], {"seed": seed, "sample": info, "sampled_at": s.now_iso(),
                                             "updated_at": s.now_iso()})
        s.record("survey", survey["name"], "resample" if survey["sample"] else "sample",
                 {"seed": survey["seed"], "drawn": (survey["sample"] or {}).get("drawn")} if survey["sample"] else None,
                 {k: v for k, v in info.items() if k != "strata"})
    return {"survey": survey["name"], **info, "units": sample_list(s, survey)}


def _check_can_sample(s, survey: dict, replace: bool) -> None:
    if survey["benchmark"]:
        raise NotAllowed("error.survey_benchmark_sample", survey=survey["name"])
    if survey["status"] != "open":
        raise NotAllowed("error.survey_closed", hint="hint.survey_reopen", survey=survey["name"])
    if survey["sample"] and not replace:
        raise NotAllowed("error.survey_sampled", hint="hint.survey_replace", survey=survey["name"],
                         drawn=survey["sample"]["drawn"], seed=survey["seed"])
    answered = q.response_counts(s.db, survey["id"])["in_sample"]
    if answered:
        raise NotAllowed("error.survey_sample_answered", survey=survey["name"], count=answered)


def _new_seed() -> int:
    import secrets

    return 100000 + secrets.randbelow(900000)


def sample_list(s, survey: dict, *, unreached_only: bool = False) -> list[dict]:
    return q.sample_rows(s.db, survey["id"], unreached_only=unreached_only)


def current_sample(s, ref: str) -> dict:
    survey = get_survey(s, ref)
    if not survey["sample"]:
        raise NotFound("error.survey_not_sampled", hint="hint.survey_sample", survey=survey["name"])
    return {"survey": survey["name"], **survey["sample"], "units": sample_list(s, survey)}


def status(s, ref: str) -> dict:
    """Response rate overall, per building and per surveyor against the target; who is still to reach."""
    from pmcs.core import sampling  # here: reminders import this module, sampling needs random and statistics

    from pmcs.core.survey_stats import response_rate

    survey = get_survey(s, ref)
    counts = q.response_counts(s.db, survey["id"])
    sampled = q.sample_size(s.db, survey["id"])
    target = survey["target_response"]

    def groups(column):
        rows = sorted(q.progress_by(s.db, survey["id"], column), key=lambda r: sampling.natural_key(r[0]))
        return [{column: g, "sampled": n, "responded": k, "rate": response_rate(k, n),
                 "below_target": response_rate(k, n) < target} for g, n, k in rows]

    rate = response_rate(counts["in_sample"], sampled)
    return {"survey": survey["name"], "period": survey["period"], "status": survey["status"],
            "benchmark": survey["benchmark"], "closes": survey["closes"], "sampled": sampled,
            "responded": counts["in_sample"], "outside_sample": counts["responses"] - counts["in_sample"] if sampled else 0,
            "responses": counts["responses"], "gifts": counts["gifts"], "rate": rate, "target": target,
            "below_target": rate is not None and rate < target,
            "buildings": groups("building"), "surveyors": groups("surveyor"),
            "to_reach": sample_list(s, survey, unreached_only=True)}


def set_status(s, ref: str, status_: str) -> dict:
    with s.write():
        survey = get_survey(s, ref)
        if survey["status"] == status_:
            raise NotAllowed(f"error.survey_already_{status_}", survey=survey["name"])
        now = s.now_iso()
        q.update_survey(s.db, survey["id"], {"status": status_, "updated_at": now,
                                             "closed_at": now if status_ == "closed" else None})
        s.record("survey", survey["name"], "close" if status_ == "closed" else "reopen",
                 {"status": survey["status"]}, {"status": status_})
    return get_survey(s, ref)


def _t(key, **kw):
    from pmcs.i18n import t

    return t(key, **kw)
