"""Members who can sign: the demo's synthetic co-op with keys, and ether for those who vote directly.

`governance.synthetic` writes addresses nobody holds a key for (fine for a month close, useless for voting).
The demo rewrites them with addresses of keys derived from the seed, so a member can sign its own ballot;
derivation is deterministic, so the same seed gives the same co-op on every backend.
"""
from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from chain.base import Chain


def member_key(seed: int, index: int) -> LocalAccount:
    """The demo key of member `index` (0-based) of the co-op generated with `seed`."""
    return Account.from_key(keccak(f"linli-demo-member:{seed}:{index}".encode()))


def give_members_keys(members_csv: Path, seed: int) -> dict[str, LocalAccount]:
    """Rewrite the address column with keyed addresses; returns member id -> its key."""
    with members_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys()) if rows else []
    keys = {row["member_id"]: member_key(seed, i) for i, row in enumerate(rows)}
    for row in rows:
        row["address"] = keys[row["member_id"]].address
    with members_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return keys


def fund(chain: Chain, recipients: Sequence[str], wei: int, sender: LocalAccount | None = None) -> None:
    """Plain ether transfers, sent back to back and then awaited (gas money for members who vote)."""
    sender = sender or chain.signers[0]
    hashes = []
    for to in recipients:
        tx: dict[str, Any] = {"to": to, "value": wei, "gas": 21_000, "chainId": chain.chain_id,
              "nonce": chain.nonces.take(sender.address), **chain.fee_fields()}
        hashes.append(chain.w3.eth.send_raw_transaction(sender.sign_transaction(tx).raw_transaction))
    for h in hashes:
        chain.w3.eth.wait_for_transaction_receipt(h, timeout=120, poll_latency=0.05)
