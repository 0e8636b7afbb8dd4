from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api import queries, schemas, views
from api.deps import PagingDep, ProposalId, ReadEngineDep, SessionDep

router = APIRouter(prefix="/proposals", tags=["proposals"])


@router.get("", response_model=list[schemas.ProposalPublic])
def read_proposals(session: SessionDep, paging: PagingDep) -> list[schemas.ProposalPublic]:
    """Newest first; state as of the last indexed block."""
    page = queries.proposals(session=session, limit=paging.limit, offset=paging.offset)
    paging.total(page.total)
    return [views.proposal(p) for p in page.items]


@router.get("/{proposal_id}", response_model=schemas.ProposalDetail)
def read_proposal(proposal_id: ProposalId, engine: ReadEngineDep) -> schemas.ProposalDetail:
    with engine.connect() as connection:
        found = queries.proposal(connection=connection, proposal_id=proposal_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no proposal {proposal_id}")
    return views.proposal_detail(found)


@router.get("/{proposal_id}/votes", response_model=list[schemas.VotePublic])
def read_votes(proposal_id: ProposalId, session: SessionDep, paging: PagingDep) -> list[schemas.VotePublic]:
    if not queries.proposal_exists(session=session, proposal_id=proposal_id):
        raise HTTPException(status_code=404, detail=f"no proposal {proposal_id}")
    page = queries.votes(session=session, proposal_id=proposal_id, limit=paging.limit, offset=paging.offset)
    paging.total(page.total)
    return [schemas.VotePublic.model_validate(v) for v in page.items]
