"""`pmcs today`: the clerk's dashboard, sized for an 80-column terminal.

Plain text with ANSI styles on a terminal (none when piped or with NO_COLOR), like
render/cases.text_table: importing Rich's console and table costs ~60 ms of a command
the clerk runs many times a day (docs/performance.md)."""
from __future__ import annotations

import os
import sys

from pmcs.i18n import t
from pmcs.render.history import local_time
from pmcs.render.output import fit, pad
from pmcs.render.remind import line_maker, owner_name

STYLES = {"bold": "1", "red": "31", "bold red": "1;31", "bold green": "1;32"}


def show(data: dict, out=None) -> None:
    """The service gives the counts and the first few items of each list (``dashboard(rows=…)``)."""
    import shutil

    out = out or sys.stdout
    width = min(shutil.get_terminal_size((80, 24)).columns, 80)
    color = out.isatty() and not os.environ.get("NO_COLOR")
    lines: list[str] = []

    def say(text: str, style: str | None = None) -> None:
        from rich.cells import cell_len, chop_cells

        for part in (chop_cells(text, width) if cell_len(text) > width else [text]):
            lines.append(f"\x1b[{STYLES[style]}m{part}\x1b[0m" if style and color else part)

    now = data["now"]
    item_line = line_maker(now)
    say(t("today.title", estate=data["estate"], now=local_time(now)), "bold")
    overdue, n_overdue = data["overdue"], data["overdue_count"]
    say(t("today.overdue", count=n_overdue), "bold red" if n_overdue else "bold green")
    for item in overdue:
        text, _ = item_line(item)
        say(" " + fit(text, 60) + "  " + fit(owner_name(item.owner, data["staff"]), 16), "red")
    if n_overdue > len(overdue):
        say("  " + t("today.more", count=n_overdue - len(overdue), command="pmcs remind"))
    n_today = data["due_today_count"]
    say(t("today.due_today", count=n_today), "bold")
    for item in data["due_today"]:
        text, _ = item_line(item)
        say(" " + fit(text, 60) + "  " + fit(owner_name(item.owner, data["staff"]), 16))
    if n_today > len(data["due_today"]):
        say("  " + t("today.more", count=n_today - len(data["due_today"]), command="pmcs remind --within 0wd"))
    counts: dict = {}
    for r in data["by_step"]:
        cell = counts.setdefault((r["kind"], r["step"]), [0, 0])
        cell[0 if r["status"] == "open" else 1] += r["n"]
    if counts:
        rows = [(t(f"kind.{kind}"), t(f"step.{kind}.{step}"), str(n_open), str(n_hold or ""))
                for (kind, step), (n_open, n_hold) in sorted(counts.items(), key=lambda kv: (kv[0][0], _order(*kv[0])))]
        _table(say, (t("today.kind"), t("col.step"), t("today.open"), t("status.on_hold")), rows, width)
    w = data["week"]
    rate = f"{100 * w['on_time'] / w['steps_done']:.0f}%" if w["steps_done"] else "-"
    say(t("today.week", new=w["new"], closed=w["closed"], rate=rate, steps=w["steps_done"]))
    out.write("\n".join(lines) + "\n")


def _table(say, headers: tuple, rows: list[tuple], width: int) -> None:
    """Open cases by step: two text columns, two counts aligned right."""
    from rich.cells import cell_len

    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    over = sum(widths) + 2 * (len(widths) - 1) - width
    if over > 0:  # the step names give way first, then the kinds
        for i in (1, 0):
            cut = min(over, max(widths[i] - 8, 0))
            widths[i] -= cut
            over -= cut

    def line(cells) -> str:
        return "  ".join(pad(fit(c, w), w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    say(t("today.by_step"), "bold")
    say(line(headers).rstrip(), "bold")
    say("  ".join("─" * w for w in widths))
    for r in rows:
        say(line(r).rstrip())


def _order(kind: str, step: str) -> int:
    from pmcs.core.workflow import WORKFLOWS

    codes = [s.code for s in WORKFLOWS[kind].steps]
    return codes.index(step) if step in codes else 99
