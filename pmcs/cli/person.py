"""pmcs person …"""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import (DryRunOpt, EncodingOpt, FileArg, FormatOpt, IncludePiiOpt, LimitOpt, ModeOpt,
                             OutputOpt, RevealOpt, SearchOpt, SHOW_FORMATS, ShowFormatOpt, check_format, done, session)
from pmcs.i18n import label, t
from pmcs.services import people as svc

app = typer.Typer(help=t("cmd.person"), no_args_is_help=True)

PersonArg = typer.Argument(..., help=t("arg.person"))
NameOpt = typer.Option(None, "--name", help=t("opt.name"))
PhoneOpt = typer.Option(None, "--phone", help=t("opt.phone"))
Phone2Opt = typer.Option(None, "--phone2", help=t("opt.phone2"))
IdOpt = typer.Option(None, "--id-number", help=t("opt.id_number"))
VipOpt = typer.Option(None, "--vip/--no-vip", help=t("opt.vip"))
NotesOpt = typer.Option(None, "--notes", help=t("opt.notes"))
UnitOpt = typer.Option(None, "--unit", "-u", help=t("opt.unit"))
RoleOpt = typer.Option(None, "--role", help=t("opt.role"))
StartOpt = typer.Option(None, "--from", help=t("opt.start"))


@app.command("add", help=t("cmd.person.add"))
def add(name: str = typer.Option(..., "--name", help=t("opt.name")), phone: Optional[str] = PhoneOpt,
        phone2: Optional[str] = Phone2Opt, id_number: Optional[str] = IdOpt, vip: Optional[bool] = VipOpt,
        notes: Optional[str] = NotesOpt, unit: Optional[str] = UnitOpt, role: Optional[str] = RoleOpt,
        start: Optional[str] = StartOpt):
    row = svc.add_person(session(), name=name, phone=phone, phone2=phone2, id_number=id_number, vip=vip,
                         notes=notes, unit=unit, role=role, start=start)
    done("person.added", ref=row["ref"], name=row["name"])


@app.command("edit", help=t("cmd.person.edit"))
def edit(ref: str = PersonArg, name: Optional[str] = NameOpt, phone: Optional[str] = PhoneOpt,
         phone2: Optional[str] = Phone2Opt, id_number: Optional[str] = IdOpt, vip: Optional[bool] = VipOpt,
         notes: Optional[str] = NotesOpt):
    row = svc.edit_person(session(), ref, name=name, phone=phone, phone2=phone2, id_number=id_number, vip=vip,
                          notes=notes)
    done("person.edited", ref=row["ref"])


@app.command("link", help=t("cmd.person.link"))
def link(ref: str = PersonArg, unit: str = typer.Option(..., "--unit", "-u", help=t("opt.unit")),
         role: str = typer.Option("owner", "--role", help=t("opt.role")), start: Optional[str] = StartOpt):
    row = svc.link_person(session(), ref, unit, role, start)
    done("person.linked", ref=row["ref"], unit=row["unit"], role=label("link_role", row["role"]))


@app.command("unlink", help=t("cmd.person.unlink"))
def unlink(ref: str = PersonArg, unit: str = typer.Option(..., "--unit", "-u", help=t("opt.unit")),
           role: Optional[str] = RoleOpt, end: Optional[str] = typer.Option(None, "--to", help=t("opt.end"))):
    row = svc.unlink_person(session(), ref, unit, role, end)
    done("person.unlinked", ref=row["ref"], unit=row["unit"], end=row["end"])


@app.command("list", help=t("cmd.person.list"))
def list_(search: Optional[str] = SearchOpt, unit: Optional[str] = UnitOpt,
          building: Optional[str] = typer.Option(None, "--building", "-b", help=t("opt.building")),
          role: Optional[str] = typer.Option(None, "--role", help=t("opt.link_role_filter")),
          vip: Optional[bool] = typer.Option(None, "--vip/--no-vip", help=t("opt.vip")),
          limit: int = LimitOpt, reveal: bool = RevealOpt, format: str = FormatOpt):
    from pmcs.render import registry as view

    fmt = check_format(format)
    rows = svc.list_people(session(), **svc.list_filters(search=search, unit=unit, building=building, role=role),
                           vip=vip, limit=limit)
    view.list_people(rows, fmt, reveal)


@app.command("show", help=t("cmd.person.show"))
def show(ref: str = PersonArg, reveal: bool = RevealOpt, format: str = ShowFormatOpt):
    from pmcs.render.registry import show_person

    show_person(svc.show_person(session(), ref), reveal=reveal, fmt=check_format(format, SHOW_FORMATS))


@app.command("import", help=t("cmd.person.import"))
def import_(file: str = FileArg, mode: str = ModeOpt, encoding: Optional[str] = EncodingOpt, dry_run: bool = DryRunOpt):
    from pmcs.cli.io import run_import
    from pmcs.services import imports

    run_import(imports.import_people, file, mode=mode, encoding=encoding, dry_run=dry_run)


@app.command("export", help=t("cmd.person.export"))
def export(output: Optional[str] = OutputOpt, encoding: Optional[str] = EncodingOpt,
           include_pii: bool = IncludePiiOpt):
    from pmcs.cli.io import run_export
    from pmcs.services import imports

    run_export(imports.people_export_rows, output, encoding, include_pii=include_pii)
