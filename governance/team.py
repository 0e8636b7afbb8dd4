"""Who stands above a buyer: the referral tree and the 链动2+1 slide-down (滑落) team tree.

Members are placed in join order (joined_at, then member_id; a referrer before its referrals). Each has a
referral parent (its referrer) and a team parent, fixed when it joins:

- a member with no referrer is a founder and owns a team from the start; its referrals stay with it;
- a member's first two direct referrals slide (滑落) to the team of the member's team owner, i.e. their
  team parent is the member's own team parent;
- on its second referral a member becomes a team owner and breaks away (脱离): its 3rd and later referrals
  join its own team (team parent = the member). Its own team parent stays the owner it broke away from.

The structure only says WHO stands where. Commission (governance.commission) pays at most two hops of it
and only to uplines within two referral hops of the buyer; nothing here pays per head.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from governance.errors import BadInput
from governance.models import Member, MemberId

SLIDING_REFERRALS = 2


@dataclass(frozen=True, slots=True)
class Structure:
    """Referral and team parents of every member, and who owns a team."""

    referral_parent: Mapping[MemberId, MemberId | None]
    team_parent: Mapping[MemberId, MemberId | None]
    owners: frozenset[MemberId]

    def __contains__(self, member: object) -> bool:
        return member in self.referral_parent

    def referral_uplines(self, member: MemberId, hops: int = 2) -> list[MemberId]:
        """Referrer, referrer's referrer, … up to `hops`."""
        return self._chain(self.referral_parent, member, hops)

    def team_uplines(self, member: MemberId, hops: int = 2) -> list[MemberId]:
        """Team parent, its team parent, … up to `hops`."""
        return self._chain(self.team_parent, member, hops)

    def referral_distance(self, member: MemberId, ancestor: MemberId, limit: int) -> int | None:
        """How many referral hops up from `member` to `ancestor`, if at most `limit`."""
        for hop, upline in enumerate(self.referral_uplines(member, limit), start=1):
            if upline == ancestor:
                return hop
        return None

    @staticmethod
    def _chain(parents: Mapping[MemberId, MemberId | None], member: MemberId, hops: int) -> list[MemberId]:
        if member not in parents:
            raise BadInput(f"unknown member {member!r}: not in the members file")
        chain: list[MemberId] = []
        current = parents[member]
        while current is not None and len(chain) < hops:
            chain.append(current)
            current = parents[current]
        return chain


def build_structure(members: Iterable[Member]) -> Structure:
    """Place every member; refuses unknown referrers, self-referral and referrers who joined later."""
    by_id: dict[MemberId, Member] = {}
    for member in members:
        if member.member_id in by_id and by_id[member.member_id] != member:
            raise BadInput(f"member {member.member_id!r} appears twice with different data")
        by_id[member.member_id] = member
    for member in by_id.values():
        referrer = member.referrer_id
        if referrer is None:
            continue
        if referrer == member.member_id:
            raise BadInput(f"member {member.member_id!r} names itself as referrer")
        if referrer not in by_id:
            raise BadInput(f"member {member.member_id!r}: referrer {referrer!r} is not in the members file")
        if by_id[referrer].joined_at > member.joined_at:
            raise BadInput(f"member {member.member_id!r} joined before its referrer {referrer!r}")

    referral_parent: dict[MemberId, MemberId | None] = {}
    team_parent: dict[MemberId, MemberId | None] = {}
    referrals: dict[MemberId, int] = {}
    owners: set[MemberId] = set()
    for member in _join_order(by_id):
        me, referrer = member.member_id, member.referrer_id
        referral_parent[me] = referrer
        referrals[me] = 0
        if referrer is None:
            team_parent[me] = None
            owners.add(me)
            continue
        referrals[referrer] += 1
        slides = referrer not in owners and referrals[referrer] <= SLIDING_REFERRALS
        team_parent[me] = team_parent[referrer] if slides else referrer
        if referrals[referrer] == SLIDING_REFERRALS:
            owners.add(referrer)
    return Structure(referral_parent, team_parent, frozenset(owners))


def _join_order(by_id: Mapping[MemberId, Member]) -> list[Member]:
    """(joined_at, member_id) order, except that a referrer always comes before its referrals (equal
    timestamps happen in exports); a referral cycle is refused."""
    children: dict[MemberId | None, list[Member]] = {}
    for member in by_id.values():
        children.setdefault(member.referrer_id, []).append(member)
    ready = [(m.joined_at, m.member_id) for m in children.get(None, [])]
    heapq.heapify(ready)
    order: list[Member] = []
    while ready:
        _, member_id = heapq.heappop(ready)
        order.append(by_id[member_id])
        for child in children.get(member_id, []):
            heapq.heappush(ready, (child.joined_at, child.member_id))
    if len(order) != len(by_id):
        stuck = sorted(set(by_id) - {m.member_id for m in order})
        raise BadInput(f"referral cycle among members {', '.join(stuck[:5])}: someone must have no referrer")
    return order
