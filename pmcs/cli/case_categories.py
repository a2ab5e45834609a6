"""pmcs complaint categories [list|add|disable|enable]"""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import FormatOpt, check_format, done, session
from pmcs.i18n import t
from pmcs.services import categories as svc

app = typer.Typer(help=t("cmd.complaint.categories"), invoke_without_command=True)
CategoryArg = typer.Argument(..., metavar="CATEGORY", help=t("arg.category"))


@app.callback()
def categories(ctx: typer.Context):
    if ctx.invoked_subcommand is None:
        list_("table")


@app.command("list", help=t("cmd.categories.list"))
def list_(format: str = FormatOpt):
    from pmcs.render.output import emit_rows

    fmt = check_format(format)
    rows = svc.list_categories(session())
    if fmt == "table":
        shown = [r | {"active": t("category.state_on" if r["active"] else "category.state_off")} for r in rows]
    else:
        shown = rows
    columns = [("code", t("col.code")), ("zh", t("col.zh")), ("en", t("col.en")), ("parent", t("col.parent")),
               ("active", t("col.active"))]
    emit_rows(shown, columns, fmt,
              footer=t("category.count", count=len(rows), inactive=sum(not r["active"] for r in rows)))


@app.command("add", help=t("cmd.categories.add"))
def add(code: str = typer.Argument(..., metavar="CODE", help=t("arg.category_code")),
        en: str = typer.Option(..., "--en", help=t("opt.category_en")),
        zh: str = typer.Option(..., "--zh", help=t("opt.category_zh")),
        parent: Optional[str] = typer.Option(None, "--parent", help=t("opt.category_parent"))):
    row = svc.add_category(session(), code, en, zh, parent)
    done("category.added", code=row["code"], en=row["en"], zh=row["zh"])


@app.command("disable", help=t("cmd.categories.disable"))
def disable(category: str = CategoryArg):
    _switch(category, False)


@app.command("enable", help=t("cmd.categories.enable"))
def enable(category: str = CategoryArg):
    _switch(category, True)


def _switch(category: str, active: bool) -> None:
    row = svc.set_active(session(), category, active)
    if row["changed"]:
        done("category.enabled" if active else "category.disabled", code=row["code"])
    else:
        done("category.unchanged", code=row["code"], state=t("category.state_on" if active else "category.state_off"))
