"""JSON decoding with a nesting bound checked *before* the decoder runs.

Why not plain `json.loads`: web3's dependency py_ecc raises the interpreter's recursion limit to 100,000 when
imported, and CPython's C JSON decoder recurses once per nesting level guarded only by that limit, so a body of
`[` × 100,000 overflows the C stack and kills the process (a segfault, not an exception). No maintained decoder
in our dependency set takes a depth bound, so a linear pre-scan counts brackets outside strings and refuses
anything deeper than `max_depth` with a `BadInput`; only then is the stdlib decoder trusted with the text.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from governance.errors import BadInput

MAX_DEPTH = 64
"""Default nesting bound for every JSON entry point (HTTP bodies and files); Linli's own documents need 4."""
MAX_FILE_BYTES = 64 * 2**20
"""Default size bound of a JSON file a user names (a deployment, keystore, ballot or payout record): a payout
record of 100,000 members is about 25 MiB."""

_ESCAPE = re.compile(rb"\\.", re.DOTALL)  # a backslash and the character it escapes
_ESCAPE_STR = re.compile(r"\\.", re.DOTALL)
_TOKENS = re.compile(rb'"[^"]*+"|[\[\]{}]')  # after escapes are gone: a whole string, or a bracket
_TOKENS_STR = re.compile(r'"[^"]*+"|[\[\]{}]')


class TooDeep(BadInput):
    """JSON nested deeper than allowed."""


def nesting_depth(text: str | bytes, limit: int = MAX_DEPTH) -> int:
    """The deepest bracket nesting of `text`, outside strings; stops counting just past `limit`.

    Escapes are removed first, so every remaining quote opens or closes a string and each pattern match is
    linear: no input makes the scan quadratic."""
    tokens: Iterator[re.Match[bytes]] | Iterator[re.Match[str]] = (
        _TOKENS.finditer(_ESCAPE.sub(b"", text)) if isinstance(text, bytes)
        else _TOKENS_STR.finditer(_ESCAPE_STR.sub("", text)))
    depth = deepest = 0
    for match in tokens:
        token = match.group()
        first = token[0] if isinstance(token, str) else chr(token[0])
        if first in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif first in "]}":
            depth -= 1
    return deepest


def check_depth(text: str | bytes, *, max_depth: int = MAX_DEPTH, what: str = "JSON") -> None:
    """Raise `TooDeep` when `text` nests deeper than `max_depth`."""
    if nesting_depth(text, max_depth) > max_depth:
        raise TooDeep(f"{what}: nested deeper than {max_depth} levels (refused before decoding)")


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, what: str = "JSON", **kwargs: Any) -> Any:
    """`json.loads` after `check_depth`; malformed JSON raises `BadInput` naming `what` and the position."""
    check_depth(text, max_depth=max_depth, what=what)
    try:
        return json.loads(text, **kwargs)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{what}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except ValueError as exc:  # an integer of more digits than int() converts (sys.get_int_max_str_digits)
        raise BadInput(f"{what}: {exc}") from None
    except RecursionError:  # only reachable if the interpreter's limit is below max_depth
        raise TooDeep(f"{what}: nested too deeply to decode") from None


def load_file(path: Path | str, *, max_bytes: int = MAX_FILE_BYTES, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """The JSON document in file `path`, refused (BadInput naming the file) when larger than `max_bytes`, nested
    deeper than `max_depth`, not UTF-8 or not JSON. A missing file raises FileNotFoundError for the caller."""
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise BadInput(f"{path}: larger than the bound of {max_bytes:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return loads(text, max_depth=max_depth, what=str(path), **kwargs)
