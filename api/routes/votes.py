from __future__ import annotations

from typing import Annotated

from eth_utils import to_checksum_address
from fastapi import APIRouter, Depends, HTTPException

from api import schemas
from api.deps import RelayerDep
from api.ratelimit import limited
from api.relay import RelayRefused, relay
from chain.ballots import SignedBallot

router = APIRouter(prefix="/votes", tags=["votes"])


@router.post(
    "/relay",
    response_model=schemas.RelayResult,
    responses={403: {"description": "no weight at the snapshot"}, 404: {"description": "no such proposal"},
               409: {"description": "not active, or already voted"}, 429: {"description": "rate-limited"},
               503: {"description": "relaying is off"}},
)
def relay_vote(
    ballot: schemas.BallotIn, linli: RelayerDep, _: Annotated[None, Depends(limited("relay"))]
) -> schemas.RelayResult:
    """Send a member's signed EIP-712 ballot with castVoteBySig; the co-op's relayer pays the gas."""
    signed = SignedBallot.from_json(ballot.model_dump())
    try:
        done = relay(linli, signed)
    except RelayRefused as exc:
        raise HTTPException(status_code=exc.status, detail=exc.reason) from None
    return schemas.RelayResult(tx_hash=done.tx_hash, voter=to_checksum_address(signed.voter),
                               proposal_id=signed.proposal_id, support=signed.support, weight=done.weight)
