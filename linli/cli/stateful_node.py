"""`linli chain node`'s node: a LocalNode that keeps its chain across restarts (its own module so that
`linli --help` does not import the node machinery)."""
from __future__ import annotations

import socket
from pathlib import Path
from typing import Literal

from chain.nodes import LocalNode, free_port

PREFERRED_PORT = 8545  # the port wallets and tools expect of a dev node


def preferred_port() -> int:
    """8545 when nothing listens there (the usual address of a dev node), else a free port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        taken = sock.connect_ex(("127.0.0.1", PREFERRED_PORT)) == 0
    return free_port() if taken else PREFERRED_PORT


class StatefulNode(LocalNode):
    """A LocalNode that can keep its chain in `state` (Anvil: a JSON dump; Ganache: a database directory)."""

    def __init__(self, kind: Literal["anvil", "ganache"], *, state: Path | None, **kwargs: object) -> None:
        # mypy: the options forwarded are LocalNode's own keyword arguments
        super().__init__(kind, **kwargs)  # type: ignore[arg-type]
        self.state = state

    def command(self) -> list[str]:
        base = super().command()
        if self.state is None:
            return base
        if self.kind == "anvil":
            Path(self.state).parent.mkdir(parents=True, exist_ok=True)  # Anvil would lose its dump otherwise
            return [*base, "--state", str(self.state), "--state-interval", "5"]
        Path(self.state).mkdir(parents=True, exist_ok=True)
        return [*base, "--database.dbPath", str(self.state)]
