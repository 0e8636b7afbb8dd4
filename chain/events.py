"""Events of Linli's contracts: decoding logs, and fetching them over long block ranges.

Public nodes cap eth_getLogs (Infura: 10,000 results; Alchemy: 2K blocks or 10K logs; BSC: 5,000 blocks…).
`LogFetcher` walks a range in windows of at most `max_range` blocks and, when a node still refuses a window,
bisects it (and keeps the smaller window for the rest of the walk). Transport failures are retried below,
by the provider (`chain.provider`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from eth_typing import ABIEvent
from eth_utils import event_abi_to_log_topic
from hexbytes import HexBytes
from web3 import Web3
from web3._utils.events import get_event_data
from web3.types import FilterParams, LogReceipt, TxReceipt

from chain.errors import LogRangeRefused

# What real nodes and providers answer when a log query is too big (matched lower-case).
RANGE_REFUSALS = (
    "query returned more than",  # Infura, Polygon/Bor: "query returned more than 10000 results"
    "log response size exceeded",  # Alchemy
    "block range",  # Alchemy "up to a 2K block range", Ankr "block range is too wide", QuickNode
    "range too large",
    "range is too large",
    "exceed maximum block range",  # BSC
    "exceeds maximum range",  # Besu "Requested range exceeds maximum range limit"
    "exceeds max results",
    "too many results",
    "limited to a",  # QuickNode "eth_getLogs is limited to a 10,000 range"
    "query timeout exceeded",
)


def is_range_refusal(exc: BaseException) -> bool:
    """True when a node refused an eth_getLogs query for its size (split it), not for another reason."""
    text = str(exc).lower()
    return any(phrase in text for phrase in RANGE_REFUSALS)


@dataclass(frozen=True, slots=True)
class Event:
    """One decoded log."""

    name: str
    args: dict[str, Any]
    address: str
    block_number: int
    tx_hash: str
    log_index: int


class EventDecoder:
    """Decodes logs against the `event` entries of every given ABI (keyed by topic 0)."""

    def __init__(self, abis: Iterable[Sequence[Mapping[str, Any]]]) -> None:
        self._codec = Web3().codec
        self._events: dict[bytes, list[Mapping[str, Any]]] = {}
        for abi in abis:
            for entry in abi:
                if entry.get("type") == "event" and not entry.get("anonymous"):
                    layouts = self._events.setdefault(bytes(event_abi_to_log_topic(cast(ABIEvent, entry))), [])
                    if entry not in layouts:
                        layouts.append(entry)

    def topic(self, name: str) -> HexBytes:
        """Topic 0 of the event called `name` (for eth_getLogs filters)."""
        for topic, layouts in self._events.items():
            if any(e["name"] == name for e in layouts):
                return HexBytes(topic)
        raise KeyError(f"no event named {name} in the ABIs")

    def decode(self, log: LogReceipt) -> Event | None:
        """The decoded event, or None for a log no known ABI describes."""
        if not log["topics"]:
            return None
        # the same signature may be indexed differently (ERC-20 vs ERC-721 Transfer): try each layout
        for entry in self._events.get(bytes(log["topics"][0]), []):
            try:
                data = get_event_data(self._codec, entry, log)
            except Exception:
                continue
            return Event(
                name=data["event"],
                args=dict(data["args"]),
                address=data["address"],
                block_number=int(data["blockNumber"]),
                tx_hash=HexBytes(data["transactionHash"]).to_0x_hex(),
                log_index=int(data["logIndex"]),
            )
        return None

    def decode_all(self, logs: Iterable[LogReceipt]) -> list[Event]:
        """Every decodable log, in the given order."""
        return [e for e in map(self.decode, logs) if e is not None]

    def from_receipt(self, receipt: TxReceipt) -> list[Event]:
        """The events a transaction emitted."""
        return self.decode_all(receipt["logs"])


GetLogs = Callable[[FilterParams], list[LogReceipt]]


class LogFetcher:
    """eth_getLogs over [from_block, to_block] in windows of at most `max_range` blocks, bisecting refusals.

    `requests` counts the queries made (successful or refused), which shows how a range was split.
    """

    def __init__(self, get_logs: GetLogs, *, max_range: int = 2_000) -> None:
        if max_range < 1:
            raise ValueError("max_range must be at least 1 block")
        self._get_logs, self.max_range = get_logs, max_range
        self.requests = 0

    @classmethod
    def for_web3(cls, w3: Web3, *, max_range: int = 2_000) -> LogFetcher:
        return cls(w3.eth.get_logs, max_range=max_range)

    def fetch(
        self,
        from_block: int,
        to_block: int,
        *,
        address: str | Sequence[str] | None = None,
        topics: Sequence[Any] | None = None,
    ) -> list[LogReceipt]:
        """All logs matching the filter in the inclusive block range, in chain order."""
        base: dict[str, Any] = {}
        if address is not None:
            base["address"] = address
        if topics is not None:
            base["topics"] = list(topics)
        logs: list[LogReceipt] = []
        lo = from_block
        while lo <= to_block:
            hi = min(to_block, lo + self.max_range - 1)
            logs.extend(self._window(base, lo, hi))
            lo = hi + 1
        return logs

    def _window(self, base: dict[str, Any], lo: int, hi: int) -> list[LogReceipt]:
        self.requests += 1
        try:
            # mypy: web3's FilterParams keys, built from a base of the same type
            return self._get_logs({**base, "fromBlock": lo, "toBlock": hi})  # type: ignore[typeddict-item]
        except Exception as exc:
            if not is_range_refusal(exc):
                raise
            if lo == hi:
                raise LogRangeRefused(f"eth_getLogs refused even block {lo} alone: {exc}") from exc
            mid = (lo + hi) // 2
            self.max_range = min(self.max_range, mid - lo + 1)
            return self._window(base, lo, mid) + self._window(base, mid + 1, hi)
