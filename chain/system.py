"""`Linli`: a deployment bound on a chain — its contracts, one Transactor, one event decoder.

The facades (`chain.points`, `chain.governor`, `chain.rules`, `chain.ledger`, `chain.polls`) each take a `Linli`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from eth_typing import ABI
from eth_utils import to_checksum_address
from web3.contract import Contract

from chain.artifacts import Artifacts
from chain.base import Chain
from chain.deployment import CONTRACT_NAMES, Deployment
from chain.errors import DeploymentError
from chain.events import EventDecoder, LogFetcher
from chain.reverts import RevertDecoder
from chain.transactions import Transactor


@dataclass(frozen=True, slots=True)
class Linli:
    chain: Chain
    deployment: Deployment
    tx: Transactor
    events: EventDecoder
    points: Contract
    governor: Contract
    timelock: Contract
    rule_book: Contract
    ledger: Contract
    product_poll: Contract

    @classmethod
    def attach(cls, chain: Chain, deployment: Deployment, artifacts: Artifacts | None = None) -> Linli:
        """Bind `deployment` on `chain`; DeploymentError if it belongs to another chain or code is missing."""
        if deployment.chain_id != chain.chain_id:
            raise DeploymentError(
                f"deployment is for chain {deployment.chain_id} ({deployment.rpc}); connected to chain "
                f"{chain.chain_id} ({chain.rpc}): point LINLI_DEPLOYMENT at the right file or redeploy"
            )
        artifacts = artifacts or Artifacts()
        abis = artifacts.abis()
        tx = Transactor(chain, RevertDecoder(abis))
        bound: dict[str, Contract] = {}
        for name in CONTRACT_NAMES:
            address = to_checksum_address(deployment.address(name))
            if not chain.w3.eth.get_code(address):
                raise DeploymentError(f"no contract code at {name} {address} on {chain.rpc}: redeploy")
            contract = chain.w3.eth.contract(address=address, abi=cast(ABI, artifacts.get(name).abi))
            bound[name] = tx.register(contract, name)
        return cls(
            chain=chain,
            deployment=deployment,
            tx=tx,
            events=EventDecoder(abis),
            points=bound["ContributionPoints"],
            governor=bound["CommunityGovernor"],
            timelock=bound["TimelockController"],
            rule_book=bound["RuleBook"],
            ledger=bound["PayoutLedger"],
            product_poll=bound["ProductPoll"],
        )

    def log_fetcher(self, max_range: int = 2_000) -> LogFetcher:
        """A fetcher for eth_getLogs over this chain, `max_range` blocks per query at most."""
        return LogFetcher.for_web3(self.chain.w3, max_range=max_range)
