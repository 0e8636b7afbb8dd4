"""The whole lifecycle through Governor + timelock, and the governance attacks the design must stop."""

import brownie
import pytest
from eth_abi import encode
from eth_utils import keccak

from contract_helpers import (
    ACTIVE,
    AGAINST,
    DEFEATED,
    EXECUTED,
    FOR,
    PENDING,
    QUEUED,
    SUCCEEDED,
    b32,
    err,
    merkle_tree,
)

RICE, RICE_META = b32("product:rice-5kg"), b32('{"id":"rice-5kg","name":"东北大米 5kg"}')


def _state_bitmap(*states):
    return "0x" + sum(1 << s for s in states).to_bytes(32, "big").hex()


# ---------------------------------------------------------------- lifecycle


def test_commission_change_and_product_pass_through_governance(gov, governor, rule_book, voters):
    proposal = gov.propose(
        [(rule_book, "setCommissionRate", (1, 1200)), (rule_book, "addProduct", (RICE, RICE_META))],
        "Raise L1 commission to 12% and list rice",
        voters[4],
    )
    proposal_id = proposal[0]
    assert governor.state(proposal_id) == PENDING
    gov.pass_and_queue(proposal, voters[2:5])
    assert governor.state(proposal_id) == QUEUED
    tx = gov.execute(proposal, voters[0])
    assert governor.state(proposal_id) == EXECUTED
    assert rule_book.commissionRate(1) == 1200
    assert rule_book.isProduct(RICE) and rule_book.productMetadata(RICE) == "0x" + RICE_META.hex()
    assert tx.events["CommissionRateChanged"] == {"level": 1, "oldBps": 1000, "newBps": 1200}


def test_distribution_published_and_proved(ledger, admin, members):
    gmv = 50_000_000  # cents: above the 10,000,000 target, so the pool is 2% of it
    pool = gmv * 200 // 10_000
    payouts = [(str(m), pool // len(members)) for m in members]
    payouts[0] = (payouts[0][0], pool - sum(a for _, a in payouts[1:]))
    root, proof = merkle_tree(payouts)
    ledger.publish(202611, gmv, pool, len(payouts), root, b32("record-202611"), {"from": admin})
    assert all(ledger.verify(202611, a, v, proof(a, v)) for a, v in payouts)


def test_tree_matches_the_governance_package(members):
    merkle = pytest.importorskip("governance.merkle")
    payouts = [(str(m), 7 * (i + 1)) for i, m in enumerate(members)]
    assert merkle_tree(payouts)[0].lower() == str(merkle.StandardMerkleTree.of(payouts).root).lower()


def test_votes_are_counted(gov, governor, rule_book, voters):
    proposal_id = gov.propose([(rule_book, "setPoolRate", (250,))], "pool 2.5%", voters[0])[0]
    gov.wait_active(proposal_id)
    assert governor.state(proposal_id) == ACTIVE
    governor.castVote(proposal_id, FOR, {"from": voters[3]})
    governor.castVote(proposal_id, AGAINST, {"from": voters[1]})
    assert list(governor.proposalVotes(proposal_id)) == [2000, 4000, 0]
    assert governor.quorum(governor.proposalSnapshot(proposal_id)) == 1500


# ---------------------------------------------------------------- Beanstalk


def test_weight_acquired_after_snapshot_does_not_count(gov, governor, points, rule_book, admin, voters, outsider):
    proposal_id = gov.propose([(rule_book, "setPoolRate", (300,))], "flash weight", voters[0])[0]
    gov.wait_active(proposal_id)
    points.award(outsider, 1_000_000, b32("whale"), {"from": admin})
    tx = governor.castVote(proposal_id, FOR, {"from": outsider})
    assert tx.events["VoteCast"]["weight"] == 0
    assert list(governor.proposalVotes(proposal_id)) == [0, 0, 0]


def test_delegation_after_snapshot_does_not_count(gov, governor, points, rule_book, voters):
    proposal_id = gov.propose([(rule_book, "setPoolRate", (300,))], "late delegation", voters[0])[0]
    gov.wait_active(proposal_id)
    points.delegate(voters[0], {"from": voters[4]})
    governor.castVote(proposal_id, FOR, {"from": voters[0]})
    assert list(governor.proposalVotes(proposal_id)) == [0, 1000, 0]


def test_nothing_executes_in_the_voting_transaction(gov, governor, rule_book, voters):
    proposal = gov.propose([(rule_book, "setPoolRate", (250,))], "same-tx execution", voters[4])
    proposal_id, targets, values, calldatas, dhash = proposal
    gov.wait_active(proposal_id)
    governor.castVote(proposal_id, FOR, {"from": voters[4]})
    with brownie.reverts(err("GovernorUnexpectedProposalState", proposal_id, ACTIVE, _state_bitmap(SUCCEEDED, QUEUED))):
        governor.execute(targets, values, calldatas, dhash, {"from": voters[4]})


def test_succeeded_proposal_must_wait_for_the_timelock(gov, governor, rule_book, voters, timelock):
    proposal = gov.propose([(rule_book, "setPoolRate", (250,))], "timelock delay", voters[4])
    proposal_id, targets, values, calldatas, dhash = proposal
    gov.wait_active(proposal_id)
    governor.castVote(proposal_id, FOR, {"from": voters[4]})
    gov.wait_deadline(proposal_id)
    governor.queue(targets, values, calldatas, dhash, {"from": voters[4]})
    with brownie.reverts():
        governor.execute(targets, values, calldatas, dhash, {"from": voters[4]})
    assert rule_book.poolRate() == 200


# ---------------------------------------------------------------- Tornado Cash


def test_changed_calldata_is_a_different_proposal_never_voted(gov, governor, rule_book, voters):
    proposal = gov.propose([(rule_book, "setPoolRate", (250,))], "honest proposal", voters[4])
    proposal_id, targets, values, _calldatas, dhash = proposal
    gov.pass_and_queue(proposal, voters[3:5])
    swapped = [rule_book.setCommissionRate.encode_input(1, 1500)]
    swapped_id = governor.hashProposal(targets, values, swapped, dhash)
    assert swapped_id != proposal_id
    with brownie.reverts(err("GovernorNonexistentProposal", swapped_id)):
        governor.execute(targets, values, swapped, dhash, {"from": voters[4]})
    with brownie.reverts(err("GovernorNonexistentProposal", swapped_id)):
        governor.state(swapped_id)


def test_executed_calldata_is_exactly_what_was_proposed(gov, governor, rule_book, timelock, voters):
    proposal = gov.propose([(rule_book, "setPoolRate", (250,))], "pinned calldata", voters[4])
    proposal_id, targets, values, calldatas, dhash = proposal
    assert proposal_id == int.from_bytes(
        keccak(encode(["address[]", "uint256[]", "bytes[]", "bytes32"],
                      [targets, values, [bytes.fromhex(c[2:]) for c in calldatas], dhash])),
        "big",
    )
    gov.pass_and_queue(proposal, voters[3:5])
    tx = gov.execute(proposal, voters[0])
    executed = tx.events["CallExecuted"]
    assert (executed["target"], executed["data"]) == (rule_book.address, calldatas[0])
    assert rule_book.poolRate() == 250


# ---------------------------------------------------------------- Build Finance


def test_low_turnout_fails_quorum(gov, governor, rule_book, voters):
    proposal = gov.propose([(rule_book, "setPoolRate", (300,))], "quiet takeover", voters[0])
    proposal_id, targets, values, calldatas, dhash = proposal
    gov.wait_active(proposal_id)
    governor.castVote(proposal_id, FOR, {"from": voters[0]})  # 1000 of 15000 < 10% quorum
    gov.wait_deadline(proposal_id)
    assert governor.state(proposal_id) == DEFEATED
    with brownie.reverts(err("GovernorUnexpectedProposalState", proposal_id, DEFEATED, _state_bitmap(SUCCEEDED))):
        governor.queue(targets, values, calldatas, dhash, {"from": voters[0]})


def test_issuer_rights_granted_only_through_the_timelock(gov, points, voters, outsider):
    role = points.ISSUER_ROLE()
    proposal = gov.propose([(points, "grantRole", (role, outsider))], "outsider becomes issuer", voters[4])
    gov.pass_and_queue(proposal, voters[2:5])
    gov.execute(proposal, voters[0])
    assert points.hasRole(role, outsider)
    points.award(voters[0], 5, b32("granted-issuer-award"), {"from": outsider})
    assert points.balanceOf(voters[0]) == 1005


# ---------------------------------------------------------------- hard bounds


def test_out_of_bounds_rule_passed_by_governance_never_takes_effect(gov, governor, rule_book, voters):
    proposal = gov.propose([(rule_book, "setPoolRate", (400,))], "pool 4%", voters[4])
    gov.pass_and_queue(proposal, voters[2:5])
    with brownie.reverts(err("RuleBookPoolRateOutOfBounds", 400, 100, 300)):
        gov.execute(proposal, voters[0])
    assert rule_book.poolRate() == 200
    assert governor.state(proposal[0]) == QUEUED


def test_commission_above_30_percent_never_takes_effect(gov, governor, rule_book, voters):
    proposal = gov.propose([(rule_book, "setCommissionRate", (2, 2100))], "L2 21%", voters[4])
    gov.pass_and_queue(proposal, voters[2:5])
    with brownie.reverts(err("RuleBookRateAboveBound", 2, 2100, 2000)):
        gov.execute(proposal, voters[0])
    assert rule_book.commissionRate(2) == 500


def test_max_change_holds_across_calls_of_one_proposal(gov, rule_book, voters):
    proposal = gov.propose(
        [(rule_book, "setCommissionRate", (1, 1400)), (rule_book, "setCommissionRate", (1, 1800))],
        "two small steps make a big one",
        voters[4],
    )
    gov.pass_and_queue(proposal, voters[2:5])
    with brownie.reverts(err("RuleBookRateChangeAboveBound", 1000, 1800, 500)):
        gov.execute(proposal, voters[0])
    assert rule_book.commissionRate(1) == 1000


# ---------------------------------------------------------------- late quorum


def test_late_quorum_extends_the_deadline(gov, governor, rule_book, voters, linli):
    proposal_id = gov.propose([(rule_book, "setPoolRate", (250,))], "late quorum", voters[4])[0]
    deadline = governor.proposalDeadline(proposal_id)
    gov.sleep_until(deadline - 5)
    tx = governor.castVote(proposal_id, FOR, {"from": voters[4]})
    assert "ProposalExtended" in tx.events
    assert governor.proposalDeadline(proposal_id) >= tx.timestamp + linli.params["late_quorum_extension"]


def test_new_max_change_applies_from_the_next_execution(gov, rule_book, voters):
    proposal = gov.propose(
        [(rule_book, "setMaxRateChange", (3000,)), (rule_book, "setCommissionRate", (2, 2000))],
        "widen the bound and use it at once",
        voters[4],
    )
    gov.pass_and_queue(proposal, voters[2:5])
    with brownie.reverts(err("RuleBookRateChangeAboveBound", 500, 2000, 500)):
        gov.execute(proposal, voters[0])
    assert (rule_book.maxRateChange(), rule_book.commissionRate(2)) == (500, 500)


# ---------------------------------------------------------------- quorum (cached per snapshot)


def test_quorum_is_a_tenth_of_the_supply_at_each_snapshot(gov, governor, points, rule_book, admin, voters):
    first = gov.propose([(rule_book, "setPoolRate", (250,))], "first", voters[4])[0]
    gov.wait_active(first)
    governor.castVote(first, FOR, {"from": voters[4]})  # caches the quorum of the first snapshot
    points.award(voters[0], 5000, b32("quorum-growth"), {"from": admin})
    second = gov.propose([(rule_book, "setPoolRate", (300,))], "second", voters[4])[0]
    gov.wait_active(second)
    assert governor.quorum(governor.proposalSnapshot(first)) == 15000 // 10
    assert governor.quorum(governor.proposalSnapshot(second)) == 20000 // 10
