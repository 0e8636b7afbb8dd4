"""Deploy the whole Linli system with brownie, wire its roles, and write deployment.json.

    brownie run scripts/deploy.py --network development   # Anvil
    brownie run scripts/deploy.py --network ganache-cli

Environment: LINLI_PRIVATE_KEY (deployer; default: the node's first unlocked account), LINLI_DEPLOY_PROFILE
(`default` | `fast`, default `fast` on local chains), LINLI_DEPLOYMENT (output path, default deployment.json).

Constructor argument defaults live in one place, contracts/deploy-defaults.json, shared with chain/.
Deploy order and constructor signatures are documented in contracts/README.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from brownie import (
    CommunityGovernor,
    ContributionPoints,
    PayoutLedger,
    ProductPoll,
    RuleBook,
    TimelockController,
    accounts,
    chain,
    network,
    web3,
)

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
DEFAULTS_PATH = Path(__file__).resolve().parents[1] / "contracts" / "deploy-defaults.json"
CONTRACT_NAMES = (
    "ContributionPoints", "CommunityGovernor", "TimelockController", "RuleBook", "PayoutLedger", "ProductPoll"
)


def load_params(profile: str = "default", **overrides: Any) -> dict[str, Any]:
    """Constructor parameters: the `default` profile, then `profile` over it, then `overrides`."""
    profiles = json.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    params = dict(profiles["default"])
    if profile != "default":
        params.update(profiles[profile])
    unknown = set(overrides) - set(params)
    if unknown:
        raise ValueError(f"unknown deploy parameter(s) {sorted(unknown)}; known: {sorted(params)}")
    params.update(overrides)
    return params


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
    """Deploy and wire the contracts; return them (and `params`) as attributes.

    `issuer`, `publisher` and `guardian` default to the deployer (the co-op admin). After this call the
    deployer holds no admin power: the timelock administers points, ledger and itself, the governor is the
    timelock's only proposer, canceller and executor.
    """
    p = load_params(profile, **overrides)
    tx = {"from": deployer}
    issuer = issuer or deployer
    publisher = publisher or deployer
    guardian = guardian or deployer
    if guardian_expiry is None:
        guardian_expiry = chain.time() + p["guardian_period"]

    # 1. Timelock, with the deployer as temporary admin (the governor does not exist yet).
    timelock = TimelockController.deploy(p["timelock_min_delay"], [], [], deployer, tx)
    # 2. Points: roles administered by the timelock; the co-op admin is the first issuer.
    points = ContributionPoints.deploy(p["points_name"], p["points_symbol"], timelock, issuer, tx)
    # 3. Governor over the points, executing through the timelock.
    governor = CommunityGovernor.deploy(
        points,
        timelock,
        p["voting_delay"],
        p["voting_period"],
        p["proposal_threshold"],
        p["quorum_numerator"],
        p["late_quorum_extension"],
        guardian,
        guardian_expiry,
        tx,
    )
    # 4. Rule book written only by the timelock.
    rule_book = RuleBook.deploy(
        timelock,
        p["level1_bps"],
        p["level2_bps"],
        p["pool_rate_bps"],
        p["gmv_target_cents"],
        p["max_rate_change_bps"],
        tx,
    )
    # 5. Ledger: role admin the timelock, the co-op admin publishes, checked against the rule book.
    ledger = PayoutLedger.deploy(timelock, publisher, rule_book, tx)
    # 6. Advisory approval polls for product picks, on the governor's delay and period.
    product_poll = ProductPoll.deploy(points, p["voting_delay"], p["voting_period"], tx)
    # 7. Wire the timelock to the governor, then give up the deployer's admin power.
    timelock.grantRole(timelock.PROPOSER_ROLE(), governor, tx)
    timelock.grantRole(timelock.CANCELLER_ROLE(), governor, tx)
    timelock.grantRole(timelock.EXECUTOR_ROLE(), governor, tx)
    timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), deployer, tx)

    params = dict(p, guardian=str(guardian), guardian_expiry=guardian_expiry, issuer=str(issuer),
                  publisher=str(publisher))
    return SimpleNamespace(
        timelock=timelock,
        points=points,
        governor=governor,
        rule_book=rule_book,
        ledger=ledger,
        product_poll=product_poll,
        params=params,
    )


def deployment_record(system: SimpleNamespace, rpc: str | None = None) -> dict[str, Any]:
    """The deployment.json content (docs/data-formats.md), plus ProductPoll and the parameters used."""
    return {
        "chain_id": chain.id,
        "rpc": rpc or (web3.provider.endpoint_uri if web3.provider else ""),
        "block": system.timelock.tx.block_number,
        "contracts": {
            "ContributionPoints": system.points.address,
            "CommunityGovernor": system.governor.address,
            "TimelockController": system.timelock.address,
            "RuleBook": system.rule_book.address,
            "PayoutLedger": system.ledger.address,
            "ProductPoll": system.product_poll.address,
        },
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
