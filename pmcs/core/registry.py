"""The registry of units, people, their links, and staff: schemas and rules."""
from __future__ import annotations

import re
from functools import lru_cache

from pmcs.core.fields import Field, Schema
from pmcs.core.ids import clean_id_number, clean_phone
from pmcs.errors import FieldError

UNIT_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]{0,30}$")
_TRIPLE = re.compile(r"^(?P<b>[0-9A-Za-z]+)-(?P<e>[0-9A-Za-z]+)-(?P<r>\d{3,5})$")
# A1502, AB-1502 or 12-1502: a lettered building, or any building before a dash
_PAIR = re.compile(r"^(?P<b>[A-Za-z][0-9A-Za-z]*?|[0-9A-Za-z]+(?=-))-?(?P<r>\d{3,5})$")


@lru_cache(maxsize=1 << 16)  # a people file names the same units again and again
def clean_unit_code(value: str, field: str = "code") -> str:
    code = value.strip().upper().replace("—", "-").replace("－", "-")
    if not UNIT_CODE_RE.match(code) or "--" in code or code.endswith("-"):
        raise FieldError(field, "error.unit_code", value=value)
    return code


def parse_unit_code(code: str) -> dict:
    """Building, entrance, floor and room read off a unit code, where it says.

    ``3-2-1502`` → building 3, entrance 2, room 1502, floor 15;
    ``A1502``/``A-1502`` → building A, room 1502, floor 15. Other shapes give
    only what the clerk types explicitly.
    """
    m = _TRIPLE.match(code)
    if m:
        room = m.group("r")
        return {"building": m.group("b"), "entrance": m.group("e"), "floor": int(room[:-2]), "room": room}
    m = _PAIR.match(code)
    if m and m.group("b"):
        room = m.group("r")
        return {"building": m.group("b"), "entrance": None, "floor": int(room[:-2]), "room": room}
    return {}


def _area(value: str, field: str) -> float:
    try:
        num = float(value.replace(",", "").replace("㎡", "").replace("m2", "").strip())
    except ValueError:
        raise FieldError(field, "error.bad_number", value=value) from None
    if not (0 < num < 100000):
        raise FieldError(field, "error.area", value=value)
    return round(num, 2)


def _floor(value: str, field: str) -> int:
    try:
        num = int(value)
    except ValueError:
        raise FieldError(field, "error.bad_number", value=value) from None
    if not (-10 <= num <= 200):
        raise FieldError(field, "error.floor", value=value)
    return num


UNIT = Schema(
    entity="unit",
    key="code",
    fields=(
        Field("code", required=True, aliases=("unit", "房号", "房屋编号", "单元号", "房间号"), check=clean_unit_code, max_len=32),
        Field("building", aliases=("楼栋", "栋", "楼号", "幢"), max_len=20),
        Field("entrance", aliases=("单元", "门洞"), max_len=20),
        Field("floor", kind="int", aliases=("楼层", "层"), check=_floor),
        Field("area", kind="float", aliases=("面积", "建筑面积", "area_m2"), check=_area),
        Field("type", kind="enum", enum="unit_type", aliases=("类型", "房屋类型", "用途")),
        Field("status", kind="enum", enum="unit_status", aliases=("状态", "房屋状态")),
    ),
)

PERSON = Schema(
    entity="person",
    key="ref",
    fields=(
        Field("ref", aliases=("编号", "住户编号"), max_len=20),
        Field("name", required=True, aliases=("姓名", "名字", "业主姓名"), max_len=60),
        Field("phone", aliases=("电话", "手机", "手机号", "联系电话", "mobile"), pii=True, check=clean_phone),
        Field("phone2", aliases=("电话2", "备用电话", "其他电话"), pii=True, check=clean_phone),
        Field("id_number", aliases=("身份证号", "身份证", "身份证号码", "证件号码", "id"), pii=True, check=clean_id_number),
        Field("vip", kind="bool", aliases=("重要客户", "VIP客户")),
        Field("notes", aliases=("备注",), multiline=True),
    ),
)

LINK = Schema(
    entity="link",
    key="unit",
    fields=(
        Field("unit", aliases=("房号", "房屋编号", "code"), check=clean_unit_code, max_len=32),
        Field("role", kind="enum", enum="link_role", aliases=("身份", "关系", "住户类型")),
        Field("start", kind="date", aliases=("from", "起始日期", "入住日期", "开始日期")),
        Field("end", kind="date", aliases=("to", "结束日期", "迁出日期")),
    ),
)

STAFF = Schema(
    entity="staff",
    key="code",
    fields=(
        Field("code", aliases=("工号",), max_len=20),
        Field("name", required=True, aliases=("姓名",), max_len=60),
        Field("team", kind="enum", enum="team", required=True, aliases=("部门", "班组")),
        Field("role", kind="enum", enum="staff_role", aliases=("岗位", "职务")),
        Field("phone", aliases=("电话", "手机"), pii=True, check=clean_phone),
    ),
)

# A people file row: a person and, optionally, one link to a unit.
PERSON_ROW = Schema(entity="person", key="ref", fields=PERSON.fields + LINK.fields)


def complete_unit(record: dict) -> dict:
    """Fill building/entrance/floor from the code where the clerk left them out."""
    parsed = parse_unit_code(record["code"]) if record.get("code") else {}
    for key in ("building", "entrance", "floor"):
        if record.get(key) in (None, "") and parsed.get(key) is not None:
            record[key] = parsed[key]
    record.setdefault("type", "residential")
    if record.get("type") is None:
        record["type"] = "residential"
    if record.get("status") is None:
        record["status"] = "vacant"
    return record


def check_link_dates(start: str | None, end: str | None) -> None:
    if start and end and end < start:
        raise FieldError("end", "error.link_dates", start=start, end=end)
