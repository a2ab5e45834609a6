"""CSV import and export of the registry: one pipeline, all or nothing.

Every import runs inside one BEGIN IMMEDIATE transaction. Rows are validated
and written as they stream past (memory stays flat on big files); if any row
is bad, or on --dry-run, the transaction is rolled back and nothing is left.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from pmcs.core.fields import validator
from pmcs.core.ids import born_after
from pmcs.core.registry import LINK, PERSON, PERSON_ROW, UNIT, check_link_dates, complete_unit
from pmcs.errors import FieldError, UserError
from pmcs.services.common import open_csv, public, what
from pmcs.store import imports as qi
from pmcs.store import registry as q

BATCH = 2000


class ImportFailed(UserError):
    def __init__(self, file: str, errors):
        super().__init__("import.failed", file=file, count=len(errors.bad_rows))
        self.errors = errors

    def message(self) -> str:
        return "\n".join([super().message(), *self.errors.summary()])


@dataclass
class ImportResult:
    file: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    dry_run: bool = False
    encoding: str = ""
    refs: list = field(default_factory=list)
    deadlines_moved: list = field(default_factory=list)  # refs whose deadline was counted again (calendar import)


def _field_errors(errors, line: int, problems: list[FieldError]) -> None:
    for e in problems:
        errors.add(line, e.field, e.message())


def _check_mode(mode: str) -> str:
    from pmcs.errors import UsageError

    mode = (mode or "insert").lower()
    if mode not in ("insert", "upsert"):
        raise UsageError("error.bad_choice", field="--mode", value=mode, choices="insert, upsert")
    return mode


def import_units(s, path: str, *, mode="insert", encoding=None, dry_run=False, progress=None) -> ImportResult:
    from pmcs import csvio

    mode = _check_mode(mode)
    src = open_csv(s, path, UNIT.fields, required=("code",), encoding=encoding)
    result = ImportResult(src.name, dry_run=dry_run, encoding=src.encoding)
    errors = csvio.LineErrors()
    present = [c for c in src.columns if c != "code"]
    with all_or_nothing(s, src.name, errors, dry_run):
        existing = q.unit_ids(s.db)
        seen: dict[str, int] = {}
        writer = qi.UnitWriter(s.db, s.now_iso(), s.actor)
        check = validator(UNIT, src.columns)
        for line, raw in src:
            result.rows += 1
            rec, problems = check(raw)
            if problems:
                _field_errors(errors, line, problems)
                continue
            code = rec["code"]
            if code in seen:
                errors.add(line, "code", _t("error.duplicate_in_file", what=what("unit"), ref=code, first=seen[code]))
                continue
            seen[code] = line
            if code in existing:
                if mode == "insert":
                    errors.add(line, "code", _t("error.exists", what=what("unit"), ref=code))
                    continue
                result.updated += writer.update(existing[code], code, {c: rec.get(c) for c in present})
            else:
                writer.insert(complete_unit(rec))
                result.inserted += 1
            if progress and result.rows % 1000 == 0:
                progress(result.rows)
        writer.flush()
    return result


def import_people(s, path: str, *, mode="insert", encoding=None, dry_run=False, progress=None) -> ImportResult:
    from pmcs import csvio

    mode = _check_mode(mode)
    src = open_csv(s, path, PERSON_ROW.fields, required=("name",), encoding=encoding)
    result = ImportResult(src.name, dry_run=dry_run, encoding=src.encoding)
    errors = csvio.LineErrors()
    person_cols = [c for c in src.columns if c in q.PERSON_COLS]
    with all_or_nothing(s, src.name, errors, dry_run), qi.indexes_built_after(s.db, "people", "person_units"):
        units = q.unit_ids(s.db)
        writer = qi.PeopleWriter(s.db, s.now_iso(), s.actor)
        seen: dict[str, int] = {}  # key in file -> person id (a person on several rows = several links)
        known = writer.by_id_number
        check = validator(PERSON_ROW, src.columns)
        today = s.today().strftime("%Y%m%d")  # for born_after, once
        for line, raw in src:
            result.rows += 1
            rec, problems = check(raw)
            unit, start, end = rec.get("unit"), rec.get("start"), rec.get("end")
            if rec.get("id_number") and born_after(rec["id_number"], today):
                problems.append(FieldError("id_number", "error.id_birth", value=rec["id_number"]))
            if unit and unit not in units:
                problems.append(FieldError("unit", "error.unknown_unit", value=unit))
            if start and end:
                try:
                    check_link_dates(start, end)
                except FieldError as e:
                    problems.append(e)
            if problems:
                _field_errors(errors, line, problems)
                continue
            id_number = rec.get("id_number")
            if rec.get("ref") is None and (id_number is None or id_number not in known):
                pid = writer.insert(rec)  # the common case: someone new, nobody to match
                result.inserted += 1  # (found again by ID number through writer.by_id_number)
            else:
                pid = _place_person(s, writer, rec, mode, seen, person_cols, result, errors, line)
                if pid is None:
                    continue
            if unit:
                writer.link(pid, units[unit], rec.get("role") or "owner", start, end)
            if progress and result.rows % 1000 == 0:
                progress(result.rows)
        writer.flush()
    return result


def _place_person(s, writer, rec, mode, seen, person_cols, result, errors, line):
    """Insert or update the person of one row; return their id (None on error)."""
    ref = rec.get("ref")
    pid = q.parse_person_ref(ref) if ref else None
    key = q.person_ref(pid) if pid is not None else rec.get("id_number")
    if key and key in seen:  # placed by an earlier row, under its ref or its ID number
        return _again(writer, seen[key], rec, errors, line)
    if ref and pid is None:
        errors.add(line, "ref", _t("error.person_not_found", ref=ref))
        return None
    if pid is not None and writer.added(pid):
        errors.add(line, "ref", _t("error.exists", what=what("person"), ref=q.person_ref(pid)))
        return None
    current = q.person_by_id(s.db, pid) if pid is not None else None
    holder = writer.by_id_number.get(rec["id_number"]) if rec.get("id_number") else None
    if holder is not None and writer.added(holder) and current is None and not ref:
        # added on an earlier row of this file: the same person again, one more link
        _remember(seen, holder, rec)
        return _again(writer, holder, rec, errors, line)
    by_id_number = None if holder is None else (q.person_by_id(s.db, holder) or {"id": holder})
    if by_id_number and (current is None or by_id_number["id"] != current["id"]):
        if current is not None or mode == "insert" or ref:
            errors.add(line, "id_number", _t("error.id_taken", ref=q.person_ref(by_id_number["id"])))
            return None
        current = by_id_number
    if current is not None:
        if mode == "insert":
            errors.add(line, "ref", _t("error.exists", what=what("person"), ref=q.person_ref(current["id"])))
            return None
        if current.get("id_number"):  # a later row giving only that number is this person (even
            seen[current["id_number"]] = current["id"]  # if this row leaves the number blank)
        result.updated += writer.update(current, {c: rec.get(c) for c in person_cols})
        pid = current["id"]
    else:
        pid = writer.insert(rec, pid)
        result.inserted += 1
    _remember(seen, pid, rec)
    return pid


def _remember(seen: dict, pid: int, rec: dict) -> None:
    """A person placed by this row is found again by a later row under either key: their ref
    or the ID number (one row may give the ref, another only the ID number)."""
    seen[q.person_ref(pid)] = pid
    if rec.get("id_number"):
        seen[rec["id_number"]] = pid


def _again(writer, pid: int, rec: dict, errors, line: int):
    """A person already placed by an earlier row of the file: one more link, the first row's
    details kept, as for anyone on several rows. Under another name it is someone else (or
    a mistyped number or ref): merging them would lose this row, so it is refused."""
    first = writer.name_of(pid)
    if first != rec["name"]:
        column = "ref" if rec.get("ref") else "id_number"
        errors.add(line, column, _t(f"error.{column}_other_name", name=first))
        return None
    return pid


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@contextmanager
def all_or_nothing(s, name: str, errors, dry_run: bool):
    """One BEGIN IMMEDIATE transaction that keeps nothing if any row failed, or on --dry-run."""
    try:
        with s.write(), qi.big_cache(s.db):
            yield
            if errors:
                raise ImportFailed(name, errors)
            if dry_run:
                raise _DryRun()
    except _DryRun:
        pass


# export ---------------------------------------------------------------------
def unit_export_rows(s, filters: dict):
    cols = UNIT.names()
    return cols, ({c: r[c] for c in cols} for r in q.list_units(s.db, **filters))


def people_export_rows(s, include_pii: bool):
    cols = [f.name for f in PERSON.fields if include_pii or not f.pii] + LINK.names()

    def rows():
        for r in q.export_people_rows(s.db):
            r = dict(r)
            r["ref"] = q.person_ref(r["id"])
            yield {c: r.get(c) for c in cols}

    return cols, rows()


def _t(key, **kw):
    from pmcs.i18n import t

    return t(key, **kw)


__all__ = ["import_units", "import_people", "ImportResult", "ImportFailed", "public"]
