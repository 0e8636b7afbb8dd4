"""Gasless voting: check a member's EIP-712 ballot against the chain, then send castVoteBySig and pay for it.

Nothing is paid for a ballot the governor would refuse, and the common case asks the chain little: the
voter's weight at the proposal's snapshot (a zero-weight vote would not revert, only cost gas; the snapshot
itself is read once per proposal, `chain.governor.RelayReads`), then the transaction's estimate, in which
the governor checks everything else at no gas (the proposal is Active, the voter has not voted, the
signature is the voter's over the voter's current governor nonce). The signature is also recovered here
(C secp256k1, well under a millisecond) over the nonce the ballot names: since the governor checks it over
its own nonce, a ballot that recovers to its voter and passes the estimate names the current nonce, so no
nonce is read in the common case. Only when something is refused is the chain asked why, so each refusal
gets its status: 404 unknown proposal, 409 not active or already voted (also when another relay raced this
one), 422 signed by another key or over another nonce, 502 the governor's decoded reason otherwise or the
node's own refusal, 503 when the node cannot be reached. Everything is read from the chain, not the mirror,
which may lag.

Several API processes may relay with one relayer key. Each process's nonce cache would then go stale as
soon as another sends ("nonce too low": the vote is lost), so the send itself runs under one nonce authority
per relayer key and chain: on PostgreSQL a transaction-scoped advisory lock (`pg_advisory_xact_lock`) keyed
by the chain id and the relayer's address, held while the nonce is read from the node ("pending") and the
transactions the process has queued by then are signed and sent (`chain.exclusive`), and released before the receipt is awaited (the node's
pending count already holds the transaction then). The lock belongs to a database connection, so a process
that dies holding it releases it. On SQLite (one process) the in-process lock of `chain.nonces` is enough.
A nonce taken anyway (a publish from the same key) is re-read and the ballot re-signed a bounded number of
times.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from eth_typing import ChecksumAddress
from eth_utils import keccak
from sqlalchemy import Engine, text

from chain.ballots import BallotDomain, MalformedBallot, SignedBallot, ballot_signer
from chain.errors import ContractCustomError, RpcUnavailable, TransactionReverted
from chain.exclusive import NodeRefused, NotSent, StaleNonce, send_exclusive
from chain.governor import Governance, ProposalState, RelayReads
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
    """Check `ballot` and send it; RelayRefused carries the HTTP status and the reason."""
    gov, reads = Governance(linli), _bound(_reads, linli, lambda: RelayReads(linli))
    try:
        weight = reads.past_votes(ballot.voter, reads.snapshot(ballot.proposal_id))
    except TransactionReverted:  # a snapshot still in the future: the proposal is pending
        _check_open(gov, ballot)
        raise
    if weight == 0:
        _check_open(gov, ballot)  # an unknown proposal has snapshot 0: say so rather than "no weight"
        _check_signed(gov, linli, ballot)
        raise RelayRefused(403, f"{ballot.voter} had no voting weight at the proposal's snapshot")
    if not _recovers_voter(gov, linli, ballot):  # refused before paying; the chain says which refusal it is
        _check_open(gov, ballot)
        _check_signed(gov, linli, ballot)
    return Relayed(tx_hash=send(linli, ballot, authority), weight=weight)


T = TypeVar("T")
_domains: dict[int, tuple[object, BallotDomain]] = {}
_reads: dict[int, tuple[object, RelayReads]] = {}


def _bound(cache: dict[int, tuple[object, T]], linli: Linli, make: Callable[[], T]) -> T:
    """`make()` once per bound governor. The cache holds the contract object itself, so its id cannot be
    reused by another while cached."""
    cached = cache.get(id(linli.governor))
    if cached is None or cached[0] is not linli.governor:
        cached = cache[id(linli.governor)] = (linli.governor, make())
    return cached[1]


def ballot_domain(gov: Governance, linli: Linli) -> BallotDomain:
    """The governor's EIP-712 domain, read once per bound governor (its name and version are immutable)."""
    return _bound(_domains, linli, gov.ballot_domain)


def _recovers_voter(gov: Governance, linli: Linli, ballot: SignedBallot) -> bool:
    try:
        return ballot_signer(ballot_domain(gov, linli), ballot).lower() == ballot.voter.lower()
    except MalformedBallot:
        return False


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


def _check_signed(gov: Governance, linli: Linli, ballot: SignedBallot) -> None:
    """422 unless the signature is the voter's, over the voter's current governor nonce."""
    try:
        signer = ballot_signer(ballot_domain(gov, linli), ballot)
    except MalformedBallot as exc:
        raise RelayRefused(422, str(exc)) from None
    if signer.lower() != ballot.voter.lower():
        raise RelayRefused(422, f"the ballot names voter {ballot.voter} but is signed by {signer} (wrong key, or "
                                "signed for another proposal, support, nonce, chain or governor)")
    _check_nonce(linli, ballot)


def _check_nonce(linli: Linli, ballot: SignedBallot) -> None:
    nonce = int(linli.tx.call(linli.governor.functions.nonces(ballot.voter)))
    if nonce != ballot.nonce:
        raise RelayRefused(422, f"ballot nonce {ballot.nonce} is not the voter's current governor nonce {nonce}")


def send(linli: Linli, ballot: SignedBallot, authority: NonceAuthority | None = None) -> str:
    """castVoteBySig paid by the relayer (the first signer); the transaction hash. A refusal by the governor
    is explained (404, 409, 422) or else passed on as a 502 with its decoded reason; the node's own refusal
    is a 502 too; an unreachable node is a 503."""
    fn = linli.governor.functions.castVoteBySig(ballot.proposal_id, ballot.support, ballot.voter, ballot.signature)
    try:
        receipt = send_exclusive(linli.tx, fn, linli.chain.signers[0], authority)
    except TransactionReverted as exc:
        gov = Governance(linli)
        _check_open(gov, ballot)
        _check_signed(gov, linli, ballot)
        raise RelayRefused(502, f"the governor refused the ballot: {exc}") from None
    except NodeRefused as exc:
        raise RelayRefused(502, str(exc)) from None
    except (RpcUnavailable, StaleNonce, NotSent) as exc:
        raise RelayRefused(503, f"the ballot was not sent: {exc}") from None
    return receipt["transactionHash"].to_0x_hex()
