"""Compiled contracts as brownie writes them: build/contracts/<Name>.json with `abi`, `bytecode`, `deployedBytecode`.

Contracts imported from OpenZeppelin land under build/contracts/dependencies/…; lookup searches there too.
An installed wheel carries the same files, cut to those three fields, in chain/data/contracts (setup.py);
a checkout (or an editable install) reads build/contracts itself.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from chain.errors import ArtifactMissing

PACKAGED_BUILD_DIR = Path(__file__).resolve().parent / "data" / "contracts"
CHECKOUT_BUILD_DIR = Path(__file__).resolve().parents[1] / "build" / "contracts"
DEFAULT_BUILD_DIR = PACKAGED_BUILD_DIR if PACKAGED_BUILD_DIR.is_dir() else CHECKOUT_BUILD_DIR
_HINT = "contracts are not compiled: run toolchain/bootstrap.sh (it runs `brownie compile`)"


@dataclass(frozen=True, slots=True)
class Artifact:
    """One compiled contract; `bytecode` is hex without 0x and empty for interfaces and abstract contracts."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    path: Path


class Artifacts:
    """All artifacts of one build directory, read on first use."""

    def __init__(self, build_dir: Path = DEFAULT_BUILD_DIR) -> None:
        self.build_dir = Path(build_dir)

    @cached_property
    def _index(self) -> dict[str, Path]:
        if not self.build_dir.is_dir():
            raise ArtifactMissing(f"{self.build_dir} does not exist: {_HINT}")
        index: dict[str, Path] = {}
        # project contracts (top level) win over dependencies of the same name
        for path in sorted(self.build_dir.rglob("*.json"), key=lambda p: len(p.relative_to(self.build_dir).parts)):
            index.setdefault(path.stem, path)
        return index

    def get(self, name: str) -> Artifact:
        """The artifact of contract `name`; ArtifactMissing naming the fix when it is not built."""
        path = self._index.get(name)
        if path is None:
            raise ArtifactMissing(f"no artifact for {name} in {self.build_dir}: {_HINT}")
        data = json.loads(path.read_text(encoding="utf-8"))
        if "abi" not in data:
            raise ArtifactMissing(f"{path} has no ABI: {_HINT}")
        return Artifact(
            name=name,
            abi=data["abi"],
            bytecode=str(data.get("bytecode") or "").removeprefix("0x"),
            deployed_bytecode=str(data.get("deployedBytecode") or "").removeprefix("0x"),
            path=path,
        )

    def abis(self) -> list[list[dict[str, Any]]]:
        """Every ABI in the build (for decoding errors and events raised by any Linli or OZ contract)."""
        return [self.get(name).abi for name in self._index]

    def names(self) -> list[str]:
        return sorted(self._index)
