"""pmcs calendar …"""
from __future__ import annotations

import sys
from typing import Optional

import typer

from pmcs.cli.common import DryRunOpt, EncodingOpt, FileArg, FormatOpt, check_format, done, session
from pmcs.i18n import t
from pmcs.services import calendar as svc

app = typer.Typer(help=t("cmd.calendar"), no_args_is_help=True)

DateArg = typer.Argument(..., help=t("arg.date"))
NoteOpt = typer.Option(None, "--note", "-n", help=t("opt.day_note"))


def warn_guessed_years(s=None) -> None:
    """One warning line on stderr if this command counted a year with weekends only.

    Any command that computes deadlines calls this once at its end."""
    years = svc.warn_unknown_years(s or session())
    if years:
        sys.stderr.write(t("calendar.unknown_year", years=", ".join(map(str, years))) + "\n")


def weekday_name(iso_weekday: int) -> str:
    return t("calendar.weekdays").split()[iso_weekday - 1]


@app.command("list", help=t("cmd.calendar.list"))
def list_(year: Optional[int] = typer.Option(None, "--year", "-y", help=t("opt.year")), format: str = FormatOpt):
    from pmcs.i18n import label
    from pmcs.render.output import emit_rows

    fmt = check_format(format)
    s = session()
    rows = svc.list_days(s, year)
    shown_year = s.today().year if year is None else year
    if fmt == "table":
        shown = [r | {"weekday": weekday_name(r["weekday"]), "type": label("day_type", r["type"]),
                      "source": label("day_source", r["source"])} for r in rows]
    else:
        shown = rows
    off = sum(r["type"] == "holiday" for r in rows)
    columns = [("date", t("col.date")), ("weekday", t("col.weekday")), ("type", t("col.day_type")),
               ("name", t("col.day_name")), ("source", t("col.source"))]
    emit_rows(shown, columns, fmt, title=t("calendar.title", year=shown_year),
              footer=t("calendar.count", holidays=off, workdays=len(rows) - off))
    warn_guessed_years(s)


@app.command("add-holiday", help=t("cmd.calendar.add_holiday"))
def add_holiday(day: str = DateArg, note: Optional[str] = NoteOpt):
    _said(svc.add_holiday(session(), day, note), "calendar.holiday_added")


@app.command("add-workday", help=t("cmd.calendar.add_workday"))
def add_workday(day: str = DateArg, note: Optional[str] = NoteOpt):
    _said(svc.add_workday(session(), day, note), "calendar.workday_added")


@app.command("remove", help=t("cmd.calendar.remove"))
def remove(day: str = DateArg):
    row = svc.remove_day(session(), day)
    done("calendar.day_removed", day=row["day"], weekday=_weekday(row["day"]),
         kind=t("calendar.kind." + ("workday" if row["workday"] else "holiday")))
    said_moved(row["deadlines_moved"])


def _said(row: dict, key: str) -> None:
    done(key, day=row["day"], weekday=_weekday(row["day"]))
    said_moved(row["deadlines_moved"])


def said_moved(refs: list[str]) -> None:
    if refs:
        from pmcs.services.deadlines import moved_text

        done("calendar.deadlines_moved", count=len(refs), refs=moved_text(refs))


@app.command("import", help=t("cmd.calendar.import"))
def import_(file: str = FileArg, encoding: Optional[str] = EncodingOpt, dry_run: bool = DryRunOpt):
    from pmcs.cli.io import run_import

    run_import(svc.import_days, file, mode="upsert", encoding=encoding, dry_run=dry_run)


@app.command("workdays", help=t("cmd.calendar.workdays"))
def workdays(start: str = typer.Argument(..., metavar="FROM", help=t("arg.workdays_from")),
             n: int = typer.Argument(..., metavar="N", help=t("arg.workdays_n"))):
    from pmcs.render.output import line

    s = session()
    line(svc.workdays(s, start, n).isoformat())
    warn_guessed_years(s)


def _weekday(iso_day: str) -> str:
    from datetime import date

    return weekday_name(date.fromisoformat(iso_day).isoweekday())
