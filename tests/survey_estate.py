"""A small estate for the survey tests: three buildings of occupied flats (one
owner each), some vacant flats and shops that are not households, four staff."""
from pmcs.store import demo as dq

BUILDINGS = {"1": 60, "2": 30, "3": 10}  # occupied flats per building


def build(s, buildings=BUILDINGS) -> list[str]:
    """Insert the estate; return the codes of the households (occupied flats)."""
    now = s.now_iso()
    units, people, households = [], [], []
    for b, count in buildings.items():
        for i in range(count):
            code = f"{b}-1-{(i // 4) + 1}{(i % 4) + 1:02d}"
            units.append({"code": code, "building": b, "entrance": "1", "floor": i // 4 + 1, "type": "residential",
                          "status": "occupied" if i % 5 else "handed_over"})
            people.append({"name": f"业主{b}{i:03d}", "phone": f"139{int(b):02d}{i:06d}", "vip": 0})
            households.append(code)
        units.append({"code": f"{b}-9-901", "building": b, "entrance": "9", "floor": 9, "type": "residential",
                      "status": "vacant"})
    units.append({"code": "S101", "building": "S", "floor": 1, "type": "commercial", "status": "occupied"})
    with s.write():
        dq.insert_staff(s.db, [{"code": "S001", "name": "王芳", "team": "customer_service", "role": "clerk", "active": 1},
                               {"code": "S002", "name": "李娜", "team": "customer_service", "role": "clerk", "active": 1},
                               {"code": "S003", "name": "张伟", "team": "customer_service", "role": "clerk", "active": 1},
                               {"code": "S004", "name": "陈静", "team": "customer_service", "role": "supervisor",
                                "active": 1}], now)
        ids = dq.insert_units(s.db, units, now)
        pids = dq.insert_people(s.db, people, now)
        dq.insert_links(s.db, [(pid, ids[code], "owner", "2020-01-01", None) for pid, code in zip(pids, households)],
                        now)
    return households
