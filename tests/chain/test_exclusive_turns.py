"""chain.exclusive on a real Anvil node: the threads of a process sending from one key share turns under the
nonce authority (one turn sends every transaction queued by then, from one nonce read, none lost or doubled),
and a transaction the node refuses inside a turn does not use up its nonce (no gap for the ones after it)."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from eth_account import Account
from eth_typing import ChecksumAddress
from web3.types import TxReceipt

from chain.connect import start_local
from chain.deploy import deploy_linli
from chain.exclusive import NodeRefused, _queues, _Queued, _send_batch, _unsigned, send_exclusive
from chain.points import evidence_id
from chain.system import Linli

pytestmark = pytest.mark.node
SENDERS = 6


class GateAuthority:
    """Counts its turns; the first waits, holding the authority, until the test opens the gate."""

    def __init__(self) -> None:
        self.turns = 0
        self.first_entered, self.gate = threading.Event(), threading.Event()

    @contextmanager
    def hold(self, address: ChecksumAddress) -> Iterator[None]:
        self.turns += 1
        if self.turns == 1:
            self.first_entered.set()
            self.gate.wait()
        yield


@pytest.fixture(scope="module")
def on_anvil() -> Iterator[Linli]:
    with start_local("anvil") as node:
        yield Linli.attach(node, deploy_linli(node))


def _wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.01)


def test_one_turn_sends_every_transaction_queued_by_then(on_anvil: Linli) -> None:
    sender, members = on_anvil.chain.signers[0], [Account.create().address for _ in range(SENDERS)]
    authority, receipts, errors = GateAuthority(), {}, []

    def award(i: int) -> None:
        fn = on_anvil.points.functions.award(members[i], 10 + i, evidence_id(f"turns:{i}"))
        try:
            receipts[i] = send_exclusive(on_anvil.tx, fn, sender, authority)
        except Exception as exc:  # the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=award, args=(i,)) for i in range(SENDERS)]
    threads[0].start()
    authority.first_entered.wait()
    for thread in threads[1:]:
        thread.start()
    queued = _queues[on_anvil.chain.nonces]
    _wait_for(lambda: len(queued.get(sender.address, [])) == SENDERS - 1, "every other sender queued")
    authority.gate.set()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert authority.turns == 2  # the first alone, then all the others in one turn
    nonces = sorted(_nonce(on_anvil, receipts[i]) for i in range(SENDERS))
    assert nonces == list(range(nonces[0], nonces[0] + SENDERS))
    assert [on_anvil.points.functions.balanceOf(m).call() for m in members] == [10 + i for i in range(SENDERS)]


def test_a_refused_transaction_does_not_use_up_its_nonce(on_anvil: Linli) -> None:
    sender, member = on_anvil.chain.signers[0], Account.create().address
    tx = on_anvil.tx

    def queued(amount: int, tag: str) -> _Queued:
        fn = on_anvil.points.functions.award(member, amount, evidence_id(tag))
        return _Queued(_unsigned(tx, fn, sender, tx.label(fn)), tx.label(fn))

    first, refused, last = queued(1, "gap:1"), queued(2, "gap:2"), queued(4, "gap:3")
    refused.unsigned = {**refused.unsigned, "gas": on_anvil.chain.block_gas_limit + 1}
    with on_anvil.chain.nonces.exclusive(sender.address):
        _send_batch(tx, sender, [first, refused, last], attempts=3)
    assert isinstance(refused.error, NodeRefused) and refused.sent is None
    assert first.sent is not None and last.sent is not None
    assert last.sent[0].tx["nonce"] == first.sent[0].tx["nonce"] + 1  # type: ignore[operator]
    for item in (first, last):
        tx.wait(*item.sent)  # type: ignore[misc]
    assert on_anvil.points.functions.balanceOf(member).call() == 5


def _nonce(linli: Linli, receipt: TxReceipt) -> int:
    return int(linli.chain.w3.eth.get_transaction(receipt["transactionHash"])["nonce"])
