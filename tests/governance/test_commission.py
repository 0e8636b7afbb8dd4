"""Commission: worked examples in exact cents (docs/mechanisms.md "Commission"), legal properties under hypothesis."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.commission import (
    COMMISSION, FORFEITED_BEYOND_TWO_HOPS, FORFEITED_MIN_PURCHASE, FORFEITED_UPLINE_ORDERS, REFUND_CLAWBACK,
    CommissionLine, CommissionRules, commission_for_period, commission_lines, totals,
)
from governance.errors import BadInput, RulesError
from governance.models import Member, MemberId, Order, OrderStatus
from governance.team import build_structure

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 1, tzinfo=TZ)


def member(member_id: str, referrer: str | None, day: int = 0) -> Member:
    return Member(MemberId(member_id), "0x" + "0" * 40, MemberId(referrer) if referrer else None,
                  T0 + timedelta(minutes=day))


def order(order_id: str, buyer: str, cents: int, paid: datetime, refunded: datetime | None = None) -> Order:
    status = OrderStatus.REFUNDED if refunded else OrderStatus.PAID
    return Order(order_id, MemberId(buyer), cents, paid, status, refunded, "p1", None)


def nov(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=TZ)


def dec(day: int) -> datetime:
    return datetime(2026, 12, day, 12, tzinfo=TZ)


def paid_lines(lines: list[CommissionLine], prefix: str = "") -> set[tuple[str, str, int, int, str]]:
    """The lines of orders whose id starts with `prefix` (uplines' own orders pay their uplines too)."""
    return {(line.order_id, line.earner, line.level, line.cents, line.reason)
            for line in lines if line.order_id.startswith(prefix)}


# --- 链动2+1 slide-down (滑落), compliant form --------------------------------------------------------------
# F founds the co-op and refers A. A refers B, C, D, E: B and C (A's first two) slide to the team of A's team
# owner F; with two referrals A becomes a team owner and breaks away, keeping D and E. B refers G, who slides to
# B's team owner F — three referral hops from G, so F may not earn on G's orders.
SLIDE_MEMBERS = [member("F", None, 0), member("A", "F", 1), member("B", "A", 2), member("C", "A", 3),
                 member("D", "A", 4), member("E", "A", 5), member("G", "B", 6)]
SLIDE = CommissionRules(structure="slide", levels_bps=(1000, 500))


def test_slide_down_places_first_two_referrals_in_the_owners_team() -> None:
    s = build_structure(SLIDE_MEMBERS)
    assert {m: s.team_parent[MemberId(m)] for m in "FABCDEG"} == {
        "F": None, "A": "F", "B": "F", "C": "F", "D": "A", "E": "A", "G": "F"}
    assert s.owners == {"F", "A"}
    assert s.referral_uplines(MemberId("G")) == ["B", "A"]


def test_slide_down_decides_who_earns_within_two_hops() -> None:
    orders = [order("d1", "D", 10_000, nov(1)), order("b1", "B", 10_000, nov(2)), order("g1", "G", 10_000, nov(3))]
    lines = commission_lines(SLIDE_MEMBERS, orders, SLIDE, TZ)
    assert paid_lines(lines) == {
        ("d1", "A", 1, 1000, COMMISSION),      # D kept by A: A is L1, A's team owner F is L2
        ("d1", "F", 2, 500, COMMISSION),
        ("b1", "F", 1, 1000, COMMISSION),      # B slid to F: F earns, A (the referrer) does not
        ("g1", "F", 1, 0, FORFEITED_BEYOND_TWO_HOPS),
    }
    assert totals(lines) == {"A": 1000, "F": 1500}
    plain = commission_lines(SLIDE_MEMBERS, orders, CommissionRules(), TZ)
    assert totals(plain) == {"A": 1000 + 1000 + 500, "F": 500 + 500, "B": 1000}


# --- 复购见单 variant A: the k-th paid order pays the k-th upline, if that upline has >= k paid orders ----------
CHAIN = [member("P", None, 0), member("R", "P", 1), member("X", "R", 2)]
VARIANT_A = CommissionRules(mode="repurchase_a", levels_bps=(1000, 500), repurchase_max_k=2)


def test_variant_a_kth_order_pays_kth_upline() -> None:
    orders = [order("r1", "R", 5_000, nov(1)), order("p1", "P", 5_000, nov(2)), order("p2", "P", 5_000, nov(3)),
              order("x1", "X", 10_000, nov(5)), order("x2", "X", 20_000, nov(6)), order("x3", "X", 30_000, nov(7))]
    lines = commission_lines(CHAIN, orders, VARIANT_A, TZ)
    assert paid_lines(lines, "x") == {("x1", "R", 1, 1000, COMMISSION), ("x2", "P", 2, 1000, COMMISSION)}
    # x3 is X's 3rd order, past N = 2: nobody. R's first order r1 would pay P, who had no order yet.
    assert paid_lines(lines, "r") == {("r1", "P", 1, 0, FORFEITED_UPLINE_ORDERS)}
    assert totals(lines) == {"P": 1000, "R": 1000}


def test_variant_a_upline_without_k_orders_forfeits() -> None:
    orders = [order("r1", "R", 5_000, nov(1)), order("p1", "P", 5_000, nov(2)),
              order("x1", "X", 10_000, nov(5)), order("x2", "X", 20_000, nov(6)), order("p2", "P", 5_000, nov(7))]
    lines = commission_lines(CHAIN, orders, VARIANT_A, TZ)
    assert paid_lines(lines, "x") == {("x1", "R", 1, 1000, COMMISSION), ("x2", "P", 2, 0, FORFEITED_UPLINE_ORDERS)}


def test_variant_a_same_period_refund_moves_the_rank_down() -> None:
    orders = [order("r1", "R", 5_000, nov(1)), order("x1", "X", 10_000, nov(5), refunded=nov(9)),
              order("x2", "X", 20_000, nov(6))]
    assert paid_lines(commission_lines(CHAIN, orders, VARIANT_A, TZ), "x") == {("x2", "R", 1, 2000, COMMISSION)}


# --- 复购见单 variant B: an upline earns in a period only if its own purchases there reach the minimum --------
VARIANT_B = CommissionRules(mode="repurchase_b", levels_bps=(1000, 500), min_own_purchase_cents=5_000)


def test_variant_b_forfeits_per_period_without_rolling_up() -> None:
    orders = [order("r1", "R", 6_000, nov(1)), order("p1", "P", 3_000, nov(2)), order("x1", "X", 10_000, nov(5)),
              order("p2", "P", 5_000, dec(1)), order("x2", "X", 10_000, dec(5))]
    nov_s = commission_for_period(CHAIN, orders, VARIANT_B, "2026-11", TZ)
    dec_s = commission_for_period(CHAIN, orders, VARIANT_B, "2026-12", TZ)
    assert paid_lines(list(nov_s.lines), "x") == {("x1", "R", 1, 1000, COMMISSION),
                                                  ("x1", "P", 2, 0, FORFEITED_MIN_PURCHASE)}
    assert paid_lines(list(dec_s.lines), "x") == {("x2", "R", 1, 0, FORFEITED_MIN_PURCHASE),
                                                  ("x2", "P", 2, 500, COMMISSION)}
    # R's own 6000 in November would pay P 600, but P bought only 3000 there: forfeited, not rolled up
    assert paid_lines(list(nov_s.lines), "r") == {("r1", "P", 1, 0, FORFEITED_MIN_PURCHASE)}
    assert (nov_s.totals, dec_s.totals) == ({"R": 1000}, {"P": 500})


def test_variant_b_refunded_own_purchase_does_not_qualify() -> None:
    orders = [order("r1", "R", 6_000, nov(1), refunded=nov(2)), order("x1", "X", 10_000, nov(5))]
    lines = commission_lines(CHAIN, orders, VARIANT_B, TZ)
    assert ("x1", "R", 1, 0, FORFEITED_MIN_PURCHASE) in paid_lines(lines)


# --- refunds, rounding, idempotency ---------------------------------------------------------------------------
def test_refund_in_a_later_period_claws_back_exactly() -> None:
    orders = [order("x1", "X", 12_345, nov(5), refunded=dec(2))]
    lines = commission_lines(CHAIN, orders, CommissionRules(levels_bps=(1000, 500)), TZ)
    assert [(line.period, line.earner, line.cents, line.reason) for line in lines] == [
        ("2026-11", "R", 1234, COMMISSION), ("2026-11", "P", 617, COMMISSION),
        ("2026-12", "R", -1234, REFUND_CLAWBACK), ("2026-12", "P", -617, REFUND_CLAWBACK)]
    assert totals(lines) == {}
    assert commission_for_period(CHAIN, orders, CommissionRules(), "2026-12", TZ).totals == {"R": -1234, "P": -617}


def test_period_follows_the_coop_timezone() -> None:
    # 2026-11-30 17:00 UTC is 2026-12-01 01:00 in Shanghai: a December order
    utc_late = datetime(2026, 11, 30, 17, tzinfo=UTC)
    lines = commission_lines(CHAIN, [order("x1", "X", 10_000, utc_late)], CommissionRules(), TZ)
    assert {line.period for line in lines} == {"2026-12"}


def test_floor_rounding_per_line() -> None:
    lines = commission_lines(CHAIN, [order("x1", "X", 999, nov(5))], CommissionRules(levels_bps=(1999, 1001)), TZ)
    assert [line.cents for line in lines] == [199, 99]  # 199.70 and 99.99 floored; 298 <= 30% of 999


def test_same_order_twice_counts_once_and_refund_record_supersedes() -> None:
    paid = order("x1", "X", 10_000, nov(5))
    refunded = order("x1", "X", 10_000, nov(5), refunded=dec(1))
    rules = CommissionRules()
    assert commission_lines(CHAIN, [paid, paid], rules, TZ) == commission_lines(CHAIN, [paid], rules, TZ)
    assert commission_lines(CHAIN, [paid, refunded], rules, TZ) == commission_lines(CHAIN, [refunded], rules, TZ)
    with pytest.raises(BadInput, match="appears twice"):
        commission_lines(CHAIN, [paid, order("x1", "X", 10_001, nov(5))], rules, TZ)


def test_bad_data_is_refused() -> None:
    with pytest.raises(BadInput, match="not in the members file"):
        commission_lines(CHAIN, [order("z", "Z", 100, nov(1))], CommissionRules(), TZ)
    with pytest.raises(BadInput, match="referral cycle"):
        build_structure([member("A", "B"), member("B", "A")])
    with pytest.raises(BadInput, match="joined before its referrer"):
        build_structure([member("A", None, 0), member("B", "C", 1), member("C", "A", 2)])
    with pytest.raises(BadInput, match="refunded_at"):
        commission_lines(CHAIN, [order("x", "X", 100, nov(5), refunded=nov(4))], CommissionRules(), TZ)


@pytest.mark.parametrize("kwargs", [dict(levels_bps=(2000, 1001)), dict(levels_bps=(100, 100, 100)),
                                    dict(levels_bps=()), dict(mode="three_level"), dict(structure="matrix"),
                                    dict(repurchase_max_k=3), dict(min_own_purchase_cents=-1),
                                    dict(levels_bps=(1000.0,))])
def test_rules_outside_the_legal_bounds_are_refused(kwargs: dict) -> None:
    with pytest.raises(RulesError):
        CommissionRules(**kwargs)


# --- properties -----------------------------------------------------------------------------------------------
@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Member], list[Order], CommissionRules]:
    count = draw(st.integers(1, 12))
    members = [member("m00", None, 0)]
    for i in range(1, count):
        referrer = draw(st.one_of(st.none(), st.integers(0, i - 1)))
        members.append(member(f"m{i:02d}", None if referrer is None else f"m{referrer:02d}", i))
    orders = []
    for j in range(draw(st.integers(0, 25))):
        paid = T0 + timedelta(hours=draw(st.integers(24 * 31, 24 * 120)))
        refund = draw(st.one_of(st.none(), st.integers(0, 24 * 60)))
        orders.append(order(f"o{j:02d}", draw(st.sampled_from(members)).member_id, draw(st.integers(1, 10**7)),
                            paid, None if refund is None else paid + timedelta(hours=refund)))
    levels = draw(st.lists(st.integers(0, 3000), min_size=1, max_size=2).filter(lambda rates: sum(rates) <= 3000))
    rules = CommissionRules(mode=draw(st.sampled_from(["two_level", "repurchase_a", "repurchase_b"])),
                            structure=draw(st.sampled_from(["referral", "slide"])), levels_bps=tuple(levels),
                            repurchase_max_k=draw(st.integers(1, 2)),
                            min_own_purchase_cents=draw(st.integers(0, 2 * 10**7)))
    return members, orders, rules


@settings(max_examples=150)
@given(scenarios())
def test_nobody_beyond_two_referral_hops_earns_and_an_order_pays_at_most_30_percent(scenario) -> None:
    members, orders, rules = scenario
    structure = build_structure(members)
    amount = {o.order_id: o for o in orders}
    per_order: dict[tuple[str, str], int] = {}
    for line in commission_lines(members, orders, rules, TZ):
        if line.reason == COMMISSION:
            assert line.cents > 0 or rules.levels_bps[line.level - 1] * amount[line.order_id].amount_cents < 10_000
            assert structure.referral_distance(amount[line.order_id].member_id, line.earner, 2) is not None
            assert line.level in (1, 2)
        if line.cents > 0:
            per_order[(line.order_id, line.period)] = per_order.get((line.order_id, line.period), 0) + line.cents
    for (order_id, _), cents in per_order.items():
        assert cents * 10_000 <= amount[order_id].amount_cents * 3000


@settings(max_examples=150)
@given(scenarios())
def test_every_refunded_order_nets_zero(scenario) -> None:
    members, orders, rules = scenario
    lines = commission_lines(members, orders, rules, TZ)
    for o in orders:
        if o.status is OrderStatus.REFUNDED:
            assert sum(line.cents for line in lines if line.order_id == o.order_id) == 0


@settings(max_examples=150)
@given(scenarios(), st.data())
def test_refund_in_the_same_period_equals_never_ordering(scenario, data) -> None:
    members, orders, rules = scenario
    paid = [o for o in orders if o.status is OrderStatus.PAID]
    if not paid:
        return
    victim = data.draw(st.sampled_from(paid))
    refunded = order(victim.order_id, victim.member_id, victim.amount_cents, victim.paid_at,
                     refunded=victim.paid_at)  # same instant, so the same period
    with_refund = [refunded if o is victim else o for o in orders]
    without = [o for o in orders if o is not victim]
    assert commission_lines(members, with_refund, rules, TZ) == commission_lines(members, without, rules, TZ)


@settings(max_examples=150)
@given(scenarios())
def test_plain_two_level_refund_in_any_period_nets_as_if_never_ordered(scenario) -> None:
    members, orders, rules = scenario
    rules = CommissionRules(structure=rules.structure, levels_bps=rules.levels_bps)
    kept = [o for o in orders if o.status is OrderStatus.PAID]
    assert totals(commission_lines(members, orders, rules, TZ)) == totals(commission_lines(members, kept, rules, TZ))


@settings(max_examples=100)
@given(scenarios())
def test_rerunning_or_duplicating_orders_changes_nothing(scenario) -> None:
    members, orders, rules = scenario
    once = commission_lines(members, orders, rules, TZ)
    assert commission_lines(members, orders + orders[::-1], rules, TZ) == once
