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
        phone: Optional[str] = PhoneOpt, code: Optional[str] = typer.Option(None, "--code", help=t("opt.staff_code"))):
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


from pmcs.core.scores import formula_labelled  # noqa: E402


@app.command("score", help=t("cmd.staff.score", formula=formula_labelled()))
def score(month: Optional[str] = typer.Option(None, "--month", help=t("opt.score_month")),
          all: bool = typer.Option(False, "--all", help=t("opt.score_inactive")), format: str = FormatOpt):
    from pmcs.render.report_lists import scorecards
    from pmcs.services.scores import scorecards as compute

    fmt = check_format(format)
    scorecards(compute(session(), month, include_inactive=all), fmt)


@app.command("adjust", help=t("cmd.staff.adjust"))
def adjust(ref: str = StaffArg, points: str = typer.Option(..., "--points", help=t("opt.score_points")),
           reason: str = typer.Option(..., "--reason", help=t("opt.score_reason")),
           month: Optional[str] = typer.Option(None, "--month", help=t("opt.score_month"))):
    from pmcs.services.scores import adjust as add

    row = add(session(), ref, points, reason, month)
    done("score.adjusted", ref=row["staff_code"], name=row["name"], points=f"{row['points']:+g}", month=row["month"],
         reason=row["reason"])
