"""Sending from a key that several processes share: as little as possible under the key's nonce authority.

The authority serialises every sender of the key, so its critical section bounds the relay's throughput.
`Transactor.prepare` estimates gas, reads the fees and builds the call after taking the nonce; here those
three run before the authority is taken (none depends on the nonce), and only reading the pending nonce,
signing and sending run inside it; the receipt is awaited after. Under load the authority's turn, not the
work in it, is what costs (a lock in PostgreSQL and a nonce read, each a round trip to a busy process), so
one turn sends every transaction the process has queued for the key by then. The gas margin is Transactor's own
(`gas_margin_percent`, `gas_margin_fixed`). Reverts are decoded with the Transactor's decoder, as its sends are.

A "nonce too low" can still happen (a sender of the same key that does not take the authority, e.g. a
publish from the same process); then the nonce is read again from the node and the transaction re-signed,
up to `attempts` times. What a node refuses without a revert (insufficient funds, a fee cap, a malformed
transaction) becomes `NodeRefused`, so callers above `chain` never see web3's exception types.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from hexbytes import HexBytes
from web3.contract.contract import ContractFunction
from web3.types import TxParams, TxReceipt

from chain.errors import ChainError, RpcUnavailable
from chain.node_errors import NODE_ERROR
from chain.nonces import NonceAuthority, NonceManager, is_stale_nonce
from chain.reverts import revert_data
from chain.transactions import Prepared, Transactor
from governance.errors import LinliError


class NodeRefused(ChainError):
    """The node refused a transaction for a reason other than a revert (e.g. insufficient funds)."""


class StaleNonce(ChainError):
    """Every attempt's nonce was taken by another sender of the same key first."""


class NotSent(ChainError):
    """The turn this transaction was queued in failed before sending it (e.g. the authority was unreachable)."""


UNSENT = (RpcUnavailable, StaleNonce, NotSent, NodeRefused, NODE_ERROR)
"""What a send raises when nothing reached the chain: the caller may answer and let the sender try again."""


def _refusal(tx: Transactor, exc: Exception, label: str) -> Exception:
    """The decoded revert in `exc`, NodeRefused when it is none, `exc` itself when it is Linli's already."""
    if isinstance(exc, LinliError):
        return exc
    data = revert_data(exc)
    if data is not None:
        return tx.decoder.to_error(data, context=label)
    return NodeRefused(f"{label}: the node refused the transaction: {exc}")


def _unsigned(tx: Transactor, fn: ContractFunction, sender: LocalAccount, label: str) -> TxParams:
    """The transaction without its nonce: estimated (a revert raises here), with fees and calldata. The
    calldata is encoded once and the fields are written out: web3's `estimate_gas` and `build_transaction`
    would each look the function up in the ABI and encode the arguments again."""
    # mypy: web3's TxParams wants a ChecksumAddress; these are checksummed
    base: TxParams = {"from": sender.address, "to": fn.address, "value": 0,  # type: ignore[typeddict-item]
                      "data": fn._encode_transaction_data()}
    try:
        estimate = tx.chain.w3.eth.estimate_gas(base)
        gas = min(estimate * (100 + tx.gas_margin_percent) // 100 + tx.gas_margin_fixed, tx.chain.block_gas_limit)
        # mypy: web3's TxParams, as above
        return {**base, "gas": gas, "chainId": tx.chain.chain_id, **tx.chain.fee_fields()}  # type: ignore[typeddict-item]
    except NODE_ERROR as exc:  # a node's JSON-RPC error, or a revert at estimate
        raise _refusal(tx, exc, label) from exc


@dataclass(eq=False, slots=True)
class _Queued:
    """One transaction waiting for a turn under the authority; `done` once sent or refused."""

    unsigned: TxParams
    label: str
    done: bool = False
    sent: tuple[Prepared, HexBytes] | None = None
    error: BaseException | None = None


_queues: WeakKeyDictionary[NonceManager, dict[ChecksumAddress, list[_Queued]]] = WeakKeyDictionary()
_queues_lock = threading.Lock()


def _enqueue(nonces: NonceManager, address: ChecksumAddress, item: _Queued) -> list[_Queued]:
    with _queues_lock:
        queue = _queues.setdefault(nonces, {}).setdefault(address, [])
        queue.append(item)
        return queue


def _drain(queue: list[_Queued]) -> list[_Queued]:
    with _queues_lock:
        batch = queue[:]
        queue.clear()
        return batch


def send_exclusive(
    tx: Transactor,
    fn: ContractFunction,
    sender: LocalAccount,
    authority: NonceAuthority | None = None,
    *,
    attempts: int = 3,
) -> TxReceipt:
    """Send `fn` from `sender`, holding its nonces exclusively only to sign and send; wait for the receipt.

    The threads of a process that send from one key at once share turns: whichever takes the authority
    sends every transaction queued by then, from one nonce read (so the authority is taken and the nonce read
    once per batch, not once per transaction); the others find theirs sent and await their own receipts.

    Raises TransactionReverted (decoded) on a revert, NodeRefused on any other refusal, RpcUnavailable when
    the node cannot be reached, StaleNonce when `attempts` nonces in a row were used by someone else."""
    label = tx.label(fn)
    item = _Queued(_unsigned(tx, fn, sender, label), label)
    nonces = tx.chain.nonces
    queue = _enqueue(nonces, sender.address, item)
    with nonces.sender_lock(sender.address):
        if not item.done:
            batch = _drain(queue)
            try:
                with nonces.exclusive(sender.address, authority):
                    _send_batch(tx, sender, batch, attempts)
            except BaseException as exc:  # a failure outside the sends (e.g. taking the authority): none sent
                for queued in batch:
                    if not queued.done:
                        queued.error, queued.done = NotSent(f"{queued.label}: not sent: {exc!r}"), True
                raise
    if item.error is not None:
        raise item.error
    assert item.sent is not None
    return tx.wait(*item.sent)


def _send_batch(tx: Transactor, sender: LocalAccount, batch: list[_Queued], attempts: int) -> None:
    """Sign and send `batch` from consecutive nonces, starting at the node's pending count. A nonce moves on
    only past a transaction the node took; a stale one is re-read (up to `attempts` times per transaction)."""
    nonces = tx.chain.nonces
    nonce = nonces.take(sender.address)
    for item in batch:
        for _ in range(attempts):
            signed = {**item.unsigned, "nonce": nonce}
            # mypy: web3's TxParams is wider than eth-account's transaction dict; same keys
            raw = bytes(sender.sign_transaction(signed).raw_transaction)  # type: ignore[arg-type]
            # mypy: a signed TxParams is the Prepared tx
            prepared = Prepared(label=item.label, raw=raw, tx=signed, sender=sender.address)  # type: ignore[arg-type]
            try:
                item.sent, nonce = (prepared, tx.submit(prepared)), nonce + 1
                break
            except (LinliError, NODE_ERROR) as exc:
                if not is_stale_nonce(exc):
                    item.error = _refusal(tx, exc, item.label)
                    break
                nonces.forget(sender.address)
                nonce = nonces.take(sender.address)
        else:
            item.error = StaleNonce(f"{item.label}: nonce of {sender.address} taken by another sender "
                                    f"{attempts} times in a row")
        item.done = True
