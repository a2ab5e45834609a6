"""A progress counter for long work on a terminal (nothing when piped)."""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def counting(label: str):
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,}"),
                  TimeElapsedColumn(), transient=True) as progress:
        task = progress.add_task(label, total=None)
        yield lambda n: progress.update(task, completed=n)
