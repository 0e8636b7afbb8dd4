"""Decoded chain values as canonical JSON: ints exact, bytes as 0x-hex, addresses as the chain gave them.

Event arguments are stored in this form and replayed from it, so the projections see the same values
whether an event comes fresh from a node or back from the database after a reorg.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def plain(value: Any) -> Any:
    """bytes -> 0x-hex, tuples -> lists, mappings -> dicts; ints, strings and bools unchanged."""
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def dumps(value: Any) -> str:
    return json.dumps(plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> Any:
    return json.loads(text)
