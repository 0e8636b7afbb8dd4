"""The public payout record: a month's totals, roots and hashes, without any member's line
(docs/data-formats.md "Public record").

    content   = period, gmv_cents, target_cents, pool_rate_bps, pool_cents, undistributed_cents, merkle_root,
                sum_root, sum_total_cents, member_count, record_hash   (governance.payout_record.public_content)
    file      = canonical JSON of {content, format, public_key, signature} + one newline
    signature = Ed25519 by the admin key over the canonical content (made when the whole record is signed and
                kept in it as `public_signature`, so whoever holds the whole record can write this file)

It cannot be checked against the on-chain record hash by hashing (that needs every line), so it is signed;
it names the record hash, and its merkle root, GMV, pool and member count are checked against the chain.
Why this is enough, and what it does not prevent: docs/data-formats.md "Public record".
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from governance.errors import BadInput, VerificationError
from governance.payout_record import (
    SignedRecord, canonical_json, check_signature, parse_file, public_content, read_capped,
)

FORMAT = "linli-public-record/1"
_FIELDS = {"period": str, "gmv_cents": int, "target_cents": int, "pool_rate_bps": int, "pool_cents": int,
           "undistributed_cents": int, "merkle_root": str, "sum_root": str, "sum_total_cents": int,
           "member_count": int, "record_hash": str}
_HEX32 = re.compile(r"^0x[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class PublicRecord:
    content: Mapping[str, Any]
    signature: str
    public_key: str

    @classmethod
    def of(cls, record: SignedRecord) -> PublicRecord:
        """The public record of a whole one, with the signature the admin made for it."""
        return cls(public_content(record.content, record.record_hash), record.public_signature, record.public_key)

    def to_bytes(self) -> bytes:
        return canonical_json({"content": self.content, "format": FORMAT, "public_key": self.public_key,
                               "signature": self.signature}) + b"\n"

    @classmethod
    def from_bytes(cls, data: bytes) -> PublicRecord:
        """Parse a public record file; anything but the exact canonical form is a VerificationError."""
        parsed = parse_file(data, "public record", FORMAT, ("content", "format", "public_key", "signature"))
        record = cls(parsed["content"], parsed["signature"], parsed["public_key"])
        try:
            canonical = record.to_bytes()
        except BadInput as exc:
            raise VerificationError(f"public record content: {exc}") from None
        if canonical != data:
            raise VerificationError("public record file is not in canonical form (sorted keys, no whitespace, "
                                    "one trailing newline)")
        return record

    def save(self, path: Path | str) -> None:
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: Path | str) -> PublicRecord:
        return cls.from_bytes(read_capped(path))


def verify_public(record: PublicRecord, *, public_key: str | None = None) -> None:
    """The admin's signature, every field's type, the sum tree's total == the pool == Σ of what it splits
    into, and pool == floor(GMV x rate / 10000) when GMV >= target (else 0). The caller compares the record
    hash, root and totals with the chain."""
    content = record.content
    for name, kind in _FIELDS.items():
        value = content.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise VerificationError(f"public record: {name} is missing or not {kind.__name__}")
    if set(content) != set(_FIELDS):
        raise VerificationError(f"public record: unexpected fields {sorted(set(content) - set(_FIELDS))}")
    for name in ("merkle_root", "sum_root", "record_hash"):
        if not _HEX32.match(content[name]):
            raise VerificationError(f"public record: {name} is not 0x + 64 lower-case hex digits")
    check_signature(record.public_key, record.signature, canonical_json(dict(content)), public_key,
                    what="public record")
    gmv, rate, target, pool = (content[k] for k in ("gmv_cents", "pool_rate_bps", "target_cents", "pool_cents"))
    if pool != (gmv * rate // 10_000 if gmv >= target else 0):
        raise VerificationError(f"public record: pool_cents {pool} does not follow from GMV {gmv}, rate {rate} bps "
                                f"and target {target}")
    if content["sum_total_cents"] != pool or not 0 <= content["undistributed_cents"] <= pool:
        raise VerificationError(f"public record: the sum tree's total {content['sum_total_cents']} is not the pool "
                                f"{pool}, or undistributed_cents {content['undistributed_cents']} is outside 0 … pool")


def same_as(public: PublicRecord, record: SignedRecord) -> None:
    """VerificationError unless `public` is exactly the public record of the whole `record` (an auditor's
    check: the admin cannot have shown the public a sum root other than the one the record commits to)."""
    if public.to_bytes() != PublicRecord.of(record).to_bytes():
        raise VerificationError("the public record differs from the one the whole record gives")
