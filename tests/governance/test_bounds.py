"""governance.bounds: the bounds match the contracts and the database, the checks accept exactly the bounded
range, times never overflow, and the month close refuses totals the contracts cannot hold."""
from __future__ import annotations

import dataclasses
import re
import typing
from datetime import datetime, timedelta, timezone, UTC
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance import bounds, commission, pool
from governance.bounds import (
    END, EARLIEST, INT64_MAX, MAX_ORDER_CENTS, OutOfBounds, ROWS_BOUND, RULE_INT_BOUNDS, UINT208_MAX, UINT256_MAX,
    check_month_totals, check_order_cents, check_time,
)
from governance.errors import BadInput
from governance.loading import CoopData
from governance.models import Cents, Member, MemberId, Order, OrderStatus
from governance.month import close_month
from governance.period import Period
from governance.rules import Rules

ROOT = Path(__file__).resolve().parents[2]
HUGE = st.one_of(st.integers(), st.integers(min_value=-(2**300), max_value=2**300))


def _solidity_constant(name: str) -> int:
    source = (ROOT / "contracts" / "RuleBook.sol").read_text(encoding="utf-8")
    value = re.search(rf"uint256 public constant {name} = ([^;]+);", source).group(1)  # type: ignore[union-attr]
    return 2**64 - 1 if value == "type(uint64).max" else int(value)


@pytest.mark.parametrize("name", ["MAX_COMMISSION_TOTAL_BPS", "MIN_POOL_RATE_BPS", "MAX_POOL_RATE_BPS",
                                  "MAX_GMV_TARGET_CENTS"])
def test_rulebook_bounds_are_the_solidity_constants(name: str) -> None:
    assert getattr(bounds, name) == _solidity_constant(name)


def test_the_engine_modules_agree_with_the_bounds() -> None:
    assert commission.MAX_TOTAL_BPS == bounds.MAX_COMMISSION_TOTAL_BPS
    assert (pool.MIN_RATE_BPS, pool.MAX_RATE_BPS) == (bounds.MIN_POOL_RATE_BPS, bounds.MAX_POOL_RATE_BPS)


def test_no_sum_of_bounded_orders_overflows_bigint() -> None:
    assert ROWS_BOUND * MAX_ORDER_CENTS <= INT64_MAX


@given(HUGE)
def test_order_amounts_are_accepted_exactly_within_1_to_the_bound(cents: int) -> None:
    if 1 <= cents <= MAX_ORDER_CENTS:
        assert check_order_cents(cents) == cents
    else:
        with pytest.raises(OutOfBounds):
            check_order_cents(cents)


def test_an_amount_above_the_bound_names_it_in_yuan() -> None:
    with pytest.raises(OutOfBounds, match=r"^4611686018427387904 is above the bound 1000000000 "
                                          r"\(¥10,000,000.00 per order\)$"):
        check_order_cents(2**62)
    with pytest.raises(OutOfBounds, match="a number of 78 digits is above the bound"):
        check_order_cents(2**256)


OFFSETS = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda m: timezone(timedelta(minutes=m)))


@settings(max_examples=300)
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)), OFFSETS)
def test_any_time_is_in_range_in_utc_or_out_of_bounds_never_an_overflow(naive: datetime, offset: timezone
                                                                         ) -> None:
    when = naive.replace(tzinfo=offset)
    try:
        utc = check_time(when)
    except OutOfBounds:
        assert not (EARLIEST <= when < END)
    else:
        assert utc == when and utc.tzinfo is UTC and EARLIEST <= utc < END


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                  "1999-12-31T23:59:59+00:00", "2101-01-01T00:00:00+00:00",
                                  "2100-12-31T23:00:00-12:00"])
def test_times_outside_2000_to_2100_are_out_of_bounds(text: str) -> None:
    with pytest.raises(OutOfBounds, match="outside the bound"):
        check_time(datetime.fromisoformat(text))


def test_the_edges_of_the_time_range() -> None:
    assert check_time(datetime.fromisoformat("2000-01-01T08:00:00+08:00")) == EARLIEST
    assert check_time(datetime.fromisoformat("2100-12-31T23:59:59+00:00")) == END - timedelta(seconds=1)


def _int_keys(cls: type, where: str = "") -> set[str]:
    """Every whole-number key of the rules tree, list indices dropped (the form RULE_INT_BOUNDS uses)."""
    keys: set[str] = set()
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint, key = hints[f.name], f"{where}.{f.name}" if where else f.name
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = args[0] if args else hint
        if dataclasses.is_dataclass(inner):
            keys |= _int_keys(inner, key)  # type: ignore[arg-type]
        elif inner is int:
            keys.add(key)
    return keys


def test_every_whole_number_of_the_rules_file_has_a_bound() -> None:
    assert _int_keys(Rules) == set(RULE_INT_BOUNDS)


def test_the_default_rules_are_within_their_bounds() -> None:
    rules = Rules()
    for key, (low, high, _) in RULE_INT_BOUNDS.items():
        section, _, name = key.partition(".")
        holders = getattr(rules, section)
        if "." in name:
            sub, name = name.split(".")
            holders = getattr(holders, sub)
        for holder in holders if isinstance(holders, tuple) else (holders,):
            value = getattr(holder, name)
            for v in value if isinstance(value, tuple) else (value,):
                assert v is None or low <= v <= high, key


TOTALS = dict(gmv_cents=10**9, pool_cents=2 * 10**7, target_cents=10**8, pool_rate_bps=200, member_count=30,
              points_minted=10**6)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("gmv_cents", UINT256_MAX + 1,
     re.escape("month total gmv_cents: a number of 78 digits is above the bound 2^256−1")),
    ("pool_cents", UINT256_MAX + 1, "month total pool_cents"),
    ("target_cents", 0, "month total target_cents: 0 is below the bound 1"),
    ("target_cents", 2**64,
     re.escape("month total target_cents: 18446744073709551616 is above the bound 2^64−1")),
    ("pool_rate_bps", 301, "month total pool_rate_bps"),
    ("points_minted", UINT208_MAX + 1, "uint208"),
])
def test_month_totals_beyond_the_contract_fields_are_refused(field: str, value: int, message: str) -> None:
    check_month_totals(**TOTALS)
    with pytest.raises(OutOfBounds, match=message) as refused:
        check_month_totals(**{**TOTALS, field: value})
    assert str(refused.value).endswith("nothing was sent")


def test_the_month_close_refuses_a_gmv_above_uint256() -> None:
    """Orders built in memory (the loaders would refuse them) reach the month close's own check."""
    tz = timezone(timedelta(hours=8))
    paid = datetime(2026, 11, 3, 10, tzinfo=tz).astimezone(UTC)
    alice = Member(MemberId("m1"), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", None, paid - timedelta(days=30))
    half = Cents(2**255)
    orders = tuple(Order(f"o{i}", alice.member_id, half, paid, OrderStatus.PAID, None, "rice", None) for i in range(2))
    data = CoopData({alice.member_id: alice}, orders, ())
    with pytest.raises(BadInput, match=re.escape("month total gmv_cents: a number of 78 digits is above the bound")):
        close_month(Period(2026, 11), data, Rules())
