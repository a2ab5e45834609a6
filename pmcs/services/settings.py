"""Office settings kept in the ``meta`` table: ``pmcs config set|get KEY``.

Each setting is declared once here (its meta key, bounds and default); the
case engine reads them through :func:`get_int`.
"""
from __future__ import annotations

from dataclasses import dataclass

from pmcs.errors import FieldError
from pmcs.store import registry as q


@dataclass(frozen=True)
class Setting:
    name: str  # as typed on the command line: repeat-days
    meta_key: str  # where it is stored: repeat_days
    default: int
    low: int
    high: int
    help_key: str


SETTINGS = {s.name: s for s in (
    Setting("repeat-days", "repeat_days", 30, 1, 366, "setting.repeat_days"),
)}


def _setting(name: str) -> Setting:
    key = (name or "").strip().lower().replace("_", "-")
    if key not in SETTINGS:
        raise FieldError("setting", "error.setting_unknown", hint="hint.setting_list", value=name,
                         choices=", ".join(SETTINGS))
    return SETTINGS[key]


def _parse(setting: Setting, value) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise FieldError("value", "error.bad_number", value=value) from None
    if not setting.low <= number <= setting.high:
        raise FieldError("value", "error.setting_range", value=value, setting=setting.name,
                         low=setting.low, high=setting.high)
    return number


def get_int(db, name: str) -> int:
    """The value in force (the office's, else the default); a damaged stored value counts as unset."""
    setting = SETTINGS[name]
    stored = q.meta_get(db, setting.meta_key)
    try:
        number = int(stored) if stored is not None else setting.default
    except ValueError:
        return setting.default
    return number if setting.low <= number <= setting.high else setting.default


def get_setting(s, name: str) -> dict:
    setting = _setting(name)
    stored = q.meta_get(s.db, setting.meta_key)
    return {"key": setting.name, "value": get_int(s.db, setting.name), "default": setting.default,
            "changed": stored is not None and get_int(s.db, setting.name) != setting.default,
            "description": _t(setting.help_key)}


def list_settings(s) -> list[dict]:
    return [get_setting(s, name) for name in SETTINGS]


def set_setting(s, name: str, value) -> dict:
    setting = _setting(name)
    number = _parse(setting, value)
    with s.write():
        before = get_int(s.db, setting.name)
        stored = q.meta_get(s.db, setting.meta_key)
        changed = stored != str(number)
        if changed:
            q.meta_set(s.db, setting.meta_key, str(number))
            s.record("config", setting.name, "update", {"value": before}, {"value": number})
    return {"key": setting.name, "value": number, "before": before, "changed": changed}


def _t(key, **kw):
    from pmcs.i18n import t

    return t(key, **kw)
