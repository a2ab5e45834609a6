"""The migrations themselves, in order. Append; never edit a released one."""
from __future__ import annotations

from pmcs.store.migrations import migration


@migration
def m001_meta_and_events(db):
    db.execute(
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"""
    )
    db.execute(
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT,
            entity TEXT NOT NULL,
            ref TEXT NOT NULL,
            action TEXT NOT NULL,
            before TEXT,
            after TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_events_ref ON events (ref, id)")
    db.execute(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
    )


@migration
def m002_units(db):
    db["units"].create(
        {
            "id": int, "code": str, "building": str, "entrance": str, "floor": int,
            "area": float, "type": str, "status": str, "created_at": str, "updated_at": str,
        },
        pk="id",
        not_null={"code", "type", "status", "created_at", "updated_at"},
    )
    db.execute("CREATE UNIQUE INDEX idx_units_code ON units (code)")
    db.execute("CREATE INDEX idx_units_building ON units (building, code)")


@migration
def m003_people(db):
    db["people"].create(
        {
            "id": int, "name": str, "phone": str, "phone2": str, "id_number": str,
            "vip": int, "notes": str, "created_at": str, "updated_at": str,
        },
        pk="id",
        not_null={"name", "vip", "created_at", "updated_at"},
        defaults={"vip": 0},
    )
    db.execute("CREATE UNIQUE INDEX idx_people_id_number ON people (id_number) WHERE id_number IS NOT NULL")
    db.execute("CREATE INDEX idx_people_name ON people (name)")
    db.execute("CREATE INDEX idx_people_phone ON people (phone)")
    db["person_units"].create(
        {"id": int, "person_id": int, "unit_id": int, "role": str, "start": str, "end": str, "created_at": str},
        pk="id",
        not_null={"person_id", "unit_id", "role", "created_at"},
        foreign_keys=[("person_id", "people", "id"), ("unit_id", "units", "id")],
    )
    db.execute("CREATE INDEX idx_person_units_unit ON person_units (unit_id)")
    db.execute("CREATE INDEX idx_person_units_person ON person_units (person_id)")
    db.execute(
        """CREATE VIEW unit_people AS
           SELECT u.code AS unit, u.building, p.id AS person_id, p.name, l.role, l.start, l."end"
           FROM person_units l JOIN units u ON u.id = l.unit_id JOIN people p ON p.id = l.person_id"""
    )


@migration
def m004_staff(db):
    db["staff"].create(
        {
            "id": int, "code": str, "name": str, "team": str, "role": str, "phone": str,
            "active": int, "created_at": str, "updated_at": str,
        },
        pk="id",
        not_null={"code", "name", "team", "role", "active", "created_at", "updated_at"},
        defaults={"active": 1},
    )
    db.execute("CREATE UNIQUE INDEX idx_staff_code ON staff (code)")
    db.execute("CREATE INDEX idx_staff_name ON staff (name)")


def m013_open_work_index(db):
    """Open work read from the index alone: `pmcs remind` and `pmcs today` (store/office.py:
    due_open_steps, open_by_step) read the number, step, owners and due time of every open case
    without touching the 1,000,000 case rows (bench/bench_suite.py; closed_at is listed so that SQLite
    sees the index as covering). idx_cases_all_open_due stays: a migration drops nothing
    (tests/test_data_safety.py), and on open cases only it costs little."""
    db.execute("CREATE INDEX idx_cases_open_work ON cases (due_at, status, kind, step, number, acceptor, handler, "
               "severity, urgency, unit_id, closed_at) WHERE closed_at IS NULL")


def m014_survey_responses_index(db):
    """A survey's answers found by survey: `pmcs report` picks the latest surveys with answers
    and counts them (store/reports.py: own_surveys, survey_counts); without it each survey
    scanned every answer of every survey (bench: 50 surveys, 18,000 answers)."""
    db.execute("CREATE INDEX idx_survey_responses_survey ON survey_responses (survey_id, in_sample)")


def m015_open_steps_index(db):
    """Open cases counted by kind, step and status from a narrow index, in its order:
    `pmcs today`'s "open work by step" (store/office.py: open_by_step) read the wide
    idx_cases_open_work and sorted it, 31 ms for 16,349 open cases; this index: 5 ms.
    Kind first, not status: the due-work queries (status = 'open', a due_at range) must keep
    the covering open-work index (tests/test_store.py checks the plans); closed_at is listed so that
    SQLite sees the index as covering."""
    db.execute("CREATE INDEX idx_cases_open_steps ON cases (kind, step, status, closed_at) WHERE closed_at IS NULL")


# later capabilities keep their tables beside their SQL; their order is fixed here
# (and repeated as names in migrations.NAMES, so start-up need not import them)
from pmcs.store.calendar import m005_calendar_and_sla, m016_calendar_package_baseline  # noqa: E402
from pmcs.store.handover import m017_rectification_due_given  # noqa: E402
from pmcs.store.cases import m006_cases  # noqa: E402
from pmcs.store.office import m010_duties_and_comms  # noqa: E402
from pmcs.store.handover import m009_handover_renovation  # noqa: E402
from pmcs.store.surveys import m008_surveys  # noqa: E402
from pmcs.store.reports import m011_report_indexes  # noqa: E402
from pmcs.store.fees import m012_fees_scores  # noqa: E402
from pmcs.store.cases import m007_case_indexes  # noqa: E402

migration(m005_calendar_and_sla)
migration(m006_cases)
migration(m010_duties_and_comms)
migration(m009_handover_renovation)
migration(m008_surveys)
migration(m011_report_indexes)
migration(m012_fees_scores)
migration(m007_case_indexes)
migration(m013_open_work_index)
migration(m014_survey_responses_index)
migration(m015_open_steps_index)
migration(m016_calendar_package_baseline)
migration(m017_rectification_due_given)
