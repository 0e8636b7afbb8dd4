"""`deploy_linli`: the whole system from the compiled artifacts, as chain/plan.py describes it (the contracts,
their constructor arguments, the grants and the renounced admin powers; scripts/deploy.py reads the same plan).

Parameters come from contracts/deploy-defaults.json: the `default` profile, a named profile over it (`fast` for
local chains), then explicit overrides.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eth_account.signers.local import LocalAccount

from chain.artifacts import Artifacts
from chain.base import Chain
from chain.deployment import Deployment
from chain.plan import GRANTS, RENOUNCED, STEPS, arguments, load_params
from chain.reverts import RevertDecoder
from chain.transactions import Transactor

__all__ = ["DeployConfig", "deploy_linli", "load_params"]


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
    """Deploy and wire the contracts of the plan on `chain`; returns the deployment (save it with `.save()`)."""
    artifacts = artifacts or Artifacts()
    deployer = deployer or chain.signers[0]
    p = load_params(config.profile, config.overrides)
    tx = Transactor(chain, RevertDecoder(artifacts.abis()))
    me = deployer.address
    accounts = {"deployer": me, "issuer": config.issuer or me, "publisher": config.publisher or me,
                "guardian": config.guardian or me}
    expiry = config.guardian_expiry if config.guardian_expiry is not None else chain.timestamp() + p["guardian_period"]
    note = progress or (lambda _msg: None)

    start_block = chain.block_number() + 1
    addresses: dict[str, str] = {}
    bound = {}
    for step in STEPS:
        artifact = artifacts.get(step.contract)
        contract = tx.deploy(artifact, *arguments(step, artifact.abi, p, accounts, addresses, expiry), sender=deployer)
        addresses[step.contract], bound[step.contract] = contract.address, contract
        note(f"{step.contract} {contract.address}")
    for grant in GRANTS:
        fn = bound[grant.contract].functions
        tx.send(fn.grantRole(getattr(fn, grant.role)().call(), addresses[grant.holder]), deployer)
    for renounce in RENOUNCED:
        fn = bound[renounce.contract].functions
        tx.send(fn.renounceRole(getattr(fn, renounce.role)().call(), me), deployer)
    note("roles wired; deployer renounced its admin powers")

    return Deployment(
        chain_id=chain.chain_id,
        rpc=chain.rpc,
        block=start_block,
        contracts=addresses,
        params={**p, **{k: v for k, v in accounts.items() if k != "deployer"}, "guardian_expiry": expiry},
    )
