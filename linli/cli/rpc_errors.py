"""What the CLI's error boundary says when a node refuses a request that Linli's own checks let through.

web3 raises its exceptions with the node's JSON-RPC error in them (a dict, printed whole); `requests` raises
its own when the node stops answering mid-command. Both are failures of the chain, not bugs of Linli, so the
person at the terminal gets the node's own message on one line, and a way out for the case a member meets
most: a key without ether, which can still vote by signing a ballot that someone else relays.
"""
from __future__ import annotations

import sys

from linli.i18n import t


def rpc_failure(exc: BaseException) -> str | None:
    """One line for a node's refusal or a lost connection; None for anything else (a real bug: re-raised)."""
    if "web3" in sys.modules:  # only a command that talked to a chain can fail this way
        from chain.node_errors import NODE_ERROR, NODE_REFUSAL

        if isinstance(exc, NODE_REFUSAL):
            return _refusal(exc)
        if isinstance(exc, NODE_ERROR):
            return t("error.rpc", message=_one_line(str(exc)))
    if "requests" in sys.modules:
        from requests import RequestException

        if isinstance(exc, RequestException):
            return t("error.rpc_unreachable", message=_one_line(str(exc)))
    return None


def _refusal(exc: BaseException) -> str:
    response = getattr(exc, "rpc_response", None)
    error = response.get("error") if isinstance(response, dict) else None
    message = str(error.get("message")) if isinstance(error, dict) and error.get("message") else str(exc)
    if "insufficient funds" in message.lower():
        return t("error.no_ether", message=_one_line(message))
    return t("error.rpc", message=_one_line(message))


def _one_line(text: str, most: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"
