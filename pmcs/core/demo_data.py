"""A realistic demo estate, generated deterministically from a seed.

Pure: no SQL, no I/O, no clock — ``today`` is passed in. ``make_estate``
returns plain dicts ready to insert: units, people, links between them (people
referred to by their index in the people list) and staff.

The estate: 12 residential buildings of 18–33 floors in two delivery phases
(about 1,480 flats), 40 shops in a podium ("S101"…) and 60 sold or unsold
parking spaces ("P-B1-001"…). Households get an owner, sometimes a tenant and
family members; files are as incomplete as real ones (a few missing ID numbers
or phones). ID numbers pass the GB 11643 check; phones are unique.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from pmcs.core.ids import id_check_digit

ESTATE_NAMES = ("锦绣华庭", "翠湖名苑", "阳光花园", "碧水龙庭", "金域蓝湾", "万象新城",
                "御景华府", "海悦天地", "桃源居", "星河湾", "紫荆花园", "滨江明珠苑")

# surname, weight (per cent of the population, roughly)
_SURNAMES = (
    "王7.1 李7.0 张6.8 刘5.4 陈4.6 杨3.1 黄2.2 赵2.0 吴2.0 周1.9 徐1.5 孙1.5 马1.4 朱1.3 "
    "胡1.3 郭1.1 何1.1 高1.0 林1.0 罗0.9 郑0.9 梁0.8 谢0.7 宋0.6 唐0.6 许0.6 韩0.6 冯0.6 "
    "邓0.6 曹0.5 彭0.5 曾0.5 肖0.5 田0.5 董0.5 袁0.5 潘0.4 于0.4 蒋0.4 蔡0.4 余0.4 杜0.4 "
    "叶0.4 程0.4 苏0.4 魏0.4 吕0.4 丁0.4 任0.3 沈0.3 姚0.3 卢0.3 姜0.3 崔0.3 钟0.3 谭0.3 "
    "陆0.3 汪0.3 范0.3 金0.3 石0.3 廖0.3 贾0.3 夏0.3 韦0.3 付0.3 方0.3 白0.2 邹0.2 孟0.2 "
    "熊0.2 秦0.2 邱0.2 江0.2 尹0.2 薛0.2 闫0.2 段0.2 雷0.2 侯0.2 龙0.2 史0.2 陶0.2 黎0.2 "
    "贺0.2 顾0.2 毛0.2 郝0.2 龚0.2 邵0.2 欧阳0.04 司马0.02 上官0.02"
).split()
SURNAMES = tuple(item.rstrip("0123456789.") for item in _SURNAMES)
SURNAME_WEIGHTS = tuple(float(item[len(name):]) for item, name in zip(_SURNAMES, SURNAMES))

# given-name characters by sex and generation (born before 1970, 1970–1994, from 1995)
GIVEN = {
    ("m", 0): "建国军华明德福志强平忠林海生文金荣胜光宝树春成永祥贵良庆",
    ("m", 1): "伟强磊军勇杰涛斌超明刚辉鹏华飞波宇浩凯健俊峰建东晨亮兵毅斌志",
    ("m", 2): "子轩 浩然 宇轩 博文 睿泽 俊熙 梓航 奕辰 嘉豪 锦程 明哲 逸凡 一鸣 昊天 皓轩 思远 天佑 雨泽 宇航 子墨",
    ("f", 0): "秀英兰桂凤珍玉淑芳华琴梅兰素云翠花霞萍玲丽娟荣菊香",
    ("f", 1): "芳娜敏静丽艳娟霞燕婷雪琳慧颖倩洁萍红梅莉晶丹蕾媛红娜",
    ("f", 2): "欣怡 梓涵 雨桐 诗琪 佳悦 思琪 语嫣 可馨 若曦 紫萱 子涵 一诺 梦瑶 雨欣 诗涵 晨曦 欣妍 佳怡 芷若 静怡",
}

AREA_CODES = ("440303", "440304", "440305", "440306", "440307", "440308", "440303", "440304", "440305",
              "110101", "110105", "110108", "310104", "310115", "320106", "320102", "330106", "420106",
              "430102", "440103", "440106", "440104", "441302", "445202", "440507", "440604", "450103",
              "510104", "510107", "500103", "610113", "370102", "410105", "350203", "360102", "340104",
              "130102", "140105", "210102", "230102", "220102", "441802", "360702", "431002")
MOBILE_PREFIXES = ("130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
                   "166 172 173 175 176 177 178 180 181 182 183 185 186 187 188 189 191 195 198 199").split()
FIXED_AREAS = ("0755", "0755", "0755", "0755", "020", "010", "0769", "021")

OWNER_NOTES = ("常年在外地，委托亲属办理业务", "紧急联系人为其配偶", "行动不便，维修请提前电话预约",
               "房屋挂牌出售中", "对噪音较敏感，装修公告请提前告知", "养犬一只，已登记犬证", "家有两辆车，申请过第二个车位",
               "习惯微信联系，请勿在早上9点前致电", "要求纸质通知邮寄到工作单位", "曾反映电梯噪音问题，已回访")
VIP_NOTES = ("业委会委员", "业委会主任", "楼长", "社区志愿者队长", "开发商领导亲属")
SHOP_NOTES = ("经营：便利店", "经营：餐饮", "经营：药店", "经营：理发店", "经营：洗衣店", "经营：房产中介",
              "经营：快递驿站", "经营：水果店", "经营：培训机构", "经营：咖啡店", "经营：宠物店", "经营：口腔诊所")

BUILDINGS = 12
TARGET_FLATS = 1480

# (team, role, how many) in staff-code order
STAFF_PLAN = (("customer_service", "manager", 1), ("customer_service", "supervisor", 1), ("customer_service", "clerk", 6),
              ("engineering", "staff", 8), ("environment", "staff", 6), ("security", "staff", 6), ("admin", "staff", 2))


class _Gen:
    """Random people: names, unique phones and unique, valid ID numbers."""

    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.phones: set[str] = set()
        self.ids: set[str] = set()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day_between(self, lo: date, hi: date) -> date:
        if hi <= lo:  # no room: the later bound wins (dates stay before today)
            return hi
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def birth(self, first_year: int, last_year: int) -> date:
        last = min(date(last_year, 12, 31), self.today - timedelta(days=400))
        return self.day_between(date(first_year, 1, 1), last)

    def surname(self) -> str:
        return self.rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]

    def name(self, sex: str, born: date, surname: str | None = None) -> str:
        surname = surname or self.surname()
        era = 0 if born.year < 1970 else 1 if born.year < 1995 else 2
        pool = GIVEN[(sex, era)]
        if era == 2:  # the young get fashionable two-character names, now and then one
            given = self.rng.choice(pool.split())
            return surname + (given[-1] if len(surname) == 2 or self.chance(0.12) else given)
        # compound surnames take one character; otherwise a quarter of names have one
        if len(surname) == 2 or self.chance(0.25):
            return surname + self.rng.choice(pool)
        first, second = self.rng.choice(pool), self.rng.choice(pool)
        if second == first and self.chance(0.7):  # 丽丽 happens, but rarely
            second = self.rng.choice(pool)
        return surname + first + second

    def mobile(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def fixed_line(self) -> str:
        while True:
            area = self.rng.choice(FIXED_AREAS)
            digits = 7 if area in ("0769",) and self.chance(0.3) else 8
            local = str(self.rng.randint(2, 8)) + f"{self.rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"
            phone = f"{area}-{local}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def id_number(self, born: date, sex: str) -> str:
        while True:
            seq = self.rng.randrange(50) * 2 + (1 if sex == "m" else 0)  # odd digit: male
            head = f"{self.rng.choice(AREA_CODES)}{born:%Y%m%d}{self.rng.randrange(10)}{seq:02d}"
            num = head + id_check_digit(head)
            if num not in self.ids:
                self.ids.add(num)
                return num

    def person(self, sex: str, born: date, *, surname: str | None = None, notes=None) -> dict:
        child = (self.today - born).days < 12 * 365  # young children have no phone of their own
        phone = self.mobile() if not child and not self.chance(0.02) else None
        phone2 = None
        if phone and self.chance(0.10):
            phone2 = self.fixed_line() if self.chance(0.5) else self.mobile()
        id_number = None if self.chance(0.05) else self.id_number(born, sex)
        surname = surname or self.surname()
        return {"name": self.name(sex, born, surname), "phone": phone, "phone2": phone2,
                "id_number": id_number, "vip": 0, "notes": notes, "_sex": sex, "_born": born, "_surname": surname}


def _layout(rng: random.Random) -> list[tuple[int, int, int]]:
    """(entrances, rooms per floor per entrance, floors) per building, about TARGET_FLATS flats."""
    ents = [rng.choice((2, 2, 2, 3)) for _ in range(BUILDINGS)]
    rooms = [rng.choice((2, 2, 3, 3, 4)) for _ in range(BUILDINGS)]
    floors = [rng.randint(18, 33) for _ in range(BUILDINGS)]

    def per_floor(i):
        return ents[i] * rooms[i]

    while sum(map(per_floor, range(BUILDINGS))) * 25 > TARGET_FLATS:  # too wide for floors of 18-33
        i = max(range(BUILDINGS), key=lambda i: (per_floor(i), -i))
        if rooms[i] > 2:
            rooms[i] -= 1
        else:
            ents[i] -= 1

    def total():
        return sum(per_floor(i) * floors[i] for i in range(BUILDINGS))

    while total() > TARGET_FLATS:
        floors[rng.choice([i for i in range(BUILDINGS) if floors[i] > 18])] -= 1
    while total() < TARGET_FLATS - 6:
        floors[rng.choice([i for i in range(BUILDINGS) if floors[i] < 33])] += 1
    return list(zip(ents, rooms, floors))


_STATUS = ("occupied", "handed_over", "vacant", "renovating", "unsold")
_PHASE_WEIGHTS = {1: (92, 3, 3, 1.5, 0.5), 2: (74, 10, 4, 6, 6)}


def _units(rng: random.Random) -> list[dict]:
    units = []
    for b, (ents, rooms, floors) in enumerate(_layout(rng), start=1):
        phase = 1 if b <= 7 else 2
        areas = [round(rng.uniform(70, 160), 2) for _ in range(rooms)]  # same flat type on every floor
        for e in range(1, ents + 1):
            for f in range(1, floors + 1):
                for r in range(1, rooms + 1):
                    status = rng.choices(_STATUS, _PHASE_WEIGHTS[phase])[0]
                    units.append({"code": f"{b}-{e}-{f}{r:02d}", "building": str(b), "entrance": str(e), "floor": f,
                                  "area": areas[r - 1], "type": "residential", "status": status, "_phase": phase})
    for floor, count in ((1, 28), (2, 12)):
        for n in range(1, count + 1):
            status = rng.choices(("occupied", "vacant", "unsold"), (80, 15, 5))[0]
            units.append({"code": f"S{floor}{n:02d}", "building": "S", "entrance": None, "floor": floor,
                          "area": round(rng.uniform(25, 220), 2), "type": "commercial", "status": status, "_phase": 1})
    for level, count in (("B1", 40), ("B2", 20)):
        for n in range(1, count + 1):
            status = rng.choices(("occupied", "unsold"), (75, 25))[0]
            units.append({"code": f"P-{level}-{n:03d}", "building": "P", "entrance": level, "floor": -int(level[1:]),
                          "area": round(rng.uniform(12, 15), 2), "type": "parking", "status": status, "_phase": 2})
    return units


def make_estate(seed: int, today: date) -> dict:
    rng = random.Random(seed)
    g = _Gen(rng, today)
    estate = rng.choice(ESTATE_NAMES)
    handover = {1: date(today.year - 8, 6, 28), 2: date(today.year - 3, 9, 26)}
    units = _units(rng)
    people: list[dict] = []
    links: list[dict] = []
    owners: list[tuple[int, date]] = []  # (person index, start) of residential owners

    def add(person: dict) -> int:
        people.append(person)
        return len(people) - 1

    def link(pi: int, code: str, role: str, start: date, end: date | None = None) -> None:
        links.append({"person": pi, "unit": code, "role": role, "start": start.isoformat(),
                      "end": end.isoformat() if end else None})

    def adult(first: int, last: int, **kw) -> int:
        return add(g.person(rng.choice("mf"), g.birth(first, last), **kw))

    def household(head: int, code: str, start: date) -> None:
        sex, born, surname = people[head]["_sex"], people[head]["_born"], people[head]["_surname"]
        child_surname = surname if sex == "m" else None
        for k in range(rng.choices((1, 2, 3), (25, 40, 35))[0]):
            if k == 0 and born.year <= 1998 and g.chance(0.8):  # spouse
                s_sex = "f" if sex == "m" else "m"
                spouse = add(g.person(s_sex, g.birth(born.year - 4, born.year + 5)))
                if s_sex == "m":
                    child_surname = people[spouse]["_surname"]
                link(spouse, code, "family", start)
                continue
            c_year = born.year + rng.randint(24, 36)
            if c_year >= today.year - 1:  # too young to have a child: an elderly parent moves in
                p_born = g.birth(born.year - 32, born.year - 24)
                parent = add(g.person(rng.choice("mf"), p_born, surname=surname if g.chance(0.5) else None))
                link(parent, code, "family", g.day_between(start, today - timedelta(days=30)))
                continue
            c_born = g.birth(c_year, c_year)
            child = add(g.person(rng.choice("mf"), c_born, surname=child_surname or g.surname()))
            link(child, code, "family", max(start, c_born))

    for unit in units:
        status, code, kind = unit["status"], unit["code"], unit["type"]
        if status in ("unsold", "vacant"):
            continue
        delivered = handover[unit["_phase"]]
        if kind == "parking":  # bought by a resident owner
            pi, since = owners[rng.randrange(len(owners))]
            link(pi, code, "owner", g.day_between(max(since, delivered), today - timedelta(days=20)))
            continue
        second = kind == "residential" and owners and g.chance(0.03)  # a second flat of an existing owner
        if second:
            pi, since = owners[rng.randrange(len(owners))]
            start = g.day_between(max(since, delivered), today - timedelta(days=60))
        else:
            pi = adult(1950, 1996)
            if g.chance(0.02):
                old = people[pi]["_born"].year < 1960 and g.chance(0.5)
                people[pi]["notes"] = "独居老人，遇紧急情况请联系子女" if old else rng.choice(OWNER_NOTES)
            if status == "renovating":
                start = g.day_between(max(delivered, today - timedelta(days=240)), today - timedelta(days=20))
            elif g.chance(0.15):  # bought second-hand
                start = g.day_between(delivered + timedelta(days=365), today - timedelta(days=60))
            else:
                start = g.day_between(delivered, delivered + timedelta(days=120))
            if kind == "residential":
                owners.append((pi, start))
        link(pi, code, "owner", start)
        if status != "occupied":
            continue
        head, h_start = (None if second else pi), start
        if g.chance(0.15 if kind == "residential" else 0.6):  # let to a tenant
            notes = rng.choice(SHOP_NOTES) if kind == "commercial" else None
            h_start = g.day_between(max(start + timedelta(days=30), today - timedelta(days=1000)), today - timedelta(days=15))
            head = adult(1965, 2003, notes=notes)
            link(head, code, "tenant", h_start)
            if g.chance(0.08) and h_start - start > timedelta(days=200):  # the tenant before
                before = g.day_between(start + timedelta(days=30), h_start - timedelta(days=120))
                link(adult(1965, 2000), code, "tenant", before, h_start - timedelta(days=rng.randint(1, 60)))
        elif second and kind == "residential" and g.chance(0.7):  # a relative lives in the owner's second flat
            head = adult(1960, 2003)
            link(head, code, "occupant", h_start)
        if kind == "residential" and head is not None and g.chance(0.60):
            household(head, code, h_start)

    # VIPs: about 2 %, mostly owners; some with a note on why
    owner_idx = sorted({ln["person"] for ln in links if ln["role"] == "owner"})
    for pi in rng.sample(owner_idx, k=max(1, len(people) // 50)):
        people[pi]["vip"] = 1
        if people[pi]["notes"] is None and g.chance(0.5):
            people[pi]["notes"] = rng.choice(VIP_NOTES)

    staff, names = [], set()
    for team, role, count in STAFF_PLAN:
        for _ in range(count):
            while True:
                born = g.birth(1970, 2001)
                sex = rng.choice("mf") if team not in ("engineering", "security") else rng.choices("mf", (85, 15))[0]
                name = g.name(sex, born)
                if name not in names:
                    names.add(name)
                    break
            staff.append({"code": f"S{len(staff) + 1:03d}", "name": name, "team": team, "role": role,
                          "phone": g.mobile(), "active": 1})

    for unit in units:
        del unit["_phase"]
    for person in people:
        for key in ("_sex", "_born", "_surname"):
            del person[key]
    return {"estate": estate, "units": units, "people": people, "links": links, "staff": staff}
