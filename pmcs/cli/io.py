"""Import and export glue shared by every noun: progress, summary, output file."""
from __future__ import annotations

from pmcs.cli.common import done, session
from pmcs.i18n import t


def run_import(importer, file: str, *, mode: str, encoding, dry_run: bool) -> None:
    import sys

    s = session()
    if sys.stderr.isatty() and file != "-":
        from pmcs.render.progress import counting

        with counting(t("import.progress")) as tick:
            result = importer(s, file, mode=mode, encoding=encoding, dry_run=dry_run, progress=tick)
    else:
        result = importer(s, file, mode=mode, encoding=encoding, dry_run=dry_run)
    if result.dry_run:
        done("import.dry_run", file=result.file, rows=result.rows)
    else:
        done("import.summary", file=result.file, rows=result.rows, inserted=result.inserted, updated=result.updated)
        if result.deadlines_moved:
            from pmcs.cli.calendar import said_moved

            said_moved(result.deadlines_moved)


def run_export(rows_fn, output, encoding, **kw) -> None:
    import sys

    from pmcs import csvio

    enc = csvio.normalise_encoding(encoding) or "utf-8-sig"
    columns, rows = rows_fn(session(), **kw)
    with csvio.open_output(output, enc) as out:
        count = csvio.write_csv(out, columns, rows)
    if output and output != "-":
        sys.stderr.write(t("export.done", rows=count, path=output) + "\n")
