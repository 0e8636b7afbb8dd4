"""What sending promises beyond the happy path, on the embedded chain: a failure to build or to send gives the
nonce back (no gap that would stall every later transaction), gas is capped at the block gas limit, a
transaction mined with status 0 raises, send_many reports its progress, an artifact without bytecode is not
deployed; revert data is found in every shape nodes use and decoded by name (panics, checksummed addresses),
malformed data is reported raw; a stale nonce is recognised through a chain of causes and, on Anvil, named
when sending; `exclusive` holds the authority and reads the nonce fresh. These kill the mutants of
scripts/mutation_python.py (area transactions) that the older tests let survive."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import ValidationError, function_signature_to_4byte_selector
from web3.exceptions import Web3ValidationError

from chain.artifacts import Artifact
from chain.connect import start_local
from chain.deploy import deploy_linli
from chain.embedded import EmbeddedChain
from chain.errors import ChainError, ContractCustomError, TransactionReverted
from chain.nonces import is_stale_nonce
from chain.reverts import RevertDecoder, revert_data
from chain.system import Linli
from chain.transactions import Transactor

EVIDENCE = b"\x07" * 32


def _pending(chain: EmbeddedChain, address: str) -> int:
    return chain.w3.eth.get_transaction_count(address, "pending")  # type: ignore[arg-type]


def test_a_transaction_that_cannot_be_built_gives_its_nonce_back(linli: Linli, chain: EmbeddedChain) -> None:
    sender = chain.signers[0]
    award = linli.points.functions.award(chain.accounts[1], 5, EVIDENCE)
    with pytest.raises(Web3ValidationError, match="non-zero ether to a contract function with payable=False"):
        linli.tx.prepare(award, sender, gas=200_000, value=1)  # ether to a function that is not payable
    assert chain.nonces.take(sender.address) == _pending(chain, sender.address)


def test_a_refused_send_gives_its_nonce_back(linli: Linli, chain: EmbeddedChain) -> None:
    poor = Account.create()
    award = linli.points.functions.award(chain.accounts[1], 5, EVIDENCE)
    prepared = linli.tx.prepare(award, poor, gas=200_000)
    with pytest.raises(ValidationError, match="cannot afford txn gas"):
        linli.tx.submit(prepared)  # no ether to pay for gas
    assert chain.nonces.take(poor.address) == 0


def test_gas_is_capped_at_the_block_gas_limit(linli: Linli, chain: EmbeddedChain) -> None:
    greedy = Transactor(chain, linli.tx.decoder, gas_margin_percent=100_000)
    greedy.names = dict(linli.tx.names)
    prepared = greedy.prepare(linli.points.functions.award(chain.accounts[1], 5, EVIDENCE), chain.signers[0])
    assert prepared.tx["gas"] == chain.block_gas_limit
    chain.nonces.forget()


def test_a_transaction_mined_with_status_0_raises(linli: Linli, chain: EmbeddedChain) -> None:
    with pytest.raises(TransactionReverted, match="reverted"):
        linli.tx.send(linli.points.functions.award(chain.accounts[1], 5, EVIDENCE), chain.signers[0], gas=30_000)
    assert linli.points.functions.balanceOf(chain.accounts[1]).call() == 0


def test_send_many_reports_each_receipt(linli: Linli, chain: EmbeddedChain) -> None:
    seen: list[tuple[int, int]] = []
    fns = [linli.points.functions.award(chain.accounts[i], 5, bytes([i]) * 32) for i in (1, 2)]
    receipts = linli.tx.send_many(fns, chain.signers[0], progress=lambda done, total: seen.append((done, total)))
    assert [r["status"] for r in receipts] == [1, 1] and seen == [(1, 2), (2, 2)]


def test_an_artifact_without_bytecode_is_not_deployed(linli: Linli, chain: EmbeddedChain) -> None:
    interface = Artifact("IThing", [], "", "", Path("IThing.json"))
    with pytest.raises(ChainError, match="has no bytecode"):
        linli.tx.deploy(interface, sender=chain.signers[0])


ERRORS = [{"type": "error", "name": "Unauthorized", "inputs": [{"name": "account", "type": "address"},
                                                                {"name": "ids", "type": "address[]"}]}]
ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def _custom() -> bytes:
    return function_signature_to_4byte_selector("Unauthorized(address,address[])") + abi_encode(
        ["address", "address[]"], [ADDRESS, [ADDRESS]])


def test_custom_errors_decode_with_checksummed_addresses() -> None:
    assert RevertDecoder([ERRORS]).decode(_custom()) == ("Unauthorized", {"account": ADDRESS, "ids": [ADDRESS]})


def test_panics_are_named() -> None:
    panic = bytes.fromhex("4e487b71") + abi_encode(["uint256"], [0x11])
    assert RevertDecoder([]).decode(panic) == ("Panic", {"code": 0x11, "reason": "arithmetic overflow or underflow"})


def test_malformed_revert_data_is_reported_raw() -> None:
    error = RevertDecoder([ERRORS]).to_error(_custom()[:8], context="X.f")
    assert not isinstance(error, ContractCustomError) and f"0x{_custom()[:8].hex()}" in str(error)


class NodeError(Exception):
    """An exception shaped like web3's for a JSON-RPC error (the response kept on `rpc_response`)."""

    def __init__(self, message: str, response: dict[str, object] | None = None, data: object = None) -> None:
        super().__init__(message)
        self.rpc_response, self.data = response, data


def test_revert_data_is_found_in_every_shape() -> None:
    raw = _custom()
    assert revert_data(NodeError("x", data="0x" + raw.hex())) == raw
    assert revert_data(NodeError("x", data={"result": "0x" + raw.hex()})) == raw  # Ganache's estimate
    assert revert_data(NodeError("x", {"error": {"code": 3, "message": "execution reverted",
                                                  "data": "0x" + raw.hex()}})) == raw
    assert revert_data(NodeError("execution reverted")) == b""
    assert revert_data(NodeError("connection refused")) is None


def test_a_stale_nonce_is_recognised_through_its_causes() -> None:
    try:
        try:
            raise NodeError("nonce too low: next nonce 5, tx nonce 4")
        except NodeError as inner:
            raise ChainError("send failed") from inner
    except ChainError as outer:
        assert is_stale_nonce(outer)
    assert not is_stale_nonce(ChainError("insufficient funds"))


class ThreadAuthority:
    """The simplest real NonceAuthority: a lock every thread of this process sees."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    @contextmanager
    def hold(self, address: str) -> Iterator[None]:
        with self.lock:
            yield


def test_exclusive_holds_the_authority_and_reads_the_nonce_fresh(linli: Linli, chain: EmbeddedChain) -> None:
    address = chain.signers[0].address
    chain.nonces.take(address)  # reserved by this process, never sent: the cache is one ahead of the node
    authority = ThreadAuthority()
    with chain.nonces.exclusive(address, authority):
        assert authority.lock.locked()
        assert chain.nonces.take(address) == _pending(chain, address)
    assert not authority.lock.locked()


@pytest.fixture(scope="module")
def on_anvil() -> Iterator[Linli]:
    with start_local("anvil") as node:
        yield Linli.attach(node, deploy_linli(node))


def test_a_nonce_used_by_another_transaction_is_a_stale_nonce_error(on_anvil: Linli) -> None:
    """What Anvil answers when another sender of this key used the nonce first ("nonce too low")."""
    sender, member = on_anvil.chain.signers[0], on_anvil.chain.accounts[1]
    first = on_anvil.tx.prepare(on_anvil.points.functions.award(member, 5, b"\x01" * 32), sender)
    on_anvil.chain.nonces.forget()
    second = on_anvil.tx.prepare(on_anvil.points.functions.award(member, 6, b"\x02" * 32), sender)
    on_anvil.tx.wait(first, on_anvil.tx.submit(first))
    with pytest.raises(ChainError, match="stale nonce"):
        on_anvil.tx.submit(second)
    assert on_anvil.points.functions.balanceOf(member).call() == 5
