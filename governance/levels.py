"""Levels (普通 / 白银 / 黄金 / 钻石) on growth earned in a rolling window, judged at each month end.

Upgrades happen at once: a member whose window growth reaches a higher threshold takes the highest tier
reached. Downgrades are gentle: only when growth is below the current tier's retain value (保级) at more
than `grace_periods` consecutive month ends, and then by one tier at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

from governance.rules import LevelRules


@dataclass(frozen=True, slots=True)
class LevelState:
    """A member's tier index into `LevelRules.tiers` and how many month ends in a row it missed retain."""

    tier: int = 0
    below: int = 0


START = LevelState()


def tier_for(growth: int, rules: LevelRules) -> int:
    """Highest tier whose threshold `growth` reaches."""
    reached = 0
    for i, tier in enumerate(rules.tiers):
        if growth >= tier.threshold:
            reached = i
    return reached


def step_level(state: LevelState, growth: int, rules: LevelRules) -> LevelState:
    """The state at a month end, given the state at the previous one and the growth in the window now."""
    reached = tier_for(growth, rules)
    if reached > state.tier:
        return LevelState(reached, 0)
    if growth >= rules.tiers[state.tier].retain:
        return LevelState(state.tier, 0)
    if state.below + 1 > rules.grace_periods:
        return LevelState(state.tier - 1, 0)
    return LevelState(state.tier, state.below + 1)
