"""Points facade on the embedded chain: chunked batch awards, balances and votes, past votes, delegation."""
from __future__ import annotations

import pytest
from eth_utils import keccak, to_checksum_address

from chain.embedded import EmbeddedChain
from chain.errors import ContractCustomError
from chain.points import Award, Points, evidence_id
from chain.system import Linli


def test_award_batch_in_chunks_reports_progress(linli: Linli, chain: EmbeddedChain) -> None:
    members = [to_checksum_address(f"0x{i:040x}") for i in range(1, 26)]
    awards = [Award(m, 10 * (i + 1), evidence_id(f"order:{i}")) for i, m in enumerate(members)]
    seen: list[tuple[int, int]] = []
    receipts = Points(linli).award_batch(
        awards, batch_id=evidence_id("2026-11"), chunk_size=10, progress=lambda d, t: seen.append((d, t))
    )
    assert len(receipts) == 3 and all(r["status"] == 1 for r in receipts)
    assert seen == [(10, 25), (20, 25), (25, 25)]
    points = Points(linli)
    assert points.balances(members) == {a.member: a.amount for a in awards}
    assert points.total_supply() == sum(a.amount for a in awards)
    events = [e for r in receipts for e in linli.events.from_receipt(r) if e.name == "PointsAwarded"]
    assert [(e.args["member"], e.args["amount"]) for e in events] == [(a.member, a.amount) for a in awards]


def test_rerunning_a_batch_is_refused_by_name(linli: Linli, chain: EmbeddedChain) -> None:
    points, member = Points(linli), chain.accounts[5]
    points.award_batch([Award(member, 5, evidence_id("o1"))], batch_id=evidence_id("2026-10"))
    with pytest.raises(ContractCustomError) as caught:
        points.award_batch([Award(member, 5, evidence_id("o1"))], batch_id=evidence_id("2026-10"))
    assert caught.value.error_name == "ContributionPointsIdAlreadyUsed"
    assert points.balance(member) == 5


def test_votes_follow_points_without_a_delegate_call(linli: Linli, chain: EmbeddedChain) -> None:
    points, member = Points(linli), chain.accounts[4]
    points.award(Award(member, 700, evidence_id("review:9")))
    assert points.delegates(member) == member
    assert points.votes(member) == points.balance(member) == 700


def test_past_votes_and_delegation(linli: Linli, chain: EmbeddedChain) -> None:
    points = Points(linli)
    alice, bob = chain.signers[1], chain.signers[2]
    points.award(Award(alice.address, 100, evidence_id("a1")))
    before = chain.timestamp()
    chain.increase_time(10)
    points.delegate(alice, bob.address)
    assert points.votes(alice.address) == 0 and points.votes(bob.address) == 100
    assert points.past_votes(alice.address, before) == 100
    assert points.past_votes(bob.address, before) == 0
    assert points.past_total_supply(before) == 100
    points.delegate(alice, "0x0000000000000000000000000000000000000000")  # back to itself
    assert points.votes(alice.address) == 100


def test_points_cannot_be_transferred(linli: Linli, chain: EmbeddedChain) -> None:
    Points(linli).award(Award(chain.accounts[1], 10, evidence_id("t1")))
    with pytest.raises(ContractCustomError, match=r"ContributionPoints\.transfer: reverted with "
                       r"ContributionPointsNonTransferable\(\)"):
        linli.tx.send(linli.points.functions.transfer(chain.accounts[2], 1), chain.signers[1])


def test_only_the_issuer_awards(linli: Linli, chain: EmbeddedChain) -> None:
    stranger = chain.signers[6]
    with pytest.raises(ContractCustomError) as caught:
        Points(linli).award(Award(stranger.address, 1, evidence_id("x")), sender=stranger)
    assert caught.value.error_name == "AccessControlUnauthorizedAccount"
    assert caught.value.error_args["account"] == stranger.address


def test_a_refused_chunk_stops_the_batch_after_the_sent_ones_land(linli: Linli, chain: EmbeddedChain) -> None:
    points, member = Points(linli), chain.accounts[3]
    awards = [Award(member, 1, evidence_id("c0")), Award(member, 0, evidence_id("zero")),
              Award(member, 1, evidence_id("c2"))]
    with pytest.raises(ContractCustomError) as caught:
        points.award_batch(awards, batch_id=evidence_id("partial"), chunk_size=1)
    assert caught.value.signature == f"ContributionPointsZeroAmount(member={member})"
    assert points.balance(member) == 1  # the first chunk landed, nothing after the refused one was sent


def test_chunk_ids_commit_to_the_batch_id(linli: Linli, chain: EmbeddedChain) -> None:
    """Next month's first chunk is not refused as used: were the batch id ignored, chunk 0 of every batch
    would share one id and the second call would revert with ContributionPointsIdAlreadyUsed."""
    points, member = Points(linli), chain.accounts[7]
    for month in ("2026-11", "2026-12"):
        awards = [Award(member, 3, evidence_id(f"{month}:m")), Award(member, 4, evidence_id(f"{month}:n"))]
        receipts = points.award_batch(awards, batch_id=evidence_id(month), chunk_size=1)
        assert all(r["status"] == 1 for r in receipts)
    assert points.balance(member) == 14
    for month in ("2026-11", "2026-12"):
        for index in (0, 1):
            assert points.is_id_used(keccak(evidence_id(month) + index.to_bytes(32, "big")))
    assert not points.is_id_used(keccak((2).to_bytes(32, "big")))


def test_movements_found_by_evidence_and_by_batch(linli: Linli, chain: EmbeddedChain) -> None:
    points, a, b = Points(linli), chain.accounts[8], chain.accounts[9]
    batch = [Award(a, 5, evidence_id("p:a")), Award(b, 6, evidence_id("p:b"))]
    points.award_batch(batch, batch_id=evidence_id("period-batch"))
    points.award(Award(a, 1, evidence_id("other")))
    linli.tx.send(linli.points.functions.revoke(a, 2, evidence_id("refund:a")), chain.signers[0])
    by_evidence = points.movements(evidence=[evidence_id("p:a"), evidence_id("refund:a")])
    assert [(m.kind, m.member, m.amount) for m in by_evidence] == [("award", a, 5), ("revoke", a, 2)]
    assert by_evidence[1].batch_id == bytes(32)
    chunk = keccak(evidence_id("period-batch") + (0).to_bytes(32, "big"))
    both = points.movements(evidence=[evidence_id("p:a")], batch_ids=[chunk])
    assert [(m.member, m.amount, m.evidence) for m in both] == [(a, 5, evidence_id("p:a")),
                                                                 (b, 6, evidence_id("p:b"))]
    assert points.movements(evidence=[evidence_id("nothing")]) == []
