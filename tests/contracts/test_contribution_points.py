"""ContributionPoints: awards, idempotency, non-transferability, delegation, roles."""

import brownie
import pytest
from brownie import ZERO_ADDRESS, chain, web3

from contract_helpers import b32, err


@pytest.fixture(scope="module")
def issuer_role(points):
    return points.ISSUER_ROLE()


def test_clock_is_timestamp(points):
    assert points.CLOCK_MODE() == "mode=timestamp"
    assert points.clock() >= web3.eth.get_block("latest").timestamp


def test_points_are_whole_units(points):
    assert points.decimals() == 0


def test_award_mints_and_records_evidence(points, admin, members):
    tx = points.award(members[0], 120, b32("order-1"), {"from": admin})
    event = tx.events["PointsAwarded"]
    assert (event["member"], event["amount"], event["evidence"], event["batchId"]) == (
        members[0], 120, "0x" + b32("order-1").hex(), "0x" + "00" * 32
    )
    assert points.balanceOf(members[0]) == 120
    assert points.isIdUsed(b32("order-1"))


def test_weight_counts_without_delegate_call(points, admin, members):
    points.award(members[0], 120, b32("order-1"), {"from": admin})
    assert points.delegates(members[0]) == members[0]
    assert points.getVotes(members[0]) == 120


def test_award_is_idempotent_per_evidence(points, admin, members):
    points.award(members[0], 120, b32("order-1"), {"from": admin})
    with brownie.reverts(err("ContributionPointsIdAlreadyUsed", b32("order-1"))):
        points.award(members[1], 120, b32("order-1"), {"from": admin})


def test_award_batch_mints_a_whole_period(points, admin, members):
    chosen, amounts = list(members[:3]), [10, 20, 30]
    evidence = [b32(f"m{i}") for i in range(3)]
    tx = points.awardBatch(b32("2026-11"), chosen, amounts, evidence, {"from": admin})
    assert [points.getVotes(m) for m in chosen] == amounts
    assert [e["evidence"] for e in tx.events["PointsAwarded"]] == ["0x" + e.hex() for e in evidence]
    assert {str(e["batchId"]) for e in tx.events["PointsAwarded"]} == {"0x" + b32("2026-11").hex()}
    assert points.totalSupply() == 60


def test_award_batch_is_idempotent_per_batch(points, admin, members):
    points.awardBatch(b32("2026-11"), [members[0]], [10], [b32("a")], {"from": admin})
    with brownie.reverts(err("ContributionPointsIdAlreadyUsed", b32("2026-11"))):
        points.awardBatch(b32("2026-11"), [members[1]], [10], [b32("b")], {"from": admin})


def test_award_batch_rejects_mismatched_arrays(points, admin, members):
    with brownie.reverts(err("ContributionPointsBatchLengthMismatch", 2, 1, 2)):
        points.awardBatch(b32("x"), members[:2], [1], [b32("a"), b32("b")], {"from": admin})


def test_zero_id_and_zero_amount_revert(points, admin, members):
    with brownie.reverts(err("ContributionPointsZeroId")):
        points.award(members[0], 1, b"\x00" * 32, {"from": admin})
    with brownie.reverts(err("ContributionPointsZeroAmount", members[0])):
        points.award(members[0], 0, b32("e"), {"from": admin})


def test_transfer_reverts(points, voters):
    with brownie.reverts(err("ContributionPointsNonTransferable")):
        points.transfer(voters[1], 1, {"from": voters[0]})


def test_transfer_from_reverts(points, voters):
    with brownie.reverts(err("ContributionPointsNonTransferable")):
        points.transferFrom(voters[0], voters[1], 1, {"from": voters[0]})


def test_approve_reverts(points, voters):
    with brownie.reverts(err("ContributionPointsNonTransferable")):
        points.approve(voters[1], 1, {"from": voters[0]})


def test_only_issuer_awards(points, outsider, issuer_role):
    with brownie.reverts(err("AccessControlUnauthorizedAccount", outsider, issuer_role)):
        points.award(outsider, 1_000_000, b32("self-award"), {"from": outsider})


def test_only_issuer_revokes(points, voters, outsider, issuer_role):
    with brownie.reverts(err("AccessControlUnauthorizedAccount", outsider, issuer_role)):
        points.revoke(voters[0], 1, b32("refund"), {"from": outsider})


def test_deployer_cannot_grant_issuer(points, admin, outsider, issuer_role):
    """Build Finance: minting rights are granted only through the timelock."""
    assert not points.hasRole(points.DEFAULT_ADMIN_ROLE(), admin)
    with brownie.reverts(err("AccessControlUnauthorizedAccount", admin, "0x" + "00" * 32)):
        points.grantRole(issuer_role, outsider, {"from": admin})


def test_timelock_administers_roles(points, timelock, issuer_role):
    assert points.hasRole(points.DEFAULT_ADMIN_ROLE(), timelock)
    assert points.getRoleAdmin(issuer_role) == points.DEFAULT_ADMIN_ROLE()


def test_delegation_moves_weight(points, voters):
    points.delegate(voters[1], {"from": voters[0]})
    assert points.delegates(voters[0]) == voters[1]
    assert points.getVotes(voters[0]) == 0
    assert points.getVotes(voters[1]) == 3000


def test_delegating_to_zero_means_self(points, voters):
    points.delegate(voters[1], {"from": voters[0]})
    points.delegate(ZERO_ADDRESS, {"from": voters[0]})
    assert points.delegates(voters[0]) == voters[0]
    assert points.getVotes(voters[0]) == 1000
    assert points.getVotes(voters[1]) == 2000


def test_award_to_delegating_member_credits_delegate(points, admin, voters):
    points.delegate(voters[1], {"from": voters[0]})
    points.award(voters[0], 5, b32("late-order"), {"from": admin})
    assert points.getVotes(voters[1]) == 2000 + 1000 + 5


def test_revoke_claws_back_points_and_weight(points, admin, voters):
    tx = points.revoke(voters[0], 400, b32("refund-1"), {"from": admin})
    assert tx.events["PointsRevoked"]["amount"] == 400
    assert points.balanceOf(voters[0]) == 600
    assert points.getVotes(voters[0]) == 600


def test_revoke_batch(points, admin, voters):
    points.revokeBatch(b32("refunds-2026-11"), voters[:2], [100, 200], [b32("r1"), b32("r2")], {"from": admin})
    assert [points.getVotes(v) for v in voters[:2]] == [900, 1800]
    assert points.totalSupply() == 15000 - 300


def test_past_votes_are_checkpointed(points, admin, voters):
    before = points.clock()
    chain.sleep(5)
    points.award(voters[0], 7, b32("o"), {"from": admin})
    chain.sleep(1)
    chain.mine()
    assert points.getPastVotes(voters[0], before) == 1000
    assert points.getVotes(voters[0]) == 1007


def test_revoke_batch_is_idempotent_per_batch(points, admin, voters):
    points.revokeBatch(b32("refunds-2026-11"), [voters[0]], [100], [b32("r1")], {"from": admin})
    with brownie.reverts(err("ContributionPointsIdAlreadyUsed", b32("refunds-2026-11"))):
        points.revokeBatch(b32("refunds-2026-11"), [voters[1]], [100], [b32("r2")], {"from": admin})
    assert points.getVotes(voters[1]) == 2000


def test_batch_rejects_missing_evidence(points, admin, members):
    with brownie.reverts(err("ContributionPointsBatchLengthMismatch", 2, 2, 1)):
        points.awardBatch(b32("x"), members[:2], [1, 2], [b32("a")], {"from": admin})


def test_zero_revoke_reverts(points, admin, voters):
    with brownie.reverts(err("ContributionPointsZeroAmount", voters[0])):
        points.revoke(voters[0], 0, b32("empty refund"), {"from": admin})


def test_supports_its_own_interface(points):
    selectors = ("ISSUER_ROLE()", "isIdUsed(bytes32)", "award(address,uint256,bytes32)",
                 "awardBatch(bytes32,address[],uint256[],bytes32[])", "revoke(address,uint256,bytes32)",
                 "revokeBatch(bytes32,address[],uint256[],bytes32[])")
    interface_id = 0
    for signature in selectors:
        interface_id ^= int.from_bytes(web3.keccak(text=signature)[:4], "big")
    assert points.supportsInterface(interface_id.to_bytes(4, "big"))
    assert points.supportsInterface("0x01ffc9a7")  # ERC-165 itself
    assert not points.supportsInterface("0xffffffff")
