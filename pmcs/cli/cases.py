"""pmcs complaint|repair|request …: one command set per workflow, generated from
the workflow table (options, --help text) so the CLI cannot drift from the engine."""
from __future__ import annotations

import inspect
import sys
from typing import Optional

import typer

from pmcs.cli.common import (DryRunOpt, EncodingOpt, FileArg, FormatOpt, IncludePiiOpt, LimitOpt, OutputOpt,
                             SHOW_FORMATS, ShowFormatOpt, check_format, done, session)
from pmcs.core.cases import flags_repeats, names_about, step_name
from pmcs.core.workflow import WORKFLOWS
from pmcs.i18n import t
from pmcs.services import cases as svc


def _opt(name: str, help_text: str):
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Optional[str],
                             default=typer.Option(None, "--" + name.replace("_", "-"), help=help_text))


def _command(fn, params, doc):
    """A Typer command whose options are generated (Typer reads __signature__)."""
    def wrapper(**kw):
        return fn(**kw)

    wrapper.__signature__ = inspect.Signature(params)
    wrapper.__doc__ = doc
    wrapper.__name__ = fn.__name__
    return wrapper


def steps_help(wf) -> str:
    """The step table in words: which options finish which step."""
    lines = []
    for st in wf.steps[1:]:
        need = " ".join("--" + f.replace("_", "-") for f in st.requires)
        opt = " ".join("[--" + f.replace("_", "-") + "]" for f in st.optional)
        cond = "; ".join(f"{t('case.if')} {f}={v}: " + " ".join("--" + m.replace("_", "-") for m in more)
                         for f, v, more in st.when)
        lines.append(f"{step_name(wf, st.code)}: {need} {opt} {cond}".rstrip())
    return "\n\n".join(lines)


def make_app(kind: str) -> typer.Typer:
    wf = WORKFLOWS[kind]
    app = typer.Typer(help=t(f"cmd.{kind}"), no_args_is_help=True)
    first = wf.steps[0]
    ref_help = _ref_help(kind)  # the kind's own prefix: TS- complaint, BX- repair, ZX- request
    ref_arg = inspect.Parameter("ref", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str,
                                default=typer.Argument(..., help=ref_help))

    def add(**kw):
        kw = _prompt_missing(wf, kw)
        case = svc.add_case(session(), kind, **kw)
        done("case.added", number=case["number"], step=t(f"step.{kind}.{case['step']}"), due=_local(case["due_at"]))
        if case["repeat_of"]:
            done("case.repeat_flag", number=case["number"])
        _warn_years()

    add_params = [_opt("unit", t("opt.unit")), _opt("person", t("opt.case_person"))]
    add_params += [_opt(f, t(f"cfield.{f}")) for f in dict.fromkeys(first.requires + first.optional + tuple(
        m for _, _, more in first.when for m in more)) if f not in ("unit", "person")]
    add_params.append(_opt("note", t("cfield.note")))
    app.command("add", help=t(f"cmd.{kind}.add"))(_command(add, add_params, None))

    later = [f for st in wf.steps[1:] for f in st.requires + st.optional + tuple(m for _, _, more in st.when for m in more)]

    def advance(ref, **kw):
        case = svc.advance(session(), kind, ref, **kw)
        if case["status"] == "closed":
            done("case.closed", number=case["number"])
        else:
            done("case.advanced", number=case["number"], step=t(f"step.{kind}.{case['step']}"), due=_local(case["due_at"]))
        _warn_years()

    adv_params = [ref_arg] + [_opt(f, t(f"cfield.{f}")) for f in dict.fromkeys(later) if f != "note"]
    adv_params.append(_opt("note", t("cfield.note")))
    app.command("advance", help=t("cmd.case.advance") + "\n\n" + steps_help(wf))(_command(advance, adv_params, None))

    for action in ("hold", "cancel", "reopen"):
        app.command(action, help=t(f"cmd.case.{action}"))(_status_command(kind, action))

    @app.command("resume", help=t("cmd.case.resume"))
    def resume(ref: str = typer.Argument(..., help=ref_help)):
        case = svc.resume(session(), kind, ref)
        done("case.resumed", number=case["number"], due=_local(case["due_at"]))
        _warn_years()

    @app.command("show", help=t("cmd.case.show"))
    def show(ref: str = typer.Argument(..., help=ref_help), format: str = ShowFormatOpt):
        from pmcs.render.cases import show_case

        show_case(svc.show_case(session(), kind, ref), check_format(format, SHOW_FORMATS), session().now_iso())

    def list_(step: Optional[str] = typer.Option(None, "--step", help=t("opt.step")),
              state: str = typer.Option("open", "--state", help=t("opt.state")),
              open_: Optional[bool] = typer.Option(None, "--open/--closed", help=t("opt.open_closed")),
              overdue: bool = typer.Option(False, "--overdue", help=t("opt.overdue")),
              unit: Optional[str] = typer.Option(None, "--unit", "-u", help=t("opt.unit")),
              category: Optional[str] = typer.Option(None, "--category", help=t("opt.category_filter")),
              acceptor: Optional[str] = typer.Option(None, "--acceptor", help=t("opt.acceptor")),
              handler: Optional[str] = typer.Option(None, "--handler", help=t("opt.handler")),
              about: Optional[str] = typer.Option(None, "--about", help=t("opt.about")),
              since: Optional[str] = typer.Option(None, "--since", help=t("opt.since")),
              repeat: bool = typer.Option(False, "--repeat", help=t("opt.repeat")),
              limit: int = typer.Option(100, "--limit", min=0, max=1_000_000, help=t("opt.limit")), format: str = FormatOpt):
        from pmcs.render.cases import list_cases

        fmt = check_format(format)
        chosen = {True: "open", False: "closed", None: None}[open_] or svc.parse_state(kind, state)
        if overdue and chosen == "closed":
            from pmcs.errors import UsageError

            raise UsageError("error.case_overdue_closed")
        rows, total = svc.list_page(session(), kind, step=step, state=chosen, overdue=overdue, unit=unit,
                                    category=category, acceptor=acceptor, handler=handler, about=about, since=since,
                                    repeat=repeat, limit=limit)
        list_cases(rows, kind, fmt, session().now_iso(), total=total, upto=svc.COUNT_UPTO)

    absent = {"about": not names_about(wf), "category": "category" not in wf.fields,  # complaints only
              "repeat": not flags_repeats(wf), "handler": "handler" not in wf.fields}  # requests have none
    params = inspect.signature(list_, eval_str=True).parameters.values()
    unset = {p.name: p.default.default for p in params if absent.get(p.name)}  # the options' own defaults
    app.command("list", help=t("cmd.case.list"))(_command(
        lambda **kw: list_(**unset | kw), [p for p in params if p.name not in unset], None))

    if kind == "repair":
        @app.command("reassign", help=t("cmd.repair.reassign"))
        def reassign(ref: str = typer.Argument(..., help=ref_help),
                     handler: str = typer.Option(..., "--handler", "--technician", help=t("cfield.handler")),
                     note: Optional[str] = typer.Option(None, "--note", help=t("cfield.note"))):
            case = svc.reassign(session(), ref, handler, note)
            done("case.reassigned", number=case["number"], handler=case["handler"])

        @app.command("return", help=t("cmd.repair.return"))
        def return_(ref: str = typer.Argument(..., help=ref_help),
                    reason: str = typer.Option(..., "--reason", help=t("opt.reason"))):
            case = svc.return_order(session(), ref, reason)
            done("case.advanced", number=case["number"], step=t(f"step.{kind}.{case['step']}"), due=_local(case["due_at"]))
            _warn_years()

    _io_commands(app, kind)
    if kind == "complaint":
        from pmcs.cli.case_categories import app as categories_app

        app.add_typer(categories_app, name="categories")
    return app


def _io_commands(app, kind: str) -> None:
    @app.command("export", help=t(f"cmd.{kind}.export"))
    def export(output: Optional[str] = OutputOpt, encoding: Optional[str] = EncodingOpt,
               include_pii: bool = IncludePiiOpt,
               state: str = typer.Option("all", "--state", help=t("opt.export_state")),
               since: Optional[str] = typer.Option(None, "--since", help=t("opt.export_since"))):
        from pmcs.cli.io import run_export
        from pmcs.services.case_io import export_rows

        run_export(export_rows, output, encoding, kind=kind, include_pii=include_pii, state=state, since=since)

    @app.command("import", help=t("cmd.case.import"))
    def import_(file: str = FileArg, encoding: Optional[str] = EncodingOpt, dry_run: bool = DryRunOpt):
        from functools import partial

        from pmcs.cli.io import run_import
        from pmcs.services.case_io import import_cases

        run_import(partial(import_cases, kind=kind), file, mode="insert", encoding=encoding, dry_run=dry_run)
        _warn_years()


def _status_command(kind, action):
    def command(ref: str = typer.Argument(..., help=_ref_help(kind)),
                reason: str = typer.Option(..., "--reason", help=t("opt.reason"))):
        case = getattr(svc, action)(session(), kind, ref, reason)
        done(f"case.{action}_done", number=case["number"], step=t(f"step.{kind}.{case['step']}"),
             due=_local(case["due_at"]))
        if action == "reopen":
            _warn_years()
    command.__name__ = action
    return command


def _ref_help(kind: str) -> str:
    return t("arg.case_ref", example=f"{WORKFLOWS[kind].prefix}-2026-0042")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _prompt_missing(wf, kw: dict) -> dict:
    """On a terminal, ask for what is missing (again if a choice is not one of the choices);
    off a terminal the service refuses it."""
    if not _interactive():
        return kw
    from pmcs.core.fields import clean_value
    from pmcs.errors import PmcsError

    first = wf.steps[0]
    if not kw.get("unit") and not kw.get("person"):
        kw["unit"] = typer.prompt(t("opt.unit").rstrip("."), default="", show_default=False) or None
    while missing := [f for f in wf.required(first.code, kw) if not kw.get(f)]:
        name = missing[0]  # asked one at a time: an answer (a praise) may need more (the staff praised)
        answer = typer.prompt(t(f"cfield.{name}"))
        try:
            clean_value(wf.fields[name], answer)
        except PmcsError as e:
            typer.echo(f"{t('error.prefix')}: {e.message()}", err=True)
            continue
        kw[name] = answer
    return kw


def _warn_years() -> None:
    """The calendar's 'no data for year N' warning, once, if this command counted such a year."""
    from pmcs.cli.calendar import warn_guessed_years

    warn_guessed_years(session())


def _local(iso):
    from pmcs.render.history import local_time

    return local_time(iso) if iso else "-"


__all__ = ["make_app", "LimitOpt"]
