"""The monthly pool: the worked example with a cap in exact cents, and Σ payouts == pool under hypothesis."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.errors import BadInput, RulesError
from governance.models import Activity, ActivityKind, MemberId, Order, OrderStatus
from governance.period import Period
from governance.pool import PoolRules, largest_remainder, own_sales_and_active_days, pool_cents, split_pool

TZ = ZoneInfo("Asia/Shanghai")
NOV = Period(2026, 11)

# Six members in November 2026. E buys too little and F is active on too few days: both ineligible.
SALES = {"A": 500_000, "B": 300_000, "C": 150_000, "D": 50_000, "E": 5_000, "F": 80_000}
ACTIVE = {"A": 20, "B": 10, "C": 25, "D": 5, "E": 30, "F": 2}
RULES = PoolRules(rate_bps=200, target_cents=10_000_000, weight_sales_bps=7000, weight_active_bps=3000,
                  min_own_sales_cents=10_000, min_active_days=3, cap_cents=80_000)


def test_worked_example_with_cap() -> None:
    split = split_pool(12_345_678, SALES, ACTIVE, RULES)
    # pool = floor(12,345,678 x 2%) = floor(246,913.56)
    assert split.pool_cents == 246_913
    # scores 0.7 x sales share + 0.3 x active share over A..D (Σsales 1,000,000, Σactive 60)
    assert split.scores == {"A": Fraction(45, 100), "B": Fraction(26, 100), "C": Fraction(23, 100),
                            "D": Fraction(6, 100)}
    # A: 111,110.85 -> cap 80,000; the 31,110.85 excess goes to B, C, D pro rata 26:23:6:
    # B 78,904.327…, C 69,799.981…, D 18,208.690…; floors leave 2 cents for the largest remainders C and D
    assert split.payouts == {"A": 80_000, "B": 78_904, "C": 69_800, "D": 18_209}
    assert sum(split.payouts.values()) == split.pool_cents
    assert split.undistributed_cents == 0


def test_without_cap_the_split_follows_the_scores() -> None:
    split = split_pool(12_345_678, SALES, ACTIVE, replace(RULES, cap_cents=None))
    # 246,913 x 0.45 / 0.26 / 0.23 / 0.06 = 111,110.85 / 64,197.38 / 56,789.99 / 14,814.78
    assert split.payouts == {"A": 111_111, "B": 64_197, "C": 56_790, "D": 14_815}
    assert sum(split.payouts.values()) == 246_913


def test_gmv_below_target_means_no_pool() -> None:
    split = split_pool(9_999_999, SALES, ACTIVE, RULES)
    assert (split.pool_cents, split.undistributed_cents) == (0, 0)
    assert set(split.payouts.values()) == {0}


def test_nobody_eligible_leaves_the_pool_undistributed() -> None:
    split = split_pool(10_000_000, {"A": 9_999}, {"A": 31}, RULES)
    assert split.pool_cents == 200_000
    assert split.payouts == {}
    assert split.undistributed_cents == 200_000


def test_everyone_capped_leaves_the_rest_undistributed() -> None:
    split = split_pool(10_000_000, {"A": 20_000, "B": 10_000}, {"A": 3, "B": 3}, PoolRules(cap_cents=50_000))
    assert split.payouts == {"A": 50_000, "B": 50_000}
    assert split.undistributed_cents == 100_000


def test_ties_go_to_the_smaller_member_id() -> None:
    assert largest_remainder(2, {"b": Fraction(2, 3), "a": Fraction(2, 3), "c": Fraction(2, 3)}) == {
        "a": 1, "b": 1, "c": 0}
    with pytest.raises(BadInput):
        largest_remainder(3, {"a": Fraction(1, 2)})


def test_pool_size_rounds_down_and_respects_the_rate_bound() -> None:
    assert pool_cents(10_000_049, PoolRules(rate_bps=100)) == 100_000
    assert pool_cents(10_000_099, PoolRules(rate_bps=300)) == 300_002
    for bad in (dict(rate_bps=99), dict(rate_bps=301), dict(weight_sales_bps=7000, weight_active_bps=2000),
                dict(cap_cents=0), dict(min_active_days=-1), dict(target_cents=1.5)):
        with pytest.raises(RulesError):
            PoolRules(**bad)


def _order(oid: str, buyer: str, cents: int, paid: datetime, refunded: datetime | None = None) -> Order:
    return Order(oid, MemberId(buyer), cents, paid, OrderStatus.REFUNDED if refunded else OrderStatus.PAID,
                 refunded, "p", None)


def test_own_sales_are_own_purchases_net_of_refunds_in_the_month() -> None:
    orders = [
        _order("1", "A", 10_000, datetime(2026, 11, 3, tzinfo=TZ)),
        _order("2", "A", 5_000, datetime(2026, 11, 4, tzinfo=TZ), refunded=datetime(2026, 11, 20, tzinfo=TZ)),
        _order("3", "A", 7_000, datetime(2026, 11, 5, tzinfo=TZ), refunded=datetime(2026, 12, 2, tzinfo=TZ)),
        _order("4", "B", 3_000, datetime(2026, 10, 31, 23, tzinfo=TZ)),    # October
        _order("5", "B", 4_000, datetime(2026, 11, 30, 16, 30, tzinfo=ZoneInfo("UTC"))),  # Dec 1 in Shanghai
    ]
    sales, active = own_sales_and_active_days(orders, [], NOV, TZ)
    assert sales == {"A": 17_000}
    assert active == {"A": 2}  # Nov 3 and Nov 5; Nov 4's order was refunded in the month


def test_active_days_count_distinct_local_days() -> None:
    orders = [_order("1", "A", 100, datetime(2026, 11, 3, 9, tzinfo=TZ))]
    activities = [Activity(f"a{i}", MemberId("A"), ActivityKind.CHECKIN, at, None, None) for i, at in enumerate([
        datetime(2026, 11, 3, 20, tzinfo=TZ), datetime(2026, 11, 4, 8, tzinfo=TZ),
        datetime(2026, 11, 4, 17, tzinfo=ZoneInfo("UTC")),  # 01:00 on Nov 5 in Shanghai
        datetime(2026, 12, 1, 8, tzinfo=TZ)])]
    assert own_sales_and_active_days(orders, activities, NOV, TZ)[1] == {"A": 3}


stats = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3),
                        st.tuples(st.integers(0, 10**9), st.integers(0, 31)), max_size=25)


@settings(max_examples=300)
@given(stats, st.integers(0, 10**12), st.integers(100, 300), st.integers(0, 10_000),
       st.one_of(st.none(), st.integers(1, 10**8)), st.integers(0, 10**6), st.integers(0, 10))
def test_payouts_sum_to_the_pool_and_respect_the_cap(table, gmv, rate, w_sales, cap, min_sales, min_days) -> None:
    rules = PoolRules(rate_bps=rate, target_cents=10**9, weight_sales_bps=w_sales, weight_active_bps=10_000 - w_sales,
                      min_own_sales_cents=min_sales, min_active_days=min_days, cap_cents=cap)
    sales = {MemberId(m): s for m, (s, _) in table.items()}
    days = {MemberId(m): d for m, (_, d) in table.items()}
    split = split_pool(gmv, sales, days, rules)
    assert split.pool_cents == (gmv * rate // 10_000 if gmv >= 10**9 else 0)
    assert sum(split.payouts.values()) + split.undistributed_cents == split.pool_cents
    assert all(p >= 0 and (cap is None or p <= cap) for p in split.payouts.values())
    assert all(sales[m] >= min_sales and days[m] >= min_days for m in split.payouts)
    if cap is None and any(split.scores.values()):
        assert split.undistributed_cents == 0
    if cap is not None and split.undistributed_cents:
        assert all(p == cap for m, p in split.payouts.items() if split.scores[m])
