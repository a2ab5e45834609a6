"""Demo fee status (``pmcs demo``): the last three months of management fees for every
unit in use, as finance would export them. Units whose owners complained lately pay
late more often (the manuals: satisfaction and fee collection move together), so
``pmcs fees risk`` has something to show. Written like an import: one event per record."""
from __future__ import annotations

import random

from pmcs.core import report as periods

RATE_FEN = {"residential": 280, "commercial": 500}  # per m² and month
PARKING_FEN = 15000
USED = ("occupied", "handed_over", "renovating")


def add_demo_fees(s, seed: int) -> int:
    from pmcs.store.fees import FeeWriter, demo_units, units_with_trouble

    rng = random.Random(f"pmcs-demo-fees-{seed}")
    month = periods.month_of(s.today())
    months = [month.previous().previous().label, month.previous().label, month.label]
    units = demo_units(s.db, USED)
    unhappy = units_with_trouble(s.db)
    writer = FeeWriter(s.db, s.now_iso(), s.actor, "demo")
    count = 0
    for unit_id, code, kind, area in units:
        due = PARKING_FEN if kind == "parking" else round((area or 90) * RATE_FEN.get(kind, 280))
        late = 0.35 if unit_id in unhappy else 0.06
        for i, period in enumerate(months):
            if writer.existing(unit_id, period) is not None:
                continue
            paid = due if rng.random() > late * (1.6 if i == 2 else 1) else (0 if rng.random() < 0.7 else due // 2)
            after = f'{{"due": "{due / 100:.2f}", "paid": "{paid / 100:.2f}"}}'
            writer.put(unit_id, f"{code}/{period}", period, due, paid, "create", None, after)
            count += 1
    writer.flush()
    return count
