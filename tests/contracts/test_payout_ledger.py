"""PayoutLedger: append-only periods, the rule book enforced, Merkle proofs verified with OZ MerkleProof."""

import brownie
import pytest

from contract_helpers import b32, err, merkle_tree

GMV = 12_345_678_00  # cents, above the 10,000,000 target
POOL = GMV * 200 // 10_000


@pytest.fixture(scope="module")
def payouts(members):
    shares = [POOL // 7] * 7
    shares[0] += POOL - sum(shares)
    return list(zip([str(m) for m in members], shares, strict=True))


@pytest.fixture(scope="module")
def tree(payouts):
    return merkle_tree(payouts)


def test_publish_records_the_period(ledger, admin, tree, payouts):
    root, _ = tree
    tx = ledger.publish(202611, GMV, POOL, len(payouts), root, b32("record"), {"from": admin})
    assert tx.events["DistributionPublished"] == {
        "period": 202611, "merkleRoot": root, "recordHash": "0x" + b32("record").hex(), "gmvCents": GMV,
        "targetCents": 10_000_000, "poolRateBps": 200, "poolCents": POOL, "memberCount": len(payouts),
    }
    assert list(ledger.distribution(202611)) == [root, "0x" + b32("record").hex()]
    assert ledger.isPublished(202611)


def test_publish_gas_does_not_depend_on_member_count(ledger, admin, tree):
    root, _ = tree
    small = ledger.publish(202611, GMV, POOL, 10, root, b32("r1"), {"from": admin}).gas_used
    large = ledger.publish(202612, GMV, POOL, 100_000, root, b32("r2"), {"from": admin}).gas_used
    assert large - small < 100 and large <= 80_000


def test_period_cannot_be_overwritten(ledger, admin, tree):
    root, _ = tree
    ledger.publish(202611, GMV, POOL, 7, root, b32("record"), {"from": admin})
    with brownie.reverts(err("PayoutLedgerPeriodAlreadyPublished", 202611)):
        ledger.publish(202611, GMV, POOL, 7, b32("other root"), b32("other record"), {"from": admin})


@pytest.mark.parametrize("period", [202613, 202600, 199912, 2026, 2026110])
def test_invalid_period_reverts(ledger, admin, period):
    with brownie.reverts(err("PayoutLedgerInvalidPeriod", period)):
        ledger.publish(period, GMV, POOL, 7, b32("root"), b32("record"), {"from": admin})


def test_pool_must_follow_the_rule_book(ledger, admin):
    with brownie.reverts(err("PayoutLedgerPoolMismatch", POOL + 1, POOL)):
        ledger.publish(202611, GMV, POOL + 1, 7, b32("root"), b32("record"), {"from": admin})


def test_no_pool_below_target(ledger, admin):
    with brownie.reverts(err("PayoutLedgerPoolMismatch", 1000, 0)):
        ledger.publish(202611, 9_999_999, 1000, 7, b32("root"), b32("record"), {"from": admin})
    ledger.publish(202611, 9_999_999, 0, 0, b"\x00" * 32, b32("record"), {"from": admin})
    assert ledger.isPublished(202611)


def test_record_hash_required(ledger, admin):
    with brownie.reverts(err("PayoutLedgerZeroRecordHash", 202611)):
        ledger.publish(202611, GMV, POOL, 7, b32("root"), b"\x00" * 32, {"from": admin})


def test_only_publisher_publishes(ledger, outsider):
    with brownie.reverts(err("AccessControlUnauthorizedAccount", outsider, ledger.PUBLISHER_ROLE())):
        ledger.publish(202611, GMV, POOL, 7, b32("root"), b32("record"), {"from": outsider})


def test_timelock_administers_publishers(ledger, timelock, admin):
    assert ledger.hasRole(ledger.DEFAULT_ADMIN_ROLE(), timelock)
    assert not ledger.hasRole(ledger.DEFAULT_ADMIN_ROLE(), admin)


def test_proof_verifies_on_chain(ledger, admin, tree, payouts):
    root, proof = tree
    ledger.publish(202611, GMV, POOL, len(payouts), root, b32("record"), {"from": admin})
    for account, amount in payouts:
        assert ledger.verify(202611, account, amount, proof(account, amount))


def test_wrong_amount_or_period_does_not_verify(ledger, admin, tree, payouts):
    root, proof = tree
    ledger.publish(202611, GMV, POOL, len(payouts), root, b32("record"), {"from": admin})
    account, amount = payouts[0]
    assert not ledger.verify(202611, account, amount + 1, proof(account, amount))
    assert not ledger.verify(202612, account, amount, proof(account, amount))


def test_month_without_pool_cannot_be_published_again(ledger, admin):
    # A month below target has no payouts (zero root): it is still published once and for all.
    ledger.publish(202611, 9_999_999, 0, 0, b"\x00" * 32, b32("record"), {"from": admin})
    with brownie.reverts(err("PayoutLedgerPeriodAlreadyPublished", 202611)):
        ledger.publish(202611, GMV, POOL, 7, b32("late root"), b32("other record"), {"from": admin})
    assert list(ledger.distribution(202611)) == ["0x" + "00" * 32, "0x" + b32("record").hex()]


def test_gmv_exactly_at_target_pays_the_pool(ledger, admin):
    with brownie.reverts(err("PayoutLedgerPoolMismatch", 0, 10_000_000 * 200 // 10_000)):
        ledger.publish(202611, 10_000_000, 0, 0, b"\x00" * 32, b32("record"), {"from": admin})
    ledger.publish(202611, 10_000_000, 200_000, 3, b32("root"), b32("record"), {"from": admin})


def test_pool_below_the_rule_book_reverts(ledger, admin):
    with brownie.reverts(err("PayoutLedgerPoolMismatch", POOL - 1, POOL)):
        ledger.publish(202611, GMV, POOL - 1, 7, b32("root"), b32("record"), {"from": admin})


@pytest.mark.parametrize("period", [200001, 999912, 202601, 202612])
def test_first_and_last_valid_periods(ledger, admin, period):
    ledger.publish(period, GMV, POOL, 7, b32("root"), b32("record"), {"from": admin})
    assert ledger.isPublished(period)
