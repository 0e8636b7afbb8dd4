"""What the chain holds of one month's points, against what the month's lines say it should hold.

Every award or revocation a month close sends carries the evidence id keccak("points:{period}:{member_id}"),
so a period's movements are found by evidence id; the whole batches they belong to are then read by batch
id too, which also brings back members the input no longer names. A chunk's batch id commits to its
content (period, kind, chunk index and the hash of its exact (address, amount, evidence) list), so an id
seen on chain means exactly that content was minted.

Decay steps (`linli.services.decay_batches`) use the same machinery under the tag "decay": evidence ids
keccak("decay:{period}:{member_id}") and batch ids whose first bytes spell `DECAY_MARK`, so a reader of the
token's events (the API's levels) tells a decay from a refund without knowing member ids.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eth_abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from chain.points import Movement, Points
from chain.system import Linli
from governance.decay import DECAY_MARK
from linli.services import faults

if TYPE_CHECKING:
    from web3.contract.contract import ContractFunction  # chain/ is the one package that imports web3

NO_BATCH = bytes(32)
POINTS, DECAY = "points", "decay"


@dataclass(frozen=True, slots=True)
class Entry:
    """One movement a month's lines call for: `kind` ("award" | "revoke") `amount` points of `address`."""

    period: str
    member_id: str
    kind: str
    address: str
    amount: int
    tag: str = POINTS  # POINTS: the month's net points; DECAY: the close's decay step

    @property
    def evidence(self) -> bytes:
        return evidence_of(self.period, self.member_id, self.tag)


def evidence_of(period: str, member_id: str, tag: str = POINTS) -> bytes:
    """The evidence id of a member's points (or decay step) for a period."""
    return keccak(f"{tag}:{period}:{member_id}".encode())


def batch_id(period: str, kind: str, index: int, content: Sequence[tuple[str, int, bytes]],
             tag: str = POINTS) -> bytes:
    """The on-chain id of chunk `index` of a period's awards or revocations (or decay steps) holding
    exactly `content` ((address, amount, evidence) in the order sent)."""
    digest = keccak(abi_encode(["address[]", "uint256[]", "bytes32[]"],
                               [[a for a, _, _ in content], [n for _, n, _ in content], [e for _, _, e in content]]))
    if tag == POINTS:
        return keccak(f"linli:{period}:{kind}:{index}:".encode() + digest)
    return DECAY_MARK + keccak(f"linli:{period}:{tag}:{kind}:{index}:".encode() + digest)[len(DECAY_MARK):]


def period_movements(points: Points, period: str, member_ids: Iterable[str], tag: str = POINTS) -> list[Movement]:
    """The period's awards and revocations of these members, plus everything else in the same batches."""
    own = points.movements(evidence=[evidence_of(period, m, tag) for m in member_ids])
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

    def name_first_batch(self, period: str, tag: str = POINTS) -> str:
        """`2026-11/award/0` when the batch is a chunk of this period's close, else its id."""
        moves = self.first_batch
        if moves[0].batch_id == NO_BATCH:
            return f"a single {moves[0].kind} outside any batch (block {moves[0].block_number})"
        content = [(m.member, m.amount, m.evidence) for m in moves]
        for index in range(self.movements):  # every chunk holds at least one movement
            if batch_id(period, moves[0].kind, index, content, tag) == moves[0].batch_id:
                return f"{period}/{tag + '/' if tag != POINTS else ''}{moves[0].kind}/{index}"
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



def chunk_calls(linli: Linli, period: str, entries: Sequence[Entry], on_chain: frozenset[bytes], chunk_size: int,
                tag: str = POINTS) -> tuple[int, list[ContractFunction]]:
    """(chunks in all, the awardBatch / revokeBatch calls still to send): each chunk's entries not yet on
    chain, under the id committing to them; a chunk whose id is used (same content) is left out."""
    fn, points = linli.points.functions, Points(linli)
    calls, total = [], 0
    for kind, make in (("award", fn.awardBatch), ("revoke", fn.revokeBatch)):
        of_kind = [e for e in entries if e.kind == kind]
        for index in range(0, (len(of_kind) + chunk_size - 1) // chunk_size):
            total += 1
            chunk = of_kind[index * chunk_size : (index + 1) * chunk_size]
            todo = [(e.address, e.amount, e.evidence) for e in chunk if e.evidence not in on_chain]
            bid = batch_id(period, kind, index, todo, tag)
            if todo and not points.is_id_used(bid):
                calls.append(make(bid, *(list(column) for column in zip(*todo, strict=True))))
    return total, calls


def send_one_by_one(linli: Linli, calls: Sequence[ContractFunction], total: int, sender: LocalAccount, step: str,
                    progress: Callable[[int, int], None] | None) -> None:
    """Send and await each call in turn (a crash leaves whole, mined chunks); the fault hook is reached as
    `{step}:{n}` after the n-th and as `{step}ed` after the last (`linli.services.faults`)."""
    done = total - len(calls)
    if progress is not None:
        progress(done, total)
    for sent, call in enumerate(calls, start=1):
        linli.tx.send(call, sender)
        if progress is not None:
            progress(done + sent, total)
        faults.reached(f"{step}:{sent}")
    faults.reached(f"{step}ed")
