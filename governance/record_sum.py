"""The month's Merkle sum tree as the payout record carries it (docs/data-formats.md "Payout record file").

The leaves are every member's line (address, payout_cents, salt) in the record's member order, then one more
leaf for what the pool could not pay: the zero address, `undistributed_cents` and its own salt. So the root's
total is the whole pool, Σ payouts + undistributed, and a member's proof shows their payout is part of it.

Salts come from a secret derived from the admin's Ed25519 seed (`sum_secret`): a re-run of a crashed close
rebuilds the same salts, so the same record byte for byte. A dry run has no admin key and uses
`DRY_RUN_SECRET`, a fixed and therefore public value: its salts hide nothing, and a close refuses to publish
a report salted with it (`governance.month.MonthReport.salted_with`).

The record holds each line's salt, not its sum proof: anyone with the whole record rebuilds the tree (a
stronger check than verifying each proof), and the proofs would double the record of a large co-op. A
member's own line, with its sum proof, is cut from the record by `member_line`.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from typing import Any

from governance.errors import BadInput, VerificationError
from governance.sum_tree import Step, SumNode, SumTree, salt_for, verify

ZERO_ADDRESS = "0x" + "00" * 20
"""The address of the undistributed leaf: no member can hold it (tokens cannot be minted to it)."""
DRY_RUN_SECRET = hashlib.sha256(b"linli-sum-secret/dry-run").digest()
"""The secret of a dry run's salts: public, so a dry run's salts are for looking at, never for publishing."""
LINE_FORMAT = "linli-member-line/1"


def sum_secret(seed: bytes) -> bytes:
    """The month salts' secret: HMAC-SHA256 of a fixed label under the admin's 32-byte Ed25519 seed. One key
    to keep, and the seed itself never leaves the signing step (HMAC does not reveal it)."""
    return hmac.new(seed, b"linli-sum-secret/1", hashlib.sha256).digest()


def hex32(raw: bytes) -> str:
    return "0x" + raw.hex()


def build(period: str, lines: Sequence[tuple[str, int]], undistributed: int,
          secret: bytes) -> tuple[SumTree, list[str], str]:
    """The tree of `lines` (address, payout) plus the undistributed leaf; the lines' salts and that leaf's."""
    if any(address.lower() == ZERO_ADDRESS for address, _ in lines):
        raise BadInput(f"a member has the zero address {ZERO_ADDRESS}, which the sum tree keeps for the "
                       "undistributed part of the pool")
    salts = [salt_for(secret, period, address) for address, _ in lines]
    rest = salt_for(secret, period, ZERO_ADDRESS)
    leaves = [(a, amount, s) for (a, amount), s in zip(lines, salts, strict=True)]
    tree = SumTree([*leaves, (ZERO_ADDRESS, undistributed, rest)])
    return tree, [hex32(s) for s in salts], hex32(rest)


def tree_of(content: Mapping[str, Any]) -> SumTree:
    """Rebuild the sum tree from a record's content (its lines' salts and the undistributed leaf's);
    VerificationError when a salt is missing or malformed, or when it does not give the stated sum root."""
    try:
        leaves = [(m["address"], m["payout_cents"], _salt(m.get("salt"))) for m in content["members"]]
        leaves.append((ZERO_ADDRESS, content.get("undistributed_cents", 0), _salt(content.get("undistributed_salt"))))
        tree = SumTree(leaves)
    except BadInput as exc:
        raise VerificationError(f"payout record sum tree: {exc}") from None
    if hex32(tree.root.hash) != content.get("sum_root") or tree.root.sum != content.get("sum_total_cents"):
        raise VerificationError(f"the record's lines and salts give the sum root {hex32(tree.root.hash)} with total "
                                f"{tree.root.sum}, not the stated {content.get('sum_root')} with "
                                f"{content.get('sum_total_cents')}")
    return tree


def check(content: Mapping[str, Any]) -> None:
    """The whole record's sum tree: rebuilt from every line equals the stated root, whose total is the pool."""
    tree_of(content)
    if content.get("sum_total_cents") != content.get("pool_cents"):
        raise VerificationError(f"sum tree total {content.get('sum_total_cents')} is not the pool "
                                f"{content.get('pool_cents')}")


def sum_proofs(content: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    """Every member's sum proof (JSON steps), in the record's member order."""
    tree = tree_of(content)
    return [[step.to_json() for step in tree.proof(i)] for i in range(len(content["members"]))]


def member_line(content: Mapping[str, Any], member: str) -> dict[str, Any]:
    """The line of `member` (an address in any case, or a member id) with its salt and both proofs: what a
    member receives to check their payout against the public record and the chain."""
    members = content["members"]
    index = next((i for i, m in enumerate(members)
                  if m["member_id"] == member or m["address"].lower() == member.lower()), None)
    if index is None:
        raise BadInput(f"{member} is neither a member id nor an address in the {content['period']} record")
    tree = tree_of(content)
    m = members[index]
    return {"format": LINE_FORMAT, "period": content["period"], "member_id": m["member_id"], "address": m["address"],
            "points": m.get("points"), "level": m.get("level"), "commission_cents": m.get("commission_cents"),
            "payout_cents": m["payout_cents"], "salt": m["salt"], "proof": list(m["proof"]),
            "sum_proof": [step.to_json() for step in tree.proof(index)]}


def verify_line(address: str, payout_cents: int, salt: str, proof: Sequence[Mapping[str, Any]],
                sum_root: str, total: int) -> None:
    """VerificationError unless the line and its sum proof lead to `sum_root` with `total`."""
    try:
        steps = [Step.from_json(dict(step)) for step in proof]
        root = SumNode(_salt(sum_root), total)
        verify(address, payout_cents, _salt(salt), steps, root)
    except (BadInput, TypeError) as exc:
        raise VerificationError(f"sum proof of {address}: {exc}") from None


def _salt(text: object) -> bytes:
    if isinstance(text, str) and re.fullmatch(r"0x[0-9a-f]{64}", text):
        return bytes.fromhex(text[2:])
    raise BadInput(f"{text!r}: 0x and 64 lower-case hex digits expected")
