"""docs/workflows.md is generated from the workflow tables; it must match them."""
import os
import subprocess
import sys
from pathlib import Path

from pmcs.core.workflow import WORKFLOWS

ROOT = Path(__file__).resolve().parent.parent


def test_workflow_reference_is_up_to_date():
    env = dict(os.environ, PMCS_LANG="en")
    fresh = subprocess.run([sys.executable, "-m", "pmcs.cli.docgen_workflows"], capture_output=True, text=True,
                           env=env, cwd=ROOT, check=True).stdout
    committed = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    assert fresh == committed, "docs/workflows.md is stale: run  python -m pmcs.cli.docgen_workflows > docs/workflows.md"


def test_every_step_and_move_is_documented():
    text = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    for kind, wf in WORKFLOWS.items():
        assert f"## {kind} " in text
        for st in wf.steps:
            assert f"| `{st.code}` |" in text
            if st.sla:
                assert st.sla in text
        for frm, action, to in wf.moves():
            assert f"| `{frm}` | {action} | `{to}` |" in text
