"""What the chain holds of one month's points, against what the month's lines say it should hold.

Every award or revocation a month close sends carries the evidence id keccak("points:{period}:{member_id}"),
so a period's movements are found by evidence id; the whole batches they belong to are then read by batch
id too, which also brings back members the input no longer names. A chunk's batch id commits to its
content (period, kind, chunk index and the hash of its exact (address, amount, evidence) list), so an id
seen on chain means exactly that content was minted.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from eth_abi import encode as abi_encode
from eth_utils import keccak

from chain.points import Movement, Points

NO_BATCH = bytes(32)


@dataclass(frozen=True, slots=True)
class Entry:
    """One movement a month's lines call for: `kind` ("award" | "revoke") `amount` points of `address`."""

    period: str
    member_id: str
    kind: str
    address: str
    amount: int

    @property
    def evidence(self) -> bytes:
        return evidence_of(self.period, self.member_id)


def evidence_of(period: str, member_id: str) -> bytes:
    """The evidence id of a member's points for a period."""
    return keccak(f"points:{period}:{member_id}".encode("utf-8"))


def batch_id(period: str, kind: str, index: int, content: Sequence[tuple[str, int, bytes]]) -> bytes:
    """The on-chain id of chunk `index` of a period's awards or revocations holding exactly `content`
    ((address, amount, evidence) in the order sent)."""
    digest = keccak(abi_encode(["address[]", "uint256[]", "bytes32[]"],
                               [[a for a, _, _ in content], [n for _, n, _ in content], [e for _, _, e in content]]))
    return keccak(f"linli:{period}:{kind}:{index}:".encode("utf-8") + digest)


def period_movements(points: Points, period: str, member_ids: Iterable[str]) -> list[Movement]:
    """The period's awards and revocations of these members, plus everything else in the same batches."""
    own = points.movements(evidence=[evidence_of(period, m) for m in member_ids])
    batches = sorted({m.batch_id for m in own} - {NO_BATCH})
    if not batches:
        return own
    found = {(m.block_number, m.log_index): m for m in (*own, *points.movements(batch_ids=batches))}
    return [found[key] for key in sorted(found)]


@dataclass(frozen=True, slots=True)
class Comparison:
    differing: list[str]  # member ids (an address when the input does not name the member) whose movements differ
    first_batch: list[Movement]  # the whole batch of the first differing movement
    on_chain: frozenset[bytes]  # evidence ids already on chain exactly as expected
    movements: int  # how many were read (bounds the chunk indices a batch can have)

    def name_first_batch(self, period: str) -> str:
        """`2026-11/award/0` when the batch is a chunk of this period's close, else its id."""
        moves = self.first_batch
        if moves[0].batch_id == NO_BATCH:
            return f"a single {moves[0].kind} outside any batch (block {moves[0].block_number})"
        content = [(m.member, m.amount, m.evidence) for m in moves]
        for index in range(self.movements):  # every chunk holds at least one movement
            if batch_id(period, moves[0].kind, index, content) == moves[0].batch_id:
                return f"{period}/{moves[0].kind}/{index}"
        return "0x" + moves[0].batch_id.hex()


def compare(
    expected: Mapping[bytes, Entry], movements: Sequence[Movement], *, revoke_at_most: bool = False
) -> Comparison:
    """Each evidence id on chain must carry exactly one movement equal to its expected entry (with
    `revoke_at_most`, a revocation may be smaller: it is capped at what the member held)."""
    by_evidence: dict[bytes, list[Movement]] = {}
    for m in movements:
        by_evidence.setdefault(m.evidence, []).append(m)
    differing, first, same = [], None, set()
    for evidence, moves in by_evidence.items():
        want = expected.get(evidence)
        if want is not None and len(moves) == 1 and _matches(moves[0], want, revoke_at_most):
            same.add(evidence)
            continue
        differing.append(want.member_id if want is not None else moves[0].member)
        first = first or moves[0]
    if first is None or first.batch_id == NO_BATCH:
        batch = [] if first is None else [first]
    else:
        batch = [m for m in movements if m.batch_id == first.batch_id]
    return Comparison(differing, batch, frozenset(same), len(movements))


def _matches(move: Movement, want: Entry, revoke_at_most: bool) -> bool:
    if move.kind != want.kind or move.member.lower() != want.address.lower():
        return False
    return move.amount == want.amount or (revoke_at_most and want.kind == "revoke" and move.amount <= want.amount)

