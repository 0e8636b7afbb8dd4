"""Optional half-life decay of voting weight, exact at any past timepoint (docs/mechanisms.md "Decay").

An award of p points that is t seconds old weighs p / 2**k x (1 - r / (2H)), where H is the half-life,
k = t // H and r = t % H: exact halving at every whole half-life and a straight line in between. It uses
only integers, so every voter and verifier gets the same number, and an award after the timepoint never
counts: the weight at a past block can be recomputed however much history has grown since.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from fractions import Fraction

from governance.points import Award

SECONDS_PER_DAY = 86_400
_SECOND = timedelta(seconds=1)


def decayed_weight(awards: Iterable[Award], at: datetime, half_life_days: int) -> int:
    """Sum of the decayed awards made up to and including `at`, rounded down, never below zero."""
    half_life = half_life_days * SECONDS_PER_DAY
    total = Fraction(0)
    for award in awards:
        if award.at > at:
            continue
        age = (at - award.at) // _SECOND
        halvings, rest = divmod(age, half_life)
        total += Fraction(award.points * (2 * half_life - rest), (2 << halvings) * half_life)
    return max(0, total.numerator // total.denominator)
