"""Fixtures of the chain adapter tests: one embedded chain with Linli deployed per module, each test
isolated by a snapshot taken before it and reverted after it (brownie's fn_isolation, without brownie)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from chain.embedded import EmbeddedChain
from chain.system import Linli
from chain_story import deployed


@pytest.fixture(scope="module")
def chain() -> Iterator[EmbeddedChain]:
    with EmbeddedChain() as c:
        yield c


@pytest.fixture(scope="module")
def linli(chain: EmbeddedChain) -> Linli:
    return deployed(chain)


@pytest.fixture(autouse=True)
def isolation(request: pytest.FixtureRequest) -> Iterator[None]:
    if "linli" not in request.fixturenames and "chain" not in request.fixturenames:
        yield
        return
    chain = request.getfixturevalue("chain")
    if "linli" in request.fixturenames:
        request.getfixturevalue("linli")  # deploy before the snapshot, so every test starts deployed
    snapshot = chain.snapshot()
    yield
    chain.revert(snapshot)
