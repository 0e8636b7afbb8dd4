"""The relay routes: POST /votes/relay (a signed ballot) and POST /delegations/relay (a signed delegation).
Both are simulated on the chain before the relayer pays, share the relay rate limit and the relayer's nonce
authority, and answer a refusal with its status (api.relay)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from eth_utils import to_checksum_address
from fastapi import APIRouter, Depends, HTTPException, Request

from api import schemas
from api.deps import RelayerDep
from api.ratelimit import limited
from api.relay import RelayRefused, nonce_authority, relay, relay_delegation
from chain.ballots import SignedBallot
from chain.delegations import SignedDelegation
from chain.nonces import NonceAuthority
from chain.system import Linli

router = APIRouter()
T = TypeVar("T")
Responses = dict[int | str, dict[str, Any]]

COMMON: Responses = {
    429: {"description": "rate-limited (Retry-After says when to try again)"},
    502: {"description": "the chain refused: the contract's decoded revert reason, or the node's refusal (e.g. the "
                         "relayer cannot pay the gas)"},
    503: {"description": "relaying is off (no relayer key), or the chain cannot be reached"},
}
BALLOT_REFUSALS: Responses = {
    403: {"description": "the voter had no weight at the proposal's snapshot"},
    404: {"description": "no such proposal on chain"},
    409: {"description": "the proposal is not active, or the voter has already voted (a replayed ballot too)"},
    422: {"description": "a malformed ballot (a field past its type or bound, an unknown field), or one the "
                         "governor's simulation refused as not the voter's: signed by another key, over "
                         "another nonce, a malformed ECDSA signature, or refused by the voter's ERC-1271 "
                         "account"},
    **COMMON,
}
DELEGATION_REFUSALS: Responses = {
    409: {"description": "the delegation's nonce was already used (a replay)"},
    422: {"description": "a malformed delegation (a field past its type, an unknown field), signed by another "
                         "key than the delegator's, expired, over a future nonce, or a signature the token's "
                         "ECDSA refuses"},
    **COMMON,
}


def relayed(linli: Linli, request: Request, send: Callable[[NonceAuthority | None], T]) -> T:
    """`send` under the relayer key's nonce authority; a refusal becomes its HTTP status."""
    try:
        return send(nonce_authority(request.app.state.engine, linli.chain.chain_id))
    except RelayRefused as exc:
        raise HTTPException(status_code=exc.status, detail=exc.reason) from None


@router.post("/votes/relay", tags=["votes"], response_model=schemas.RelayResult, responses=BALLOT_REFUSALS)
def relay_vote(
    ballot: schemas.BallotIn, linli: RelayerDep, request: Request, _: Annotated[None, Depends(limited("relay"))]
) -> schemas.RelayResult:
    """Send a member's signed EIP-712 ballot (castVoteBySig, or castVoteWithReasonAndParamsBySig with a reason)
    after simulating it; the co-op's relayer pays the gas."""
    signed = SignedBallot.from_json(ballot.model_dump())
    done = relayed(linli, request, lambda authority: relay(linli, signed, authority))
    return schemas.RelayResult(tx_hash=done.tx_hash, voter=to_checksum_address(signed.voter),
                               proposal_id=signed.proposal_id, support=signed.support, weight=done.weight)


@router.post("/delegations/relay", tags=["delegations"], response_model=schemas.DelegationResult,
             responses=DELEGATION_REFUSALS)
def relay_delegation_route(
    body: schemas.DelegationIn, linli: RelayerDep, request: Request, _: Annotated[None, Depends(limited("relay"))]
) -> schemas.DelegationResult:
    """Send a member's ERC-5805 delegation with the points token's delegateBySig after simulating it; the relayer
    pays the gas. Only an EOA can delegate by signature (OpenZeppelin's delegateBySig takes no ERC-1271)."""
    delegation = SignedDelegation(to_checksum_address(body.delegator), to_checksum_address(body.delegatee),
                                  int(body.nonce), body.expiry, body.v, bytes.fromhex(body.r[2:]),
                                  bytes.fromhex(body.s[2:]))
    tx_hash = relayed(linli, request, lambda authority: relay_delegation(linli, delegation, authority))
    return schemas.DelegationResult(tx_hash=tx_hash, delegator=delegation.delegator, delegatee=delegation.delegatee)
