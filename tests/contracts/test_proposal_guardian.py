"""GovernorProposalGuardian (Compound 289): the guardian cancels, until its power expires."""

import brownie
from brownie import chain

from contract_helpers import ACTIVE, CANCELED, FOR, PENDING, QUEUED, SUCCEEDED, err


def _proposal(gov, rule_book, voters, description="whale grab"):
    return gov.propose([(rule_book, "setPoolRate", (300,))], description, voters[4])


def _cancel(governor, proposal, sender):
    _, targets, values, calldatas, dhash = proposal
    return governor.cancel(targets, values, calldatas, dhash, {"from": sender})


def test_guardian_is_set_at_deploy(governor, admin, linli):
    assert governor.proposalGuardian() == admin
    assert governor.proposalGuardianExpiry() == linli.params["guardian_expiry"]
    assert governor.proposalGuardianActive()


def test_guardian_cancels_pending(gov, governor, rule_book, voters, admin):
    proposal = _proposal(gov, rule_book, voters)
    assert governor.state(proposal[0]) == PENDING
    _cancel(governor, proposal, admin)
    assert governor.state(proposal[0]) == CANCELED


def test_guardian_cancels_active(gov, governor, rule_book, voters, admin):
    proposal = _proposal(gov, rule_book, voters)
    gov.wait_active(proposal[0])
    governor.castVote(proposal[0], FOR, {"from": voters[4]})
    assert governor.state(proposal[0]) == ACTIVE
    tx = _cancel(governor, proposal, admin)
    assert tx.events["ProposalCanceled"]["proposalId"] == proposal[0]
    assert governor.state(proposal[0]) == CANCELED


def test_guardian_cancels_succeeded(gov, governor, rule_book, voters, admin):
    proposal = _proposal(gov, rule_book, voters)
    gov.wait_active(proposal[0])
    governor.castVote(proposal[0], FOR, {"from": voters[4]})
    gov.wait_deadline(proposal[0])
    assert governor.state(proposal[0]) == SUCCEEDED
    _cancel(governor, proposal, admin)
    assert governor.state(proposal[0]) == CANCELED


def test_guardian_cancels_queued_and_the_timelock_operation(gov, governor, rule_book, timelock, voters, admin):
    proposal = _proposal(gov, rule_book, voters)
    gov.pass_and_queue(proposal, voters[2:5])
    assert governor.state(proposal[0]) == QUEUED
    tx = _cancel(governor, proposal, admin)
    assert "Cancelled" in tx.events  # TimelockController operation cancelled too
    assert governor.state(proposal[0]) == CANCELED
    with brownie.reverts():
        gov.execute(proposal, voters[0])
    assert rule_book.poolRate() == 200


def test_others_cannot_cancel_active(gov, governor, rule_book, voters, outsider):
    proposal = _proposal(gov, rule_book, voters)
    gov.wait_active(proposal[0])
    with brownie.reverts():
        _cancel(governor, proposal, outsider)
    assert governor.state(proposal[0]) == ACTIVE


def test_proposer_still_cancels_own_pending(gov, governor, rule_book, voters):
    proposal = _proposal(gov, rule_book, voters)
    _cancel(governor, proposal, voters[4])
    assert governor.state(proposal[0]) == CANCELED


def test_guardian_cannot_cancel_after_expiry(gov, governor, rule_book, voters, admin):
    proposal = _proposal(gov, rule_book, voters)
    expiry = governor.proposalGuardianExpiry()
    gov.sleep_until(expiry)
    assert not governor.proposalGuardianActive()
    with brownie.reverts(err("GovernorProposalGuardianExpired", admin, expiry)):
        _cancel(governor, proposal, admin)


def test_guardian_changed_only_by_governance(governor, admin, outsider):
    with brownie.reverts(err("GovernorOnlyExecutor", admin)):
        governor.setProposalGuardian(outsider, 2**40, {"from": admin})


def test_governance_replaces_the_guardian(gov, governor, voters, outsider):
    expiry = chain.time() + 10 * 86400
    proposal = gov.propose([(governor, "setProposalGuardian", (outsider, expiry))], "new guardian", voters[4])
    gov.pass_and_queue(proposal, voters[2:5])
    tx = gov.execute(proposal, voters[0])
    assert tx.events["ProposalGuardianSet"]["newGuardian"] == outsider
    assert (governor.proposalGuardian(), governor.proposalGuardianExpiry()) == (outsider, expiry)
