"""The demo estate: realistic sizes, valid personal data, deterministic, refuses to overwrite."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from pmcs.clock import FixedClock
from pmcs.core.demo_data import make_estate
from pmcs.core.ids import clean_id_number, clean_phone, id_birth_date
from pmcs.core.registry import clean_unit_code, parse_unit_code
from pmcs.errors import UserError
from pmcs.services.demo import build_demo
from pmcs.services.session import Session
from pmcs.store.registry import meta_get

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
TABLES = ("meta", "units", "people", "person_units", "staff", "events")


def session(path) -> Session:
    return Session(path, actor="test", clock=FixedClock(NOW))


def dump(s: Session) -> dict:
    return {t: [tuple(r) for r in s.db.query(f"SELECT * FROM {t} ORDER BY 1")] for t in TABLES}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    # module-scoped: runs before the autouse isolated_env, so fix the zone here too
    mp = pytest.MonkeyPatch()
    mp.setenv("PMCS_TZ", "Asia/Shanghai")
    s = session(tmp_path_factory.mktemp("demo") / "t.db")
    counts = build_demo(s, seed=2026)
    yield s, counts, None
    s.close()
    mp.undo()


def test_counts_are_realistic(demo):
    s, counts, _ = demo
    db = s.db
    assert counts["units"] == db.scalar("SELECT count(*) FROM units")
    assert counts["people"] == db.scalar("SELECT count(*) FROM people")
    assert counts["staff"] == db.scalar("SELECT count(*) FROM staff") == 30
    # demo extensions (completed handovers) add owner links of their own
    assert counts["links"] <= db.scalar("SELECT count(*) FROM person_units") <= counts["links"] + 50
    buildings = db.query("SELECT DISTINCT building FROM units WHERE type = 'residential'")
    assert sorted(int(r[0]) for r in buildings) == list(range(1, 13))
    flats = db.scalar("SELECT count(*) FROM units WHERE type = 'residential'")
    assert 1400 <= flats <= 1500
    owned = db.scalar(
        """SELECT count(DISTINCT u.id) FROM units u JOIN person_units l ON l.unit_id = u.id
           WHERE u.type = 'residential' AND l.role = 'owner' AND l."end" IS NULL"""
    )
    assert 1300 <= owned <= 1500
    assert 30 <= db.scalar("SELECT count(*) FROM units WHERE type = 'commercial'") <= 50
    assert 50 <= db.scalar("SELECT count(*) FROM units WHERE type = 'parking'") <= 70
    assert 3000 <= counts["people"] <= 3500
    roles = dict(db.query("SELECT role, count(*) FROM person_units GROUP BY role"))
    assert set(roles) <= {"owner", "tenant", "family", "occupant"}
    assert roles["tenant"] > 100 and roles["family"] > 1000
    assert 5 <= db.scalar('SELECT count(*) FROM person_units WHERE "end" IS NOT NULL') <= 40
    # unsold and vacant flats have nobody; some owners own more than one unit
    assert not db.scalar(
        "SELECT count(*) FROM units u JOIN person_units l ON l.unit_id = u.id WHERE u.status IN ('unsold', 'vacant')"
    )
    assert db.scalar(
        "SELECT count(*) FROM (SELECT person_id FROM person_units WHERE role = 'owner' GROUP BY person_id HAVING count(*) > 1)"
    ) > 10
    statuses = dict(db.query("SELECT status, count(*) FROM units WHERE type = 'residential' GROUP BY status"))
    assert set(statuses) == {"occupied", "handed_over", "vacant", "renovating", "unsold"}
    assert statuses["occupied"] > flats * 0.7
    assert meta_get(db, "estate")


def test_units_are_well_formed(demo):
    s, _, _ = demo
    for u in s.db.query("SELECT * FROM units"):
        assert clean_unit_code(u["code"]) == u["code"]
        if u["type"] == "residential":
            parsed = parse_unit_code(u["code"])
            assert (parsed["building"], parsed["entrance"], parsed["floor"]) == (u["building"], u["entrance"], u["floor"])
            assert 1 <= u["floor"] <= 33
            assert 70 <= u["area"] <= 160 and round(u["area"], 2) == u["area"]
    floors = s.db.query("SELECT building, max(floor) FROM units WHERE type = 'residential' GROUP BY building")
    assert all(18 <= f <= 33 for _, f in floors)


def test_personal_data_is_valid_and_unique(demo):
    s, _, _ = demo
    people = [dict(r) for r in s.db.query("SELECT * FROM people")]
    ids = [p["id_number"] for p in people if p["id_number"]]
    assert all(clean_id_number(n) == n for n in ids)
    assert len(ids) == len(set(ids))
    assert all(1930 <= id_birth_date(n).year <= 2026 for n in ids)
    phones = [p[k] for p in people for k in ("phone", "phone2") if p[k]]
    phones += [r[0] for r in s.db.query("SELECT phone FROM staff")]
    assert all(clean_phone(p) == p for p in phones)
    assert len(phones) == len(set(phones))
    assert any(p.startswith("0") for p in phones)  # some fixed lines
    n = len(people)
    assert 0.03 * n <= n - len(ids) <= 0.08 * n  # incomplete files
    assert 0.01 * n <= sum(p["vip"] for p in people) <= 0.04 * n
    assert 0.05 * n <= sum(1 for p in people if p["phone2"]) <= 0.15 * n
    assert sum(1 for p in people if p["notes"]) >= 20


def test_names_are_chinese(demo):
    s, _, _ = demo
    names = [r[0] for r in s.db.query("SELECT name FROM people UNION ALL SELECT name FROM staff")]
    assert all(CHINESE_NAME.match(n) for n in names)
    staff_names = [r[0] for r in s.db.query("SELECT name FROM staff")]
    assert len(staff_names) == len(set(staff_names))  # staff are found by name


def test_links_dates_are_in_the_past(demo):
    s, _, _ = demo
    today = s.today().isoformat()
    for start, end in s.db.query('SELECT start, "end" FROM person_units'):
        assert start and date.fromisoformat(start) and start < today
        assert end is None or start <= end < today


def test_staff_teams_and_roles(demo):
    s, _, _ = demo
    teams = dict(s.db.query("SELECT team, count(*) FROM staff GROUP BY team"))
    assert teams == {"customer_service": 8, "engineering": 8, "environment": 6, "security": 6, "admin": 2}
    cs_roles = [r[0] for r in s.db.query("SELECT role FROM staff WHERE team = 'customer_service'")]
    assert cs_roles.count("manager") == 1 and cs_roles.count("supervisor") == 1
    codes = [r[0] for r in s.db.query("SELECT code FROM staff ORDER BY code")]
    assert codes == [f"S{i:03d}" for i in range(1, 31)]


def test_one_summary_event_per_table(demo):
    s, counts, _ = demo
    events = s.db.query("SELECT entity, ref, action FROM events WHERE entity = 'demo'")
    assert len(events) == 4
    assert {tuple(e) for e in events} == {("demo", "demo", "create")}


def test_same_seed_same_data(demo, tmp_path):
    s1, _, _ = demo
    s2 = session(tmp_path / "again.db")
    build_demo(s2, seed=2026)
    assert dump(s1) == dump(s2)
    s2.close()


def test_different_seed_different_data(demo, tmp_path):
    s1, _, _ = demo
    s2 = session(tmp_path / "other.db")
    build_demo(s2, seed=7)
    a, b = dump(s1), dump(s2)
    assert a["people"] != b["people"] and a["units"] != b["units"]
    s2.close()


def test_make_estate_is_pure():
    today = date(2026, 11, 23)
    assert make_estate(5, today) == make_estate(5, today)
    assert make_estate(5, today) != make_estate(6, today)


def test_refuses_non_empty_db(demo, tmp_path):
    s = session(tmp_path / "t.db")
    s.create()
    s.db.execute("INSERT INTO staff (code, name, team, role, active, created_at, updated_at) "
                 "VALUES ('S001', '张三', 'admin', 'staff', 1, 'x', 'x')")
    before = dump(s)
    with pytest.raises(UserError) as info:
        build_demo(s)
    assert info.value.key == "error.not_empty" and info.value.hint == "hint.not_empty"
    assert info.value.params["path"] == str(s.db_path)
    assert dump(s) == before
    s.close()


def test_force_adds_only_what_is_missing(tmp_path):
    s = session(tmp_path / "t.db")
    first = build_demo(s, seed=3)
    before = dump(s)
    again = build_demo(s, seed=3, force=True)
    assert again["units"] == again["people"] == again["links"] == again["staff"] == 0
    after = dump(s)
    assert {t: after[t] for t in TABLES if t != "events"} == {t: before[t] for t in TABLES if t != "events"}
    # a different estate on top: units with the same codes are reused, no unique constraint trips
    other = build_demo(s, seed=4, force=True)
    assert other["units"] < first["units"] and other["people"] > 0
    assert s.db.scalar("SELECT count(*) FROM staff") == 30
    assert s.db.scalar("SELECT count(*) FROM units") == first["units"] + other["units"]
    s.close()


def test_a_demo_made_in_the_small_hours_records_nothing_after_now(tmp_path):
    """Made at 01:00, it held a renovation applied for at 14:00 and a handover started at 09:30."""
    early = datetime.fromisoformat("2026-11-23T01:00:00+08:00")
    s = Session(tmp_path / "t.db", actor="test", clock=FixedClock(early))
    build_demo(s, seed=2026)
    now = s.now_iso()
    assert s.db.scalar("SELECT count(*) FROM events WHERE at > ?", (now,)) == 0
    assert s.db.scalar("SELECT count(*) FROM renovations WHERE applied_at > ?", (now,)) == 0
    s.close()
