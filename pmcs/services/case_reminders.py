"""Due items from cases: the running step of every open case (not on hold)."""
from __future__ import annotations

from pmcs.core.reminders import DueItem
from pmcs.i18n import t
from pmcs.services.reminders import provider
from pmcs.store.office import due_open_steps


@provider("case")
def due_case_steps(s, until_iso: str):
    for r in due_open_steps(s.db, until_iso):
        kind = r["kind"]
        # 谁受理，谁跟进: complaints go to the acceptor; repairs to the technician once dispatched
        owner = r["handler"] if kind == "repair" and r["handler"] else r["acceptor"]
        variant = r["severity"] if kind == "complaint" else r["urgency"] if kind == "repair" else None
        yield DueItem(kind=kind, ref=r["number"], what=t(f"step.{kind}.{r['step']}"), unit=r["unit"], owner=owner,
                      due_at=r["due_at"], severity=variant if variant in ("major", "emergency") else "normal")
