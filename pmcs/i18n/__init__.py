"""Message catalogue: every user-visible string, in English and Simplified Chinese.

Catalogues live in ``pmcs/i18n/catalog_*.py``; each holds a dict
``MESSAGES = {key: (english, chinese)}`` so both languages of a string sit on
one line and cannot drift apart. Enumerations (roles, teams, statuses …) are
catalogued as ``enum.<name>.<code>`` and parsed from either language by
:func:`parse_choice`.
"""
from __future__ import annotations

import os
import sys

from pmcs.i18n import (
    catalog_calendar,
    catalog_cases,
    catalog_common,
    catalog_handover,
    catalog_office,
    catalog_registry,
    catalog_reports,
    catalog_survey,
)

LANGS = ("en", "zh")
_CATALOG: dict[str, tuple[str, str]] = {}
for _mod in (
    catalog_common,
    catalog_registry,
    catalog_calendar,
    catalog_cases,
    catalog_office,
    catalog_handover,
    catalog_survey,
    catalog_reports,
):
    _CATALOG.update(_mod.MESSAGES)

ENUMS: dict[str, tuple[str, ...]] = {}
for _key in _CATALOG:
    if _key.startswith("enum."):
        _, _name, _code = _key.split(".", 2)
        ENUMS.setdefault(_name, ())
        ENUMS[_name] = ENUMS[_name] + (_code,)


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Later capabilities add their catalogue here (one module per area)."""
    _CATALOG.update(messages)
    for key in messages:
        if key.startswith("enum."):
            _, name, code = key.split(".", 2)
            if code not in ENUMS.get(name, ()):
                ENUMS[name] = ENUMS.get(name, ()) + (code,)


def detect_lang(argv=None, environ=None) -> str:
    """--lang on the command line, else PMCS_LANG, else LANG/LC_ALL, else en."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalise_lang(argv[i + 1])
        if arg.startswith("--lang="):
            return normalise_lang(arg.split("=", 1)[1])
    if environ.get("PMCS_LANG"):
        return normalise_lang(environ["PMCS_LANG"])
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(var):
            return "zh" if environ[var].lower().startswith("zh") else "en"
    return "en"


def normalise_lang(value: str) -> str:
    return known_lang(value) or "en"


def known_lang(value: str) -> str | None:
    """en or zh for what --lang / PMCS_LANG may say (en, en_US, zh, zh_CN.UTF-8, 中文, cn); else None."""
    value = (value or "").strip().lower()
    if value.startswith("zh") or value in ("中文", "cn"):
        return "zh"
    if value.startswith("en") or value in ("英文", "english"):
        return "en"
    return None


_lang = detect_lang()


def set_lang(lang: str) -> None:
    global _lang
    _lang = normalise_lang(lang)


def get_lang() -> str:
    return _lang


def t(key: str, **params) -> str:
    entry = _CATALOG.get(key)
    if entry is None:
        text = key  # a missing key shows itself; tests/test_i18n.py catches it
    else:
        text = entry[1] if _lang == "zh" else entry[0]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def label(enum: str, code: str | None) -> str:
    """Display label of an enumeration value in the current language."""
    if code is None or code == "":
        return ""
    return t(f"enum.{enum}.{code}") if f"enum.{enum}.{code}" in _CATALOG else str(code)


_CHOICE_CACHE: dict[tuple[str, str], str] = {}


def parse_choice(enum: str, value: str, field: str | None = None) -> str:
    """Accept the code, the English label or the Chinese label (case-insensitive)."""
    hit = _CHOICE_CACHE.get((enum, value))
    if hit is not None:  # imports parse the same few values 100,000 times
        return hit
    code = _parse_choice(enum, value, field)
    if len(_CHOICE_CACHE) < 10_000:
        _CHOICE_CACHE[(enum, value)] = code
    return code


# other words offices write for a choice (Excel sheets, habit): word -> code
ALIASES = {
    "link_role": {"家属": "family", "产权人": "owner", "房主": "owner", "租客": "tenant", "承租人": "tenant",
                  "住户": "occupant", "实际居住人": "occupant"},
    "staff_role": {"主管": "supervisor", "客服": "clerk", "主任": "manager", "经理": "manager"},
}


def _parse_choice(enum: str, value: str, field: str | None) -> str:
    from pmcs.errors import FieldError

    raw = (value or "").strip()
    low = raw.lower()
    if raw in ALIASES.get(enum, {}):
        return ALIASES[enum][raw]
    for code in ENUMS.get(enum, ()):
        en, zh = _CATALOG[f"enum.{enum}.{code}"]
        if low in (code.lower(), en.lower(), zh) or raw == zh:
            return code
        # also accept parts of slash-separated labels such as 秩序/护卫
        if "/" in zh and raw in zh.split("/"):
            return code
    raise FieldError(
        field or enum,
        "error.bad_choice",
        value=raw,
        choices=", ".join(f"{c} ({_CATALOG[f'enum.{enum}.{c}'][1]})" for c in ENUMS.get(enum, ())),
    )


def choices(enum: str) -> tuple[str, ...]:
    return ENUMS.get(enum, ())


def catalog() -> dict[str, tuple[str, str]]:
    return dict(_CATALOG)
