"""Sending from a key that several processes share: as little as possible under the key's nonce authority.

The authority serialises every sender of the key, so its critical section bounds the relay's throughput.
`Transactor.prepare` estimates gas, reads the fees and builds the call after taking the nonce; here those
three run before the authority is taken (none depends on the nonce), and only reading the pending nonce,
signing and sending run inside it; the receipt is awaited after. The gas margin is Transactor's own
(`gas_margin_percent`, `gas_margin_fixed`). Reverts are decoded with the Transactor's decoder, as its sends are.

A "nonce too low" can still happen (a sender of the same key that does not take the authority, e.g. a
publish from the same process); then the nonce is read again from the node and the transaction re-signed,
up to `attempts` times. What a node refuses without a revert (insufficient funds, a fee cap, a malformed
transaction) becomes `NodeRefused`, so callers above `chain` never see web3's exception types.
"""
from __future__ import annotations

from eth_account.signers.local import LocalAccount
from web3.contract.contract import ContractFunction
from web3.exceptions import Web3Exception
from web3.types import TxParams, TxReceipt

from chain.errors import ChainError
from chain.nonces import NonceAuthority, is_stale_nonce
from chain.reverts import revert_data
from chain.transactions import Prepared, Transactor
from governance.errors import LinliError


class NodeRefused(ChainError):
    """The node refused a transaction for a reason other than a revert (e.g. insufficient funds)."""


class StaleNonce(ChainError):
    """Every attempt's nonce was taken by another sender of the same key first."""


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
    base: TxParams = {"from": sender.address, "to": fn.address, "value": 0,  # type: ignore[typeddict-item]
                      "data": fn._encode_transaction_data()}
    try:
        estimate = tx.chain.w3.eth.estimate_gas(base)
        gas = min(estimate * (100 + tx.gas_margin_percent) // 100 + tx.gas_margin_fixed, tx.chain.block_gas_limit)
        return {**base, "gas": gas, "chainId": tx.chain.chain_id, **tx.chain.fee_fields()}  # type: ignore[typeddict-item]
    except Web3Exception as exc:  # a node's JSON-RPC error, or a revert at estimate
        raise _refusal(tx, exc, label) from exc


def send_exclusive(
    tx: Transactor,
    fn: ContractFunction,
    sender: LocalAccount,
    authority: NonceAuthority | None = None,
    *,
    attempts: int = 3,
) -> TxReceipt:
    """Send `fn` from `sender`, holding its nonces exclusively only to sign and send; wait for the receipt.

    Raises TransactionReverted (decoded) on a revert, NodeRefused on any other refusal, RpcUnavailable when
    the node cannot be reached, StaleNonce when `attempts` nonces in a row were used by someone else."""
    label = tx.label(fn)
    unsigned = _unsigned(tx, fn, sender, label)
    nonces = tx.chain.nonces
    for _ in range(attempts):
        try:
            with nonces.exclusive(sender.address, authority):
                signed = {**unsigned, "nonce": nonces.take(sender.address)}
                raw = bytes(sender.sign_transaction(signed).raw_transaction)  # type: ignore[arg-type]
                prepared = Prepared(label=label, raw=raw, tx=signed, sender=sender.address)  # type: ignore[arg-type]
                tx_hash = tx.submit(prepared)
        except (LinliError, Web3Exception) as exc:
            if is_stale_nonce(exc):
                continue
            raise _refusal(tx, exc, label) from exc
        return tx.wait(prepared, tx_hash)
    raise StaleNonce(f"{label}: nonce of {sender.address} taken by another sender {attempts} times in a row")
