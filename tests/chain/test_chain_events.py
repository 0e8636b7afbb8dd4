"""Log decoding and range splitting, against the embedded chain's real eth_getLogs.

No node here refuses big ranges, so the splitting is shown two ways: a small `max_range` must still return
every log, in several queries; and when a query fails with the words a real provider uses (Infura's
"query returned more than 10000 results"), the fetcher bisects and still returns every log.
"""
from __future__ import annotations

import pytest
from web3.exceptions import Web3RPCError
from web3.types import FilterParams, LogReceipt

from chain.embedded import EmbeddedChain
from chain.errors import LogRangeRefused
from chain.events import LogFetcher, is_range_refusal
from chain.points import Award, Points, evidence_id
from chain.system import Linli

INFURA = "query returned more than 10000 results. Try with this block range [0x1, 0x2]."
ALCHEMY = ("Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no "
           "limit on the response size, or you can request any block range with a cap of 10K logs in the response.")
BSC = "exceed maximum block range: 5000"
BESU = "Requested range exceeds maximum range limit"
EXPECTED_AWARD_EVENTS = ["Transfer", "DelegateVotesChanged", "PointsAwarded"]


def _award_over_blocks(linli: Linli, chain: EmbeddedChain, count: int) -> tuple[int, int]:
    """`count` single awards, one per block, with an empty block between each; returns the block range."""
    points, first = Points(linli), chain.block_number() + 1
    for i in range(count):
        points.award(Award(chain.accounts[1 + i % 5], i + 1, evidence_id(f"split:{i}")))
        chain.mine(1)
    return first, chain.block_number()


def _awarded(linli: Linli, logs: list[LogReceipt]) -> list[int]:
    return [e.args["amount"] for e in linli.events.decode_all(logs) if e.name == "PointsAwarded"]


def test_small_max_range_fetches_everything_in_several_calls(linli: Linli, chain: EmbeddedChain) -> None:
    first, last = _award_over_blocks(linli, chain, 12)
    fetcher = linli.log_fetcher(max_range=5)
    logs = fetcher.fetch(first, last, address=linli.points.address)
    assert _awarded(linli, logs) == list(range(1, 13))
    span = last - first + 1
    assert fetcher.requests == -(-span // 5) and fetcher.requests > 1
    whole = linli.log_fetcher(max_range=10_000)
    assert whole.fetch(first, last, address=linli.points.address) == logs and whole.requests == 1


def test_a_real_refusal_message_triggers_bisection(linli: Linli, chain: EmbeddedChain) -> None:
    first, last = _award_over_blocks(linli, chain, 10)
    refused: list[tuple[int, int]] = []
    answered: list[tuple[int, int]] = []

    def get_logs(params: FilterParams) -> list[LogReceipt]:
        lo, hi = int(params["fromBlock"]), int(params["toBlock"])  # type: ignore[arg-type]
        if hi - lo + 1 > 4:  # the node's policy: at most 4 blocks per query, answered as Infura does
            refused.append((lo, hi))
            raise Web3RPCError(INFURA)
        answered.append((lo, hi))
        return chain.w3.eth.get_logs(params)

    fetcher = LogFetcher(get_logs, max_range=1_000)
    logs = fetcher.fetch(first, last, address=linli.points.address)
    assert _awarded(linli, logs) == list(range(1, 11))
    assert refused[0] == (first, last)
    assert fetcher.max_range <= 4  # learnt: later windows start small
    assert fetcher.requests == len(refused) + len(answered)
    covered = sorted(b for lo, hi in answered for b in range(lo, hi + 1))
    assert covered == list(range(first, last + 1))  # every block asked exactly once, no gaps


def test_refusal_of_a_single_block_is_an_error(chain: EmbeddedChain) -> None:
    def get_logs(params: FilterParams) -> list[LogReceipt]:
        raise Web3RPCError(ALCHEMY)

    with pytest.raises(LogRangeRefused, match="block 7"):
        LogFetcher(get_logs, max_range=1).fetch(7, 7)


def test_other_errors_are_not_split(chain: EmbeddedChain) -> None:
    calls = []

    def get_logs(params: FilterParams) -> list[LogReceipt]:
        calls.append(params)
        raise Web3RPCError("invalid argument 0: hex string has odd length")

    with pytest.raises(Web3RPCError):
        LogFetcher(get_logs, max_range=100).fetch(0, 99)
    assert len(calls) == 1


@pytest.mark.parametrize("message", [INFURA, ALCHEMY, BSC, BESU, "block range is too wide",
                                     "eth_getLogs is limited to a 10,000 range"])
def test_provider_refusals_are_recognised(message: str) -> None:
    assert is_range_refusal(Web3RPCError(message))


@pytest.mark.parametrize("message", ["execution reverted", "Too Many Requests", "header not found"])
def test_other_failures_are_not_refusals(message: str) -> None:
    assert not is_range_refusal(Web3RPCError(message))


def test_unknown_logs_are_skipped(linli: Linli, chain: EmbeddedChain) -> None:
    receipt = Points(linli).award(Award(chain.accounts[1], 3, evidence_id("decode")))
    names = [e.name for e in linli.events.from_receipt(receipt)]
    assert names == EXPECTED_AWARD_EVENTS
    foreign = dict(receipt["logs"][0], topics=[b"\x01" * 32])
    assert linli.events.decode(foreign) is None  # type: ignore[arg-type]
