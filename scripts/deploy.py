"""Deploy the whole Linli system with brownie, wire its roles, and write deployment.json.

    brownie run scripts/deploy.py --network development   # Anvil
    brownie run scripts/deploy.py --network ganache-cli

Environment: LINLI_PRIVATE_KEY (deployer; default: the node's first unlocked account), LINLI_DEPLOY_PROFILE
(`default` | `fast`, default `fast` on local chains), LINLI_DEPLOYMENT (output path, default deployment.json).

What is deployed, with which arguments, grants and renounced powers, is chain/plan.py, the description
chain/deploy.py (`linli chain deploy`, the demo) follows too; parameters come from contracts/deploy-defaults.json.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import brownie
from brownie import accounts, chain, network, web3

from chain import plan
from chain.errors import DeploymentError

# Attribute of each contract on the returned namespace (the tests' fixture names).
ATTRIBUTES = {
    "TimelockController": "timelock", "ContributionPoints": "points", "CommunityGovernor": "governor",
    "RuleBook": "rule_book", "PayoutLedger": "ledger", "ProductPoll": "product_poll",
}
CONTRACT_NAMES = plan.CONTRACT_NAMES


def load_params(profile: str = "default", **overrides: Any) -> dict[str, Any]:
    """Constructor parameters: the `default` profile, then `profile` over it, then `overrides` (ValueError on an
    unknown one)."""
    try:
        return plan.load_params(profile, overrides)
    except DeploymentError as exc:
        raise ValueError(str(exc)) from None


def deploy_linli(
    deployer,
    *,
    profile: str = "default",
    issuer=None,
    publisher=None,
    guardian=None,
    guardian_expiry: int | None = None,
    **overrides: Any,
) -> SimpleNamespace:
    """Deploy and wire the contracts of chain/plan.py; return them (and `params`) as attributes.

    `issuer`, `publisher` and `guardian` default to the deployer (the co-op admin). After this call the
    deployer holds no admin power: the timelock administers points, ledger, rule book and itself, the governor is
    the timelock's only proposer, canceller and executor, and the product poll may add poll winners.
    """
    p = load_params(profile, **overrides)
    tx = {"from": deployer}
    who = {"deployer": deployer, "issuer": issuer or deployer, "publisher": publisher or deployer,
           "guardian": guardian or deployer}
    if guardian_expiry is None:
        guardian_expiry = chain.time() + p["guardian_period"]

    deployed: dict[str, Any] = {}
    for step in plan.STEPS:
        container = getattr(brownie, step.contract)
        deployed[step.contract] = container.deploy(
            *plan.arguments(step, container.abi, p, who, deployed, guardian_expiry), tx
        )
    for grant in plan.GRANTS:
        contract = deployed[grant.contract]
        contract.grantRole(getattr(contract, grant.role)(), deployed[grant.holder], tx)
    for renounce in plan.RENOUNCED:
        contract = deployed[renounce.contract]
        contract.renounceRole(getattr(contract, renounce.role)(), deployer, tx)

    params = dict(p, guardian=str(who["guardian"]), guardian_expiry=guardian_expiry, issuer=str(who["issuer"]),
                  publisher=str(who["publisher"]))
    return SimpleNamespace(params=params, **{ATTRIBUTES[name]: c for name, c in deployed.items()})


def deployment_record(system: SimpleNamespace, rpc: str | None = None) -> dict[str, Any]:
    """The deployment.json content (docs/data-formats.md), with the parameters used."""
    return {
        "chain_id": chain.id,
        "rpc": rpc or (web3.provider.endpoint_uri if web3.provider else ""),
        "block": system.timelock.tx.block_number,
        "contracts": {name: getattr(system, ATTRIBUTES[name]).address for name in CONTRACT_NAMES},
        "params": system.params,
    }


def _deployer():
    key = os.environ.get("LINLI_PRIVATE_KEY")
    return accounts.add(key) if key else accounts[0]


def main() -> SimpleNamespace:
    local = network.show_active() in ("development", "ganache-cli", "anvil", "hardhat")
    profile = os.environ.get("LINLI_DEPLOY_PROFILE", "fast" if local else "default")
    system = deploy_linli(_deployer(), profile=profile)
    record = deployment_record(system)
    out = Path(os.environ.get("LINLI_DEPLOYMENT", "deployment.json"))
    out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    for name, address in record["contracts"].items():
        print(f"{name:20} {address}")
    print(f"chain {record['chain_id']} block {record['block']} profile {profile} -> {out}")
    return system
