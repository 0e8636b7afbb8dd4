"""Signing keys: LINLI_PRIVATE_KEY, or a keystore file with LINLI_KEYSTORE_PASSWORD; never from arguments."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account

from chain.connect import open_chain
from chain.errors import ChainError, SignerUnavailable
from chain.keys import dev_signers, load_signer, signer_from_env, signer_from_keystore
from chain.nodes import free_port

KEY = "0x" + "11" * 32


def _keystore(tmp_path: Path, password: str) -> Path:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(Account.encrypt(KEY, password, kdf="pbkdf2", iterations=1000)))
    return path


def test_key_from_environment() -> None:
    assert signer_from_env({"LINLI_PRIVATE_KEY": KEY}).address == Account.from_key(KEY).address
    assert signer_from_env({"LINLI_PRIVATE_KEY": KEY[2:]}).address == Account.from_key(KEY).address
    assert signer_from_env({}) is None
    with pytest.raises(SignerUnavailable, match="LINLI_PRIVATE_KEY is not a valid private key"):
        signer_from_env({"LINLI_PRIVATE_KEY": "0x1234"})


def test_keystore_with_password_from_environment(tmp_path: Path) -> None:
    path = _keystore(tmp_path, "s3cret")
    signer = signer_from_keystore(path, {"LINLI_KEYSTORE_PASSWORD": "s3cret"})
    assert signer.address == Account.from_key(KEY).address
    with pytest.raises(SignerUnavailable, match="wrong password"):
        signer_from_keystore(path, {"LINLI_KEYSTORE_PASSWORD": "guess"})
    with pytest.raises(SignerUnavailable, match="set LINLI_KEYSTORE_PASSWORD"):
        signer_from_keystore(path, {})
    with pytest.raises(SignerUnavailable, match="cannot read"):
        signer_from_keystore(tmp_path / "nope.json", {"LINLI_KEYSTORE_PASSWORD": "x"})


def test_keystore_wins_over_the_environment_key(tmp_path: Path) -> None:
    env = {"LINLI_PRIVATE_KEY": "0x" + "22" * 32, "LINLI_KEYSTORE_PASSWORD": "pw"}
    assert load_signer(_keystore(tmp_path, "pw"), env).address == Account.from_key(KEY).address
    assert load_signer(None, env).address == Account.from_key("0x" + "22" * 32).address
    with pytest.raises(SignerUnavailable, match="no signing key"):
        load_signer(None, {})


def test_remote_chain_needs_a_key() -> None:
    with pytest.raises(SignerUnavailable):
        open_chain(rpc_url=f"http://127.0.0.1:{free_port()}", env={})
    chain = open_chain(env={"LINLI_RPC_URL": "http://127.0.0.1:1", "LINLI_PRIVATE_KEY": KEY})
    assert chain.rpc == "http://127.0.0.1:1" and chain.accounts == [Account.from_key(KEY).address]


def test_kind_and_url_are_exclusive() -> None:
    with pytest.raises(ChainError, match="either --chain anvil or an RPC URL"):
        open_chain("anvil", rpc_url="http://127.0.0.1:1", env={"LINLI_PRIVATE_KEY": KEY})


def test_dev_accounts_are_the_well_known_ones() -> None:
    assert [s.address for s in dev_signers(2)] == [
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    ]
