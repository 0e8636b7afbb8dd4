"""Achievements (成就) as data: each `[[achievements]]` entry of the rules is earned the moment its metric
first reaches its threshold (docs/mechanisms.md "Gamification"); they can be minted as soulbound badges.

Metrics, all from real records known before `until`: `paid_orders` (orders not refunded), `groups_opened`
(distinct groups), `checkin_streak` (consecutive local days with a check-in), `reviews` (distinct
reviewed orders).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from governance.loading import CoopData
from governance.models import ActivityKind, MemberId
from governance.rules import Achievement


@dataclass(frozen=True, slots=True)
class Earned:
    member_id: MemberId
    achievement_id: str
    at: datetime


def earned(data: CoopData, achievements: Iterable[Achievement], tz: tzinfo, until: datetime) -> list[Earned]:
    """Every achievement earned before `until`, in the order they were earned."""
    progress = _progress(data, tz, until)
    out = [Earned(member, a.id, times[a.threshold - 1])
           for a in achievements
           for member, times in progress[a.metric].items() if len(times) >= a.threshold]
    return sorted(out, key=lambda e: (e.at, e.member_id, e.achievement_id))


def _progress(data: CoopData, tz: tzinfo, until: datetime) -> dict[str, dict[MemberId, list[datetime]]]:
    """Per metric and member, `times[k - 1]` = when the metric first reached k."""
    orders: dict[MemberId, list[datetime]] = defaultdict(list)
    for order in data.orders:
        if order.paid_at < until and (order.refunded_at is None or order.refunded_at >= until):
            orders[order.member_id].append(order.paid_at)
    firsts: dict[str, dict[tuple[MemberId, str], datetime]] = {"group_open": {}, "review": {}}
    checkins: dict[MemberId, list[datetime]] = defaultdict(list)
    for a in sorted((a for a in data.activities if a.at < until), key=lambda a: (a.at, a.activity_id)):
        if a.kind is ActivityKind.CHECKIN:
            checkins[a.member_id].append(a.at)
        elif a.kind in (ActivityKind.GROUP_OPEN, ActivityKind.REVIEW):
            firsts[a.kind.value].setdefault((a.member_id, a.ref or a.activity_id), a.at)
    return {
        "paid_orders": {m: sorted(times) for m, times in orders.items()},
        "groups_opened": _per_member(firsts["group_open"]),
        "reviews": _per_member(firsts["review"]),
        "checkin_streak": {m: _streak_times(times, tz) for m, times in checkins.items()},
    }


def _per_member(first_times: dict[tuple[MemberId, str], datetime]) -> dict[MemberId, list[datetime]]:
    out: dict[MemberId, list[datetime]] = defaultdict(list)
    for (member, _), at in sorted(first_times.items(), key=lambda item: item[1]):
        out[member].append(at)
    return dict(out)


def _streak_times(times: list[datetime], tz: tzinfo) -> list[datetime]:
    """`result[k - 1]` = the check-in that first completed a run of k consecutive local days."""
    reached: list[datetime] = []
    previous_day, run = None, 0
    for at in times:  # already in time order
        day = at.astimezone(tz).date().toordinal()
        if day == previous_day:
            continue
        run = run + 1 if previous_day is not None and day == previous_day + 1 else 1
        previous_day = day
        if run > len(reached):
            reached.append(at)
    return reached
