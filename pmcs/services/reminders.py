"""The registry of due-item providers. Each capability registers one:

    from pmcs.services.reminders import provider

    @provider("rectification")
    def due_rectifications(s, until_iso: str):
        ...yield DueItem(...) for everything due at or before until_iso (overdue included)

``PROVIDER_MODULES`` lists the modules to import so their providers register.
"""
from __future__ import annotations

import importlib

from pmcs.core.reminders import DueItem

PROVIDERS: dict = {}
PROVIDER_MODULES = [
    "pmcs.services.case_reminders",
    "pmcs.services.duties",
    "pmcs.services.comms",
    "pmcs.services.rectification",
    "pmcs.services.renovation",
    "pmcs.services.survey_actions",
]


def provider(name: str):
    def register(fn):
        PROVIDERS[name] = fn
        return fn

    return register


WINDOWS: dict = {}  # provider name → fn(s, since_iso, before_iso, first) -> (count, first items)


def window(name: str):
    """Register a provider's fast path for :func:`due_window` (optional)."""
    def register(fn):
        WINDOWS[name] = fn
        return fn

    return register


def load() -> dict:
    for mod in PROVIDER_MODULES:
        importlib.import_module(mod)
    return PROVIDERS


def due_items(s, until_iso: str, sources=None) -> list[DueItem]:
    items: list[DueItem] = []
    for name, fn in load().items():
        if sources and name not in sources:
            continue
        items.extend(fn(s, until_iso))
    return items


def due_window(s, since_iso: str | None, before_iso: str, first: int) -> tuple[int, list[DueItem]]:
    """How many items fall due in [since, before) (no lower bound for None), and the first
    ``first`` of them by due time. Providers with a registered window answer from SQL; the
    others are walked and filtered."""
    total, firsts = 0, []
    for name, fn in load().items():
        if name in WINDOWS:
            n, items = WINDOWS[name](s, since_iso, before_iso, first)
        else:
            items = [i for i in fn(s, before_iso) if i.due_at < before_iso and (since_iso is None or i.due_at >= since_iso)]
            n = len(items)
        total += n
        firsts.extend(items)
    firsts.sort(key=lambda i: (i.due_at, i.ref))
    return total, firsts[:first]


__all__ = ["DueItem", "provider", "window", "due_items", "due_window", "load"]
