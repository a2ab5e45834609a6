"""The command line: a thin skin over ``pmcs.services``.

One Typer app per noun, composed here with ``add_typer``; global options and
error handling live in ``pmcs.cli.app``.
"""
from __future__ import annotations

from pmcs.cli import admin, calendar, cases, comms, config, duty, person, remind, staff, unit
from pmcs.cli.app import app
from pmcs.i18n import t

app.command("init", help=t("cmd.init"))(admin.init)
app.command("demo", help=t("cmd.demo"))(admin.demo)
app.command("history", help=t("cmd.history"))(admin.history)
app.command("today", help=t("cmd.today"))(remind.today)
app.command("remind", help=t("cmd.remind"))(remind.remind)
app.add_typer(unit.app, name="unit")
app.add_typer(person.app, name="person")
app.add_typer(staff.app, name="staff")
for _kind in ("complaint", "repair", "request"):
    app.add_typer(cases.make_app(_kind), name=_kind)
app.add_typer(calendar.app, name="calendar")
app.add_typer(config.app, name="config")
app.add_typer(duty.app, name="duty")
app.add_typer(comms.app, name="comms")
app.add_typer(admin.db_app, name="db")


def main() -> None:
    app()


__all__ = ["app", "main"]
