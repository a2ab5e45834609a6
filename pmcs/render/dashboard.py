"""`pmcs today`: the clerk's dashboard, sized for an 80-column terminal."""
from __future__ import annotations

from pmcs.i18n import t
from pmcs.render.history import local_time
from pmcs.render.output import console, fit
from pmcs.render.remind import item_line, owner_name


def show(data: dict, max_rows: int = 12) -> None:
    from rich.table import Table

    c = console()
    now = data["now"]
    c.print(t("today.title", estate=data["estate"], now=local_time(now)), style="bold", markup=False)
    overdue = data["overdue"]
    c.print(t("today.overdue", count=len(overdue)), style="bold red" if overdue else "bold green", markup=False)
    for item in overdue[:max_rows]:
        text, _ = item_line(item, now)
        c.print(" " + fit(text, 60) + "  " + fit(owner_name(item.owner, data["staff"]), 16), style="red", markup=False)
    if len(overdue) > max_rows:
        c.print("  " + t("today.more", count=len(overdue) - max_rows, command="pmcs remind"), markup=False)
    c.print(t("today.due_today", count=len(data["due_today"])), style="bold", markup=False)
    for item in data["due_today"][:max_rows]:
        text, _ = item_line(item, now)
        c.print(" " + fit(text, 60) + "  " + fit(owner_name(item.owner, data["staff"]), 16), markup=False)
    if len(data["due_today"]) > max_rows:
        c.print("  " + t("today.more", count=len(data["due_today"]) - max_rows, command="pmcs remind --within 0wd"), markup=False)

    steps = Table(title=t("today.by_step"), title_justify="left", header_style="bold", width=min(c.width, 80))
    steps.add_column(t("today.kind"))
    steps.add_column(t("col.step"))
    steps.add_column(t("today.open"), justify="right")
    steps.add_column(t("status.on_hold"), justify="right")
    counts: dict = {}
    for r in data["by_step"]:
        cell = counts.setdefault((r["kind"], r["step"]), [0, 0])
        cell[0 if r["status"] == "open" else 1] += r["n"]
    for (kind, step), (n_open, n_hold) in sorted(counts.items(), key=lambda kv: (kv[0][0], _order(*kv[0]))):
        steps.add_row(t(f"kind.{kind}"), t(f"step.{kind}.{step}"), str(n_open), str(n_hold or ""))
    if counts:
        c.print(steps)
    w = data["week"]
    rate = f"{100 * w['on_time'] / w['steps_done']:.0f}%" if w["steps_done"] else "-"
    c.print(t("today.week", new=w["new"], closed=w["closed"], rate=rate, steps=w["steps_done"]), markup=False)


def _order(kind: str, step: str) -> int:
    from pmcs.core.workflow import WORKFLOWS

    codes = [s.code for s in WORKFLOWS[kind].steps]
    return codes.index(step) if step in codes else 99
