"""pmcs unit …"""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import (DryRunOpt, EncodingOpt, FileArg, FormatOpt, LimitOpt, ModeOpt, OutputOpt, RevealOpt,
                             SearchOpt, SHOW_FORMATS, ShowFormatOpt, check_format, done, session)
from pmcs.i18n import t
from pmcs.services import units as svc

app = typer.Typer(help=t("cmd.unit"), no_args_is_help=True)

UnitArg = typer.Argument(..., help=t("arg.unit"))
BuildingOpt = typer.Option(None, "--building", "-b", help=t("opt.building"))
EntranceOpt = typer.Option(None, "--entrance", help=t("opt.entrance"))
FloorOpt = typer.Option(None, "--floor", help=t("opt.floor"))
AreaOpt = typer.Option(None, "--area", help=t("opt.area"))
TypeOpt = typer.Option(None, "--type", help=t("opt.unit_type"))
StatusOpt = typer.Option(None, "--status", help=t("opt.unit_status"))


@app.command("add", help=t("cmd.unit.add"))
def add(code: str = UnitArg, building: Optional[str] = BuildingOpt, entrance: Optional[str] = EntranceOpt,
        floor: Optional[str] = FloorOpt, area: Optional[str] = AreaOpt, type: Optional[str] = TypeOpt,
        status: Optional[str] = StatusOpt):
    row = svc.add_unit(session(), code=code, building=building, entrance=entrance, floor=floor, area=area,
                       type=type, status=status)
    done("unit.added", code=row["code"])


@app.command("edit", help=t("cmd.unit.edit"))
def edit(code: str = UnitArg, building: Optional[str] = BuildingOpt, entrance: Optional[str] = EntranceOpt,
         floor: Optional[str] = FloorOpt, area: Optional[str] = AreaOpt, type: Optional[str] = TypeOpt,
         status: Optional[str] = StatusOpt):
    row = svc.edit_unit(session(), code, building=building, entrance=entrance, floor=floor, area=area,
                        type=type, status=status)
    done("unit.edited", code=row["code"])


@app.command("list", help=t("cmd.unit.list"))
def list_(building: Optional[str] = BuildingOpt, status: Optional[str] = StatusOpt, type: Optional[str] = TypeOpt,
          search: Optional[str] = SearchOpt, limit: int = LimitOpt, format: str = FormatOpt):
    from pmcs.render import registry as view

    fmt = check_format(format)
    rows = svc.list_units(session(), **svc.list_filters(building=building, status=status, type_=type, search=search),
                          limit=limit)
    view.list_units(rows, fmt)


@app.command("show", help=t("cmd.unit.show"))
def show(code: str = UnitArg, reveal: bool = RevealOpt, format: str = ShowFormatOpt):
    from pmcs.render.registry import show_unit

    show_unit(svc.show_unit(session(), code), reveal=reveal, fmt=check_format(format, SHOW_FORMATS))


@app.command("import", help=t("cmd.unit.import"))
def import_(file: str = FileArg, mode: str = ModeOpt, encoding: Optional[str] = EncodingOpt, dry_run: bool = DryRunOpt):
    from pmcs.cli.io import run_import
    from pmcs.services import imports

    run_import(imports.import_units, file, mode=mode, encoding=encoding, dry_run=dry_run)


@app.command("export", help=t("cmd.unit.export"))
def export(output: Optional[str] = OutputOpt, encoding: Optional[str] = EncodingOpt,
           building: Optional[str] = BuildingOpt, status: Optional[str] = StatusOpt):
    from pmcs.cli.io import run_export
    from pmcs.services import imports

    run_export(imports.unit_export_rows, output, encoding,
               filters=svc.list_filters(building=building, status=status))

