"""An HTTP JSON-RPC provider whose every request goes through `chain.retry` (web3's own retry is off).

web3.py retries only an allow-list of read methods and not rate limits sent as JSON-RPC errors; Linli wants
one policy for every method, including eth_sendRawTransaction (re-sending identical signed bytes is safe:
the node refuses the duplicate, and `chain.transactions` then finds the transaction by hash).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web3 import HTTPProvider
from web3.types import RPCEndpoint, RPCResponse

from chain.retry import RateLimited, RetryPolicy, call_with_retry

_RATE_LIMIT_WORDS = ("rate limit", "too many requests", "exceeded the quota", "capacity exceeded")


class RetryingHTTPProvider(HTTPProvider):
    """HTTPProvider with exponential backoff on transport failures, 429/5xx and JSON-RPC rate limits."""

    def __init__(self, url: str, *, policy: RetryPolicy = RetryPolicy(), timeout: float = 30.0) -> None:
        super().__init__(
            url,
            request_kwargs={"timeout": timeout},
            exception_retry_configuration=None,
            # web3 asks eth_chainId twice per transaction; the answer cannot change under a connection
            cache_allowed_requests=True,
            cacheable_requests={RPCEndpoint("eth_chainId")},
        )
        self.policy = policy

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        def once() -> RPCResponse:
            response = super(RetryingHTTPProvider, self).make_request(method, params)
            error = response.get("error")
            if isinstance(error, dict) and _is_rate_limit(error):
                raise RateLimited(str(error.get("message")))
            return response

        return call_with_retry(once, self.policy, what=f"{method} at {self.endpoint_uri}")


def _is_rate_limit(error: Mapping[str, Any]) -> bool:
    message = str(error.get("message", "")).lower()
    return error.get("code") == 429 or any(word in message for word in _RATE_LIMIT_WORDS)
