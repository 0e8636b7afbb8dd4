"""Local nonce bookkeeping, so several transactions can be signed and sent without waiting for each."""
from __future__ import annotations

import threading

from eth_typing import ChecksumAddress
from web3 import Web3


class NonceManager:
    """Hands out consecutive nonces per sender, starting from the node's pending count.

    `forget` drops the cache (after a failed send, a snapshot revert, or a "nonce too low") so the next
    nonce is read from the node again.
    """

    def __init__(self, w3: Web3) -> None:
        self._w3 = w3
        self._next: dict[ChecksumAddress, int] = {}
        self._lock = threading.Lock()

    def take(self, address: ChecksumAddress) -> int:
        """The next unused nonce of `address`, reserved for the caller."""
        with self._lock:
            if address not in self._next:
                self._next[address] = self._w3.eth.get_transaction_count(address, "pending")
            nonce = self._next[address]
            self._next[address] = nonce + 1
            return nonce

    def forget(self, address: ChecksumAddress | None = None) -> None:
        """Re-read the nonce of `address` (of every sender when None) from the node next time."""
        with self._lock:
            if address is None:
                self._next.clear()
            else:
                self._next.pop(address, None)
