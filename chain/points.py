"""ContributionPoints from Python: batch awards in chunks, balances, votes now and in the past, delegation.

Evidence ids are bytes32; `evidence_id("order:A123")` hashes a text id the way the co-op's records name it.
A large award is split into chunks of `chunk_size` members, each sent as one `awardBatch` under its own
batch id `keccak(batch_id ‖ chunk index)`, so a period re-run with the same `batch_id` is refused on chain
(ContributionPointsIdAlreadyUsed) instead of paying twice.

`movements` reads awards and revocations back from the token's events, by evidence id or by batch id (both
are indexed topics), which is how a month close finds what an earlier, interrupted run of it minted.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from chain.delegations import SignedDelegation, TokenDomain
from chain.system import Linli

EVENT_KINDS = {"PointsAwarded": "award", "PointsRevoked": "revoke"}
TOPIC_GROUP = 500  # ids per eth_getLogs topic alternative list (geth refuses more than 1,000)


def evidence_id(text: str) -> bytes:
    """bytes32 id of an order, review or batch named by text (keccak256 of its UTF-8)."""
    return keccak(text.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Award:
    member: str
    amount: int
    evidence: bytes  # 32 bytes


@dataclass(frozen=True, slots=True)
class Movement:
    """One PointsAwarded or PointsRevoked event."""

    kind: str  # "award" | "revoke"
    member: str
    amount: int
    evidence: bytes
    batch_id: bytes  # 32 zero bytes for a single award or revocation
    block_number: int
    log_index: int


class Points:
    def __init__(self, linli: Linli) -> None:
        self._linli = linli
        self._fn = linli.points.functions

    def award_batch(
        self,
        awards: Sequence[Award],
        *,
        batch_id: bytes,
        sender: LocalAccount | None = None,
        chunk_size: int = 200,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[TxReceipt]:
        """Award everything in chunks (sent back to back, then awaited); `progress(members_done, total)`."""
        sender = sender or self._linli.chain.signers[0]
        chunks = [awards[i : i + chunk_size] for i in range(0, len(awards), chunk_size)]
        calls = [
            self._fn.awardBatch(
                keccak(batch_id + index.to_bytes(32, "big")),
                [a.member for a in chunk],
                [a.amount for a in chunk],
                [a.evidence for a in chunk],
            )
            for index, chunk in enumerate(chunks)
        ]
        sizes = [len(c) for c in chunks]

        def report(chunks_done: int, _chunks: int) -> None:
            if progress is not None:
                progress(sum(sizes[:chunks_done]), len(awards))

        return self._linli.tx.send_many(calls, sender, progress=report)

    def award(self, award: Award, *, sender: LocalAccount | None = None) -> TxReceipt:
        """One award; its evidence id is consumed."""
        sender = sender or self._linli.chain.signers[0]
        return self._linli.tx.send(self._fn.award(award.member, award.amount, award.evidence), sender)

    def balance(self, member: str) -> int:
        return int(self._linli.tx.call(self._fn.balanceOf(member)))

    def balances(self, members: Iterable[str]) -> dict[str, int]:
        return {m: self.balance(m) for m in members}

    def total_supply(self) -> int:
        return int(self._linli.tx.call(self._fn.totalSupply()))

    def votes(self, member: str) -> int:
        """Voting weight now (own points, unless delegated away, plus points delegated to `member`)."""
        return int(self._linli.tx.call(self._fn.getVotes(member)))

    def past_votes(self, member: str, timepoint: int) -> int:
        """Voting weight at a past timestamp (the token's ERC-6372 clock); must be before the latest block."""
        return int(self._linli.tx.call(self._fn.getPastVotes(member, timepoint)))

    def past_total_supply(self, timepoint: int) -> int:
        return int(self._linli.tx.call(self._fn.getPastTotalSupply(timepoint)))

    def delegates(self, member: str) -> str:
        return str(self._linli.tx.call(self._fn.delegates(member)))

    def delegate(self, member: LocalAccount, to: str) -> TxReceipt:
        """`member` lends its weight to `to` (the zero address means back to itself)."""
        return self._linli.tx.send(self._fn.delegate(to), member)

    def domain(self) -> TokenDomain:
        """The token's EIP-712 domain (ERC-5267), which delegations by signature are signed in."""
        return TokenDomain.from_eip5267(tuple(self._linli.tx.call(self._fn.eip712Domain())))

    def nonce(self, member: str) -> int:
        """The nonce `member`'s next delegation by signature must name."""
        return int(self._linli.tx.call(self._fn.nonces(member)))

    def delegate_by_sig(self, delegation: SignedDelegation) -> ContractFunction:
        """The `delegateBySig` call that moves the signer's weight (send it with a relayer's key)."""
        d = delegation
        return self._fn.delegateBySig(d.delegatee, d.nonce, d.expiry, d.v, d.r, d.s)

    def is_id_used(self, id_: bytes) -> bool:
        return bool(self._linli.tx.call(self._fn.isIdUsed(id_)))

    def movements(self, *, evidence: Sequence[bytes] = (), batch_ids: Sequence[bytes] = ()) -> list[Movement]:
        """Awards and revocations whose evidence id, or batch id, is one of those given, in chain order
        (from the deployment block on; each event once even when both lists name it)."""
        events = self._linli.events
        kinds = [events.topic(name).to_0x_hex() for name in EVENT_KINDS]
        found: dict[tuple[int, int], Movement] = {}
        for position, ids in ((2, list(evidence)), (3, list(batch_ids))):
            for start in range(0, len(ids), TOPIC_GROUP):
                topics: list[Any] = [kinds, None, None, None][: position + 1]
                topics[position] = ["0x" + i.hex() for i in ids[start : start + TOPIC_GROUP]]
                logs = self._linli.log_fetcher().fetch(self._linli.deployment.block, self._linli.chain.block_number(),
                                                       address=self._linli.points.address, topics=topics)
                for e in events.decode_all(logs):
                    if e.name in EVENT_KINDS:
                        found[(e.block_number, e.log_index)] = Movement(
                            EVENT_KINDS[e.name], e.args["member"], int(e.args["amount"]), bytes(e.args["evidence"]),
                            bytes(e.args["batchId"]), e.block_number, e.log_index)
        return [found[key] for key in sorted(found)]
