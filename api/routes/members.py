from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api import queries, schemas, views
from api.deps import Address, SessionDep, parse_proposal_id

router = APIRouter(prefix="/members", tags=["members"])


@router.get("/{address}", response_model=schemas.MemberPublic)
def read_member(
    address: Address,
    session: SessionDep,
    proposal: Annotated[str | None, Query(pattern="^[0-9]{1,78}$", description="also give the weight at this "
                                          "proposal's snapshot")] = None,
) -> schemas.MemberPublic:
    member = queries.member_by_address(session=session, address=address)
    if member is None:
        raise HTTPException(status_code=404, detail=f"no member with address {address} (never held points or votes)")
    snapshot = None
    if proposal is not None:
        found = queries.proposal(session=session, proposal_id=parse_proposal_id(proposal))
        if found is None:
            raise HTTPException(status_code=404, detail=f"no proposal {proposal}")
        snapshot = found.proposal.vote_start
    return views.member(session, member, snapshot=snapshot)
