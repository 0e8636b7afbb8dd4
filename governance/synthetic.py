"""A deterministic, realistic co-op for demos, examples and benchmarks (same seed, same bytes).

Members live in neighbourhoods (小区); most were invited by a neighbour, so referral trees grow deep and
some members invite three or more friends (which exercises the 链动2+1 slide-down). In the chosen month
they place orders (a few refunded), often in group buys opened by a neighbour, and review, share and
check in. Times are written with the +08:00 offset of `Asia/Shanghai`.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from eth_hash.auto import keccak

from governance.loading import ACTIVITY_FIELDS, MEMBER_FIELDS, ORDER_FIELDS, checksum_address
from governance.period import Period

NEIGHBOURHOODS = ("chaoyang", "jinxiu", "taoyuan", "lanting", "binjiang", "qingshan", "heping", "xingfu")
PRODUCTS = tuple(f"P-{name}" for name in (
    "rice-5kg", "eggs-30", "apples-3kg", "milk-12", "tofu", "pork-1kg", "greens", "oil-5l", "noodles",
    "shrimp-1kg", "oranges-5kg", "tea", "diapers", "yogurt-8", "bread"))
_OFFSET = "+08:00"
_DAY = 86_400


@dataclass(frozen=True, slots=True)
class Scale:
    """How big the generated co-op is; orders and activities default to about 5 and 4 per member."""

    members: int = 200
    orders: int | None = None
    refund_per_mille: int = 30
    review_percent: int = 30


def write_coop(out_dir: Path | str, scale: Scale = Scale(), period: Period = Period(2026, 11),
               seed: int = 2026) -> tuple[Path, Path, Path]:
    """Write members.csv, orders.csv and activities.csv into `out_dir`; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    start = datetime(period.year, period.month, 1)
    days = (datetime(period.next().year, period.next().month, 1) - start).days
    paths = (out / "members.csv", out / "orders.csv", out / "activities.csv")
    hoods, referrers = _members(rng, scale.members)
    _write(paths[0], MEMBER_FIELDS, _member_rows(seed, hoods, referrers, start))
    buyers = _buyers(rng, scale.members)
    orders = _orders(rng, scale, buyers, hoods, start, days)
    _write(paths[1], ORDER_FIELDS, (o.row for o in orders))
    _write(paths[2], ACTIVITY_FIELDS, _activities(rng, scale, orders, hoods, start, days))
    return paths


def _members(rng: random.Random, count: int) -> tuple[list[int], list[int | None]]:
    """Neighbourhood and referrer (an earlier neighbour) of each member; ~1 in 12 is a founder."""
    hood_count = max(1, min(len(NEIGHBOURHOODS), count // 25))
    hoods: list[int] = []
    referrers: list[int | None] = []
    by_hood: list[list[int]] = [[] for _ in range(hood_count)]
    for i in range(count):
        hood = i % hood_count if i < hood_count else rng.randrange(hood_count)
        neighbours = by_hood[hood]
        if not neighbours or rng.random() < 1 / 12:
            referrer = None
        elif rng.random() < 0.5:  # recent neighbours invite too: deep chains
            referrer = neighbours[-1 - rng.randrange(min(3, len(neighbours)))]
        else:  # active inviters invite many: wide trees, slide-downs
            referrer = neighbours[int(len(neighbours) * rng.random() ** 2)]
        hoods.append(hood)
        referrers.append(referrer)
        neighbours.append(i)
    return hoods, referrers


def _member_id(i: int) -> str:
    return f"M{i + 1:06d}"


def _member_rows(seed: int, hoods: list[int], referrers: list[int | None],
                 start: datetime):
    count = len(hoods)
    for i in range(count):
        raw = "0x" + keccak(f"linli-synthetic:{seed}:{i}".encode()).hex()[-40:]
        address = checksum_address(raw) if i % 2 else raw
        joined = start - timedelta(days=400) + timedelta(seconds=(400 * _DAY) * i // count)
        ref = referrers[i]
        yield (_member_id(i), address, "" if ref is None else _member_id(ref), _time(joined))


def _buyers(rng: random.Random, count: int) -> list[float]:
    """Cumulative buying weights: a few households buy far more often than most."""
    total, cumulative = 0.0, []
    for _ in range(count):
        total += rng.paretovariate(1.6)
        cumulative.append(total)
    return cumulative


@dataclass(slots=True)
class _Order:
    row: tuple[str, ...]
    buyer: int
    second: int  # seconds since the month start, local time


def _orders(rng: random.Random, scale: Scale, buyers: list[float], hoods: list[int], start: datetime,
            days: int) -> list[_Order]:
    count = scale.orders if scale.orders is not None else scale.members * 5
    chosen = rng.choices(range(scale.members), cum_weights=buyers, k=count)
    seconds = sorted(rng.randrange(days * _DAY - 4 * _DAY) for _ in range(count))
    prefix = _day_prefixes(start, days)
    out: list[_Order] = []
    for n, (buyer, second) in enumerate(zip(chosen, seconds, strict=True)):
        amount = 500 + int(rng.lognormvariate(8.3, 0.7)) // 10 * 10
        refunded = rng.randrange(1000) < scale.refund_per_mille
        refund_second = second + 3600 + rng.randrange(2 * _DAY) if refunded else None
        group = f"G-{NEIGHBOURHOODS[hoods[buyer]]}-{second // _DAY + 1:02d}" if rng.random() < 0.7 else ""
        out.append(_Order((
            f"O{n + 1:07d}", _member_id(buyer), str(amount), _stamp(prefix, second),
            "refunded" if refunded else "paid", "" if refund_second is None else _stamp(prefix, refund_second),
            PRODUCTS[rng.randrange(len(PRODUCTS))], group,
        ), buyer, second))
    return out


def _activities(rng: random.Random, scale: Scale, orders: list[_Order], hoods: list[int], start: datetime,
                days: int):
    prefix = _day_prefixes(start, days)
    n = 0

    def row(member: int, kind: str, second: int, ref: str = "", rating: str = "") -> tuple[str, ...]:
        nonlocal n
        n += 1
        return (f"A{n:07d}", _member_id(member), kind, _stamp(prefix, second), ref, rating)

    openers: dict[str, tuple[int, int]] = {}
    for order in orders:
        group = order.row[7]
        if group and group not in openers:  # the group's first buyer opened it, an hour before
            openers[group] = (order.buyer, max(0, order.second - 3600))
    for group, (member, second) in openers.items():
        yield row(member, "group_open", second, group)
    for order in orders:
        if rng.randrange(100) < scale.review_percent:
            yield row(order.buyer, "review", order.second + 3600 + rng.randrange(_DAY), order.row[0],
                      str(rng.choice((3, 4, 5, 5, 5))))
        if rng.random() < 0.25:
            for _ in range(rng.randrange(1, 4)):
                yield row(order.buyer, "share", order.second + 60 + rng.randrange(3 * 3600))
    regulars = range(0, scale.members, 3)  # every third member checks in, on runs of days
    for member in regulars:
        day = rng.randrange(days)
        while day < days:
            run = rng.choice((2, 3, 5, 8, 15, 30))
            for d in range(day, min(days, day + run)):
                yield row(member, "checkin", d * _DAY + 7 * 3600 + rng.randrange(14 * 3600))
            day += run + rng.randrange(1, 6)
    for member in range(0, scale.members, 4):
        yield row(member, "profile", rng.randrange(days * _DAY))


def _day_prefixes(start: datetime, days: int) -> list[str]:
    return [(start + timedelta(days=d)).strftime("%Y-%m-%dT") for d in range(days + 3)]


def _stamp(prefix: list[str], second: int) -> str:
    day, rest = divmod(second, _DAY)
    hour, rest = divmod(rest, 3600)
    return f"{prefix[day]}{hour:02d}:{rest // 60:02d}:{rest % 60:02d}{_OFFSET}"


def _time(local: datetime) -> str:
    return local.replace(microsecond=0).isoformat() + _OFFSET


def _write(path: Path, header: tuple[str, ...], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(header) + "\n")
        batch: list[str] = []
        for row in rows:
            batch.append(",".join(row))
            if len(batch) >= 50_000:
                handle.write("\n".join(batch) + "\n")
                batch.clear()
        if batch:
            handle.write("\n".join(batch) + "\n")
