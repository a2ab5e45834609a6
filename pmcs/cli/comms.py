"""pmcs comms …: the communication log (沟通记录)."""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import FormatOpt, SearchOpt, check_format, done, session
from pmcs.i18n import label, t
from pmcs.services import comms as svc

app = typer.Typer(help=t("cmd.comms"), no_args_is_help=True)
RefArg = typer.Argument(..., help=t("arg.comm"))


@app.command("add", help=t("cmd.comms.add"))
def add(party: str = typer.Option(..., "--party", help=t("opt.party")),
        name: Optional[str] = typer.Option(None, "--name", help=t("opt.party_name")),
        subject: str = typer.Option(..., "--subject", help=t("opt.subject")),
        summary: Optional[str] = typer.Option(None, "--summary", help=t("opt.summary")),
        channel: Optional[str] = typer.Option(None, "--channel", help=t("cfield.channel")),
        unit: Optional[str] = typer.Option(None, "--unit", "-u", help=t("opt.unit")),
        person: Optional[str] = typer.Option(None, "--person", help=t("opt.case_person")),
        follow_up: Optional[str] = typer.Option(None, "--follow-up", help=t("opt.follow_up")),
        owner: Optional[str] = typer.Option(None, "--owner", help=t("opt.duty_owner"))):
    row = svc.add_comm(session(), party_type=party, party_name=name, subject=subject, summary=summary,
                       channel=channel, unit=unit, person=person, follow_up=follow_up, owner=owner)
    done("comms.added", ref=row["ref"], follow_up=row["follow_up"] or "-")


@app.command("list", help=t("cmd.comms.list"))
def list_(party: Optional[str] = typer.Option(None, "--party", help=t("opt.party")),
          unit: Optional[str] = typer.Option(None, "--unit", "-u", help=t("opt.unit")),
          open_: bool = typer.Option(False, "--open", help=t("opt.comms_open")),
          since: Optional[str] = typer.Option(None, "--since", help=t("opt.since")),
          search: Optional[str] = SearchOpt, limit: int = typer.Option(100, "--limit", min=0, max=1_000_000, help=t("opt.limit")),
          format: str = FormatOpt):
    from pmcs.render.history import local_time
    from pmcs.render.output import emit_rows

    fmt = check_format(format)
    rows = svc.list_comms(session(), party_type=party, unit=unit, open_only=open_, since=since, search=search, limit=limit)
    if fmt == "table":
        for r in rows:
            r["party_type"] = label("party", r["party_type"])
            r["at"] = local_time(r["at"])
    cols = [("ref", t("field.ref")), ("at", t("col.when")), ("party_type", t("col.party")), ("party_name", t("col.party_name")),
            ("unit", t("col.unit")), ("subject", t("col.subject")), ("follow_up", t("col.follow_up")), ("done_at", t("col.done"))]
    emit_rows(rows, cols, fmt)


@app.command("show", help=t("cmd.comms.show"))
def show(ref: str = RefArg):
    from pmcs.render.history import local_time
    from pmcs.render.output import key_values

    r = svc.get_comm(session(), ref)
    key_values(r["ref"], [(t("col.when"), local_time(r["at"])), (t("col.party"), label("party", r["party_type"])),
                          (t("col.party_name"), r["party_name"]), (t("col.unit"), r["unit"]),
                          (t("col.person"), r["person_name"]), (t("cf.channel"), label("channel", r["channel"])),
                          (t("col.subject"), r["subject"]), (t("col.summary"), r["summary"]),
                          (t("col.follow_up"), r["follow_up"]), (t("col.handler"), r["owner"]),
                          (t("col.done"), local_time(r["done_at"])), (t("cf.note"), r["done_note"]),
                          (t("col.who"), r["actor"])])


@app.command("done", help=t("cmd.comms.done"))
def done_(ref: str = RefArg, note: Optional[str] = typer.Option(None, "--note", help=t("cfield.note"))):
    row = svc.done_comm(session(), ref, note)
    done("comms.done", ref=row["ref"])
