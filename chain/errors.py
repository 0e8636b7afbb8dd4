"""The errors the chain adapter raises on purpose, under Linli's one root (`governance.errors.LinliError`).

    LinliError
    └── ChainError                        anything that went wrong talking to a chain
        ├── ArtifactMissing (FileNotFoundError)   contracts not compiled: run toolchain/bootstrap.sh
        ├── SignerUnavailable (ValueError)        no usable key (env var, keystore file or password)
        ├── NodeStartError                        a local Anvil/Ganache did not come up
        ├── RpcUnavailable (ConnectionError)      the RPC endpoint stayed unreachable after retries
        ├── LogRangeRefused                       a node refused even a one-block eth_getLogs
        ├── DeploymentError (ValueError)          a deployment.json that is missing, malformed or elsewhere
        └── TransactionReverted                   a transaction, call or gas estimate reverted
            └── ContractCustomError               ... with a decoded reason: custom error, Error(string), Panic

Reverts are never retried; only transport failures are (see `chain.retry`).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from governance.errors import LinliError


class ChainError(LinliError):
    """Anything that went wrong talking to a chain."""


class ArtifactMissing(ChainError, FileNotFoundError):
    """A compiled contract artifact is not where brownie writes it."""


class SignerUnavailable(ChainError, ValueError):
    """No usable signing key: missing env var, unreadable keystore or wrong password."""


class NodeStartError(ChainError):
    """A local node Linli started did not become ready; the message carries its log tail."""


class RpcUnavailable(ChainError, ConnectionError):
    """The JSON-RPC endpoint stayed unreachable (or kept failing transiently) after every retry."""


class LogRangeRefused(ChainError):
    """A node refused an eth_getLogs query that cannot be split any further (a single block)."""


class DeploymentError(ChainError, ValueError):
    """A deployment.json that is missing, malformed, or that points at another chain."""


class TransactionReverted(ChainError):
    """A transaction, eth_call or gas estimate reverted; `data` is the raw revert data (may be empty)."""

    def __init__(self, message: str, *, data: bytes = b"", tx_hash: str | None = None) -> None:
        self.data, self.tx_hash = data, tx_hash
        super().__init__(message)


class ContractCustomError(TransactionReverted):
    """A revert whose reason was decoded: a custom error, `Error(string)` or `Panic(uint256)`.

    `error_name` and `error_args` (argument name -> value) identify it; `signature` shows it as the contract
    names it, e.g. `RuleBookRateAboveBound(level=1, rateBps=2600, maxBps=3000)`.
    """

    def __init__(
        self,
        name: str,
        args: Mapping[str, Any],
        *,
        context: str = "",
        data: bytes = b"",
        tx_hash: str | None = None,
    ) -> None:
        self.error_name, self.error_args = name, dict(args)
        self.signature = f"{name}(" + ", ".join(f"{k}={_show(v)}" for k, v in self.error_args.items()) + ")"
        prefix = f"{context}: " if context else ""
        super().__init__(f"{prefix}reverted with {self.signature}", data=data, tx_hash=tx_hash)


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and not value.startswith("0x"):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)
