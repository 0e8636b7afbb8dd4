"""The deployment: roles wired as docs/contracts.md "Roles" says, no initializers anywhere (Audius)."""

import json

import pytest
from brownie import (
    ZERO_ADDRESS,
    CommunityGovernor,
    ContributionPoints,
    PayoutLedger,
    ProductPoll,
    RuleBook,
    TimelockController,
)

from chain.plan import CONTRACT_NAMES
from scripts.deploy import deployment_record, load_params


def test_timelock_roles(timelock, governor, admin):
    assert timelock.hasRole(timelock.PROPOSER_ROLE(), governor)
    assert timelock.hasRole(timelock.CANCELLER_ROLE(), governor)
    assert timelock.hasRole(timelock.EXECUTOR_ROLE(), governor)
    assert not timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), admin)
    assert not timelock.hasRole(timelock.EXECUTOR_ROLE(), ZERO_ADDRESS)
    assert timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), timelock)


def test_governor_wiring(governor, points, timelock, linli):
    assert governor.token() == points
    assert governor.timelock() == timelock
    assert governor.CLOCK_MODE() == "mode=timestamp"
    p = linli.params
    assert (governor.votingDelay(), governor.votingPeriod()) == (p["voting_delay"], p["voting_period"])
    assert governor.quorumNumerator() == p["quorum_numerator"]
    assert governor.lateQuorumVoteExtension() == p["late_quorum_extension"]


def test_product_poll_wiring(product_poll, points, rule_book, timelock, linli):
    p = linli.params
    assert (product_poll.token(), product_poll.ruleBook(), product_poll.timelock()) == (points, rule_book, timelock)
    assert (product_poll.votingDelay(), product_poll.votingPeriod()) == (p["voting_delay"], p["voting_period"])
    assert product_poll.quorumNumerator() == p["poll_quorum_numerator"]


def test_rule_book_and_ledger_belong_to_the_timelock(rule_book, ledger, timelock, points, admin):
    assert rule_book.timelock() == timelock
    assert ledger.ruleBook() == rule_book
    assert ledger.hasRole(ledger.PUBLISHER_ROLE(), admin)
    assert points.hasRole(points.ISSUER_ROLE(), admin)


@pytest.mark.parametrize(
    "container", [ContributionPoints, CommunityGovernor, TimelockController, RuleBook, PayoutLedger, ProductPoll]
)
def test_no_initializer(container):
    """Audius: nothing to (re-)initialise; configuration happens in constructors only."""
    names = {item.get("name", "").lower() for item in container.abi if item["type"] == "function"}
    assert not {n for n in names if n.startswith("init") or n.endswith("initialize")}
    assert not any(item["type"] == "fallback" for item in container.abi)


def test_deployment_record_has_the_documented_shape(linli):
    record = deployment_record(linli, rpc="http://127.0.0.1:8545")
    assert set(record) >= {"chain_id", "rpc", "block", "contracts"}
    assert set(record["contracts"]) == {
        "ContributionPoints", "CommunityGovernor", "TimelockController", "RuleBook", "PayoutLedger", "ProductPoll"
    } == set(CONTRACT_NAMES)
    json.dumps(record)


def test_unknown_deploy_parameter_is_refused():
    with pytest.raises(ValueError, match="voting_dealy"):
        load_params("fast", voting_dealy=1)
