"""Action plans (PDCA) tied to a survey and a dimension, and the survey due items:
open actions by their due date (provider ``survey_action``) and surveys by their
closing date (provider ``survey``)."""
from __future__ import annotations

import re
from datetime import date, datetime

from pmcs.clock import local_zone
from pmcs.core.durations import WORKDAY_END
from pmcs.core.fields import Field, clean_value, parse_date
from pmcs.core.reminders import DueItem
from pmcs.core.surveys import find_dimension
from pmcs.errors import FieldError, NotAllowed, NotFound
from pmcs.services.reminders import provider
from pmcs.services.session import to_iso
from pmcs.services.surveys import get_survey, staff_code
from pmcs.store import surveys as q

PLAN = Field("action_plan", required=True, multiline=True)
RESULT = Field("action_result", required=True, multiline=True)
_REF = re.compile(r"(?:SA-?)?0*([0-9]{1,9})")


def action_ref(aid: int) -> str:
    return f"SA{aid:04d}"


def get_action(s, ref: str) -> dict:
    m = _REF.fullmatch((ref or "").strip().upper())
    action = q.action_by_id(s.db, int(m.group(1))) if m else None
    if action is None:
        raise NotFound("error.survey_action_not_found", hint="hint.survey_action_list", ref=ref)
    return action | {"ref": action_ref(action["id"])}


def dimension_of(survey: dict, text: str) -> dict:
    found = find_dimension(survey["dimensions"], text)
    if found is None:
        raise FieldError("dimension", "error.survey_unknown_dimension", value=text,
                         choices=", ".join(f"{d['code']} ({d['zh']})" for d in survey["dimensions"]))
    return found


def add_action(s, survey_ref: str, *, dimension: str, plan: str, owner: str, due: str) -> dict:
    text = clean_value(PLAN, plan)
    if not text:
        raise FieldError("action_plan", "error.required")
    due_day = parse_date(due, "action_due").isoformat()
    with s.write():
        survey = get_survey(s, survey_ref)
        dim = dimension_of(survey, dimension)
        now = s.now_iso()
        row = {"survey_id": survey["id"], "dimension": dim["code"], "plan": text, "owner": staff_code(s, owner),
               "due": due_day, "status": "open", "created_at": now, "updated_at": now}
        row["id"] = q.insert_action(s.db, row)
        ref = action_ref(row["id"])
        s.record("survey_action", ref, "create", None,
                 {"survey": survey["name"], "dimension": dim["code"], "plan": text, "owner": row["owner"], "due": due_day})
    return get_action(s, ref)


def done_action(s, ref: str, result: str) -> dict:
    text = clean_value(RESULT, result)
    if not text:
        raise FieldError("action_result", "error.required")
    with s.write():
        action = get_action(s, ref)
        if action["status"] == "done":
            raise NotAllowed("error.survey_action_done", ref=action["ref"])
        now = s.now_iso()
        q.update_action(s.db, action["id"], {"status": "done", "result": text, "done_at": now, "updated_at": now})
        s.record("survey_action", action["ref"], "done", {"status": "open"}, {"status": "done", "result": text})
    return get_action(s, ref)


def list_actions(s, *, survey=None, state="open", owner=None) -> list[dict]:
    from pmcs.errors import UsageError

    if state not in ("open", "done", "all"):
        raise UsageError("error.bad_choice", field="--state", value=state, choices="open, done, all")
    from pmcs.services.staff import staff_filter

    sid = get_survey(s, survey)["id"] if survey else None
    rows = q.list_actions(s.db, survey_id=sid, status=None if state == "all" else state,
                          owner=staff_filter(s, owner) if owner else None)
    labels: dict = {}
    for r in rows:
        r["ref"] = action_ref(r["id"])
        if r["survey_id"] not in labels:
            labels[r["survey_id"]] = {d["code"]: d for d in get_survey(s, r["survey"])["dimensions"]}
        r["dimension_label"] = _label(labels[r["survey_id"]].get(r["dimension"]), r["dimension"])
        r["overdue"] = r["status"] == "open" and due_moment(r["due"]) < s.now_iso()
    return rows


def _label(dim: dict | None, code: str) -> str:
    from pmcs.i18n import get_lang

    if not dim:
        return code
    return dim["zh"] if get_lang() == "zh" else dim["en"]


def due_moment(day: str) -> str:
    """A due date means the end of that working day (18:00 local), stored as UTC."""
    return to_iso(datetime.combine(date.fromisoformat(day), WORKDAY_END, local_zone()))


def _until_day(until_iso: str) -> str:
    return datetime.fromisoformat(until_iso.replace("Z", "+00:00")).astimezone(local_zone()).date().isoformat()


@provider("survey_action")
def due_actions(s, until_iso: str):
    from pmcs.i18n import t

    dims: dict = {}
    for a in q.open_actions_due(s.db, _until_day(until_iso)):
        due = due_moment(a["due"])
        if due > until_iso:
            continue
        if a["survey_id"] not in dims:
            survey = q.survey_by_id(s.db, a["survey_id"])
            dims[a["survey_id"]] = {d["code"]: d for d in survey["dimensions"]}
        label = _label(dims[a["survey_id"]].get(a["dimension"]), a["dimension"])
        plan = a["plan"] if len(a["plan"]) <= 40 else a["plan"][:39] + "…"
        yield DueItem(kind="survey_action", ref=action_ref(a["id"]),
                      what=t("survey.action_due", survey=a["survey"], dimension=label, plan=plan),
                      unit=None, owner=a["owner"], due_at=due)


@provider("survey")
def due_surveys(s, until_iso: str):
    from pmcs.i18n import t

    for sv in q.open_with_closing(s.db, _until_day(until_iso)):
        due = due_moment(sv["closes"])
        if due > until_iso:
            continue
        sampled = q.sample_size(s.db, sv["id"])
        reached = q.response_counts(s.db, sv["id"])["in_sample"]
        what = (t("survey.closes_due", survey=sv["name"], left=sampled - reached, sampled=sampled) if sampled
                else t("survey.closes_due_plain", survey=sv["name"]))
        yield DueItem(kind="survey", ref=sv["name"], what=what, unit=None, owner=sv["owner"], due_at=due)
