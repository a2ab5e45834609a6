"""pmcs remind (for cron) and pmcs today (the clerk's dashboard)."""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import check_format, session
from pmcs.i18n import t


def remind(within: str = typer.Option("1wd", "--within", help=t("opt.within")),
           for_staff: Optional[str] = typer.Option(None, "--for", help=t("opt.for_staff")),
           source: Optional[str] = typer.Option(None, "--source", help=t("opt.source")),
           fail_on: str = typer.Option("overdue", "--fail-on", help=t("opt.fail_on")),
           format: str = typer.Option("text", "--format", "-f", help=t("opt.remind_format"))):
    from pmcs.render.remind import emit
    from pmcs.services.remind import remind as compute

    fmt = check_format(format, ("text", "json", "jsonl"))
    result = compute(session(), within=within, for_staff=for_staff, sources=source, fail_on=fail_on)
    emit(result, fmt)
    if result["exit_code"]:
        raise typer.Exit(result["exit_code"])


def today():
    from pmcs.render.dashboard import show
    from pmcs.services.remind import dashboard

    show(dashboard(session()))
