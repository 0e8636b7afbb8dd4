"""ProductPoll from Python: open a product poll, approve candidates (directly or by a relayed EIP-712 approval),
enact it, and read it back.

A poll's candidates are product ids (bytes32) with metadata hashes; a ballot is a *selection*, the bitmap of
the approved candidates' indexes (`selection_of`). The signed form is ProductPoll's EIP-712 type
`Approval(uint256 pollId,uint256 selection,address voter,uint256 nonce)` on the domain the contract reports
(ERC-5267 `eip712Domain()`), over the voter's ProductPoll nonce, so a signature is valid once. `SignedApproval`
round-trips through JSON for a relay, checking every field against its Solidity type.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from eth_account.messages import SignableMessage, encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from chain.ballots import MAX_SIGNATURE_BYTES, MAX_UINT256, MalformedBallot, hex_field, uint_field
from chain.errors import ChainError, ContractCustomError
from chain.system import Linli

MAX_OPTIONS = 64
APPROVAL_TYPES = {"Approval": [{"name": name, "type": kind} for name, kind in (
    ("pollId", "uint256"), ("selection", "uint256"), ("voter", "address"), ("nonce", "uint256"))]}
DOMAIN_TYPES = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


class PollState(IntEnum):
    """IProductPoll.PollState: Defeated = quorum missed, Tied = equal weight at the top-N cut-off."""

    PENDING = 0
    ACTIVE = 1
    DEFEATED = 2
    TIED = 3
    SUCCEEDED = 4
    ENACTED = 5


@dataclass(frozen=True, slots=True)
class Candidate:
    product_id: bytes  # 32 bytes
    metadata_hash: bytes  # 32 bytes, non-zero


@dataclass(frozen=True, slots=True)
class PollOption:
    product_id: bytes
    metadata_hash: bytes
    weight: int


@dataclass(frozen=True, slots=True)
class PollView:
    """A poll as the contract reports it. `quorum` is None until voting opens (the snapshot is in the future);
    `winners` is empty until the poll has ended, and for a Defeated or Tied one."""

    id: int
    state: PollState
    top_n: int
    snapshot: int
    deadline: int
    options: tuple[PollOption, ...]
    turnout: int
    quorum: int | None
    winners: tuple[bytes, ...]

    @property
    def enacted(self) -> bool:
        return self.state is PollState.ENACTED


@dataclass(frozen=True, slots=True)
class Enacted:
    """What `enact` did: `state` Succeeded with the winners sent to the catalogue (`added` of them new), or
    Defeated / Tied with nothing changed."""

    state: PollState
    winners: tuple[bytes, ...]
    added: int
    receipt: TxReceipt


@dataclass(frozen=True, slots=True)
class SignedApproval:
    poll_id: int
    selection: int
    voter: str
    nonce: int
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {"poll_id": str(self.poll_id), "selection": str(self.selection), "voter": self.voter,
                "nonce": str(self.nonce), "signature": "0x" + self.signature.hex()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignedApproval:
        """The approval in `data`; MalformedBallot names the first field that does not fit its type."""
        values: dict[str, Any] = {}
        for name, parse in _APPROVAL_FIELDS.items():
            try:
                values[name] = parse(data[name])
            except MalformedBallot:
                raise
            except (KeyError, ValueError, TypeError) as exc:
                raise MalformedBallot(f"malformed approval: {name}: {exc}") from exc
        return cls(**values)


_APPROVAL_FIELDS: dict[str, Callable[[Any], Any]] = {
    "poll_id": lambda v: uint_field("poll_id", int(v), MAX_UINT256),
    "selection": lambda v: uint_field("selection", int(v), 2**MAX_OPTIONS - 1),
    "voter": to_checksum_address,
    "nonce": lambda v: uint_field("nonce", int(v), MAX_UINT256),
    "signature": lambda v: hex_field("signature", v, MAX_SIGNATURE_BYTES),
}


def selection_of(options: Sequence[bytes], product_ids: Sequence[bytes]) -> int:
    """The bitmap of the candidates named by `product_ids` (bit i = candidate i); ChainError names a stranger."""
    index = {bytes(p): i for i, p in enumerate(options)}
    strangers = [p.hex() for p in product_ids if bytes(p) not in index]
    if strangers or not product_ids:
        raise ChainError(f"approve at least one candidate of the poll; not candidates: {strangers}")
    return sum(1 << index[bytes(p)] for p in set(product_ids))


def approval_message(domain: dict[str, Any], poll_id: int, selection: int, voter: str, nonce: int) -> SignableMessage:
    """The EIP-712 message a member signs (`domain`: name, version, chainId, verifyingContract)."""
    return encode_typed_data(full_message={
        "types": {"EIP712Domain": DOMAIN_TYPES, **APPROVAL_TYPES},
        "primaryType": "Approval",
        "domain": domain,
        "message": {"pollId": poll_id, "selection": selection, "voter": voter, "nonce": nonce},
    })


class Polls:
    def __init__(self, linli: Linli) -> None:
        self._linli = linli
        self._fn = linli.product_poll.functions

    def _call(self, fn: ContractFunction, **kwargs: Any) -> Any:
        return self._linli.tx.call(fn, **kwargs)

    # ---------------------------------------------------------------- write

    def open(self, candidates: Sequence[Candidate], top_n: int, description: str, sender: LocalAccount) -> int:
        """Open a poll; returns its id (from the PollCreated event)."""
        fn = self._fn.createPoll([c.product_id for c in candidates], [c.metadata_hash for c in candidates], top_n,
                                 description)
        receipt = self._linli.tx.send(fn, sender)
        created = [e for e in self._linli.events.from_receipt(receipt) if e.name == "PollCreated"]
        if not created:
            raise ChainError("ProductPoll did not report the poll as created")
        return int(created[0].args["pollId"])

    def approve(self, poll_id: int, product_ids: Sequence[bytes], voter: LocalAccount) -> TxReceipt:
        """Approve the candidates `product_ids` of the poll, with the voter's weight at its snapshot."""
        return self._linli.tx.send(self._fn.approve(poll_id, self.selection(poll_id, product_ids)), voter)

    def selection(self, poll_id: int, product_ids: Sequence[bytes]) -> int:
        return selection_of([o.product_id for o in self.options(poll_id)], product_ids)

    def enact(self, poll_id: int, sender: LocalAccount) -> Enacted:
        """Settle an ended poll (anyone may): its winners go to the catalogue, or nothing changes and the
        outcome says why."""
        receipt = self._linli.tx.send(self._fn.enact(poll_id), sender)
        event = next(e for e in self._linli.events.from_receipt(receipt) if e.name == "PollEnacted")
        state = PollState(int(event.args["state"]))
        return Enacted(state, tuple(bytes(w) for w in event.args["winners"]), int(event.args["added"]), receipt)

    # ---------------------------------------------------------------- signed approvals

    def domain(self) -> dict[str, Any]:
        """The contract's EIP-712 domain, read through ERC-5267 `eip712Domain()`."""
        _fields, name, version, chain_id, verifying_contract, _salt, _extensions = self._call(self._fn.eip712Domain())
        return {"name": name, "version": version, "chainId": int(chain_id), "verifyingContract": verifying_contract}

    def nonce(self, voter: str) -> int:
        """The ProductPoll nonce the voter's next signed approval must carry."""
        return int(self._call(self._fn.nonces(voter)))

    def sign_approval(self, poll_id: int, product_ids: Sequence[bytes], voter: LocalAccount, *,
                      account: str | None = None) -> SignedApproval:
        """The member's signed approval over its current nonce; nothing is sent. `account`: the contract account
        (ERC-1271) the approval is for, when `voter` is the key it accepts."""
        named = to_checksum_address(account or voter.address)
        selection, nonce = self.selection(poll_id, product_ids), self.nonce(named)
        signed = voter.sign_message(approval_message(self.domain(), poll_id, selection, named, nonce))
        return SignedApproval(poll_id, selection, named, nonce, bytes(signed.signature))

    def approve_by_sig(self, approval: SignedApproval) -> ContractFunction:
        """The call that casts `approval`, for anyone to send."""
        return self._fn.approveBySig(approval.poll_id, approval.selection, approval.voter, approval.signature)

    def simulate(self, approval: SignedApproval, relayer: str) -> int:
        """The weight `approval` would count: an eth_call of the exact relayed call from `relayer` on the block
        estimates run on. A refusal raises the decoded ContractCustomError; nothing is paid."""
        return int(self._call(self.approve_by_sig(approval), block=self._linli.chain.estimate_block,
                              sender=relayer))

    def relay(self, approval: SignedApproval, relayer: LocalAccount) -> TxReceipt:
        """Send someone's signed approval, paying the gas; simulated first, so a refused one costs nothing and
        raises its decoded reason, marked "not relayed"."""
        try:
            self.simulate(approval, relayer.address)
        except ContractCustomError as exc:
            raise ContractCustomError(exc.error_name, exc.error_args, data=exc.data,
                                      context=f"the approval of {approval.voter} was not relayed") from exc
        return self._linli.tx.send(self.approve_by_sig(approval), relayer)

    # ---------------------------------------------------------------- read

    def count(self) -> int:
        return int(self._call(self._fn.pollCount()))

    def state(self, poll_id: int) -> PollState:
        return PollState(int(self._call(self._fn.state(poll_id))))

    def has_voted(self, poll_id: int, voter: str) -> bool:
        return bool(self._call(self._fn.hasVoted(poll_id, voter)))

    def options(self, poll_id: int) -> tuple[PollOption, ...]:
        ids, _top_n, _snapshot, _deadline = self._call(self._fn.poll(poll_id))
        hashes, weights = self._call(self._fn.metadataHashes(poll_id)), self._call(self._fn.tallies(poll_id))
        return tuple(PollOption(bytes(i), bytes(h), int(w)) for i, h, w in zip(ids, hashes, weights, strict=True))

    def read(self, poll_id: int) -> PollView:
        """Everything about one poll (a handful of eth_calls)."""
        _ids, top_n, snapshot, deadline = self._call(self._fn.poll(poll_id))
        state = self.state(poll_id)
        voting_opened = state is not PollState.PENDING
        ended = state not in (PollState.PENDING, PollState.ACTIVE)
        return PollView(
            id=poll_id,
            state=state,
            top_n=int(top_n),
            snapshot=int(snapshot),
            deadline=int(deadline),
            options=self.options(poll_id),
            turnout=int(self._call(self._fn.turnout(poll_id))),
            quorum=int(self._call(self._fn.quorum(poll_id))) if voting_opened else None,
            winners=tuple(bytes(w) for w in self._call(self._fn.winners(poll_id))) if ended else (),
        )

    # ---------------------------------------------------------------- time (dev chains)

    def advance_to_voting(self, poll_id: int) -> None:
        """Mine a block after the snapshot, so the poll is Active."""
        self._advance_past(int(self._call(self._fn.poll(poll_id))[2]))

    def advance_past_deadline(self, poll_id: int) -> None:
        """Mine a block after the deadline, so the poll can be enacted."""
        self._advance_past(int(self._call(self._fn.poll(poll_id))[3]))

    def _advance_past(self, timepoint: int) -> None:
        chain = self._linli.chain
        chain.increase_time(max(timepoint + 1 - chain.timestamp(), 1))
