"""Demo records for office duties and the communication log."""
from __future__ import annotations

import random
from datetime import timedelta

from pmcs.services.session import to_iso
from pmcs.store import office as q

COMMS = [
    ("committee", "业委会 陈主任", "停车位分配方案沟通", "业委会要求公示地下车位租售方案，约定下周回复。", 3),
    ("developer", "开发商 工程部", "3栋外墙渗水保修", "建设单位同意派人勘查外墙渗水，待确认维修时间。", -2),
    ("government", "街道办 城管科", "垃圾分类检查通知", "街道下月初检查垃圾分类，需准备台账。", 10),
    ("utility", "自来水公司", "片区停水通知", "周四 9:00–17:00 片区停水，已张贴通知。", None),
    ("owner", None, "噪音投诉回访", "业主反映楼上装修噪音，已电话回访。", -1),
]


def add_demo_office(s, seed: int) -> None:
    from pmcs.services.duties import seed_defaults

    seed_defaults(s)
    rng = random.Random(seed + 4)
    now = s.now()
    staff = q.staff_codes_in_team(s.db, "customer_service")
    units = q.occupied_unit_ids(s.db, 200)
    for i, (party, name, subject, summary, follow) in enumerate(COMMS):
        unit_id = rng.choice(units) if party == "owner" and units else None
        person = q.unit_owner(s.db, unit_id) if unit_id else None
        at = now - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
        row = {"party_type": party, "party_name": name or (person["name"] if person else "业主"), "unit_id": unit_id,
               "person_id": person["id"] if person else None, "channel": "phone" if i % 2 else "visit",
               "subject": subject, "summary": summary,
               "follow_up": (s.today() + timedelta(days=follow)).isoformat() if follow is not None else None,
               "owner": staff[i % len(staff)] if staff else None, "at": to_iso(at), "actor": staff[0] if staff else None}
        cid = s.db.insert("comms", row)
        s.record("comms", f"GT{cid:05d}", "create", None, {k: v for k, v in row.items()})
