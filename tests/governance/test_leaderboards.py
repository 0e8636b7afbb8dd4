"""Leaderboards: windows in local time, refunds excluded, ties to whoever got there first."""
from __future__ import annotations

from datetime import datetime, UTC
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from governance.errors import BadInput
from governance.leaderboards import leaderboard, window_bounds
from governance.loading import CoopData
from governance.models import Activity, ActivityKind, Member, MemberId, Order, OrderStatus

TZ = ZoneInfo("Asia/Shanghai")
JOINED = datetime(2026, 1, 1, tzinfo=TZ)


def t(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=TZ)


def member(m: str, referrer: str | None = None) -> Member:
    return Member(MemberId(m), "0x" + "0" * 40, MemberId(referrer) if referrer else None, JOINED)


def order(oid: str, m: str, cents: int, at: datetime, refunded: datetime | None = None) -> Order:
    status = OrderStatus.REFUNDED if refunded else OrderStatus.PAID
    return Order(oid, MemberId(m), cents, at, status, refunded, "P", None)


def coop(orders, activities=(), members=None) -> CoopData:
    members = members or [member(m) for m in "ABCD"]
    return CoopData({m.member_id: m for m in members}, tuple(orders), tuple(activities))


def test_window_bounds_are_local_day_iso_week_month_and_year() -> None:
    at = datetime(2026, 11, 4, 23, 30, tzinfo=TZ)  # a Wednesday
    utc = UTC
    assert window_bounds("day", at, TZ) == (datetime(2026, 11, 3, 16, tzinfo=utc),
                                            datetime(2026, 11, 4, 16, tzinfo=utc))
    assert window_bounds("week", at, TZ)[0] == datetime(2026, 11, 1, 16, tzinfo=utc)  # Monday 2 Nov local
    assert window_bounds("month", at, TZ) == (datetime(2026, 10, 31, 16, tzinfo=utc),
                                              datetime(2026, 11, 30, 16, tzinfo=utc))
    assert window_bounds("month", datetime(2026, 12, 5, tzinfo=TZ), TZ)[1] == datetime(2026, 12, 31, 16, tzinfo=utc)
    assert window_bounds("year", at, TZ)[1] == datetime(2026, 12, 31, 16, tzinfo=utc)
    with pytest.raises(BadInput, match="window"):
        window_bounds("fortnight", at, TZ)


def test_sales_exclude_refunds_and_ties_go_to_who_got_there_first() -> None:
    data = coop([order("1", "A", 5000, t(3)), order("2", "B", 3000, t(2)), order("3", "B", 2000, t(4)),
                 order("4", "C", 9000, t(5), refunded=t(6)), order("5", "D", 5000, t(1))])
    board = leaderboard(data, "sales", "month", t(10), TZ)
    assert [(e.rank, e.member_id, e.value) for e in board] == [(1, "D", 5000), (2, "A", 5000), (3, "B", 5000)]
    assert board[0].reached_at == t(1)


def test_a_refund_after_as_of_is_not_known_yet() -> None:
    data = coop([order("4", "C", 9000, t(5), refunded=t(20))])
    assert leaderboard(data, "sales", "month", t(10), TZ, as_of=t(10))[0].member_id == "C"
    assert leaderboard(data, "sales", "month", t(10), TZ) == []


def test_order_count_by_day_only_counts_that_local_day() -> None:
    data = coop([order("1", "A", 100, t(3, 23)), order("2", "A", 100, t(4, 1)), order("3", "B", 100, t(4, 2))])
    board = leaderboard(data, "orders", "day", t(4, 12), TZ)
    assert [(e.member_id, e.value) for e in board] == [("A", 1), ("B", 1)]


def test_new_customers_count_friends_whose_first_paid_order_is_in_the_window() -> None:
    members = [member("A"), member("B", "A"), member("C", "A"), member("D", "B")]
    data = coop([order("1", "B", 100, t(2)), order("2", "B", 100, t(12)),
                 order("3", "C", 100, datetime(2026, 10, 30, tzinfo=TZ)), order("4", "D", 100, t(3), refunded=t(4))],
                members=members)
    board = leaderboard(data, "new_customers", "month", t(10), TZ)
    assert [(e.member_id, e.value) for e in board] == [("A", 1)]


def test_review_rate_is_an_exact_fraction_of_the_members_paid_orders() -> None:
    orders = [order("1", "A", 100, t(2)), order("2", "A", 100, t(3)), order("3", "A", 100, t(4)),
              order("4", "B", 100, t(2))]
    acts = [Activity("r1", MemberId("A"), ActivityKind.REVIEW, t(5), "1", 1),
            Activity("r2", MemberId("A"), ActivityKind.REVIEW, t(6), "1", 5),
            Activity("r3", MemberId("B"), ActivityKind.REVIEW, t(7), "4", 2)]
    board = leaderboard(coop(orders, acts), "review_rate", "month", t(10), TZ)
    assert [(e.member_id, e.value) for e in board] == [("B", Fraction(1)), ("A", Fraction(1, 3))]


def test_size_limits_the_board_and_unknown_metrics_are_refused() -> None:
    data = coop([order(str(i), m, 100 * (i + 1), t(2)) for i, m in enumerate("ABCD")])
    assert [e.member_id for e in leaderboard(data, "sales", "month", t(10), TZ, size=2)] == ["D", "C"]
    with pytest.raises(BadInput, match="metric"):
        leaderboard(data, "likes", "month", t(10), TZ)
