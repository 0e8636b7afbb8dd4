"""Per-client token buckets for the write routes: `limited(name)` is a dependency answering 429 with
Retry-After when a client sends faster than LINLI_RATE_LIMIT_PER_MINUTE (a burst of that many, refilled
evenly over the minute), keyed by the client's address as the server sees it.

On SQLite (one process) the buckets live in the process. On PostgreSQL, where several API processes serve
one database, they live in the `rate_buckets` table, so a client gets one budget whichever process answers.
The `limits` library was the first choice, but its storages are memory, Redis, Memcached and MongoDB, none
of which this deployment has; so the bucket is one atomic INSERT … ON CONFLICT DO UPDATE … RETURNING
statement (the conflicting row is locked for the update, so concurrent requests take tokens one after the
other), timed by the database's clock, which every process shares.
"""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

from fastapi import HTTPException, Request
from sqlalchemy import Engine, text


class RateLimiter(Protocol):
    def take(self, key: str) -> float:
        """0 when a token was taken, else the seconds until one is available."""


class TokenBuckets:
    """The buckets of one process."""

    def __init__(self, per_minute: int) -> None:
        self.capacity, self.rate = float(per_minute), per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate


_REFILLED = "LEAST(:capacity, b.tokens + GREATEST(0, EXCLUDED.updated - b.updated) * :rate)"
_TAKE = text(f"""
INSERT INTO rate_buckets AS b (key, tokens, updated, granted)
VALUES (:key, :capacity - 1, EXTRACT(EPOCH FROM clock_timestamp()), true)
ON CONFLICT (key) DO UPDATE SET
    tokens = CASE WHEN {_REFILLED} >= 1 THEN {_REFILLED} - 1 ELSE {_REFILLED} END,
    granted = {_REFILLED} >= 1,
    updated = EXCLUDED.updated
RETURNING b.tokens, b.granted
""")


class PostgresTokenBuckets:
    """The buckets of every process on one PostgreSQL database (see the module docstring for why not `limits`)."""

    def __init__(self, engine: Engine, per_minute: int) -> None:
        self._engine = engine
        self.capacity, self.rate = float(per_minute), per_minute / 60.0

    def take(self, key: str) -> float:
        with self._engine.begin() as connection:
            tokens, granted = connection.execute(
                _TAKE, {"key": key, "capacity": self.capacity, "rate": self.rate}
            ).tuples().one()
        return 0.0 if granted else (1 - float(tokens)) / self.rate


def rate_limiter(engine: Engine, per_minute: int) -> RateLimiter:
    """Shared buckets on PostgreSQL (several processes), the process's own on SQLite."""
    if engine.dialect.name == "postgresql":
        return PostgresTokenBuckets(engine, per_minute)
    return TokenBuckets(per_minute)


def limited(name: str) -> Callable[[Request], None]:
    """A dependency: 429 with Retry-After when the client has no token left for `name`. A plain `def`, so
    FastAPI runs it in the thread pool: the PostgreSQL buckets do I/O."""

    def check(request: Request) -> None:
        limiter: RateLimiter = request.app.state.rate_limits
        client = request.client.host if request.client else "unknown"
        wait = limiter.take(f"{name}:{client}")
        if wait:
            seconds = max(1, math.ceil(wait))
            raise HTTPException(status_code=429, detail=f"too many {name} requests: retry in {seconds} s",
                                headers={"Retry-After": str(seconds)})

    return check
