"""pmcs duty …: recurring office duties."""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import FormatOpt, check_format, done, session
from pmcs.i18n import t
from pmcs.services import duties as svc

app = typer.Typer(help=t("cmd.duty"), no_args_is_help=True)
NameArg = typer.Argument(..., help=t("arg.duty"))


@app.command("list", help=t("cmd.duty.list"))
def list_(all: bool = typer.Option(False, "--all", help=t("opt.duty_all")), format: str = FormatOpt):
    from pmcs.render.output import emit_rows

    fmt = check_format(format)
    rows = svc.list_duties(session(), include_inactive=all)
    cols = [("name", t("col.duty")), ("label", t("col.duty_label")), ("next_due", t("col.next_due")),
            ("owner", t("col.handler")), ("last_done", t("col.last_done"))]
    if fmt != "table":
        cols.append(("rrule", "rrule"))
    emit_rows(rows, cols, fmt)


@app.command("add", help=t("cmd.duty.add"))
def add(name: str = NameArg, rrule: str = typer.Option(..., "--rrule", help=t("opt.rrule")),
        owner: Optional[str] = typer.Option(None, "--owner", help=t("opt.duty_owner")),
        start: Optional[str] = typer.Option(None, "--start", help=t("opt.duty_start"))):
    row = svc.add_duty(session(), name, rrule, owner, start)
    done("duty.added", name=row["name"], next_due=row["next_due"])


@app.command("edit", help=t("cmd.duty.edit"))
def edit(name: str = NameArg, rrule: Optional[str] = typer.Option(None, "--rrule", help=t("opt.rrule")),
         owner: Optional[str] = typer.Option(None, "--owner", help=t("opt.duty_owner")),
         active: Optional[bool] = typer.Option(None, "--active/--inactive", help=t("opt.duty_active"))):
    row = svc.edit_duty(session(), name, rrule=rrule, owner=owner, active=active)
    done("duty.edited", name=row["name"], next_due=row["next_due"])


@app.command("done", help=t("cmd.duty.done"))
def done_(name: str = NameArg, note: Optional[str] = typer.Option(None, "--note", help=t("cfield.note")),
          force: bool = typer.Option(False, "--force", help=t("opt.duty_force"))):
    row = svc.done_duty(session(), name, note, force=force)
    if row["next_due"] is None:
        done("duty.done_last", name=svc.duty_label(row["name"]), done_for=row["done_for"])
    else:
        done("duty.done", name=svc.duty_label(row["name"]), done_for=row["done_for"], next_due=row["next_due"])
