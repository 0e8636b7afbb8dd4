"""A schemathesis run over the OpenAPI schema finds no 5xx.

schemathesis needs a newer hypothesis than brownie pins, so it lives in .toolchain/fuzz-venv
(toolchain/bootstrap_fuzz.sh); the test starts `linli serve` on a mirror of the world and runs the `st` CLI
against it, reads and writes (ballots to relay, unsigned admin requests) alike, in every phase: examples,
coverage, fuzzing and stateful. One worker: with two, schemathesis' threads parse Python source at the same
time (hypothesis describing a lambda), and CPython 3.11.7's AST builder keeps its recursion depth in state the
threads share, so the coverage phase died with "SystemError: AST constructor recursion depth mismatch".
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from api_support import ROOT, database, served, sync
from api_world import World

ST = ROOT / ".toolchain" / "fuzz-venv" / "bin" / "st"


@pytest.mark.skipif(not ST.exists(), reason="no fuzz environment: run toolchain/bootstrap_fuzz.sh")
def test_no_server_errors_over_the_openapi_schema(world: World, tmp_path: Path) -> None:
    with database("sqlite", tmp_path) as url:
        sync(url, world)
        with served(url, world, tmp_path) as server:
            run = subprocess.run(
                [str(ST), "run", f"{server.base}/openapi.json", "--checks", "not_a_server_error",
                 "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", "15", "--seed", "1",
                 "--workers", "1", "--request-timeout", "20"],
                capture_output=True, text=True, timeout=240, env={**os.environ, "NO_COLOR": "1"},
                cwd=tmp_path,  # st keeps its example database in ./.schemathesis
            )
            log = server.log_tail()
    assert run.returncode == 0, run.stdout[-6000:] + "\n--- server ---\n" + log
    summary = run.stdout[run.stdout.rindex("Test Phases:"):]
    for phase in ("Coverage", "Fuzzing", "Stateful"):  # ran and passed, not skipped or errored
        assert re.search(rf"✅ {phase}\b", summary), summary
