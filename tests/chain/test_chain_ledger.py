"""Ledger facade on the embedded chain: publish a month, read it back from its event, verify proofs on chain."""
from __future__ import annotations

import pytest

from chain.embedded import EmbeddedChain
from chain.errors import ContractCustomError
from chain.ledger import Ledger, period_number
from chain.points import evidence_id
from chain.system import Linli
from governance.merkle import StandardMerkleTree


def _month(chain: EmbeddedChain) -> tuple[list[tuple[str, int]], StandardMerkleTree]:
    payouts = [(chain.accounts[1], 12_345), (chain.accounts[2], 7_655), (chain.accounts[3], 20_000)]
    return payouts, StandardMerkleTree.of(payouts)


def _hex32(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))


def test_publish_read_and_verify(linli: Linli, chain: EmbeddedChain) -> None:
    payouts, tree = _month(chain)
    ledger = Ledger(linli)
    gmv = 2_000_000_00  # above the 100,000.00 target; 2% pool
    ledger.publish("2026-11", gmv_cents=gmv, pool_cents=gmv * 200 // 10_000, member_count=3,
                   merkle_root=_hex32(tree.root), record_hash=evidence_id("record"))
    chain.mine(5)  # the event is no longer in the latest block
    publication = ledger.read("2026-11")
    assert publication is not None
    assert (publication.period, publication.gmv_cents, publication.pool_cents) == (202611, gmv, 4_000_000)
    assert (publication.pool_rate_bps, publication.target_cents, publication.member_count) == (200, 10_000_000, 3)
    assert publication.merkle_root == _hex32(tree.root) and publication.record_hash == evidence_id("record")
    for index, (account, amount) in enumerate(payouts):
        proof = [_hex32(h) for h in tree.proof(index)]
        assert ledger.verify("2026-11", account, amount, proof)
        assert not ledger.verify("2026-11", account, amount + 1, proof)
    assert ledger.read("2026-12") is None and not ledger.is_published("2026-12")


def test_period_is_published_once(linli: Linli, chain: EmbeddedChain) -> None:
    ledger = Ledger(linli)
    args = dict(gmv_cents=100, pool_cents=0, member_count=0, merkle_root=bytes(32), record_hash=evidence_id("r"))
    ledger.publish("2026-10", **args)
    with pytest.raises(ContractCustomError) as caught:
        ledger.publish("2026-10", **args)
    assert caught.value.signature == "PayoutLedgerPeriodAlreadyPublished(period=202610)"


def test_pool_must_match_the_rule_book(linli: Linli) -> None:
    with pytest.raises(ContractCustomError) as caught:
        Ledger(linli).publish("2026-09", gmv_cents=20_000_000, pool_cents=500_000, member_count=1,
                              merkle_root=evidence_id("root"), record_hash=evidence_id("rec"))
    assert caught.value.error_name == "PayoutLedgerPoolMismatch"
    assert caught.value.error_args == {"poolCents": 500_000, "expectedCents": 400_000}


def test_period_numbers() -> None:
    assert period_number("2026-01") == 202601
