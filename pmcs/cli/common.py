"""What every command module shares: the current session, output helpers,
and the option declarations used by many commands (declared once here)."""
from __future__ import annotations

import sys
from typing import Optional

import typer

from pmcs.i18n import t
from pmcs.services.session import Session

_current: dict = {}


def set_session(session: Session) -> None:
    old = _current.get("session")
    if old is not None:
        old.close()
    _current["session"] = session


def session() -> Session:
    return _current["session"]


def done(key: str, **params) -> None:
    """A one-line confirmation on stdout."""
    from pmcs.render.output import line

    line(t(key, **params))


def check_format(value: str, allowed=("table", "csv", "json", "jsonl")) -> str:
    from pmcs.errors import UsageError

    value = (value or "table").lower()
    if value not in allowed:
        raise UsageError("error.bad_format", value=value, choices=", ".join(allowed))
    return value


def is_tty() -> bool:
    return sys.stdout.isatty()


# option declarations shared by many commands ---------------------------------
FormatOpt = typer.Option("table", "--format", "-f", help=t("opt.format"))
SHOW_FORMATS = ("table", "json")  # one record (show) or one document (checklist, report): no csv/jsonl rows
ShowFormatOpt = typer.Option("table", "--format", "-f", help=t("opt.show_format"))
RevealOpt = typer.Option(False, "--reveal", help=t("opt.reveal"))
IncludePiiOpt = typer.Option(False, "--include-pii", help=t("opt.include_pii"))
EncodingOpt = typer.Option(None, "--encoding", help=t("opt.encoding"))
OutputOpt = typer.Option(None, "--output", "-o", help=t("opt.output"))
ModeOpt = typer.Option("insert", "--mode", help=t("opt.mode"))
DryRunOpt = typer.Option(False, "--dry-run", help=t("opt.dry_run"))
LimitOpt = typer.Option(0, "--limit", min=0, max=1_000_000, help=t("opt.limit"))
SearchOpt = typer.Option(None, "--search", "-s", help=t("opt.search"))
FileArg = typer.Argument(..., help=t("arg.file"))

__all__ = ["Optional", "typer", "t"]
