"""``pmcs demo``: fill a database with a realistic estate to try pmcs on."""
from __future__ import annotations

import importlib

from pmcs.errors import UserError
from pmcs.store import demo as dq
from pmcs.store import registry as q


DEMO_ACTOR = "demo"
DEMO_EXTENSIONS = [  # later capabilities add their own demo records, in this order
    "pmcs.services.demo_office:add_demo_office",
    "pmcs.services.demo_handover:add_demo_handovers",
    "pmcs.services.demo_surveys:add_demo_surveys",
    "pmcs.services.demo_cases:add_demo_cases",
    "pmcs.services.demo_fees:add_demo_fees",  # after the cases: complainers pay late more often
]


def build_demo(s, *, seed: int = 2026, force: bool = False) -> dict:
    """Generate the demo estate for ``seed`` and insert it in one transaction.

    Refuses a database that already holds units, people or staff unless
    ``force``; with ``force`` it adds only what is missing: units whose code
    exists, staff whose code exists and people whose ID number (or, without
    one, name and phone) exists are left as they are and linked to instead.
    Returns the estate name and how many rows each table received.
    """
    from pmcs.core.demo_data import make_estate

    s.create()  # the demo may make its database (it looks at what is there first)
    _refuse_if_not_empty(s, force)
    data = make_estate(seed, s.today())
    # generated records, not anyone's work: under "demo" (its simulated staff act under their codes)
    with s.acting_as(DEMO_ACTOR), s.write():
        _refuse_if_not_empty(s, force)  # again, under the write lock
        db, now = s.db, s.now_iso()
        if not force or q.meta_get(db, "estate") is None:
            q.meta_set(db, "estate", data["estate"])

        have_staff = dq.staff_codes(db)
        staff = [r for r in data["staff"] if r["code"].upper() not in have_staff]
        dq.insert_staff(db, staff, now)

        have_units = dq.unit_codes(db)
        units = [r for r in data["units"] if r["code"] not in have_units]
        unit_id = dq.insert_units(db, units, now)

        have_people = dq.people_keys(db)
        person_id: list[int | None] = []
        new_people, new_pos = [], []
        for i, p in enumerate(data["people"]):
            known = have_people.get(p["id_number"] or (p["name"], p["phone"]))
            person_id.append(known)
            if known is None:
                new_people.append(p)
                new_pos.append(i)
        for i, pid in zip(new_pos, dq.insert_people(db, new_people, now)):
            person_id[i] = pid

        have_links = dq.link_keys(db)
        links = []
        for ln in data["links"]:
            key = (person_id[ln["person"]], unit_id[ln["unit"]], ln["role"])
            if key not in have_links:
                have_links.add(key)
                links.append((*key, ln["start"], ln["end"]))
        dq.insert_links(db, links, now)

        for extension in DEMO_EXTENSIONS:  # later capabilities add their own demo records
            module, _, name = extension.partition(":")
            getattr(importlib.import_module(module), name)(s, seed)

        counts = {"units": len(units), "people": len(new_people), "links": len(links), "staff": len(staff)}
        generated = {"units": len(data["units"]), "people": len(data["people"]),
                     "links": len(data["links"]), "staff": len(data["staff"])}
        for table, n in counts.items():
            after = {table: n, "seed": seed, "estate": data["estate"]}
            if n != generated[table]:
                after["skipped"] = generated[table] - n
            s.record("demo", "demo", "create", None, after)
    return {"estate": data["estate"], **counts}


def _refuse_if_not_empty(s, force: bool) -> None:
    if not force and q.has_data(s.db):
        raise UserError("error.not_empty", hint="hint.not_empty", path=str(s.db_path))
