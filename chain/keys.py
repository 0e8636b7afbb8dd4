"""Where signing keys come from: the dev mnemonic (local chains), LINLI_PRIVATE_KEY, or an encrypted keystore.

A key is never taken from the command line (it would land in shell history and `ps`); remote chains read
LINLI_PRIVATE_KEY, or a keystore file whose password comes from LINLI_KEYSTORE_PASSWORD.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from chain.errors import SignerUnavailable
from governance import bounded_json

# The well-known dev mnemonic (Anvil's and Hardhat's default): every local backend derives the same
# accounts from it on m/44'/60'/0'/0/i, so addresses and deployments match across backends.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_HD_PATH = "m/44'/60'/0'/0"
PRIVATE_KEY_ENV = "LINLI_PRIVATE_KEY"
KEYSTORE_PASSWORD_ENV = "LINLI_KEYSTORE_PASSWORD"
KEYSTORE_MAX_BYTES = 64 * 1024  # a V3 keystore is about 500 bytes

Account.enable_unaudited_hdwallet_features()


def dev_signers(count: int, mnemonic: str = DEV_MNEMONIC) -> list[LocalAccount]:
    """The first `count` accounts of the dev mnemonic, funded by every local backend."""
    return [Account.from_mnemonic(mnemonic, account_path=f"{DEV_HD_PATH}/{i}") for i in range(count)]


def signer_from_env(env: Mapping[str, str] = os.environ) -> LocalAccount | None:
    """The account of LINLI_PRIVATE_KEY (hex, with or without 0x), or None when unset."""
    raw = env.get(PRIVATE_KEY_ENV, "").strip()
    if not raw:
        return None
    try:
        return Account.from_key(raw)
    except (ValueError, TypeError) as exc:
        raise SignerUnavailable(f"{PRIVATE_KEY_ENV} is not a valid private key (64 hex digits)") from exc


def signer_from_keystore(path: Path, env: Mapping[str, str] = os.environ) -> LocalAccount:
    """Decrypt an Ethereum keystore (V3 JSON) with the password in LINLI_KEYSTORE_PASSWORD."""
    password = env.get(KEYSTORE_PASSWORD_ENV)
    if password is None:
        raise SignerUnavailable(f"keystore {path}: set {KEYSTORE_PASSWORD_ENV} to its password")
    try:
        keyfile = bounded_json.load_file(path, max_bytes=KEYSTORE_MAX_BYTES)
    except (OSError, ValueError) as exc:
        raise SignerUnavailable(f"keystore {path}: cannot read it as keystore JSON ({exc})") from exc
    try:
        return Account.from_key(Account.decrypt(keyfile, password))
    except ValueError as exc:
        raise SignerUnavailable(f"keystore {path}: wrong password or corrupt file ({exc})") from exc


def load_signer(keystore: Path | None = None, env: Mapping[str, str] = os.environ) -> LocalAccount:
    """The signer for a remote chain: the keystore when given, else LINLI_PRIVATE_KEY."""
    if keystore is not None:
        return signer_from_keystore(keystore, env)
    signer = signer_from_env(env)
    if signer is None:
        raise SignerUnavailable(
            f"no signing key: set {PRIVATE_KEY_ENV}, or pass --keystore FILE with {KEYSTORE_PASSWORD_ENV}"
        )
    return signer
