"""Settlement periods: one calendar month `YYYY-MM` in the co-op's own timezone.

A period is half-open, [start, end): an order paid at 00:00 on the 1st local time belongs to the new month,
whatever offset the exporting till wrote. Periods are parsed within `governance.bounds` (years 2000..2100).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, time, timedelta, tzinfo, UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from governance.bounds import OutOfBounds, check_period_year
from governance.errors import BadInput

_PERIOD = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])\Z")  # ASCII digits only: \d also matches other scripts


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA zone such as `Asia/Shanghai`; the co-op's calendar days and months are counted in it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadInput(f"unknown timezone {name!r}: use an IANA name such as 'Asia/Shanghai'") from exc


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A calendar month; compares and sorts chronologically."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text.strip())
        if match is None:
            raise BadInput(f"bad period {text[:40]!r}: write it as YYYY-MM, e.g. 2026-11")
        try:
            year = check_period_year(int(match.group(1)))
        except OutOfBounds as exc:
            raise BadInput(f"bad period {text!r}: {exc}") from None
        return cls(year, int(match.group(2)))

    @classmethod
    def containing(cls, when: datetime, tz: tzinfo) -> Period:
        """The month of an aware time; consecutive calls in the same month skip the local conversion."""
        last = _last_found.get(tz)
        if last is not None and last[0] <= when < last[1]:
            return last[2]
        local = when.astimezone(tz)
        found = cls(local.year, local.month)
        _last_found[tz] = (found.start(tz), found.end(tz), found)
        return found

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def start(self, tz: tzinfo) -> datetime:
        """First instant of the month, local midnight on the 1st (as a UTC datetime)."""
        return _midnight_on_the_first(self.year, self.month, tz)

    def end(self, tz: tzinfo) -> datetime:
        """First instant of the next month (exclusive end)."""
        return self.next().start(tz)

    def contains(self, when: datetime, tz: tzinfo) -> bool:
        return self.start(tz) <= when < self.end(tz)

    def day_starts(self, tz: tzinfo) -> list[datetime]:
        """Local midnight of each day of the month, then the month's end: `bisect_right(starts, t) - 1`
        is the 0-based day of `t`, much cheaper than converting every timestamp to local time."""
        first, after = date(self.year, self.month, 1), date(self.next().year, self.next().month, 1)
        days = [datetime.combine(first + timedelta(days=d), time(), tzinfo=tz).astimezone(UTC)
                for d in range((after - first).days)]
        return [*days, self.end(tz)]


_last_found: dict[tzinfo, tuple[datetime, datetime, Period]] = {}


@lru_cache(maxsize=1024)
def _midnight_on_the_first(year: int, month: int, tz: tzinfo) -> datetime:
    """In UTC, like every loaded time: comparing datetimes with the same tzinfo skips two utcoffset()
    calls, which matters once per order. Cached for the same reason."""
    return datetime(year, month, 1, tzinfo=tz).astimezone(UTC)


class LocalDays:
    """Which local calendar day an aware time falls on, without converting every time to local time:
    bisecting the UTC instants of local midnights costs a fraction of `astimezone(tz).date()`."""

    def __init__(self, tz: tzinfo, first: datetime, last: datetime) -> None:
        start = first.astimezone(tz).date() - timedelta(days=1)
        span = (last.astimezone(tz).date() - start).days + 2
        midnights = [datetime.combine(start + timedelta(days=d), time(), tzinfo=tz).astimezone(UTC)
                     for d in range(span + 1)]
        low, high, base = midnights[0], midnights[-1], start.toordinal() - 1

        def ordinal(when: datetime) -> int:
            """`date.toordinal()` of the local day of `when` (a closure: it runs once per activity)."""
            if low <= when < high:
                return base + bisect_right(midnights, when)
            return when.astimezone(tz).date().toordinal()

        self.ordinal = ordinal
