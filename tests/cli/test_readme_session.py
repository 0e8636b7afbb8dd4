"""The README's "Sessions over several commands" block, run as written.

Its first line starts the node ("terminal 1"): it runs in the background here, on a port of its own
(LINLI_NODE_PORT, so that it never takes brownie's 8545 from a parallel test) and the `export` lines it prints
are what "terminal 2" pastes. Every other line runs literally, in one bash with `set -e`, in a folder holding
the repository's examples/. The proposal must end executed and `linli verify` must say OK.
"""
from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

from chain.nodes import free_port
from session_processes import read_until, user_env

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Sessions over several commands"


def session_block() -> list[str]:
    """The lines of the first ```bash block of the README's session section."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    return section.split("```bash\n", 1)[1].split("\n```", 1)[0].splitlines()


def test_the_readme_session_runs_as_written(tmp_path: Path) -> None:
    first, *rest = session_block()
    assert first.startswith("linli chain node"), first
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = user_env(LINLI_NODE_PORT=str(free_port()))
    node = subprocess.Popen(["bash", "-c", f"exec {first}"], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        printed = read_until(node, "Ctrl-C stops it")
        exports = [line.strip() for line in printed if line.strip().startswith("export ")]
        assert len(exports) == 5, printed  # the node's URL, dev account 0, three members
        script = "\n".join(["set -eo pipefail", *exports, *rest, 'linli proposal show "$PID" --json > final.json'])
        session = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, text=True, capture_output=True,
                                 timeout=300)
        assert session.returncode == 0, session.stdout[-3000:] + session.stderr[-3000:]
        assert "Traceback" not in session.stderr
        assert "(weight 600)" in session.stdout and "(weight 300)" in session.stdout  # two members, two keys
        assert "weight 0" not in session.stdout
        assert json.loads((tmp_path / "final.json").read_text())["state"] == "executed"
        assert "五常大米 5kg, 菜籽油 5L in the catalogue (2 new)" in session.stdout  # the poll, enacted
        verified = [line for line in session.stdout.splitlines() if line.startswith("OK 2026-11")]
        assert len(verified) == 2, session.stdout  # --all, then one member by its id
        proven = "m000001 0x93db9f20164de4ce8fcc4b109089e16890b00eaf: payout"  # by --all, then by its id
        assert session.stdout.lower().count(proven) == 2, session.stdout
    finally:
        node.send_signal(signal.SIGINT)
        node.wait(timeout=30)
    assert node.returncode == 0
    assert (tmp_path / ".linli" / "anvil.json").stat().st_size > 0  # --state made its folder; Anvil dumped
