"""A chain behind a JSON-RPC URL: a local node Linli started, or any endpoint with a key from the environment.

Dev controls use whichever dialect the node speaks (Anvil's `anvil_mine`, Ganache's `evm_mine {blocks}`,
Hardhat's `hardhat_mine`, else one `evm_mine` per block); a public chain refuses them with ChainError.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import Web3RPCError
from web3.types import RPCEndpoint

from chain.base import GWEI, Chain
from chain.errors import ChainError
from chain.nodes import LocalNode
from chain.provider import RetryingHTTPProvider
from chain.retry import RetryPolicy


class RpcChain(Chain):
    """A chain reached over HTTP JSON-RPC; when `node` is given, closing the chain stops that node."""

    def __init__(
        self,
        url: str,
        signers: Sequence[LocalAccount],
        *,
        name: str = "rpc",
        node: LocalNode | None = None,
        retry: RetryPolicy = RetryPolicy(),
        priority_fee_wei: int = GWEI,
    ) -> None:
        super().__init__(
            Web3(RetryingHTTPProvider(url, policy=retry)),
            signers,
            name=name,
            rpc=url,
            priority_fee_wei=priority_fee_wei,
        )
        self.node = node

    @cached_property
    def client(self) -> str:
        """`web3_clientVersion`, lower-cased: tells which dev dialect the node speaks."""
        return str(self.w3.client_version).lower()

    def _dev(self, method: str, params: list[Any]) -> Any:
        try:
            return self.w3.manager.request_blocking(RPCEndpoint(method), params)
        except Web3RPCError as exc:
            raise ChainError(f"{self.name}: {method} is not available on {self.client} ({exc})") from exc

    def increase_time(self, seconds: int) -> int:
        self._dev("evm_increaseTime", [seconds])
        self.mine(1)
        return self.timestamp()

    def mine(self, blocks: int = 1) -> int:
        if blocks <= 0:
            return self.block_number()
        if self.client.startswith("anvil"):
            self._dev("anvil_mine", [hex(blocks)])
        elif self.client.startswith("ganache"):
            self._dev("evm_mine", [{"blocks": blocks}])
        elif self.client.startswith("hardhat"):
            self._dev("hardhat_mine", [hex(blocks)])
        else:
            for _ in range(blocks):
                self._dev("evm_mine", [])
        return self.block_number()

    def snapshot(self) -> Any:
        return self._dev("evm_snapshot", [])

    def revert(self, snapshot_id: Any) -> None:
        if not self._dev("evm_revert", [snapshot_id]):
            raise ChainError(f"{self.name}: snapshot {snapshot_id} is unknown (already reverted?)")
        self.nonces.forget()

    def close(self) -> None:
        if self.node is not None:
            self.node.stop()
