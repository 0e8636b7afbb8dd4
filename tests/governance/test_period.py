"""Periods: YYYY-MM months in the co-op's timezone, half-open."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC
from zoneinfo import ZoneInfo

import pytest

from governance.errors import BadInput
from governance.period import Period, parse_timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_parse_and_print() -> None:
    assert Period.parse("2026-11") == Period(2026, 11)
    assert str(Period(2026, 1)) == "2026-01"


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-11", "2026/11", "2026-00", ""])
def test_bad_periods_say_how_to_write_them(text: str) -> None:
    with pytest.raises(BadInput, match="YYYY-MM"):
        Period.parse(text)


def test_start_end_are_local_midnights_and_the_end_is_exclusive() -> None:
    nov = Period(2026, 11)
    assert nov.start(SHANGHAI) == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert nov.end(SHANGHAI) == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert nov.contains(datetime(2026, 10, 31, 16, tzinfo=UTC), SHANGHAI)
    assert not nov.contains(datetime(2026, 11, 30, 16, tzinfo=UTC), SHANGHAI)
    assert nov.contains(nov.end(SHANGHAI) - timedelta(microseconds=1), SHANGHAI)


def test_the_same_instant_is_in_different_months_in_different_zones() -> None:
    instant = datetime(2026, 11, 30, 17, tzinfo=UTC)
    assert Period.containing(instant, SHANGHAI) == Period(2026, 12)
    assert Period.containing(instant, UTC) == Period(2026, 11)


def test_next_previous_and_order_across_years() -> None:
    assert Period(2026, 12).next() == Period(2027, 1)
    assert Period(2027, 1).previous() == Period(2026, 12)
    assert sorted([Period(2027, 1), Period(2026, 12), Period(2026, 2)]) == [
        Period(2026, 2), Period(2026, 12), Period(2027, 1)]


def test_unknown_timezone() -> None:
    with pytest.raises(BadInput, match="IANA"):
        parse_timezone("China/Beijing")


@pytest.mark.parametrize("text", ["0000-01", "0001-01", "1999-12", "2101-01", "9999-12"])
def test_periods_outside_2000_to_2100_name_the_bound(text: str) -> None:
    with pytest.raises(BadInput, match=r"is outside the bound 2000\.\.2100"):
        Period.parse(text)


@pytest.mark.parametrize("text", ["10000-01", "٢٠٢٦-11", "2026-11\n", "2026-11x"])
def test_only_four_ascii_digits_make_a_year(text: str) -> None:
    if text.strip() == "2026-11":
        assert Period.parse(text) == Period(2026, 11)
        return
    with pytest.raises(BadInput, match="YYYY-MM"):
        Period.parse(text)


def test_the_edge_periods_have_a_start_and_an_end() -> None:
    first, last = Period.parse("2000-01"), Period.parse("2100-12")
    assert first.start(SHANGHAI) < last.end(SHANGHAI) == datetime(2100, 12, 31, 16, tzinfo=UTC)
