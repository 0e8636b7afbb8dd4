"""Turn revert data into a named error: custom errors from every Linli ABI, `Error(string)` and `Panic(uint256)`.

Nodes report reverts in different shapes (Anvil and Ganache as JSON-RPC error data, Ganache's gas estimate
as a dict with `result`, the in-process eth-tester only as text holding a bytes repr); `revert_data` digs the
raw bytes out of whichever shape arrived so one decoder can name the error. A revert that carries no bytes
at all (web3's ContractLogicError with data None or "0x", a JSON-RPC error of code 3, eth-tester's
TransactionFailed, Anvil's `EVM error …` halts such as an invalid opcode, any message saying "revert") is
still a revert: empty data, never a raw web3 exception; the node's own words go into the message.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address
from web3.exceptions import ContractLogicError

from chain.errors import ContractCustomError, TransactionReverted

_ERROR_STRING = bytes.fromhex("08c379a0")
_PANIC = bytes.fromhex("4e487b71")
_PANIC_REASONS = {
    0x01: "assert failed", 0x11: "arithmetic overflow or underflow", 0x12: "division by zero",
    0x21: "invalid enum value", 0x22: "bad storage byte array", 0x31: "pop on empty array",
    0x32: "array index out of bounds", 0x41: "out of memory", 0x51: "call to an invalid internal function",
}
_TESTER_PREFIX = "execution reverted: "
_EXECUTION_REVERTED = 3  # the JSON-RPC error code nodes give a reverted eth_call / eth_estimateGas
_HALT_PREFIX = "evm error"  # Anvil (revm) on a halt without revert data: invalid opcode, stack underflow, …


def _abi_type(param: Mapping[str, Any]) -> str:
    """The canonical ABI type, expanding tuples (structs) into `(t1,t2)`."""
    kind = str(param["type"])
    if kind.startswith("tuple"):
        return "(" + ",".join(_abi_type(c) for c in param["components"]) + ")" + kind[len("tuple"):]
    return kind


class RevertDecoder:
    """Maps 4-byte selectors of every `error` entry in the given ABIs to a name and argument layout."""

    def __init__(self, abis: Iterable[Sequence[Mapping[str, Any]]]) -> None:
        self._errors: dict[bytes, tuple[str, list[str], list[str]]] = {}
        for abi in abis:
            for entry in abi:
                if entry.get("type") != "error":
                    continue
                types = [_abi_type(p) for p in entry.get("inputs", [])]
                names = [p.get("name") or f"arg{i}" for i, p in enumerate(entry.get("inputs", []))]
                selector = function_signature_to_4byte_selector(f"{entry['name']}({','.join(types)})")
                self._errors[selector] = (entry["name"], types, names)

    def decode(self, data: bytes) -> tuple[str, dict[str, Any]] | None:
        """`(name, {arg: value})` for known revert data, None for empty or unknown data."""
        selector, body = data[:4], data[4:]
        try:
            if selector == _ERROR_STRING:
                return "Error", {"reason": abi_decode(["string"], body)[0]}
            if selector == _PANIC:
                code = abi_decode(["uint256"], body)[0]
                return "Panic", {"code": code, "reason": _PANIC_REASONS.get(code, "unknown panic")}
            if selector in self._errors:
                name, types, names = self._errors[selector]
                values = [_checksummed(t, v) for t, v in zip(types, abi_decode(types, body), strict=True)]
                return name, dict(zip(names, values, strict=True))
        except Exception:  # malformed revert data: report it raw rather than guess
            return None
        return None

    def to_error(
        self, data: bytes, *, context: str, tx_hash: str | None = None, node_said: str = ""
    ) -> TransactionReverted:
        """The Linli exception for this revert: named when decodable, raw hex otherwise (with `node_said`,
        the node's message, when there are no bytes to show)."""
        decoded = self.decode(data)
        if decoded is not None:
            return ContractCustomError(decoded[0], decoded[1], context=context, data=data, tx_hash=tx_hash)
        shown = f"0x{data.hex()}" if data else "no revert data" + (f"; node: {node_said}" if node_said else "")
        return TransactionReverted(f"{context}: reverted ({shown})", data=data, tx_hash=tx_hash)


def _checksummed(abi_type: str, value: Any) -> Any:
    """Addresses as EIP-55 (eth-abi decodes them lower-case), also inside arrays."""
    if abi_type == "address":
        return to_checksum_address(value)
    if abi_type.startswith("address[") and isinstance(value, (list, tuple)):
        return [to_checksum_address(v) for v in value]
    return value


def revert_data(exc: BaseException) -> bytes | None:
    """The raw revert data carried by a web3 / eth-tester / node exception, or None if it is not a revert."""
    for candidate in (getattr(exc, "data", None), _rpc_error_data(exc)):
        found = _hex_in(candidate)
        if found is not None:
            return found
    text = str(exc.args[0]) if exc.args else ""
    tester_failure = type(exc).__name__ == "TransactionFailed"
    if tester_failure and text.startswith(_TESTER_PREFIX):
        return _from_tester_message(text[len(_TESTER_PREFIX):])
    said = node_message(exc).lower()
    said_revert = "revert" in said or said.startswith(_HALT_PREFIX) or _rpc_error_code(exc) == _EXECUTION_REVERTED
    if tester_failure or isinstance(exc, ContractLogicError) or said_revert:
        return b""
    return None


def node_message(exc: BaseException, limit: int = 200) -> str:
    """The node's own words for a failure (its JSON-RPC error message, else the exception's), one line."""
    message = _rpc_error(exc).get("message") or (exc.args[0] if exc.args else "")
    lines = str(message).strip().splitlines()
    return lines[0][:limit] if lines else ""


def _rpc_error(exc: BaseException) -> Mapping[str, Any]:
    response = getattr(exc, "rpc_response", None)
    if isinstance(response, Mapping) and isinstance(response.get("error"), Mapping):
        return response["error"]
    return {}


def _rpc_error_data(exc: BaseException) -> Any:
    return _rpc_error(exc).get("data")


def _rpc_error_code(exc: BaseException) -> Any:
    return _rpc_error(exc).get("code")


def _hex_in(value: Any) -> bytes | None:
    """Revert bytes from a `0x…` string, or from Ganache's `{"result": "0x…"}` / nested `data` dicts."""
    if isinstance(value, str) and value.startswith("0x"):
        try:
            return bytes.fromhex(value[2:])
        except ValueError:
            return None
    if isinstance(value, Mapping):
        for key in ("result", "data"):
            found = _hex_in(value.get(key))
            if found is not None:
                return found
    return None


def _from_tester_message(reason: str) -> bytes:
    """eth-tester reports custom-error bytes as a Python bytes repr and decodes `Error(string)` to text."""
    if reason[:2] in ("b'", 'b"'):
        try:
            raw = ast.literal_eval(reason)
            if isinstance(raw, bytes):
                return raw
        except (SyntaxError, ValueError):
            pass
    return _ERROR_STRING + abi_encode(["string"], [reason])
