"""pmcs report monthly|quarterly"""
from __future__ import annotations

from typing import List, Optional

import typer

from pmcs.cli.common import check_format, done, session
from pmcs.i18n import t

app = typer.Typer(help=t("cmd.report"), no_args_is_help=True)

OfficeOpt = typer.Option(None, "--office", help=t("opt.report_office"))
HtmlOpt = typer.Option(None, "--html", help=t("opt.report_html"))
ReportFormatOpt = typer.Option("table", "--format", "-f", help=t("opt.report_format"))


def _run(kind: str, period: Optional[str], office: Optional[List[str]], html: Optional[str], format: str) -> None:
    from pmcs.render import report as view
    from pmcs.services.reports import report

    fmt = check_format(format, ("table", "json"))
    rep = report(session(), kind, period, offices=list(office or []))
    if html:
        from pmcs.render.report_html import write

        path = write(rep, html)
        if fmt == "table":
            done("report.html_written", path=path)
            return
    view.show(rep, fmt)


@app.command("monthly", help=t("cmd.report.monthly"))
def monthly(month: Optional[str] = typer.Option(None, "--month", help=t("opt.report_month")),
            office: Optional[List[str]] = OfficeOpt, html: Optional[str] = HtmlOpt, format: str = ReportFormatOpt):
    _run("monthly", month, office, html, format)


@app.command("quarterly", help=t("cmd.report.quarterly"))
def quarterly(quarter: Optional[str] = typer.Option(None, "--quarter", help=t("opt.report_quarter")),
              office: Optional[List[str]] = OfficeOpt, html: Optional[str] = HtmlOpt, format: str = ReportFormatOpt):
    _run("quarterly", quarter, office, html, format)
