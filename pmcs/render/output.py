"""Lists in every format: table (a plain aligned grid), csv, json, jsonl."""
from __future__ import annotations

import json
import os
import re
import sys

FORMATS = ("table", "csv", "json", "jsonl")


def console(stderr: bool = False):
    """The one Rich console. Strings are drawn as they are: no markup (a name
    holding ``[/red]`` must not break or restyle a table), no ``:emoji:`` codes,
    no highlighting. Styles are given with ``style=`` or ``rich.text.Text``."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False)


def emit_rows(rows: list[dict], columns: list[tuple[str, str]], fmt: str = "table", *, title: str | None = None,
              footer: str | None = None, out=None) -> None:
    """``columns`` is [(key, header)]; tables show headers, data formats use keys."""
    out = out or sys.stdout
    if fmt == "json":
        json.dump([{k: r.get(k) for k, _ in columns} for r in rows], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps({k: r.get(k) for k, _ in columns}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        from pmcs import csvio

        csvio.write_csv(out, [k for k, _ in columns], ({k: r.get(k) for k, _ in columns} for r in rows))
    else:
        table(rows, columns, title=title, footer=footer)


def table(rows, columns, *, title=None, footer=None) -> None:
    """A list as a plain aligned grid (see :func:`grid`): the widest columns give way first."""
    cells = [[_cell(r.get(k)).replace("\n", ", ") for k, _ in columns] for r in rows]
    grid(title, [h for _, h in columns], cells, footer=footer)


def grid(title: str | None, headers: list[str], rows: list[list[str]], *, red: list[bool] | None = None,
         give_way: tuple[int, ...] | None = None, wrap: bool = True, footer: str | None = None) -> None:
    """A plain aligned table (CJK-wide characters count two cells); rows flagged in ``red`` are
    red on a terminal. Too wide for the terminal, the columns in ``give_way`` (by default the
    widest first) narrow, down to 8 cells: their text wraps onto more lines (``wrap``), or is
    cut with "…" (one line a row, for lists scanned by eye). Rich's Table costs ~2 ms a row;
    a clerk's list of a hundred rows must appear at once."""
    import shutil

    from rich.cells import cell_len

    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    room = shutil.get_terminal_size((100, 24)).columns - 2 * (len(headers) - 1)
    if give_way is not None:
        for i in give_way:
            over = sum(widths) - room
            if over > 0:
                widths[i] = max(widths[i] - over, min(widths[i], 8))
    else:  # dates, refs and codes keep their width while a column of prose can wrap
        content = [max([min(8, max(map(cell_len, h.split(" "))))] + [cell_len(r[i]) for r in rows])
                   for i, h in enumerate(headers)]  # the cells, and the header's longest word (≤ 8)
        atomic = [all(_ATOMIC(r[i]) for r in rows) for i in range(len(headers))]
        _level(widths, room, [c if a else min(w, 8) for w, c, a in zip(widths, content, atomic)])
        _level(widths, room, [min(w, 8) for w in widths])
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    out = [title] if title else []
    heads = [_wrap(h, w) if wrap and cell_len(h) > w else [fit(h, w)] for h, w in zip(headers, widths)]
    for k in range(max(len(h) for h in heads)):  # a header wraps like its cells (not cut to "Respons…")
        out.append("  ".join(_styled(pad(h[k] if k < len(h) else "", w), "1", color)
                             for h, w in zip(heads, widths)).rstrip())
    out.append("  ".join("─" * w for w in widths))
    for n, row in enumerate(rows):
        if wrap:
            parts = [_wrap(cell, w) if cell_len(cell) > w else [cell] for cell, w in zip(row, widths)]
        else:
            parts = [[fit(cell, w)] for cell, w in zip(row, widths)]
        for k in range(max(len(p) for p in parts)):
            line = "  ".join(pad(p[k] if k < len(p) else "", w) for p, w in zip(parts, widths)).rstrip()
            out.append(_styled(line, "31", color and bool(red and red[n])))
    if footer:
        columns = shutil.get_terminal_size((100, 24)).columns
        out.extend(_wrap(footer, columns) if cell_len(footer) > columns else [footer])
    sys.stdout.write("\n".join(out) + "\n")


# a cell that must not wrap: a date, a time, a ref, a code, a number (ASCII, at most one space)
_ATOMIC = re.compile(r"[!-~]{0,16}( [!-~]{1,8})?").fullmatch


def _level(widths: list[int], room: int, floors: list[int]) -> None:
    """Narrow the widest columns to a common width until the row fits ``room``, none below its
    floor: one long label no longer squeezes every other column, dates included, to 8."""
    while sum(widths) > room:
        movable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not movable:
            return
        top = max(widths[i] for i in movable)
        wide = [i for i in movable if widths[i] == top]
        below = max([widths[i] for i in movable if widths[i] < top], default=0)
        cut = -(-(sum(widths) - room) // len(wide))  # spread over the widest, rounded up
        for i in wide:
            widths[i] = max(top - cut, below, floors[i])


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells, broken at spaces where there are any (numbers and
    codes stay whole); a word longer than the line (Chinese text has no spaces) is cut."""
    from rich.cells import cell_len, chop_cells

    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        joined = f"{current} {word}" if current else word
        if cell_len(joined) <= width:
            current = joined
            continue
        if current:
            lines.append(current)
        pieces = chop_cells(word, width) if cell_len(word) > width else [word]
        lines.extend(pieces[:-1])
        current = pieces[-1] if pieces else ""
    lines.append(current)
    return lines


def _styled(text: str, sgr: str, on: bool) -> str:
    return f"\x1b[{sgr}m{text}\x1b[0m" if on else text


def key_values(title: str, pairs: list[tuple[str, object]]) -> None:
    """A record as label/value lines under a title: labels aligned (bold on a terminal),
    long values wrapped at the terminal's width, lines of a multi-line value kept.
    Plain text like :func:`grid`: importing Rich's Table costs ~40 ms a command."""
    import shutil

    from rich.cells import cell_len

    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = max((cell_len(k) for k, _ in pairs), default=0)
    room = max(shutil.get_terminal_size((100, 24)).columns - width - 2, 8)
    out = [title] if title else []
    for label, value in pairs:
        lines = [piece for para in _cell(value).split("\n")
                 for piece in (_wrap(para, room) if cell_len(para) > room else [para])]
        for n, text in enumerate(lines):
            head = _styled(pad(label, width), "1", color) if n == 0 else " " * width
            out.append(f"{head}  {text}".rstrip())
    sys.stdout.write("\n".join(out) + "\n")


def line(text: str) -> None:
    """A plain line: never wrapped or styled, so scripts can read it."""
    sys.stdout.write(text + "\n")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def pad(text: str, width: int) -> str:
    """Pad to a width in terminal cells (a Chinese character takes two)."""
    from rich.cells import cell_len

    return text + " " * max(width - cell_len(text), 0)


def fit(text: str, width: int) -> str:
    """Cut to at most ``width`` terminal cells, with an ellipsis when cut."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"
