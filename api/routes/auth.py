"""Sign-In with Ethereum and the signed-in member's own data.

POST /auth/nonce hands out a single-use nonce with the domain, URI and chain id the message must carry;
POST /auth/siwe checks the signed message (api.siwe), spends the nonce and opens a 15-minute session;
POST /auth/logout ends it. GET /me is the member's own record; PUT /me/display-name the name the public
leaderboards show.
"""
from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from api import member_queries, queries, schemas, views
from api.deps import SessionDep, WriteSessionDep
from api.ratelimit import limited
from api.sessions import (
    MemberDep, clear_cookie, close_session, issue_nonce, open_session, presented_token, set_cookie, spend_nonce,
)
from api.siwe import Expected, SignInRefused, check
from governance.bounds import check_field
from governance.errors import BadInput

router = APIRouter(tags=["auth"])
Limited = Annotated[None, Depends(limited("sign-in"))]
Responses = dict[int | str, dict[str, Any]]
SIGNED_IN: Responses = {401: {"description": "no session, or it has expired"}}


def _expected(request: Request, session: SessionDep) -> Expected:
    state = queries.sync_state(session=session)
    if state is None:
        raise HTTPException(status_code=503, detail="the mirror has not synced the chain yet: no chain id to sign "
                                                    "in on; try again shortly")
    return Expected(scheme=request.url.scheme, host=request.url.netloc, chain_id=state.chain_id)


@router.post("/auth/nonce", response_model=schemas.SignInNonce, responses={429: {"description": "rate-limited"}})
def post_nonce(request: Request, session: WriteSessionDep, _: Limited) -> schemas.SignInNonce:
    """A nonce for one sign-in message, valid for 10 minutes, with the values the message must carry."""
    expected = _expected(request, session)
    nonce, expires = issue_nonce(session, now=time.time())
    session.commit()
    return schemas.SignInNonce(nonce=nonce, expires_at=expires, domain=expected.host,
                               uri=f"{expected.scheme}://{expected.host}", chain_id=expected.chain_id)


@router.post("/auth/siwe", response_model=schemas.SignedInSession,
             responses={401: {"description": "wrong domain, URI or chain, expired, replayed nonce or signature"},
                        422: {"description": "not an EIP-4361 message"}, 429: {"description": "rate-limited"}})
def post_siwe(body: schemas.SignInIn, request: Request, response: Response, session: WriteSessionDep, _: Limited
              ) -> schemas.SignedInSession:
    """Check the signed message and open a session of 15 minutes (or until the message expires, if sooner):
    the token is set as an HttpOnly, SameSite=Strict cookie and returned for Authorization: Bearer."""
    now = time.time()
    try:
        signed = check(body.message, body.signature, expected=_expected(request, session), now=now)
    except SignInRefused as exc:
        raise HTTPException(status_code=exc.status, detail=exc.reason) from None
    if not spend_nonce(session, signed.nonce, now=now):
        raise HTTPException(status_code=401, detail="the nonce is unknown, expired or already used: ask POST "
                                                    "/auth/nonce for a new one and sign again")
    token = open_session(session, address=signed.address, expires=signed.expires)
    session.commit()
    set_cookie(response, request, token, max_age=max(1, signed.expires - int(now)))
    return schemas.SignedInSession(address=signed.address, expires_at=signed.expires, token=token)


@router.post("/auth/logout", response_model=schemas.SignedOut)
def post_logout(request: Request, response: Response, session: WriteSessionDep) -> schemas.SignedOut:
    """End the session the request presents (if any) and clear the cookie."""
    token = presented_token(request)
    if token is not None:
        close_session(session, token)
        session.commit()
    clear_cookie(response, request)
    return schemas.SignedOut(signed_out=token is not None)


@router.get("/me", response_model=schemas.Me, tags=["me"], responses=SIGNED_IN)
def read_me(address: MemberDep, session: SessionDep) -> schemas.Me:
    """The signed-in member's own data: points, level, member id, achievements, payouts (with commission where
    the month's record carries it) and every payout's proof."""
    return own_data(session, address)


def own_data(session: SessionDep, address: str) -> schemas.Me:
    """A member's whole view, for the member (GET /me) and an admin (GET /admin/members/{member})."""
    connection = session.connection()
    full = views.member(connection, member_queries.own_row(connection, address), snapshot=None)
    commission = member_queries.commissions(session, address, (int(p.period.replace("-", "")) for p in full.payouts))
    for payout in full.payouts:
        payout.commission_cents = commission.get(int(payout.period.replace("-", "")))
    chosen = member_queries.display_names(session, [address]).get(address)
    return schemas.Me(**full.model_dump(exclude={"payouts"}), payouts=full.payouts, display_name=chosen,
                      public_name=chosen or member_queries.masked_name(address),
                      proofs=member_queries.own_proofs(session, address))


@router.put("/me/display-name", response_model=schemas.Me, tags=["me"],
            responses={**SIGNED_IN, 422: {"description": "too long, or an invisible character"}})
def put_display_name(body: schemas.DisplayNameIn, address: MemberDep, session: WriteSessionDep) -> schemas.Me:
    """The name the public leaderboards show for the signed-in member (null or "" for the masked id)."""
    name = (body.display_name or "").strip()
    try:
        check_field(name, schemas.MAX_DISPLAY_NAME_CHARS)
    except BadInput as exc:
        raise HTTPException(status_code=422, detail=f"display_name: {exc}") from None
    if name.startswith(member_queries.MASK):
        raise HTTPException(status_code=422, detail=f"display_name: names starting with {member_queries.MASK} are "
                                                    "the masked ids of other members")
    member_queries.set_display_name(session, address=address, name=name or None)
    session.commit()
    return own_data(session, address)
