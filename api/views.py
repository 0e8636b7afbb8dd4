"""Rows -> response models, where a response needs more than one query (members, proposals, rule changes)."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from api import queries, schemas
from api.deps import period_text
from api.growth_queries import window_growth
from api.models import ParameterChange
from governance.levels import tier_for
from governance.rules import LevelRules

LEVELS = LevelRules()


def member_facts(connection: Connection, row: queries.MemberRow, *, snapshot: int | None) -> dict[str, Any]:
    """What anyone may read of a member, all from the chain: points, weight, delegate and level.

    The level is judged on growth over the month close's rolling window (`api.growth_queries`: points
    awarded minus revoked in the last `window_days`, decay steps left out), against the default tiers
    (普通 / 白银 / 黄金 / 钻石); the retain thresholds and grace periods of the month close are not applied.
    """
    growth = window_growth(connection=connection, address=row.address, now=row.now, window_days=LEVELS.window_days)
    tier = tier_for(growth, LEVELS)
    following = LEVELS.tiers[tier + 1] if tier + 1 < len(LEVELS.tiers) else None
    return dict(
        address=row.address,
        points=row.points,
        growth=growth,
        voting_weight=row.votes,
        voting_weight_at_snapshot=None if snapshot is None else queries.votes_at(
            connection=connection, address=row.address, timepoint=snapshot),
        snapshot=snapshot,
        delegate=row.delegate,
        level=LEVELS.tiers[tier].name,
        next_level=None if following is None else schemas.Level(name=following.name, threshold=following.threshold),
        as_of=row.now,
    )


def member(connection: Connection, row: queries.MemberRow, *, snapshot: int | None) -> schemas.MemberPublic:
    """The facts from the chain, with the member id, achievements and payouts from imported admin data."""
    achievements = []
    if row.member_id is not None:
        orders = queries.paid_order_count(connection=connection, member_id=row.member_id)
        if orders:
            achievements.append(schemas.Achievement(kind="first_order", count=orders))
    return schemas.MemberPublic(
        **member_facts(connection, row, snapshot=snapshot),
        member_id=row.member_id,
        achievements=achievements,
        payouts=[schemas.Payout(period=period_text(period), payout_cents=cents) for period, cents in row.payouts],
    )


def proposal(row: queries.ProposalRow) -> schemas.ProposalPublic:
    return schemas.ProposalPublic(**_proposal_fields(row))


def proposal_detail(row: queries.ProposalRow) -> schemas.ProposalDetail:
    actions = [schemas.Action(**a) for a in json.loads(row.actions)]
    return schemas.ProposalDetail(**_proposal_fields(row), actions=actions)


def _proposal_fields(row: queries.ProposalRow) -> dict[str, Any]:
    return dict(
        id=row.id, proposer=row.proposer, description=row.description,
        state=queries.proposal_state(proposal=row).value,
        vote_start=row.vote_start, vote_end=row.vote_end, for_votes=row.votes_for, against_votes=row.votes_against,
        abstain_votes=row.votes_abstain, quorum=row.quorum, eta=row.eta, created_block=row.created_block,
        created_tx=row.created_tx, as_of=row.now,
    )


def rule_changes(session: Session, rows: list[ParameterChange]) -> list[schemas.RuleChange]:
    """Each change with the proposal executed in the same transaction (what made it), when there is one."""
    by_tx = queries.executed_proposals(session=session, tx_hashes=[r.tx_hash for r in rows])
    out = []
    for r in rows:
        p = by_tx.get(r.tx_hash)
        made_by: dict[str, Any] = {} if p is None else dict(
            proposal_id=p.id, proposer=p.proposer, description=p.description, for_votes=p.votes_for,
            against_votes=p.votes_against, abstain_votes=p.votes_abstain)
        out.append(schemas.RuleChange(
            key=r.key, old_value=r.old, new_value=r.new, effective_at=r.timestamp, block_number=r.block_number,
            tx_hash=r.tx_hash, **made_by,
        ))
    return out
