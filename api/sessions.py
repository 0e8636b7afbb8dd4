"""Member sessions after Sign-In with Ethereum: single-use nonces and sessions, both in the database (any
API process accepts what another issued), and the dependencies that tell a route who is asking.

A session token is random; only its SHA-256 is stored, so a copy of the database opens no session. The token
travels in an HttpOnly, SameSite=Strict cookie (the dashboard: page scripts cannot read it, other sites
cannot send it) or as `Authorization: Bearer` (other clients).
"""
from __future__ import annotations

import hashlib
import secrets
import time
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.models import MemberSession, SignInNonce
from api.siwe import NONCE_SECONDS

COOKIE = "linli_session"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_nonce(session: Session, *, now: float) -> tuple[str, int]:
    """A new nonce and its expiry; expired nonces and sessions are swept on the way (the tables stay small)."""
    session.execute(delete(SignInNonce).where(SignInNonce.expires < now))
    session.execute(delete(MemberSession).where(MemberSession.expires < now))
    nonce, expires = secrets.token_hex(16), int(now) + NONCE_SECONDS
    session.add(SignInNonce(nonce=nonce, expires=expires))
    return nonce, expires


def spend_nonce(session: Session, nonce: str, *, now: float) -> bool:
    """True once per issued, unexpired nonce: the delete is the check, so two processes cannot both spend it."""
    result = session.execute(delete(SignInNonce).where(SignInNonce.nonce == nonce, SignInNonce.expires >= now))
    return bool(getattr(result, "rowcount", 0))


def open_session(session: Session, *, address: str, expires: int) -> str:
    token = secrets.token_urlsafe(32)
    session.add(MemberSession(token_hash=_digest(token), address=address, expires=expires))
    return token


def close_session(session: Session, token: str) -> None:
    session.execute(delete(MemberSession).where(MemberSession.token_hash == _digest(token)))


def set_cookie(response: Response, request: Request, token: str, *, max_age: int) -> None:
    response.set_cookie(COOKIE, token, max_age=max_age, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, httponly=True, samesite="strict", path="/", secure=request.url.scheme == "https")


def presented_token(request: Request) -> str | None:
    """The bearer token, else the cookie (None when neither is sent)."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.cookies.get(COOKIE)


def signed_in_address(request: Request) -> str | None:
    """The address of the live session the request presents, else None. A plain `def`: it queries, so FastAPI
    runs it in the thread pool."""
    token = presented_token(request)
    if token is None or len(token) > 128:
        return None
    with request.app.state.read_sessions() as session:
        return session.scalar(select(MemberSession.address).where(
            MemberSession.token_hash == _digest(token), MemberSession.expires > time.time()))


async def required_address(address: Annotated[str | None, Depends(signed_in_address)]) -> str:
    if address is None:
        raise HTTPException(status_code=401, detail="sign in first (POST /auth/nonce, then POST /auth/siwe): no "
                                                    "session, or it has expired",
                            headers={"WWW-Authenticate": "Bearer"})
    return address


ViewerDep = Annotated[str | None, Depends(signed_in_address)]
"""The signed-in address, or None for anyone else."""
MemberDep = Annotated[str, Depends(required_address)]
"""The signed-in address; 401 without a live session."""
