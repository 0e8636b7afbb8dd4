"""A Merkle sum tree of a month's payouts: each member proves their line is in it and that all lines add up to
the pool, seeing nothing of the others but sibling hashes and sums (docs/mechanisms.md "Merkle sum tree").

Why our own code: no maintained Python library builds a Merkle *sum* tree (the proof-of-liabilities
implementations, such as Summa, are Rust circuits). The construction is the one that literature settled on
after Maxwell's original scheme was shown unsound (an inner node that commits only to the total of its children
lets a prover hide a negative or shifted amount): every inner node commits to **both** children's hashes **and
both** children's sums, and a verifier checks every partial sum on the path to the root.

    leaf  = keccak256(0x00 ‖ address (20 bytes) ‖ amount (uint256) ‖ salt (32 bytes))      sum = amount
    node  = keccak256(0x01 ‖ left.hash ‖ left.sum (uint256) ‖ right.hash ‖ right.sum (uint256))
                                                                                     sum = left.sum + right.sum

The 0x00 / 0x01 prefixes keep a leaf from passing for a node. The salt hides each amount from a sibling who
holds the leaf's hash (amounts are small numbers: without a salt they could be guessed and hashed). Salts are
derived from a secret and the member's address (`salt_for`), so re-running a month close gives the same tree.
Leaves are in the order given (the record's member order). An odd node at the end of a level moves up unpaired:
its proof simply has no sibling at that level. Amounts are whole cents, 0 ≤ amount < 2^64, so no sum of up to
2^64 leaves overflows a uint256 and a proof's sums cannot wrap.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eth_hash.auto import keccak

from governance.errors import BadInput, VerificationError
from governance.merkle import _fast_keccak as fast_keccak

Hasher = Callable[[bytes], bytes]

MAX_AMOUNT = 2**64 - 1
_LEAF, _NODE = b"\x00", b"\x01"


@dataclass(frozen=True, slots=True)
class SumNode:
    hash: bytes  # 32 bytes
    sum: int


@dataclass(frozen=True, slots=True)
class Step:
    """One level of a proof: the sibling's hash and sum, and whether the sibling is on the left."""

    sibling: SumNode
    sibling_on_left: bool

    def to_json(self) -> dict[str, Any]:
        return {"hash": "0x" + self.sibling.hash.hex(), "sum": str(self.sibling.sum),
                "side": "left" if self.sibling_on_left else "right"}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Step:
        try:
            node = SumNode(_bytes32(data["hash"], "hash"), _amount(int(data["sum"]), "sum", limit=2**256 - 1))
            side = data["side"]
        except (KeyError, TypeError, ValueError) as exc:
            raise BadInput(f"sum proof step: {exc}") from None
        if side not in ("left", "right"):
            raise BadInput(f"sum proof step: side {side!r} is neither left nor right")
        return cls(node, side == "left")


def salt_for(secret: bytes, period: str, address: str) -> bytes:
    """A member's 32-byte salt for a period: HMAC-SHA256 of the period and address under the month's secret."""
    return hmac.new(secret, f"linli-sum-salt/1:{period}:{address.lower()}".encode(), hashlib.sha256).digest()


def leaf(address: str, amount: int, salt: bytes, hash256: Hasher = keccak) -> SumNode:
    raw = _address_bytes(address)
    _amount(amount, "amount")
    if len(salt) != 32:
        raise BadInput(f"salt: 32 bytes expected, got {len(salt)}")
    return SumNode(hash256(_LEAF + raw + amount.to_bytes(32, "big") + salt), amount)


def parent(left: SumNode, right: SumNode, hash256: Hasher = keccak) -> SumNode:
    data = _NODE + left.hash + left.sum.to_bytes(32, "big") + right.hash + right.sum.to_bytes(32, "big")
    return SumNode(hash256(data), left.sum + right.sum)


class SumTree:
    """The tree of `leaves` (address, amount, salt), in that order; `root` carries the total."""

    def __init__(self, leaves: Sequence[tuple[str, int, bytes]]) -> None:
        if not leaves:
            raise BadInput("a sum tree needs at least one leaf")
        h = fast_keccak()  # the OZ tree's direct C keccak: most of a 100,000-leaf build is hashing
        level = [leaf(address, amount, salt, h) for address, amount, salt in leaves]
        self._levels: list[list[SumNode]] = [level]
        while len(level) > 1:
            level = [parent(level[i], level[i + 1], h) if i + 1 < len(level) else level[i]
                     for i in range(0, len(level), 2)]
            self._levels.append(level)

    @property
    def root(self) -> SumNode:
        return self._levels[-1][0]

    def proof(self, index: int) -> list[Step]:
        """The siblings from leaf `index` up to the root (levels where the node moved up unpaired add none)."""
        if not 0 <= index < len(self._levels[0]):
            raise IndexError(f"leaf {index} of {len(self._levels[0])}")
        steps = []
        for level in self._levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                steps.append(Step(level[sibling], sibling_on_left=sibling < index))
            index //= 2
        return steps


def verify(address: str, amount: int, salt: bytes, proof: Sequence[Step], root: SumNode) -> None:
    """Raise VerificationError unless the line is in the tree whose root is `root` (hash and total sum).

    Every sum on the way is a uint256 and no partial sum exceeds the root's: a sibling sum cannot be negative
    or wrap around, so the member's amount is part of the total, which the record states equals the pool."""
    node = leaf(address, amount, salt)
    for step in proof:
        if not 0 <= step.sibling.sum <= root.sum:
            raise VerificationError(f"a sibling's sum {step.sibling.sum} is not between 0 and the total {root.sum}")
        node = parent(step.sibling, node) if step.sibling_on_left else parent(node, step.sibling)
        if node.sum > root.sum:
            raise VerificationError(f"a partial sum {node.sum} is above the total {root.sum}")
    if node.hash != root.hash:
        raise VerificationError("the line and its sum proof do not lead to the published sum root")
    if node.sum != root.sum:
        raise VerificationError(f"the sums add up to {node.sum}, not to the published total {root.sum}")


def _address_bytes(address: str) -> bytes:
    text = address[2:] if address.startswith(("0x", "0X")) else ""
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != 20:
        raise BadInput(f"address {address!r}: 0x and 40 hex digits expected")
    return raw


def _amount(value: int, what: str, *, limit: int = MAX_AMOUNT) -> int:
    if type(value) is not int or not 0 <= value <= limit:
        raise BadInput(f"{what} {value!r}: a whole number from 0 to {limit} expected")
    return value


def _bytes32(text: str, what: str) -> bytes:
    raw = bytes.fromhex(text[2:]) if isinstance(text, str) and text.startswith("0x") else b""
    if len(raw) != 32:
        raise BadInput(f"{what} {text!r}: 0x and 64 hex digits expected")
    return raw
