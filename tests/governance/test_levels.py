"""Levels: upgrade at once, retain at about half, at most one tier down per month end after a grace."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.levels import START, LevelState, step_level, tier_for
from governance.rules import LevelRules

RULES = LevelRules()  # 普通 0 / 白银 1000 (retain 500) / 黄金 5000 (2500) / 钻石 20000 (10000), grace 1


def test_tier_for_growth() -> None:
    assert [tier_for(g, RULES) for g in (0, 999, 1000, 4999, 5000, 19999, 20000, 10**9)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_upgrade_is_immediate_and_can_skip_tiers() -> None:
    assert step_level(START, 6000, RULES) == LevelState(2, 0)
    assert step_level(LevelState(1, 1), 25000, RULES) == LevelState(3, 0)


def test_growth_at_or_above_retain_keeps_the_tier_and_clears_the_grace() -> None:
    assert step_level(LevelState(2, 1), 2500, RULES) == LevelState(2, 0)


def test_below_retain_first_uses_the_grace_then_drops_exactly_one_tier() -> None:
    state = LevelState(3, 0)
    state = step_level(state, 0, RULES)
    assert state == LevelState(3, 1)          # grace month
    state = step_level(state, 0, RULES)
    assert state == LevelState(2, 0)          # one tier down, not to 普通
    state = step_level(step_level(state, 0, RULES), 0, RULES)
    assert state == LevelState(1, 0)


def test_without_grace_the_drop_is_at_the_first_month_end_below_retain() -> None:
    rules = LevelRules(grace_periods=0)
    assert step_level(LevelState(1, 0), 499, rules) == LevelState(0, 0)


@settings(max_examples=200)
@given(st.lists(st.integers(0, 40_000), min_size=1, max_size=30), st.integers(0, 3))
def test_a_level_never_drops_more_than_one_tier_per_month_end(growths, grace) -> None:
    rules = LevelRules(grace_periods=grace)
    state = START
    for growth in growths:
        new = step_level(state, growth, rules)
        assert new.tier >= state.tier - 1
        assert new.tier >= tier_for(growth, rules) or new.tier == state.tier
        if new.tier < state.tier:
            assert growth < rules.tiers[state.tier].retain
        state = new
