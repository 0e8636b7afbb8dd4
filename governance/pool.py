"""The monthly shared pool (共享分红池): how big it is and how it is split by contribution.

The rules are the `[pool]` table of the rules file. The pool rate is bounded to 100..300 bps (1–3%) as on
chain in the RuleBook.
"""
from __future__ import annotations

from dataclasses import dataclass

from governance.errors import RulesError

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
