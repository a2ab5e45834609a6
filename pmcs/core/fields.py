"""Record schemas as data: each field's kind, whether it is required, its
CSV header aliases (English and Chinese) and whether it is personal data.

One schema drives validation of CLI input, CSV import headers, export columns
and PII masking, so those four can never disagree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field
from datetime import date
from typing import Callable

from pmcs.errors import FieldError
from pmcs.i18n import parse_choice

# control characters, and lone surrogates (bytes that were not UTF-8 on the command line)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text, int, float, date, bool, enum, custom
    required: bool = False
    enum: str | None = None
    aliases: tuple[str, ...] = ()
    pii: bool = False
    max_len: int = 200
    check: Callable[[str, str], object] | None = None  # (value, field) -> cleaned
    multiline: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name,) + self.aliases


@dataclass(frozen=True)
class Schema:
    entity: str
    fields: tuple[Field, ...]
    key: str  # natural key for upsert
    extra: dict = dc_field(default_factory=dict)

    def get(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def _plain_pattern(max_len: int, multiline: bool):
    """fullmatch of a text free of control characters, 1..max_len long: the common
    case of clean_value decided by one C call."""
    key = (max_len, multiline)
    hit = _PLAIN.get(key)
    if hit is None:
        banned = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff" + ("" if multiline else r"\n\r")
        hit = _PLAIN[key] = re.compile(f"[^{banned}]{{1,{max_len}}}").fullmatch
    return hit


_PLAIN: dict = {}
_PLANS: dict = {}


def _plan(f: Field):
    """(field, plain-text fullmatch, converter of a plain text) for a field, made once."""
    hit = _PLANS.get(id(f))
    if hit is None or hit[0] is not f:
        if len(_PLANS) > 10_000:  # schemas made on the fly (case imports) must not pile up
            _PLANS.clear()
        plain = _plain_pattern(MAX_TEXT if f.multiline else f.max_len, f.multiline)
        hit = _PLANS[id(f)] = (f, plain, _converter(f))
    return hit


def _converter(f: Field) -> Callable[[str], object]:
    name = f.name
    if f.check is not None:
        check = f.check
        return lambda text: check(text, name)
    if f.kind == "text":
        return str
    if f.kind == "enum":
        return lambda text: parse_choice(f.enum, text, name)
    if f.kind == "int":
        return lambda text: _int(text, name)
    if f.kind == "float":
        return lambda text: _float(text, name)
    if f.kind == "date":
        return lambda text: parse_date(text, name).isoformat()
    if f.kind == "bool":
        return lambda text: parse_bool(text, name)
    raise ValueError(f"unknown field kind {f.kind}")  # programming error


def _int(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise FieldError(field, "error.bad_number", value=text) from None


def _float(text: str, field: str) -> float:
    try:
        num = float(text.replace(",", ""))
    except ValueError:
        raise FieldError(field, "error.bad_number", value=text) from None
    if num != num or num in (float("inf"), float("-inf")):
        raise FieldError(field, "error.bad_number", value=text)
    return num


def clean_value(f: Field, value):
    """Clean one value; '' and None mean 'not given' and return None."""
    if value is None:
        return None
    _, plain, convert = _plan(f)
    if type(value) is str:
        text = value.strip()
        if text == "":
            return None
        if not plain(text):
            _refuse_text(f, text)
    elif isinstance(value, bool) and f.kind == "bool":
        return value
    else:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and f.kind in ("int", "float"):
            text = str(value)
        else:
            text = str(value).strip()
        if text == "":
            return None
        _refuse_text(f, text)
    return convert(text)


def _refuse_text(f: Field, text: str) -> None:
    """Raise the FieldError a text with control characters or too long deserves."""
    if _CONTROL.search(text) or (not f.multiline and ("\n" in text or "\r" in text)):
        raise FieldError(f.name, "error.control_chars")
    if len(text) > (MAX_TEXT if f.multiline else f.max_len):
        raise FieldError(f.name, "error.too_long", max=MAX_TEXT if f.multiline else f.max_len)


# Dates an office records: nothing before 1900, nothing past 2999 (past that, date
# arithmetic and the storage form run out of room: 9999-12-31 + 5 working days).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def check_year(moment, field: str = "date", value=None):
    """``moment`` (a date or datetime) if its year is in FIRST_YEAR..LAST_YEAR, else a FieldError."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise FieldError(field, "error.date_range", value=value if value is not None else str(moment),
                         first=FIRST_YEAR, last=LAST_YEAR)
    return moment


def parse_date(text: str, field: str = "date") -> date:
    raw = text.strip()
    norm = raw.replace("/", "-").replace(".", "-")
    norm = re.sub(r"(\d+)年(\d+)月(\d+)日?", r"\1-\2-\3", norm)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", norm)
    if not m:
        m8 = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", norm)
        m = m8
    if not m:
        raise FieldError(field, "error.bad_date", value=raw)
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise FieldError(field, "error.bad_date", value=raw) from None
    return check_year(day, field, raw)


_TRUE = {"1", "y", "yes", "true", "t", "是", "有", "√", "✓", "vip"}
_FALSE = {"0", "n", "no", "false", "f", "否", "无", "×", ""}


def parse_bool(text: str, field: str = "flag") -> bool:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise FieldError(field, "error.bad_bool", value=text)


def clean_record(schema: Schema, values: dict, *, partial: bool = False) -> dict:
    """Clean every field present in ``values``; raise the first FieldError.

    With ``partial`` (edits, upserts) absent fields are not required.
    """
    cleaned, errors = validate(schema, values, partial=partial)
    if errors:
        raise errors[0]
    return cleaned


def validate(schema: Schema, values: dict, *, partial: bool = False) -> tuple[dict, list[FieldError]]:
    """Clean a record and return every field error, for importers that report them all."""
    return _run(_schema_plan(schema), values, partial)


def validator(schema: Schema, columns) -> Callable[[dict], tuple[dict, list[FieldError]]]:
    """validate() for records that always hold the same keys (the columns of a CSV
    file): the fields absent and not required are left out of the loop once."""
    present = set(columns)
    steps = [p for p in _schema_plan(schema) if p[0].name in present or p[0].required]
    return lambda values: _run(steps, values, False)


def _run(steps, values: dict, partial: bool) -> tuple[dict, list[FieldError]]:
    errors: list[FieldError] = []
    out: dict = {}
    for f, plain, convert in steps:
        name = f.name
        if name not in values:
            if f.required and not partial:
                errors.append(FieldError(name, "error.required"))
            continue
        value = values[name]
        try:
            # the common case inline (an import calls this for every cell): plain text
            if type(value) is str and (text := value.strip()) and plain(text):
                out[name] = convert(text)
            else:
                out[name] = clean_value(f, value)
        except FieldError as e:
            errors.append(e)
            continue
        if f.required and out[name] is None:
            errors.append(FieldError(name, "error.required"))
    return out, errors


def _schema_plan(schema: Schema) -> list:
    hit = _PLANS.get(id(schema))
    if hit is None or hit[0] is not schema:
        hit = _PLANS[id(schema)] = (schema, [_plan(f) for f in schema.fields])
    return hit[1]
