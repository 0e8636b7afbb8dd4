"""Compliant commission (分佣): who earns on a real paid order, how much, and how refunds reverse it.

The rules are the `[commission]` table of the rules file. Hard legal bounds that no rules file can move:
at most two levels (L1 direct, L2 indirect) and a total of at most 3000 bps (30%) of the paid amount.

How an order is settled (all in integer cents):
- Only orders in the orders file pay; nothing is paid per member, per recruit or for any fee.
- Rounding: each line is floor(amount x level_bps / 10000), so the lines of an order never exceed
  floor(amount x sum(levels_bps) / 10000) <= 30% of it.
- An order settles in the period (co-op timezone) it was paid in, judged with what is known at that
  period's end: orders refunded in or before that period count as never placed (for 复购见单 ranks and
  minimums too). An order refunded in the period it was paid pays nothing. An order refunded in a later
  period keeps its lines in its own period and gets the exact negatives (reason `refund_clawback`) in the
  refund's period, so it nets zero. Settled periods are never rewritten.
- Idempotent per order id: the same order listed twice counts once; a `paid` and a `refunded` record of
  one order id merge into the refunded one; any other disagreement is refused.

Line reasons: `commission`, `refund_clawback`, and for zero-cent lines kept for transparency
`forfeited_beyond_two_hops` (slide structure: the team upline is more than two referral hops away),
`forfeited_upline_orders` (variant A: the upline has fewer than k paid orders) and
`forfeited_min_purchase` (variant B: the upline's own purchases in the period are below the minimum).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import tzinfo

from governance.errors import BadInput, RulesError
from governance.models import Member, MemberId, Order, OrderStatus
from governance.period import Period
from governance.team import Structure, build_structure

MAX_LEVELS = 2
MAX_TOTAL_BPS = 3000
MODES = ("two_level", "repurchase_a", "repurchase_b")
STRUCTURES = ("referral", "slide")


@dataclass(frozen=True, slots=True)
class CommissionRules:
    """The `[commission]` table; each field name is its TOML key."""

    mode: str = "two_level"
    """`two_level` (every paid order pays L1 and L2), `repurchase_a` (复购见单 A: the buyer's k-th paid
    order pays only the k-th upline, k <= `repurchase_max_k`, if that upline has >= k paid orders itself)
    or `repurchase_b` (复购见单 B: an upline earns in a period only if its own paid purchases in that period
    reach `min_own_purchase_cents`; otherwise its share is forfeited, not rolled up)."""

    structure: str = "referral"
    """Whose uplines earn: `referral` (referrer, referrer's referrer) or `slide` (链动2+1 team parents,
    each still within two referral hops of the buyer)."""

    levels_bps: tuple[int, ...] = (1000, 500)
    """Rate per level in basis points of the paid amount: [L1, L2]. At most two entries, sum <= 3000."""

    repurchase_max_k: int = 2
    """Mode `repurchase_a`: N, the last order rank that pays (1 or 2); later orders, and ranks with no
    configured level, pay no commission."""

    min_own_purchase_cents: int = 0
    """Mode `repurchase_b`: an upline's own paid purchases in the period must reach this to earn."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels_bps", tuple(self.levels_bps))
        if self.mode not in MODES:
            raise RulesError(f"commission.mode {self.mode!r}: use one of {', '.join(MODES)}")
        if self.structure not in STRUCTURES:
            raise RulesError(f"commission.structure {self.structure!r}: use one of {', '.join(STRUCTURES)}")
        if not 1 <= len(self.levels_bps) <= MAX_LEVELS:
            raise RulesError(f"commission.levels_bps has {len(self.levels_bps)} levels: at most {MAX_LEVELS}")
        if any(type(b) is not int or b < 0 for b in self.levels_bps):
            raise RulesError("commission.levels_bps: each rate is a whole number of bps >= 0")
        if sum(self.levels_bps) > MAX_TOTAL_BPS:
            raise RulesError(
                f"commission.levels_bps sums to {sum(self.levels_bps)} bps: the legal bound is {MAX_TOTAL_BPS}"
            )
        if type(self.repurchase_max_k) is not int or not 1 <= self.repurchase_max_k <= MAX_LEVELS:
            raise RulesError(f"commission.repurchase_max_k {self.repurchase_max_k!r}: 1 or {MAX_LEVELS}")
        if type(self.min_own_purchase_cents) is not int or self.min_own_purchase_cents < 0:
            raise RulesError("commission.min_own_purchase_cents: a whole number of cents >= 0")


COMMISSION = "commission"
REFUND_CLAWBACK = "refund_clawback"
FORFEITED_BEYOND_TWO_HOPS = "forfeited_beyond_two_hops"
FORFEITED_UPLINE_ORDERS = "forfeited_upline_orders"
FORFEITED_MIN_PURCHASE = "forfeited_min_purchase"


@dataclass(frozen=True, slots=True)
class CommissionLine:
    """One earner's share of one order in one settlement period; negative for a clawback, 0 if forfeited."""

    order_id: str
    earner: MemberId
    level: int
    cents: int
    reason: str
    period: str


@dataclass(frozen=True, slots=True)
class CommissionStatement:
    """A period's lines and each earner's net cents (may be negative after clawbacks; zero nets omitted)."""

    period: str
    lines: tuple[CommissionLine, ...]
    totals: Mapping[MemberId, int]


def commission_lines(
    members: Iterable[Member], orders: Iterable[Order], rules: CommissionRules, tz: tzinfo
) -> list[CommissionLine]:
    """Every commission line of every period, in settlement order (period, paid time, order id, level)."""
    return _Engine(build_structure(members), unique_orders(orders), rules, tz).run()


def commission_for_period(
    members: Iterable[Member], orders: Iterable[Order], rules: CommissionRules, period: Period | str,
    tz: tzinfo,
) -> CommissionStatement:
    """The lines settled in `period` and the net per earner."""
    name = str(period if isinstance(period, Period) else Period.parse(period))
    lines = tuple(line for line in commission_lines(members, orders, rules, tz) if line.period == name)
    return CommissionStatement(name, lines, totals(lines))


def totals(lines: Iterable[CommissionLine]) -> dict[MemberId, int]:
    """Net cents per earner, zero nets left out."""
    net: dict[MemberId, int] = defaultdict(int)
    for line in lines:
        net[line.earner] += line.cents
    return {earner: cents for earner, cents in sorted(net.items()) if cents}


def unique_orders(orders: Iterable[Order]) -> list[Order]:
    """One record per order id, sorted by (paid_at, order_id); a refunded record supersedes a paid one."""
    unique: dict[str, Order] = {}
    for order in orders:
        if type(order.amount_cents) is not int or order.amount_cents <= 0:
            raise BadInput(f"order {order.order_id!r}: amount_cents {order.amount_cents!r} must be whole cents > 0")
        if order.status is OrderStatus.REFUNDED and (order.refunded_at is None or order.refunded_at < order.paid_at):
            raise BadInput(f"order {order.order_id!r}: a refund needs refunded_at at or after paid_at")
        seen = unique.get(order.order_id)
        if seen is None or seen == order:
            unique[order.order_id] = order
            continue
        paid, refunded = sorted((seen, order), key=lambda o: o.status is OrderStatus.REFUNDED)
        same_order = (paid.status is OrderStatus.PAID and refunded.status is OrderStatus.REFUNDED
                      and paid == _as_paid(refunded))
        if not same_order:
            raise BadInput(f"order {order.order_id!r} appears twice with different data")
        unique[order.order_id] = refunded
    return sorted(unique.values(), key=lambda o: (o.paid_at, o.order_id))


def _as_paid(order: Order) -> Order:
    return Order(order.order_id, order.member_id, order.amount_cents, order.paid_at, OrderStatus.PAID, None,
                 order.product_id, order.group_id)


class _Engine:
    """One pass over the orders in paid order; per-member order lists answer the 复购见单 questions."""

    def __init__(self, structure: Structure, orders: list[Order], rules: CommissionRules, tz: tzinfo) -> None:
        self.structure, self.orders, self.rules, self.tz = structure, orders, rules, tz
        self.by_buyer: dict[MemberId, list[Order]] = defaultdict(list)
        for order in orders:
            if order.member_id not in structure:
                raise BadInput(f"order {order.order_id!r}: buyer {order.member_id!r} is not in the members file")
            self.by_buyer[order.member_id].append(order)

    def run(self) -> list[CommissionLine]:
        lines: list[tuple[tuple[Period, int], CommissionLine]] = []
        for rank, order in enumerate(self.orders):
            paid_in = self._period(order)
            refunded_in = self._refund_period(order)
            if refunded_in == paid_in:
                continue
            settled = self._settle(order, paid_in)
            lines += [((paid_in, rank), line) for line in settled]
            if refunded_in is not None:
                lines += [
                    ((refunded_in, rank), CommissionLine(order.order_id, line.earner, line.level, -line.cents,
                                                         REFUND_CLAWBACK, str(refunded_in)))
                    for line in settled if line.cents
                ]
        lines.sort(key=lambda item: item[0])
        return [line for _, line in lines]

    def _period(self, order: Order) -> Period:
        return Period.containing(order.paid_at, self.tz)

    def _refund_period(self, order: Order) -> Period | None:
        if order.status is not OrderStatus.REFUNDED or order.refunded_at is None:
            return None
        return Period.containing(order.refunded_at, self.tz)

    def _counts_at(self, order: Order, period: Period) -> bool:
        """Paid, as known at the end of `period`."""
        refunded_in = self._refund_period(order)
        return refunded_in is None or refunded_in > period

    def _settle(self, order: Order, period: Period) -> list[CommissionLine]:
        uplines = self._uplines(order.member_id)
        mode = self.rules.mode
        if mode == "repurchase_a":
            k = self._paid_rank(order, period)
            if k > self.rules.repurchase_max_k or k > len(uplines):
                return []
            uplines = {k: uplines[k]}
        lines = []
        for level, (earner, reason) in uplines.items():
            if reason == COMMISSION:
                reason = self._forfeit_reason(order, earner, level, period)
            cents = order.amount_cents * self.rules.levels_bps[level - 1] // 10_000 if reason == COMMISSION else 0
            lines.append(CommissionLine(order.order_id, earner, level, cents, reason, str(period)))
        return lines

    def _uplines(self, buyer: MemberId) -> dict[int, tuple[MemberId, str]]:
        """Level -> (earner, COMMISSION or why it cannot earn), at most len(levels_bps) levels."""
        hops = len(self.rules.levels_bps)
        if self.rules.structure == "referral":
            return {level: (m, COMMISSION)
                    for level, m in enumerate(self.structure.referral_uplines(buyer, hops), start=1)}
        return {
            level: (m, COMMISSION if self.structure.referral_distance(buyer, m, MAX_LEVELS) is not None
                    else FORFEITED_BEYOND_TWO_HOPS)
            for level, m in enumerate(self.structure.team_uplines(buyer, hops), start=1)
        }

    def _paid_rank(self, order: Order, period: Period) -> int:
        """k: this order is the buyer's k-th paid order (refunds known at the end of `period` excluded)."""
        key = (order.paid_at, order.order_id)
        return sum(1 for o in self.by_buyer[order.member_id]
                   if (o.paid_at, o.order_id) <= key and self._counts_at(o, period))

    def _forfeit_reason(self, order: Order, earner: MemberId, level: int, period: Period) -> str:
        if self.rules.mode == "repurchase_a":
            own = sum(1 for o in self.by_buyer[earner] if o.paid_at <= order.paid_at and self._counts_at(o, period))
            return COMMISSION if own >= level else FORFEITED_UPLINE_ORDERS
        if self.rules.mode == "repurchase_b":
            own_cents = sum(o.amount_cents for o in self.by_buyer[earner]
                            if self._period(o) == period and self._counts_at(o, period))
            return COMMISSION if own_cents >= self.rules.min_own_purchase_cents else FORFEITED_MIN_PURCHASE
        return COMMISSION
