"""Real `linli` processes for the CLI tests that need a long-running command (a node, a served demo): the
environment a user's shell would give them, their printed lines read as they come, and their children."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent  # .venv/bin: `linli` and `python3`, as toolchain/env.sh puts them on PATH


def user_env(**extra: str) -> dict[str, str]:
    """This process's environment without any LINLI_ setting, in English, with `linli` on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", LINLI_LANG="en", **extra)
    return env


def read_until(process: subprocess.Popen[str], marker: str) -> list[str]:
    """stdout lines up to and including the first one containing `marker` (all of them if the process ends)."""
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if marker in line:
            break
    return lines


def children(pid: int) -> list[int]:
    """Pids whose parent is `pid` (from /proc: the node a `linli` process started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
