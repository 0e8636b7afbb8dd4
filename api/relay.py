"""Gasless voting: check a member's EIP-712 ballot against the chain, then send castVoteBySig and pay for it.

Every check is made against the chain itself (not the mirror, which may lag by its confirmations), before
any gas is spent: the signature recovers the voter, the proposal is Active, the voter has not voted, the
nonce is the governor's current one, and the voter had weight at the snapshot.

Several API processes may relay with one relayer key. Each process's nonce cache would then go stale as
soon as another sends ("nonce too low": the vote is lost), so the send itself runs under one nonce authority
per relayer key and chain: on PostgreSQL a transaction-scoped advisory lock (`pg_advisory_xact_lock`) keyed
by the chain id and the relayer's address, held while the nonce is read from the node ("pending") and the
transaction is estimated, signed and sent, and released before the receipt is awaited (the node's pending
count already holds the transaction then). The lock belongs to a database connection, so a process that dies
holding it releases it. On SQLite (one process) the in-process lock of `chain.nonces` is enough. A nonce
taken anyway (a publish from the same key) is re-read and the ballot re-signed a bounded number of times.

The checks run outside the lock; a vote that races them is refused by the governor at send time, and the
chain is asked again why, so the answer is 409 when the voter has voted or the proposal closed meanwhile and
502 with the governor's decoded reason otherwise.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from eth_typing import ChecksumAddress
from eth_utils import keccak
from sqlalchemy import Engine, text

from chain.ballots import BallotDomain, MalformedBallot, SignedBallot, ballot_signer
from chain.errors import ContractCustomError, RpcUnavailable, TransactionReverted
from chain.exclusive import NodeRefused, StaleNonce
from chain.governor import Governance, ProposalState
from chain.nonces import NonceAuthority
from chain.points import Points
from chain.system import Linli


class RelayRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True, slots=True)
class Relayed:
    tx_hash: str
    weight: int


def advisory_key(chain_id: int, address: str) -> int:
    """A signed 64-bit advisory lock key for (chain, sender): the first 8 bytes of a keccak over both."""
    digest = keccak(b"linli:nonces:" + chain_id.to_bytes(32, "big") + bytes.fromhex(address[2:]))
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresNonceAuthority:
    """Every API process on one PostgreSQL database sends from a key in turn (see the module docstring)."""

    def __init__(self, engine: Engine, chain_id: int) -> None:
        self._engine, self._chain_id = engine, chain_id

    @contextmanager
    def hold(self, address: ChecksumAddress) -> Iterator[None]:
        with self._engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": advisory_key(self._chain_id, address)})
            yield


def nonce_authority(engine: Engine, chain_id: int) -> NonceAuthority | None:
    """The database's lock when processes can share it (PostgreSQL); None (in-process only) on SQLite."""
    return PostgresNonceAuthority(engine, chain_id) if engine.dialect.name == "postgresql" else None


def relay(linli: Linli, ballot: SignedBallot, authority: NonceAuthority | None = None) -> Relayed:
    """Check `ballot` against the chain and send it; RelayRefused carries the HTTP status and the reason."""
    gov = Governance(linli)
    domain = gov.ballot_domain()
    try:
        signer = ballot_signer(domain, ballot)
    except MalformedBallot as exc:
        raise RelayRefused(422, str(exc)) from None
    if signer.lower() != ballot.voter.lower():
        raise RelayRefused(422, f"the ballot names voter {ballot.voter} but is signed by {signer} (wrong key, or "
                                "signed for another proposal, support, nonce, chain or governor)")
    _check_open(gov, ballot)
    nonce = int(linli.tx.call(linli.governor.functions.nonces(ballot.voter)))
    if nonce != ballot.nonce:
        raise RelayRefused(422, f"ballot nonce {ballot.nonce} is not the voter's current governor nonce {nonce}")
    weight = Points(linli).past_votes(ballot.voter, gov.snapshot(ballot.proposal_id))
    if weight == 0:
        raise RelayRefused(403, f"{ballot.voter} had no voting weight at the proposal's snapshot")
    return Relayed(tx_hash=send(gov, linli, ballot, authority, domain=domain), weight=weight)


def _check_open(gov: Governance, ballot: SignedBallot) -> None:
    """404 for an unknown proposal, 409 when it is not active or the voter has voted."""
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


def send(gov: Governance, linli: Linli, ballot: SignedBallot, authority: NonceAuthority | None = None, *,
         domain: BallotDomain | None = None) -> str:
    """castVoteBySig paid by the relayer (the first signer); the transaction hash. A refusal at send time is a
    409 when the chain now says the voter voted or the proposal closed, else a 502 (the governor's decoded
    reason, or the node's); an unreachable node is a 503."""
    try:
        receipt = gov.relay_ballot(ballot, linli.chain.signers[0], authority=authority, domain=domain)
    except TransactionReverted as exc:
        _check_open(gov, ballot)
        raise RelayRefused(502, f"the governor refused the ballot: {exc}") from None
    except NodeRefused as exc:
        raise RelayRefused(502, str(exc)) from None
    except (RpcUnavailable, StaleNonce) as exc:
        raise RelayRefused(503, f"the ballot was not sent: {exc}") from None
    return receipt["transactionHash"].to_0x_hex()
