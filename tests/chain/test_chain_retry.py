"""Retries: transient failures (a real closed port, 429, 5xx) are retried with backoff; reverts never are."""
from __future__ import annotations

import threading
import time

import pytest
import requests
from web3.exceptions import ContractLogicError

from chain.embedded import EmbeddedChain
from chain.errors import RpcUnavailable
from chain.keys import dev_signers
from chain.nodes import LocalNode, free_port
from chain.retry import RetryPolicy, call_with_retry, is_transient
from chain.rpc import RpcChain
from chain.system import Linli

FAST = RetryPolicy(attempts=3, base_delay=0.05, factor=2.0, max_delay=1.0)


def _http_error(status: int, retry_after: str | None = None) -> requests.HTTPError:
    response = requests.Response()
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return requests.HTTPError(f"{status} error", response=response)


def test_backoff_doubles_and_is_capped() -> None:
    assert list(RetryPolicy(attempts=6, base_delay=0.25, factor=2, max_delay=1).delays()) == [0.25, 0.5, 1, 1, 1]


def test_closed_port_gives_up_after_every_attempt() -> None:
    chain = RpcChain(f"http://127.0.0.1:{free_port()}", dev_signers(1), retry=FAST)
    started = time.monotonic()
    with pytest.raises(RpcUnavailable, match=r"eth_blockNumber .* after 3 attempt"):
        chain.block_number()
    assert time.monotonic() - started >= 0.05 + 0.1  # it waited between the attempts


@pytest.mark.node
def test_a_node_that_comes_up_late_is_reached() -> None:
    port = free_port()
    node = LocalNode("anvil", port=port)
    starter = threading.Timer(1.5, node.start)
    chain = RpcChain(node.url, dev_signers(1), retry=RetryPolicy(attempts=12, base_delay=0.2, max_delay=1.0))
    started = time.monotonic()
    starter.start()
    try:
        assert chain.chain_id == 31337  # first attempts hit a closed port, later ones the node
        assert time.monotonic() - started >= 1.5
    finally:
        starter.join()
        node.stop()


def test_reverts_are_never_retried() -> None:
    calls: list[int] = []

    def reverting() -> None:
        calls.append(1)
        raise ContractLogicError("execution reverted", data="0x")

    with pytest.raises(ContractLogicError):
        call_with_retry(reverting, FAST, what="eth_call", sleep=lambda _s: None)
    assert calls == [1]


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_rate_limits_and_server_errors_are_retried(status: int) -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _http_error(status)
        return "ok"

    assert call_with_retry(flaky, FAST, what="x", sleep=lambda _s: None) == "ok"
    assert len(calls) == 3


def test_retry_after_is_honoured() -> None:
    waits: list[float] = []
    attempts = iter([_http_error(429, retry_after="0.7"), None])

    def limited() -> str:
        error = next(attempts)
        if error is not None:
            raise error
        return "ok"

    assert call_with_retry(limited, FAST, what="x", sleep=waits.append) == "ok"
    assert waits == [0.7]


@pytest.mark.parametrize("status", [400, 401, 404])
def test_client_errors_are_not_transient(status: int) -> None:
    assert not is_transient(_http_error(status))
    assert is_transient(requests.ConnectionError("refused")) and is_transient(requests.Timeout("slow"))


def test_resending_the_same_transaction_is_not_an_error(linli: Linli, chain: EmbeddedChain) -> None:
    """What a retried eth_sendRawTransaction looks like when its first attempt did arrive."""
    prepared = linli.tx.prepare(linli.points.functions.award(chain.accounts[1], 5, b"\x07" * 32), chain.signers[0])
    first = linli.tx.submit(prepared)
    assert linli.tx.submit(prepared) == first
    assert linli.tx.wait(prepared, first)["status"] == 1
    assert linli.points.functions.balanceOf(chain.accounts[1]).call() == 5
