"""Gasless voting: check a member's EIP-712 ballot against the chain, then send castVoteBySig and pay for it.

Every check is made against the chain itself (not the mirror, which may lag by its confirmations), before
any gas is spent: the signature recovers the voter, the proposal is Active, the voter has not voted, the
nonce is the governor's current one, and the voter had weight at the snapshot. One relay at a time per
process, so the relayer's nonces stay in order.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from chain.ballots import SignedBallot, ballot_signer
from chain.errors import ContractCustomError, TransactionReverted
from chain.governor import Governance, ProposalState
from chain.points import Points
from chain.system import Linli

_lock = threading.Lock()


class RelayRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True, slots=True)
class Relayed:
    tx_hash: str
    weight: int


def relay(linli: Linli, ballot: SignedBallot) -> Relayed:
    gov = Governance(linli)
    try:
        signer = ballot_signer(gov.ballot_domain(), ballot)
    except Exception:  # a malformed signature (bad v, s out of range) recovers nobody
        raise RelayRefused(422, "the signature is not a valid ECDSA signature") from None
    if signer.lower() != ballot.voter.lower():
        raise RelayRefused(422, f"the ballot names voter {ballot.voter} but is signed by {signer} (wrong key, or "
                                "signed for another proposal, support, nonce, chain or governor)")
    with _lock:
        try:
            state = gov.state(ballot.proposal_id)
        except ContractCustomError as exc:
            if exc.error_name == "GovernorNonexistentProposal":
                raise RelayRefused(404, f"no proposal {ballot.proposal_id} on chain") from None
            raise
        if state is not ProposalState.ACTIVE:
            raise RelayRefused(409, f"proposal {ballot.proposal_id} is {state.name.lower()}, not active")
        if gov.has_voted(ballot.proposal_id, ballot.voter):
            raise RelayRefused(409, f"{ballot.voter} has already voted on proposal {ballot.proposal_id}")
        nonce = int(linli.tx.call(linli.governor.functions.nonces(ballot.voter)))
        if nonce != ballot.nonce:
            raise RelayRefused(422, f"ballot nonce {ballot.nonce} is not the voter's current governor nonce {nonce}")
        weight = Points(linli).past_votes(ballot.voter, gov.snapshot(ballot.proposal_id))
        if weight == 0:
            raise RelayRefused(403, f"{ballot.voter} had no voting weight at the proposal's snapshot")
        try:
            receipt = gov.relay_ballot(ballot, linli.chain.signers[0])
        except TransactionReverted as exc:  # a race with another vote; transport failures answer 503
            raise RelayRefused(409, f"the governor refused the ballot: {exc}") from None
    return Relayed(tx_hash=receipt["transactionHash"].to_0x_hex(), weight=weight)
