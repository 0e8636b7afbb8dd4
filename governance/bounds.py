"""Every numeric, date and length bound of the data Linli takes in, in one place, with its reason.

Python's integers and strings have no size, but what they flow into does: the mirror sums order amounts in
BIGINT (SQLite and PostgreSQL: at most 2^63−1), the contracts take uint16/uint32/uint64/uint208/uint256
values, `datetime` spans years 1..9999 only, and the csv module caps a field. A value outside these bounds
used to surface later as a 500, an OverflowError or a revert; the loaders, the rules file, period parsing
and the month close check them here first, so a violation is one line naming the value and the bound.

The checks raise `OutOfBounds` (a `BadInput`); callers add the file, line and field (or the rules key).
"""
from __future__ import annotations

import re
from datetime import datetime, UTC

from governance.errors import BadInput

INT64_MAX = 2**63 - 1
"""SQL BIGINT (SQLite INTEGER, PostgreSQL bigint): the width of the mirror's `SUM(amount_cents)`."""
UINT16_MAX = 2**16 - 1
"""RuleBook packs every rate (bps) into a uint16."""
UINT64_MAX = 2**64 - 1
"""RuleBook packs the GMV target into a uint64."""
UINT208_MAX = 2**208 - 1
"""ERC20Votes' maximum total supply of ContributionPoints (its checkpoints are uint208)."""
UINT256_MAX = 2**256 - 1
"""PayoutLedger.publish takes GMV, pool and member count as uint256; Merkle leaves hold uint256 cents."""

ROWS_BOUND = 10**9
"""A generous upper bound of the orders one SQL sum ever covers: 100,000 members each ordering ten times a
day for 27 years (the mirror's `all` leaderboard window sums every imported order)."""
MAX_ORDER_CENTS = 10**9
"""Largest single order: ¥10,000,000.00, far above any group-buying basket. Chosen so that
ROWS_BOUND × MAX_ORDER_CENTS = 10^18 stays below BIGINT's 2^63−1 ≈ 9.22 × 10^18: no sum the mirror computes
over real rows can overflow, whatever the window."""

# RuleBook.sol / IRuleBook.sol (the chain reverts outside these; tests read the Solidity to keep them equal)
MAX_COMMISSION_TOTAL_BPS = 3000
MIN_POOL_RATE_BPS = 100
MAX_POOL_RATE_BPS = 300
MIN_GMV_TARGET_CENTS = 1
MAX_GMV_TARGET_CENTS = UINT64_MAX
RECORD_INT_MAX = 2**53 - 1
"""The signed payout record is RFC 8785 JSON, whose numbers are exact only up to 2^53−1 (see
governance.payout_record): a rules file's monthly figures stay within it, so a file `linli rules check` passes
is one the month close can also record."""
MAX_MONTHLY_CENTS = min(MAX_GMV_TARGET_CENTS, RECORD_INT_MAX)

MIN_YEAR, MAX_YEAR = 2000, 2100
"""Data times and settlement periods. PayoutLedger takes periods 2000..9999; a century from 2000 is ample,
and a year checked before any timezone conversion keeps `astimezone` far from datetime's year 1..9999."""
EARLIEST = datetime(MIN_YEAR, 1, 1, tzinfo=UTC)
END = datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC)

MAX_ID_CHARS = 128
"""member_id, order_id, product_id, group_id, activity_id, ref: the mirror stores them as VARCHAR(128)."""
MAX_TIME_CHARS = 40
"""An ISO 8601 time with offset and microseconds has 32 characters; the mirror stores 40."""
MAX_FIELD_CHARS = 1024
"""The longest field of any kind (ids have MAX_ID_CHARS): a longer one is refused naming its column. The csv
module's own cap is MAX_LINE_CHARS, so that check, not the csv module, sees a long field."""
MAX_NUMBER_CHARS = MAX_FIELD_CHARS
"""Characters of a whole number field: below int()'s 4300-digit limit, so a huge number is still read and
refused by its value's bound (which names the bound in cents and yuan) rather than by its length."""
MAX_LINE_CHARS = 8192
"""One JSON Lines row: eight fields of at most MAX_FIELD_CHARS each."""

MAX_RULES_FILE_BYTES = 1 << 20
"""The documented rules file has 8 KiB; a megabyte leaves room for comments, not for a TOML bomb."""
MAX_RULE_TEXT_CHARS = 200
"""A rules text value (co-op name, tier or achievement name, id, timezone)."""
MAX_RULE_LIST = 64
"""Entries of a rules list (tiers, achievements, metrics)."""
MAX_POINTS_PER_ACTION = 10**6
"""Growth points per action or per yuan: ROWS_BOUND actions × MAX_ORDER_CENTS/100 yuan × 10^6 points
= 10^22, far below UINT208_MAX, so no month can mint past ERC20Votes' supply cap."""
MAX_POINTS = 10**15
"""Tier thresholds, caps and achievement thresholds: counts of points or events."""
MAX_DAYS = 3660
"""Rolling windows and half-lives: ten years keeps `now - window` inside MIN_YEAR's neighbourhood."""
MAX_LEADERBOARD_SIZE = 1000
MAX_MONTH_DAYS = 31


class OutOfBounds(BadInput):
    """A value outside its bound; the message names the value and the bound."""


def shown(value: int) -> str:
    """A number as written, a field width as 2^n−1, anything else over 40 digits by its length only."""
    if value > 2**32 and value & (value + 1) == 0:
        return f"2^{value.bit_length()}−1"
    text = str(value)
    return text if len(text) <= 40 else f"a number of {len(text.lstrip('-'))} digits"


def yuan(cents: int) -> str:
    """¥1,234.56 for a bound's explanation (display only: the bound itself stays integer cents)."""
    return f"¥{cents // 100:,}.{cents % 100:02d}"


def check_range(value: int, low: int, high: int, why: str = "") -> int:
    """`value` if low <= value <= high, else `OutOfBounds` naming the bound it broke and `why` it exists."""
    note = f" ({why})" if why else ""
    if value < low:
        raise OutOfBounds(f"{shown(value)} is below the bound {shown(low)}{note}")
    if value > high:
        raise OutOfBounds(f"{shown(value)} is above the bound {shown(high)}{note}")
    return value


def check_order_cents(cents: int) -> int:
    """An order amount: 1 .. MAX_ORDER_CENTS."""
    if cents <= 0:
        raise OutOfBounds(f"{shown(cents)} must be a whole number of cents above zero")
    return check_range(cents, 1, MAX_ORDER_CENTS, f"{yuan(MAX_ORDER_CENTS)} per order")


def check_chars(text: str, limit: int) -> str:
    """`text` if it has at most `limit` characters."""
    if len(text) > limit:
        raise OutOfBounds(f"{len(text)} characters, above the bound of {limit}")
    return text


_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ud800-\udfff]")
"""Control and format characters (NUL, line breaks, zero-width and direction marks, a BOM inside a field) and
the surrogates that undecodable bytes become under `surrogateescape`: never part of an id, time or amount,
and a way to make two ids look alike."""


def check_field(text: str, limit: int) -> str:
    """A data file's field: at most `limit` characters, none of them invisible or undecodable."""
    check_chars(text, limit)
    found = _INVISIBLE.search(text)
    if found is None:
        return text
    code, at = ord(found.group()), found.start() + 1
    if 0xDC80 <= code <= 0xDCFF:
        raise OutOfBounds(f"not UTF-8 text (byte 0x{code - 0xDC00:02x} at character {at}): save the file as UTF-8")
    raise OutOfBounds(f"invisible character U+{code:04X} at character {at}: remove it")


def check_time(when: datetime) -> datetime:
    """An aware time within [EARLIEST, END), returned in UTC. The year as written is checked first, so an
    offset can never push the conversion out of datetime's range (0001-01-01T00:00:00+14:00)."""
    if not MIN_YEAR - 1 <= when.year <= MAX_YEAR + 1:
        raise OutOfBounds(f"year {when.year} is outside the bound {MIN_YEAR}..{MAX_YEAR}")
    utc = when.astimezone(UTC)
    if not EARLIEST <= utc < END:
        raise OutOfBounds(f"{when.isoformat()} is outside the bound {EARLIEST.isoformat()} .. "
                          f"{END.isoformat()} (exclusive)")
    return utc


def check_period_year(year: int) -> int:
    """A settlement period's year."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise OutOfBounds(f"year {year} is outside the bound {MIN_YEAR}..{MAX_YEAR}")
    return year


def check_month_totals(*, gmv_cents: int, pool_cents: int, target_cents: int, pool_rate_bps: int,
                       member_count: int, points_minted: int) -> None:
    """A month report's figures fit the contract fields they are sent to; checked before anything is sent."""
    for name, value, low, high, field in (
        ("gmv_cents", gmv_cents, 0, UINT256_MAX, "PayoutLedger.publish gmvCents, uint256"),
        ("pool_cents", pool_cents, 0, UINT256_MAX, "PayoutLedger.publish poolCents, uint256"),
        ("target_cents", target_cents, MIN_GMV_TARGET_CENTS, MAX_GMV_TARGET_CENTS, "RuleBook gmvTargetCents, uint64"),
        ("pool_rate_bps", pool_rate_bps, MIN_POOL_RATE_BPS, MAX_POOL_RATE_BPS, "RuleBook pool rate"),
        ("member_count", member_count, 0, UINT256_MAX, "PayoutLedger.publish memberCount, uint256"),
        ("points minted", points_minted, 0, UINT208_MAX, "ContributionPoints supply, uint208"),
    ):
        try:
            check_range(value, low, high, field)
        except OutOfBounds as exc:
            raise OutOfBounds(f"month total {name}: {exc}; nothing was sent") from None


RULE_INT_BOUNDS: dict[str, tuple[int, int, str]] = {
    **{f"points.{key}": (0, MAX_POINTS_PER_ACTION, "points per action") for key in (
        "order_per_yuan", "review", "invite_first_order", "checkin", "share", "share_daily_max", "profile",
        "group_open")},
    "levels.window_days": (1, MAX_DAYS, "days"),
    "levels.grace_periods": (0, 120, "months"),
    "levels.tiers.threshold": (0, MAX_POINTS, "points"),
    "levels.tiers.retain": (0, MAX_POINTS, "points"),
    "levels.tiers.daily_cap": (0, MAX_POINTS, "points"),
    "decay.half_life_days": (1, MAX_DAYS, "days"),
    "commission.levels_bps": (0, MAX_COMMISSION_TOTAL_BPS, "RuleBook: both levels together at most 3000 bps"),
    "commission.repurchase_max_k": (1, 2, "two levels at most"),
    "commission.min_own_purchase_cents": (0, MAX_MONTHLY_CENTS, "a monthly figure, like the GMV target"),
    "pool.rate_bps": (MIN_POOL_RATE_BPS, MAX_POOL_RATE_BPS, "RuleBook MIN_POOL_RATE_BPS..MAX_POOL_RATE_BPS"),
    "pool.target_cents": (MIN_GMV_TARGET_CENTS, MAX_MONTHLY_CENTS,
                          "RuleBook takes up to 2^64−1; the payout record holds exact integers up to 2^53−1"),
    "pool.weight_sales_bps": (0, 10_000, "bps"),
    "pool.weight_active_bps": (0, 10_000, "bps"),
    "pool.min_own_sales_cents": (0, MAX_MONTHLY_CENTS, "a monthly figure, like the GMV target"),
    "pool.min_active_days": (0, MAX_MONTH_DAYS, "days in a month"),
    "pool.cap_cents": (1, MAX_MONTHLY_CENTS, "a monthly figure, like the GMV target"),
    "leaderboards.size": (1, MAX_LEADERBOARD_SIZE, "places"),
    "achievements.threshold": (1, MAX_POINTS, "events"),
}
"""Every whole-number key of the rules file (list indices dropped) with its inclusive bound and why; the
RuleBook's own bounds are copied exactly, so a rules file that passes can be deployed and voted."""
