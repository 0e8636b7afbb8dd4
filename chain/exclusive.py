"""Sending from a key that several processes share: sign and send under the key's nonce authority, then wait
for the receipt outside it (so the next holder need not wait for mining).

A "nonce too low" can still happen (a sender of the same key that does not take the authority, e.g. a
publish from the same process); then the nonce is read again from the node and the transaction re-signed,
up to `attempts` times. What a node refuses without a revert (insufficient funds, a fee cap, a malformed
transaction) becomes `NodeRefused`, so callers above `chain` never see web3's exception types.
"""
from __future__ import annotations

from eth_account.signers.local import LocalAccount
from web3.exceptions import Web3Exception
from web3.types import TxReceipt

from chain.errors import ChainError
from chain.nonces import NonceAuthority, is_stale_nonce
from chain.transactions import Callish, Transactor
from governance.errors import LinliError


class NodeRefused(ChainError):
    """The node refused a transaction for a reason other than a revert (e.g. insufficient funds)."""


class StaleNonce(ChainError):
    """Every attempt's nonce was taken by another sender of the same key first."""


def send_exclusive(
    tx: Transactor,
    fn: Callish,
    sender: LocalAccount,
    authority: NonceAuthority | None = None,
    *,
    attempts: int = 3,
) -> TxReceipt:
    """Estimate, sign and send `fn` from `sender` holding its nonces exclusively; wait for the receipt after.

    Raises TransactionReverted (decoded) on a revert, NodeRefused on any other refusal, RpcUnavailable when
    the node cannot be reached, StaleNonce when `attempts` nonces in a row were used by someone else."""
    nonces = tx.chain.nonces
    for _ in range(attempts):
        try:
            with nonces.exclusive(sender.address, authority):
                prepared = tx.prepare(fn, sender)
                tx_hash = tx.submit(prepared)
        except LinliError as exc:
            if is_stale_nonce(exc):
                continue
            raise
        except Web3Exception as exc:  # the node's JSON-RPC error (web3 7: Web3RPCError)
            if is_stale_nonce(exc):
                continue
            raise NodeRefused(f"{tx.label(fn)}: the node refused the transaction: {exc}") from exc
        return tx.wait(prepared, tx_hash)
    raise StaleNonce(f"{tx.label(fn)}: nonce of {sender.address} taken by another sender {attempts} times in a row")
