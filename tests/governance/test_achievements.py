"""Achievements as data: first order, groups opened, check-in streaks, reviews."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from governance.achievements import earned
from governance.loading import CoopData
from governance.models import Activity, ActivityKind, Member, MemberId, Order, OrderStatus
from governance.rules import Achievement, Rules

TZ = ZoneInfo("Asia/Shanghai")
A = MemberId("A")
MEMBERS = {A: Member(A, "0x" + "0" * 40, None, datetime(2026, 1, 1, tzinfo=TZ))}
END = datetime(2027, 1, 1, tzinfo=TZ)


def t(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=TZ)


def checkin(i: int, at: datetime) -> Activity:
    return Activity(f"c{i}", A, ActivityKind.CHECKIN, at, None, None)


def ids(data: CoopData, achievements=Rules().achievements, until=END) -> list[tuple[str, datetime]]:
    return [(e.achievement_id, e.at) for e in earned(data, achievements, TZ, until)]


def test_first_order_ignores_a_refunded_order() -> None:
    orders = (Order("1", A, 100, t(1), OrderStatus.REFUNDED, t(2), "P", None),
              Order("2", A, 100, t(3), OrderStatus.PAID, None, "P", None))
    assert ids(CoopData(MEMBERS, orders, ())) == [("first_order", t(3))]


def test_streaks_need_consecutive_local_days_and_are_earned_on_the_completing_day() -> None:
    days = [1, 2, 2, 4, 5, 6, 7, 8, 9, 10]
    acts = tuple(checkin(i, t(d, 8 + i)) for i, d in enumerate(days))
    result = ids(CoopData(MEMBERS, (), acts))
    assert ("streak_3", t(6, 13)) in result and ("streak_7", t(10, 17)) in result
    assert not any(name == "streak_14" for name, _ in result)


def test_streak_days_are_local_days() -> None:
    acts = (checkin(0, datetime(2026, 11, 1, 23, 30, tzinfo=TZ)), checkin(1, datetime(2026, 11, 2, 0, 30, tzinfo=TZ)),
            checkin(2, datetime(2026, 11, 3, 0, 30, tzinfo=TZ)))
    assert [n for n, _ in ids(CoopData(MEMBERS, (), acts))] == ["streak_3"]


def test_groups_and_reviews_count_distinct_refs_and_thresholds_are_data() -> None:
    acts = tuple(Activity(f"g{i}", A, ActivityKind.GROUP_OPEN, t(1) + timedelta(hours=i), f"G{i % 3}", None)
                 for i in range(6))
    acts += tuple(Activity(f"r{i}", A, ActivityKind.REVIEW, t(2) + timedelta(hours=i), f"O{i}", 1) for i in range(2))
    custom = (Achievement("groups_3", "3 groups", "groups_opened", 3),
              Achievement("reviews_2", "2 reviews", "reviews", 2),
              Achievement("groups_4", "4 groups", "groups_opened", 4))
    assert ids(CoopData(MEMBERS, (), acts), custom) == [("groups_3", t(1) + timedelta(hours=2)),
                                                        ("reviews_2", t(2) + timedelta(hours=1))]


def test_nothing_after_until_counts() -> None:
    orders = (Order("1", A, 100, t(3), OrderStatus.PAID, None, "P", None),)
    assert ids(CoopData(MEMBERS, orders, ()), until=t(2)) == []
