"""Shared fixtures for the contract tests (brownie). Reusable by other test modules:

    from scripts.deploy import deploy_linli          # plain function, no pytest needed
    def test_x(linli, points, governor, ...): ...      # fixtures below

`linli` is one module-scoped deployment (profile "fast": seconds-long voting delay/period and timelock
delay); `fn_isolation` reverts the chain after every test, so tests share it without interfering.
"""

import pytest
from brownie import accounts, chain

from scripts.deploy import deploy_linli
from contract_helpers import Governance


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass


@pytest.fixture(scope="module")
def admin():
    """The co-op admin: deployer, first issuer, publisher and guardian."""
    return accounts[0]


@pytest.fixture(scope="module")
def members():
    return accounts[1:8]


@pytest.fixture(scope="module")
def outsider():
    return accounts[9]


@pytest.fixture(scope="module")
def linli(admin):
    return deploy_linli(admin, profile="fast")


@pytest.fixture(scope="module")
def points(linli):
    return linli.points


@pytest.fixture(scope="module")
def governor(linli):
    return linli.governor


@pytest.fixture(scope="module")
def timelock(linli):
    return linli.timelock


@pytest.fixture(scope="module")
def rule_book(linli):
    return linli.rule_book


@pytest.fixture(scope="module")
def ledger(linli):
    return linli.ledger


@pytest.fixture(scope="module")
def product_poll(linli):
    return linli.product_poll


@pytest.fixture(scope="module")
def gov(linli):
    """Helper driving proposals through propose / vote / queue / execute with time travel."""
    return Governance(linli)


@pytest.fixture(scope="module")
def voters(linli, admin, members):
    """Members 0..4 awarded 1000, 2000, 3000, 4000, 5000 points (total 15000) in one batch."""
    amounts = [1000, 2000, 3000, 4000, 5000]
    chosen = list(members[:5])
    evidence = [bytes([i + 1]) * 32 for i in range(len(chosen))]
    linli.points.awardBatch(b"\x42" * 32, chosen, amounts, evidence, {"from": admin})
    chain.sleep(1)
    chain.mine()
    return chosen
