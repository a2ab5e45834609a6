"""Cases on screen: lists with overdue first, and a timeline per case."""
from __future__ import annotations

import json
import sys

from pmcs.i18n import label, t
from pmcs.render.history import ENUM_OF, local_time
from pmcs.render.output import emit_rows, grid, key_values

LIST_COLUMNS = ("number", "step", "unit", "category", "acceptor", "handler", "due", "late")


def overdue_text(due_iso: str | None, now_iso: str) -> str:
    """How late, e.g. '3h20m' or '2d4h'; '' when not overdue."""
    if not due_iso or due_iso >= now_iso:
        return ""
    from datetime import datetime

    minutes = int((datetime.fromisoformat(now_iso.replace("Z", "+00:00")) -
                   datetime.fromisoformat(due_iso.replace("Z", "+00:00"))).total_seconds() // 60)
    return duration_text(minutes)


def duration_units() -> tuple[str, str, str]:
    return t("unit.d"), t("unit.h"), t("unit.m")


def duration_text(minutes: int, units: tuple[str, str, str] | None = None) -> str:
    """3d2h, 5h07m, 12m (天/小时/分 in Chinese); ``units`` from duration_units(), to look them up once."""
    d, h, m = units or duration_units()
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}{d}{hours}{h}"
    if hours:
        return f"{hours}{h}{mins:02d}{m}"
    return f"{mins}{m}"


def short_time(iso: str | None) -> str:
    return local_time(iso)[5:] if iso else ""


def list_cases(rows: list[dict], kind: str, fmt: str, now_iso: str, total: int | None = None,
               upto: int | None = None) -> None:
    """``total``: how many matched, when --limit cut the list ('3 of 23 shown'), counted up to ``upto`` + 1."""
    if fmt != "table":
        data = [{"number": r["number"], "kind": r["kind"], "step": r["step"], "status": r["status"], "unit": r["unit"],
                 "person": r["person_name"], "category": r["category"], "severity": r["severity"],
                 "urgency": r["urgency"], "acceptor": r["acceptor"], "handler": r["handler"],
                 "recorded_at": r["recorded_at"], "due_at": r["due_at"], "closed_at": r["closed_at"],
                 "overdue": bool(r["status"] == "open" and r["due_at"] and r["due_at"] < now_iso),
                 "repeat": r["repeat_of"] is not None, "reopened": r["reopen_count"] > 0} for r in rows]
        emit_rows(data, [(k, k) for k in data[0]] if data else [("number", "number")], fmt)
        return
    body, red = [], []
    for r in rows:
        # on hold, its clock stopped: said where the lateness goes, a column never cut (a marker
        # after the step name was cut away on an 80-column terminal)
        late = (overdue_text(r["due_at"], now_iso) if r["status"] == "open" else
                "" if r["status"] == "closed" else t("status." + r["status"]))
        flags = ("↻" if r["reopen_count"] else "") + ("R" if r["repeat_of"] else "")
        step = t(f"step.{kind}.{r['step']}")
        body.append([r["number"] + (f" {flags}" if flags else ""), step, r["unit"] or "", _about(kind, r),
                     r["acceptor"] or "", r["handler"] or "", short_time(r["due_at"]), late])
        red.append(r["status"] == "open" and bool(late))
    headers = [t(f"col.{key}") for key in LIST_COLUMNS]
    headers[3] = t({"complaint": "col.category", "repair": "col.location", "request": "col.case_type"}[kind])
    grid(t(f"case.list_title.{kind}"), headers, body, red=red, give_way=(3, 1, 5, 4), wrap=False)  # about, step, handler, acceptor
    sys.stdout.write(count_line(len(rows), total, upto) + "\n")


def count_line(count: int, total: int | None, upto: int | None = None) -> str:
    """'4 cases', '3 of 23 cases shown', or past the bound of the count ``upto``:
    '100 of more than 10000 cases shown'."""
    if total is None or total <= count:
        return t("case.count", count=count)
    if upto is not None and total > upto:
        return t("case.count_cut_many", count=count, total=upto)
    return t("case.count_cut", count=count, total=total)


def _about(kind: str, r: dict) -> str:
    """What the case is about, in the list: the category, where the repair is, the request's type."""
    if kind == "complaint":
        return r.get("category_label") or r["category"] or ""
    if kind == "repair":
        urgent = " !" if r["urgency"] == "emergency" else ""
        return (r["values"].get("location") or "") + urgent
    return label("request_type", r["type"])


def show_case(case: dict, fmt: str, now_iso: str) -> None:
    if fmt == "json":
        out = {k: v for k, v in case.items() if k not in ("id", "unit_id", "person_id", "repeat_of")}
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
        return
    kind = case["kind"]
    v = case["values"]
    pairs = [(t("col.status"), t(f"status.{case['status']}") + (f" — {case['hold_reason']}" if case["hold_since"] else "")),
             (t("col.step"), t(f"step.{kind}.{case['step']}")),
             (t("col.unit"), case["unit"]), (t("col.person"), case["person_name"]),
             (t("col.acceptor"), case["acceptor"]), (t("col.handler"), case["handler"]),
             (t("col.recorded"), local_time(case["recorded_at"])),
             (t("col.due"), local_time(case["due_at"]))]
    for name in ("channel", "category", "about", "severity", "nature", "urgency", "type", "description", "remedy"):
        if v.get(name):
            shown = case.get("category_label") if name == "category" else None
            pairs.append((t(f"cf.{name}"), shown or _value(name, v[name])))
    if case.get("repeat_number"):
        pairs.append((t("case.repeat"), case["repeat_number"]))
    if case["reopen_count"]:
        pairs.append((t("case.reopened"), str(case["reopen_count"])))
    if case["cancel_reason"]:
        pairs.append((t("case.cancel_reason"), case["cancel_reason"]))
    key_values(f"{case['number']}", pairs)
    import shutil

    # on a narrow terminal the details go below the table, one line per step, instead of a
    # column squeezed to a few characters
    wide = shutil.get_terminal_size((100, 24)).columns >= 110
    keys = ("step", "started", "due", "ended", "who", "late") + (("details",) if wide else ())
    rows, red, below = [], [], []

    def add(name, started, due, ended, who, late, details):
        rows.append([name, short_time(started), short_time(due), short_time(ended), who or "", late]
                    + ([details] if wide else []))
        red.append(bool(late))
        if details and not wide:
            below.append((name, details))

    moves = list(case.get("moves") or ())
    for st in case["steps"]:
        end = st["done_at"] or now_iso
        late = overdue_text(st["due_at"], end) if st["due_at"] else ""
        name = t(f"step.{kind}.{st['step']}")
        ending = _ending(st["fields"])
        if ending:  # returned or cancelled: ended without the step's work, the reason is the note
            name = f"{name} — {t('action.' + ending)}"
            details = f"{t('cf.reason')}: {st['note']}" if st["note"] else ""
        else:
            details = "; ".join(f"{t('cf.' + k)}: {_value(k, x)}" for k, x in st["fields"].items()
                                if k not in ("description", "remedy", "channel", "category", "note") and x not in (None, ""))
            if st["note"]:
                details = (details + "; " if details else "") + st["note"]
        add(name, st["started_at"], st["due_at"], st["done_at"], st["actor"], late, details)
        for move in moves:  # a reassignment: under the step it happened in
            if move.get("step_id") == st["id"]:
                _move_row(add, move)
    for move in moves:
        if move.get("step_id") is None:
            _move_row(add, move)
    sys.stdout.write("\n")
    grid(t("case.timeline"), [t(f"col.{k}") for k in keys], rows, red=red, give_way=(6,) if wide else None)
    if below:
        sys.stdout.write("\n")
        key_values(t("col.details"), below)


def _ending(fields: dict) -> str | None:
    """The move that ended a step row without its work (cancel, return), from its marker field."""
    from pmcs.core.workflow import STEP_ENDINGS  # not at the top: `remind` and `today` import this module

    return next((action for action, marker in STEP_ENDINGS.items() if fields.get(marker) is True), None)


def _move_row(add, move: dict) -> None:
    """A move that leaves no step row (a repair reassigned): one line at its time, what changed."""
    before, after = move["before"] or {}, move["after"] or {}
    changed = [f"{t('cf.' + k)}: {before.get(k) or '-'} → {v}" for k, v in after.items()
               if k not in ("note", "reason") and v not in (None, "")]
    details = "; ".join(changed + [after[k] for k in ("reason", "note") if after.get(k)])
    add("↳ " + t(f"action.{move['action']}"), move["at"], None, move["at"], move["actor"], "", details)


def _value(name: str, value) -> str:
    enums = ENUM_OF["case"]  # the enumeration of each case field's codes, as history reads them
    if name in enums:
        return label(enums[name], value)
    from pmcs.core.cases import NOT_STAFF  # not at the top: `remind` and `today` import this module

    if name == "about" and value == NOT_STAFF:
        return t("case.about_not_staff")
    return str(value)
