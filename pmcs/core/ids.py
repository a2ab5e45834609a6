"""Personal identifiers: Chinese resident ID numbers (GB 11643) and phones.

Validation and masking live together so that every screen masks the same way.
"""
from __future__ import annotations

import re
from functools import lru_cache
from operator import mul
from datetime import date

from pmcs.errors import FieldError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# fixed line: area code 0 + 2-3 digits, then 7-8 digits, optional extension
_FIXED_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,5})?$")


def id_check_digit(first17: str) -> str:
    """GB 11643: the weighted sum of the first 17 digits, weights 2^(17-i) mod 11."""
    total = sum(map(mul, map(int, first17), _WEIGHTS))
    return _CHECK[total % 11]


def _fast_check_digit(first17: str) -> str:
    """id_check_digit in one C call: 13 ≡ 2 (mod 11), so reading the 17 digits in base
    13 gives sum(d_i * 2^(16-i)) mod 11, and twice that is the weighted sum mod 11.
    Only for 17 decimal digits (int() in base 13 would also take a, b, c and "_")."""
    return _CHECK[2 * int(first17, 13) % 11]


@lru_cache(maxsize=1 << 16)  # every real birth date since 1900 fits
def _birth_ok(yyyymmdd: str) -> bool:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:])).year >= 1900
    except ValueError:
        return False


def clean_id_number(value: str, field: str = "id_number") -> str:
    """Return the ID number normalised (upper-case X) or raise FieldError."""
    raw = (value or "").strip()
    if " " in raw:
        raw = raw.replace(" ", "")
    num = raw.upper() if raw[-1:] == "x" else raw
    if not _ID_RE.match(num):
        raise FieldError(field, "error.id_format", value=raw)
    if not _birth_ok(num[6:14]):
        raise FieldError(field, "error.id_birth", value=raw)
    if _fast_check_digit(num[:17]) != num[17]:
        raise FieldError(field, "error.id_check", value=raw)
    return num


def born_after(num: str, today: date | str) -> bool:
    """Does a (cleaned) ID number give a birth date after ``today`` (a date, or YYYYMMDD as an
    importer passes it once for every row)? No such person exists yet; the check digit alone
    cannot tell (110105203012310026 passes it)."""
    return num[6:14] > (today if isinstance(today, str) else today.strftime("%Y%m%d"))


def id_birth_date(num: str) -> date:
    return date(int(num[6:10]), int(num[10:12]), int(num[12:14]))


# full-width digits and signs, as a Chinese input method types them
_HALF = str.maketrans("０１２３４５６７８９＋－（）\u3000", "0123456789+-() ")


def clean_phone(value: str, field: str = "phone") -> str:
    raw = (value or "").strip()
    if _MOBILE_RE.match(raw):  # the common case, as typed
        return raw
    num = re.sub(r"[\s()]", "", raw.translate(_HALF))
    if num.startswith("+86"):
        num = num[3:]
    elif num.startswith("0086"):
        num = num[4:]
    num = num.lstrip("-")
    if _MOBILE_RE.match(num.replace("-", "")):  # 138-1234-5678, as Excel sheets often write it
        return num.replace("-", "")
    if _FIXED_RE.match(num):
        return num
    raise FieldError(field, "error.phone", value=raw)


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if _MOBILE_RE.match(phone):
        return phone[:3] + "****" + phone[-4:]
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return "****"


def mask_id(num: str | None) -> str:
    if not num:
        return ""
    if len(num) == 18:
        return num[:6] + "********" + num[-4:]
    return num[:2] + "*" * max(len(num) - 4, 0) + num[-2:]


_NUMBERED = re.compile(r"^(?:(?P<prefix>[A-Z]{2})-)?(?:(?P<year>\d{4})-)?(?P<seq>\d{1,6})$")


def parse_numbered(ref: str | None, prefix: str) -> tuple[str | None, int | None]:
    """A number said on the phone → (full number, None) or (None, bare sequence).

    ``TS-2026-0042`` or ``2026-0042`` → ("TS-2026-0042", None); ``42`` → (None, 42),
    the latest year's; a wrong prefix or anything else → (None, None).
    """
    m = _NUMBERED.match((ref or "").strip().upper())
    if not m or m.group("prefix") not in (None, prefix):
        return None, None
    if m.group("year"):
        return f"{prefix}-{m.group('year')}-{int(m.group('seq')):04d}", None
    return None, int(m.group("seq"))
