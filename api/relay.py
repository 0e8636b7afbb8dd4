"""Gasless voting and delegation: simulate a member's signed ballot (or delegation) on the chain, then send
it and pay for it.

Nothing is paid for what the chain would refuse. Before sending, the relay runs the exact call it will send
(the same calldata, from the relayer's address, on the "pending" block) as an `eth_call`; the governor checks
everything there at no gas: the signature (an EOA's ECDSA, or a contract voter's ERC-1271 answer, which only
the chain can give), the nonce, the proposal's state and a vote not yet cast. A ballot's simulation also
returns the weight it would count (0 is refused: it would not revert, only cost gas). Only when the
simulation refuses is the chain asked why, so each refusal gets its status: 404 unknown proposal, 409 not
active or already voted (also when another relay raced this one), 422 not signed by the voter over its
current nonce (or an expired delegation), 502 the contract's decoded reason otherwise or the node's own
refusal, 503 when the node cannot be reached. Everything is read from the chain, not the mirror, which may
lag.

Several API processes may relay with one relayer key. Each process's nonce cache would then go stale as
soon as another sends ("nonce too low": the vote is lost), so the send itself runs under one nonce authority
per relayer key and chain: on PostgreSQL a transaction-scoped advisory lock (`pg_advisory_xact_lock`) keyed
by the chain id and the relayer's address, held while the nonce is read from the node ("pending") and the
transactions the process has queued by then are signed and sent (`chain.exclusive`), and released before
the receipt is awaited (the node's pending count already holds the transaction then). The lock belongs to a
database connection, so a process that dies holding it releases it. On SQLite (one process) the in-process
lock of `chain.nonces` is enough. A nonce taken anyway (a publish from the same key) is re-read and the
transaction re-signed a bounded number of times.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from eth_typing import ChecksumAddress
from eth_utils import keccak
from sqlalchemy import Engine, text

from chain.ballots import BallotDomain, MalformedBallot, SignedBallot, ballot_signer, ecdsa_problem, recovery_id_form
from chain.delegations import SignedDelegation, TokenDomain, delegation_signer
from chain.errors import ContractCustomError, RpcUnavailable, TransactionReverted
from chain.exclusive import UNSENT, NotSent, StaleNonce, send_exclusive
from chain.governor import Governance, ProposalState
from chain.node_errors import NODE_ERROR
from chain.nonces import NonceAuthority
from chain.points import Points
from chain.system import Linli

if TYPE_CHECKING:
    from web3.contract.contract import ContractFunction  # chain/ is the one package that imports web3


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
    """Simulate `ballot` and send it; RelayRefused carries the HTTP status and the reason."""
    gov = Governance(linli)
    try:
        accepted, weight = gov.simulate_ballot(ballot, linli.chain.signers[0].address)
    except TransactionReverted as exc:
        raise _ballot_refusal(linli, ballot, exc) from None
    except UNSENT as exc:
        raise unsent(exc) from None
    if weight == 0:
        raise RelayRefused(403, f"{ballot.voter} had no voting weight at the proposal's snapshot")
    return Relayed(tx_hash=send(linli, accepted, authority), weight=weight)


T = TypeVar("T")
_domains: dict[int, tuple[object, BallotDomain]] = {}
_token_domains: dict[int, tuple[object, TokenDomain]] = {}


def once_per_contract(cache: dict[int, tuple[object, T]], contract: object, make: Callable[[], T]) -> T:
    """`make()` once per bound contract. The cache holds the contract object itself, so its id cannot be
    reused by another while cached."""
    cached = cache.get(id(contract))
    if cached is None or cached[0] is not contract:
        cached = cache[id(contract)] = (contract, make())
    return cached[1]


def ballot_domain(gov: Governance, linli: Linli) -> BallotDomain:
    """The governor's EIP-712 domain, read once per bound governor (its name and version are immutable)."""
    return once_per_contract(_domains, linli.governor, gov.ballot_domain)


def token_domain(linli: Linli) -> TokenDomain:
    """The points token's EIP-712 domain, read once per bound token."""
    return once_per_contract(_token_domains, linli.points, Points(linli).domain)


def _ballot_refusal(linli: Linli, ballot: SignedBallot, exc: TransactionReverted) -> RelayRefused:
    """The status and reason of a ballot the governor refused (in simulation, or at send after a race)."""
    gov = Governance(linli)
    name = getattr(exc, "error_name", None)
    if name == "GovernorInvalidSignature":  # checked before the proposal: the signature is what is wrong
        if gov.has_voted(ballot.proposal_id, ballot.voter):  # a replay fails on its used nonce: say what it is
            return RelayRefused(409, f"{ballot.voter} has already voted on proposal {ballot.proposal_id}")
        return RelayRefused(422, _why_not_signed(gov, linli, ballot))
    if name in ("GovernorNonexistentProposal", "GovernorUnexpectedProposalState", "GovernorAlreadyCastVote"):
        _check_open(gov, ballot)
    return RelayRefused(502, f"the governor refused the ballot: {exc}")


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


def _why_not_signed(gov: Governance, linli: Linli, ballot: SignedBallot) -> str:
    """Why the governor found no valid signature of the voter: another nonce, a contract account refusing
    it, or an EOA's signature that is malformed or another key's."""
    nonce = gov.nonce(ballot.voter)
    if nonce != ballot.nonce:
        return f"ballot nonce {ballot.nonce} is not the voter's current governor nonce {nonce}"
    # mypy: a checksummed str where web3 wants its ChecksumAddress NewType
    if linli.chain.w3.eth.get_code(ballot.voter):  # type: ignore[arg-type]
        return f"the voter {ballot.voter} is a contract account and did not accept the signature (ERC-1271)"
    problem = ecdsa_problem(recovery_id_form(ballot.signature) or ballot.signature)
    if problem is not None:
        return problem
    try:
        signer = ballot_signer(ballot_domain(gov, linli), ballot)
    except MalformedBallot as exc:
        return str(exc)
    return (f"the ballot names voter {ballot.voter} but is signed by {signer} (wrong key, or signed for another "
            "proposal, support, reason, nonce, chain or governor)")


def unsent(exc: Exception) -> RelayRefused:
    """503 when the node cannot be reached (or every nonce was taken); 502 when it refused on its own."""
    if isinstance(exc, (RpcUnavailable, StaleNonce, NotSent)):
        return RelayRefused(503, f"not sent: {exc}")
    return RelayRefused(502, f"the node refused: {exc}" if isinstance(exc, NODE_ERROR) else str(exc))


def send_call(linli: Linli, fn: ContractFunction, authority: NonceAuthority | None) -> str:
    """`fn` sent from the relayer (the first signer) under the key's nonce authority; the transaction hash."""
    receipt = send_exclusive(linli.tx, fn, linli.chain.signers[0], authority)
    return receipt["transactionHash"].to_0x_hex()


def send(linli: Linli, ballot: SignedBallot, authority: NonceAuthority | None = None) -> str:
    """The ballot's call paid by the relayer; the transaction hash. A refusal by the governor (a race past
    the simulation) is explained as the simulation's is; the node's own refusal is a 502; an unreachable node
    is a 503."""
    try:
        return send_call(linli, Governance(linli).vote_by_sig(ballot), authority)
    except TransactionReverted as exc:
        raise _ballot_refusal(linli, ballot, exc) from None
    except UNSENT as exc:
        raise unsent(exc) from None


def relay_delegation(linli: Linli, delegation: SignedDelegation, authority: NonceAuthority | None = None) -> str:
    """Check that `delegation` is the delegator's, simulate `delegateBySig`, send it; the transaction hash.
    RelayRefused carries the status: 422 another signer, an expired or future-nonce delegation; 409 a nonce
    already used (a replay); 502/503 as for ballots."""
    signer = delegation_signer(token_domain(linli), delegation)
    if signer != delegation.delegator:
        raise RelayRefused(422, f"the delegation names delegator {delegation.delegator} but is signed by "
                                f"{signer or 'no key'} (wrong key, or signed for another delegatee, nonce, expiry, "
                                "chain or token)")
    fn = Points(linli).delegate_by_sig(delegation)
    try:
        block, relayer = linli.chain.estimate_block, linli.chain.signers[0].address
        linli.tx.call(fn, block=block, sender=relayer)
        return send_call(linli, fn, authority)
    except TransactionReverted as exc:
        raise _delegation_refusal(delegation, exc) from None
    except UNSENT as exc:
        raise unsent(exc) from None


def _delegation_refusal(delegation: SignedDelegation, exc: TransactionReverted) -> RelayRefused:
    name, args = getattr(exc, "error_name", None), getattr(exc, "error_args", {})
    if name == "VotesExpiredSignature":
        return RelayRefused(422, f"the delegation expired at {delegation.expiry} (token clock)")
    if name == "InvalidAccountNonce":
        current = int(args["currentNonce"])
        if delegation.nonce < current:
            return RelayRefused(409, f"delegation nonce {delegation.nonce} of {delegation.delegator} was already "
                                     f"used (current nonce {current}): a replay")
        return RelayRefused(422, f"delegation nonce {delegation.nonce} is not the delegator's current token "
                                 f"nonce {current}")
    if name in ("ECDSAInvalidSignature", "ECDSAInvalidSignatureS", "ECDSAInvalidSignatureLength"):
        return RelayRefused(422, f"the token refused the signature: {exc}")
    return RelayRefused(502, f"the token refused the delegation: {exc}")
