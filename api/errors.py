"""The app's answers to exceptions a route does not handle itself.

Why a validation handler of our own: FastAPI's default one echoes each invalid input back, and a JSON body such
as `1e999999` decodes to infinity, which its strict JSON response cannot encode, so the 422 became a 500 and the
connection was dropped. Here non-finite numbers in the echo are written as text.
"""
from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from chain.errors import ChainError


def _finite(value: Any) -> Any:
    """`value` with every NaN or infinity (at any depth) replaced by its text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def register(app: FastAPI) -> None:
    """Install the handlers on `app`."""

    @app.exception_handler(RequestValidationError)
    async def unprocessable(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": _finite(jsonable_encoder(exc.errors()))})

    @app.exception_handler(ChainError)
    async def chain_unavailable(_request: Request, exc: ChainError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": f"chain error: {exc}"})
