"""SQL for archive upkeep (档案): the monthly completeness check and the purge of
closed cases past retention. The events table is never touched (append-only)."""
from __future__ import annotations

from pmcs.store.db import Database
from pmcs.store.reports import has_table

HANDED_OVER = ("handed_over",)


# the monthly check ---------------------------------------------------------------
def owners_missing(db: Database, today: str) -> list[dict]:
    """Current owners whose file lacks a phone or an ID number."""
    return [dict(r) for r in db.query(
        """SELECT p.id, p.name, group_concat(DISTINCT u.code) AS units,
                  coalesce(p.phone, '') = '' AS no_phone, coalesce(p.id_number, '') = '' AS no_id
           FROM people p JOIN person_units l ON l.person_id = p.id JOIN units u ON u.id = l.unit_id
           WHERE l.role = 'owner' AND (l."end" IS NULL OR l."end" >= ?)
             AND (coalesce(p.phone, '') = '' OR coalesce(p.id_number, '') = '')
           GROUP BY p.id ORDER BY min(u.code), p.id""", (today,))]


def people_without_unit(db: Database) -> list[dict]:
    return [dict(r) for r in db.query(
        """SELECT p.id, p.name FROM people p
           WHERE NOT EXISTS (SELECT 1 FROM person_units l WHERE l.person_id = p.id) ORDER BY p.id""")]


def handovers_incomplete(db: Database) -> list[dict] | None:
    """Handovers started but not completed (with their open required items), and units marked
    handed over that have no completed handover; None when the handover tables do not exist."""
    if not has_table(db, "handovers") or not has_table(db, "handover_checks"):
        return None
    marks = ", ".join("?" * len(HANDED_OVER))
    open_ones = [dict(r) | {"what": "open"} for r in db.query(
        """SELECT u.code AS unit, h.date, (SELECT count(*) FROM handover_checks k WHERE k.handover_id = h.id
                  AND k.required = 1 AND k.state = 'open') AS open_items
           FROM handovers h JOIN units u ON u.id = h.unit_id WHERE h.status = 'open' ORDER BY u.code""")]
    missing = [dict(r) | {"what": "missing", "open_items": None} for r in db.query(
        f"""SELECT u.code AS unit, NULL AS date FROM units u WHERE u.status IN ({marks})
            AND NOT EXISTS (SELECT 1 FROM handovers h WHERE h.unit_id = u.id AND h.status = 'completed')
            AND NOT EXISTS (SELECT 1 FROM handovers h WHERE h.unit_id = u.id AND h.status = 'open')
            ORDER BY u.code""", HANDED_OVER)]
    return open_ones + missing


# the purge ---------------------------------------------------------------------------
def mark_purgeable(db: Database, before: str) -> int:
    """Fill temp.purge_ids with closed/cancelled cases closed before ``before``, less any still
    referenced (repeat_of) by a case that stays; returns how many were held back."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS purge_ids (id INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM temp.purge_ids")
    db.execute("""INSERT INTO temp.purge_ids SELECT id FROM cases
                  WHERE status IN ('closed', 'cancelled') AND closed_at < ?""", (before,))
    held = 0
    while True:
        n = db.execute("""DELETE FROM temp.purge_ids WHERE id IN (
                              SELECT c.repeat_of FROM cases c WHERE c.repeat_of IN (SELECT id FROM temp.purge_ids)
                              AND c.id NOT IN (SELECT id FROM temp.purge_ids))""").rowcount
        if n <= 0:
            return held
        held += n


def purge_list(db: Database) -> list[dict]:
    return [dict(r) for r in db.query(
        """SELECT c.number, c.kind, c.status, c.closed_at, u.code AS unit,
                  (SELECT count(*) FROM case_steps s WHERE s.case_id = c.id) AS steps
           FROM cases c LEFT JOIN units u ON u.id = c.unit_id
           WHERE c.id IN (SELECT id FROM temp.purge_ids) ORDER BY c.id""")]


def purge_records(db: Database):
    """Every record to remove, case by case: ("cases", row) then its ("case_steps", row)s."""
    steps = db.conn.execute("""SELECT s.* FROM case_steps s WHERE s.case_id IN (SELECT id FROM temp.purge_ids)
                               ORDER BY s.case_id, s.id""")
    pending = steps.fetchone()
    for case in db.conn.execute("SELECT * FROM cases WHERE id IN (SELECT id FROM temp.purge_ids) ORDER BY id"):
        yield "cases", _row(case)
        while pending is not None and pending["case_id"] == case["id"]:
            yield "case_steps", _row(pending)
            pending = steps.fetchone()


def _row(row) -> dict:
    """Every column exactly as stored (JSON columns stay text), so a record can be put back."""
    return dict(row)


def delete_purged(db: Database) -> tuple[int, int]:
    steps = db.execute("DELETE FROM case_steps WHERE case_id IN (SELECT id FROM temp.purge_ids)").rowcount
    cases = db.execute("DELETE FROM cases WHERE id IN (SELECT id FROM temp.purge_ids)").rowcount
    return cases, steps


def log_purged(db: Database, numbers: list[str], at: str, actor: str, after: str) -> None:
    """One 'purge' event per removed case (the events table keeps its story)."""
    db.executemany("INSERT INTO events (at, actor, entity, ref, action, before, after) "
                   "VALUES (?, ?, 'case', ?, 'purge', NULL, ?)", [(at, actor, n, after) for n in numbers])


def purged_numbers(db: Database) -> list[str]:
    return [r[0] for r in db.query("SELECT number FROM cases WHERE id IN (SELECT id FROM temp.purge_ids) ORDER BY id")]


def drop_marks(db: Database) -> None:
    db.execute("DROP TABLE IF EXISTS temp.purge_ids")
