"""Close a month: points, levels, commission, the pool and its Merkle tree, as one report (docs/data-formats.md
"Month report").

`close_month` is pure: same files and rules, same report, byte for byte. Publishing it (minting the
period's awards, writing the root and record hash to the PayoutLedger) is a separate step that takes the
returned `MonthReport`, so a dry run and a real close compute exactly the same figures; both refuse totals
that do not fit the contract fields they go to (`governance.bounds.check_month_totals`), before anything is sent.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from governance import record_sum
from governance.bounds import check_month_totals
from governance.commission import commission_for_period
from governance.errors import BadInput
from governance.gcpause import paused_gc
from governance.growth import grow
from governance.loading import CoopData
from governance.merkle import StandardMerkleTree
from governance.models import MemberId
from governance.payout_record import record_hash
from governance.period import Period
from governance.pool import own_sales_and_active_days, split_pool
from governance.record_sum import DRY_RUN_SECRET, ZERO_ADDRESS, hex32
from governance.rules import Rules
from governance.sum_tree import salt_for


@dataclass(frozen=True, slots=True)
class MemberLine:
    """One member's month: net points, level at the month end, net commission, pool payout, Merkle proof, and
    the salt of its sum-tree leaf (governance.record_sum)."""

    member_id: MemberId
    address: str
    points: int
    level: str
    commission_cents: int
    payout_cents: int
    proof: tuple[str, ...]
    salt: str

    def to_json(self) -> dict[str, object]:
        return {"member_id": self.member_id, "address": self.address, "points": self.points,
                "level": self.level, "commission_cents": self.commission_cents,
                "payout_cents": self.payout_cents, "proof": list(self.proof), "salt": self.salt}


@dataclass(frozen=True, slots=True)
class MonthReport:
    """The month's figures; `record()` is the content the admin signs, `record_hash` its on-chain hash.

    `tree` travels with the report for the publishing step and is not part of the record. The month's
    individual awards (one per evidence id) are `governance.growth.grow(data, rules, period).awards_in(period)`;
    they are not kept here, to keep a 100,000-member close small.
    """

    period: str
    gmv_cents: int
    target_cents: int
    pool_rate_bps: int
    pool_cents: int
    undistributed_cents: int
    merkle_root: str
    sum_root: str
    undistributed_salt: str
    record_hash: str
    members: tuple[MemberLine, ...]
    tree: StandardMerkleTree = field(repr=False, compare=False)

    def record(self) -> dict[str, object]:
        """The signed payout record's content: the report without its own hash."""
        return _record(self.period, self.gmv_cents, self.target_cents, self.pool_rate_bps, self.pool_cents,
                       self.undistributed_cents, self.merkle_root, self.sum_root, self.undistributed_salt,
                       self.members)

    def salted_with(self, secret: bytes) -> bool:
        """Whether the sum tree's salts come from `secret` (a close publishes only the admin key's)."""
        return self.undistributed_salt == hex32(salt_for(secret, self.period, ZERO_ADDRESS))

    def to_json(self) -> dict[str, object]:
        return {**self.record(), "record_hash": self.record_hash}


def close_month(period: Period, data: CoopData, rules: Rules, *, sum_secret: bytes = DRY_RUN_SECRET) -> MonthReport:
    """Compute the month report for `period` from everything known up to its end; the sum tree's salts come
    from `sum_secret` (`governance.record_sum.sum_secret` of the admin seed; a dry run's is public)."""
    if not data.members:
        raise BadInput("the members file has no members: nothing to close")
    with paused_gc():
        return _close(period, data, rules, sum_secret)


def _close(period: Period, data: CoopData, rules: Rules, secret: bytes) -> MonthReport:
    tz = rules.coop.tz
    # commission first: its per-order lines are the largest intermediate, freed before the awards are built
    commission = commission_for_period(data.members.values(), data.orders, rules.commission, period, tz).totals
    points, levels = _growth(period, data, rules)
    sales, active = own_sales_and_active_days(data.orders, data.activities, period, tz)
    gmv = sum(sales.values())
    split = split_pool(gmv, sales, active, rules.pool)
    check_month_totals(gmv_cents=gmv, pool_cents=split.pool_cents, target_cents=rules.pool.target_cents,
                       pool_rate_bps=rules.pool.rate_bps, member_count=len(data.members),
                       points_minted=sum(p for p in points.values() if p > 0))
    ids = sorted(data.members)
    addresses = [data.members[m].address for m in ids]
    payouts = [split.payouts.get(m, 0) for m in ids]
    tree = StandardMerkleTree.of(list(zip(addresses, payouts, strict=True)))
    sums, salts, rest_salt = record_sum.build(str(period), list(zip(addresses, payouts, strict=True)),
                                              split.undistributed_cents, secret)
    members = tuple(
        MemberLine(m, address, points.get(m, 0), levels.get(m, rules.levels.tiers[0].name),
                   commission.get(m, 0), payout, proof, salt)
        for m, address, payout, proof, salt in zip(ids, addresses, payouts, _proofs(tree), salts, strict=True)
    )
    sum_root = hex32(sums.root.hash)
    content = _record(str(period), gmv, rules.pool.target_cents, rules.pool.rate_bps, split.pool_cents,
                      split.undistributed_cents, tree.root, sum_root, rest_salt, members)
    return MonthReport(str(period), gmv, rules.pool.target_cents, rules.pool.rate_bps, split.pool_cents,
                       split.undistributed_cents, tree.root, sum_root, rest_salt, record_hash(content), members, tree)


def _growth(period: Period, data: CoopData, rules: Rules) -> tuple[dict[MemberId, int], dict[MemberId, str]]:
    """Net points per member in the month and level names at its end; the awards themselves are dropped
    here, before the memory-hungry Merkle proofs and record are built."""
    growth = grow(data, rules, period)
    names = [tier.name for tier in rules.levels.tiers]
    return growth.points_in(period), {m: names[state.tier] for m, state in growth.levels.get(period, {}).items()}


def _proofs(tree: StandardMerkleTree) -> list[tuple[str, ...]]:
    """`tree.proof(i)` for every value at once, with one hex string per node: the upper nodes sit in
    thousands of proofs, so sharing them saves most of the memory and time of 100,000 proofs."""
    hexes = ["0x" + node.hex() for node in tree.tree]
    proofs = []
    for i in tree.tree_index:
        proof = []
        while i > 0:
            proof.append(hexes[i - 1 if i % 2 == 0 else i + 1])
            i = (i - 1) // 2
        proofs.append(tuple(proof))
    return proofs


def _record(period: str, gmv: int, target: int, rate: int, pool: int, undistributed: int, root: str,
            sum_root: str, undistributed_salt: str, members: tuple[MemberLine, ...]) -> dict[str, object]:
    """The sum tree's total is the pool (every payout plus the undistributed leaf), stated as
    `sum_total_cents` so a verifier compares the root's total with the pool rather than assuming it."""
    return {"period": period, "gmv_cents": gmv, "target_cents": target, "pool_rate_bps": rate,
            "pool_cents": pool, "undistributed_cents": undistributed, "merkle_root": root,
            "sum_root": sum_root, "sum_total_cents": pool, "undistributed_salt": undistributed_salt,
            "members": [m.to_json() for m in members]}
