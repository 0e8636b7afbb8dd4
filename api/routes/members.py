"""GET /members/{member}: what the chain shows about a member (points, weight, delegate, level), to anyone.
A member id is personal data: looking one up needs the member's own session (admins: /admin/members)."""
from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from sqlalchemy import Connection

from api import queries, schemas, views
from api.deps import ReadEngineDep, checked_address, parse_proposal_id
from api.sessions import signed_in_address
from governance.bounds import MAX_ID_CHARS

ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")  # anything else is a member id

router = APIRouter(prefix="/members", tags=["members"])


def located(connection: Connection, member: str, proposal: str | None, *, viewer: str | None,
            admin: bool) -> tuple[queries.MemberRow, int | None]:
    """The member's row by address, or by member id when `viewer` is that member or the caller is an admin;
    with the snapshot of `proposal`, if given."""
    if ADDRESS.fullmatch(member):
        address = checked_address(member)
    elif not admin and viewer is None:
        raise HTTPException(status_code=401, detail="a member id is personal data: sign in to look up your own, "
                                                    "or look a member up by address")
    else:
        found = queries.address_of_member_id(connection=connection, member_id=member)
        if not admin and found != viewer:
            raise HTTPException(status_code=403, detail="a member id can be looked up only by its own member")
        if found is None:
            raise HTTPException(status_code=404, detail=f"no member with id {member!r}")
        address = found
    row = queries.member_by_address(connection=connection, address=address)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no member with address {address} (never held points or "
                                                    "votes)")
    snapshot = None
    if proposal is not None:
        found_proposal = queries.proposal(connection=connection, proposal_id=parse_proposal_id(proposal))
        if found_proposal is None:
            raise HTTPException(status_code=404, detail=f"no proposal {proposal}")
        snapshot = found_proposal.vote_start
    return row, snapshot


Member = Annotated[str, Path(min_length=1, max_length=MAX_ID_CHARS,
                             description="the member's 0x address (lower-case or EIP-55), or member id (own only)")]
AtProposal = Annotated[str | None, Query(pattern="^[0-9]{1,78}$", description="also give the weight at this "
                                         "proposal's snapshot")]


@router.get("/{member}", response_model=schemas.MemberFacts,
            responses={401: {"description": "a member id without a session"},
                       403: {"description": "another member's id"}})
def read_member(member: Member, request: Request, engine: ReadEngineDep, proposal: AtProposal = None
                ) -> dict[str, Any]:
    """On-chain facts only; the member's own id, orders and payouts are at GET /me after signing in. The session
    is looked up only for a member id: reads by address (the hot path) cost no session query."""
    viewer = None if ADDRESS.fullmatch(member) else signed_in_address(request)
    with engine.connect() as connection:
        row, snapshot = located(connection, member, proposal, viewer=viewer, admin=False)
        return views.member_facts(connection, row, snapshot=snapshot)
