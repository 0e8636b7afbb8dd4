"""ProductPoll enact: quorum met or missed, the tie rule, enact once, only winners, products already listed,
past-snapshot weight and supply, and the role limits (only the timelock grants, revokes, or sets the quorum).

Most tests use a poll and a RuleBook whose timelock is an EOA (`writer`, same bytecode, one account instead of
a proposal per call); test_the_timelock_revokes_the_poll drives the real timelock."""

import brownie
import pytest
from brownie import ZERO_ADDRESS, ProductPoll, RuleBook

from contract_helpers import b32, err

NAMES = ("rice", "tea", "oil", "eggs")
IDS = [b32(f"product:{n}") for n in NAMES]
META = [b32(f"meta:{n}") for n in NAMES]
RICE, TEA, OIL, EGGS = range(4)
SUCCEEDED_STATE, DEFEATED_STATE, TIED_STATE, ENACTED_STATE = 4, 2, 3, 5


def _bits(*indexes):
    return sum(1 << i for i in indexes)


def _hex(*indexes):
    return ["0x" + IDS[i].hex() for i in indexes]


@pytest.fixture(scope="module")
def writer(accounts):
    return accounts[8]


@pytest.fixture(scope="module")
def book(writer, admin):
    book = RuleBook.deploy(writer, ZERO_ADDRESS, 1000, 500, 200, 10_000_000, 500, {"from": admin})
    return book


@pytest.fixture(scope="module")
def poll(points, book, writer, admin, voters, linli):
    """Quorum 20% of the 15,000 points of `voters` (1,000 ... 5,000): 3,000."""
    p = linli.params
    poll = ProductPoll.deploy(points, book, writer, p["voting_delay"], p["voting_period"], 20, {"from": admin})
    book.grantRole(book.POLL_ROLE(), poll, {"from": writer})
    return poll


def _open(poll, gov, top_n=2):
    tx = poll.createPoll(IDS, META, top_n, "picks", {"from": brownie.accounts[0]})
    gov.sleep_until(poll.poll(tx.return_value)[2] + 1)
    return tx.return_value


def _end(poll, gov, poll_id):
    gov.sleep_until(poll.poll(poll_id)[3] + 1)


def test_quorum_met_adds_the_winners_once(poll, book, voters, gov, outsider):
    poll_id = _open(poll, gov)
    poll.approve(poll_id, _bits(RICE, TEA), {"from": voters[2]})  # 3,000 = the quorum, exactly
    poll.approve(poll_id, _bits(TEA), {"from": voters[0]})  # 1,000
    assert (poll.quorum(poll_id), poll.turnout(poll_id)) == (3000, 4000)
    with brownie.reverts(err("ProductPollNotFinished", poll_id, poll.poll(poll_id)[3])):
        poll.enact(poll_id, {"from": outsider})
    _end(poll, gov, poll_id)
    assert poll.state(poll_id) == SUCCEEDED_STATE and list(poll.winners(poll_id)) == _hex(TEA, RICE)

    tx = poll.enact(poll_id, {"from": outsider})  # anyone may enact
    assert tx.events["PollEnacted"] == {"pollId": poll_id, "state": SUCCEEDED_STATE, "winners": _hex(TEA, RICE),
                                        "added": 2}
    assert [book.isProduct(i) for i in IDS] == [True, True, False, False]  # only the winners
    assert book.productMetadata(IDS[TEA]) == "0x" + META[TEA].hex()
    assert poll.state(poll_id) == ENACTED_STATE
    with brownie.reverts(err("ProductPollAlreadyEnacted", poll_id)):
        poll.enact(poll_id, {"from": outsider})


def test_turnout_exactly_at_quorum_succeeds_one_below_does_not(poll, voters, gov, outsider):
    at, below = _open(poll, gov), _open(poll, gov)
    poll.approve(at, _bits(OIL), {"from": voters[0]})
    poll.approve(at, _bits(OIL), {"from": voters[1]})  # 1,000 + 2,000 = 3,000
    poll.approve(below, _bits(OIL), {"from": voters[1]})  # 2,000
    _end(poll, gov, below)
    assert poll.state(at) == SUCCEEDED_STATE and poll.state(below) == DEFEATED_STATE


def test_quorum_missed_changes_nothing(poll, book, voters, gov, outsider):
    poll_id = _open(poll, gov)
    poll.approve(poll_id, _bits(EGGS), {"from": voters[1]})  # 2,000 < 3,000
    _end(poll, gov, poll_id)
    assert list(poll.winners(poll_id)) == []
    for _ in range(2):  # saying so again changes nothing either
        tx = poll.enact(poll_id, {"from": outsider})
        assert tx.events["PollEnacted"] == {"pollId": poll_id, "state": DEFEATED_STATE, "winners": [], "added": 0}
        assert tx.return_value[0] == DEFEATED_STATE and list(tx.return_value[1]) == []
    assert book.productCount() == 0 and poll.state(poll_id) == DEFEATED_STATE


def test_nobody_voting_is_defeated_even_without_quorum(points, book, writer, admin, linli, gov, outsider):
    p = linli.params
    lax = ProductPoll.deploy(points, book, writer, p["voting_delay"], p["voting_period"], 0, {"from": admin})
    poll_id = _open(lax, gov)
    _end(lax, gov, poll_id)
    assert lax.quorum(poll_id) == 0 and lax.state(poll_id) == DEFEATED_STATE


def test_a_tie_at_the_cut_off_enacts_nothing(poll, book, voters, gov, outsider):
    poll_id = _open(poll, gov)
    poll.approve(poll_id, _bits(RICE, TEA), {"from": voters[2]})  # rice 3,000, tea 3,000
    poll.approve(poll_id, _bits(OIL), {"from": voters[3]})  # oil 4,000
    poll.approve(poll_id, _bits(TEA), {"from": voters[0]})  # tea 4,000
    # Equal weight above the cut-off is no tie: the 2nd (4,000) and the 3rd (3,000) differ, both 4,000s win.
    _end(poll, gov, poll_id)
    assert poll.state(poll_id) == SUCCEEDED_STATE and list(poll.winners(poll_id)) == _hex(TEA, OIL)

    tied = _open(poll, gov)
    poll.approve(tied, _bits(OIL), {"from": voters[4]})  # 5,000
    poll.approve(tied, _bits(RICE, EGGS), {"from": voters[2]})  # 3,000 and 3,000 at the cut-off
    _end(poll, gov, tied)
    assert poll.state(tied) == TIED_STATE and list(poll.winners(tied)) == []
    tx = poll.enact(tied, {"from": outsider})
    assert tx.events["PollEnacted"]["state"] == TIED_STATE and tx.events["PollEnacted"]["added"] == 0
    assert not any(book.isProduct(IDS[i]) for i in (RICE, EGGS))


def test_fewer_candidates_with_weight_than_top_n_win_alone(poll, book, voters, gov, outsider):
    poll_id = _open(poll, gov, top_n=3)
    poll.approve(poll_id, _bits(EGGS, RICE), {"from": voters[4]})  # rice and eggs 5,000; tea and oil 0
    _end(poll, gov, poll_id)
    assert poll.state(poll_id) == SUCCEEDED_STATE and list(poll.winners(poll_id)) == _hex(RICE, EGGS)
    assert poll.enact(poll_id, {"from": outsider}).events["PollEnacted"]["added"] == 2


def test_a_listed_winner_is_skipped_and_keeps_its_metadata(poll, book, writer, voters, gov, outsider):
    book.addProduct(IDS[TEA], b32("older metadata"), {"from": writer})
    poll_id = _open(poll, gov)
    poll.approve(poll_id, _bits(TEA, OIL), {"from": voters[4]})
    _end(poll, gov, poll_id)
    tx = poll.enact(poll_id, {"from": outsider})
    assert tx.events["PollEnacted"]["added"] == 1 and len(tx.events["ProductAdded"]) == 1
    assert book.productMetadata(IDS[TEA]) == "0x" + b32("older metadata").hex() and book.isProduct(IDS[OIL])


def test_weight_and_supply_are_read_at_the_snapshot(poll, points, admin, voters, outsider, gov):
    poll_id = _open(poll, gov)
    points.award(outsider, 1_000_000, b32("late whale"), {"from": admin})
    points.revoke(voters[2], 3000, b32("revoked after the snapshot"), {"from": admin})
    assert poll.quorum(poll_id) == 3000  # the whale's supply does not raise it
    assert poll.approve(poll_id, _bits(OIL), {"from": voters[2]}).return_value == 3000  # past weight still counts
    assert poll.approve(poll_id, _bits(EGGS), {"from": outsider}).return_value == 0
    _end(poll, gov, poll_id)
    assert list(poll.winners(poll_id)) == _hex(OIL)


def test_only_the_timelock_sets_the_quorum_and_a_poll_keeps_its_own(poll, writer, admin, voters, gov):
    with brownie.reverts(err("ProductPollUnauthorized", admin)):
        poll.setQuorumNumerator(1, {"from": admin})
    with brownie.reverts(err("ProductPollInvalidQuorum", 101, 100)):
        poll.setQuorumNumerator(101, {"from": writer})
    poll_id = _open(poll, gov)
    tx = poll.setQuorumNumerator(100, {"from": writer})
    assert tx.events["PollQuorumUpdated"] == {"oldNumerator": 20, "newNumerator": 100}
    assert poll.quorum(poll_id) == 3000 and poll.quorumNumerator() == 100


def test_role_limits_on_the_rule_book(poll, book, writer, admin, outsider, voters, gov):
    role, admin_role = book.POLL_ROLE(), book.DEFAULT_ADMIN_ROLE()
    with brownie.reverts(err("AccessControlUnauthorizedAccount", admin, admin_role)):
        book.grantRole(role, outsider, {"from": admin})  # not the timelock: cannot grant
    with brownie.reverts(err("AccessControlUnauthorizedAccount", outsider, role)):
        book.addProductFromPoll(IDS[RICE], META[RICE], {"from": outsider})
    poll_id = _open(poll, gov)
    poll.approve(poll_id, _bits(RICE), {"from": voters[4]})
    _end(poll, gov, poll_id)
    book.revokeRole(role, poll, {"from": writer})
    with brownie.reverts(err("AccessControlUnauthorizedAccount", poll, role)):
        poll.enact(poll_id, {"from": outsider})  # a revoked poll adds nothing
    assert not book.isProduct(IDS[RICE]) and poll.state(poll_id) == SUCCEEDED_STATE
    book.grantRole(role, poll, {"from": writer})
    poll.enact(poll_id, {"from": outsider})
    assert book.isProduct(IDS[RICE])


def test_a_setup_admin_grants_until_it_renounces(admin, writer, outsider):
    book = RuleBook.deploy(writer, admin, 1000, 500, 200, 10_000_000, 500, {"from": admin})
    role = book.POLL_ROLE()
    book.grantRole(role, outsider, {"from": admin})
    book.renounceRole(book.DEFAULT_ADMIN_ROLE(), admin, {"from": admin})
    with brownie.reverts(err("AccessControlUnauthorizedAccount", admin, book.DEFAULT_ADMIN_ROLE())):
        book.revokeRole(role, outsider, {"from": admin})
    assert book.addProductFromPoll(IDS[OIL], META[OIL], {"from": outsider}).return_value is True
    assert book.addProductFromPoll(IDS[OIL], META[EGGS], {"from": outsider}).return_value is False
    assert book.productMetadata(IDS[OIL]) == "0x" + META[OIL].hex()


def test_the_deployed_poll_holds_the_role_and_the_deployer_no_admin(rule_book, product_poll, timelock, admin):
    assert rule_book.hasRole(rule_book.POLL_ROLE(), product_poll)
    assert rule_book.hasRole(rule_book.DEFAULT_ADMIN_ROLE(), timelock)
    assert not rule_book.hasRole(rule_book.DEFAULT_ADMIN_ROLE(), admin)
    assert product_poll.timelock() == timelock and product_poll.ruleBook() == rule_book


def test_the_timelock_revokes_the_poll_and_sets_its_quorum(rule_book, product_poll, voters, gov, outsider):
    opened = product_poll.createPoll(IDS, META, 1, "picks", {"from": voters[0]}).return_value
    proposal = gov.propose(
        [(rule_book, "revokeRole", (rule_book.POLL_ROLE(), product_poll.address)),
         (product_poll, "setQuorumNumerator", (30,))],
        "Pause binding product polls", voters[4],
    )
    gov.sleep_until(product_poll.poll(opened)[2] + 1)
    product_poll.approve(opened, _bits(RICE), {"from": voters[4]})
    gov.pass_and_queue(proposal, voters[2:5])
    gov.execute(proposal, voters[0])
    assert product_poll.quorumNumerator() == 30 and not rule_book.hasRole(rule_book.POLL_ROLE(), product_poll)
    gov.sleep_until(product_poll.poll(opened)[3] + 1)
    with brownie.reverts(err("AccessControlUnauthorizedAccount", product_poll, rule_book.POLL_ROLE())):
        product_poll.enact(opened, {"from": outsider})
