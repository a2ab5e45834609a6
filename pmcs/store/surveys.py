"""SQL for satisfaction surveys: surveys, samples, responses, scores, action plans."""
from __future__ import annotations

import json

from pmcs.store.db import Database

POPULATION_STATUSES = ("occupied", "handed_over", "renovating")
_ROLE_ORDER = "CASE l.role WHEN 'owner' THEN 0 WHEN 'tenant' THEN 1 WHEN 'family' THEN 2 ELSE 3 END"


def m008_surveys(db):
    db.execute(
        """CREATE TABLE surveys (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            period TEXT NOT NULL,
            method TEXT NOT NULL,
            closes TEXT,
            gift TEXT,
            benchmark TEXT,
            owner TEXT,
            status TEXT NOT NULL DEFAULT 'open',
            dimensions TEXT NOT NULL,
            target_response REAL NOT NULL DEFAULT 0.8,
            target_rate REAL NOT NULL DEFAULT 0.9,
            seed INTEGER,
            sample TEXT,
            sampled_at TEXT,
            closed_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE UNIQUE INDEX idx_surveys_name ON surveys (name COLLATE NOCASE)")
    db.execute(
        """CREATE TABLE survey_sample (
            survey_id INTEGER NOT NULL REFERENCES surveys(id),
            unit_id INTEGER NOT NULL REFERENCES units(id),
            stratum TEXT,
            surveyor TEXT,
            person_id INTEGER REFERENCES people(id),
            PRIMARY KEY (survey_id, unit_id)
        )"""
    )
    db.execute(
        """CREATE TABLE survey_responses (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES surveys(id),
            unit_id INTEGER REFERENCES units(id),
            respondent TEXT,
            in_sample INTEGER NOT NULL DEFAULT 0,
            surveyor TEXT,
            responded_at TEXT NOT NULL,
            comment TEXT,
            gift_given INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT
        )"""
    )
    db.execute("CREATE UNIQUE INDEX idx_survey_responses_unit ON survey_responses (survey_id, unit_id) "
               "WHERE unit_id IS NOT NULL")
    db.execute("CREATE INDEX idx_survey_responses_when ON survey_responses (unit_id, responded_at)")
    db.execute(
        """CREATE TABLE survey_scores (
            response_id INTEGER NOT NULL REFERENCES survey_responses(id),
            survey_id INTEGER NOT NULL REFERENCES surveys(id),
            dimension TEXT NOT NULL,
            score INTEGER CHECK (score BETWEEN 1 AND 5),
            PRIMARY KEY (response_id, dimension)
        )"""
    )
    db.execute("CREATE INDEX idx_survey_scores_survey ON survey_scores (survey_id, dimension, score)")
    db.execute(
        """CREATE TABLE survey_actions (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES surveys(id),
            dimension TEXT NOT NULL,
            plan TEXT NOT NULL,
            owner TEXT NOT NULL,
            due TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open',
            result TEXT,
            done_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX idx_survey_actions_open ON survey_actions (status, due)")
    db.execute(
        """CREATE VIEW survey_score_counts AS
           SELECT s.name AS survey, c.dimension, c.score, count(*) AS answers
           FROM survey_scores c JOIN surveys s ON s.id = c.survey_id GROUP BY s.name, c.dimension, c.score"""
    )


# surveys ---------------------------------------------------------------
def _survey(row) -> dict | None:
    if row is None:
        return None
    out = dict(row)
    out["dimensions"] = json.loads(out["dimensions"])
    out["sample"] = json.loads(out["sample"]) if out["sample"] else None
    return out


def survey_by_name(db: Database, name: str) -> dict | None:
    return _survey(db.one("SELECT * FROM surveys WHERE name = ? COLLATE NOCASE", (name,)))


def survey_by_id(db: Database, sid: int) -> dict | None:
    return _survey(db.one("SELECT * FROM surveys WHERE id = ?", (sid,)))


def insert_survey(db: Database, row: dict) -> int:
    return db.insert("surveys", _dumped(row))


def update_survey(db: Database, sid: int, changes: dict) -> None:
    db.update("surveys", sid, _dumped(changes))


def _dumped(row: dict) -> dict:
    row = dict(row)
    for key in ("dimensions", "sample"):
        if key in row and row[key] is not None and not isinstance(row[key], str):
            row[key] = json.dumps(row[key], ensure_ascii=False, sort_keys=True)
    return row


def list_surveys(db: Database) -> list[dict]:
    rows = db.query(
        """SELECT s.*,
             (SELECT count(*) FROM survey_sample x WHERE x.survey_id = s.id) AS sampled,
             (SELECT count(*) FROM survey_responses r WHERE r.survey_id = s.id) AS responses,
             (SELECT count(*) FROM survey_responses r WHERE r.survey_id = s.id AND r.in_sample = 1) AS reached
           FROM surveys s ORDER BY s.period, s.id""")
    return [_survey(r) | {"sampled": r["sampled"], "responses": r["responses"], "reached": r["reached"]}
            for r in rows]


def benchmarks_for(db: Database, period: str) -> list[dict]:
    return [_survey(r) for r in db.query(
        "SELECT * FROM surveys WHERE benchmark IS NOT NULL AND period = ? ORDER BY id DESC", (period,))]


def own_surveys(db: Database) -> list[dict]:
    return [_survey(r) for r in db.query("SELECT * FROM surveys WHERE benchmark IS NULL ORDER BY id")]


def open_with_closing(db: Database, until_day: str) -> list[dict]:
    return [_survey(r) for r in db.query(
        "SELECT * FROM surveys WHERE status = 'open' AND closes IS NOT NULL AND closes <= ? ORDER BY closes",
        (until_day,))]


def count_answers(db: Database, sid: int, dimension: str | None = None) -> int:
    if dimension is None:
        return db.scalar("SELECT count(*) FROM survey_responses WHERE survey_id = ?", (sid,))
    return db.scalar("SELECT count(*) FROM survey_scores WHERE survey_id = ? AND dimension = ?", (sid, dimension))


def staff_codes(db: Database, role: str, team: str | None = None) -> list[str]:
    """Active staff of a role (and team), by code: the demo's surveyors and survey owner."""
    sql, params = "SELECT code FROM staff WHERE role = ? AND active = 1", [role]
    if team is not None:
        sql += " AND team = ?"
        params.append(team)
    return [r[0] for r in db.query(sql + " ORDER BY code", params)]


# population and sample -----------------------------------------------------
def population(db: Database) -> list[tuple[int, str, str]]:
    """(unit id, code, building) of every household: residential units handed over or lived in."""
    marks = ", ".join("?" * len(POPULATION_STATUSES))
    return [tuple(r) for r in db.query(
        f"SELECT id, code, coalesce(building, '') FROM units WHERE type = 'residential' AND status IN ({marks})",
        POPULATION_STATUSES)]


def surveyed_since(db: Database, since_iso: str, exclude_survey: int) -> set[int]:
    """Units that answered another survey at or after ``since_iso``."""
    return {r[0] for r in db.query(
        """SELECT DISTINCT unit_id FROM survey_responses
           WHERE unit_id IS NOT NULL AND responded_at >= ? AND survey_id != ?""", (since_iso, exclude_survey))}


def contacts(db: Database, unit_ids: list[int], on_day: str) -> dict[int, int]:
    """The household contact of each unit: its current owner, else tenant, family, occupant."""
    out: dict[int, int] = {}
    for i in range(0, len(unit_ids), 500):
        chunk = unit_ids[i:i + 500]
        rows = db.query(
            f"""SELECT l.unit_id, l.person_id FROM person_units l
                WHERE l.unit_id IN ({", ".join("?" * len(chunk))}) AND (l."end" IS NULL OR l."end" >= ?)
                ORDER BY l.unit_id, {_ROLE_ORDER}, l.person_id""", [*chunk, on_day])
        for unit_id, person_id in rows:
            out.setdefault(unit_id, person_id)
    return out


def replace_sample(db: Database, sid: int, rows: list[tuple]) -> None:
    """rows: (unit_id, stratum, surveyor, person_id)."""
    db.execute("DELETE FROM survey_sample WHERE survey_id = ?", (sid,))
    db.executemany("INSERT INTO survey_sample (survey_id, unit_id, stratum, surveyor, person_id) VALUES (?, ?, ?, ?, ?)",
                   [(sid, *r) for r in rows])
    db.execute("""UPDATE survey_responses SET in_sample = (unit_id IN (SELECT unit_id FROM survey_sample
                  WHERE survey_id = ?)) WHERE survey_id = ?""", (sid, sid))


def sample_rows(db: Database, sid: int, *, unreached_only: bool = False) -> list[dict]:
    sql = """SELECT u.code AS unit, u.building, x.stratum, x.surveyor, p.name AS contact, p.phone,
                    r.id AS response_id, r.responded_at
             FROM survey_sample x JOIN units u ON u.id = x.unit_id
             LEFT JOIN people p ON p.id = x.person_id
             LEFT JOIN survey_responses r ON r.survey_id = x.survey_id AND r.unit_id = x.unit_id
             WHERE x.survey_id = ?"""
    if unreached_only:
        sql += " AND r.id IS NULL"
    return [dict(r) for r in db.query(sql + " ORDER BY x.rowid", (sid,))]  # drawn in walking order


def sample_entry(db: Database, sid: int, unit_id: int) -> dict | None:
    return db.one_dict("SELECT * FROM survey_sample WHERE survey_id = ? AND unit_id = ?", (sid, unit_id))


def sample_surveyors(db: Database, sid: int) -> dict[int, str | None]:
    """unit id → surveyor of every household in the survey's sample."""
    return {r[0]: r[1] for r in db.query("SELECT unit_id, surveyor FROM survey_sample WHERE survey_id = ?", (sid,))}


def sample_size(db: Database, sid: int) -> int:
    return db.scalar("SELECT count(*) FROM survey_sample WHERE survey_id = ?", (sid,))


# responses -------------------------------------------------------------
def response_for_unit(db: Database, sid: int, unit_id: int) -> dict | None:
    return db.one_dict("SELECT * FROM survey_responses WHERE survey_id = ? AND unit_id = ?", (sid, unit_id))


def answered_units(db: Database, sid: int) -> dict[int, int]:
    """unit id → response id of every household that answered the survey."""
    return {r[0]: r[1] for r in db.query(
        "SELECT unit_id, id FROM survey_responses WHERE survey_id = ? AND unit_id IS NOT NULL", (sid,))}


def delete_response(db: Database, response_id: int) -> None:
    db.execute("DELETE FROM survey_scores WHERE response_id = ?", (response_id,))
    db.execute("DELETE FROM survey_responses WHERE id = ?", (response_id,))


def insert_response(db: Database, row: dict, scores: dict) -> int:
    rid = db.insert("survey_responses", row)
    db.executemany("INSERT INTO survey_scores (response_id, survey_id, dimension, score) VALUES (?, ?, ?, ?)",
                   [(rid, row["survey_id"], dim, score) for dim, score in scores.items()])
    return rid


def responses(db: Database, sid: int) -> list[dict]:
    rows = [dict(r) for r in db.query(
        """SELECT r.*, u.code AS unit, u.building FROM survey_responses r LEFT JOIN units u ON u.id = r.unit_id
           WHERE r.survey_id = ? ORDER BY r.responded_at, r.id""", (sid,))]
    scores: dict[int, dict] = {}
    for rid, dim, score in db.query("SELECT response_id, dimension, score FROM survey_scores WHERE survey_id = ?", (sid,)):
        scores.setdefault(rid, {})[dim] = score
    for r in rows:
        r["scores"] = scores.get(r["id"], {})
    return rows


# aggregates for status and report ---------------------------------------
def score_counts(db: Database, sid: int, in_sample_only: bool) -> list[tuple]:
    """(building, dimension, score, answers); score None = don't know; building '' without a unit.

    One pass over the survey's scores: the responses (a few thousand) are
    filtered and joined to their building first, then the scores grouped.
    """
    return [tuple(r) for r in db.query(
        """SELECT g.building, c.dimension, c.score, count(*) FROM survey_scores c
           JOIN (SELECT r.id, coalesce(u.building, '') AS building FROM survey_responses r
                 LEFT JOIN units u ON u.id = r.unit_id WHERE r.survey_id = ?""" +
        (" AND r.in_sample = 1" if in_sample_only else "") +
        """) g ON g.id = c.response_id GROUP BY 1, 2, 3""", (sid,))]


def response_counts(db: Database, sid: int) -> dict:
    row = db.one("""SELECT count(*), coalesce(sum(in_sample), 0), coalesce(sum(gift_given), 0),
                           coalesce(sum(comment IS NOT NULL AND comment != ''), 0)
                    FROM survey_responses WHERE survey_id = ?""", (sid,))
    return {"responses": row[0], "in_sample": row[1], "gifts": row[2], "comments": row[3]}


def progress_by(db: Database, sid: int, column: str) -> list[tuple]:
    """(group, sampled, responded) by building or surveyor, for the response rate."""
    group = {"building": "coalesce(u.building, '')", "surveyor": "coalesce(x.surveyor, '')"}[column]
    return [tuple(r) for r in db.query(
        f"""SELECT {group}, count(*), count(r.id) FROM survey_sample x JOIN units u ON u.id = x.unit_id
            LEFT JOIN survey_responses r ON r.survey_id = x.survey_id AND r.unit_id = x.unit_id
            WHERE x.survey_id = ? GROUP BY 1""", (sid,))]


# action plans ----------------------------------------------------------
def insert_action(db: Database, row: dict) -> int:
    return db.insert("survey_actions", row)


def update_action(db: Database, aid: int, changes: dict) -> None:
    db.update("survey_actions", aid, changes)


def action_by_id(db: Database, aid: int) -> dict | None:
    return db.one_dict("SELECT a.*, s.name AS survey FROM survey_actions a JOIN surveys s ON s.id = a.survey_id "
                 "WHERE a.id = ?", (aid,))


def list_actions(db: Database, *, survey_id=None, status=None, owner=None) -> list[dict]:
    where, params = [], []
    for column, value in (("a.survey_id", survey_id), ("a.status", status), ("a.owner", owner)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = "SELECT a.*, s.name AS survey FROM survey_actions a JOIN surveys s ON s.id = a.survey_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [dict(r) for r in db.query(sql + " ORDER BY a.status = 'done', a.due, a.id", params)]


def open_actions_due(db: Database, until_day: str) -> list[dict]:
    return [dict(r) for r in db.query(
        """SELECT a.*, s.name AS survey FROM survey_actions a JOIN surveys s ON s.id = a.survey_id
           WHERE a.status = 'open' AND a.due <= ? ORDER BY a.due""", (until_day,))]
