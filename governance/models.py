"""The co-op's records as imported (docs/data-formats.md "Members, orders and activities").

Money is integer cents; times are timezone-aware datetimes. Records are immutable values; loading and
validation live in `governance.loading`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NewType

MemberId = NewType("MemberId", str)
Cents = NewType("Cents", int)


class OrderStatus(StrEnum):
    PAID = "paid"
    REFUNDED = "refunded"


class ActivityKind(StrEnum):
    REVIEW = "review"
    SHARE = "share"
    CHECKIN = "checkin"
    GROUP_OPEN = "group_open"
    PROFILE = "profile"


@dataclass(frozen=True, slots=True)
class Member:
    member_id: MemberId
    address: str  # EIP-55 checksummed
    referrer_id: MemberId | None
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    member_id: MemberId  # the buyer
    amount_cents: Cents
    paid_at: datetime
    status: OrderStatus
    refunded_at: datetime | None
    product_id: str
    group_id: str | None


@dataclass(frozen=True, slots=True)
class Activity:
    activity_id: str
    member_id: MemberId
    kind: ActivityKind
    at: datetime
    ref: str | None
    rating: int | None  # recorded, never changes points
