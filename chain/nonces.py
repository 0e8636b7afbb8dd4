"""Nonce bookkeeping: a per-process cache for many transactions in flight, and an exclusive mode for a key
that several processes share.

The cache (`take`) is right while one process alone sends from an address. When several processes send
from one key (two `linli serve` relaying ballots with one relayer key), each cache goes stale as soon as
another process sends, and the node answers "nonce too low". `exclusive(address, authority)` is the cure:
inside it the sender holds the in-process lock of the address *and* the `NonceAuthority` (a lock every
process sharing the key can see: the API's is a PostgreSQL advisory lock), the nonce is read from the node
("pending") rather than the cache, and the caller signs and sends before leaving it. The node's pending count
then already holds the transaction when the next holder reads it. The chain package stays free of
databases: the authority is a protocol, and the API brings the database one.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Protocol

from eth_typing import ChecksumAddress
from web3 import Web3

STALE_NONCE_WORDS = ("nonce too low", "nonce is too low", "replacement transaction underpriced")


class NonceAuthority(Protocol):
    """A lock on a sender's nonces that every process sharing the sender's key respects."""

    def hold(self, address: ChecksumAddress) -> AbstractContextManager[None]: ...


def is_stale_nonce(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) is a node refusing a nonce another sender used first."""
    chain: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and link not in chain:  # a cause chain may loop back on itself
        chain.append(link)
        link = link.__cause__
    return any(word in str(e).lower() for e in chain for word in STALE_NONCE_WORDS)


class NonceManager:
    """Hands out consecutive nonces per sender, starting from the node's pending count.

    `forget` drops the cache (after a failed send, a snapshot revert, or a "nonce too low") so the next
    nonce is read from the node again.
    """

    def __init__(self, w3: Web3) -> None:
        self._w3 = w3
        self._next: dict[ChecksumAddress, int] = {}
        self._lock = threading.Lock()
        self._senders: dict[ChecksumAddress, threading.RLock] = {}

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

    def sender_lock(self, address: ChecksumAddress) -> threading.RLock:
        """This process's lock on sending from `address` (re-entrant: `exclusive` takes it again inside)."""
        with self._lock:
            return self._senders.setdefault(address, threading.RLock())

    @contextmanager
    def exclusive(self, address: ChecksumAddress, authority: NonceAuthority | None = None) -> Iterator[None]:
        """Sign and send from `address` inside this block only: one holder at a time in this process (and,
        with `authority`, across every process sharing the key); nonces are read fresh from the node."""
        with self.sender_lock(address), (authority.hold(address) if authority is not None else nullcontext()):
            self.forget(address)
            try:
                yield
            finally:
                self.forget(address)
