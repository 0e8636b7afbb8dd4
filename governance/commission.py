"""Compliant commission (分佣): who earns on a real paid order, how much, and how refunds reverse it.

The rules are the `[commission]` table of the rules file. Hard legal bounds that no rules file can move:
at most two levels (L1 direct, L2 indirect) and a total of at most 3000 bps (30%) of the paid amount.
"""
from __future__ import annotations

from dataclasses import dataclass

from governance.errors import RulesError

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
    """Mode `repurchase_a`: N, the last order rank that pays (1 or 2); later orders pay no commission."""

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
        if type(self.repurchase_max_k) is not int or not 1 <= self.repurchase_max_k <= len(self.levels_bps):
            raise RulesError(
                f"commission.repurchase_max_k {self.repurchase_max_k!r}: between 1 and {len(self.levels_bps)}"
            )
        if type(self.min_own_purchase_cents) is not int or self.min_own_purchase_cents < 0:
            raise RulesError("commission.min_own_purchase_cents: a whole number of cents >= 0")
