"""pmcs config …  (office settings; for now the SLA table)"""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import FormatOpt, check_format, done, session
from pmcs.i18n import t
from pmcs.services import calendar as svc

app = typer.Typer(help=t("cmd.config"), no_args_is_help=True)
sla_app = typer.Typer(help=t("cmd.config.sla"), no_args_is_help=True)
app.add_typer(sla_app, name="sla")


@sla_app.command("list", help=t("cmd.config.sla.list"))
def sla_list(format: str = FormatOpt):
    from pmcs.i18n import label
    from pmcs.render.output import emit_rows

    fmt = check_format(format)
    rows = svc.sla_list(session())
    if fmt == "table":
        shown = [r | {"variant": label("sla_variant", r["variant"])} for r in rows]
    else:
        shown = rows
    columns = [("key", t("col.sla_key")), ("variant", t("col.variant")), ("duration", t("col.duration")),
               ("default", t("col.default")), ("description", t("col.description"))]
    if fmt != "table":
        columns += [("changed", "changed"), ("updated_at", "updated_at")]
    emit_rows(shown, columns, fmt, footer=t("sla.count", count=len(rows), changed=sum(r["changed"] for r in rows)))


@sla_app.command("set", help=t("cmd.config.sla.set"))
def sla_set(key: str = typer.Argument(..., metavar="KEY", help=t("arg.sla_key")),
            duration: str = typer.Argument(..., metavar="DURATION", help=t("arg.duration")),
            variant: Optional[str] = typer.Option(None, "--variant", "-v", help=t("opt.sla_variant"))):
    from pmcs.i18n import label

    row = svc.sla_set(session(), key, variant, duration)
    shown = {"sla": row["key"], "variant": label("sla_variant", row["variant"]), "duration": row["duration"]}
    if row["changed"]:
        done("sla.set", before=row["before"] or "-", **shown)
    else:
        done("sla.unchanged", **shown)


@app.command("set", help=t("cmd.config.set"))
def config_set(key: str = typer.Argument(..., metavar="KEY", help=t("arg.setting_key")),
               value: str = typer.Argument(..., metavar="VALUE", help=t("arg.setting_value"))):
    from pmcs.services import settings

    row = settings.set_setting(session(), key, value)
    if row["changed"]:
        done("config.set_done", setting=row["key"], value=row["value"], before=row["before"])
    else:
        done("config.unchanged", setting=row["key"], value=row["value"])


@app.command("get", help=t("cmd.config.get"))
def config_get(key: Optional[str] = typer.Argument(None, metavar="[KEY]", help=t("arg.setting_key_all")),
               format: str = FormatOpt):
    from pmcs.render.output import emit_rows, line
    from pmcs.services import settings

    fmt = check_format(format)
    if key is not None and fmt == "table":
        line(str(settings.get_setting(session(), key)["value"]))
        return
    rows = [settings.get_setting(session(), key)] if key is not None else settings.list_settings(session())
    columns = [("key", t("col.setting")), ("value", t("col.value")), ("default", t("col.default")),
               ("description", t("col.description"))]
    emit_rows(rows, columns + ([("changed", "changed")] if fmt != "table" else []), fmt)
