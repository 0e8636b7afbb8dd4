"""Decay: exact integer half-life, computable at any past timepoint."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.decay import decayed_weight
from governance.models import MemberId
from governance.points import Award, AwardKind

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def award(points: int, at: datetime, n: int = 0) -> Award:
    return Award(MemberId("A"), points, AwardKind.ORDER, f"O{n}", at)


def test_whole_half_lives_halve_exactly_and_halfway_is_on_the_line() -> None:
    a = [award(1000, T0)]
    assert decayed_weight(a, T0, 90) == 1000
    assert decayed_weight(a, T0 + timedelta(days=90), 90) == 500
    assert decayed_weight(a, T0 + timedelta(days=180), 90) == 250
    assert decayed_weight(a, T0 + timedelta(days=45), 90) == 750
    assert decayed_weight(a, T0 - timedelta(seconds=1), 90) == 0


def test_refunds_decay_too_and_the_weight_never_goes_negative() -> None:
    a = [award(1000, T0), award(-1000, T0 + timedelta(days=90), 1)]
    assert decayed_weight(a, T0 + timedelta(days=90), 90) == 0
    assert decayed_weight(a, T0 + timedelta(days=100), 90) == 0


@settings(max_examples=100)
@given(st.lists(st.tuples(st.integers(-500, 5000), st.integers(0, 10**7)), max_size=15),
       st.lists(st.tuples(st.integers(-500, 5000), st.integers(0, 10**7)), max_size=15),
       st.integers(0, 10**7))
def test_weight_at_a_past_timepoint_is_stable_as_history_grows(history, later, t) -> None:
    at = T0 + timedelta(seconds=t)
    known = [award(p, T0 + timedelta(seconds=s), i) for i, (p, s) in enumerate(history)]
    future = [award(p, at + timedelta(seconds=1 + s), 100 + i) for i, (p, s) in enumerate(later)]
    assert decayed_weight(known + future, at, 90) == decayed_weight(known, at, 90)


@settings(max_examples=100)
@given(st.integers(1, 10**6), st.integers(0, 10**8), st.integers(0, 10**8))
def test_a_single_award_only_loses_weight_over_time(points, s1, s2) -> None:
    a = [award(points, T0)]
    early, late = sorted((s1, s2))
    assert decayed_weight(a, T0 + timedelta(seconds=late), 30) <= decayed_weight(a, T0 + timedelta(seconds=early), 30)
