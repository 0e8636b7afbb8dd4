"""A revert that carries no data (a missing function, an invalid opcode) is a TransactionReverted naming the call
on every backend — from eth_call, from the gas estimate and from a mined transaction — never a raw web3 error."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from web3.contract import Contract

from chain.base import Chain
from chain.connect import open_chain
from chain.deploy import deploy_linli
from chain.errors import TransactionReverted
from chain.system import Linli

POKE_ABI = [{"type": "function", "name": "poke", "inputs": [], "outputs": [], "stateMutability": "nonpayable"}]
INVALID_OPCODE_CODE = "0x60fe60005360016000f3"  # init code whose runtime code is the single byte 0xfe


@pytest.fixture(scope="module", params=["embedded", pytest.param("anvil", marks=pytest.mark.node),
                                        pytest.param("ganache", marks=pytest.mark.node)])
def any_linli(request: pytest.FixtureRequest) -> Iterator[Linli]:
    with open_chain(request.param) as chain:
        yield Linli.attach(chain, deploy_linli(chain))


def _missing_function(linli: Linli) -> Contract:
    """ContributionPoints under an ABI naming a function it lacks: its dispatcher reverts with no data."""
    return linli.tx.register(linli.chain.w3.eth.contract(address=linli.points.address, abi=POKE_ABI), "Points")


def _invalid_opcode(linli: Linli, chain: Chain) -> Contract:
    factory = chain.w3.eth.contract(abi=POKE_ABI, bytecode=INVALID_OPCODE_CODE)
    address = linli.tx.send(factory.constructor(), chain.signers[0], label="deploy 0xfe")["contractAddress"]
    return linli.tx.register(chain.w3.eth.contract(address=address, abi=POKE_ABI), "InvalidOpcode")


@pytest.mark.parametrize("target", ["missing function", "invalid opcode"])
def test_no_data_reverts_are_named_from_call_estimate_and_receipt(any_linli: Linli, target: str) -> None:
    chain = any_linli.chain
    contract = _missing_function(any_linli) if target == "missing function" else _invalid_opcode(any_linli, chain)
    name = "Points.poke" if target == "missing function" else "InvalidOpcode.poke"
    sender = chain.signers[0]
    with pytest.raises(TransactionReverted, match=rf"^{name}: reverted") as called:
        any_linli.tx.call(contract.functions.poke())
    with pytest.raises(TransactionReverted, match=rf"^{name}: reverted") as estimated:
        any_linli.tx.send(contract.functions.poke(), sender)
    with pytest.raises(TransactionReverted, match=rf"^{name}: ") as mined:  # gas given: no estimate, mined
        any_linli.tx.send(contract.functions.poke(), sender, gas=100_000)
    assert mined.value.tx_hash is not None
    if target == "missing function":
        assert called.value.data == estimated.value.data == mined.value.data == b""
