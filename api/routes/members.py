from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from api import queries, schemas, views
from api.deps import ReadEngineDep, checked_address, parse_proposal_id
from governance.bounds import MAX_ID_CHARS

ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")  # anything else is a member id

router = APIRouter(prefix="/members", tags=["members"])


@router.get("/{member}", response_model=schemas.MemberPublic)
def read_member(
    member: Annotated[str, Path(min_length=1, max_length=MAX_ID_CHARS,
                                description="the member's 0x address (lower-case or EIP-55) or member id")],
    engine: ReadEngineDep,
    proposal: Annotated[str | None, Query(pattern="^[0-9]{1,78}$", description="also give the weight at this "
                                          "proposal's snapshot")] = None,
) -> schemas.MemberPublic:
    with engine.connect() as connection:
        if ADDRESS.fullmatch(member):
            address = checked_address(member)
        else:
            found_address = queries.address_of_member_id(connection=connection, member_id=member)
            if found_address is None:
                raise HTTPException(status_code=404, detail=f"no member with id {member!r}")
            address = found_address
        row = queries.member_by_address(connection=connection, address=address)
        if row is None:
            raise HTTPException(status_code=404, detail=f"no member with address {address} (never held points or "
                                                        "votes)")
        snapshot = None
        if proposal is not None:
            found = queries.proposal(connection=connection, proposal_id=parse_proposal_id(proposal))
            if found is None:
                raise HTTPException(status_code=404, detail=f"no proposal {proposal}")
            snapshot = found.vote_start
        return views.member(connection, row, snapshot=snapshot)
