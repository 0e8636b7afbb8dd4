"""RuleBook: hard bounds, events with old and new values, catalogue, timelock-only writes.

Most tests use a RuleBook whose writer is an EOA standing in for the timelock (same bytecode, one account
instead of a proposal per call); test_governance.py drives the real timelock.
"""

import brownie
import pytest
from brownie import ZERO_ADDRESS, RuleBook

from contract_helpers import b32, err


@pytest.fixture(scope="module")
def writer(accounts):
    return accounts[2]


@pytest.fixture(scope="module")
def book(writer, admin):
    # level 1 = 10%, level 2 = 5%, pool 2%, target 100,000.00 yuan, max change 5 points.
    return RuleBook.deploy(writer, ZERO_ADDRESS, 1000, 500, 200, 10_000_000, 500, {"from": admin})


def test_getters_return_the_rules(book, writer):
    assert book.timelock() == writer
    assert list(book.commissionRates()) == [1000, 500, 1500]
    assert [book.commissionRate(1), book.commissionRate(2)] == [1000, 500]
    assert (book.poolRate(), book.gmvTarget(), book.maxRateChange()) == (200, 10_000_000, 500)
    assert list(book.poolTerms()) == [200, 10_000_000]


def test_bounds_are_public(book):
    assert book.MAX_COMMISSION_TOTAL_BPS() == 3000
    assert (book.MIN_POOL_RATE_BPS(), book.MAX_POOL_RATE_BPS()) == (100, 300)


def test_set_commission_rate_emits_old_and_new(book, writer):
    tx = book.setCommissionRate(1, 1400, {"from": writer})
    assert tx.events["CommissionRateChanged"] == {"level": 1, "oldBps": 1000, "newBps": 1400}
    assert book.commissionRate(1) == 1400


def test_commission_sum_above_30_percent_reverts(book, writer):
    # Allowed moves of 500 at a time cannot break the sum bound before the bound itself.
    book.setMaxRateChange(3000, {"from": writer})
    brownie.chain.sleep(1)
    with brownie.reverts(err("RuleBookRateAboveBound", 2, 2100, 2000)):
        book.setCommissionRate(2, 2100, {"from": writer})


def test_only_two_levels(book, writer):
    with brownie.reverts(err("RuleBookInvalidLevel", 3)):
        book.setCommissionRate(3, 100, {"from": writer})
    with brownie.reverts(err("RuleBookInvalidLevel", 0)):
        book.commissionRate(0)


def test_rate_change_above_max_per_proposal_reverts(book, writer):
    with brownie.reverts(err("RuleBookRateChangeAboveBound", 1000, 1600, 500)):
        book.setCommissionRate(1, 1600, {"from": writer})


def test_pool_rate_bounds(book, writer):
    with brownie.reverts(err("RuleBookPoolRateOutOfBounds", 99, 100, 300)):
        book.setPoolRate(99, {"from": writer})
    with brownie.reverts(err("RuleBookPoolRateOutOfBounds", 301, 100, 300)):
        book.setPoolRate(301, {"from": writer})


def test_set_pool_rate_emits_old_and_new(book, writer):
    tx = book.setPoolRate(300, {"from": writer})
    assert tx.events["PoolRateChanged"] == {"oldBps": 200, "newBps": 300}


def test_gmv_target(book, writer):
    tx = book.setGmvTarget(20_000_000, {"from": writer})
    assert tx.events["GmvTargetChanged"] == {"oldCents": 10_000_000, "newCents": 20_000_000}
    with brownie.reverts(err("RuleBookGmvTargetOutOfBounds", 0, 1, 2**64 - 1)):
        book.setGmvTarget(0, {"from": writer})


def test_max_rate_change_bounds(book, writer):
    tx = book.setMaxRateChange(200, {"from": writer})
    assert tx.events["MaxRateChangeChanged"] == {"oldBps": 500, "newBps": 200}
    with brownie.reverts(err("RuleBookMaxChangeOutOfBounds", 3001, 1, 3000)):
        book.setMaxRateChange(3001, {"from": writer})


def test_add_and_remove_product(book, writer):
    rice, meta = b32("rice-5kg"), b32('{"name":"rice 5kg"}')
    tx = book.addProduct(rice, meta, {"from": writer})
    assert tx.events["ProductAdded"]["newMetadataHash"] == "0x" + meta.hex()
    assert book.isProduct(rice) and book.productMetadata(rice) == "0x" + meta.hex()
    assert list(book.products()) == ["0x" + rice.hex()] and book.productCount() == 1
    tx = book.removeProduct(rice, {"from": writer})
    assert tx.events["ProductRemoved"]["oldMetadataHash"] == "0x" + meta.hex()
    assert not book.isProduct(rice) and book.productCount() == 0


def test_product_errors(book, writer):
    rice = b32("rice-5kg")
    book.addProduct(rice, b32("m"), {"from": writer})
    with brownie.reverts(err("RuleBookProductExists", rice)):
        book.addProduct(rice, b32("m2"), {"from": writer})
    with brownie.reverts(err("RuleBookUnknownProduct", b32("tea"))):
        book.removeProduct(b32("tea"), {"from": writer})
    with brownie.reverts(err("RuleBookZeroProductField", b32("tea"), b"\x00" * 32)):
        book.addProduct(b32("tea"), b"\x00" * 32, {"from": writer})


@pytest.mark.parametrize(
    "call",
    [
        ("setCommissionRate", (1, 1100)),
        ("setPoolRate", (250,)),
        ("setGmvTarget", (1,)),
        ("setMaxRateChange", (100,)),
        ("addProduct", (b"\x01" * 32, b"\x02" * 32)),
        ("removeProduct", (b"\x01" * 32,)),
    ],
)
def test_only_the_timelock_writes(book, admin, call):
    name, args = call
    with brownie.reverts(err("RuleBookUnauthorized", admin)):
        getattr(book, name)(*args, {"from": admin})


def test_constructor_rejects_out_of_bounds_rules(admin, writer):
    with brownie.reverts(err("RuleBookRateAboveBound", 2, 2500, 2000)):
        RuleBook.deploy(writer, ZERO_ADDRESS, 1000, 2500, 200, 1, 500, {"from": admin})
    with brownie.reverts(err("RuleBookPoolRateOutOfBounds", 50, 100, 300)):
        RuleBook.deploy(writer, ZERO_ADDRESS, 1000, 500, 50, 1, 500, {"from": admin})


def test_level1_change_keeps_the_sum_at_most_30_percent(book, writer):
    # The sum bound holds whichever level moves (level 2 is 5%: level 1 may reach 25%, not more).
    book.setMaxRateChange(3000, {"from": writer})
    brownie.chain.sleep(1)
    with brownie.reverts(err("RuleBookRateAboveBound", 1, 2501, 2500)):
        book.setCommissionRate(1, 2501, {"from": writer})
    book.setCommissionRate(1, 2500, {"from": writer})
    assert list(book.commissionRates()) == [2500, 500, 3000]  # exactly 30% is lawful


def test_constructor_checks_level1_against_the_sum(admin, writer):
    with brownie.reverts(err("RuleBookRateAboveBound", 1, 3001, 3000)):
        RuleBook.deploy(writer, ZERO_ADDRESS, 3001, 0, 200, 1, 500, {"from": admin})


def test_a_change_of_exactly_the_maximum_is_allowed(book, writer):
    book.setCommissionRate(1, 1500, {"from": writer})
    assert book.commissionRate(1) == 1500


def test_bounds_are_inclusive(book, writer):
    book.setPoolRate(100, {"from": writer})
    brownie.chain.sleep(1)
    book.setPoolRate(300, {"from": writer})
    book.setGmvTarget(2**64 - 1, {"from": writer})
    with brownie.reverts(err("RuleBookGmvTargetOutOfBounds", 2**64, 1, 2**64 - 1)):
        book.setGmvTarget(2**64, {"from": writer})
    book.setMaxRateChange(1, {"from": writer})
    with brownie.reverts(err("RuleBookMaxChangeOutOfBounds", 0, 1, 3000)):
        book.setMaxRateChange(0, {"from": writer})
    assert (book.poolRate(), book.gmvTarget(), book.maxRateChange()) == (300, 2**64 - 1, 1)


def test_zero_product_id_reverts(book, writer):
    with brownie.reverts(err("RuleBookZeroProductField", b"\x00" * 32, b32("m"))):
        book.addProduct(b"\x00" * 32, b32("m"), {"from": writer})


def test_removed_product_has_no_metadata(book, writer):
    rice = b32("rice-5kg")
    book.addProduct(rice, b32("m"), {"from": writer})
    book.removeProduct(rice, {"from": writer})
    assert book.productMetadata(rice) == "0x" + "00" * 32
