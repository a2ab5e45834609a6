"""Export and import of cases (historical complaints, repairs and requests from a
spreadsheet): one CSV per kind, all or nothing, one event per imported case.

Columns: number (optional: kept when given, else numbered by the recording's
year), unit, person, recorded_at, acceptor, step, status, due_at, closed_at,
reopen_count, repeat_of, hold_since, held_seconds, hold_reason, cancel_reason
and every step field of the workflow. An export imports back into a fresh
database (with the same registry) as the same cases: numbers, steps, statuses,
values, and the time held, so the deadlines still to come are the same.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from pmcs.clock import local_zone
from pmcs.core import case_io as rules
from pmcs.core.cases import about_code, check_about, flags_repeats
from pmcs.core.cases import due_at as compute_due
from pmcs.core.fields import Schema, check_year, validate
from pmcs.core.workflow import CLOSED, STEP_ENDINGS, WORKFLOWS
from pmcs.errors import FieldError, PmcsError, UserError
from pmcs.services.session import from_iso, to_iso
from pmcs.store import cases as q

MIRRORED = ("channel", "category", "severity", "nature", "urgency", "verdict", "type", "handler")
STAFF_FIELDS = ("handler", "praised")


# export -----------------------------------------------------------------------
def export_rows(s, kind: str, *, include_pii: bool = False, state: str = "all", since=None):
    """(columns, row iterator) for csvio.write_csv; times in local time, values as codes."""
    from pmcs.core.fields import parse_date
    from pmcs.store.registry import person_ref

    from pmcs.services.cases import parse_state

    wf = WORKFLOWS[kind]
    state = parse_state(kind, state)
    start = to_iso(datetime.combine(parse_date(since, "since"), datetime.min.time(), local_zone())) if since else None
    cols = rules.export_names(wf) + (["person_name", "person_phone"] if include_pii else [])

    def rows():
        for c in q.export_rows(s.db, kind, state=state, since=start):
            out = {k: c.get(k) for k in ("number", "unit", "acceptor", "step", "status", "reopen_count",
                                         "held_seconds", "hold_reason", "cancel_reason")}
            out |= {"person": person_ref(c["person_id"]) if c["person_id"] else None,
                    "recorded_at": _local(c["recorded_at"]), "due_at": _local(c["due_at"]),
                    "closed_at": _local(c["closed_at"]), "hold_since": _local(c["hold_since"]),
                    "repeat_of": c["repeat_number"]}
            out |= {k: v for k, v in c["values"].items() if k in wf.fields}
            if include_pii:
                out |= {"person_name": c["person_name"], "person_phone": c["person_phone"]}
            yield out

    return cols, rows()


def _local(iso: str | None) -> str | None:
    return from_iso(iso).astimezone(local_zone()).strftime("%Y-%m-%d %H:%M:%S") if iso else None


# import -----------------------------------------------------------------------
class _Refs:
    """Lookups an import needs, loaded once: units, staff, categories, people (cached)."""

    def __init__(self, s):
        from pmcs.store.registry import list_staff, unit_ids

        self.s = s
        self.units = unit_ids(s.db)
        self.staff = list_staff(s.db, include_inactive=True)  # historical cases: former staff too
        self.categories = q.categories(s.db, include_inactive=True)
        self.people: dict[str, int] = {}

    def unit(self, code: str) -> int:
        from pmcs.core.registry import clean_unit_code

        try:
            clean = clean_unit_code(code)
        except UserError:
            clean = code
        if clean not in self.units:
            raise FieldError("unit", "error.unknown_unit", value=code)
        return self.units[clean]

    def person(self, text: str) -> int:
        if text not in self.people:
            from pmcs.services.people import get_person

            try:
                self.people[text] = get_person(self.s, text)["id"]
            except PmcsError as e:  # not found / ambiguous name: one line for this row
                raise FieldError("person", "error.import_person", detail=e.message()) from None
        return self.people[text]

    def staff_code(self, text: str, field: str) -> str:
        raw = text.strip()
        hits = [r for r in self.staff if r["code"].lower() == raw.lower()] or [r for r in self.staff if r["name"] == raw]
        if len(hits) != 1:
            key = "error.staff_ambiguous" if hits else "error.staff_not_found"
            raise FieldError(field, "error.import_staff", detail=_t(key, ref=raw, count=len(hits)))
        return hits[0]["code"]

    def category(self, text: str) -> str:
        for c in self.categories:
            if text.lower() in (c["code"].lower(), c["en"].lower()) or text == c["zh"]:
                return c["code"]
        raise FieldError("category", "error.bad_choice", value=text,
                         choices=", ".join(f"{c['code']} ({c['zh']})" for c in self.categories))


def import_cases(s, path: str, *, kind: str, encoding=None, dry_run=False, progress=None, mode="insert"):
    """Historical cases from a CSV; all or nothing (``mode`` is accepted for cli/io; always insert)."""
    from pmcs import csvio
    from pmcs.services.common import open_csv
    from pmcs.services.calendar import calendar
    from pmcs.services.cases import acceptor as acting_acceptor
    from pmcs.services.imports import ImportResult, all_or_nothing
    from pmcs.store.calendar import sla_table

    wf = WORKFLOWS[kind]
    schema = Schema(kind, rules.columns(wf), key="number")
    src = open_csv(s, path, schema.fields, required=("recorded_at",), encoding=encoding)
    result = ImportResult(src.name, dry_run=dry_run, encoding=src.encoding)
    errors = csvio.LineErrors()
    tz = local_zone()
    with all_or_nothing(s, src.name, errors, dry_run):
        ctx = {"sla_table": sla_table(s.db), "calendar": calendar(s), "tz": tz}
        job = _Job(s, wf, ctx, src.columns)
        for line, raw in src:
            result.rows += 1
            rec, problems = validate(schema, raw)
            if not problems:
                problems = job.check(rec, line, acting_acceptor)
            if problems:
                for e in problems:
                    errors.add(line, e.field, e.message())
                continue
            result.inserted += 1
            if progress and result.rows % 1000 == 0:
                progress(result.rows)
        if not errors:
            result.refs = job.finish()
    return result


class _Job:
    """One import: checks each row, writes it (or queues it until numbers are given out)."""

    def __init__(self, s, wf, ctx, present: list[str]):
        self.s, self.wf, self.ctx = s, wf, ctx
        self.refs = _Refs(s)
        self.writer = q.CaseWriter(s.db)
        self.numbers = q.number_ids(s.db, wf.kind)  # number → id, db and file
        self.first_line: dict[str, int] = {}
        self.queued: list[tuple] = []
        self.written: list[tuple] = []  # (id, row) for the repeat check
        self.recompute_repeats = "repeat_of" not in present
        self.now = s.now()
        self.labels = {code: _labels(wf.kind, code) for code in [st.code for st in wf.steps] + [CLOSED]}
        self.default_acceptor = None

    def check(self, rec: dict, line: int, acting_acceptor) -> list[FieldError]:
        problems = self._resolve(rec, acting_acceptor)
        if problems:
            return problems
        wf = self.wf
        state, problems = rules.check_state(wf, rec)
        number = rec.get("number")
        if number and not problems:
            problems += self._check_number(number, line)
        repeat_id = None
        if rec.get("repeat_of") and not problems:
            repeat_id = self.numbers.get(_normal(self.wf, rec["repeat_of"]))
            if repeat_id is None:
                problems.append(FieldError("repeat_of", "error.import_repeat_unknown", value=rec["repeat_of"]))
        if problems:
            return problems
        row = self._row(rec, state, repeat_id)
        if number:
            self._write(row, state, rec)
        else:
            self.queued.append((row["recorded_at"], line, row, state, rec))
        return []

    def _resolve(self, rec: dict, acting_acceptor) -> list[FieldError]:
        """Times made aware, step parsed, unit/person/staff/category found: every problem of the row."""
        wf, tz, refs = self.wf, self.ctx["tz"], self.refs
        problems: list[FieldError] = []

        def attempt(fn, *args):
            try:
                return fn(*args)
            except FieldError as e:
                problems.append(e)
                return None

        for name in ("recorded_at", "due_at", "closed_at", "hold_since"):
            if rec.get(name) is not None:
                rec[name] = rec[name] if rec[name].tzinfo else rec[name].replace(tzinfo=tz)
                if name != "due_at" and rec[name] > self.now:
                    problems.append(FieldError(name, "error.import_future", value=_local(to_iso(rec[name]))))
        if rec.get("step"):
            rec["step"] = attempt(rules.parse_step, wf, rec["step"], self.labels)
        if not rec.get("unit") and not rec.get("person"):
            problems.append(FieldError("unit", "error.import_unit_or_person"))
        rec["unit_id"] = attempt(refs.unit, rec["unit"]) if rec.get("unit") else None
        rec["person_id"] = attempt(refs.person, rec["person"]) if rec.get("person") else None
        if rec.get("acceptor"):
            rec["acceptor"] = attempt(refs.staff_code, rec["acceptor"], "acceptor")
        else:
            self.default_acceptor = self.default_acceptor or acting_acceptor(self.s)
            rec["acceptor"] = self.default_acceptor
        for name in STAFF_FIELDS:
            if rec.get(name):
                rec[name] = attempt(refs.staff_code, rec[name], name)
        if rec.get("about"):
            rec["about"] = attempt(about_code, rec["about"], lambda text: refs.staff_code(text, "about"))
        if rec.get("category"):
            rec["category"] = attempt(refs.category, rec["category"])
            if rec["category"]:
                attempt(check_about, rec)
        if rec.get("appointment"):
            rec["appointment"] = attempt(_appointment, rec["appointment"])
        return problems

    def _check_number(self, number: str, line: int) -> list[FieldError]:
        try:
            number = rules.number_text(self.wf, *rules.parse_number(self.wf, number))
        except FieldError as e:
            return [e]
        if number in self.first_line:
            return [FieldError("number", "error.duplicate_in_file", what=_t("what.case"), ref=number,
                               first=self.first_line[number])]
        if number in self.numbers:
            return [FieldError("number", "error.exists", what=_t("what.case"), ref=number)]
        self.first_line[number] = line
        return []

    def _row(self, rec, state, repeat_id) -> dict:
        now = to_iso(self.now)
        ended = state.status in ("closed", "cancelled")
        row = {"kind": self.wf.kind, "unit_id": rec["unit_id"], "person_id": rec["person_id"], "acceptor": rec["acceptor"],
               "step": state.step, "status": state.status, "values": state.values, "repeat_of": repeat_id,
               "recorded_at": to_iso(rec["recorded_at"]), "reopen_count": rec.get("reopen_count") or 0,
               # the time held so far and the start of a running hold: deadlines after a resume, and the
               # reply's (counted from the recording plus the time held), come out as in the exporting office
               "held_seconds": rec.get("held_seconds") or 0,
               "hold_since": (to_iso(rec["hold_since"]) if rec.get("hold_since") else now)
               if state.status == "on_hold" else None,
               "hold_reason": rec.get("hold_reason"),  # the last hold's reason, kept after a resume too
               "closed_at": to_iso(rec["closed_at"]) if ended else None,
               "cancel_reason": rec.get("cancel_reason") if state.status == "cancelled" else None,
               "created_at": now, "updated_at": now}
        row |= {k: state.values.get(k) for k in MIRRORED}
        if not ended:
            due = rec.get("due_at")
            if due is None:
                due = compute_due(self.wf, state.step, row, self.now, **self.ctx)
            row["due_at"] = to_iso(due) if due else None
        if rec.get("number"):
            year, seq = rules.parse_number(self.wf, rec["number"])
            row |= {"number": rules.number_text(self.wf, year, seq), "year": year, "seq": seq}
        return row

    def _steps(self, row: dict, state) -> list[dict]:
        wf, now = self.wf, to_iso(self.now)
        at = row["closed_at"] or now
        by_step = rules.split_by_step(wf, state.finished, state.values)
        steps = []
        for i, code in enumerate(state.finished):
            when = row["recorded_at"] if i == 0 else at
            steps.append({"step": code, "started_at": when, "done_at": when, "fields": by_step[code],
                          "actor": row["acceptor"] if i == 0 else self.s.actor})
        if state.step != CLOSED:
            current = {"step": state.step, "started_at": at, "due_at": row.get("due_at")}
            if state.status == "cancelled":
                current |= {"done_at": at, "actor": self.s.actor, "note": row["cancel_reason"],
                            "fields": {STEP_ENDINGS["cancel"]: True}}
            steps.append(current)
        return steps

    def _write(self, row: dict, state, rec) -> None:
        after = {"step": row["step"], "status": row["status"], "due_at": row.get("due_at"),
                 "acceptor": row["acceptor"], **state.values}
        event = (to_iso(self.now), self.s.actor, "import", None, after)
        case_id = self.writer.add(row, self._steps(row, state), [event])
        self.numbers[row["number"]] = case_id
        self.written.append((case_id, row))

    def finish(self) -> list[str]:
        """Number the rows that came without one (by the recording's local year), then flag repeats."""
        seqs = q.max_seqs(self.s.db, self.wf.kind)
        for _, row in self.written:
            seqs[row["year"]] = max(seqs.get(row["year"], 0), row["seq"])
        for _, _, row, state, rec in sorted(self.queued, key=lambda item: item[:2]):
            year = from_iso(row["recorded_at"]).astimezone(self.ctx["tz"]).year
            seqs[year] = seqs.get(year, 0) + 1
            row |= {"number": rules.number_text(self.wf, year, seqs[year]), "year": year, "seq": seqs[year]}
            self._write(row, state, rec)
        self.writer.flush()
        if flags_repeats(self.wf) and self.recompute_repeats:
            self._flag_repeats()
        return [row["number"] for _, row in self.written]

    def _flag_repeats(self) -> None:
        from pmcs.services.settings import get_int

        days = get_int(self.s.db, "repeat-days")
        for case_id, row in self.written:
            if row["unit_id"] and row.get("category"):
                since = to_iso(from_iso(row["recorded_at"]) - timedelta(days=days))
                earlier = q.repeat_before(self.s.db, "complaint", row["unit_id"], row["category"], since, case_id,
                                          row["recorded_at"])
                if earlier:
                    q.set_repeat(self.s.db, case_id, earlier)


def _normal(wf, number: str) -> str:
    try:
        return rules.number_text(wf, *rules.parse_number(wf, number))
    except FieldError:
        return number.strip().upper()


def _appointment(text: str) -> str:
    try:
        moment = rules.parse_when(text)
    except ValueError:
        raise FieldError("appointment", "error.bad_datetime", value=text) from None
    return check_year(moment, "appointment", text).strftime("%Y-%m-%d %H:%M")


def _labels(kind: str, code: str) -> tuple[str, str]:
    from pmcs.i18n import catalog

    return catalog().get(f"step.{kind}.{code}", (code, code))


def _t(key, **kw):
    from pmcs.i18n import t

    return t(key, **kw)
