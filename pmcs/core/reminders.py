"""The one reminder model: every source of deadlines yields DueItems."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime


@dataclass(slots=True)  # not frozen: a frozen init costs 1 µs more per item, and cron may list 16,000
class DueItem:
    kind: str  # source: complaint, repair, request, duty, comms, rectification, refund, renovation, survey_action …
    ref: str  # what the clerk types to act on it: TS-2026-0042, a duty name, C-12 …
    what: str  # one line, in the user's language
    unit: str | None
    owner: str | None  # staff code (acceptor for complaints, handler/technician where there is one)
    due_at: str  # ISO-8601 UTC
    severity: str = "normal"  # normal | major | emergency

    def overdue_minutes(self, now_iso: str) -> int:
        """Minutes past due (negative: not yet due)."""
        due = datetime.fromisoformat(self.due_at.replace("Z", "+00:00"))
        now = datetime.fromisoformat(now_iso.replace("Z", "+00:00"))
        return int((now - due).total_seconds() // 60)

    def as_dict(self, now_iso: str) -> dict:
        return asdict(self) | {"overdue_minutes": max(self.overdue_minutes(now_iso), 0)}


def sort_items(items, now_iso: str) -> list[DueItem]:
    """Grouped by owner, most overdue first."""
    return sorted(items, key=lambda i: (i.owner or "~", i.due_at, i.ref))
