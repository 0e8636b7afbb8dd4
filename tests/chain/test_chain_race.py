"""Back-to-back transactions on real Anvil and Ganache nodes: no estimate/mine race, honest gas margins.

The race (chain.transactions explains it): an estimate that reads a vote checkpoint of second S+1 under a clock
still at S reverts `CheckpointUnorderedInsertion()`. Its window opens once per transaction — while the block
of the previous one is being committed — so what exercises it is the number of transactions sent back to
back to the same members, not the number of awards in each.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from eth_account import Account
from web3.contract.contract import ContractFunction
from web3.types import RPCEndpoint

from chain.connect import start_local
from chain.deploy import deploy_linli
from chain.errors import ContractCustomError
from chain.points import Award, Points, evidence_id
from chain.rpc import RpcChain
from chain.system import Linli
from chain.transactions import Transactor

pytestmark = pytest.mark.node


@pytest.fixture(scope="module", params=["anvil", "ganache"])
def node_linli(request: pytest.FixtureRequest) -> Iterator[Linli]:
    with start_local(request.param) as chain:
        yield Linli.attach(chain, deploy_linli(chain))


@pytest.fixture(scope="module")
def anvil_linli() -> Iterator[Linli]:
    """For the tests that steer the node's clock and mining with Anvil's own RPC methods."""
    with start_local("anvil") as chain:
        yield Linli.attach(chain, deploy_linli(chain))


def _stress_shape(kind: str) -> tuple[int, int]:
    """(awards, members per transaction). Anvil: 1,000 transactions of one award each (its window is per
    transaction, and it sends 15-30 a second here). Ganache sends 6-9 a second, so 1,000 single transactions
    would take minutes: 1,000 awards in 250 transactions of four, which also makes every estimate that lands
    in the second of the block before it push four checkpoints more when mined a second later."""
    return (1_000, 1) if kind == "anvil" else (1_000, 4)


def test_a_thousand_back_to_back_awards_to_the_same_members_all_land(node_linli: Linli) -> None:
    chain = node_linli.chain
    members = chain.accounts[1:5]
    awards_count, per_tx = _stress_shape(chain.name)
    awards = [Award(members[i % len(members)], 1 + i % 7, evidence_id(f"race:{chain.name}:{i}"))
              for i in range(awards_count)]
    before = Points(node_linli).balances(members)
    supply_before = Points(node_linli).total_supply()

    receipts = Points(node_linli).award_batch(awards, batch_id=evidence_id(f"race:{chain.name}"), chunk_size=per_tx)

    assert len(receipts) == awards_count // per_tx and all(r["status"] == 1 for r in receipts)
    expected = Counter[str]()
    for award in awards:
        expected[award.member] += award.amount
    points = Points(node_linli)
    assert {m: points.balance(m) - before[m] for m in members} == dict(expected)
    assert {m: points.votes(m) - before[m] for m in members} == dict(expected)  # self-delegated weight
    assert points.total_supply() - supply_before == sum(a.amount for a in awards)


def test_estimated_in_one_second_and_mined_in_the_next_still_has_the_gas(anvil_linli: Linli) -> None:
    """The gas side of the same clock: pinned with evm_setNextBlockTimestamp (Anvil's), the estimate runs in
    the second of the last award to these 200 members (checkpoints updated in place) and the transaction is
    mined a second later (a checkpoint pushed per member, x1.83 the gas): the margin must cover it."""
    chain = anvil_linli.chain
    assert isinstance(chain, RpcChain)
    members = [Account.create().address for _ in range(200)]
    fn, issuer = anvil_linli.points.functions, chain.signers[0]

    def batch(tag: str) -> ContractFunction:
        return fn.awardBatch(evidence_id(tag), members, [3] * len(members),
                             [evidence_id(f"{tag}:{i}") for i in range(len(members))])

    def next_block_at(timestamp: int) -> None:
        chain.w3.manager.request_blocking(RPCEndpoint("evm_setNextBlockTimestamp"), [timestamp])

    tx = anvil_linli.tx
    tx.send(batch("second-0"), issuer)
    second = chain.timestamp()
    next_block_at(second)  # the estimate's pending block: the same second
    prepared = tx.prepare(batch("second-1"), issuer)
    next_block_at(second + 1)  # mined: the next second
    receipt = tx.wait(prepared, tx.submit(prepared))

    assert receipt["status"] == 1 and chain.timestamp() == second + 1
    estimate = (int(prepared.tx["gas"]) - tx.gas_margin_fixed) * 100 // (100 + tx.gas_margin_percent)
    assert receipt["gasUsed"] > estimate * 120 // 100 + tx.gas_margin_fixed  # a 20% margin would be short
    assert all(Points(anvil_linli).balance(m) == 6 for m in members)


def test_a_failure_mid_batch_awaits_the_sent_ones_and_keeps_its_own_error(anvil_linli: Linli) -> None:
    """Anvil with automine off: two awards sent, the third reverts at its estimate (a used evidence id); the
    two cannot be mined, so waiting for them times out — noted on the revert, which stays the error raised."""
    chain = anvil_linli.chain
    assert isinstance(chain, RpcChain)
    member, issuer, fn = chain.accounts[5], chain.signers[0], anvil_linli.points.functions
    used = evidence_id("mid-batch:used")
    anvil_linli.tx.send(fn.award(member, 1, used), issuer)
    impatient = Transactor(chain, anvil_linli.tx.decoder, receipt_timeout=0.5)
    impatient.names = dict(anvil_linli.tx.names)
    calls = [fn.award(member, 10, evidence_id("mid-batch:a")), fn.award(member, 20, evidence_id("mid-batch:b")),
             fn.award(member, 5, used)]
    chain.w3.manager.request_blocking(RPCEndpoint("evm_setAutomine"), [False])
    try:
        with pytest.raises(ContractCustomError, match=r"ContributionPoints\.award") as raised:
            impatient.send_many(calls, issuer)
    finally:
        chain.w3.manager.request_blocking(RPCEndpoint("evm_setAutomine"), [True])
    notes = getattr(raised.value, "__notes__", [])
    assert len(notes) == 2 and all("no receipt" in note for note in notes)
    chain.mine(1)  # the two sent awards are still in the pool: they land, the third was never sent
    assert Points(anvil_linli).balance(member) == 31
