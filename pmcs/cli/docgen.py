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
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
