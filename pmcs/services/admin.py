"""Operations: init, backup, integrity check, history."""
from __future__ import annotations

import os

from pmcs.errors import NotFound, UserError
from pmcs.services.common import new_file
from pmcs.store import registry as q


def init(s, estate: str | None) -> dict:
    from pmcs.services.duties import seed_defaults

    s.create()  # init makes the database (the only command besides demo that may)
    with s.write():
        seed_defaults(s)
        current = q.meta_get(s.db, "estate")
        if estate and estate != current:
            q.meta_set(s.db, "estate", estate.strip())
            s.record("meta", "estate", "update", {"estate": current}, {"estate": estate.strip()})
            current = estate.strip()
    return {"path": str(s.db_path), "estate": current or ""}


def backup(s, dest: str) -> dict:
    """SQLite online backup into a new file created with mode 0600."""
    from pmcs.store.maintenance import backup_to

    path = new_file(dest, "error.backup_exists", "hint.backup_exists")
    try:
        backup_to(s.db, path)
    except OSError as e:
        raise UserError("error.file_write", path=str(path), detail=e.strerror or str(e)) from None
    return {"path": str(path), "size": os.path.getsize(path)}


def check(s) -> dict:
    from pmcs.store.admin import event_count
    from pmcs.store.maintenance import integrity_problems
    from pmcs.store.migrations import schema_version

    from pmcs.i18n import t

    problems = [p if isinstance(p, str) else t(p[0], **p[1]) for p in integrity_problems(s.db)]
    return {"ok": not problems, "problems": problems, "schema": schema_version(s.db),
            "events": event_count(s.db), "path": str(s.db_path)}


def history(s, ref: str) -> list[dict]:
    """The events of one record. Any stored reference as it is (a unit's code, P00042, S001,
    ZG-2026-0001 …), and a case as the case commands take it: TS-2026-0042, ts-2026-42,
    2026-42 or 42 (the latest year's) — without the prefix, when only one kind has it."""
    text = (ref or "").strip()
    rows = q.history(s.db, text)
    if not rows:
        pid = q.parse_person_ref(text)
        for alt in ([q.person_ref(pid)] if pid is not None else []) + [text.upper()]:
            rows = q.history(s.db, alt)
            if rows:
                break
    if not rows:
        numbers = _case_numbers(s, text)
        if len(numbers) > 1:
            raise UserError("error.history_ambiguous", hint="hint.history_refs", ref=text, refs=", ".join(numbers))
        rows = q.history(s.db, numbers[0]) if numbers else []
    if not rows:
        raise NotFound("history.none", hint="hint.history_refs", ref=text)
    return rows


def _case_numbers(s, text: str) -> list[str]:
    """The case numbers ``text`` can name, as `complaint show` and its kin read it."""
    from pmcs.core.ids import parse_numbered
    from pmcs.core.workflow import WORKFLOWS
    from pmcs.store import cases as cq

    found = []
    for kind, wf in WORKFLOWS.items():
        number, seq = parse_numbered(text, wf.prefix)
        case = cq.case_by_number(s.db, number) if number else cq.case_by_seq(s.db, kind, seq) if seq else None
        if case is not None and case["kind"] == kind:
            found.append(case["number"])
    return found


def history_labels(s, rows: list[dict]) -> dict[str, dict[str, str]]:
    """Labels of the codes in these events that are data, not catalogue: the office's case
    categories, the handover checklist's items, a renovation's documents."""
    from pmcs.i18n import get_lang

    entities = {r["entity"] for r in rows}
    zh = get_lang() == "zh"
    labels: dict[str, dict[str, str]] = {}
    if "case" in entities:
        from pmcs.services.cases import category_labels

        labels["category"] = category_labels(s)
    if "handover" in entities or "handover_template" in entities:
        from pmcs.store.handover import template

        labels["item"] = {i["code"]: i["label_zh"] if zh else i["label_en"] for i in template(s.db, include_inactive=True)}
    if "renovation" in entities:
        from pmcs.core.renovation import DOCS

        labels["doc"] = {d.code: d.zh if zh else d.en for d in DOCS}
    return labels
