"""pmcs renovation …: renovation permits (装修), from application to the deposit refund."""
from __future__ import annotations

import sys
from typing import List, Optional

import typer

from pmcs.cli.common import FormatOpt, LimitOpt, RevealOpt, SHOW_FORMATS, ShowFormatOpt, check_format, done, session
from pmcs.core.handover import label_of
from pmcs.core.renovation import yuan
from pmcs.i18n import label, t
from pmcs.services import renovation as svc
from pmcs.services import renovation_fees as money

app = typer.Typer(help=t("cmd.renovation"), no_args_is_help=True)

RefArg = typer.Argument(..., help=t("arg.renovation_ref"))
DocArg = typer.Argument(..., help=t("arg.renovation_doc"))
PassArgs = typer.Argument(..., help=t("arg.pass_numbers"))
NoteOpt = typer.Option(None, "--note", help=t("opt.item_note"))


def _moved(r: dict) -> None:
    done("renovation.moved", number=r["number"], status=label("renovation_status", r["status"]))


@app.command("apply", help=t("cmd.renovation.apply"))
def apply(unit: str = typer.Argument(..., help=t("arg.unit")),
          contractor: str = typer.Option(..., "--contractor", help=t("opt.contractor")),
          manager: str = typer.Option(..., "--manager", help=t("opt.manager")),
          manager_phone: str = typer.Option(..., "--manager-phone", help=t("opt.manager_phone")),
          start: str = typer.Option(..., "--start", help=t("opt.renovation_start")),
          end: str = typer.Option(..., "--end", help=t("opt.renovation_end")),
          workers: Optional[int] = typer.Option(None, "--workers", help=t("opt.workers")),
          applicant: Optional[str] = typer.Option(None, "--applicant", help=t("opt.applicant"))):
    r = svc.apply(session(), unit, contractor=contractor, manager=manager, manager_phone=manager_phone, start=start,
                  end=end, workers=workers, applicant=applicant)
    done("renovation.applied", number=r["number"], unit=r["unit"], start=r["start"], end=r["end"])


@app.command("tick", help=t("cmd.renovation.tick"))
def tick(ref: str = RefArg, doc: str = DocArg):
    d = svc.tick_doc(session(), ref, doc)
    done("renovation.doc_ticked", number=d["number"], doc=label_of(d))


@app.command("waive", help=t("cmd.renovation.waive"))
def waive(ref: str = RefArg, doc: str = DocArg, reason: str = typer.Option(..., "--reason", help=t("opt.reason"))):
    d = svc.waive_doc(session(), ref, doc, reason)
    done("renovation.doc_waived", number=d["number"], doc=label_of(d))


@app.command("fee", help=t("cmd.renovation.fee"))
def fee(ref: str = RefArg, kind: str = typer.Option(..., "--kind", help=t("opt.fee_kind")),
        amount: str = typer.Option(..., "--amount", help=t("opt.fee_amount")), note: Optional[str] = NoteOpt):
    r = money.add_fee(session(), ref, kind, amount, note)
    done("renovation.fee_recorded", number=r["number"], kind=label("renovation_fee", r["kind"]),
         amount=yuan(r["amount_fen"]), total=yuan(r["total_fen"]))


@app.command("pass", help=t("cmd.renovation.pass"))
def pass_(ref: str = RefArg, numbers: List[str] = PassArgs,
          holder: Optional[str] = typer.Option(None, "--holder", help=t("opt.pass_holder"))):
    r = money.issue_passes(session(), ref, numbers, holder)
    done("renovation.passes_issued", number=r["number"], passes=", ".join(r["passes"]))


@app.command("pass-return", help=t("cmd.renovation.pass_return"))
def pass_return(ref: str = RefArg, numbers: List[str] = PassArgs):
    r = money.return_passes(session(), ref, numbers)
    done("renovation.passes_returned", number=r["number"], passes=", ".join(r["passes"]))


@app.command("approve", help=t("cmd.renovation.approve"))
def approve(ref: str = RefArg, note: Optional[str] = NoteOpt):
    _moved(svc.approve(session(), ref, note))


@app.command("start", help=t("cmd.renovation.start"))
def start(ref: str = RefArg):
    _moved(svc.start_works(session(), ref))


@app.command("inspect", help=t("cmd.renovation.inspect"))
def inspect(ref: str = RefArg, note: Optional[str] = NoteOpt,
            violation: Optional[str] = typer.Option(None, "--violation", help=t("opt.violation")),
            deduct: Optional[str] = typer.Option(None, "--deduct", help=t("opt.deduct"))):
    r = svc.inspect(session(), ref, note=note, violation=violation, deduction=deduct)
    done("renovation.inspected", number=r["number"], deductions=yuan(r["deductions_fen"]))


@app.command("extend", help=t("cmd.renovation.extend"))
def extend(ref: str = RefArg, to: str = typer.Option(..., "--to", help=t("opt.extend_to"))):
    r = svc.extend(session(), ref, to)
    done("renovation.extended", number=r["number"], end=r["end"])


@app.command("accept", help=t("cmd.renovation.accept"))
def accept(ref: str = RefArg,
           passed: Optional[bool] = typer.Option(None, "--passed/--failed", help=t("opt.accept_result")),
           date: Optional[str] = typer.Option(None, "--date", help=t("opt.accept_date")), note: Optional[str] = NoteOpt):
    from pmcs.errors import UsageError
    from pmcs.render.history import local_time

    if passed is None:
        raise UsageError("error.missing_param", param="--passed / --failed")
    s = session()
    r = svc.accept(s, ref, passed, note=note, date=date)
    if passed:
        done("renovation.accepted", number=r["number"], due=local_time(r["refund_due_at"]))
    else:
        done("renovation.failed", number=r["number"])
    from pmcs.cli.calendar import warn_guessed_years

    warn_guessed_years(s)


@app.command("refund", help=t("cmd.renovation.refund"))
def refund(ref: str = RefArg, yes: bool = typer.Option(False, "--yes", "-y", help=t("opt.yes"))):
    from pmcs.errors import UsageError
    from pmcs.render.renovation import refund_preview_text

    s = session()
    preview = svc.refund_preview(s, ref)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("error.renovation_refund_confirm", hint="hint.renovation_refund_yes",
                             ref=preview["number"], amount=yuan(preview["refund_fen"]))
        typer.echo(refund_preview_text(preview))
        if not typer.confirm(t("renovation.refund_confirm"), default=False):
            raise typer.Abort()
    r = svc.refund(s, ref, expected_fen=preview["refund_fen"])
    done("renovation.refunded", number=r["number"], amount=yuan(r["refund_fen"]), deposit=yuan(r["deposit_fen"]),
         deductions=yuan(r["deductions_fen"]))


@app.command("close", help=t("cmd.renovation.close"))
def close(ref: str = RefArg):
    _moved(svc.close(session(), ref))


@app.command("cancel", help=t("cmd.renovation.cancel"))
def cancel(ref: str = RefArg, reason: str = typer.Option(..., "--reason", help=t("opt.reason"))):
    _moved(svc.cancel(session(), ref, reason))


@app.command("list", help=t("cmd.renovation.list"))
def list_(active: bool = typer.Option(False, "--active", help=t("opt.renovation_active")),
          overdue: bool = typer.Option(False, "--overdue", help=t("opt.renovation_overdue")),
          status: Optional[str] = typer.Option(None, "--status", help=t("opt.renovation_status")),
          unit: Optional[str] = typer.Option(None, "--unit", "-u", help=t("opt.unit")),
          limit: int = LimitOpt, format: str = FormatOpt):
    from pmcs.render.renovation import list_renovations

    fmt = check_format(format)
    list_renovations(svc.list_renovations(session(), active=active, overdue=overdue, unit=unit, status=status,
                                          limit=limit), fmt)


@app.command("show", help=t("cmd.renovation.show"))
def show(ref: str = RefArg, reveal: bool = RevealOpt, format: str = ShowFormatOpt):
    from pmcs.render.renovation import show as render

    render(svc.show(session(), ref), check_format(format, SHOW_FORMATS), reveal)
