"""Request bodies bounded before anything buffers them, and JSON nesting bounded before anything decodes it.

Why our own ASGI middleware: neither uvicorn nor Starlette/FastAPI has a body size limit, and FastAPI reads a
whole JSON body into memory and hands it to the C decoder before a route can look at it. So, per request:

- a Content-Length over the route's limit is answered 413 at once, without reading a byte of the body;
- bytes are counted as they arrive, so a chunked body (no Content-Length) is cut off at the limit as well;
- a body FastAPI will decode as JSON (Content-Type application/json, */*+json or none) is read here, at most
  the limit, and its nesting checked with governance.bounded_json before FastAPI sees it (422 when too deep);
- the admin routes' bodies are not read here: those routes check the signature headers first, then stream
  the body to a spooled file (api.signing), counted by this layer, and bound JSON nesting themselves (so an
  unauthenticated client never gets a record-sized buffer);
- a body must arrive whole within a deadline (408 after it), so a client trickling bytes cannot hold a
  request open forever (uvicorn itself has no body timeout).

A refused request is answered with `Connection: close`, so a client cannot keep streaming into the server.
"""
from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from api.settings import Settings
from governance.bounded_json import check_depth
from governance.errors import BadInput

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UPLOADS = re.compile(r"^/admin/(members|orders)/?$")
_RECORDS = re.compile(r"^/admin/distributions/[^/]+/(record|publish)/?$")
_JSON_TYPE = re.compile(r"^application/([^;\s]*\+)?json\s*(;|$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Limit:
    max_bytes: int
    setting: str  # the environment variable that sets it, named in every refusal
    streamed: bool = False  # the route reads the body itself (to disk): never buffered here


@dataclass(frozen=True, slots=True)
class Limits:
    default: Limit
    uploads: Limit
    records: Limit
    json_depth: int
    body_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(default=Limit(settings.max_body_bytes, "LINLI_MAX_BODY_BYTES"),
                   uploads=Limit(settings.max_upload_bytes, "LINLI_MAX_UPLOAD_BYTES", streamed=True),
                   records=Limit(settings.max_record_bytes, "LINLI_MAX_RECORD_BYTES", streamed=True),
                   json_depth=settings.max_json_depth, body_seconds=settings.body_timeout_seconds)

    def of(self, path: str) -> Limit:
        if _UPLOADS.match(path):
            return self.uploads
        if _RECORDS.match(path):
            return self.records
        return self.default


def too_large(limit: Limit, path: str) -> str:
    return f"request body: larger than {limit.max_bytes} bytes, the limit of {path} ({limit.setting})"


def too_slow(seconds: float) -> str:
    return f"request body: not received whole within {seconds:g} s (LINLI_BODY_TIMEOUT_SECONDS)"


class BodyLimits:
    """The middleware (see the module docstring); `app.add_middleware(BodyLimits, limits=...)`."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is None and "chunked" not in headers.get("transfer-encoding", "").lower():
            await self.app(scope, receive, send)  # no body at all: the hot path of every read
            return
        path = scope["path"]
        limit = self.limits.of(path)
        if length is not None:
            if not (length.isascii() and length.isdigit()):
                await _refuse(scope, receive, send, 400, "Content-Length: not a whole number of bytes")
                return
            if int(length) > limit.max_bytes:
                await _refuse(scope, receive, send, 413, too_large(limit, path))
                return
        timed = _timed(receive, asyncio.get_running_loop().time() + self.limits.body_seconds)
        if limit.streamed or not _decoded_as_json(headers.get("content-type")):
            await self.app(scope, _counted(timed, limit, path, self.limits.body_seconds), send)
            return
        body = bytearray()
        while True:
            try:
                message = await timed()
            except TimeoutError:
                await _refuse(scope, receive, send, 408, too_slow(self.limits.body_seconds))
                return
            if message["type"] != "http.request":
                return  # the client went away before its body was complete
            body += message.get("body", b"")
            if len(body) > limit.max_bytes:
                await _refuse(scope, receive, send, 413, too_large(limit, path))
                return
            if not message.get("more_body", False):
                break
        try:
            check_depth(bytes(body), max_depth=self.limits.json_depth,
                        what=f"request body (LINLI_MAX_JSON_DEPTH={self.limits.json_depth})")
        except BadInput as exc:
            await _refuse(scope, receive, send, 422, str(exc))
            return
        await self.app(scope, _replay(bytes(body), receive), send)


def _decoded_as_json(content_type: str | None) -> bool:
    """What FastAPI decodes as JSON for a body parameter: no Content-Type, or application/json or */*+json."""
    return content_type is None or content_type.strip() == "" or bool(_JSON_TYPE.match(content_type.strip()))


def _timed(receive: Receive, deadline: float) -> Receive:
    """`receive`, raising TimeoutError when the body is not complete by `deadline` (event loop time); once it
    is, later calls (a wait for the client's disconnect) have no deadline."""
    complete = False

    async def timed() -> Message:
        nonlocal complete
        if complete:
            return await receive()
        async with asyncio.timeout_at(deadline):
            message = await receive()
        complete = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    return timed


def _counted(receive: Receive, limit: Limit, path: str, seconds: float) -> Receive:
    """`receive`, raising 413 once the body passes the limit and 408 past the deadline (HTTPExceptions,
    answered by FastAPI wherever the route reads its body)."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        try:
            message = await receive()
        except TimeoutError:
            raise HTTPException(status_code=408, detail=too_slow(seconds), headers={"Connection": "close"}) from None
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit.max_bytes:
                raise HTTPException(status_code=413, detail=too_large(limit, path), headers={"Connection": "close"})
        return message

    return counted


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read here, as one message; then the client's own messages (a disconnect)."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, detail: str) -> None:
    response = JSONResponse({"detail": detail}, status_code=status, headers={"Connection": "close"})
    await response(scope, receive, send)
