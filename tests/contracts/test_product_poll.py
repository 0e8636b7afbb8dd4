"""ProductPoll: approval (top-N) voting on product picks with snapshot weights (creation, approval window, one
ballot per member, selection bounds). Enacting: test_product_poll_enact.py; signed approvals:
test_product_poll_by_sig.py."""

import brownie
import pytest
from brownie import web3

from contract_helpers import b32, err

CANDIDATES = [b32(f"product:{name}") for name in ("rice", "tea", "oil", "eggs")]
METADATA = [b32(f"meta:{name}") for name in ("rice", "tea", "oil", "eggs")]


def _meta(ids):
    return [b32(f"meta:{i}") for i in range(len(ids))]


@pytest.fixture(scope="module")
def opened(product_poll, voters):
    """Poll 1: four candidates, two winners, opened by a member."""
    tx = product_poll.createPoll(CANDIDATES, METADATA, 2, "November picks", {"from": voters[0]})
    return tx.return_value, tx


def _bits(*indexes):
    return sum(1 << i for i in indexes)


def test_poll_created(product_poll, opened, linli):
    poll_id, tx = opened
    event = tx.events["PollCreated"]
    ids, top_n, snapshot, deadline = product_poll.poll(poll_id)
    assert poll_id == 1 and top_n == 2 and list(ids) == ["0x" + c.hex() for c in CANDIDATES]
    assert snapshot == tx.timestamp + linli.params["voting_delay"]
    assert deadline == snapshot + linli.params["voting_period"]
    assert event["description"] == "November picks"
    assert event["quorumNumerator"] == linli.params["poll_quorum_numerator"]
    assert list(product_poll.metadataHashes(poll_id)) == ["0x" + m.hex() for m in METADATA]


def test_top_n_win_by_approval_weight(product_poll, opened, voters, gov):
    poll_id, _ = opened
    _, _, snapshot, deadline = product_poll.poll(poll_id)
    gov.sleep_until(snapshot + 1)
    product_poll.approve(poll_id, _bits(0, 1), {"from": voters[0]})  # 1000
    product_poll.approve(poll_id, _bits(1, 2), {"from": voters[1]})  # 2000
    product_poll.approve(poll_id, _bits(3), {"from": voters[2]})  # 3000
    product_poll.approve(poll_id, _bits(2, 1), {"from": voters[3]})  # 4000
    assert list(product_poll.tallies(poll_id)) == [1000, 7000, 6000, 3000]
    assert product_poll.turnout(poll_id) == 10_000
    gov.sleep_until(deadline + 1)
    assert list(product_poll.winners(poll_id)) == ["0x" + CANDIDATES[1].hex(), "0x" + CANDIDATES[2].hex()]


def test_weight_after_snapshot_does_not_count(product_poll, opened, points, admin, outsider, gov):
    poll_id, _ = opened
    _, _, snapshot, _ = product_poll.poll(poll_id)
    gov.sleep_until(snapshot + 1)
    points.award(outsider, 1_000_000, b32("late whale"), {"from": admin})
    tx = product_poll.approve(poll_id, _bits(3), {"from": outsider})
    assert tx.return_value == 0 and list(product_poll.tallies(poll_id)) == [0, 0, 0, 0]
    assert product_poll.turnout(poll_id) == 0 and product_poll.hasVoted(poll_id, outsider)


def test_one_approval_per_member(product_poll, opened, voters, gov):
    poll_id, _ = opened
    gov.sleep_until(product_poll.poll(poll_id)[2] + 1)
    product_poll.approve(poll_id, _bits(0), {"from": voters[0]})
    with brownie.reverts(err("ProductPollAlreadyVoted", poll_id, voters[0])):
        product_poll.approve(poll_id, _bits(1), {"from": voters[0]})


def test_selection_must_name_candidates(product_poll, opened, voters, gov):
    poll_id, _ = opened
    gov.sleep_until(product_poll.poll(poll_id)[2] + 1)
    with brownie.reverts(err("ProductPollInvalidSelection", poll_id, _bits(4))):
        product_poll.approve(poll_id, _bits(4), {"from": voters[0]})


def test_no_approval_before_snapshot(product_poll, opened, voters):
    poll_id, _ = opened
    with brownie.reverts():
        product_poll.approve(poll_id, _bits(0), {"from": voters[0]})


def test_no_winners_before_deadline(product_poll, opened):
    poll_id, _ = opened
    deadline = product_poll.poll(poll_id)[3]
    with brownie.reverts(err("ProductPollNotFinished", poll_id, deadline)):
        product_poll.winners(poll_id)


def test_invalid_polls_rejected(product_poll, voters):
    with brownie.reverts(err("ProductPollInvalidTopN", 3, 2)):
        product_poll.createPoll(CANDIDATES[:2], METADATA[:2], 3, "", {"from": voters[0]})
    with brownie.reverts(err("ProductPollInvalidOption", CANDIDATES[0])):
        product_poll.createPoll([CANDIDATES[0], CANDIDATES[0]], METADATA[:2], 1, "", {"from": voters[0]})
    with brownie.reverts(err("ProductPollInvalidOptionCount", 1, 64)):
        product_poll.createPoll(CANDIDATES[:1], METADATA[:1], 1, "", {"from": voters[0]})
    with brownie.reverts(err("ProductPollInvalidMetadata", b"\x00" * 32, 2, 1)):
        product_poll.createPoll(CANDIDATES[:2], METADATA[:1], 1, "", {"from": voters[0]})
    with brownie.reverts(err("ProductPollInvalidMetadata", CANDIDATES[1], 2, 2)):
        product_poll.createPoll(CANDIDATES[:2], [METADATA[0], b"\x00" * 32], 1, "", {"from": voters[0]})
    with brownie.reverts(err("ProductPollInvalidOption", b"\x00" * 32)):
        product_poll.createPoll([b"\x00" * 32, CANDIDATES[1]], METADATA[:2], 1, "", {"from": voters[0]})


def test_option_count_and_top_n_bounds_are_inclusive(product_poll, voters):
    options = [b32(f"product:{i}") for i in range(product_poll.MAX_OPTIONS())]
    tx = product_poll.createPoll(options, _meta(options), len(options), "every product", {"from": voters[0]})
    assert len(product_poll.poll(tx.return_value)[0]) == 64
    more = [*options, b32("product:64")]
    with brownie.reverts(err("ProductPollInvalidOptionCount", 65, 64)):
        product_poll.createPoll(more, _meta(more), 1, "", {"from": voters[0]})


def _rpc(method, *params):
    answer = web3.provider.make_request(method, list(params))
    assert "error" not in answer, answer
    return answer.get("result")


def _mined_at(timestamp, send):
    """`send()`'s transaction mined in a block of exactly `timestamp`, on Anvil and Ganache alike: automatic
    mining paused, the transaction sent (estimated on the latest block), then one block mined at that time."""
    anvil = web3.client_version.lower().startswith("anvil")
    _rpc("evm_setAutomine", False) if anvil else _rpc("miner_stop")
    try:
        tx = send()
        _rpc("evm_mine", timestamp)
    finally:
        _rpc("evm_setAutomine", True) if anvil else _rpc("miner_start")
    tx.wait(1)
    return tx


def test_approval_open_until_the_deadline_itself(product_poll, opened, voters, gov):
    poll_id, _ = opened
    _, _, snapshot, deadline = product_poll.poll(poll_id)
    gov.sleep_until(deadline - 30)
    tx = _mined_at(deadline, lambda: product_poll.approve(poll_id, _bits(1), {"from": voters[0], "required_confs": 0}))
    assert tx.timestamp == deadline and list(product_poll.tallies(poll_id)) == [0, 1000, 0, 0]
    with brownie.reverts(err("ProductPollNotFinished", poll_id, deadline)):  # at the deadline: still open
        product_poll.winners(poll_id)
    gov.sleep_until(deadline + 1)
    with brownie.reverts(revert_pattern=rf"ProductPollNotActive: {poll_id}, \d+, {snapshot}, {deadline}"):
        product_poll.approve(poll_id, _bits(1), {"from": voters[1]})
