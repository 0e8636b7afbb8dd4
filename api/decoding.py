"""Fast log decoding for the indexer: topic 0 -> layout, indexed values from topics, the rest with eth_abi.

web3's `get_event_data` costs milliseconds a log (it rebuilds its codec plans on every call), which would
make decoding, not the node, the indexer's bottleneck. Layouts here are prepared once per event; addresses
are checksummed through a small cache (members recur in every batch). Logs no layout fits are skipped, as
`chain.events.EventDecoder` does.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, cache
from typing import Any, cast

from eth_abi import decode as abi_decode
from eth_typing import ABIEvent
from eth_utils import event_abi_to_log_topic, to_checksum_address

from api.canonical import plain
from chain.artifacts import Artifacts


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    indexed: tuple[tuple[str, str], ...]  # (name, type) in topic order
    data_names: tuple[str, ...]
    data_types: tuple[str, ...]
    order: tuple[str, ...]  # argument names as the ABI lists them


@cache
def contract_abi(name: str) -> tuple[dict[str, Any], ...]:
    """A contract's ABI from build/contracts, read once per process (the artifacts are megabytes)."""
    return tuple(Artifacts().get(name).abi)


@lru_cache(maxsize=65_536)
def checksum(address: str) -> str:
    return to_checksum_address(address)


class LogDecoder:
    def __init__(self, abis: Iterable[Sequence[Mapping[str, Any]]]) -> None:
        self._layouts: dict[bytes, list[Layout]] = {}
        for abi in abis:
            for entry in abi:
                if entry.get("type") != "event" or entry.get("anonymous"):
                    continue
                inputs = entry["inputs"]
                layout = Layout(
                    name=entry["name"],
                    indexed=tuple((i["name"], i["type"]) for i in inputs if i.get("indexed")),
                    data_names=tuple(i["name"] for i in inputs if not i.get("indexed")),
                    data_types=tuple(i["type"] for i in inputs if not i.get("indexed")),
                    order=tuple(i["name"] for i in inputs),
                )
                known = self._layouts.setdefault(bytes(event_abi_to_log_topic(cast(ABIEvent, entry))), [])
                if layout not in known:
                    known.append(layout)

    def decode(self, topics: Sequence[bytes], data: bytes) -> tuple[str, dict[str, Any]] | None:
        """(event name, canonical args) or None."""
        if not topics:
            return None
        for layout in self._layouts.get(bytes(topics[0]), ()):
            if len(topics) - 1 != len(layout.indexed):
                continue
            try:
                values = abi_decode(layout.data_types, data) if layout.data_types else ()
            except Exception:
                continue
            args: dict[str, Any] = {}
            for (name, kind), topic in zip(layout.indexed, topics[1:], strict=True):
                args[name] = _topic_value(kind, bytes(topic))
            for name, kind, value in zip(layout.data_names, layout.data_types, values, strict=True):
                args[name] = _value(kind, value)
            return layout.name, {name: args[name] for name in layout.order}
        return None


def _topic_value(kind: str, topic: bytes) -> Any:
    if kind == "address":
        return checksum("0x" + topic[12:].hex())
    if kind.startswith("uint"):
        return int.from_bytes(topic, "big")
    if kind.startswith("int"):
        return int.from_bytes(topic, "big", signed=True)
    if kind == "bool":
        return topic[-1] == 1
    return "0x" + topic.hex()  # bytesN, and the hash of a dynamic indexed value


def _value(kind: str, value: Any) -> Any:
    if kind == "address":
        return checksum(value)
    if kind == "address[]":
        return [checksum(v) for v in value]
    return plain(value)
