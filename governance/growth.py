"""Awards and levels month by month, from the first month with any evidence up to a given period.

The two depend on each other in one direction only: a day's activity points are capped by the member's
level at the previous month end, and that level depends only on earlier awards. Walking the months in
order therefore gives one deterministic answer for every month, however much later data the files hold.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain

from governance.levels import START, LevelState, step_level
from governance.loading import CoopData
from governance.models import MemberId
from governance.period import Period
from governance.points import Award, activity_awards, apply_daily_caps, order_awards
from governance.rules import Rules


@dataclass(frozen=True, slots=True)
class Growth:
    """Capped awards per month, net points per member per month, and each member's level state at each
    month end (absent = `START`)."""

    awards: dict[Period, list[Award]]
    points: dict[Period, dict[MemberId, int]]
    levels: dict[Period, dict[MemberId, LevelState]]

    def awards_in(self, period: Period) -> list[Award]:
        return self.awards.get(period, [])

    def points_in(self, period: Period) -> dict[MemberId, int]:
        return self.points.get(period, {})

    def level(self, period: Period, member_id: MemberId) -> LevelState:
        return self.levels.get(period, {}).get(member_id, START)


def grow(data: CoopData, rules: Rules, until: Period) -> Growth:
    """Every award made before the end of `until`, with daily caps, and the level states month by month."""
    tz = rules.coop.tz
    end = until.end(tz)
    uncapped = order_awards(data.orders, data.members, rules.points, end)
    activities = activity_awards(data.activities, rules.points, tz, end)
    first = min(chain((a.at for a in activities[:1]), (a.at for a in uncapped)), default=None)
    periods = _periods(Period.containing(first, tz) if first is not None else until, until)
    ends = [p.end(tz) for p in periods]
    buckets = _by_period(uncapped, ends)      # orders, refunds, invites: never capped
    pending = _by_period(activities, ends)    # in time order, capped month by month below
    window = timedelta(days=rules.levels.window_days)
    tiers = rules.levels.tiers
    sums: list[dict[MemberId, int]] = []
    states: dict[MemberId, LevelState] = {}
    awards: dict[Period, list[Award]] = {}
    levels: dict[Period, dict[MemberId, LevelState]] = {}
    for i, period in enumerate(periods):
        prior = states
        # called before the loop moves on, so `prior` is this period's
        capped = apply_daily_caps(pending[i], lambda m: tiers[prior.get(m, START).tier].daily_cap, tz)  # noqa: B023
        buckets[i].extend(capped)
        period_sum: dict[MemberId, int] = defaultdict(int)
        for member_id, points, *_ in buckets[i]:  # unpacking beats attribute access on 2M named tuples
            period_sum[member_id] += points
        sums.append(period_sum)
        growth = _window_growth(periods[: i + 1], buckets, sums, ends[i] - window, tz)
        states = {m: s for m in {*growth, *states}
                  if (s := step_level(states.get(m, START), growth.get(m, 0), rules.levels)) != START}
        awards[period] = buckets[i]
        levels[period] = states
    return Growth(awards, dict(zip(periods, sums, strict=True)), levels)


def _window_growth(periods: list[Period], buckets: list[list[Award]], sums: list[dict[MemberId, int]],
                   since: datetime, tz) -> dict[MemberId, int]:
    """Points per member from awards at or after `since` (up to the last period's end)."""
    growth: dict[MemberId, int] = defaultdict(int)
    for period, bucket, period_sum in zip(periods, buckets, sums, strict=False):  # buckets run ahead of periods
        if period.end(tz) <= since:
            continue
        if period.start(tz) >= since:
            for member_id, points in period_sum.items():
                growth[member_id] += points
        else:
            for award in bucket:
                if award.at >= since:
                    growth[award.member_id] += award.points
    return growth


def _by_period(awards: list[Award], ends: list[datetime]) -> list[list[Award]]:
    """Awards split by month (keeping their order); all awards are before the last end."""
    if len(ends) == 1:
        return [awards]
    buckets: list[list[Award]] = [[] for _ in ends]
    for award in awards:
        buckets[bisect_right(ends, award.at)].append(award)
    return buckets


def _periods(first: Period, last: Period) -> list[Period]:
    out = [min(first, last)]
    while out[-1] < last:
        out.append(out[-1].next())
    return out
