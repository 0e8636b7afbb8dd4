"""Growth points (成长值): one `Award` per piece of evidence (docs/mechanisms.md "Growth points").

Every award is a record (member, points, kind, evidence id, time) so it can be minted on chain with
`evidence_hash(evidence_id)`. Awards are idempotent per evidence id: a second review of the same order,
a second check-in the same day or a sixth share in a day earns nothing.

Awards are a pure function of the events up to a time: an order refunded next month still earned its
points this month, and next month's refund takes them back. So a month already closed never changes
when later data arrives.
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, tzinfo
from enum import StrEnum
from operator import attrgetter
from typing import NamedTuple

from eth_hash.auto import keccak

from governance.models import Activity, ActivityKind, Member, MemberId, Order
from governance.period import LocalDays
from governance.rules import PointsRules


class AwardKind(StrEnum):
    ORDER = "order"
    REFUND = "refund"
    INVITE = "invite"
    INVITE_REVERSAL = "invite_reversal"
    REVIEW = "review"
    CHECKIN = "checkin"
    SHARE = "share"
    PROFILE = "profile"
    GROUP_OPEN = "group_open"


_SHARE, _CHECKIN = ActivityKind.SHARE, ActivityKind.CHECKIN
_AT_MOST_ONE_A_DAY = frozenset({AwardKind.CHECKIN, AwardKind.PROFILE})
ACTIVITY_KINDS = frozenset({AwardKind.REVIEW, AwardKind.CHECKIN, AwardKind.SHARE, AwardKind.PROFILE,
                            AwardKind.GROUP_OPEN})
"""Award kinds that per-level daily caps limit; paid orders, refunds and invites are never capped, so a
refund always takes back exactly what its order gave."""


class Award(NamedTuple):
    """Points for one piece of evidence; `source` is the id the evidence id is built from.

    A named tuple rather than a frozen dataclass: a month close makes one per order and activity, and a
    tuple is built several times faster."""

    member_id: MemberId
    points: int
    kind: AwardKind
    source: str
    at: datetime

    @property
    def evidence_id(self) -> str:
        """Unique per award, e.g. `order:O-1001`, `checkin:M-7:2026-11-03`."""
        return f"{self.kind.value}:{self.source}"


def evidence_hash(evidence_id: str) -> bytes:
    """The bytes32 stored on chain with a minted award: keccak256 of the evidence id in UTF-8."""
    return keccak(evidence_id.encode("utf-8"))


def order_points(amount_cents: int, rules: PointsRules) -> int:
    """Points for a paid amount: `order_per_yuan` per whole yuan (a refund takes back the same)."""
    return amount_cents * rules.order_per_yuan // 100


def order_awards(orders: Iterable[Order], members: Mapping[MemberId, Member], rules: PointsRules,
                 until: datetime) -> list[Award]:
    """Awards for payments, refunds and invites that happened before `until` (unsorted).

    The referrer of a friend holds one `invite_first_order` bonus while the friend has a paid order that
    is not refunded: given on the friend's first payment, reversed if that order is refunded, and moved
    at once to the friend's earliest other live order if there is one. So a refunded order ends up
    exactly as if it had never been placed.
    """
    awards: list[Award] = []
    append = awards.append
    bonus = rules.invite_first_order
    referrer_of = {m: member.referrer_id for m, member in members.items() if member.referrer_id is not None}
    first: dict[MemberId, Order] = {}      # each invited friend's earliest order
    refunding: set[MemberId] = set()       # friends with a refund before `until`: the bonus may move
    for order in orders:
        if order.paid_at >= until:
            continue
        buyer = order.member_id
        points = order_points(order.amount_cents, rules)
        append(Award(buyer, points, AwardKind.ORDER, order.order_id, order.paid_at))
        refunded_at = order.refunded_at if order.refunded_at is not None and order.refunded_at < until else None
        if refunded_at is not None:
            append(Award(buyer, -points, AwardKind.REFUND, order.order_id, refunded_at))
        if bonus and buyer in referrer_of:
            earliest = first.get(buyer)
            if earliest is None or order.paid_at < earliest.paid_at or (
                    order.paid_at == earliest.paid_at and order.order_id < earliest.order_id):
                first[buyer] = order
            if refunded_at is not None:
                refunding.add(buyer)
    by_friend: dict[MemberId, list[Order]] = defaultdict(list)
    if refunding:
        for order in orders:
            if order.member_id in refunding and order.paid_at < until:
                by_friend[order.member_id].append(order)
    for friend, order in first.items():
        if friend in refunding:
            awards.extend(_invite_awards(referrer_of[friend], by_friend[friend], bonus, until))
        else:
            append(Award(referrer_of[friend], bonus, AwardKind.INVITE, order.order_id, order.paid_at))
    return awards


def _invite_awards(referrer: MemberId, orders: list[Order], bonus: int, until: datetime) -> list[Award]:
    """The bonus of one friend with refunds: replay payments and refunds in time order."""
    events: list[tuple[datetime, int, str, Order]] = []  # (time, 0 = pay / 1 = refund, order id, order)
    for o in orders:
        events.append((o.paid_at, 0, o.order_id, o))
        if o.refunded_at is not None and o.refunded_at < until:
            events.append((o.refunded_at, 1, o.order_id, o))
    events.sort(key=lambda e: e[:3])
    awards: list[Award] = []
    live: list[tuple[datetime, str]] = []  # heap of live orders by (paid_at, order id)
    refunded: set[str] = set()
    holder: str | None = None
    for at, is_refund, order_id, order in events:
        if not is_refund:
            heapq.heappush(live, (order.paid_at, order_id))
            if holder is None:
                holder = order_id
                awards.append(Award(referrer, bonus, AwardKind.INVITE, order_id, at))
            continue
        refunded.add(order_id)
        if order_id != holder:
            continue
        awards.append(Award(referrer, -bonus, AwardKind.INVITE_REVERSAL, order_id, at))
        while live and live[0][1] in refunded:
            heapq.heappop(live)
        holder = live[0][1] if live else None
        if holder is not None:
            awards.append(Award(referrer, bonus, AwardKind.INVITE, holder, at))
    return awards


def activity_awards(activities: Iterable[Activity], rules: PointsRules, tz: tzinfo,
                    until: datetime) -> list[Award]:
    """Awards for activities before `until`, in time order, before any daily cap.

    One review award per reviewed order (the rating is never read), one check-in per local day, at most
    `share_daily_max` shares per local day, one profile completion ever, one award per opened group.
    """
    ordered = sorted((a for a in activities if a.at < until), key=attrgetter("at", "activity_id"))
    if not ordered:
        return []
    day_of = LocalDays(tz, ordered[0].at, ordered[-1].at).ordinal
    awards: list[Award] = []
    append = awards.append
    seen: set[tuple[AwardKind, str]] = set()         # reviews (by order), profiles (by member), groups
    checked: set[tuple[MemberId, int]] = set()       # (member, local day) with a check-in
    shares: dict[tuple[MemberId, int], int] = defaultdict(int)
    day_text: dict[int, str] = {}
    share, share_max, checkin = rules.share, rules.share_daily_max, rules.checkin  # hot loop: locals
    for a in ordered:
        kind = a.kind
        if kind is _SHARE:
            key = (a.member_id, day_of(a.at))
            if share and shares[key] < share_max:
                shares[key] += 1
                append(Award(a.member_id, share, AwardKind.SHARE, a.activity_id, a.at))
            continue
        if kind is _CHECKIN:
            key = (a.member_id, day_of(a.at))
            if checkin and key not in checked:
                checked.add(key)
                day = key[1]
                text = day_text.get(day) or day_text.setdefault(day, date.fromordinal(day).isoformat())
                append(Award(a.member_id, checkin, AwardKind.CHECKIN, f"{a.member_id}:{text}", a.at))
            continue
        if kind is ActivityKind.REVIEW:
            award_kind, points, source = AwardKind.REVIEW, rules.review, a.ref or a.activity_id
        elif kind is ActivityKind.PROFILE:
            award_kind, points, source = AwardKind.PROFILE, rules.profile, a.member_id
        else:
            award_kind, points, source = AwardKind.GROUP_OPEN, rules.group_open, a.ref or a.activity_id
        if points and (award_kind, source) not in seen:
            seen.add((award_kind, source))
            append(Award(a.member_id, points, award_kind, source, a.at))
    return awards


def apply_daily_caps(awards: Iterable[Award], cap_of: Callable[[MemberId], int | None],
                     tz: tzinfo) -> list[Award]:
    """Limit activity points per member per local day to `cap_of(member)`; `awards` in time order, as
    `activity_awards` makes them (at most one check-in a day and one profile award ever).

    The award that crosses the cap is cut to what is left and later ones that day are dropped; order,
    refund and invite awards pass unchanged. Only members whose activities could reach the cap on some
    day are looked at day by day: their other awards plus one check-in and one profile award.
    """
    awards = list(awards)
    most: dict[MemberId, int] = defaultdict(int)   # the most a member could earn from activities in one day
    once_a_day: dict[tuple[MemberId, AwardKind], int] = {}
    for member_id, points, kind, *_ in awards:
        if kind in _AT_MOST_ONE_A_DAY:
            if points > once_a_day.get((member_id, kind), 0):
                most[member_id] += points - once_a_day.get((member_id, kind), 0)
                once_a_day[member_id, kind] = points
        elif kind in ACTIVITY_KINDS:
            most[member_id] += points
    tight = {m: cap for m, bound in most.items() if (cap := cap_of(m)) is not None and bound > cap}
    if not tight:  # members not in `tight` cannot reach their cap on any one day
        return awards
    kept: list[Award] = []
    day_of = LocalDays(tz, min(a.at for a in awards), max(a.at for a in awards)).ordinal
    used: dict[tuple[MemberId, int], int] = defaultdict(int)
    for award in awards:
        cap = tight.get(award.member_id)
        if cap is None or award.kind not in ACTIVITY_KINDS:
            kept.append(award)
            continue
        day = (award.member_id, day_of(award.at))
        room = cap - used[day]
        if room <= 0:
            continue
        if award.points > room:
            award = Award(award.member_id, room, award.kind, award.source, award.at)
        used[day] += award.points
        kept.append(award)
    return kept
