"""`Chain`: one interface over every backend — a Web3 connection, the keys Linli may sign with, and dev controls.

Backends: `chain.embedded.EmbeddedChain` (in-process py-evm), `chain.rpc.RpcChain` (any JSON-RPC URL,
optionally owning a local Anvil/Ganache it started). Time travel, mining and snapshots work on dev chains;
on a public chain they raise ChainError instead of pretending.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import cached_property
from types import TracebackType
from typing import Any, Literal

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3

from chain.errors import ChainError
from chain.nonces import NonceManager

GWEI = 10**9


class Chain(ABC):
    """A connected chain. `signers[0]` is the default sender (deployer, admin)."""

    #: The block gas estimates run on: "pending" reads state and clock together (chain.transactions says why).
    estimate_block: Literal["pending", "latest"] = "pending"

    def __init__(
        self,
        w3: Web3,
        signers: Sequence[LocalAccount],
        *,
        name: str,
        rpc: str,
        priority_fee_wei: int = GWEI,
    ) -> None:
        if not signers:
            raise ChainError(f"{name}: no signer available")
        self.w3, self.name, self.rpc = w3, name, rpc
        self.signers = list(signers)
        self.priority_fee_wei = priority_fee_wei
        self.nonces = NonceManager(w3)

    @cached_property
    def chain_id(self) -> int:
        """EIP-155 chain id (asked once: it cannot change under a connection)."""
        return int(self.w3.eth.chain_id)

    @cached_property
    def block_gas_limit(self) -> int:
        """Gas limit of the latest block when first asked (no transaction may ask for more)."""
        return int(self.w3.eth.get_block("latest")["gasLimit"])

    @property
    def accounts(self) -> list[ChecksumAddress]:
        """Addresses of the signers, in order."""
        return [s.address for s in self.signers]

    def signer(self, address: str) -> LocalAccount:
        """The signer holding the key of `address`."""
        for s in self.signers:
            if s.address.lower() == address.lower():
                return s
        raise ChainError(f"{self.name}: no key for {address}")

    def block_number(self) -> int:
        """Number of the latest block."""
        return int(self.w3.eth.block_number)

    def timestamp(self) -> int:
        """Timestamp of the latest block, in seconds."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def fee_fields(self) -> dict[str, int]:
        """EIP-1559 fee fields: room for the base fee to double, plus a non-zero tip (Ganache needs one)."""
        base = int(self.w3.eth.get_block("latest").get("baseFeePerGas", 0))
        return {
            "maxFeePerGas": 2 * base + self.priority_fee_wei,
            "maxPriorityFeePerGas": self.priority_fee_wei,
        }

    @abstractmethod
    def increase_time(self, seconds: int) -> int:
        """Move the clock forward by `seconds` and mine a block at the new time; returns its timestamp."""

    @abstractmethod
    def mine(self, blocks: int = 1) -> int:
        """Mine `blocks` empty blocks; returns the new block number."""

    @abstractmethod
    def snapshot(self) -> Any:
        """Remember the current state; pass the result to `revert`."""

    @abstractmethod
    def revert(self, snapshot_id: Any) -> None:
        """Return to a state saved by `snapshot` (cached nonces are dropped)."""

    def mine_until(self, block: int) -> int:
        """Mine until the latest block number is at least `block` (governor clocks count blocks)."""
        missing = block - self.block_number()
        return self.mine(missing) if missing > 0 else self.block_number()

    def close(self) -> None:  # noqa: B027 - a default that backends holding nothing keep
        """Release what the backend holds (a local node process, sessions)."""

    def __enter__(self) -> Chain:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.rpc}>"
