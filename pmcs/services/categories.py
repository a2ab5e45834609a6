"""Complaint categories (DESIGN §1.1: "default list, editable"): list, add, disable, enable.

A category is never deleted (old complaints keep pointing at it); a disabled one
is refused for new complaints and still shown on old ones.
"""
from __future__ import annotations

import re

from pmcs.core.fields import Field, clean_value
from pmcs.errors import FieldError, NotFound, UserError
from pmcs.store import cases as q

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
_LABEL = {"en": Field("en", max_len=40), "zh": Field("zh", max_len=40)}


def list_categories(s) -> list[dict]:
    rows = q.categories(s.db, include_inactive=True)
    return [r | {"active": bool(r["active"])} for r in rows]


def find_category(s, text: str) -> dict:
    """By code, English or Chinese label; disabled ones too."""
    raw = (text or "").strip()
    for c in q.categories(s.db, include_inactive=True):
        if raw.lower() in (c["code"].lower(), c["en"].lower()) or raw == c["zh"]:
            return c
    raise NotFound("error.category_not_found", hint="hint.categories", ref=raw)


def add_category(s, code: str, en: str, zh: str, parent: str | None = None) -> dict:
    code = (code or "").strip().lower()
    if not _CODE.match(code):
        raise FieldError("code", "error.category_code", value=code)
    labels = {}
    for name, value in (("en", en), ("zh", zh)):
        labels[name] = clean_value(_LABEL[name], value)
        if not labels[name]:
            raise FieldError(name, "error.required")
    with s.write():
        existing = q.categories(s.db, include_inactive=True)
        if any(c["code"] == code for c in existing):
            raise UserError("error.exists", what=_t("what.category"), ref=code)
        for c in existing:  # a label must find one category only
            if labels["en"].lower() in (c["en"].lower(), c["code"]) or labels["zh"] == c["zh"]:
                raise UserError("error.category_label_taken", ref=c["code"], en=labels["en"], zh=labels["zh"])
        parent_code = None
        if parent:
            top = find_category(s, parent)
            if top["parent"]:
                raise FieldError("parent", "error.category_parent_nested", value=top["code"], parent=top["parent"])
            parent_code = top["code"]
        q.add_category(s.db, code, labels["en"], labels["zh"], parent_code)
        after = {"en": labels["en"], "zh": labels["zh"], "parent": parent_code, "active": True}
        s.record("category", code, "create", None, after)
    return {"code": code, **after}


def set_active(s, text: str, active: bool) -> dict:
    """Disable or enable; returns the category with ``changed``."""
    with s.write():
        cat = find_category(s, text)
        changed = bool(cat["active"]) != active
        if changed:
            q.set_category_active(s.db, cat["code"], active)
            s.record("category", cat["code"], "enable" if active else "disable",
                     {"active": not active}, {"active": active})
    return cat | {"active": active, "changed": changed}


def _t(key, **kw):
    from pmcs.i18n import t

    return t(key, **kw)
