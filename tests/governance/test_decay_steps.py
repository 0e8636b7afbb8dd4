"""Decay in steps, as month closes apply it: W_M = max(0, min(floor(decayed nets at the month's end), B_M))."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.decay import close_weight, decayed_weight, stepped_weights
from governance.models import MemberId
from governance.period import Period
from governance.points import Award, AwardKind

END = [Period(2026, m).end(UTC) for m in range(1, 13)]
nets_strategy = st.lists(st.integers(-3000, 20_000), min_size=1, max_size=12)


def _dated(nets: list[int]) -> list[tuple[datetime, int]]:
    return list(zip(END, nets, strict=False))


def test_a_months_points_count_in_full_at_its_close_and_halve_after_one_half_life() -> None:
    steps = stepped_weights([(END[0], 1000), (END[0] + timedelta(days=90), 0), (END[0] + timedelta(days=135), 0)], 90)
    assert steps == [1000, 500, 375]


def test_a_take_back_fading_never_gives_weight_back() -> None:
    # 2,458 in January, a 1,667 refund in February, half-life 60 days: in April the refund has faded more
    # than the January points (it entered its second half-life's gentler slope later), and the formula
    # alone would climb from 13 back to 105; the weight stays at 13.
    nets = _dated([2458, -1667, 0, 0])
    assert [close_weight(nets[: i + 1], END[i], 10**9, 60) for i in range(4)] == [2458, 217, 13, 105]
    assert stepped_weights(nets, 60) == [2458, 217, 13, 13]


@settings(max_examples=200)
@given(nets_strategy, st.sampled_from([1, 30, 90, 365]))
def test_without_take_backs_each_step_is_the_decay_function_at_the_months_end(nets, half_life) -> None:
    nets = [abs(n) for n in nets]
    awards = [Award(MemberId("A"), n, AwardKind.ORDER, f"M{i}", end) for i, (end, n) in enumerate(_dated(nets))]
    expected = [decayed_weight(awards, end, half_life) for end in END[: len(nets)]]
    assert stepped_weights(_dated(nets), half_life) == expected


@settings(max_examples=200)
@given(nets_strategy, st.sampled_from([1, 30, 90, 365]))
def test_a_step_never_adds_more_than_the_months_points_and_never_goes_below_zero(nets, half_life) -> None:
    steps = stepped_weights(_dated(nets), half_life)
    before = 0
    for weight, net in zip(steps, nets, strict=False):
        assert 0 <= weight <= max(0, before + net)
        before = weight


@settings(max_examples=100)
@given(nets_strategy, st.integers(0, 11))
def test_a_past_step_is_stable_as_history_grows(nets, cut) -> None:
    cut = min(cut, len(nets) - 1)
    assert stepped_weights(_dated(nets), 90)[: cut + 1] == stepped_weights(_dated(nets[: cut + 1]), 90)
