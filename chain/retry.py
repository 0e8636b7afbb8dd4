"""Exponential backoff for transient RPC failures — and only those.

Transient: the endpoint is unreachable (connection refused or reset), too slow (timeout), rate limiting
(HTTP 429, honouring Retry-After) or failing on its side (HTTP 5xx). A revert is an answer, not a failure:
it is never retried, so a reverting transaction is never sent twice.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import requests

from chain.errors import RpcUnavailable

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """`attempts` tries in all, waiting base_delay, base_delay·factor, … (capped at max_delay) in between."""

    attempts: int = 6
    base_delay: float = 0.25
    factor: float = 2.0
    max_delay: float = 8.0

    def delays(self) -> Iterator[float]:
        """The waits between consecutive attempts (one fewer than `attempts`)."""
        delay = self.base_delay
        for _ in range(self.attempts - 1):
            yield min(delay, self.max_delay)
            delay *= self.factor


NO_RETRY = RetryPolicy(attempts=1)


class RateLimited(Exception):
    """A JSON-RPC answer saying "slow down" inside a 200 response (some providers do that)."""


def is_transient(exc: BaseException) -> bool:
    """True for failures worth retrying: unreachable, timed out, rate limited or a server-side 5xx."""
    if isinstance(exc, RateLimited):
        return True
    if isinstance(exc, requests.HTTPError):
        status = exc.response.status_code if exc.response is not None else 0
        return status == 429 or status >= 500
    return isinstance(
        exc,
        (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError),
    )


def _retry_after(exc: BaseException) -> float | None:
    """Seconds from an HTTP Retry-After header, when the server sent one as a number."""
    response = getattr(exc, "response", None)
    header = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(header) if header is not None else None
    except ValueError:
        return None


def call_with_retry(
    action: Callable[[], T],
    policy: RetryPolicy,
    *,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `action`, retrying transient failures per `policy`; raise RpcUnavailable when they persist."""
    delays = policy.delays()
    attempt = 0
    while True:
        attempt += 1
        try:
            return action()
        except Exception as exc:
            if not is_transient(exc):
                raise
            delay = next(delays, None)
            if delay is None:
                raise RpcUnavailable(f"{what}: still failing after {attempt} attempt(s): {exc}") from exc
            hinted = _retry_after(exc)
            sleep(min(policy.max_delay, hinted) if hinted is not None else delay)
