"""Demo records for move-in handovers, rectification orders and renovations.

Everything goes through the services, with the clock and the acting clerk set
back to when each step would have happened, so the demo's histories, due
times and overdue items are those of real use: handovers in every state,
defects to fix, to revisit and closed, and renovations in every state — one
with its deposit refund overdue and one running past its end date.
"""
from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from pmcs.clock import FixedClock, local_zone
from pmcs.store import handover as q

DEFECTS = [("主卧墙面渗水，需查找渗漏点", "large"), ("卫生间地漏堵塞", "small"), ("入户门锁芯不灵活", "small"),
           ("客厅地砖空鼓三块", "large"), ("厨房插座无电", "small"), ("阳台推拉门关不严", "small")]
CONTRACTORS = [("美家装饰工程有限公司", "李强"), ("鑫宇装饰", "王海涛"), ("居然之家家装", "陈志明"),
               ("东易日盛装饰", "赵磊"), ("业之峰装饰", "刘洋"), ("个人施工队", "张德明"), ("金螳螂家装", "黄伟"),
               ("百安居装饰", "徐斌"), ("生活家装饰", "钱进"), ("圣都家装", "冯涛")]


@contextmanager
def _as(s, moment: datetime, actor: str):
    """Act as ``actor`` at ``moment`` (the demo's own session only)."""
    old_clock, s.clock = s.clock, FixedClock(moment)
    try:
        with s.acting_as(actor):
            yield
    finally:
        s.clock = old_clock


def add_demo_handovers(s, seed: int) -> None:
    if q.has_handovers_or_renovations(s.db):
        return  # pmcs demo --force on a database that has them already
    rng = random.Random(seed + 6)
    clerks = q.active_staff_codes(s.db, "customer_service", "clerk")
    techs = q.active_staff_codes(s.db, "engineering")
    if not clerks:
        return
    _handovers(s, rng, clerks, techs)
    _renovations(s, rng, clerks)


def _day(s, days_ago: int, hour: int = 10, minute: int = 0) -> datetime:
    """That day at that time, but never after now (a demo made at 01:00 must not hold a
    renovation applied for at 14:00 today)."""
    moment = datetime.combine(s.today() - timedelta(days=days_ago), time(hour, minute), local_zone())
    return min(moment, s.now().astimezone(local_zone()))


def _handovers(s, rng, clerks, techs) -> None:
    from pmcs.services import handover as ho
    from pmcs.services import rectification as rect
    from pmcs.store.registry import person_ref

    units = q.vacant_residential_units(s.db, 10)
    buyers = q.tenants_without_own_flat(s.db, 10)  # tenants of the estate buying a flat of their own
    # (days ago started, items ticked: all / some / none, then: complete / cancel / leave open)
    plan = [(30, "all", "complete"), (24, "all", "complete"), (16, "all", "complete"), (9, "all", "complete"),
            (6, "some", "open"), (3, "some", "open"), (1, "some", "open"), (0, "none", "open"), (12, "some", "cancel")]
    for i, (unit, buyer, (ago, ticks, end)) in enumerate(zip(units, buyers, plan)):
        clerk = clerks[i % len(clerks)]
        with _as(s, _day(s, ago, 9, 30), clerk):
            ho.start(s, unit, person_ref(buyer))
            items = [c for c in ho.checklist(s, unit)["items"]]
            chosen = items if ticks == "all" else rng.sample(items, k=len(items) // 2) if ticks == "some" else []
            for item in chosen:
                _tick(s, ho, rng, unit, item)
            if end == "cancel":
                ho.cancel(s, unit, "业主未按约定时间到场，改期另行办理")
        handler = techs[i % len(techs)] if techs else clerk
        order = None
        if ticks == "all" or i in (4, 5):
            text, size = DEFECTS[i % len(DEFECTS)]
            with _as(s, _day(s, ago, 10, 30), clerk):
                order = rect.add_defect(s, unit, text, size, handler=handler)["number"]
        if end == "complete":
            with _as(s, _day(s, ago, 11, 15), clerk):
                ho.complete(s, unit)
        if order:
            _follow_up(s, rect, order, ago, clerk, handler, i)


def _tick(s, ho, rng, unit, item) -> None:
    if item["kind"] == "count":
        ho.tick(s, unit, item["code"], str(rng.choice((2, 3, 4)) if item["code"] == "key_door" else 2))
    elif item["kind"] == "reading":
        if item["code"] == "meter_gas" and rng.random() < 0.3:
            ho.waive(s, unit, item["code"], "燃气未开通，待燃气公司开户后补录")
        else:
            ho.tick(s, unit, item["code"], f"{rng.uniform(0, 30):.1f}")
    else:
        ho.tick(s, unit, item["code"])


def _follow_up(s, rect, order, ago, clerk, handler, i) -> None:
    """Orders in the states a real week leaves them in."""
    if ago >= 16:  # fixed and revisited long ago (one owner was not satisfied: fix again)
        with _as(s, _day(s, ago - 3, 15), handler):
            rect.fix(s, order, "已维修完毕")
        with _as(s, _day(s, ago - 4, 10), clerk):
            rect.revisit(s, order, "unsatisfied" if i == 1 else "satisfied", "仍有轻微渗水" if i == 1 else "业主确认已修好")
    elif ago >= 6:  # fixed: the revisit is overdue for one, due tomorrow for the other
        with _as(s, _day(s, 2 if ago == 9 else 0, 9), handler):
            rect.fix(s, order, "已更换配件")
    # the rest stay open: the small one of three days ago is overdue


def _renovations(s, rng, clerks) -> None:
    from pmcs.services import renovation as rn
    from pmcs.services import renovation_fees as money

    units = q.owned_handed_over_units(s.db, 10)
    # (state to reach, days ago applied, works length in days)
    plan = [("applied", 0, 45), ("approved", 4, 60), ("in_progress", 20, 60), ("overrun", 75, 60),
            ("failed", 50, 40), ("passed", 45, 40), ("refund_overdue", 70, 45), ("refunded", 90, 50),
            ("closed", 120, 60), ("cancelled", 15, 30)]
    for i, (unit, (goal, ago, length)) in enumerate(zip(units, plan)):
        clerk = clerks[(i + 2) % len(clerks)]
        company, manager = CONTRACTORS[i % len(CONTRACTORS)]
        start = s.today() - timedelta(days=ago - 3)
        with _as(s, _day(s, ago, 14), clerk):
            r = rn.apply(s, unit, contractor=company, manager=manager, manager_phone=f"1380{rng.randrange(10**7):07d}",
                         start=start.isoformat(), end=(start + timedelta(days=length)).isoformat(),
                         workers=rng.randint(2, 8))
            ref = r["number"]
            if goal == "cancelled":
                rn.cancel(s, ref, "业主暂缓装修")
                continue
            rn.tick_doc(s, ref, "manager_id")
            if goal != "applied":
                rn.tick_doc(s, ref, "fire_pledge")
                money.add_fee(s, ref, "deposit", "3000")
                money.add_fee(s, ref, "management", f"{rng.choice((300, 450, 600))}")
                money.add_fee(s, ref, "debris", "200")
        if goal == "applied":
            continue
        with _as(s, _day(s, ago - 1, 10), clerk):
            rn.approve(s, ref)
        if goal == "approved":
            continue
        with _as(s, _day(s, ago - 3, 9), clerk):
            passes = [f"ZX{i + 1:02d}{n:02d}" for n in range(1, 3)]
            money.add_fee(s, ref, "pass", "20")
            money.issue_passes(s, ref, passes, manager)
            rn.start_works(s, ref)
        with _as(s, _day(s, max(ago - 10, 1), 15), clerks[0]):
            rn.inspect(s, ref, note="现场文明施工，消防器材齐全")
            if goal in ("refund_overdue", "failed"):
                rn.inspect(s, ref, violation="未经批准拆改阳台外墙", deduction="500")
        if goal in ("in_progress", "overrun"):
            continue
        accepted = ago - length + 2 if goal != "passed" else 2
        with _as(s, _day(s, accepted, 16), clerk):
            rn.accept(s, ref, passed=goal != "failed", note="水电隐蔽工程及防水验收")
        if goal in ("failed", "passed", "refund_overdue"):
            continue
        with _as(s, _day(s, accepted - 5, 10), clerk):
            money.return_passes(s, ref, passes)
            rn.refund(s, ref)
        if goal == "closed":
            with _as(s, _day(s, accepted - 6, 10), clerk):
                rn.close(s, ref)
