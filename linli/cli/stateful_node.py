"""`linli chain node`'s node: a LocalNode that keeps its chain across restarts (its own module so that
`linli --help` does not import the node machinery)."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from chain.nodes import LocalNode


class StatefulNode(LocalNode):
    """A LocalNode that can keep its chain in `state` (Anvil: a JSON dump; Ganache: a database directory)."""

    def __init__(self, kind: Literal["anvil", "ganache"], *, state: Path | None, **kwargs: object) -> None:
        super().__init__(kind, **kwargs)  # type: ignore[arg-type]
        self.state = state

    def command(self) -> list[str]:
        base = super().command()
        if self.state is None:
            return base
        if self.kind == "anvil":
            return [*base, "--state", str(self.state), "--state-interval", "5"]
        Path(self.state).mkdir(parents=True, exist_ok=True)
        return [*base, "--database.dbPath", str(self.state)]
