"""Every read the routes make, in one place, keyword-only. Routes stay thin; this is where SQL lives.

"Now" for the mirror is the timestamp of the last indexed block (`as_of`), so states and weights are those
of the chain at that block, never a mix of clocks.

The two hottest reads (a member, a proposal) are SQLAlchemy Core statements built once at import, with bound
parameters, run on a `Connection` and read into plain dataclasses: building an ORM statement, its cache key
and its ORM loading each cost more per request than the database's own work for these one-row reads.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    BindParameter, ColumnElement, Connection, Row, ScalarSelect, Select, bindparam, func, select,
)
from sqlalchemy.orm import Session

from api.models import (
    ChainEvent, Distribution, ImportedMember, ImportedOrder, Member, ParameterChange, PayoutProof, PayoutRecord,
    Product, Proposal, SupplyCheckpoint, SyncState, Vote, VoteCheckpoint,
)

QUORUM_DENOMINATOR = 100  # GovernorVotesQuorumFraction: the numerator is a percentage
RULE_KEYS = ("level1_bps", "level2_bps", "pool_rate_bps", "gmv_target_cents", "max_rate_change_bps")


class ProposalState(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    CANCELED = "canceled"
    DEFEATED = "defeated"
    SUCCEEDED = "succeeded"
    QUEUED = "queued"
    EXPIRED = "expired"
    EXECUTED = "executed"


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int


def paged(session: Session, query: Select, *, limit: int, offset: int) -> Page:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return Page(list(session.scalars(query.limit(limit).offset(offset))), total)


def sync_state(*, session: Session) -> SyncState | None:
    return session.get(SyncState, 1)


def now(*, session: Session) -> int:
    """The mirror's clock: timestamp of the last indexed block (0 before the first sync)."""
    state = session.get(SyncState, 1)
    return state.block_timestamp if state else 0


# --- members ------------------------------------------------------------------------------------------


def _now_subquery() -> ScalarSelect[int]:
    return select(SyncState.block_timestamp).where(SyncState.id == 1).scalar_subquery()


@dataclass(frozen=True, slots=True)
class MemberRow:
    address: str
    points: int
    awarded: int
    revoked: int
    votes: int
    delegate: str | None
    member_id: str | None
    now: int
    payouts: list[tuple[int, int]]  # (period YYYYMM, payout cents), oldest first


def _member_statement(pairs: Any) -> Select[Any]:
    """The member, its imported member id, its payouts (`pairs`: a JSON array aggregate, which each dialect
    spells its own way) and the mirror's clock, in one statement: the member page is the hottest read."""
    address: BindParameter[str] = bindparam("address")
    member_id = select(ImportedMember.member_id).where(ImportedMember.address == address).limit(1).scalar_subquery()
    payouts = select(pairs).where(PayoutProof.address == address).scalar_subquery()
    return select(
        Member.address, Member.points, Member.awarded, Member.revoked, Member.votes, Member.delegate,
        member_id.label("member_id"), _now_subquery().label("now"), payouts.label("payouts"),
    ).where(Member.address == address)


_MEMBER = {
    "postgresql": _member_statement(func.json_agg(func.json_build_array(PayoutProof.period, PayoutProof.payout_cents))),
    "sqlite": _member_statement(func.json_group_array(func.json_array(PayoutProof.period, PayoutProof.payout_cents))),
}


def address_of_member_id(*, connection: Connection, member_id: str) -> str | None:
    """The address the admin's member list links to `member_id` (None when no upload names it)."""
    return connection.scalar(select(ImportedMember.address).where(ImportedMember.member_id == member_id))


def member_by_address(*, connection: Connection, address: str) -> MemberRow | None:
    row = connection.execute(_MEMBER[connection.dialect.name], {"address": address}).one_or_none()
    if row is None:
        return None
    raw = json.loads(row.payouts) if isinstance(row.payouts, str) else (row.payouts or [])
    return MemberRow(row.address, row.points, row.awarded, row.revoked, row.votes, row.delegate, row.member_id,
                     row.now or 0, sorted((int(p), int(c)) for p, c in raw))


def votes_at(*, connection: Connection, address: str, timepoint: int) -> int:
    """ERC-5805 getPastVotes: the delegate's last checkpoint at or before `timepoint`."""
    query = (
        select(VoteCheckpoint.votes)
        .where(VoteCheckpoint.delegate == address, VoteCheckpoint.timestamp <= timepoint)
        .order_by(VoteCheckpoint.timestamp.desc(), VoteCheckpoint.block_number.desc(), VoteCheckpoint.log_index.desc())
        .limit(1)
    )
    return connection.scalar(query) or 0


def paid_order_count(*, connection: Connection, member_id: str) -> int:
    query = select(func.count()).where(ImportedOrder.member_id == member_id, ImportedOrder.status == "paid")
    return connection.scalar(query) or 0


# --- leaderboard --------------------------------------------------------------------------------------


class Metric(StrEnum):
    POINTS = "points"
    SALES = "sales"
    ORDERS = "orders"
    NEW_CUSTOMERS = "new_customers"


class Window(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    ALL = "all"


WINDOW_DAYS = {Window.DAY: 1, Window.WEEK: 7, Window.MONTH: 30, Window.YEAR: 365}


def points_leaderboard(*, session: Session, limit: int, offset: int) -> Page[tuple[str | None, str, int]]:
    """(member_id, address, points) by points; ties go to whoever got there first (earlier block, then log)."""
    total = session.scalar(select(func.count()).where(Member.points > 0)) or 0
    member_id = (
        select(ImportedMember.member_id).where(ImportedMember.address == Member.address).limit(1)
        .correlate(Member).scalar_subquery()
    )
    query = (
        select(member_id, Member.address, Member.points).where(Member.points > 0)
        .order_by(Member.points.desc(), Member.first_block, Member.first_log, Member.address)
        .limit(limit).offset(offset)
    )
    return Page([(m, a, int(p)) for m, a, p in cast(Iterable[tuple[str | None, str, int]], session.execute(query))],
                total)


def order_leaderboard(
    *, session: Session, metric: Metric, since: datetime, limit: int, offset: int
) -> Page[tuple[str | None, str, int]]:
    """(member_id, address, value) from imported data: paid, not refunded, within the window.

    Ties go to who got there first: the earliest order (or join) that counts.
    """
    cutoff = since.astimezone(UTC).isoformat()
    value: ColumnElement[int]
    if metric is Metric.NEW_CUSTOMERS:
        value = func.count(ImportedMember.member_id)
        first = func.min(ImportedMember.joined_at)
        referrer = ImportedMember.__table__.alias("referrer")
        query = (
            select(referrer.c.member_id, referrer.c.address, value)
            .join_from(ImportedMember, referrer, ImportedMember.referrer_id == referrer.c.member_id)
            .where(ImportedMember.joined_at >= cutoff)
            .group_by(referrer.c.member_id, referrer.c.address)
        )
    else:
        value = func.sum(ImportedOrder.amount_cents) if metric is Metric.SALES else func.count(ImportedOrder.order_id)
        first = func.min(ImportedOrder.paid_at)
        query = (
            select(ImportedMember.member_id, ImportedMember.address, value)
            .join_from(ImportedOrder, ImportedMember, ImportedOrder.member_id == ImportedMember.member_id)
            .where(ImportedOrder.status == "paid", ImportedOrder.paid_at >= cutoff)
            .group_by(ImportedMember.member_id, ImportedMember.address)
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(value.desc(), first, "member_id").limit(limit).offset(offset))
    return Page([(m, a, int(v)) for m, a, v in cast(Iterable[tuple[str | None, str, int]], rows)], total)


def window_start(*, window: Window, at: datetime) -> datetime:
    if window is Window.ALL:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return at - timedelta(days=WINDOW_DAYS[window])


# --- proposals ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProposalRow:
    id: int
    proposer: str
    description: str
    vote_start: int
    vote_end: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    eta: int | None
    queued: bool
    executed: bool
    canceled: bool
    created_block: int
    created_tx: str
    actions: str  # canonical JSON, see models.Proposal
    quorum: int
    now: int


def _proposal_rows() -> Select[*tuple[Any, ...]]:
    """Proposals with their quorum (GovernorVotesQuorumFraction.quorum(snapshot): the numerator in force at
    the snapshot times the supply then) and the mirror's clock, computed by the database in the same row."""
    numerator = (
        select(ParameterChange.new)
        .where(ParameterChange.key == "quorum_numerator", ParameterChange.timestamp <= Proposal.vote_start)
        .order_by(ParameterChange.timestamp.desc(), ParameterChange.block_number.desc(),
                  ParameterChange.log_index.desc())
        .limit(1).correlate(Proposal).scalar_subquery()
    )
    supply = (
        select(SupplyCheckpoint.supply).where(SupplyCheckpoint.timestamp <= Proposal.vote_start)
        .order_by(SupplyCheckpoint.timestamp.desc(), SupplyCheckpoint.id.desc())
        .limit(1).correlate(Proposal).scalar_subquery()
    )
    return select(
        Proposal.id, Proposal.proposer, Proposal.description, Proposal.vote_start, Proposal.vote_end,
        Proposal.votes_for, Proposal.votes_against, Proposal.votes_abstain, Proposal.eta, Proposal.queued,
        Proposal.executed, Proposal.canceled, Proposal.created_block, Proposal.created_tx, Proposal.actions,
        numerator.label("quorum_numerator"), supply.label("supply"), _now_subquery().label("now"),
    )


_PROPOSAL = _proposal_rows().where(Proposal.id == bindparam("proposal_id"))


def _proposal_row(row: Row[Any]) -> ProposalRow:
    fields = row._asdict()
    numerator, supply, now = fields.pop("quorum_numerator"), fields.pop("supply"), fields.pop("now")
    return ProposalRow(**fields, quorum=int(supply or 0) * int(numerator or 0) // QUORUM_DENOMINATOR, now=int(now or 0))


def proposals(*, session: Session, limit: int, offset: int) -> Page[ProposalRow]:
    """Newest first."""
    total = session.scalar(select(func.count()).select_from(Proposal)) or 0
    query = _proposal_rows().order_by(Proposal.created_block.desc(), Proposal.created_log.desc())
    return Page([_proposal_row(r) for r in session.execute(query.limit(limit).offset(offset))], total)


def proposal(*, connection: Connection, proposal_id: int) -> ProposalRow | None:
    row = connection.execute(_PROPOSAL, {"proposal_id": proposal_id}).one_or_none()
    return None if row is None else _proposal_row(row)


def proposal_exists(*, session: Session, proposal_id: int) -> bool:
    return session.scalar(select(Proposal.id).where(Proposal.id == proposal_id)) is not None


def votes(*, session: Session, proposal_id: int, limit: int, offset: int) -> Page[Vote]:
    query = select(Vote).where(Vote.proposal_id == proposal_id).order_by(Vote.block_number, Vote.log_index)
    return paged(session, query, limit=limit, offset=offset)


def parameter_at(*, session: Session, key: str, timepoint: int) -> int:
    query = (
        select(ParameterChange.new).where(ParameterChange.key == key, ParameterChange.timestamp <= timepoint)
        .order_by(ParameterChange.timestamp.desc(), ParameterChange.block_number.desc(),
                  ParameterChange.log_index.desc())
        .limit(1)
    )
    return session.scalar(query) or 0


def proposal_state(*, proposal: ProposalRow) -> ProposalState:
    """OpenZeppelin 5.1 Governor.state() (with GovernorTimelockControl), at the mirror's clock."""
    if proposal.executed:
        return ProposalState.EXECUTED
    if proposal.canceled:
        return ProposalState.CANCELED
    if proposal.vote_start >= proposal.now:
        return ProposalState.PENDING
    if proposal.vote_end >= proposal.now:
        return ProposalState.ACTIVE
    reached = proposal.quorum <= proposal.votes_for + proposal.votes_abstain
    if not reached or proposal.votes_for <= proposal.votes_against:
        return ProposalState.DEFEATED
    return ProposalState.QUEUED if proposal.queued else ProposalState.SUCCEEDED


# --- rules and products --------------------------------------------------------------------------------


def rules_in_force(*, session: Session) -> dict[str, int]:
    """The newest value of every rule book key (from the constructor's events on)."""
    return {key: parameter_at(session=session, key=key, timepoint=2**62) for key in RULE_KEYS}


def rule_history(*, session: Session, limit: int, offset: int) -> Page[ParameterChange]:
    query = (
        select(ParameterChange).where(ParameterChange.contract == "RuleBook")
        .order_by(ParameterChange.block_number, ParameterChange.log_index)
    )
    return paged(session, query, limit=limit, offset=offset)


def executed_proposals(*, session: Session, tx_hashes: Sequence[str]) -> dict[str, Proposal]:
    """tx hash -> the proposal executed in that transaction (which is what changed the rules in it)."""
    if not tx_hashes:
        return {}
    events = session.scalars(
        select(ChainEvent).where(ChainEvent.name == "ProposalExecuted", ChainEvent.tx_hash.in_(list(set(tx_hashes))))
    )
    found: dict[str, Proposal] = {}
    for event in events:
        p = session.get(Proposal, int(json.loads(event.args)["proposalId"]))
        if p is not None:
            found[event.tx_hash] = p
    return found


def products(*, session: Session, include_removed: bool, limit: int, offset: int) -> Page[Product]:
    query = select(Product).order_by(Product.added_block, Product.product_id)
    if not include_removed:
        query = query.where(Product.removed_block.is_(None))
    return paged(session, query, limit=limit, offset=offset)


# --- distributions -------------------------------------------------------------------------------------


def distributions(*, session: Session, limit: int, offset: int) -> Page[Distribution]:
    return paged(session, select(Distribution).order_by(Distribution.period.desc()), limit=limit, offset=offset)


def distribution(*, session: Session, period: int) -> Distribution | None:
    return session.get(Distribution, period)


def payout_record(*, session: Session, period: int) -> PayoutRecord | None:
    return session.get(PayoutRecord, period)


def payout_proof(*, session: Session, period: int, address: str) -> PayoutProof | None:
    return session.get(PayoutProof, (period, address))
