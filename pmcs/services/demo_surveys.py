"""Demo surveys for ``pmcs demo``: the last two half-yearly surveys with realistic
answers, the action plan made after the first one (parking and repairs improved,
fees still open), and a benchmark survey of a competitor estate.

Bulk inserts inside build_demo's transaction, like the rest of the demo (no
per-row events). Deterministic for a seed and a date.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from pmcs.clock import local_zone
from pmcs.core import sampling
from pmcs.core.surveys import default_questionnaire
from pmcs.services.session import to_iso
from pmcs.store import surveys as q

# 满意率 (4 or 5) per dimension: the earlier survey, the latest one, the competitor
BASE = {
    "service": (0.92, 0.93, 0.88), "repairs": (0.80, 0.88, 0.84), "cleaning": (0.88, 0.89, 0.92),
    "landscaping": (0.91, 0.92, 0.90), "security": (0.90, 0.91, 0.86), "parking": (0.70, 0.83, 0.80),
    "fees": (0.76, 0.78, 0.72), "community": (0.84, 0.86, 0.78), "overall": (0.87, 0.90, 0.85),
}
DONT_KNOW = {"parking": 0.12, "community": 0.08, "fees": 0.04}
COMMENTS = {
    "parking": ("地下车库车位不够，晚上经常找不到车位", "外来车辆乱停，占用消防通道"),
    "repairs": ("报修后等了三天才有人来", "维修师傅修完没有清理现场"),
    "fees": ("希望公示公共收益的用途", "物业费涨价前没有征求业主意见"),
    "cleaning": ("垃圾桶周边有异味，希望增加清运次数",),
    "security": ("外来人员进出登记不严",),
    "community": ("希望多组织亲子活动",),
}
COMPETITORS = ("翠湖名苑", "阳光花园", "星河湾")
ACTIONS = (  # dimension, plan, result (None: still open), due (days after the first survey closed)
    ("parking", "新增地面临时车位 40 个，夜间安排秩序维护员引导停车", "已新增 42 个临时车位，夜间巡逻引导，车位投诉下降一半", 60),
    ("repairs", "报修实行 24 小时闭环，超时自动提醒工程主管", "已实行，9 月起报修按时完成率 96%", 45),
    ("fees", "每季度在公告栏和业主群公示公共收益及支出明细", None, 170),
)


def _halves(today: date) -> tuple[tuple[int, str], tuple[int, str]]:
    year, half = today.year, 1 if today.month <= 6 else 2
    previous = (year, 1) if half == 2 else (year - 1, 2)
    return (previous[0], f"H{previous[1]}"), (year, f"H{half}")


def _name(year: int, half: str) -> str:
    return f"{year}{'上' if half == 'H1' else '下'}半年满意度调查"


def _moment(day: date, rng: random.Random) -> str:
    return to_iso(datetime.combine(day, time(rng.randint(9, 19), rng.choice((0, 15, 30, 45))), local_zone()))


def add_demo_surveys(s, seed: int) -> None:
    db, today = s.db, s.today()
    (py, ph), (cy, ch) = _halves(today)
    names = (_name(py, ph), _name(cy, ch))
    if any(q.survey_by_name(db, n) for n in names):
        return  # already there (pmcs demo --force on a demo database)
    rng = random.Random(seed + 8)
    clerks = q.staff_codes(db, "clerk", "customer_service")
    lead = next(iter(q.staff_codes(db, "supervisor")), None)
    households = q.population(db)
    if not households or not clerks:
        return
    offsets = {b: rng.uniform(-0.03, 0.03) for b in sorted({h[2] for h in households}, key=sampling.natural_key)}
    prev_start = date(py, 6 if ph == "H1" else 12, 1)
    prev_id = _own_survey(s, rng, names[0], f"{py}-{ph}", "door", prev_start, prev_start + timedelta(days=27),
                          households, clerks[:4], lead, offsets, 0, 0.87, "环保购物袋", closed=True)
    cur_start = max(today - timedelta(days=20), date(cy, 1 if ch == "H1" else 7, 1))
    _own_survey(s, rng, names[1], f"{cy}-{ch}", "phone", cur_start, today + timedelta(days=14), households,
                clerks[2:6] or clerks, lead, offsets, 1, 0.70, None, closed=False)
    for dim, plan, result, due_days in ACTIONS:
        due = prev_start + timedelta(days=27 + due_days)
        done_at = min(_moment(min(due, today), rng), s.now_iso()) if result else None
        q.insert_action(db, {"survey_id": prev_id, "dimension": dim, "plan": plan, "owner": lead or clerks[0],
                             "due": due.isoformat(), "status": "done" if result else "open", "result": result,
                             "done_at": done_at, "created_at": _moment(prev_start + timedelta(days=30), rng),
                             "updated_at": done_at or s.now_iso()})
    _benchmark(s, rng, f"{cy}-{ch}", cur_start)


def _insert_survey(s, name, period, method, closes, gift, owner, benchmark=None, closed=False, at=None) -> int:
    return q.insert_survey(s.db, {"name": name, "period": period, "method": method, "closes": closes.isoformat(),
                                  "gift": gift, "benchmark": benchmark, "owner": owner,
                                  "status": "closed" if closed else "open", "dimensions": default_questionnaire(),
                                  "target_response": 0.8, "target_rate": 0.9,
                                  "closed_at": s.now_iso() if closed else None,
                                  "created_at": at or s.now_iso(), "updated_at": at or s.now_iso()})


def _own_survey(s, rng, name, period, method, start: date, closes: date, households, surveyors, owner, offsets,
                which: int, reached: float, gift, *, closed: bool) -> int:
    db = s.db
    created = _moment(start - timedelta(days=3), rng)
    sid = _insert_survey(s, name, period, method, closes, gift, owner, closed=closed, at=created)
    seed = rng.randint(100000, 999999)
    strata: dict[str, int] = {}
    for h in households:
        strata[h[2]] = strata.get(h[2], 0) + 1
    size = sampling.sample_size(len(households))
    drawn = sampling.inflate(size, 0.85, len(households))
    allocation = sampling.allocate(strata, drawn)
    chosen = sampling.draw([(h[1], h[2]) for h in households], allocation, seed)
    by_code = {h[1]: h for h in households}
    who = sampling.assign(chosen, surveyors)
    people = q.contacts(db, [by_code[c][0] for c in chosen], start.isoformat())
    q.replace_sample(db, sid, [(by_code[c][0], by_code[c][2], w, people.get(by_code[c][0])) for c, w in zip(chosen, who)])
    info = {"population": len(households), "excluded": 0, "size": size, "drawn": len(chosen), "seed": seed,
            "margin": 0.05, "confidence": 0.95, "expected_response": 0.85, "stratify": "building",
            "fixed_size": False, "round_up": False, "surveyors": surveyors, "exclude_days": None,
            "achieved_margin": round(sampling.margin_of(size, len(households)), 4),
            "strata": [{"stratum": h, "population": strata[h], "drawn": allocation[h]}
                       for h in sorted(strata, key=sampling.natural_key)]}
    q.update_survey(db, sid, {"seed": seed, "sample": info, "sampled_at": _moment(start, rng)})
    last = min(closes, s.today())
    span = max((last - start).days, 1)
    for code, surveyor in zip(chosen, who):
        if rng.random() > reached:
            continue
        unit_id, _, building = by_code[code]
        day = start + timedelta(days=rng.randint(1, span))
        answers, comment = _answers(rng, which, offsets.get(building, 0.0))
        row = {"survey_id": sid, "unit_id": unit_id, "respondent": None, "in_sample": 1, "surveyor": surveyor,
               "responded_at": min(_moment(min(day, s.today()), rng), s.now_iso()), "comment": comment,
               "gift_given": 1 if gift and rng.random() < 0.93 else 0, "source": "entry",
               "created_at": s.now_iso(), "created_by": surveyor}
        q.insert_response(db, row, answers)
    return sid


def _answers(rng: random.Random, which: int, offset: float) -> tuple[dict, str | None]:
    mood = rng.gauss(0, 1)
    answers: dict = {}
    for code, rates in BASE.items():
        if rng.random() < DONT_KNOW.get(code, 0.02):
            answers[code] = None
            continue
        p = min(0.99, max(0.2, rates[which] + offset + 0.05 * mood))
        if rng.random() < p:
            answers[code] = 5 if rng.random() < 0.42 + 0.1 * mood else 4
        else:
            answers[code] = rng.choices((3, 2, 1), (65, 25, 10))[0]
    low = [c for c, v in answers.items() if v is not None and v <= 2 and c in COMMENTS]
    comment = rng.choice(COMMENTS[rng.choice(low)]) if low and rng.random() < 0.6 else None
    return answers, comment


def _benchmark(s, rng: random.Random, period: str, start: date) -> None:
    from pmcs.store.registry import meta_get

    ours = meta_get(s.db, "estate") or ""
    estate = next(c for c in COMPETITORS if c != ours)
    sid = _insert_survey(s, f"{estate}对标调查{period}", period, "door", start + timedelta(days=10), "小毛巾",
                         None, benchmark=estate, closed=True, at=_moment(start, rng))
    for i in range(60):
        answers, comment = _answers(rng, 2, 0.0)
        day = start + timedelta(days=rng.randint(0, 10))
        q.insert_response(s.db, {"survey_id": sid, "unit_id": None, "respondent": f"{estate}-{i + 1:02d}",
                                 "in_sample": 0, "surveyor": None,
                                 "responded_at": min(_moment(min(day, s.today()), rng), s.now_iso()),
                                 "comment": comment, "gift_given": 1, "source": "entry", "created_at": s.now_iso(),
                                 "created_by": None}, answers)
