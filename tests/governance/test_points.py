"""Growth points: docs/mechanisms.md "Growth points" as worked examples, idempotency, and refund == never ordered."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.models import Activity, ActivityKind, Member, MemberId, Order, OrderStatus
from governance.points import (
    ACTIVITY_KINDS, Award, AwardKind, activity_awards, apply_daily_caps, evidence_hash, order_awards,
    order_points,
)
from governance.rules import PointsRules

TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 11, 3, 9, tzinfo=TZ)
END = datetime(2027, 1, 1, tzinfo=TZ)
RULES = PointsRules()
JOINED = datetime(2026, 1, 1, tzinfo=TZ)
MEMBERS = {
    MemberId("A"): Member(MemberId("A"), "0x" + "a" * 40, None, JOINED),
    MemberId("B"): Member(MemberId("B"), "0x" + "b" * 40, MemberId("A"), JOINED),
}


def order(order_id: str, buyer: str, cents: int, paid: datetime, refunded: datetime | None = None) -> Order:
    status = OrderStatus.REFUNDED if refunded else OrderStatus.PAID
    return Order(order_id, MemberId(buyer), cents, paid, status, refunded, "P1", None)


def act(activity_id: str, member: str, kind: ActivityKind, at: datetime, ref: str | None = None,
        rating: int | None = None) -> Activity:
    return Activity(activity_id, MemberId(member), kind, at, ref, rating)


def net(awards: list[Award]) -> dict[str, int]:
    out: dict[str, int] = {}
    for award in awards:
        out[award.member_id] = out.get(award.member_id, 0) + award.points
    return out


def test_one_point_per_whole_yuan_and_a_refund_takes_it_back() -> None:
    assert order_points(19_990, RULES) == 199
    assert order_points(99, RULES) == 0
    assert order_points(10_000, PointsRules(order_per_yuan=2)) == 200
    awards = order_awards([order("O1", "A", 19_990, DAY, DAY + timedelta(days=1))], MEMBERS, RULES, END)
    assert [(a.kind, a.points, a.evidence_id) for a in awards] == [
        (AwardKind.ORDER, 199, "order:O1"), (AwardKind.REFUND, -199, "refund:O1")]


def test_a_refund_after_the_cut_off_is_not_known_yet() -> None:
    o = order("O1", "A", 10_000, DAY, DAY + timedelta(days=40))
    assert net(order_awards([o], MEMBERS, RULES, DAY + timedelta(days=30))) == {"A": 100}
    assert net(order_awards([o], MEMBERS, RULES, END)) == {"A": 0}


def test_the_referrer_gets_200_on_the_friends_first_paid_order_only() -> None:
    orders = [order("O1", "B", 5_000, DAY), order("O2", "B", 5_000, DAY + timedelta(days=1))]
    awards = order_awards(orders, MEMBERS, RULES, END)
    invites = [(a.member_id, a.points, a.evidence_id) for a in awards if a.kind is AwardKind.INVITE]
    assert invites == [("A", 200, "invite:O1")]
    assert net(awards) == {"A": 200, "B": 100}


def test_a_refunded_first_order_moves_the_invite_bonus_to_the_next_live_order() -> None:
    orders = [order("O1", "B", 5_000, DAY, DAY + timedelta(days=2)), order("O2", "B", 5_000, DAY + timedelta(days=1))]
    awards = order_awards(orders, MEMBERS, RULES, END)
    referrer = [(a.points, a.evidence_id, a.at) for a in awards if a.member_id == "A"]
    assert sorted(referrer) == [(-200, "invite_reversal:O1", DAY + timedelta(days=2)),
                                (200, "invite:O1", DAY), (200, "invite:O2", DAY + timedelta(days=2))]
    only = order_awards([order("O1", "B", 5_000, DAY, DAY + timedelta(days=2))], MEMBERS, RULES, END)
    assert net(only) == {"A": 0, "B": 0}


def test_reviews_earn_20_whatever_the_rating_once_per_order() -> None:
    acts = [act("R1", "A", ActivityKind.REVIEW, DAY, "O1", 1), act("R2", "A", ActivityKind.REVIEW, DAY, "O2", 5),
            act("R3", "A", ActivityKind.REVIEW, DAY + timedelta(hours=1), "O1", 5)]
    awards = activity_awards(acts, RULES, TZ, END)
    assert [(a.points, a.evidence_id) for a in awards] == [(20, "review:O1"), (20, "review:O2")]


def test_checkin_once_a_day_share_five_a_day_profile_once_group_once() -> None:
    acts = [act(f"C{i}", "A", ActivityKind.CHECKIN, DAY + timedelta(hours=i)) for i in range(3)]
    acts += [act("C9", "A", ActivityKind.CHECKIN, DAY + timedelta(days=1))]
    acts += [act(f"S{i}", "A", ActivityKind.SHARE, DAY + timedelta(minutes=i)) for i in range(7)]
    acts += [act("P1", "A", ActivityKind.PROFILE, DAY), act("P2", "A", ActivityKind.PROFILE, DAY + timedelta(days=9))]
    acts += [act("G1", "A", ActivityKind.GROUP_OPEN, DAY, "G-1"), act("G2", "B", ActivityKind.GROUP_OPEN, DAY, "G-1")]
    awards = activity_awards(acts, RULES, TZ, END)
    by_kind = {k: sum(a.points for a in awards if a.kind is k) for k in AwardKind}
    assert by_kind[AwardKind.CHECKIN] == 20
    assert by_kind[AwardKind.SHARE] == 50
    assert by_kind[AwardKind.PROFILE] == 20
    assert [a.member_id for a in awards if a.kind is AwardKind.GROUP_OPEN] == ["A"]
    assert len({a.evidence_id for a in awards}) == len(awards)


def test_a_local_day_not_a_utc_day_bounds_the_checkin() -> None:
    late = datetime(2026, 11, 3, 23, 30, tzinfo=TZ)
    acts = [act("C1", "A", ActivityKind.CHECKIN, late), act("C2", "A", ActivityKind.CHECKIN, late + timedelta(hours=1))]
    assert len(activity_awards(acts, RULES, TZ, END)) == 2
    assert len(activity_awards(acts, RULES, UTC, END)) == 1


def test_daily_caps_cut_activities_but_never_orders() -> None:
    acts = [act(f"G{i}", "A", ActivityKind.GROUP_OPEN, DAY + timedelta(minutes=i), f"G{i}") for i in range(5)]
    awards = activity_awards(acts, RULES, TZ, END) + order_awards([order("O1", "A", 100_000, DAY)], MEMBERS, RULES, END)
    capped = apply_daily_caps(awards, lambda m: 120, TZ)
    assert [a.points for a in capped if a.kind in ACTIVITY_KINDS] == [50, 50, 20]
    assert [a.points for a in capped if a.kind is AwardKind.ORDER] == [1000]
    assert apply_daily_caps(awards, lambda m: None, TZ) == awards


def test_evidence_hash_is_keccak256_of_the_utf8_id() -> None:
    assert evidence_hash("").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert evidence_hash("order:O1") != evidence_hash("refund:O1")
    assert len(evidence_hash("review:订单1")) == 32


_amounts = st.integers(100, 100_000)
_offsets = st.integers(0, 20 * 24 * 60)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.sampled_from("AB"), _amounts, _offsets), min_size=0, max_size=8),
       st.sampled_from("AB"), _amounts, _offsets, st.integers(0, 5 * 24 * 60))
def test_a_refunded_order_ends_up_as_if_it_was_never_placed(others, buyer, cents, paid, delay) -> None:
    base = [order(f"O{i}", m, c, DAY + timedelta(minutes=t)) for i, (m, c, t) in enumerate(others)]
    refunded = order("X", buyer, cents, DAY + timedelta(minutes=paid), DAY + timedelta(minutes=paid + delay))
    with_refund = net(order_awards([*base, refunded], MEMBERS, RULES, END))
    never = net(order_awards(base, MEMBERS, RULES, END))
    assert {m: p for m, p in with_refund.items() if p} == {m: p for m, p in never.items() if p}


@settings(max_examples=40)
@given(st.lists(st.tuples(st.sampled_from(list(ActivityKind)), _offsets, st.sampled_from(["O1", "O2", "G1"])),
                max_size=25))
def test_awarding_twice_the_same_evidence_changes_nothing(events) -> None:
    acts = [act(f"A{i}", "A", k, DAY + timedelta(minutes=t), ref) for i, (k, t, ref) in enumerate(events)]
    once = activity_awards(acts, RULES, TZ, END)
    replayed = activity_awards(acts + [act(f"again-{a.activity_id}", a.member_id, a.kind, a.at, a.ref)
                                       for a in acts if a.kind is not ActivityKind.SHARE], RULES, TZ, END)
    assert net(once) == net(replayed)
    assert len({a.evidence_id for a in once}) == len(once)


def test_only_a_busy_day_is_cut_however_many_quiet_days_add_up() -> None:
    acts = [act(f"C{d}", "A", ActivityKind.CHECKIN, DAY + timedelta(days=d)) for d in range(30)]
    acts += [act(f"G{i}", "A", ActivityKind.GROUP_OPEN, DAY + timedelta(minutes=10 + i), f"G{i}") for i in range(3)]
    capped = apply_daily_caps(activity_awards(acts, RULES, TZ, END), lambda m: 100, TZ)
    assert sum(a.points for a in capped) == 100 + 29 * 10      # day one: 10 + 3 x 50 cut to 100
    assert [a.points for a in capped if a.kind is AwardKind.GROUP_OPEN] == [50, 40]
