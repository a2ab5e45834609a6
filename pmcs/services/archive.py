"""Archive upkeep (档案, DESIGN §1.6): the monthly check of incomplete files, and
the purge of closed cases past retention — destruction needs approval:

1. refused without ``--approved-by`` (a supervisor or manager on the staff list);
2. every record to be removed is first written to the output file (JSONL, mode
   0600, never overwriting), then
3. the records are removed in the same BEGIN IMMEDIATE transaction, and the
   purge is logged in the events table (one event per case and one for the
   purge with the approver). Events are append-only and are never purged.

Cases still referenced by a newer case that stays (``repeat_of``) are held back,
so the database keeps its foreign keys and ``pmcs db check`` passes.
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, time
from pathlib import Path

from pmcs.clock import local_zone
from pmcs.errors import NotAllowed, UsageError, UserError
from pmcs.services.common import new_file
from pmcs.services.session import to_iso
from pmcs.store import archive as q

APPROVER_ROLES = ("supervisor", "manager")


def check(s) -> dict:
    """Findings of the monthly check; sections whose tables do not exist are None."""
    from pmcs.store.registry import person_ref

    today = s.today().isoformat()
    findings = []
    for r in q.owners_missing(s.db, today):
        missing = [name for name, gap in (("phone", r["no_phone"]), ("id_number", r["no_id"])) if gap]
        findings.append({"check": "owner_file", "ref": person_ref(r["id"]), "name": r["name"], "unit": r["units"],
                         "missing": missing})
    handovers = q.handovers_incomplete(s.db)
    for r in handovers or ():
        findings.append({"check": f"handover_{r['what']}", "ref": r["unit"], "name": "", "unit": r["unit"],
                         "missing": [] if r["open_items"] is None else [str(r["open_items"])]})
    for r in q.people_without_unit(s.db):
        findings.append({"check": "no_unit", "ref": person_ref(r["id"]), "name": r["name"], "unit": "", "missing": []})
    counts: dict[str, int] = {}
    for f in findings:
        counts[f["check"]] = counts.get(f["check"], 0) + 1
    return {"date": today, "findings": findings, "counts": counts, "handover_tables": handovers is not None}


def _cutoff(s, text: str) -> str:
    from pmcs.core.fields import parse_date

    day = parse_date(text, "closed_before")
    if day > s.today():
        raise UserError("error.archive_future", value=day.isoformat())
    return to_iso(datetime.combine(day, time(0), local_zone()))


def _approver(s, name: str | None) -> dict:
    from pmcs.services.staff import get_staff

    if not (name or "").strip():
        raise UsageError("error.archive_needs_approval", hint="hint.archive_approval")
    staff = get_staff(s, name, active_only=True)
    if staff["role"] not in APPROVER_ROLES:
        raise NotAllowed("error.archive_approver_role", ref=staff["code"], name=staff["name"])
    return staff


def purge(s, closed_before: str, *, approved_by: str | None, out: str | None, dry_run: bool = False) -> dict:
    """Remove closed/cancelled cases closed before the date, with their steps (see module doc)."""
    cutoff = _cutoff(s, closed_before)
    if dry_run:
        with s.write():  # the lock keeps the list exact; nothing is changed
            held = q.mark_purgeable(s.db, cutoff)
            rows = q.purge_list(s.db)
            q.drop_marks(s.db)
        return {"dry_run": True, "cases": len(rows), "steps": sum(r["steps"] for r in rows), "held": held,
                "rows": rows, "closed_before": closed_before}
    approver = _approver(s, approved_by)
    if not out:
        raise UsageError("error.archive_needs_out")
    path = new_file(out, "error.archive_out_exists", "hint.archive_out")
    made: list[Path] = []
    try:
        with s.write():
            held = q.mark_purgeable(s.db, cutoff)
            numbers = q.purged_numbers(s.db)
            meta = {"closed_before": closed_before, "approved_by": approver["code"], "by": s.actor,
                    "at": s.now_iso(), "cases": len(numbers)}
            cases, steps, digest = _write_records(s, path, meta, made)
            removed = q.delete_purged(s.db)
            if removed != (cases, steps):  # the file and the deletion must agree, record for record
                raise UserError("error.archive_mismatch", file=cases, removed=removed[0])
            where = str(path.resolve())  # found again later, whatever directory the command ran in
            after = json.dumps({"approved_by": approver["code"], "file": where}, ensure_ascii=False)
            q.log_purged(s.db, numbers, s.now_iso(), s.actor, after)
            s.record("archive", "purge", "purge", None,
                     meta | {"steps": steps, "held": held, "file": where, "sha256": digest})
            q.drop_marks(s.db)
    except BaseException:
        for p in made:  # a file we created for a purge that did not happen would mislead
            p.unlink(missing_ok=True)
        raise
    return {"dry_run": False, "cases": cases, "steps": steps, "held": held, "file": str(path),
            "approved_by": approver["code"], "sha256": digest, "closed_before": closed_before}


def _write_records(s, path: Path, meta: dict, made: list) -> tuple[int, int, str]:
    """JSONL: a first line describing the purge, then every record (table + row as stored)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as e:
        raise UserError("error.file_write", path=str(path), detail=e.strerror or str(e)) from None
    made.append(path)
    sha = hashlib.sha256()
    counts = {"cases": 0, "case_steps": 0}
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            def put(record: dict) -> None:
                data = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
                sha.update(data.encode("utf-8"))
                f.write(data)

            put({"table": "_purge", "row": meta})
            for table, row in q.purge_records(s.db):
                put({"table": table, "row": row})
                counts[table] += 1
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:  # a full disk: the purge is rolled back and the file removed (see purge)
        raise UserError("error.file_write", path=str(path), detail=e.strerror or str(e)) from None
    return counts["cases"], counts["case_steps"], sha.hexdigest()
