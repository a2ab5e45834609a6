"""Generate docs/workflows.md from the workflow tables:
``python -m pmcs.cli.docgen_workflows > docs/workflows.md``.

A test regenerates it and fails when the committed file is stale, so the
document cannot drift from what the engine does.
"""
from __future__ import annotations

import sys

ANCHORS = {
    "start": "the step's start",
    "recorded": "the recording (plus any time on hold)",
    "promise_or_reply": "the later of the promised date (18:00) and the step's start",
    "appointment": "the later of the appointment and the step's start",
}


def _flags(names) -> str:
    return " ".join(f"`--{n.replace('_', '-')}`" for n in names) or "—"


def _sla(key: str | None) -> str:
    from pmcs.core.sla import DEFAULT_SLA

    if not key:
        return "—"
    parts = [f"{d}" if v == "default" else f"{v}: {d}" for (k, v), d in DEFAULT_SLA.items() if k == key]
    return ", ".join(parts)


def render() -> str:
    from pmcs.core.case_io import columns
    from pmcs.core.workflow import CLOSED, STATUS_MOVES, WORKFLOWS
    from pmcs.i18n import catalog

    cat = catalog()

    def zh(key: str) -> str:
        return cat.get(key, ("", key))[1]

    out = ["# Workflows", "",
           "Generated from `pmcs/core/workflow.py` by `python -m pmcs.cli.docgen_workflows > docs/workflows.md`; "
           "do not edit by hand.", "",
           "Each kind of case moves through its steps in order. The first step is finished when the case is "
           "recorded (`add`); `advance` finishes the current step with the fields it needs and starts the next. "
           "A due time is computed when a step starts, from the SLA key's duration (`pmcs config sla list`; "
           "the defaults are shown) counted from the anchor; time on hold is added back.", ""]
    for kind, wf in WORKFLOWS.items():
        out += [f"## {kind} (`pmcs {kind}`, numbers `{wf.prefix}-YYYY-NNNN`)", ""]
        if wf.variant:
            out += [f"The SLA variant is chosen by the field `{wf.variant}`.", ""]
        out += ["| # | step | 中文 | finishing it needs | optional | also needed when | SLA key | default SLA | "
                "due counted from |", "|---|---|---|---|---|---|---|---|---|"]
        for i, st in enumerate(wf.steps, start=1):
            when = "; ".join(f"{f}={v}: {_flags(more)}" for f, v, more in st.when) or "—"
            anchor = ANCHORS[st.anchor] if st.sla else "—"
            out.append(f"| {i} | `{st.code}` | {zh(f'step.{kind}.{st.code}')} | {_flags(st.requires)} | "
                       f"{_flags(st.optional)} | {when} | {st.sla or '—'} | {_sla(st.sla)} | {anchor} |")
        out += ["", "Allowed moves (every other move is refused with exit code 4):", "",
                "| from step | action | to step |", "|---|---|---|"]
        for frm, action, to in wf.moves():
            out.append(f"| `{frm}` | {action} | `{to}` |")
        out += ["", f"Spreadsheet columns of `pmcs {kind} export` and `pmcs {kind} import` "
                "(headers in English or Chinese):", "", "| column | also accepted |", "|---|---|"]
        for f in columns(wf):
            out.append(f"| `{f.name}` | {', '.join(f.aliases) or '—'} |")
        out.append("")
    out += ["## Status moves (every kind)", "",
            "| status | action | becomes |", "|---|---|---|"]
    for (status, action), target in STATUS_MOVES.items():
        out.append(f"| `{status}` | {action} | `{target}` |")
    out += ["", f"A case whose last step is finished is `{CLOSED}`; `reopen` takes it back to the step shown "
            "above. Cancelled cases stay cancelled: nothing is ever deleted.", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
