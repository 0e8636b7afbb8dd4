"""The embedded chain's dev controls: funded accounts, 30M gas limit, exact time travel, mining, snapshots."""
from __future__ import annotations

from chain.connect import open_chain
from chain.embedded import EmbeddedChain


def test_defaults() -> None:
    with open_chain() as chain:
        assert isinstance(chain, EmbeddedChain)
        assert chain.w3.eth.get_block("latest")["gasLimit"] == 30_000_000
        assert len(chain.accounts) == 10
        assert all(chain.w3.eth.get_balance(a) >= 10**24 for a in chain.accounts)


def test_time_travel_is_exact(chain: EmbeddedChain) -> None:
    before, height = chain.timestamp(), chain.block_number()
    assert chain.increase_time(3_600) == before + 3_600 == chain.timestamp()
    assert chain.block_number() == height + 1


def test_mine_and_mine_until(chain: EmbeddedChain) -> None:
    height = chain.block_number()
    assert chain.mine(25) == height + 25
    assert chain.mine_until(height + 30) == height + 30
    assert chain.mine_until(height) == height + 30  # never backwards


def test_snapshot_and_revert_restore_state_and_nonces(chain: EmbeddedChain) -> None:
    alice, bob = chain.signers[1], chain.signers[2]
    snapshot = chain.snapshot()
    nonce = chain.nonces.take(alice.address)
    tx = {"to": bob.address, "value": 10**18, "gas": 21_000, "nonce": nonce, "chainId": chain.chain_id,
          **chain.fee_fields()}
    chain.w3.eth.send_raw_transaction(alice.sign_transaction(tx).raw_transaction)
    assert chain.w3.eth.get_transaction_count(alice.address) == nonce + 1
    chain.revert(snapshot)
    assert chain.w3.eth.get_transaction_count(alice.address) == nonce
    assert chain.nonces.take(alice.address) == nonce  # the cache was dropped with the state
