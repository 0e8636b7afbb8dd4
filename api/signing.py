"""Ed25519-signed admin requests (docs/api.md "Signed admin requests").

A client signs, with an admin key, the bytes

    linli-request/1 \\n METHOD \\n PATH?QUERY \\n CREATED \\n NONCE \\n sha-256(body) hex

and sends them with the headers

    X-Linli-Key: <key id>            one of LINLI_ADMIN_KEYS (id:public-key)
    X-Linli-Created: <unix seconds>  within ±request_max_age (300 s) of the server's clock
    X-Linli-Nonce: <16-128 of [A-Za-z0-9_-]>   accepted once per key, ever (stored in the database)
    Content-Digest: sha-256=<hex of the body's SHA-256>
    X-Linli-Signature: <128 hex digits>

401 = not authenticated (missing/malformed header, clock skew, digest or signature mismatch, replayed
nonce); 403 = the key id is not an admin key. Every comparison of secrets-derived values is constant-time.
The nonce is stored only after everything else checked out, in its own transaction, so a refused request
changes nothing.

Every header is checked before the body is read, so an unsigned request costs no body at all. The body is
then streamed once into a spooled temporary file (memory up to SPOOL_BYTES, then disk) and digested on the
way; its size is bounded by api.limits (413), so no request holds more than SPOOL_BYTES of body in memory.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from typing import IO, Annotated

from fastapi import Depends, HTTPException, Request
from starlette.requests import ClientDisconnect
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey
from sqlalchemy.exc import IntegrityError

from api.models import RequestNonce
from api.ratelimit import limited

PREFIX = b"linli-request/1"
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_SIGNATURE = re.compile(r"^(0x)?[0-9a-fA-F]{128}$")
_DIGEST = re.compile(r"^sha-256=([0-9a-fA-F]{64})$")
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


def message(method: str, target: str, created: int, nonce: str, body: bytes) -> bytes:
    """The bytes an admin signs; `target` is the path with its query string, as sent."""
    return signed_bytes(method, target, created, nonce, hashlib.sha256(body).hexdigest())


def signed_bytes(method: str, target: str, created: int, nonce: str, digest_hex: str) -> bytes:
    """`message` for a body known by its SHA-256 only (the server digests while streaming)."""
    return b"\n".join([PREFIX, method.upper().encode(), target.encode(), str(created).encode(), nonce.encode(),
                       digest_hex.encode()])


def sign_headers(key_id: str, seed: bytes, method: str, target: str, body: bytes = b"",
                 *, created: int | None = None, nonce: str | None = None) -> dict[str, str]:
    """Headers of a signed request (clients and tests); `seed` is the admin's 32-byte Ed25519 seed."""
    created = int(time.time()) if created is None else created
    nonce = nonce or secrets.token_urlsafe(24)
    signature = SigningKey(seed).sign(message(method, target, created, nonce, body)).signature
    return {
        "X-Linli-Key": key_id,
        "X-Linli-Created": str(created),
        "X-Linli-Nonce": nonce,
        "Content-Digest": f"sha-256={hashlib.sha256(body).hexdigest()}",
        "X-Linli-Signature": signature.hex(),
    }


def _refuse(status: int, reason: str) -> HTTPException:
    return HTTPException(status_code=status, detail=reason, headers={"WWW-Authenticate": "Linli-Ed25519"})


async def signed_admin(request: Request, _: Annotated[None, Depends(limited("admin"))]
                       ) -> AsyncIterator[AdminRequest]:
    """The dependency of every /admin route; the spooled body is closed (deleted) after the route."""
    settings = request.app.state.settings
    headers = request.headers
    values = {}
    for name in ("X-Linli-Key", "X-Linli-Created", "X-Linli-Nonce", "Content-Digest", "X-Linli-Signature"):
        value = headers.get(name)
        if not value:
            raise _refuse(401, f"unsigned request: header {name} is missing (see the signing scheme in the docs)")
        values[name] = value
    key_id = values["X-Linli-Key"]
    public = settings.admin_keys.get(key_id)
    if public is None:
        raise _refuse(403, f"key id {key_id!r} is not an admin key")
    try:
        created = int(values["X-Linli-Created"])
    except ValueError:
        raise _refuse(401, "X-Linli-Created must be whole unix seconds") from None
    skew = abs(time.time() - created)
    if skew > settings.request_max_age:
        raise _refuse(401, f"request created {int(skew)} s away from the server clock (at most "
                           f"{settings.request_max_age} s): expired or clock skew")
    nonce = values["X-Linli-Nonce"]
    if not _NONCE.match(nonce):
        raise _refuse(401, "X-Linli-Nonce must be 16 to 128 characters of A-Z a-z 0-9 _ -")
    sent = _DIGEST.match(values["Content-Digest"])
    if sent is None:
        raise _refuse(401, "Content-Digest must be sha-256=<64 hex digits of the body's SHA-256>")
    if not _SIGNATURE.match(values["X-Linli-Signature"]):
        raise _refuse(401, "X-Linli-Signature must be 128 hex digits (an Ed25519 signature)")
    with SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
        digest = await _spool(request, body)
        if not hmac.compare_digest(sent.group(1).lower(), digest):
            raise _refuse(401, "Content-Digest does not match the body (expected sha-256=<hex>)")
        _verify(request, key_id, public, values["X-Linli-Signature"], created, nonce, digest)
        body.seek(0)
        yield AdminRequest(key_id=key_id, body=body)


async def _spool(request: Request, body: IO[bytes]) -> str:
    """Stream the body into `body` (api.limits bounds its size); its SHA-256, hex."""
    digest = hashlib.sha256()
    try:
        async for chunk in request.stream():
            body.write(chunk)
            digest.update(chunk)
    except ClientDisconnect:
        raise HTTPException(status_code=400, detail="request body: the client went away before sending all of it"
                            ) from None
    return digest.hexdigest()


def _verify(request: Request, key_id: str, public: str, signature: str, created: int, nonce: str,
            digest: str) -> None:
    """Check the signature, then use up the nonce (the last check, in its own transaction)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    signed = signed_bytes(request.method, target, created, nonce, digest)
    try:
        VerifyKey(bytes.fromhex(public)).verify(signed, bytes.fromhex(signature.removeprefix("0x")))
    except BadSignatureError:
        raise _refuse(401, f"signature does not verify with admin key {key_id!r} over method, path, time, nonce "
                           "and body digest") from None
    try:
        with request.app.state.sessions.begin() as session:
            session.add(RequestNonce(key_id=key_id, nonce=nonce, created=created))
    except IntegrityError:
        raise _refuse(401, "nonce already used: a signed request is accepted once") from None


AdminDep = Annotated[AdminRequest, Depends(signed_admin)]
