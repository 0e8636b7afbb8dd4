"""Product polls: GET /polls, GET /polls/{id} (with its tallies, state and winners at the last indexed block),
GET /polls/{id}/approvals, and POST /polls/relay (a signed approval, simulated before the relayer pays)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from api import poll_queries, schemas
from api.deps import PagingDep, RelayerDep, SessionDep
from api.poll_relay import relay_approval
from api.product_names import product_name
from api.ratelimit import limited
from api.routes.votes import COMMON, Responses, relayed
from chain.ballots import MAX_UINT256
from chain.polls import SignedApproval

router = APIRouter(tags=["polls"])

APPROVAL_REFUSALS: Responses = {
    403: {"description": "the voter had no points at the poll's snapshot"},
    404: {"description": "no such poll on chain"},
    409: {"description": "the poll is not active, or the voter has already approved (a replayed approval too)"},
    422: {"description": "a malformed approval (a field past its type or bound, a selection of none or past 64 "
                         "candidates, an unknown field), a selection naming a candidate the poll lacks, or a "
                         "signature ProductPoll refused as not the voter's: another key, another nonce, a "
                         "malformed ECDSA signature, or refused by the voter's ERC-1271 account"},
    **COMMON,
}


async def poll_id_param(
    poll_id: Annotated[str, Path(pattern="^[0-9]{1,78}$", description="poll id (uint256, decimal)")],
) -> int:
    value = int(poll_id)
    if value > MAX_UINT256:
        raise HTTPException(status_code=422, detail=f"poll id {poll_id} is larger than a uint256")
    return value


PollId = Annotated[int, Depends(poll_id_param)]


def _public(row: poll_queries.PollRow) -> schemas.PollPublic:
    poll = row.poll
    state, winners = poll_queries.state(row)
    options = [schemas.PollOptionPublic(position=o.position, product_id=o.product_id, name=product_name(o.product_id),
                                        metadata_hash=o.metadata_hash, weight=o.weight) for o in row.options]
    return schemas.PollPublic(
        id=poll.id, creator=poll.creator, description=poll.description, state=state.value, options=options,
        winners=winners, enacted=row.enacted, added=poll.added if row.enacted else None, top_n=poll.top_n,
        snapshot=poll.snapshot, deadline=poll.deadline, quorum_numerator=poll.quorum_numerator,
        quorum=None if state is poll_queries.PollState.PENDING else row.quorum, turnout=poll.turnout,
        created_block=poll.created_block, created_tx=poll.created_tx, enacted_tx=poll.enacted_tx, as_of=row.now,
    )


@router.get("/polls", response_model=list[schemas.PollPublic])
def read_polls(session: SessionDep, paging: PagingDep) -> list[schemas.PollPublic]:
    """Product polls, newest first; tallies and state as of the last indexed block."""
    page = poll_queries.polls(session=session, limit=paging.limit, offset=paging.offset)
    paging.total(page.total)
    return [_public(row) for row in page.items]


@router.get("/polls/{poll_id}", response_model=schemas.PollPublic)
def read_poll(poll_id: PollId, session: SessionDep) -> schemas.PollPublic:
    found = poll_queries.poll(session=session, poll_id=poll_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no poll {poll_id}")
    return _public(found)


@router.get("/polls/{poll_id}/approvals", response_model=list[schemas.PollApprovalPublic])
def read_approvals(poll_id: PollId, session: SessionDep, paging: PagingDep) -> list[schemas.PollApprovalPublic]:
    """The ballots cast in the poll, oldest first."""
    if poll_queries.poll(session=session, poll_id=poll_id) is None:
        raise HTTPException(status_code=404, detail=f"no poll {poll_id}")
    page = poll_queries.approvals(session=session, poll_id=poll_id, limit=paging.limit, offset=paging.offset)
    paging.total(page.total)
    return [schemas.PollApprovalPublic.model_validate(a) for a in page.items]


@router.post("/polls/relay", response_model=schemas.ApprovalRelayed, responses=APPROVAL_REFUSALS)
def relay_poll_approval(
    body: schemas.ApprovalIn, linli: RelayerDep, request: Request, _: Annotated[None, Depends(limited("relay"))]
) -> schemas.ApprovalRelayed:
    """Send a member's signed EIP-712 approval (ProductPoll.approveBySig) after simulating it; the co-op's
    relayer pays the gas."""
    approval = SignedApproval.from_json(body.model_dump())
    done = relayed(linli, request, lambda authority: relay_approval(linli, approval, authority))
    return schemas.ApprovalRelayed(tx_hash=done.tx_hash, voter=approval.voter, poll_id=approval.poll_id,
                                   selection=approval.selection, weight=done.weight)
