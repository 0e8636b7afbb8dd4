"""Optional half-life decay of voting weight, applied at each month close (docs/mechanisms.md "Decay").

The decay function: an amount of p points that is t seconds old weighs p / 2**k x (1 - r / (2H)), where H
is the half-life, k = t // H and r = t % H: exact halving at every whole half-life and a straight line in
between, in integers only, so every voter and verifier gets the same number.

On chain the weight moves in steps, because points only arrive there at month closes: when month M is
closed, each member's weight becomes

    W_M = max(0, min(floor(sum of net_k x decay(end_M - end_k) over months k <= M), B_M))

where net_k is the member's net points of month k (as the month report states them, counted as made at
the end of month k, in the co-op's timezone) and B_M is the member's weight just before this decay step
(W_{M-1} plus month M's net, a revocation never taking more than the member holds). The `min` makes decay
only ever take weight away: a refund's take-back fading never gives weight back. Between two closes the
weight does not change, so the weight at any past snapshot is W of the last month whose close (its decay
batch) had landed by then: `stepped_weights` computes every W_M, which is what the chain must hold.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from fractions import Fraction

from governance.points import Award

SECONDS_PER_DAY = 86_400
DECAY_MARK = b"decay"
"""The first bytes of every decay batch id (a hash starts so once in 2**40): how a reader of the token's events
(the API's levels) tells a decay step from a refund without knowing member ids."""
_SECOND = timedelta(seconds=1)


def decayed_weight(awards: Iterable[Award], at: datetime, half_life_days: int) -> int:
    """Sum of the decayed awards made up to and including `at`, rounded down, never below zero."""
    return max(0, _floor(_decayed_sum(((a.at, a.points) for a in awards), at, half_life_days)))


def close_weight(nets: Iterable[tuple[datetime, int]], at: datetime, before: int, half_life_days: int) -> int:
    """W_M: the weight a month close ending at `at` leaves to a member whose monthly nets are `nets`
    ((month end, net points)) and who holds `before` just before the decay step."""
    return max(0, min(_floor(_decayed_sum(nets, at, half_life_days)), before))


def stepped_weights(nets: Sequence[tuple[datetime, int]], half_life_days: int) -> list[int]:
    """W after each close, for a member whose months (end, net), in order, were all closed with decay on:
    what the chain holds from one close's decay batch to the next."""
    weights: list[int] = []
    for i, (end, net) in enumerate(nets):
        before = max(0, (weights[-1] if weights else 0) + net)
        weights.append(close_weight(nets[: i + 1], end, before, half_life_days))
    return weights


def _decayed_sum(amounts: Iterable[tuple[datetime, int]], at: datetime, half_life_days: int) -> Fraction:
    """Exact sum of p x decay(at - when) over the amounts made up to and including `at`."""
    half_life = half_life_days * SECONDS_PER_DAY
    total = Fraction(0)
    for when, points in amounts:
        if when > at:
            continue
        halvings, rest = divmod((at - when) // _SECOND, half_life)
        total += Fraction(points * (2 * half_life - rest), (2 << halvings) * half_life)
    return total


def _floor(value: Fraction) -> int:
    return value.numerator // value.denominator
