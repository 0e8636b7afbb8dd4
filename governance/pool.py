"""The monthly shared pool (共享分红池): how big it is and how it is split by contribution.

The rules are the `[pool]` table of the rules file. The pool rate is bounded to 100..300 bps (1–3%) as on
chain in the RuleBook.

- Size: pool = floor(GMV x rate_bps / 10000) when GMV >= target, else 0 (`pool_cents`).
- Eligible: own paid consumer sales >= `min_own_sales_cents` and active days >= `min_active_days`. Sales
  are the member's OWN purchases paid in the month and not refunded by its end, never team volume.
- Score: w_sales x sales_i / sum(sales) + w_active x active_i / sum(active) over the eligible, exact
  Fractions; a term whose sum is 0 counts 0 for everyone. Entitlement = pool x score_i / sum(score).
- Cap: entitlements above `cap_cents` are cut to the cap and the excess re-split pro rata to score among
  the uncapped, repeated until nobody is over.
- Rounding: largest remainder. Everyone gets the floor of its entitlement; the cents left go one each to
  the largest fractional remainders, ties to the smaller member id. So sum(payouts) == distributed exactly
  and nobody is pushed over the cap.
- Not distributed: if nobody is eligible (or every score is 0), or every eligible member is capped, what
  cannot be paid is `undistributed_cents`. It stays with the co-op and is reported; it is NOT added to the
  next month's pool, so every published pool stays exactly GMV x rate. Always
  sum(payouts) + undistributed_cents == pool_cents.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from fractions import Fraction

from governance.errors import BadInput, RulesError
from governance.models import Activity, MemberId, Order
from governance.period import Period

MIN_RATE_BPS = 100
MAX_RATE_BPS = 300


@dataclass(frozen=True, slots=True)
class PoolRules:
    """The `[pool]` table; each field name is its TOML key."""

    rate_bps: int = 200
    """Pool = floor(GMV x rate_bps / 10000) when GMV reaches the target; 100..300 (1–3%)."""

    target_cents: int = 10_000_000
    """Monthly GMV target (cents); below it the pool is zero."""

    weight_sales_bps: int = 7000
    """Weight of a member's share of own consumer sales in the score; with `weight_active_bps` sums to 10000."""

    weight_active_bps: int = 3000
    """Weight of a member's share of active days in the score."""

    min_own_sales_cents: int = 10_000
    """Eligibility: a member's OWN paid consumer purchases in the month (net of refunds), never team volume."""

    min_active_days: int = 3
    """Eligibility: distinct local calendar days in the month with an order or an activity."""

    cap_cents: int | None = None
    """Optional per-member cap; the excess is re-split pro rata among the uncapped (absent = no cap)."""

    def __post_init__(self) -> None:
        for name in ("rate_bps", "target_cents", "weight_sales_bps", "weight_active_bps",
                     "min_own_sales_cents", "min_active_days"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise RulesError(f"pool.{name} {value!r}: a whole number >= 0")
        if not MIN_RATE_BPS <= self.rate_bps <= MAX_RATE_BPS:
            raise RulesError(f"pool.rate_bps {self.rate_bps}: the bound is {MIN_RATE_BPS}..{MAX_RATE_BPS}")
        if self.weight_sales_bps + self.weight_active_bps != 10_000:
            raise RulesError(
                f"pool.weight_sales_bps + pool.weight_active_bps = "
                f"{self.weight_sales_bps + self.weight_active_bps}: they must sum to 10000"
            )
        if self.cap_cents is not None and (type(self.cap_cents) is not int or self.cap_cents <= 0):
            raise RulesError(f"pool.cap_cents {self.cap_cents!r}: a whole number of cents > 0, or leave it out")


@dataclass(frozen=True, slots=True)
class PoolSplit:
    """The month's pool and who gets what; `payouts` holds every eligible member (0 cents possible)."""

    pool_cents: int
    payouts: Mapping[MemberId, int]
    undistributed_cents: int
    scores: Mapping[MemberId, Fraction]


def pool_cents(gmv_cents: int, rules: PoolRules) -> int:
    """floor(GMV x rate / 10000) when the target is met, else 0."""
    if type(gmv_cents) is not int or gmv_cents < 0:
        raise BadInput(f"GMV {gmv_cents!r}: whole cents >= 0")
    return gmv_cents * rules.rate_bps // 10_000 if gmv_cents >= rules.target_cents else 0


def split_pool(
    gmv_cents: int, own_sales: Mapping[MemberId, int], active_days: Mapping[MemberId, int], rules: PoolRules
) -> PoolSplit:
    """Size the pool from GMV and split it among the eligible members."""
    for name, table in (("own sales", own_sales), ("active days", active_days)):
        for member, value in table.items():
            if type(value) is not int or value < 0:
                raise BadInput(f"{name} of {member!r}: {value!r} must be a whole number >= 0")
    pool = pool_cents(gmv_cents, rules)
    eligible = sorted(m for m in set(own_sales) | set(active_days)
                      if own_sales.get(m, 0) >= rules.min_own_sales_cents
                      and active_days.get(m, 0) >= rules.min_active_days)
    scores = _scores(eligible, own_sales, active_days, rules)
    total_score = sum(scores.values(), Fraction(0))
    if pool == 0 or total_score == 0:
        return PoolSplit(pool, {m: 0 for m in eligible}, pool, scores)
    shares = {m: score / total_score for m, score in scores.items()}
    entitled = _capped({m: pool * share for m, share in shares.items()}, shares, rules.cap_cents)
    distributed = sum(entitled.values(), Fraction(0))
    payouts = largest_remainder(int(distributed), entitled)
    return PoolSplit(pool, payouts, pool - int(distributed), scores)


def _scores(eligible: list[MemberId], own_sales: Mapping[MemberId, int], active_days: Mapping[MemberId, int],
            rules: PoolRules) -> dict[MemberId, Fraction]:
    total_sales = sum(own_sales.get(m, 0) for m in eligible)
    total_active = sum(active_days.get(m, 0) for m in eligible)
    w_sales, w_active = Fraction(rules.weight_sales_bps, 10_000), Fraction(rules.weight_active_bps, 10_000)
    return {
        m: (w_sales * Fraction(own_sales.get(m, 0), total_sales) if total_sales else Fraction(0))
        + (w_active * Fraction(active_days.get(m, 0), total_active) if total_active else Fraction(0))
        for m in eligible
    }


def _capped(entitled: dict[MemberId, Fraction], shares: Mapping[MemberId, Fraction],
            cap: int | None) -> dict[MemberId, Fraction]:
    """Cut entitlements to the cap and re-split the excess pro rata among the uncapped, until stable.
    Excess nobody can take (everyone capped, or the uncapped all score 0) is dropped: it is undistributed."""
    if cap is None:
        return entitled
    amounts, capped = dict(entitled), set()
    while True:
        over = [m for m in amounts if m not in capped and amounts[m] > cap]
        if not over:
            return amounts
        excess = sum((amounts[m] - cap for m in over), Fraction(0))
        for m in over:
            amounts[m] = Fraction(cap)
        capped.update(over)
        free_share = sum((shares[m] for m in amounts if m not in capped), Fraction(0))
        if free_share == 0:
            return amounts
        for m in amounts:
            if m not in capped:
                amounts[m] += excess * shares[m] / free_share


def largest_remainder(total: int, amounts: Mapping[MemberId, Fraction]) -> dict[MemberId, int]:
    """Floors first, then the leftover cents one each to the largest remainders (ties: smaller member id).
    `amounts` must sum to `total` exactly."""
    if sum(amounts.values(), Fraction(0)) != total:
        raise BadInput(f"largest_remainder: the amounts sum to {sum(amounts.values())}, not {total}")
    floors = {m: a.numerator // a.denominator for m, a in amounts.items()}
    leftover = total - sum(floors.values())
    by_remainder = sorted(amounts, key=lambda m: (-(amounts[m] - floors[m]), m))
    for m in by_remainder[:leftover]:
        floors[m] += 1
    return dict(sorted(floors.items()))


def own_sales_and_active_days(orders: Iterable[Order], activities: Iterable[Activity], period: Period,
                              tz: tzinfo) -> tuple[dict[MemberId, int], dict[MemberId, int]]:
    """Each member's own paid purchases in `period` not refunded by its end (never team volume), and the
    distinct local days on which it paid such an order or recorded an activity (buying and refunding does
    not make a day active). One pass; orders are unique by id (the loader refuses duplicates)."""
    starts = period.day_starts(tz)
    start, end = starts[0], starts[-1]
    sales: dict[MemberId, int] = defaultdict(int)
    active: set[tuple[MemberId, int]] = set()
    for order in orders:
        paid_at = order.paid_at
        if start <= paid_at < end and (order.refunded_at is None or order.refunded_at >= end):
            active.add((order.member_id, bisect_right(starts, paid_at)))
            sales[order.member_id] += order.amount_cents
    for activity in activities:
        at = activity.at
        if start <= at < end:
            active.add((activity.member_id, bisect_right(starts, at)))
    return dict(sales), dict(Counter(member for member, _ in active))
