"""`deploy_linli`: the whole system from the compiled artifacts, in the order of contracts/README.md and
scripts/deploy.py, with roles wired and the deployer's admin power given up.

    1. TimelockController(minDelay, [], [], deployer)       deployer is admin only until step 6
    2. ContributionPoints(name, symbol, timelock, issuer)    roles administered by the timelock
    3. CommunityGovernor(points, timelock, delay, period, threshold, quorum %, late-quorum, guardian, expiry)
    4. RuleBook(timelock, level1, level2, pool rate, GMV target, max change)
    5. PayoutLedger(timelock, publisher, rule book)
    6. timelock: PROPOSER, CANCELLER and EXECUTOR roles to the governor; deployer renounces DEFAULT_ADMIN

Parameters come from contracts/deploy-defaults.json (the same file scripts/deploy.py reads): the `default`
profile, a named profile over it (`fast` for local chains), then explicit overrides. Constructor arguments
are matched to the artifact's ABI input names, so a reordered constructor cannot silently swap values.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from web3.contract import Contract

from chain.artifacts import Artifacts
from chain.base import Chain
from chain.deployment import Deployment
from chain.errors import DeploymentError
from chain.reverts import RevertDecoder
from chain.transactions import Transactor

_PACKAGED_DEFAULTS = Path(__file__).resolve().parent / "data" / "deploy-defaults.json"  # in a wheel (setup.py)
DEFAULTS_PATH = (_PACKAGED_DEFAULTS if _PACKAGED_DEFAULTS.is_file()
                 else Path(__file__).resolve().parents[1] / "contracts" / "deploy-defaults.json")
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


def load_params(profile: str = "default", overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Constructor parameters: `default`, then `profile` over it, then `overrides` (unknown keys refused)."""
    try:
        profiles = json.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DeploymentError(f"cannot read deploy defaults {DEFAULTS_PATH}: {exc}") from exc
    if profile not in profiles:
        known = sorted(k for k in profiles if not k.startswith("_"))
        raise DeploymentError(f"unknown deploy profile {profile!r}; known: {known}")
    params = dict(profiles["default"])
    params.update(profiles[profile] if profile != "default" else {})
    unknown = set(overrides or {}) - set(params)
    if unknown:
        raise DeploymentError(f"unknown deploy parameter(s) {sorted(unknown)}; known: {sorted(params)}")
    params.update(overrides or {})
    return params


@dataclass(frozen=True, slots=True)
class DeployConfig:
    """What to deploy with. Accounts default to the deployer (the co-op admin): issuer, publisher, guardian."""

    profile: str = "fast"
    overrides: Mapping[str, Any] = field(default_factory=dict)
    issuer: str | None = None
    publisher: str | None = None
    guardian: str | None = None
    guardian_expiry: int | None = None  # timestamp; default now + guardian_period


def deploy_linli(
    chain: Chain,
    config: DeployConfig = DeployConfig(),
    *,
    deployer: LocalAccount | None = None,
    artifacts: Artifacts | None = None,
    progress: Callable[[str], None] | None = None,
) -> Deployment:
    """Deploy and wire the five contracts on `chain`; returns the deployment (save it with `.save()`)."""
    artifacts = artifacts or Artifacts()
    deployer = deployer or chain.signers[0]
    p = load_params(config.profile, config.overrides)
    tx = Transactor(chain, RevertDecoder(artifacts.abis()))
    me = deployer.address
    issuer, publisher, guardian = (config.issuer or me), (config.publisher or me), (config.guardian or me)
    expiry = config.guardian_expiry if config.guardian_expiry is not None else chain.timestamp() + p["guardian_period"]
    note = progress or (lambda _msg: None)

    def deploy(name: str, values: Mapping[str, Any]) -> Contract:
        artifact = artifacts.get(name)
        contract = tx.deploy(artifact, *_constructor_args(name, artifact.abi, values), sender=deployer)
        note(f"{name} {contract.address}")
        return contract

    start_block = chain.block_number() + 1
    timelock = deploy(
        "TimelockController",
        {"minDelay": p["timelock_min_delay"], "proposers": [], "executors": [], "admin": me},
    )
    points = deploy(
        "ContributionPoints",
        {"name_": p["points_name"], "symbol_": p["points_symbol"], "admin": timelock.address, "issuer": issuer},
    )
    governor = deploy(
        "CommunityGovernor",
        {
            "token_": points.address,
            "timelock_": timelock.address,
            "votingDelay_": p["voting_delay"],
            "votingPeriod_": p["voting_period"],
            "proposalThreshold_": p["proposal_threshold"],
            "quorumNumerator_": p["quorum_numerator"],
            "lateQuorumExtension_": p["late_quorum_extension"],
            "guardian_": guardian,
            "guardianExpiry_": expiry,
        },
    )
    rule_book = deploy(
        "RuleBook",
        {
            "timelock_": timelock.address,
            "level1Bps": p["level1_bps"],
            "level2Bps": p["level2_bps"],
            "poolRateBps": p["pool_rate_bps"],
            "gmvTargetCents": p["gmv_target_cents"],
            "maxRateChangeBps": p["max_rate_change_bps"],
        },
    )
    ledger = deploy(
        "PayoutLedger",
        {"admin": timelock.address, "publisher": publisher, "ruleBook_": rule_book.address},
    )
    roles = timelock.functions
    for role in ("PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"):
        tx.send(roles.grantRole(getattr(roles, role)().call(), governor.address), deployer)
    tx.send(roles.renounceRole(roles.DEFAULT_ADMIN_ROLE().call(), me), deployer)
    note("roles wired; deployer renounced timelock admin")

    return Deployment(
        chain_id=chain.chain_id,
        rpc=chain.rpc,
        block=start_block,
        contracts={
            "ContributionPoints": points.address,
            "CommunityGovernor": governor.address,
            "TimelockController": timelock.address,
            "RuleBook": rule_book.address,
            "PayoutLedger": ledger.address,
        },
        params={**p, "issuer": issuer, "publisher": publisher, "guardian": guardian, "guardian_expiry": expiry},
    )


def _constructor_args(name: str, abi: list[dict[str, Any]], values: Mapping[str, Any]) -> list[Any]:
    """Arguments in the artifact's constructor order, by input name; a missing one is a clear error."""
    inputs: list[dict[str, Any]] = next((e.get("inputs", []) for e in abi if e.get("type") == "constructor"), [])
    missing = [i["name"] for i in inputs if i["name"] not in values]
    if missing:
        raise DeploymentError(
            f"{name} constructor takes {[i['name'] for i in inputs]}; no value for {missing}: "
            "chain/deploy.py is out of step with contracts/ (recompile, or update the deploy step)"
        )
    return [values[i["name"]] for i in inputs]
