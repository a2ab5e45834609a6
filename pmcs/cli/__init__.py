"""The command line: a thin skin over ``pmcs.services``.

One Typer app per noun, composed here with ``add_typer``; global options and
error handling live in ``pmcs.cli.app``.
"""
from __future__ import annotations

from pmcs.cli.app import app, lazy

# commands and nouns: imported only when used (start-up time); the help line comes from the catalogue
lazy("init", "pmcs.cli.admin:init", "cmd.init", command=True)
lazy("demo", "pmcs.cli.admin:demo", "cmd.demo", command=True)
lazy("today", "pmcs.cli.remind:today", "cmd.today", command=True)
lazy("remind", "pmcs.cli.remind:remind", "cmd.remind", command=True)
lazy("history", "pmcs.cli.admin:history", "cmd.history", command=True)
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
