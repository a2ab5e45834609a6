"""Generate docs/cli.md from the app itself: ``python -m pmcs.cli.docgen > docs/cli.md``.

A test regenerates it and fails when the committed file is stale.
"""
from __future__ import annotations

import os
import sys


def render() -> str:
    os.environ["PMCS_LANG"] = "en"
    os.environ["COLUMNS"] = "100"
    import typer

    from pmcs.cli import app

    root = typer.main.get_command(app)
    out = ["# pmcs command reference", "",
           "Generated from the app by `python -m pmcs.cli.docgen > docs/cli.md`; do not edit by hand.", ""]

    def walk(cmd, path, parent_ctx):
        ctx = cmd.make_context(path[-1], [], parent=parent_ctx, resilient_parsing=True, terminal_width=80)
        title = " ".join(path)
        out.extend([f"{'#' * min(len(path) + 1, 4)} `{title}`", "", "```", cmd.get_help(ctx).rstrip(), "```", ""])
        for name in getattr(cmd, "list_commands", lambda c: [])(ctx):
            walk(cmd.get_command(ctx, name), path + [name], ctx)

    walk(root, ["pmcs"], None)
    out.extend(csv_columns())
    return "\n".join(out)


def csv_columns() -> list[str]:
    """Each importer's columns and the headers it accepts, from the schemas it reads with."""
    from pmcs.core.calendar import CALENDAR_DAY
    from pmcs.core.case_io import columns
    from pmcs.core.fees import FEE_ROW
    from pmcs.core.registry import PERSON_ROW, UNIT
    from pmcs.core.workflow import WORKFLOWS
    from pmcs.services.survey_responses import BASE_FIELDS

    out = ["## CSV columns", "",
           "What each import reads: the column, then the headers it accepts (English or Chinese, any case). "
           "A header not listed is named on stderr and not read. Files may be GB18030 or UTF-8.", ""]
    tables = [("`pmcs unit import`", UNIT.fields), ("`pmcs person import`", PERSON_ROW.fields),
              ("`pmcs fees import`", FEE_ROW.fields), ("`pmcs calendar import`", CALENDAR_DAY.fields),
              ("`pmcs survey import` (plus one column per dimension of the survey, by code, English or "
               "Chinese name)", BASE_FIELDS)]
    tables += [(f"`pmcs {kind} import`", columns(wf)) for kind, wf in WORKFLOWS.items()]
    for title, fields in tables:
        out += [f"### {title}", "", "| column | headers accepted |", "|---|---|"]
        out += [f"| {f.name}{' (required)' if f.required else ''} | {', '.join(f.headers)} |" for f in fields]
        out.append("")
    return out


if __name__ == "__main__":
    sys.stdout.write(render())
