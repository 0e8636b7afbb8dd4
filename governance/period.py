"""Settlement periods: one calendar month `YYYY-MM` in the co-op's own timezone.

A period is half-open, [start, end): an order paid at 00:00 on the 1st local time belongs to the new month,
whatever offset the exporting till wrote.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from governance.errors import BadInput

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


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
            raise BadInput(f"bad period {text!r}: write it as YYYY-MM, e.g. 2026-11")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, when: datetime, tz: tzinfo) -> Period:
        local = when.astimezone(tz)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def start(self, tz: tzinfo) -> datetime:
        """First instant of the month, local midnight on the 1st."""
        return datetime(self.year, self.month, 1, tzinfo=tz)

    def end(self, tz: tzinfo) -> datetime:
        """First instant of the next month (exclusive end)."""
        return self.next().start(tz)

    def contains(self, when: datetime, tz: tzinfo) -> bool:
        return self.start(tz) <= when < self.end(tz)
