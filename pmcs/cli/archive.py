"""pmcs archive check|purge"""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import DryRunOpt, FormatOpt, check_format, done, session
from pmcs.i18n import t

app = typer.Typer(help=t("cmd.archive"), no_args_is_help=True)


@app.command("check", help=t("cmd.archive.check"))
def check(format: str = FormatOpt):
    from pmcs.render.report_lists import archive_check
    from pmcs.services.archive import check as run_check

    fmt = check_format(format)
    archive_check(run_check(session()), fmt)


@app.command("purge", help=t("cmd.archive.purge"))
def purge(closed_before: str = typer.Option(..., "--closed-before", help=t("opt.closed_before")),
          approved_by: Optional[str] = typer.Option(None, "--approved-by", help=t("opt.approved_by")),
          out: Optional[str] = typer.Option(None, "--out", help=t("opt.purge_out")),
          dry_run: bool = DryRunOpt, format: str = FormatOpt):
    from pmcs.services.archive import purge as run_purge

    fmt = check_format(format)
    result = run_purge(session(), closed_before, approved_by=approved_by, out=out, dry_run=dry_run)
    if result["dry_run"]:
        from pmcs.render.report_lists import purge_list

        purge_list(result["rows"], fmt)
        if fmt == "table":
            done("archive.dry_run", cases=result["cases"], steps=result["steps"], date=closed_before,
                 held=result["held"])
        return
    done("archive.purged", cases=result["cases"], steps=result["steps"], approver=result["approved_by"],
         file=result["file"], sha256=result["sha256"][:16], held=result["held"])
