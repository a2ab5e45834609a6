"""pmcs staff …"""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import FormatOpt, RevealOpt, SearchOpt, check_format, done, session
from pmcs.i18n import t
from pmcs.services import staff as svc

app = typer.Typer(help=t("cmd.staff"), no_args_is_help=True)

StaffArg = typer.Argument(..., help=t("arg.staff"))
TeamOpt = typer.Option(None, "--team", help=t("opt.team"))
RoleOpt = typer.Option(None, "--role", help=t("opt.staff_role"))
PhoneOpt = typer.Option(None, "--phone", help=t("opt.phone"))


@app.command("add", help=t("cmd.staff.add"))
def add(name: str = typer.Option(..., "--name", help=t("opt.name")),
        team: str = typer.Option(..., "--team", help=t("opt.team")), role: Optional[str] = RoleOpt,
        phone: Optional[str] = PhoneOpt, code: Optional[str] = typer.Option(None, "--code", help=t("field.code"))):
    row = svc.add_staff(session(), name=name, team=team, role=role, phone=phone, code=code)
    done("staff.added", ref=row["code"], name=row["name"])


@app.command("edit", help=t("cmd.staff.edit"))
def edit(ref: str = StaffArg, name: Optional[str] = typer.Option(None, "--name", help=t("opt.name")),
         team: Optional[str] = TeamOpt, role: Optional[str] = RoleOpt, phone: Optional[str] = PhoneOpt):
    row = svc.edit_staff(session(), ref, name=name, team=team, role=role, phone=phone)
    done("staff.edited", ref=row["code"])


@app.command("deactivate", help=t("cmd.staff.deactivate"))
def deactivate(ref: str = StaffArg):
    row = svc.deactivate_staff(session(), ref)
    done("staff.deactivated", ref=row["code"])


@app.command("list", help=t("cmd.staff.list"))
def list_(team: Optional[str] = TeamOpt, role: Optional[str] = RoleOpt, search: Optional[str] = SearchOpt,
          all: bool = typer.Option(False, "--all", help=t("opt.all")), reveal: bool = RevealOpt,
          format: str = FormatOpt):
    from pmcs.render import registry as view

    fmt = check_format(format)
    rows = svc.list_staff(session(), **svc.list_filters(team=team, role=role, search=search), include_inactive=all)
    view.list_staff(rows, fmt, reveal)
