"""Survey responses: one at a time (``survey respond``) or from paper forms typed
into Excel (``survey import``, all or nothing with line errors)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from pmcs.clock import local_zone
from pmcs.core.fields import Field, clean_value, parse_bool, parse_date
from pmcs.core.registry import clean_unit_code
from pmcs.core.surveys import parse_assignments, parse_score
from pmcs.errors import FieldError, NotAllowed, UserError
from pmcs.services.session import to_iso
from pmcs.services.surveys import get_survey, staff_code
from pmcs.store import surveys as q

COMMENT = Field("comment", multiline=True, aliases=("意见", "建议", "意见建议", "意见和建议", "备注", "comments", "remarks"))
RESPONDENT = Field("respondent", max_len=60, aliases=("受访人", "受访者", "姓名", "name"))
BASE_FIELDS = (
    Field("unit", aliases=("房号", "房屋编号", "单元号", "code")),
    RESPONDENT,
    Field("surveyor", aliases=("调查员", "访问员", "调查人")),
    Field("date", aliases=("日期", "调查日期", "responded_at")),
    COMMENT,
    Field("gift", aliases=("纪念品", "礼品", "gift_given", "已送纪念品")),
)


def _moment(s, day_text: str | None, field: str = "date", now: str | None = None) -> str:
    """A response date: the day at noon local time (now when not given), or the exact time
    `survey responses --format csv` wrote (2026-11-04T10:15:00Z), so its export imports back
    unchanged; never in the future."""
    if not day_text:
        return now or s.now_iso()
    if "T" in day_text:
        moment = _exact(day_text, field)
        if moment > s.now():
            raise FieldError(field, "error.survey_future_date", value=day_text)
        return to_iso(moment)
    day = parse_date(day_text, field)
    if day > s.today():
        raise FieldError(field, "error.survey_future_date", value=day_text)
    return to_iso(datetime.combine(day, time(12, 0), local_zone()))


def _exact(text: str, field: str) -> datetime:
    from pmcs.core.fields import check_year

    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(field, "error.bad_date", value=text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return check_year(moment, field, text)


def _check_open(survey: dict) -> None:
    if survey["status"] != "open":
        raise NotAllowed("error.survey_closed", hint="hint.survey_reopen", survey=survey["name"])


def respond(s, ref: str, unit: str | None = None, *, scores: list[str] | dict, comment=None, gift_given=False,
            surveyor=None, respondent=None, date=None, replace=False) -> dict:
    from pmcs.services.units import get_unit

    with s.write():
        survey = get_survey(s, ref)
        _check_open(survey)
        answers = scores if isinstance(scores, dict) else parse_assignments(scores, survey["dimensions"])
        if not answers:
            raise UserError("error.survey_no_scores", hint="hint.survey_scores")
        row = {"survey_id": survey["id"], "unit_id": None, "respondent": clean_value(RESPONDENT, respondent),
               "comment": clean_value(COMMENT, comment), "gift_given": 1 if gift_given else 0,
               "responded_at": _moment(s, date), "source": "entry", "created_at": s.now_iso(),
               "created_by": s.actor, "in_sample": 0}
        unit_row = None
        if survey["benchmark"]:
            if unit:
                raise UserError("error.survey_benchmark_unit", hint="hint.survey_respondent", survey=survey["name"])
        else:
            if not unit:
                raise UserError("error.survey_needs_unit", survey=survey["name"])
            unit_row = get_unit(s, unit)
            row["unit_id"] = unit_row["id"]
            old = q.response_for_unit(s.db, survey["id"], unit_row["id"])
            if old and not replace:
                raise UserError("error.survey_answered", hint="hint.survey_replace_response",
                                survey=survey["name"], unit=unit_row["code"])
            if old:
                q.delete_response(s.db, old["id"])
            entry = q.sample_entry(s.db, survey["id"], unit_row["id"])
            row["in_sample"] = 1 if entry else 0
            row["surveyor"] = entry["surveyor"] if entry else None
        if surveyor:
            row["surveyor"] = staff_code(s, surveyor)
        row["surveyor"] = row.get("surveyor") or s.actor_code()
        row["id"] = q.insert_response(s.db, row, answers)
        s.record("survey", survey["name"], "response", None,
                 {"unit": unit_row["code"] if unit_row else None, "respondent": row["respondent"],
                  "in_sample": bool(row["in_sample"]), "scores": answers, "gift_given": bool(gift_given),
                  "replaced": bool(unit_row and replace and old)})
    return row | {"unit": unit_row["code"] if unit_row else None, "scores": answers, "survey": survey["name"],
                  "outside_sample": bool(unit_row and survey["sample"] and not row["in_sample"])}


@dataclass
class ImportResult:
    file: str
    rows: int = 0
    inserted: int = 0
    replaced: int = 0
    outside: int = 0
    dry_run: bool = False


def import_responses(s, ref: str, path: str, *, encoding=None, dry_run=False, replace=False,
                     progress=None) -> ImportResult:
    from pmcs import csvio
    from pmcs.services.common import open_csv
    from pmcs.services.imports import all_or_nothing

    survey = get_survey(s, ref)
    dims = survey["dimensions"]
    dim_fields = tuple(Field(d["code"], aliases=(d["en"], d["zh"])) for d in dims)
    src = open_csv(s, path, BASE_FIELDS + dim_fields, required=() if survey["benchmark"] else ("unit",),
                   skip=("in_sample",),  # in the export, but a property of this survey's sample
                   encoding=encoding)
    present = [d for d in dims if d["code"] in src.columns]
    if not present:
        raise UserError("error.missing_columns", hint="hint.columns", file=src.name,
                        columns=", ".join(d["code"] for d in dims),
                        accepted="; ".join(f"{d['code']}/{d['en']}/{d['zh']}" for d in dims))
    result = ImportResult(src.name, dry_run=dry_run)
    errors = csvio.LineErrors()
    with all_or_nothing(s, src.name, errors, dry_run):
        survey = get_survey(s, ref)
        _check_open(survey)
        ctx = _ImportContext(s, survey, replace)
        for line, raw in src:
            result.rows += 1
            row, answers, problems = ctx.check(line, raw, present)
            for column, why in problems:
                errors.add(line, column, why)
            if problems:
                continue
            if row["unit_id"] in ctx.answered:
                q.delete_response(s.db, ctx.answered[row["unit_id"]])
                result.replaced += 1
            q.insert_response(s.db, row, answers)
            result.inserted += 1
            result.outside += 0 if row["in_sample"] or not ctx.sample else 1
            s.record("survey", survey["name"], "response", None,
                     {"unit": ctx.unit_code(row["unit_id"]), "respondent": row["respondent"],
                      "in_sample": bool(row["in_sample"]), "scores": answers, "line": line, "source": "import"})
            if progress and result.rows % 500 == 0:
                progress(result.rows)
    return result


class _ImportContext:
    """What one import needs to check rows fast: units, sample, answers so far, staff."""

    def __init__(self, s, survey: dict, replace: bool):
        from pmcs.store.registry import list_staff, unit_ids

        self.s, self.survey, self.replace, self.now = s, survey, replace, s.now_iso()
        self.units = unit_ids(s.db)
        self.codes = {v: k for k, v in self.units.items()}
        self.sample = q.sample_surveyors(s.db, survey["id"])
        self.answered = q.answered_units(s.db, survey["id"])
        staff = list_staff(s.db, include_inactive=False)
        names: dict[str, list[str]] = {}
        for st in staff:
            names.setdefault(st["name"], []).append(st["code"])
        self.staff = {st["code"].upper(): st["code"] for st in staff}
        self.staff |= {n: codes[0] for n, codes in names.items() if len(codes) == 1}
        self.seen: dict[int, int] = {}

    def unit_code(self, unit_id):
        return self.codes.get(unit_id)

    def check(self, line: int, raw: dict, present: list[dict]):
        from pmcs.i18n import get_lang

        problems: list[tuple[str, str]] = []
        answers: dict = {}
        for d in present:
            text = raw.get(d["code"], "")
            if text == "":
                continue
            try:
                answers[d["code"]] = parse_score(text, d["code"])
            except FieldError:
                problems.append((d["zh"] if get_lang() == "zh" else d["en"],
                                 _t("error.survey_bad_score_cell", value=text)))
        if not answers and not problems:
            problems.append(("-", _t("error.survey_no_scores")))
        row = {"survey_id": self.survey["id"], "unit_id": None, "in_sample": 0, "source": "import",
               "created_at": self.now, "created_by": self.s.actor, "surveyor": None}
        self._unit(line, raw, row, problems)
        checks = (("respondent", "respondent", lambda v: clean_value(RESPONDENT, v)),
                  ("comment", "comment", lambda v: clean_value(COMMENT, v)),
                  ("gift_given", "gift", lambda v: 1 if v and parse_bool(v, "gift") else 0),
                  ("responded_at", "date", lambda v: _moment(self.s, v or None, now=self.now)))
        for name, column, fn in checks:
            try:
                row[name] = fn(raw.get(column, ""))
            except FieldError as e:
                problems.append((column, e.message()))
        if raw.get("surveyor"):
            code = self.staff.get(raw["surveyor"].upper()) or self.staff.get(raw["surveyor"])
            if code is None:
                problems.append(("surveyor", _t("error.staff_not_found", ref=raw["surveyor"])))
            row["surveyor"] = code
        if self.survey["benchmark"] and raw.get("unit") and not row["respondent"]:
            row["respondent"] = raw["unit"][:60]
        return row, answers, problems

    def _unit(self, line, raw, row, problems) -> None:
        if self.survey["benchmark"]:
            return
        text = raw.get("unit", "")
        if not text:
            problems.append(("unit", _t("error.required", field=_t("field.unit"))))
            return
        try:
            code = clean_unit_code(text, "unit")
        except FieldError as e:
            problems.append(("unit", e.message()))
            return
        unit_id = self.units.get(code)
        if unit_id is None:
            problems.append(("unit", _t("error.unknown_unit", value=code)))
            return
        if unit_id in self.seen:
            problems.append(("unit", _t("error.duplicate_in_file", what=_t("what.unit"), ref=code,
                                        first=self.seen[unit_id])))
            return
        self.seen[unit_id] = line
        if unit_id in self.answered and not self.replace:
            problems.append(("unit", _t("error.survey_answered", survey=self.survey["name"], unit=code)))
            return
        row["unit_id"] = unit_id
        row["in_sample"] = 1 if unit_id in self.sample else 0
        row["surveyor"] = self.sample.get(unit_id)


def list_responses(s, ref: str) -> tuple[dict, list[dict]]:
    survey = get_survey(s, ref)
    return survey, q.responses(s.db, survey["id"])


def _t(key, **kw):
    from pmcs.i18n import t

    return t(key, **kw)
