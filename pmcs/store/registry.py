"""SQL for units, people, their links, and staff."""
from __future__ import annotations

from pmcs.store.db import Database

UNIT_COLS = ("code", "building", "entrance", "floor", "area", "type", "status")
PERSON_COLS = ("name", "phone", "phone2", "id_number", "vip", "notes")
STAFF_COLS = ("code", "name", "team", "role", "phone", "active")


def person_ref(pid: int) -> str:
    return f"P{pid:05d}"


def parse_person_ref(ref: str) -> int | None:
    ref = ref.strip().upper()
    if ref.startswith("P-"):
        ref = "P" + ref[2:]
    if 1 < len(ref) <= 19 and ref[0] == "P" and ref[1:].isascii() and ref[1:].isdigit():
        return int(ref[1:])
    return None


# units ------------------------------------------------------------------
def unit_by_code(db: Database, code: str) -> dict | None:
    return db.one_dict("SELECT * FROM units WHERE code = ?", (code,))


def unit_ids(db: Database) -> dict[str, int]:
    return {r[0]: r[1] for r in db.query("SELECT code, id FROM units")}


def list_units(db: Database, *, building=None, status=None, type_=None, search=None, limit=0) -> list[dict]:
    where, params = [], []
    if building:
        where.append("building = ?")
        params.append(building)
    if status:
        where.append("status = ?")
        params.append(status)
    if type_:
        where.append("type = ?")
        params.append(type_)
    if search:
        where.append("code LIKE ? ESCAPE '\\'")
        params.append("%" + _like(search) + "%")
    sql = "SELECT * FROM units"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY building, code"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(r) for r in db.query(sql, params)]


def count_units(db: Database) -> int:
    return db.scalar("SELECT count(*) FROM units")


def unit_people(db: Database, unit_id: int, *, current_on: str | None = None) -> list[dict]:
    sql = """SELECT l.*, p.name, p.phone, p.id_number, p.vip FROM person_units l
             JOIN people p ON p.id = l.person_id WHERE l.unit_id = ?"""
    params: list = [unit_id]
    if current_on:
        sql += ' AND (l."end" IS NULL OR l."end" >= ?)'
        params.append(current_on)
    sql += " ORDER BY CASE l.role WHEN 'owner' THEN 0 WHEN 'tenant' THEN 1 WHEN 'family' THEN 2 ELSE 3 END, p.id"
    return [dict(r) for r in db.query(sql, params)]


# people -----------------------------------------------------------------
def person_by_id(db: Database, pid: int) -> dict | None:
    return db.one_dict("SELECT * FROM people WHERE id = ?", (pid,))


def people_by_name(db: Database, name: str) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM people WHERE name = ? ORDER BY id", (name,))]


def person_by_id_number(db: Database, id_number: str) -> dict | None:
    return db.one_dict("SELECT * FROM people WHERE id_number = ?", (id_number,))


def list_people(db: Database, *, search=None, unit=None, building=None, role=None, vip=None, limit=0) -> list[dict]:
    where, params = [], []
    if search:
        pid = parse_person_ref(search)
        like = "%" + _like(search) + "%"
        clause = "(p.name LIKE ? ESCAPE '\\' OR p.phone LIKE ? ESCAPE '\\' OR p.id_number LIKE ? ESCAPE '\\'"
        params += [like, like, like]
        if pid is not None:
            clause += " OR p.id = ?"
            params.append(pid)
        where.append(clause + ")")
    link_filter = []
    if unit:
        link_filter.append("u.code = ?")
        params.append(unit)
    if building:
        link_filter.append("u.building = ?")
        params.append(building)
    if role:
        link_filter.append("l.role = ?")
        params.append(role)
    if link_filter:
        where.append(
            "p.id IN (SELECT l.person_id FROM person_units l JOIN units u ON u.id = l.unit_id WHERE "
            + " AND ".join(link_filter) + ")"
        )
    if vip is not None:
        where.append("p.vip = ?")
        params.append(1 if vip else 0)
    sql = """SELECT p.*, (SELECT group_concat(u.code || ':' || l.role, ' ') FROM person_units l
                JOIN units u ON u.id = l.unit_id WHERE l.person_id = p.id AND l."end" IS NULL) AS units
             FROM people p"""
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY p.id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(r) for r in db.query(sql, params)]


def person_links(db: Database, pid: int) -> list[dict]:
    return [
        dict(r)
        for r in db.query(
            """SELECT l.*, u.code AS unit, u.building FROM person_units l JOIN units u ON u.id = l.unit_id
               WHERE l.person_id = ? ORDER BY l."end" IS NOT NULL, l.start, u.code""",
            (pid,),
        )
    ]


def find_link(db: Database, pid: int, unit_id: int, role: str | None = None, *, open_only=True) -> dict | None:
    sql = "SELECT * FROM person_units WHERE person_id = ? AND unit_id = ?"
    params: list = [pid, unit_id]
    if role:
        sql += " AND role = ?"
        params.append(role)
    if open_only:
        sql += ' AND "end" IS NULL'
    return db.one_dict(sql + " ORDER BY id DESC", params)


def export_people_rows(db: Database):
    """People with their links, one row per link (or one row for no link), streamed."""
    return db.execute(
        """SELECT p.*, u.code AS unit, l.role, l.start, l."end" FROM people p
           LEFT JOIN person_units l ON l.person_id = p.id
           LEFT JOIN units u ON u.id = l.unit_id ORDER BY p.id, l.id"""
    )


# staff ------------------------------------------------------------------
def staff_by_code(db: Database, code: str) -> dict | None:
    return db.one_dict("SELECT * FROM staff WHERE code = ? COLLATE NOCASE", (code,))


def staff_by_name(db: Database, name: str) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM staff WHERE name = ? ORDER BY id", (name,))]


def list_staff(db: Database, *, team=None, role=None, search=None, include_inactive=False) -> list[dict]:
    where, params = [], []
    if not include_inactive:
        where.append("active = 1")
    if team:
        where.append("team = ?")
        params.append(team)
    if role:
        where.append("role = ?")
        params.append(role)
    if search:
        where.append("(name LIKE ? ESCAPE '\\' OR code LIKE ? ESCAPE '\\')")
        params += ["%" + _like(search) + "%"] * 2
    sql = "SELECT * FROM staff" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY code"
    return [dict(r) for r in db.query(sql, params)]


def next_staff_code(db: Database) -> str:
    n = db.scalar("SELECT coalesce(max(id), 0) + 1 FROM staff")
    code = f"S{n:03d}"
    while staff_by_code(db, code):
        n += 1
        code = f"S{n:03d}"
    return code


# events -----------------------------------------------------------------
def history(db: Database, ref: str) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM events WHERE ref = ? ORDER BY id", (ref,))]


def meta_get(db: Database, key: str) -> str | None:
    return db.scalar("SELECT value FROM meta WHERE key = ?", (key,))


def meta_set(db: Database, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def has_active_staff(db: Database) -> bool:
    return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM staff WHERE active = 1)"))


def has_cases(db: Database) -> bool:
    return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM cases)"))


def has_data(db: Database) -> bool:
    return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM units) OR EXISTS (SELECT 1 FROM people) OR EXISTS (SELECT 1 FROM staff)"))


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
