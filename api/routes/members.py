from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api import queries, schemas, views
from api.deps import Address, ReadEngineDep, parse_proposal_id

router = APIRouter(prefix="/members", tags=["members"])


@router.get("/{address}", response_model=schemas.MemberPublic)
def read_member(
    address: Address,
    engine: ReadEngineDep,
    proposal: Annotated[str | None, Query(pattern="^[0-9]{1,78}$", description="also give the weight at this "
                                          "proposal's snapshot")] = None,
) -> schemas.MemberPublic:
    with engine.connect() as connection:
        member = queries.member_by_address(connection=connection, address=address)
        if member is None:
            raise HTTPException(status_code=404, detail=f"no member with address {address} (never held points or "
                                                        "votes)")
        snapshot = None
        if proposal is not None:
            found = queries.proposal(connection=connection, proposal_id=parse_proposal_id(proposal))
            if found is None:
                raise HTTPException(status_code=404, detail=f"no proposal {proposal}")
            snapshot = found.vote_start
        return views.member(connection, member, snapshot=snapshot)
