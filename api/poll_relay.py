"""Gasless product-poll approvals: simulate a member's signed EIP-712 Approval (`approveBySig`) on the chain,
then send it with the relayer's key, under the same nonce authority and with the same refusal statuses as a
vote (api.relay): nothing is paid for what ProductPoll would refuse.

ProductPoll checks the signature first (consuming the voter's nonce), then the poll. So a refused signature is
explained here: 409 when the voter already approved (a replayed approval fails on its used nonce), 422 for
another nonce, a contract account refusing it (ERC-1271) or another signer; 404 an unknown poll, 409 a poll
not active or a second ballot, 422 a selection naming a candidate the poll lacks, 403 no weight at the
snapshot, 502 any other refusal, 503 an unreachable node.
"""
from __future__ import annotations

from eth_account import Account

from api.relay import Relayed, RelayRefused, once_per_contract, send_call, unsent
from chain.ballots import ecdsa_problem
from chain.errors import ContractCustomError, TransactionReverted
from chain.exclusive import UNSENT
from chain.nonces import NonceAuthority
from chain.polls import Polls, SignedApproval, approval_message
from chain.system import Linli

_domains: dict[int, tuple[object, dict[str, object]]] = {}


def relay_approval(linli: Linli, approval: SignedApproval, authority: NonceAuthority | None = None) -> Relayed:
    """Simulate `approval` from the relayer and send it; RelayRefused carries the HTTP status and the reason."""
    polls = Polls(linli)
    try:
        weight = polls.simulate(approval, linli.chain.signers[0].address)
    except TransactionReverted as exc:
        raise _refusal(linli, approval, exc) from None
    except UNSENT as exc:
        raise unsent(exc) from None
    if weight == 0:
        raise RelayRefused(403, f"{approval.voter} had no points at poll {approval.poll_id}'s snapshot")
    try:
        return Relayed(tx_hash=send_call(linli, polls.approve_by_sig(approval), authority), weight=weight)
    except TransactionReverted as exc:  # another relay raced this one past its simulation
        raise _refusal(linli, approval, exc) from None
    except UNSENT as exc:
        raise unsent(exc) from None


def _refusal(linli: Linli, approval: SignedApproval, exc: TransactionReverted) -> RelayRefused:
    polls, poll_id, voter = Polls(linli), approval.poll_id, approval.voter
    name = exc.error_name if isinstance(exc, ContractCustomError) else None
    if name == "ProductPollInvalidSignature":
        if _has_voted(polls, poll_id, voter):
            return RelayRefused(409, f"{voter} has already approved in poll {poll_id}")
        return RelayRefused(422, _why_not_signed(linli, polls, approval))
    if name == "ProductPollUnknown":
        return RelayRefused(404, f"no poll {poll_id} on chain")
    if name == "ProductPollNotActive":
        return RelayRefused(409, f"poll {poll_id} is {polls.state(poll_id).name.lower()}, not active")
    if name == "ProductPollAlreadyVoted":
        return RelayRefused(409, f"{voter} has already approved in poll {poll_id}")
    if name == "ProductPollInvalidSelection":
        count = len(polls.options(poll_id))
        return RelayRefused(422, f"selection {approval.selection} names no candidate or one poll {poll_id} lacks "
                                 f"(it has {count}: bits 0 to {count - 1})")
    return RelayRefused(502, f"ProductPoll refused the approval: {exc}")


def _has_voted(polls: Polls, poll_id: int, voter: str) -> bool:
    """Whether `voter` approved in the poll (False for an unknown poll)."""
    try:
        return polls.has_voted(poll_id, voter)
    except ContractCustomError:
        return False


def _why_not_signed(linli: Linli, polls: Polls, approval: SignedApproval) -> str:
    """Another nonce, a contract account refusing it, a malformed signature, or another key's."""
    nonce = polls.nonce(approval.voter)
    if nonce != approval.nonce:
        return f"approval nonce {approval.nonce} is not the voter's current ProductPoll nonce {nonce}"
    # mypy: a checksummed str where web3 wants its ChecksumAddress NewType
    if linli.chain.w3.eth.get_code(approval.voter):  # type: ignore[arg-type]
        return f"the voter {approval.voter} is a contract account and did not accept the signature (ERC-1271)"
    problem = ecdsa_problem(approval.signature)
    if problem is not None:
        return problem
    domain = once_per_contract(_domains, linli.product_poll, polls.domain)
    message = approval_message(domain, approval.poll_id, approval.selection, approval.voter, approval.nonce)
    try:
        signer = Account.recover_message(message, signature=approval.signature)
    except Exception as exc:  # eth_keys refuses what it cannot recover from: that is the answer
        return f"the signature recovers to no key: {exc}"
    return (f"the approval names voter {approval.voter} but is signed by {signer} (wrong key, or signed for "
            "another poll, selection, nonce, chain or ProductPoll)")
