"""Fixtures of the CLI tests: `cli(...)` runs `linli` in this process exactly as the console script does
(`linli.cli.main`: deliberate errors become one line and exit 1), and an Anvil node for multi-command
sessions. Every chain is real; nothing is mocked."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

os.environ["LINLI_LANG"] = "en"  # these tests read the CLI's English; set before linli.cli builds its help texts

from chain.nodes import LocalNode
from linli.cli import main

ENV = ("LINLI_RPC_URL", "LINLI_PRIVATE_KEY", "LINLI_KEYSTORE", "LINLI_KEYSTORE_PASSWORD", "LINLI_DEPLOYMENT",
       "LINLI_ADMIN_KEY", "LINLI_ADMIN_PUBLIC_KEY")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def error_line(self) -> str:
        """The one line a failed command printed (asserting there is exactly one)."""
        lines = [line for line in self.err.splitlines() if line.strip()]
        assert len(lines) == 1, f"expected one error line, got:\n{self.err}"
        assert "Traceback" not in self.err
        return lines[0]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """`cli("verify", "2026-11", env={...})` -> Run(code, stdout, stderr)."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        capsys.readouterr()
        with monkeypatch.context() as m:
            for key, value in (env or {}).items():
                m.setenv(key, value)
            m.setattr(sys, "argv", ["linli", *args])
            with pytest.raises(SystemExit) as exited:
                main()
        out, err = capsys.readouterr()
        code = exited.value.code
        return Run(code if isinstance(code, int) else (0 if code is None else 1), out, err)

    return run


@pytest.fixture(scope="module")
def anvil() -> Iterator[LocalNode]:
    with LocalNode("anvil") as node:
        yield node

