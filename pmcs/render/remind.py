"""`pmcs remind` output: plain text for cron mail (colour only on a terminal), JSON for scripts."""
from __future__ import annotations

import json
import sys
from datetime import datetime
from itertools import groupby
from operator import attrgetter

from pmcs.i18n import t
from pmcs.render.cases import duration_text, duration_units
from pmcs.render.history import local_time
from pmcs.render.output import pad as wide_pad


def owner_name(code, staff: dict) -> str:
    if not code:
        return t("remind.no_owner")
    return f"{staff[code]} ({code})" if code in staff else code


def pad(text: str, width: int) -> str:
    """output.pad, without asking Rich for the common ASCII text (a cron run may print 10,000+ lines)."""
    return text.ljust(width) if text.isascii() else wide_pad(text, width)


def line_maker(now_iso: str):
    """item -> (its line, is it late), with "now" parsed and the words looked up once for all
    the lines (a cron run may print 16,000)."""
    now = datetime.fromisoformat(now_iso.replace("Z", "+00:00"))
    late_text, due_text, units = t("remind.late"), t("remind.due"), duration_units()
    parse = datetime.fromisoformat

    def line(item) -> tuple[str, bool]:
        # = item.overdue_minutes(now_iso)
        late = int((now - parse(item.due_at.replace("Z", "+00:00"))).total_seconds() // 60)
        if late > 0:
            when = late_text.format(late=duration_text(late, units))
        else:
            when = due_text.format(due=local_time(item.due_at)[5:])
        mark = "!" if item.severity in ("major", "emergency") else " "
        return f"{mark} {pad(when, 16)} {pad(item.ref, 14)} {pad(item.unit or '-', 10)} {item.what}", late > 0

    return line


def emit(result: dict, fmt: str, out=None) -> None:
    out = out or sys.stdout
    items, now = result["items"], result["now"]
    if fmt in ("json", "jsonl"):
        rows = [i.as_dict(now) | {"owner_name": result["staff"].get(i.owner)} for i in items]
        if fmt == "json":
            json.dump(rows, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            for r in rows:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    if not items:
        return  # silent: cron mails nothing
    tty = out.isatty()
    lines: list[tuple[str, str | None]] = [
        (t("remind.header", now=local_time(now), overdue=result["overdue"], due=len(items) - result["overdue"]), "bold")]
    line = line_maker(now)
    for owner, group in groupby(items, key=attrgetter("owner")):  # items come grouped by owner (sort_items)
        lines.append(("", None))
        lines.append((owner_name(owner, result["staff"]), "bold"))
        for item in group:
            text, late = line(item)
            lines.append(("  " + text, "red" if late else None))
    if tty:
        from pmcs.render.output import console

        c = console()
        for text, style in lines:
            c.print(text, style=style, markup=False, highlight=False, soft_wrap=True)
    else:
        out.write("\n".join(text for text, _ in lines) + "\n")
