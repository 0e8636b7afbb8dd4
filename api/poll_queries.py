"""The product polls' reads, and their state at the mirror's clock.

A poll's state is computed as ProductPoll.state() computes it (pending up to its snapshot, active up to its
deadline, then enacted, or the outcome of its tallies: defeated when the turnout misses the quorum, tied at
the top-N cut-off, or succeeded), so the mirror never needs the chain to say what a poll came to.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Poll, PollApproval, PollOption, SupplyCheckpoint
from api.projection import POLL_SUCCEEDED
from api.queries import QUORUM_DENOMINATOR, Page, now, paged

class PollState(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DEFEATED = "defeated"
    TIED = "tied"
    SUCCEEDED = "succeeded"
    ENACTED = "enacted"


@dataclass(frozen=True, slots=True)
class PollRow:
    poll: Poll
    options: list[PollOption]
    quorum: int
    now: int

    @property
    def enacted(self) -> bool:
        return self.poll.enacted_state == POLL_SUCCEEDED


def outcome(weights: Sequence[int], top_n: int, turnout: int, quorum: int) -> tuple[PollState, list[int]]:
    """ProductPoll._outcome: (state, winning positions, heaviest first, the earlier candidate first on equal
    weight). Zero weight never wins; equal non-zero weight at the cut-off is a tie and lists nobody."""
    if turnout == 0 or turnout < quorum:
        return PollState.DEFEATED, []
    left, picked, cut = list(weights), [], 0
    for _ in range(top_n):
        best = max(range(len(left)), key=lambda i: (left[i], -i))
        if left[best] == 0:
            break
        picked.append(best)
        cut, left[best] = left[best], 0
    if len(picked) == top_n and cut in left:
        return PollState.TIED, []
    return PollState.SUCCEEDED, picked


def state(row: PollRow) -> tuple[PollState, list[str]]:
    """The poll's state at the mirror's clock and its winners (product ids; none before it ended)."""
    poll = row.poll
    if row.now <= poll.snapshot:
        return PollState.PENDING, []
    if row.now <= poll.deadline:
        return PollState.ACTIVE, []
    if row.enacted:
        return PollState.ENACTED, json.loads(poll.winners or "[]")
    result, picked = outcome([o.weight for o in row.options], poll.top_n, int(poll.turnout), row.quorum)
    return result, [row.options[i].product_id for i in picked]


def _rows(session: Session, polls: list[Poll]) -> list[PollRow]:
    clock = now(session=session)
    ids = [p.id for p in polls]
    options: dict[int, list[PollOption]] = {i: [] for i in ids}
    if ids:
        query = select(PollOption).where(PollOption.poll_id.in_(ids)).order_by(PollOption.position)
        for option in session.scalars(query):
            options[option.poll_id].append(option)
    return [PollRow(p, options[p.id], _quorum(session, p), clock) for p in polls]


def _quorum(session: Session, poll: Poll) -> int:
    """ProductPoll.quorum: the poll's numerator (fixed when it opened) % of the points' supply at its snapshot."""
    supply = session.scalar(
        select(SupplyCheckpoint.supply).where(SupplyCheckpoint.timestamp <= poll.snapshot)
        .order_by(SupplyCheckpoint.timestamp.desc(), SupplyCheckpoint.id.desc()).limit(1)
    )
    return int(supply or 0) * poll.quorum_numerator // QUORUM_DENOMINATOR


def polls(*, session: Session, limit: int, offset: int) -> Page[PollRow]:
    """Newest first."""
    total = session.scalar(select(func.count()).select_from(Poll)) or 0
    query = select(Poll).order_by(Poll.created_block.desc(), Poll.created_log.desc()).limit(limit).offset(offset)
    return Page(_rows(session, list(session.scalars(query))), total)


def poll(*, session: Session, poll_id: int) -> PollRow | None:
    found = session.get(Poll, poll_id)
    return None if found is None else _rows(session, [found])[0]


def approvals(*, session: Session, poll_id: int, limit: int, offset: int) -> Page[PollApproval]:
    query = (select(PollApproval).where(PollApproval.poll_id == poll_id)
             .order_by(PollApproval.block_number, PollApproval.log_index))
    return paged(session, query, limit=limit, offset=offset)
