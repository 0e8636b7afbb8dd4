"""Sending transactions and making calls, with reverts turned into named Linli errors.

Every state change goes: estimate gas (a revert surfaces here, before anything is signed) → sign locally with
the sender's key → send raw → wait for the receipt → check its status. A mined transaction with status 0 is
replayed as an eth_call on the state before it to recover the revert reason. Nonces come from the chain's
`NonceManager`, so `send_many` can put many transactions in flight and wait for them together.

Which block the estimate runs on (`Chain.estimate_block`). ContributionPoints checkpoints votes by timestamp
and reverts `CheckpointUnorderedInsertion()` when asked to write a checkpoint older than the newest one, so
an estimate must see a clock no older than the state it reads. On a node, "latest" does not promise that:
Anvil answers it from its live database and, separately, the environment of its last block, and mining
commits the database before it updates that environment — an estimate landing in between reads a checkpoint
at second S+1 under a clock still at S, and reverts although the transaction itself would not. Anvil's
"pending" block is built under the database lock, on a clock that is never behind the last committed block,
and includes the transactions still in its pool (the earlier ones of a batch). Ganache treats "pending" as
"latest" and runs the estimate on its current state with that block's timestamp. eth-tester refuses
"pending" for estimates; its "latest" already runs in a fresh child block, a second after the head, and the
embedded chain mines each transaction before the next call, so it has no window at all (`EmbeddedChain`
keeps "latest").
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils import keccak
from hexbytes import HexBytes
from web3.contract import Contract
from web3.contract.contract import ContractConstructor, ContractFunction
from web3.exceptions import TimeExhausted
from web3.types import BlockIdentifier, TxParams, TxReceipt

from chain.artifacts import Artifact
from chain.base import Chain
from chain.errors import ChainError, TransactionReverted
from chain.reverts import RevertDecoder, node_message, revert_data
from governance.errors import LinliError

Callish = ContractFunction | ContractConstructor
_NONCE_STALE = ("nonce too low", "nonce is too low", "replacement transaction underpriced")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A signed transaction not yet sent: its hash is known before the node sees it."""

    label: str
    raw: bytes
    tx: TxParams
    sender: ChecksumAddress

    @property
    def tx_hash(self) -> HexBytes:
        return HexBytes(keccak(self.raw))


class Transactor:
    """Sends and calls contract functions on `chain`, decoding reverts with `decoder`.

    `names` maps deployed addresses to contract names, so errors say `RuleBook.setPoolRate` rather than
    an address; `deploy` and `register` fill it.
    """

    def __init__(
        self,
        chain: Chain,
        decoder: RevertDecoder,
        *,
        gas_margin_percent: int = 90,
        gas_margin_fixed: int = 50_000,
        receipt_timeout: float = 120.0,
    ) -> None:
        self.chain, self.decoder = chain, decoder
        self.gas_margin_percent, self.gas_margin_fixed = gas_margin_percent, gas_margin_fixed
        self.receipt_timeout = receipt_timeout
        self.names: dict[str, str] = {}

    def register(self, contract: Contract, name: str) -> Contract:
        """Remember `name` for `contract.address` (used in error messages); returns the contract."""
        self.names[contract.address.lower()] = name
        return contract

    def label(self, fn: Callish) -> str:
        """`Contract.function` for messages."""
        if isinstance(fn, ContractConstructor):
            return "constructor"
        owner = self.names.get(str(fn.address).lower(), str(fn.address))
        return f"{owner}.{fn.fn_name}"

    def _decoded(self, exc: Exception, label: str) -> Exception:
        """The exception to raise for `exc`: a decoded TransactionReverted when it was a revert."""
        if isinstance(exc, LinliError):
            return exc
        data = revert_data(exc)
        return exc if data is None else self.decoder.to_error(data, context=label, node_said=node_message(exc))

    def call(self, fn: ContractFunction, *, block: BlockIdentifier = "latest", sender: str | None = None) -> Any:
        """eth_call `fn`; a revert raises TransactionReverted / ContractCustomError naming the error."""
        params = cast(TxParams, {"from": sender or self.chain.accounts[0]})
        try:
            return fn.call(params, block_identifier=block)
        except Exception as exc:
            raise self._decoded(exc, self.label(fn)) from exc

    def prepare(
        self,
        fn: Callish,
        sender: LocalAccount,
        *,
        value: int = 0,
        gas: int | None = None,
        label: str | None = None,
    ) -> Prepared:
        """Estimate (raising on revert), then build and sign with the next nonce of `sender`.

        Gas is the estimate plus `gas_margin_percent` (90) plus `gas_margin_fixed` (50k), capped at the block
        gas limit. Why so much: an estimate run in the second of the latest block finds the vote checkpoints
        of members touched in that second and updates them in place, while the same transaction mined a
        second later pushes a new checkpoint per member (measured on Anvil: awardBatch of 200 members
        5,387,950 gas in the same second, 9,863,789 in the next, x1.83; one award 88,698 and 133,230). Anvil
        and Ganache estimate in the latest block's second whenever blocks come faster than one a second.
        Unused gas is not charged; the limit only bounds what the sender must be able to pay.
        """
        label = label or self.label(fn)
        base = cast(TxParams, {"from": sender.address, "value": value})
        if gas is None:
            try:
                estimate = fn.estimate_gas(base, block_identifier=self.chain.estimate_block)
            except Exception as exc:
                raise self._decoded(exc, label) from exc
            padded = estimate * (100 + self.gas_margin_percent) // 100 + self.gas_margin_fixed
            gas = min(padded, self.chain.block_gas_limit)
        fees = self.chain.fee_fields()
        fields = cast(TxParams, {**base, "gas": gas, "chainId": self.chain.chain_id, **fees})
        nonce = self.chain.nonces.take(sender.address)  # taken last: nothing that can fail leaves a gap ...
        try:
            tx = fn.build_transaction(cast(TxParams, {**fields, "nonce": nonce}))
            # mypy: web3's TxParams is wider than eth-account's transaction dict; same keys
            signed = sender.sign_transaction(tx)  # type: ignore[arg-type]
        except Exception:
            self.chain.nonces.forget(sender.address)  # ... and if building fails anyway, re-read it
            raise
        return Prepared(label=label, raw=bytes(signed.raw_transaction), tx=tx, sender=sender.address)

    def submit(self, prepared: Prepared) -> HexBytes:
        """Send signed bytes. If sending fails but the node already has this very transaction (a retried
        send whose first attempt arrived: "already known", or "nonce too low" once mined), that is success."""
        try:
            return HexBytes(self.chain.w3.eth.send_raw_transaction(prepared.raw))
        except Exception as exc:
            if self._node_has(prepared.tx_hash):
                return prepared.tx_hash
            self.chain.nonces.forget(prepared.sender)
            if any(word in str(exc).lower() for word in _NONCE_STALE):
                raise ChainError(f"{prepared.label}: stale nonce ({exc}); the next send re-reads it") from exc
            raise self._decoded(exc, prepared.label) from exc

    def _node_has(self, tx_hash: HexBytes) -> bool:
        try:
            self.chain.w3.eth.get_transaction(tx_hash)
        except Exception:
            return False
        return True

    def wait(self, prepared: Prepared, tx_hash: HexBytes) -> TxReceipt:
        """Wait for the receipt; status 0 raises the decoded revert."""
        try:
            receipt = self.chain.w3.eth.wait_for_transaction_receipt(
                tx_hash, timeout=self.receipt_timeout, poll_latency=0.05
            )
        except TimeExhausted as exc:
            raise ChainError(
                f"{prepared.label}: no receipt for {tx_hash.to_0x_hex()} after {self.receipt_timeout:.0f} s"
            ) from exc
        if receipt["status"] != 1:
            raise self._mined_revert(prepared, receipt)
        return receipt

    def _mined_revert(self, prepared: Prepared, receipt: TxReceipt) -> TransactionReverted:
        """Replay the failed transaction on the state before its block to learn why it reverted."""
        replay = cast(TxParams, {k: v for k, v in prepared.tx.items() if k in ("from", "to", "data", "value", "gas")})
        tx_hash = receipt["transactionHash"].to_0x_hex()
        try:
            self.chain.w3.eth.call(replay, block_identifier=receipt["blockNumber"] - 1)
        except Exception as exc:
            data = revert_data(exc)
            if data is not None:
                return self.decoder.to_error(
                    data, context=prepared.label, tx_hash=tx_hash, node_said=node_message(exc)
                )
        return TransactionReverted(
            f"{prepared.label}: transaction {tx_hash} reverted (gas used {receipt['gasUsed']} of "
            f"{prepared.tx.get('gas')}; out of gas?)",
            tx_hash=tx_hash,
        )

    def send(
        self,
        fn: Callish,
        sender: LocalAccount,
        *,
        value: int = 0,
        gas: int | None = None,
        label: str | None = None,
    ) -> TxReceipt:
        """Estimate, sign, send and wait; returns the successful receipt or raises the decoded revert."""
        prepared = self.prepare(fn, sender, value=value, gas=gas, label=label)
        return self.wait(prepared, self.submit(prepared))

    def send_many(
        self,
        fns: Sequence[Callish],
        sender: LocalAccount,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[TxReceipt]:
        """Send independent transactions back to back, then wait for all (much faster on a real node).

        Each is estimated as it is sent, on the pending block (which holds the earlier ones still in a
        node's pool), so they should not depend on each other. If one cannot be prepared or sent, those
        already sent are awaited before that error is raised, so the caller knows the chain holds exactly
        them; a failure while awaiting them is added to the error as a note and never replaces it.
        `progress(done, total)` follows the receipts.
        """
        in_flight: list[tuple[Prepared, HexBytes]] = []
        try:
            for fn in fns:
                prepared = self.prepare(fn, sender)
                in_flight.append((prepared, self.submit(prepared)))
        except Exception as exc:
            for prepared, tx_hash in in_flight:
                try:
                    self.wait(prepared, tx_hash)
                except Exception as waiting:  # noted on the error that stopped the batch, never raised over it
                    exc.add_note(f"also, already sent {prepared.label} {tx_hash.to_0x_hex()}: {waiting}")
            raise
        receipts = []
        for done, (prepared, tx_hash) in enumerate(in_flight, start=1):
            receipts.append(self.wait(prepared, tx_hash))
            if progress is not None:
                progress(done, len(fns))
        return receipts

    def deploy(self, artifact: Artifact, *args: Any, sender: LocalAccount) -> Contract:
        """Deploy `artifact` with constructor `args`; returns the bound contract (its name registered)."""
        if not artifact.bytecode:
            raise ChainError(f"{artifact.name} has no bytecode (an interface or abstract contract?)")
        factory = self.chain.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        receipt = self.send(factory.constructor(*args), sender, label=f"deploy {artifact.name}")
        address = receipt["contractAddress"]
        if address is None:
            raise ChainError(f"deploy {artifact.name}: receipt has no contract address")
        return self.register(self.chain.w3.eth.contract(address=address, abi=artifact.abi), artifact.name)
