"""The code stays as ruff and mypy want it (their settings are in pyproject.toml), and every `type: ignore` left
says why, on its own line or the line above."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("governance", "chain", "api", "linli")
IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?")


@pytest.mark.parametrize("tool", [["ruff", "check", "."], ["mypy"]], ids=["ruff", "mypy"])
def test_the_linters_are_satisfied(tool: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", *tool], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def unexplained_ignores() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, start=1):
                match = IGNORE.search(line)
                if match is None:
                    continue
                after = line[match.end():].strip()
                above = lines[number - 2].strip() if number > 1 else ""
                if not after.startswith("#") and not above.startswith("#"):
                    found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


def test_every_type_ignore_says_why() -> None:
    assert unexplained_ignores() == []
