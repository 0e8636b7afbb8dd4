"""Leaderboards (排行榜) by day, week, month or year, from real data only (docs/mechanisms.md "Gamification").

Refunded orders never count (a refund known by `as_of` removes the order). Ties go to whoever reached
the value first, then to the smaller member id, so every rank is distinct and reproducible. Members with
nothing to show are left out: a board is never padded.

Metrics: `sales` (own paid cents), `orders` (own paid orders), `new_customers` (invited friends whose
first paid order fell in the window), `review_rate` (share of the member's paid orders in the window that
they reviewed, an exact fraction).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo, UTC
from fractions import Fraction

from governance.errors import BadInput
from governance.loading import CoopData
from governance.models import ActivityKind, MemberId, Order
from governance.rules import METRICS, WINDOWS


@dataclass(frozen=True, slots=True)
class Entry:
    rank: int
    member_id: MemberId
    value: int | Fraction
    reached_at: datetime


def window_bounds(window: str, at: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The local day, ISO week (Monday first), month or year containing `at`, as a UTC [start, end)."""
    day = at.astimezone(tz).date()
    if window == "day":
        first, after = day, day + timedelta(days=1)
    elif window == "week":
        first = day - timedelta(days=day.weekday())
        after = first + timedelta(days=7)
    elif window == "month":
        first = day.replace(day=1)
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    elif window == "year":
        first, after = date(day.year, 1, 1), date(day.year + 1, 1, 1)
    else:
        raise BadInput(f"unknown window {window!r}: use one of {', '.join(WINDOWS)}")
    return _utc_midnight(first, tz), _utc_midnight(after, tz)


def leaderboard(data: CoopData, metric: str, window: str, at: datetime, tz: tzinfo, size: int = 10,
                as_of: datetime | None = None) -> list[Entry]:
    """The top `size` members for `metric` in the `window` containing `at`; refunds known by `as_of`
    (default: the window's end) are excluded."""
    if metric not in _METRICS:
        raise BadInput(f"unknown metric {metric!r}: use one of {', '.join(METRICS)}")
    start, end = window_bounds(window, at, tz)
    known = end if as_of is None else as_of
    live = [o for o in data.orders if o.refunded_at is None or o.refunded_at >= known]
    scores = _METRICS[metric](data, live, start, end)
    ranked = sorted(scores.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
    return [Entry(rank, member, value, reached) for rank, (member, (value, reached)) in enumerate(ranked[:size], 1)]


Scores = dict[MemberId, tuple[int | Fraction, datetime]]


def _sales(data: CoopData, live: list[Order], start: datetime, end: datetime) -> Scores:
    return _sum_orders(live, start, end, lambda o: o.amount_cents)


def _orders(data: CoopData, live: list[Order], start: datetime, end: datetime) -> Scores:
    return _sum_orders(live, start, end, lambda o: 1)


def _new_customers(data: CoopData, live: list[Order], start: datetime, end: datetime) -> Scores:
    first: dict[MemberId, datetime] = {}
    for order in live:
        if order.member_id not in first or order.paid_at < first[order.member_id]:
            first[order.member_id] = order.paid_at
    scores: Scores = {}
    for friend, paid_at in first.items():
        referrer = data.members[friend].referrer_id
        if referrer is not None and start <= paid_at < end:
            count, reached = scores.get(referrer, (0, paid_at))
            scores[referrer] = (count + 1, max(reached, paid_at))
    return scores


def _review_rate(data: CoopData, live: list[Order], start: datetime, end: datetime) -> Scores:
    in_window = {o.order_id: o for o in live if start <= o.paid_at < end}
    reviewed: dict[str, datetime] = {}
    for a in data.activities:
        if a.kind is ActivityKind.REVIEW and a.ref in in_window and a.at < end:
            reviewed[a.ref] = min(a.at, reviewed.get(a.ref, a.at))
    counts: dict[MemberId, list] = defaultdict(lambda: [0, 0, datetime.min.replace(tzinfo=UTC)])
    for order_id, order in in_window.items():
        row = counts[order.member_id]
        row[1] += 1
        row[2] = max(row[2], order.paid_at)
        if order_id in reviewed:
            row[0] += 1
            row[2] = max(row[2], reviewed[order_id])
    return {m: (Fraction(done, total), reached) for m, (done, total, reached) in counts.items() if done}


def _sum_orders(live: Iterable[Order], start: datetime, end: datetime, value: Callable[[Order], int]) -> Scores:
    totals: dict[MemberId, int] = defaultdict(int)
    reached: dict[MemberId, datetime] = {}
    for order in live:
        if start <= order.paid_at < end:
            totals[order.member_id] += value(order)
            reached[order.member_id] = max(order.paid_at, reached.get(order.member_id, order.paid_at))
    return {m: (v, reached[m]) for m, v in totals.items()}


_METRICS: dict[str, Callable[[CoopData, list[Order], datetime, datetime], Scores]] = {
    "sales": _sales, "orders": _orders, "new_customers": _new_customers, "review_rate": _review_rate,
}


def _utc_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
