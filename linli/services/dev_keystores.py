"""Dev keys as Web3 Secret Storage (v3 keystore) files: what `linli --keystore` and the dashboard's key import read.

Only for keys of a dev chain that the demo made up and prints anyway: their passphrase is public
(DEV_PASSPHRASE) and scrypt is run light, so that a browser opens the file in a moment. A real member's
key is created in the browser or their wallet, never here.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

DEV_PASSPHRASE = "linli-demo"
DEV_SCRYPT_N = 2**14  # eth_account's default 2**18 takes seconds in a browser; these keys guard nothing


def write_dev_keystores(keys: Mapping[str, LocalAccount], folder: Path,
                        passphrase: str = DEV_PASSPHRASE) -> dict[str, Path]:
    """One keystore per key, named `LABEL-ADDRESS.json` under `folder` (created); label -> its file."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for label, key in keys.items():
        path = folder / f"{label}-{key.address}.json"
        encrypted = Account.encrypt(key.key, passphrase, kdf="scrypt", iterations=DEV_SCRYPT_N)
        path.write_text(json.dumps(encrypted, indent=2) + "\n", encoding="utf-8")
        written[label] = path
    return written
