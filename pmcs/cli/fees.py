"""pmcs fees import|status|risk"""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import DryRunOpt, EncodingOpt, FileArg, FormatOpt, check_format, session
from pmcs.i18n import t

app = typer.Typer(help=t("cmd.fees"), no_args_is_help=True)


@app.command("import", help=t("cmd.fees.import"))
def import_(file: str = FileArg, encoding: Optional[str] = EncodingOpt, dry_run: bool = DryRunOpt):
    from pmcs.cli.io import run_import
    from pmcs.services.fees import import_fees

    run_import(import_fees, file, mode="upsert", encoding=encoding, dry_run=dry_run)


@app.command("status", help=t("cmd.fees.status"))
def status(period: Optional[str] = typer.Option(None, "--period", help=t("opt.fee_period")), format: str = FormatOpt):
    from pmcs.render.report_lists import fee_status
    from pmcs.services import fees as svc

    fmt = check_format(format)
    fee_status(svc.status(session(), period), fmt)


@app.command("risk", help=t("cmd.fees.risk"))
def risk(months: int = typer.Option(6, "--months", help=t("opt.risk_months")), format: str = FormatOpt):
    from pmcs.render.report_lists import fee_risk
    from pmcs.services import fees as svc

    fmt = check_format(format)
    fee_risk(svc.risk(session(), months), fmt)
