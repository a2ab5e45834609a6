"""Lists in every format: table (Rich), csv, json, jsonl."""
from __future__ import annotations

import json
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
    from rich.table import Table

    t = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for _, header in columns:
        t.add_column(header, overflow="fold")
    for r in rows:
        t.add_row(*(_cell(r.get(k)) for k, _ in columns))
    c = console()
    c.print(t)
    if footer:
        c.print(footer)


def key_values(title: str, pairs: list[tuple[str, object]]) -> None:
    from rich.table import Table

    t = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2, 0, 0))
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    for k, v in pairs:
        t.add_row(k, _cell(v))
    console().print(t)


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
