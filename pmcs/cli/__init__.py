"""The command line: a thin skin over ``pmcs.services``.

One Typer app per noun, composed here with ``add_typer``; global options and
error handling live in ``pmcs.cli.app``.
"""
from __future__ import annotations

from pmcs.cli import admin, remind
from pmcs.cli.app import app, lazy
from pmcs.i18n import t

app.command("init", help=t("cmd.init"))(admin.init)
app.command("demo", help=t("cmd.demo"))(admin.demo)
app.command("today", help=t("cmd.today"))(remind.today)
app.command("remind", help=t("cmd.remind"))(remind.remind)
app.command("history", help=t("cmd.history"))(admin.history)
# nouns: imported only when used (start-up time); the help line comes from the catalogue
lazy("complaint", "pmcs.cli.cases:make_app:complaint", "cmd.complaint")
lazy("repair", "pmcs.cli.cases:make_app:repair", "cmd.repair")
lazy("request", "pmcs.cli.cases:make_app:request", "cmd.request")
lazy("unit", "pmcs.cli.unit:app", "cmd.unit")
lazy("person", "pmcs.cli.person:app", "cmd.person")
lazy("staff", "pmcs.cli.staff:app", "cmd.staff")
lazy("survey", "pmcs.cli.survey:app", "cmd.survey")
lazy("handover", "pmcs.cli.handover:app", "cmd.handover")
lazy("renovation", "pmcs.cli.renovation:app", "cmd.renovation")
lazy("duty", "pmcs.cli.duty:app", "cmd.duty")
lazy("comms", "pmcs.cli.comms:app", "cmd.comms")
lazy("report", "pmcs.cli.report:app", "cmd.report")
lazy("fees", "pmcs.cli.fees:app", "cmd.fees")
lazy("archive", "pmcs.cli.archive:app", "cmd.archive")
lazy("calendar", "pmcs.cli.calendar:app", "cmd.calendar")
lazy("config", "pmcs.cli.config:app", "cmd.config")
lazy("db", "pmcs.cli.admin:db_app", "cmd.db")


def main() -> None:
    app()


__all__ = ["app", "main"]
