"""Growth month by month: caps follow last month's level; closed months never change as data grows."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.growth import grow
from governance.levels import LevelState
from governance.loading import CoopData
from governance.models import Activity, ActivityKind, Member, MemberId, Order, OrderStatus
from governance.period import Period
from governance.rules import LevelRules, Rules, Tier

TZ = ZoneInfo("Asia/Shanghai")
OCT, NOV, DEC = Period(2026, 10), Period(2026, 11), Period(2026, 12)
RULES = Rules(levels=LevelRules(tiers=(Tier("普通", 0, 0, 30), Tier("白银", 1000, 500, 60))))
A = MemberId("A")
MEMBERS = {A: Member(A, "0x" + "a" * 40, None, datetime(2026, 1, 1, tzinfo=TZ))}


def paid(order_id: str, cents: int, at: datetime, refunded: datetime | None = None) -> Order:
    return Order(order_id, A, cents, at, OrderStatus.REFUNDED if refunded else OrderStatus.PAID, refunded, "P", None)


def groups(day: datetime, n: int, prefix: str) -> list[Activity]:
    return [Activity(f"{prefix}{i}", A, ActivityKind.GROUP_OPEN, day + timedelta(minutes=i), f"{prefix}{i}", None)
            for i in range(n)]


def points(growth, period: Period) -> int:
    return sum(a.points for a in growth.awards_in(period) if a.member_id == A)


def test_activity_caps_follow_the_level_at_the_previous_month_end() -> None:
    data = CoopData(MEMBERS, (paid("O1", 150_000, datetime(2026, 10, 5, tzinfo=TZ)),),
                    (*groups(datetime(2026, 10, 6, 9, tzinfo=TZ), 3, "g"),
                     *groups(datetime(2026, 11, 6, 9, tzinfo=TZ), 3, "h")))
    growth = grow(data, RULES, NOV)
    assert growth.level(OCT, A) == LevelState(1, 0)           # 1500 points in October: 白银 at once
    assert points(growth, OCT) == 1500 + 30                   # October capped by 普通 (30 a day)
    assert points(growth, NOV) == 60                          # November capped by 白银 (60 a day)


def test_growth_outside_the_window_no_longer_counts_and_the_level_drops_after_the_grace() -> None:
    data = CoopData(MEMBERS, (paid("O1", 150_000, datetime(2025, 10, 5, tzinfo=TZ)),), ())
    rules = Rules(levels=LevelRules(window_days=365, grace_periods=1))
    growth = grow(data, rules, Period(2026, 12))
    assert growth.level(Period(2026, 9), A) == LevelState(1, 0)
    assert growth.level(Period(2026, 10), A) == LevelState(1, 1)   # window passed O1: grace month
    assert growth.level(Period(2026, 11), A) == LevelState(0, 0)


def test_a_refund_in_the_next_month_leaves_the_closed_month_alone() -> None:
    o = paid("O1", 150_000, datetime(2026, 10, 5, tzinfo=TZ), datetime(2026, 11, 2, tzinfo=TZ))
    growth = grow(CoopData(MEMBERS, (o,), ()), RULES, NOV)
    assert points(growth, OCT) == 1500 and points(growth, NOV) == -1500


_minutes = st.integers(0, 90 * 24 * 60)


@settings(max_examples=40)
@given(st.lists(st.tuples(st.integers(100, 300_000), _minutes, st.one_of(st.none(), st.integers(0, 30 * 24 * 60))),
                max_size=12),
       st.lists(st.tuples(st.sampled_from(list(ActivityKind)), _minutes), max_size=30))
def test_a_closed_month_is_the_same_whatever_later_data_is_added(orders, acts) -> None:
    t0 = datetime(2026, 9, 1, tzinfo=TZ)
    all_orders = tuple(paid(f"O{i}", c, t0 + timedelta(minutes=m), None if r is None else t0 + timedelta(minutes=m + r))
                       for i, (c, m, r) in enumerate(orders))
    all_acts = tuple(Activity(f"A{i}", A, k, t0 + timedelta(minutes=m), f"O{i}", None) for i, (k, m) in enumerate(acts))
    cut = OCT.end(TZ)
    known_orders = tuple(
        o if o.refunded_at is None or o.refunded_at < cut else paid(o.order_id, o.amount_cents, o.paid_at)
        for o in all_orders if o.paid_at < cut)
    known = CoopData(MEMBERS, known_orders, tuple(a for a in all_acts if a.at < cut))
    full = grow(CoopData(MEMBERS, all_orders, all_acts), RULES, Period(2026, 12))
    then = grow(known, RULES, OCT)
    for period in then.awards:
        assert sorted(full.awards_in(period), key=repr) == sorted(then.awards_in(period), key=repr)
        assert full.levels.get(period, {}) == then.levels[period]
