from __future__ import annotations

from typing import Annotated

from eth_utils import to_checksum_address
from fastapi import APIRouter, Depends, HTTPException, Request

from api import schemas
from api.deps import RelayerDep
from api.ratelimit import limited
from api.relay import RelayRefused, nonce_authority, relay
from chain.ballots import SignedBallot

router = APIRouter(prefix="/votes", tags=["votes"])


@router.post(
    "/relay",
    response_model=schemas.RelayResult,
    responses={
        403: {"description": "the voter had no weight at the proposal's snapshot"},
        404: {"description": "no such proposal on chain"},
        409: {"description": "the proposal is not active, or the voter has already voted"},
        422: {"description": "a malformed ballot: proposal_id or nonce past uint256, support not 0/1/2, a "
                             "signature with v not 27/28 (or 0/1) or a high s, signed by another key, or a nonce "
                             "that is not the voter's current governor nonce"},
        429: {"description": "rate-limited (Retry-After says when to try again)"},
        502: {"description": "the chain refused the transaction: the governor's decoded revert reason, or the "
                             "node's refusal (e.g. the relayer cannot pay the gas)"},
        503: {"description": "relaying is off (no relayer key), or the chain cannot be reached"},
    },
)
def relay_vote(
    ballot: schemas.BallotIn, linli: RelayerDep, request: Request, _: Annotated[None, Depends(limited("relay"))]
) -> schemas.RelayResult:
    """Send a member's signed EIP-712 ballot with castVoteBySig; the co-op's relayer pays the gas."""
    signed = SignedBallot.from_json(ballot.model_dump())
    authority = nonce_authority(request.app.state.engine, linli.chain.chain_id)
    try:
        done = relay(linli, signed, authority)
    except RelayRefused as exc:
        raise HTTPException(status_code=exc.status, detail=exc.reason) from None
    return schemas.RelayResult(tx_hash=done.tx_hash, voter=to_checksum_address(signed.voter),
                               proposal_id=signed.proposal_id, support=signed.support, weight=done.weight)
