"""Due items from cases: the running step of every open case (not on hold)."""
from __future__ import annotations

from pmcs.core.reminders import DueItem
from pmcs.core.scores import HANDLER_STEPS
from pmcs.i18n import t
from pmcs.services.reminders import provider, window
from pmcs.store.office import due_open_steps, due_open_steps_window


def _items(rows):
    labels: dict = {}  # (kind, step) → its name: thousands of items share a few dozen
    for r in rows:
        kind = r["kind"]
        what = labels.get((kind, r["step"]))
        if what is None:
            what = labels[kind, r["step"]] = t(f"step.{kind}.{r['step']}")
        # 谁受理，谁跟进: the acceptor, but for the steps the handler carries out (the complaint's
        # proposal, the repair itself): the one reminded is the one the scorecard holds to it
        owner = r["handler"] if (kind, r["step"]) in HANDLER_STEPS and r["handler"] else r["acceptor"]
        variant = r["severity"] if kind == "complaint" else r["urgency"] if kind == "repair" else None
        yield DueItem(kind=kind, ref=r["number"], what=what, unit=r["unit"], owner=owner,
                      due_at=r["due_at"], severity=variant if variant in ("major", "emergency") else "normal")


@provider("case")
def due_case_steps(s, until_iso: str):
    return _items(due_open_steps(s.db, until_iso))


@window("case")
def case_steps_window(s, since_iso, before_iso, first):
    """The dashboard's count and first few, from SQL: an office with a backlog of thousands
    must not build every item to show twelve."""
    n, rows = due_open_steps_window(s.db, since_iso, before_iso, first)
    return n, list(_items(rows))
