"""`deployment.json` (docs/data-formats.md "deployment.json"): where Linli's contracts live on which chain.

    {"chain_id": int, "rpc": str, "block": int,
     "contracts": {"TimelockController": addr, "ContributionPoints": addr, "CommunityGovernor": addr,
                   "RuleBook": addr, "PayoutLedger": addr, "ProductPoll": addr}}

The contract names are those of chain/plan.py, the one description of the system both deployers follow.

`block` is the deployment block: indexers start reading events there. An optional `params` object records
the constructor parameters used (an extension; readers that do not know it ignore it).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import is_address, to_checksum_address

from chain.errors import DeploymentError
from chain.plan import CONTRACT_NAMES
from governance import bounded_json
from governance.errors import BadInput

__all__ = ["CONTRACT_NAMES", "DEFAULT_PATH", "DEPLOYMENT_ENV", "Deployment"]
DEPLOYMENT_ENV = "LINLI_DEPLOYMENT"
DEFAULT_PATH = Path("deployment.json")


@dataclass(frozen=True, slots=True)
class Deployment:
    chain_id: int
    rpc: str
    block: int
    contracts: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def address(self, name: str) -> str:
        """Checksummed address of contract `name`."""
        try:
            return self.contracts[name]
        except KeyError:
            raise DeploymentError(f"deployment has no {name} (it lists {', '.join(self.contracts)})") from None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "chain_id": self.chain_id, "rpc": self.rpc, "block": self.block, "contracts": dict(self.contracts)
        }
        if self.params:
            data["params"] = dict(self.params)
        return data

    @classmethod
    def from_json(cls, data: Any, *, source: str = "deployment") -> Deployment:
        """Validate and build; every problem names the field."""
        if not isinstance(data, dict):
            raise DeploymentError(f"{source}: expected a JSON object")
        for key, kind in (("chain_id", int), ("rpc", str), ("block", int), ("contracts", dict)):
            if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
                raise DeploymentError(f"{source}: {key!r} must be {kind.__name__}")
        contracts: dict[str, str] = {}
        for name in CONTRACT_NAMES:
            address = data["contracts"].get(name)
            if not isinstance(address, str) or not is_address(address):
                raise DeploymentError(f"{source}: contracts.{name} must be an address, got {address!r}"
                                      + (" (deployed before product polls: redeploy)" if name == "ProductPoll" else ""))
            contracts[name] = to_checksum_address(address)
        params = data.get("params", {})
        if not isinstance(params, dict):
            raise DeploymentError(f"{source}: 'params' must be an object when present")
        return cls(
            chain_id=data["chain_id"], rpc=data["rpc"], block=data["block"], contracts=contracts, params=params
        )

    def save(self, path: Path = DEFAULT_PATH) -> Path:
        """Write the file (pretty, stable key order) atomically, so a reader never sees half of it."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: Path | None = None) -> Deployment:
        """Read `path`, else $LINLI_DEPLOYMENT, else ./deployment.json."""
        path = Path(path or os.environ.get(DEPLOYMENT_ENV) or DEFAULT_PATH)
        try:
            data = bounded_json.load_file(path)
        except FileNotFoundError:
            raise DeploymentError(f"{path} not found: run `linli chain deploy` first") from None
        except OSError as exc:
            raise DeploymentError(f"{path}: cannot read it ({exc.strerror or exc})") from None
        except BadInput as exc:
            raise DeploymentError(str(exc)) from None
        return cls.from_json(data, source=str(path))
