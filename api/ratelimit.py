"""Per-client token buckets for the write routes: `limited(name)` is a dependency answering 429 with
Retry-After when a client sends faster than LINLI_RATE_LIMIT_PER_MINUTE. Buckets live in the process (each
API process limits on its own), keyed by the client's address as the server sees it."""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request


class TokenBuckets:
    def __init__(self, per_minute: int) -> None:
        self.capacity, self.rate = float(per_minute), per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when a token was taken, else the seconds until one is available."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate


def limited(name: str) -> Callable[[Request], Awaitable[None]]:
    async def check(request: Request) -> None:
        buckets: TokenBuckets = request.app.state.rate_limits
        client = request.client.host if request.client else "unknown"
        wait = buckets.take(f"{name}:{client}")
        if wait:
            raise HTTPException(status_code=429, detail=f"too many {name} requests: retry in {math.ceil(wait)} s",
                                headers={"Retry-After": str(math.ceil(wait))})

    return check
