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


__all__ = ["DueItem", "provider", "due_items", "load"]
