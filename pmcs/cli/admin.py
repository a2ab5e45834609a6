"""pmcs init, pmcs demo, pmcs history, pmcs db …"""
from __future__ import annotations

from typing import Optional

import typer

from pmcs.cli.common import FormatOpt, RevealOpt, check_format, done, session
from pmcs.i18n import t
from pmcs.services import admin as svc

db_app = typer.Typer(help=t("cmd.db"), no_args_is_help=True)


def init(estate: Optional[str] = typer.Option(None, "--estate", help=t("opt.estate"))):
    info = svc.init(session(), estate)
    done("init.done" if info["estate"] else "init.done_unnamed", path=info["path"], estate=info["estate"])


def demo(seed: int = typer.Option(2026, "--seed", help=t("opt.seed")),
         force: bool = typer.Option(False, "--force", help=t("opt.force"))):
    from pmcs.services.demo import build_demo

    s = session()
    counts = build_demo(s, seed=seed, force=force)
    done("demo.done", path=str(s.db_path), **counts)


def history(ref: str = typer.Argument(..., help=t("arg.ref")), reveal: bool = RevealOpt, format: str = FormatOpt):
    from pmcs.render.history import show_history

    fmt = check_format(format)
    rows = svc.history(session(), ref)
    show_history(rows, ref, fmt, reveal=reveal, labels=svc.history_labels(session(), rows) if fmt == "table" else None)


@db_app.command("backup", help=t("cmd.db.backup"))
def backup(path: str = typer.Argument(..., help=t("arg.backup_path"))):
    info = svc.backup(session(), path)
    done("db.backup_done", **info)


@db_app.command("check", help=t("cmd.db.check"))
def check():
    from pmcs.errors import UserError

    info = svc.check(session())
    if not info["ok"]:
        raise UserError("db.check_bad", detail="; ".join(info["problems"][:20]))
    done("db.check_ok", path=info["path"], schema=info["schema"], events=info["events"])
