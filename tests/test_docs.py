"""docs/cli.md is generated from the app; it must match the app."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_up_to_date():
    env = dict(os.environ, PMCS_LANG="en", COLUMNS="100")
    fresh = subprocess.run([sys.executable, "-m", "pmcs.cli.docgen"], capture_output=True, text=True, env=env,
                           cwd=ROOT, check=True).stdout
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert fresh == committed, "docs/cli.md is stale: run  python -m pmcs.cli.docgen > docs/cli.md"


def test_every_command_is_in_the_reference():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for cmd in ("pmcs unit import", "pmcs person link", "pmcs staff deactivate", "pmcs db backup", "pmcs history"):
        assert f"`{cmd}`" in text
