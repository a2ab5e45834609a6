"""pmcs handover …: move-in checklists, the template, rectification orders (defect …)."""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import FormatOpt, LimitOpt, SHOW_FORMATS, ShowFormatOpt, check_format, done, session
from pmcs.i18n import label, t
from pmcs.services import handover as svc
from pmcs.services import rectification as rect

app = typer.Typer(help=t("cmd.handover"), no_args_is_help=True)
template_app = typer.Typer(help=t("cmd.handover.template"), no_args_is_help=True)
defect_app = typer.Typer(help=t("cmd.handover.defect"), no_args_is_help=True)
app.add_typer(template_app, name="template")
app.add_typer(defect_app, name="defect")

UnitArg = typer.Argument(..., help=t("arg.unit"))
ItemArg = typer.Argument(..., help=t("arg.handover_item"))
DefectArg = typer.Argument(..., help=t("arg.defect_ref"))
ReasonOpt = typer.Option(..., "--reason", help=t("opt.reason"))


def _local(iso):
    from pmcs.render.history import local_time

    return local_time(iso) if iso else "-"


def _warn_years():
    from pmcs.cli.calendar import warn_guessed_years

    warn_guessed_years(session())


# the template ----------------------------------------------------------------------
@template_app.command("list", help=t("cmd.handover.template.list"))
def template_list(all_: bool = typer.Option(False, "--all", help=t("opt.handover_template_all")),
                  format: str = FormatOpt):
    from pmcs.render.handover import template

    template(svc.template_list(session(), include_inactive=all_), check_format(format))


@template_app.command("add-item", help=t("cmd.handover.template.add_item"))
def template_add(code: str = typer.Argument(..., help=t("arg.item_code")),
                 label_zh: Optional[str] = typer.Option(None, "--label-zh", help=t("opt.label_zh")),
                 label_en: Optional[str] = typer.Option(None, "--label-en", help=t("opt.label_en")),
                 section: str = typer.Option("other", "--section", help=t("opt.handover_section")),
                 kind: str = typer.Option("check", "--kind", help=t("opt.item_kind")),
                 copies: int = typer.Option(1, "--copies", help=t("opt.copies")),
                 optional: bool = typer.Option(False, "--optional", help=t("opt.item_optional")),
                 note_zh: Optional[str] = typer.Option(None, "--note-zh", help=t("opt.note_zh")),
                 note_en: Optional[str] = typer.Option(None, "--note-en", help=t("opt.note_en"))):
    item = svc.template_add(session(), code, label_zh=label_zh, label_en=label_en, section=section, kind=kind,
                            copies=copies, optional=optional, note_zh=note_zh, note_en=note_en)
    done("handover.template_added", code=item["code"], label=svc.label_of(item))


@template_app.command("remove-item", help=t("cmd.handover.template.remove_item"))
def template_remove(code: str = typer.Argument(..., help=t("arg.item_code"))):
    item = svc.template_remove(session(), code)
    done("handover.template_removed", code=item["code"], label=svc.label_of(item))


# one unit's handover ------------------------------------------------------------------
@app.command("start", help=t("cmd.handover.start"))
def start(unit: str = UnitArg, owner: str = typer.Option(..., "--owner", help=t("opt.handover_owner")),
          date: Optional[str] = typer.Option(None, "--date", help=t("opt.handover_date"))):
    h = svc.start(session(), unit, owner, date)
    done("handover.started", unit=h["unit"], owner=h["owner_name"], date=h["date"])


@app.command("checklist", help=t("cmd.handover.checklist"))
def checklist(unit: str = UnitArg, blank: bool = typer.Option(False, "--blank", help=t("opt.handover_blank")),
              html: Optional[str] = typer.Option(None, "--html", help=t("opt.handover_html")),
              format: str = ShowFormatOpt):
    from pmcs.render import handover as view

    fmt = check_format(format, SHOW_FORMATS)
    data = svc.checklist(session(), unit, blank=blank)
    if html:
        from pmcs.render.handover_html import checklist_html

        _write_private(html, checklist_html(data))
        done("handover.html_written", path=html)
        return
    view.checklist(data, fmt)


def _write_private(path: str, text: str) -> None:
    """The form holds the owner's name: written with mode 0600 and atomically, like exports."""
    from pmcs.csvio import write_private

    write_private(path, text)


@app.command("tick", help=t("cmd.handover.tick"))
def tick(unit: str = UnitArg, item: str = ItemArg,
         value: Optional[str] = typer.Option(None, "--value", help=t("opt.item_value")),
         note: Optional[str] = typer.Option(None, "--note", help=t("opt.item_note"))):
    check = svc.tick(session(), unit, item, value, note)
    shown = f" = {check['value']}" if check["value"] is not None else ""
    done("handover.ticked", unit=unit.upper(), item=svc.label_of(check), value=shown)


@app.command("waive", help=t("cmd.handover.waive"))
def waive(unit: str = UnitArg, item: str = ItemArg, reason: str = ReasonOpt):
    check = svc.waive(session(), unit, item, reason)
    done("handover.waived", unit=unit.upper(), item=svc.label_of(check), reason=check["reason"])


@app.command("complete", help=t("cmd.handover.complete"))
def complete(unit: str = UnitArg, date: Optional[str] = typer.Option(None, "--date", help=t("opt.handover_date"))):
    h = svc.complete(session(), unit, date)
    done("handover.completed", unit=h["unit"], owner=h["owner_name"], date=h["date"])


@app.command("cancel", help=t("cmd.handover.cancel"))
def cancel(unit: str = UnitArg, reason: str = ReasonOpt):
    h = svc.cancel(session(), unit, reason)
    done("handover.cancelled", unit=h["unit"])


@app.command("list", help=t("cmd.handover.list"))
def list_(status: Optional[str] = typer.Option(None, "--status", help=t("opt.handover_status")),
          building: Optional[str] = typer.Option(None, "--building", "-b", help=t("opt.building")),
          limit: int = LimitOpt, format: str = FormatOpt):
    from pmcs.render.handover import list_handovers

    fmt = check_format(format)
    list_handovers(svc.list_handovers(session(), status=status, building=building, limit=limit), fmt)


# rectification orders -------------------------------------------------------------------
@defect_app.command("add", help=t("cmd.handover.defect.add"))
def defect_add(unit: str = UnitArg, text: str = typer.Argument(..., help=t("arg.defect_text")),
               size: str = typer.Option(..., "--size", help=t("opt.defect_size")),
               due: Optional[str] = typer.Option(None, "--due", help=t("opt.defect_due")),
               handler: Optional[str] = typer.Option(None, "--handler", help=t("opt.defect_handler"))):
    r = rect.add_defect(session(), unit, text, size, due=due, handler=handler)
    done("rect.added", number=r["number"], unit=r["unit"], size=label("defect_size", r["size"]), due=_local(r["due_at"]))
    _warn_years()


@defect_app.command("fix", help=t("cmd.handover.defect.fix"))
def defect_fix(ref: str = DefectArg, note: Optional[str] = typer.Option(None, "--note", help=t("opt.item_note"))):
    r = rect.fix(session(), ref, note)
    done("rect.fixed", number=r["number"], due=_local(r["revisit_due_at"]))
    _warn_years()


@defect_app.command("revisit", help=t("cmd.handover.defect.revisit"))
def defect_revisit(ref: str = DefectArg, verdict: str = typer.Option(..., "--verdict", help=t("cfield.verdict")),
                   comment: Optional[str] = typer.Option(None, "--comment", help=t("cfield.comment"))):
    r = rect.revisit(session(), ref, verdict, comment)
    if r["status"] == "open":
        done("rect.reopened", number=r["number"], due=_local(r["due_at"]))
    else:
        done("rect.closed", number=r["number"], verdict=label("verdict", r["verdict"]))
    _warn_years()


@defect_app.command("list", help=t("cmd.handover.defect.list"))
def defect_list(open_: bool = typer.Option(False, "--open", help=t("opt.defect_open")),
                overdue: bool = typer.Option(False, "--overdue", help=t("opt.defect_overdue")),
                unit: Optional[str] = typer.Option(None, "--unit", "-u", help=t("opt.unit")),
                limit: int = LimitOpt, format: str = FormatOpt):
    from pmcs.render.handover import list_defects

    fmt = check_format(format)
    s = session()
    list_defects(rect.list_defects(s, open_only=open_, overdue=overdue, unit=unit, limit=limit), fmt, s.now_iso())
