"""The root command: global options in one callback, errors in one place."""
from __future__ import annotations

import os
import sys
from typing import Optional

import typer
from typer.core import TyperGroup

from pmcs import __version__
from pmcs.cli import common
from pmcs.errors import PmcsError
from pmcs.i18n import set_lang, t


def _keep_argument_help() -> None:
    """Typer 0.25 sets an argument's help, then Click 8.2+'s Parameter.__init__ (which now
    takes ``help`` itself) sets it back to None, so "Arguments:" in --help showed no text.
    Set it again after both have run. Click 8.5 then lists documented arguments once more
    under "Positional arguments" (Command.format_arguments), beside Typer's own "Arguments":
    Typer's list is the one kept."""
    from typer.core import TyperArgument, TyperCommand

    init = TyperArgument.__init__
    if getattr(init, "_pmcs", False):
        return

    def init_keeping_help(self, *args, help=None, **kwargs):
        init(self, *args, help=help, **kwargs)
        self.help = help

    init_keeping_help._pmcs = True
    TyperArgument.__init__ = init_keeping_help
    if hasattr(TyperCommand, "format_arguments"):  # Click >= 8.5
        TyperCommand.format_arguments = lambda self, ctx, formatter: None


_keep_argument_help()

# Click's and Typer's own words in --help, which come from gettext (no Chinese there)
CLICK_WORDS = {"Usage:": "help.usage", "Options": "help.options", "Arguments": "help.arguments",
               "Commands": "help.commands", "Show this message and exit.": "help.help_option",
               "default: {default}": "help.default", "required": "help.required", "(dynamic)": "help.dynamic",
               "env var: {var}": "help.env_var"}
COMPLETION_HELP = {"install_completion": "help.install_completion", "show_completion": "help.show_completion"}


def _click_speaks_our_language() -> None:
    """--help in Chinese all through: Click's and Typer's words said from the catalogue."""
    from pmcs.i18n import get_lang

    if get_lang() == "en":
        return
    import typer.core

    def say(text: str) -> str:
        key = CLICK_WORDS.get(text)
        return t(key) if key else text

    # Click's modules, reached through Typer's classes (pmcs never imports click: newer Typer
    # versions vendor it under another name), already loaded by Typer
    core = sys.modules[TyperGroup.__mro__[1].__module__]
    package = core.__name__.rpartition(".")[0]
    for name in (core.__name__, package + ".decorators", package + ".formatting", typer.core.__name__):
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "_"):
            module._ = say


_click_speaks_our_language()


def _click_exception_types():
    """Click's exception classes, reached through typer (pmcs never imports click)."""
    mro = typer.BadParameter.__mro__
    base = next(c for c in mro if c.__name__ == "ClickException")
    usage = next(c for c in mro if c.__name__ == "UsageError")
    return base, usage


LAZY: dict[str, tuple[str, str]] = {}  # noun -> ("module:attribute[:argument]", catalogue key of its help)
LAZY_COMMANDS: set[str] = set()  # the ones that are a single command, not a noun
_loaded: dict = {}


def lazy(name: str, target: str, help_key: str, *, command: bool = False) -> None:
    """Register a noun whose module is imported only when that noun is used.

    Start-up time is the clerk's (and cron's) every keystroke: building every
    sub-app's options for each command cost ~60 ms. ``pmcs --help`` lists the
    nouns from the catalogue without importing them. With ``command=True`` the
    target is a plain function (``pmcs.cli.remind:today``) made a single command
    the same way: Typer reads each command's signature when the app is built.
    """
    LAZY[name] = (target, help_key)
    if command:
        LAZY_COMMANDS.add(name)


def _load(name: str):
    """The noun's group, or, for a plain function (``today``, ``remind`` …), its one command."""
    if name not in _loaded:
        import importlib

        module, attr, *arg = LAZY[name][0].split(":")
        obj = getattr(importlib.import_module(module), attr)
        if name not in LAZY_COMMANDS:
            sub = obj(*arg) if arg else obj
            sub.rich_markup_mode = None  # plain help: Rich is not imported for --help
            cmd = _group_building_commands_on_use(sub)
        else:
            one = typer.Typer(rich_markup_mode=None, add_completion=False)
            one.command(name, help=t(LAZY[name][1]))(obj)
            cmd = typer.main.get_command(one)
        cmd.name = name
        _loaded[name] = cmd
    return _loaded[name]


class _OnUse(dict):
    """A group's commands by name, each built from its Typer info the first time it is asked for."""

    def __init__(self, infos: dict, built: dict, sub):
        super().__init__()
        self._infos, self._sub = infos, sub
        for key in infos:
            dict.__setitem__(self, key, None)
        dict.update(self, built)

    def _build(self, key):
        if dict.__getitem__(self, key) is None:
            cmd = typer.main.get_command_from_info(self._infos[key], rich_markup_mode=None,
                                                   pretty_exceptions_short=self._sub.pretty_exceptions_short)
            dict.__setitem__(self, key, cmd)
        return dict.__getitem__(self, key)

    def __getitem__(self, key):
        return self._build(key)

    def get(self, key, default=None):
        return self._build(key) if key in self else default

    def values(self):
        return [self._build(k) for k in self]

    def items(self):
        return [(k, self._build(k)) for k in self]


def _group_building_commands_on_use(sub: "typer.Typer"):
    """typer.main.get_group(sub), except that each command is built only when used: Typer
    reads every command's signature to build it (~1 ms a command; a noun has up to 16)."""
    from copy import copy

    infos = {(i.name or typer.main.get_command_name(i.callback.__name__)): i for i in sub.registered_commands}
    shell = copy(sub)
    shell.registered_commands = []  # the group itself, its callback and its sub-groups, as Typer builds them
    group = typer.main.get_group(shell)
    group.commands = _OnUse(infos, group.commands, sub)
    return group


class PmcsGroup(TyperGroup):
    """Runs every command; turns every error into one line on stderr and an exit code."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for p in params:  # Typer's completion options: their help is plain English text
            if p.name in COMPLETION_HELP:
                p.help = t(COMPLETION_HELP[p.name])
        return params

    def list_commands(self, ctx):
        own = super().list_commands(ctx)
        return own + [n for n in LAZY if n not in own]

    def get_command(self, ctx, name):
        cmd = super().get_command(ctx, name)
        if cmd is None and name in LAZY:
            cmd = _load(name)
        return cmd

    def format_commands(self, ctx, formatter):
        names = self.list_commands(ctx)
        if not names:
            return
        limit = max(formatter.width - 6 - max(len(n) for n in names), 20)
        rows = []
        for name in names:
            if name in LAZY and name not in super().list_commands(ctx):
                rows.append((name, _short(t(LAZY[name][1]), limit, whole=name in LAZY_COMMANDS)))
            else:
                rows.append((name, super().get_command(ctx, name).get_short_help_str(limit)))
        with formatter.section(t("help.commands")):
            formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        ClickException, ClickUsageError = _click_exception_types()
        try:
            rv = super().main(args=args, prog_name=prog_name or "pmcs", complete_var=complete_var,
                              standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except PmcsError as e:
            code = report(e.message(), e.hint_text(), e.exit_code, e)
        except ClickUsageError as e:
            code = report(_usage_message(e), t("hint.usage", command=_command_path(e)), 2, e)
        except ClickException as e:
            code = report(e.format_message(), None, e.exit_code, e)
        except (typer.Abort, KeyboardInterrupt, EOFError) as e:
            code = report(t("error.aborted"), None, 130 if isinstance(e, KeyboardInterrupt) else 1, e)
        except typer.Exit as e:
            code = e.exit_code
        except BrokenPipeError:
            code = 1
            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass
        except Exception as e:
            code = _unexpected(e)
        finally:
            s = common._current.get("session")
            if s is not None:
                for key, params in s.notices:  # upkeep done on the side, said whatever the outcome
                    sys.stderr.write(t(key, **params) + "\n")
                s.close()
        if standalone_mode:
            sys.exit(code)
        return code


def _short(text: str, limit: int, whole: bool = False) -> str:
    """A noun's help line; a single command's is cut as Click cuts it (as when it was built eagerly)."""
    if whole:
        return TyperGroup(name="_", help=text).get_short_help_str(limit)
    first = text.split("\n")[0].strip()
    return first if len(first) <= limit else first[: limit - 3].rstrip() + "..."


def _unexpected(e: Exception) -> int:
    import sqlite3

    if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):
        return report(t("error.db_locked"), t("hint.db_locked"), 1, e)
    if isinstance(e, UnicodeEncodeError) and "surrogates" in str(e):
        return report(t("error.not_utf8"), t("hint.not_utf8"), 1, e)
    if isinstance(e, sqlite3.OperationalError) and "pattern too complex" in str(e):
        return report(t("error.too_long", field="--search", max=200), None, 1, e)
    return report(t("error.internal", detail=f"{type(e).__name__}: {e}"), t("hint.internal"), 1, e)


def _usage_message(e) -> str:
    param = getattr(e, "param", None)
    name = None
    if param is not None:
        opts = getattr(param, "opts", None) or []
        name = opts[0] if opts else (getattr(param, "name", "") or "").upper()
    kind = type(e).__name__
    if kind == "MissingParameter":
        return t("error.missing_param", param=name or e.format_message())
    if kind == "NoSuchOption":
        return t("error.no_such_option", name=getattr(e, "option_name", "") or e.format_message())
    if kind == "BadParameter" and name:
        return t("error.bad_param", param=name, detail=_number_wanted(param) or getattr(e, "message", "")
                 or e.format_message())
    if kind == "NoSuchCommand":  # Click >= 8.4; Typer adds its own "Did you mean" to the message too
        message = t("error.no_such_command", name=e.command_name)
        if e.possibilities:
            message += t("error.did_you_mean", names=", ".join(e.possibilities))
        return message
    return e.format_message()


def _number_wanted(param) -> str | None:
    """Click's own words for a bad whole number (English only), said from the catalogue."""
    kind = getattr(getattr(param, "type", None), "name", None)
    if kind not in ("integer", "integer range", "float", "float range"):
        return None
    whole = kind.startswith("integer")
    low, high = getattr(param.type, "min", None), getattr(param.type, "max", None)
    if low is not None and high is not None:
        return t("error.param_int_range" if whole else "error.param_float_range", min=low, max=high)
    return t("error.param_int" if whole else "error.param_float")


def _command_path(e) -> str:
    """`pmcs` and the subcommands, whatever name the program was started by (python -m, tests)."""
    ctx = getattr(e, "ctx", None)
    words = ctx.command_path.split()[1:] if ctx is not None else []
    return " ".join(["pmcs", *words])


def report(message: str, hint: str | None, code: int, exc: BaseException | None = None) -> int:
    """Print one line (and a hint) on stderr; the traceback only with PMCS_DEBUG=1."""
    if os.environ.get("PMCS_DEBUG") and exc is not None:
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    first, *rest = str(message).splitlines() or [""]
    sys.stderr.write(f"{t('error.prefix')}: {first}\n")
    for extra in rest:  # import errors: one line per bad row, by design
        sys.stderr.write(f"  {extra}\n")
    if hint:
        sys.stderr.write(f"{t('hint.prefix')}: {hint}\n")
    sys.stderr.flush()
    return code


app = typer.Typer(
    cls=PmcsGroup,
    help=t("app.help"),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool):
    if value:
        typer.echo(t("version", version=__version__))
        raise typer.Exit()


@app.callback()
def root(
    db: Optional[str] = typer.Option(None, "--db", envvar="PMCS_DB", help=t("opt.db"), show_envvar=False),
    actor: Optional[str] = typer.Option(None, "--as", envvar="PMCS_USER", help=t("opt.as"), show_envvar=False),
    lang: Optional[str] = typer.Option(None, "--lang", envvar="PMCS_LANG", help=t("opt.lang"), show_envvar=False),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help=t("opt.version")),
):
    from pmcs.clock import from_env
    from pmcs.i18n import detect_lang, known_lang
    from pmcs.services.session import Session

    if lang and known_lang(lang) is None:  # said on purpose, unlike LANG=fr_FR: not English in silence
        from pmcs.errors import UsageError

        raise UsageError("error.bad_choice", field="--lang", value=lang, choices="en, zh")
    set_lang(lang or detect_lang([]))
    common.set_session(Session(db, actor=actor, clock=from_env()))
