"""The dependency of every /admin route: an RFC 9421 signed request by an admin key (api.request_signature,
docs/api.md "Signed admin requests").

401 = not authenticated (a missing or malformed header or parameter, clock skew, a component left uncovered,
a signature or digest mismatch, a replayed nonce); 403 = the key id is not an admin key. Every refusal is
one line and carries Accept-Signature (RFC 9421 section 5.1) saying what to sign.

The signature covers the Content-Digest header, not the body, so everything but the body is checked before a
byte of it is read: an unsigned or forged request costs no body at all. The body is then streamed once into
a spooled temporary file (memory up to SPOOL_BYTES, then disk) and digested on the way; its size is bounded by
api.limits (413). The nonce is stored only after everything else checked out, in its own transaction, so a
refused request changes nothing.
"""
from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from typing import IO, Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.exc import IntegrityError
from starlette.requests import ClientDisconnect

from api.models import RequestNonce
from api.ratelimit import limited
from api.request_signature import ACCEPT_SIGNATURE, BodyDigest, HttpMessage, Refused, Signed, check_headers

SPOOL_BYTES = 1024 * 1024
"""Body bytes a signed request keeps in memory; the rest of it waits on disk."""


@dataclass(frozen=True, slots=True)
class AdminRequest:
    key_id: str
    body: IO[bytes]  # the verified body, spooled; open for the duration of the request

    def read(self) -> bytes:
        """The whole body in memory: for the bounded JSON routes (records), not for uploads."""
        self.body.seek(0)
        return self.body.read()


def _refuse(status: int, reason: str) -> HTTPException:
    return HTTPException(status_code=status, detail=reason, headers={"Accept-Signature": ACCEPT_SIGNATURE})


def target_uri(request: Request) -> str:
    """@target-uri as the client addressed it: scheme and Host as received (behind a proxy, uvicorn's proxy
    headers restore the scheme), then the path exactly as sent (not percent-decoded) and the query."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    path = raw.decode("latin-1").partition("?")[0]
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{request.url.scheme}://{request.url.netloc}{path}" + (f"?{query}" if query else "")


async def signed_admin(request: Request, _: Annotated[None, Depends(limited("admin"))]
                       ) -> AsyncIterator[AdminRequest]:
    """Headers and signature first, then the body against Content-Digest, then the nonce; the spooled body is
    closed (deleted) after the route."""
    settings = request.app.state.settings
    try:
        signed = check_headers(HttpMessage(request.method, target_uri(request), request.headers),
                               settings.admin_keys, max_age=settings.request_max_age, now=time.time())
    except Refused as exc:
        raise _refuse(exc.status, exc.reason) from None
    with SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
        await _spool(request, body, signed.digest)
        if not signed.digest.matches():
            raise _refuse(401, "Content-Digest does not match the body (expected sha-256=:<base64 of its "
                               "SHA-256>:)")
        _use_nonce(request, signed)
        body.seek(0)
        yield AdminRequest(key_id=signed.key_id, body=body)


async def _spool(request: Request, body: IO[bytes], digest: BodyDigest) -> None:
    """Stream the body into `body` and `digest` (api.limits bounds its size)."""
    try:
        async for chunk in request.stream():
            body.write(chunk)
            digest.update(chunk)
    except ClientDisconnect:
        raise HTTPException(status_code=400, detail="request body: the client went away before sending all of it"
                            ) from None


def _use_nonce(request: Request, signed: Signed) -> None:
    """The last check, in its own transaction: a nonce is accepted once per key, ever."""
    try:
        with request.app.state.sessions.begin() as session:
            session.add(RequestNonce(key_id=signed.key_id, nonce=signed.nonce, created=signed.created))
    except IntegrityError:
        raise _refuse(401, "nonce already used: a signed request is accepted once") from None


AdminDep = Annotated[AdminRequest, Depends(signed_admin)]
