"""The signed payout record: canonical JSON of the month report, its keccak256 hash and an Ed25519 signature.

Content = the month report (docs/data-formats.md "Month report") WITHOUT `record_hash`: a hash cannot sit inside the
bytes it hashes. So:

    content      = report minus "record_hash"   (period, gmv_cents, target_cents, pool_rate_bps, pool_cents,
                                                 undistributed_cents, merkle_root, members[…])
    canonical    = RFC 8785 (JCS) of the content: sorted keys, no whitespace, UTF-8 (not \\u-escaped)
    record_hash  = "0x" + keccak256(canonical).hex()   -> on chain beside the Merkle root
    signature    = Ed25519(canonical) by the admin key (PyNaCl), 64 bytes

`build_record(content) -> (canonical, record_hash)` is what `governance.month` calls; the report it prints
is `{**content, "record_hash": record_hash}`. A `SignedRecord` file is itself canonical JSON plus one
trailing newline: {"content", "format", "public_key", "public_signature", "record_hash", "signature"};
loading refuses any file that is not byte-for-byte the canonical form, so no byte of it can change without
failing verification. `undistributed_cents` (what the pool could not pay, governance.pool) is optional and 0
when absent. `public_signature` is the admin's signature over the public record's content
(`governance.public_record`), which names this record's hash: so the API, which has no admin key, serves
the public record the admin signed. A content with `sum_root` carries the month's Merkle sum tree
(`governance.record_sum`), checked with the rest.

The canonical bytes are RFC 8785, the JSON Canonicalization Scheme, on the record's domain, so any JCS
implementation (a JavaScript verifier, say) rebuilds them from the parsed record. The domain: objects with
text keys, arrays, text, true, false, null and integers within ±(2^53−1). Hashes, Merkle proofs and
addresses are 0x-hex text, so no 256-bit value is a JSON number. On that domain `json.dumps` with sorted
keys, no spaces and no ASCII escaping writes what JCS writes: integers in plain decimal, the same escapes
(\\" \\\\ \\b \\f \\n \\r \\t, other control characters as lower-case \\u00xx, nothing else), and keys in
code-point order, which is JCS's UTF-16 order as long as no key holds a character above U+FFFF.
`canonical_json` refuses what lies outside: floats; integers beyond ±(2^53−1), which JCS numbers (IEEE
doubles) cannot hold exactly, so a month whose cents exceed 2^53−1 (about 90 trillion yuan, within what
`governance.bounds` lets the contracts take) is refused when its record is built rather than written
in a form a JavaScript verifier would round; text with a lone surrogate (not UTF-8); keys with a character
above U+FFFF.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_hash.auto import keccak
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from governance import bounded_json, record_sum
from governance.errors import BadInput, VerificationError
from governance.merkle import StandardMerkleTree
from governance.merkle import verify as verify_proof

FORMAT = "linli-payout-record/2"
_HEX32 = re.compile(r"^0x[0-9a-f]{64}$")
_HEX64 = re.compile(r"^0x[0-9a-f]{128}$")
_RECORD_FIELDS = {"period": str, "gmv_cents": int, "target_cents": int, "pool_rate_bps": int, "pool_cents": int,
                  "merkle_root": str, "members": list}
_MEMBER_FIELDS = {"member_id": str, "address": str, "payout_cents": int, "proof": list}
JCS_MAX_INT = 2**53 - 1
"""The largest integer an RFC 8785 number (an IEEE double) holds exactly; its negative is the smallest."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def canonical_json(value: Any) -> bytes:
    """RFC 8785 (JCS) bytes of `value`; anything outside the record's domain (module docstring) is BadInput
    naming where it is. `json.dumps` writes the bytes: on this domain it is JCS, and it is C."""
    _check_domain(value, "record")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _check_domain(value: Any, where: str) -> None:
    if isinstance(value, str):
        if not value.isascii() and _SURROGATE.search(value):
            raise BadInput(f"{where}: text holds a lone surrogate, which UTF-8 (and so JCS) cannot encode")
    elif isinstance(value, float):
        raise BadInput(f"{where}: {value!r} is a float; amounts must be whole cents (int)")
    elif isinstance(value, int):
        if not -JCS_MAX_INT <= value <= JCS_MAX_INT:
            raise BadInput(f"{where}: {value} is beyond ±(2^53−1) = ±{JCS_MAX_INT}, the integers an RFC 8785 "
                           "(JCS) number holds exactly")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise BadInput(f"{where}: key {key!r} is not text")
            if not key.isascii() and (_SURROGATE.search(key) or max(key) > "\uffff"):
                raise BadInput(f"{where}: key {key!r} holds a lone surrogate or a character above U+FFFF "
                               "(JCS orders keys by UTF-16 code units)")
            _check_domain(item, f"{where}.{key}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_domain(item, f"{where}[{i}]")
    elif value is not None:
        raise BadInput(f"{where}: {type(value).__name__} cannot go in a payout record")


def build_record(content: Mapping[str, Any]) -> tuple[bytes, str]:
    """The canonical bytes of the record content and their keccak256, 0x-hex."""
    if "record_hash" in content:
        raise BadInput("record content must not contain record_hash (the hash is computed over the content)")
    canonical = canonical_json(content)
    return canonical, "0x" + keccak(canonical).hex()


def record_hash(content: Mapping[str, Any]) -> str:
    return build_record(content)[1]


def signing_key(seed: bytes | str) -> SigningKey:
    """An Ed25519 key from its 32-byte seed, raw or as 64 hex digits (0x optional)."""
    if isinstance(seed, str):
        text = seed[2:] if seed.startswith(("0x", "0X")) else seed
        try:
            seed = bytes.fromhex(text)
        except ValueError:
            raise BadInput("signing key: expected 64 hex digits (a 32-byte Ed25519 seed)") from None
    if len(seed) != 32:
        raise BadInput(f"signing key: the Ed25519 seed is 32 bytes, got {len(seed)}")
    return SigningKey(seed)


@dataclass(frozen=True, slots=True)
class SignedRecord:
    """Record content, the admin's Ed25519 signature over its canonical bytes, and the admin public key."""

    content: Mapping[str, Any]
    signature: str
    public_key: str
    public_signature: str = ""

    @property
    def record_hash(self) -> str:
        return record_hash(self.content)

    def to_bytes(self) -> bytes:
        return canonical_json({"content": self.content, "format": FORMAT, "public_key": self.public_key,
                               "public_signature": self.public_signature, "record_hash": self.record_hash,
                               "signature": self.signature}) + b"\n"

    @classmethod
    def from_bytes(cls, data: bytes) -> SignedRecord:
        """Parse a record file; anything but the exact canonical form is a VerificationError."""
        parsed = parse_file(data, "payout record", FORMAT, ("content", "format", "public_key", "public_signature",
                                                            "record_hash", "signature"))
        record = cls(parsed["content"], parsed["signature"], parsed["public_key"], parsed["public_signature"])
        try:
            canonical = record.to_bytes()
        except BadInput as exc:
            raise VerificationError(f"payout record content: {exc}") from None
        if canonical != data:
            raise VerificationError("payout record file is not in canonical form (sorted keys, no whitespace, "
                                    "one trailing newline) or states a record_hash other than its content's")
        return record

    def save(self, path: Path | str) -> None:
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: Path | str) -> SignedRecord:
        """Read and parse a record file of at most `bounded_json.MAX_FILE_BYTES`."""
        return cls.from_bytes(read_capped(path))


def read_capped(path: Path | str) -> bytes:
    """A record file's bytes, refused beyond `bounded_json.MAX_FILE_BYTES`."""
    with open(path, "rb") as handle:
        data = handle.read(bounded_json.MAX_FILE_BYTES + 1)
    if len(data) > bounded_json.MAX_FILE_BYTES:
        raise VerificationError(f"{path}: larger than the bound of {bounded_json.MAX_FILE_BYTES:,} bytes")
    return data


def parse_file(data: bytes, what: str, fmt: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """A record file's JSON object with exactly `keys`, format `fmt` and an object `content`; the caller
    then compares its canonical bytes with `data`."""
    try:
        parsed = bounded_json.loads(data.decode("utf-8"), what=what, parse_float=_no_float, parse_constant=_no_float)
    except (UnicodeDecodeError, ValueError, BadInput) as exc:
        raise VerificationError(f"{what} file is not valid canonical JSON: {exc}") from None
    if not isinstance(parsed, dict) or set(parsed) != set(keys):
        raise VerificationError(f"{what} file: expected exactly {', '.join(keys[:-1])} and {keys[-1]}")
    if parsed["format"] != fmt:
        raise VerificationError(f"{what} format {parsed['format']!r}: expected {fmt!r}")
    if not isinstance(parsed["content"], dict):
        raise VerificationError(f"{what} content is not a JSON object")
    return parsed


def _no_float(text: str) -> Any:
    raise BadInput(f"{text} is not a whole number")


PUBLIC_FIELDS = ("period", "gmv_cents", "target_cents", "pool_rate_bps", "pool_cents", "undistributed_cents",
                 "merkle_root", "sum_root", "sum_total_cents")
"""What the public record repeats of the content (those present): totals, roots and hashes, no member's line."""


def public_content(content: Mapping[str, Any], digest: str) -> dict[str, Any]:
    """The public record's content: the record's totals and roots, its member count and its hash."""
    members = content.get("members")
    return {**{k: content[k] for k in PUBLIC_FIELDS if k in content},
            "member_count": len(members) if isinstance(members, list) else 0, "record_hash": digest}


def sign_record(content: Mapping[str, Any], seed: bytes | str) -> SignedRecord:
    """Sign the canonical content with the admin's Ed25519 key, and the public record's content with it."""
    canonical, digest = build_record(content)
    key = signing_key(seed)
    signature = key.sign(canonical).signature
    public = key.sign(canonical_json(public_content(content, digest))).signature
    return SignedRecord(json.loads(canonical), "0x" + signature.hex(), "0x" + key.verify_key.encode().hex(),
                        "0x" + public.hex())


def verify_record(
    record: SignedRecord,
    *,
    public_key: str | None = None,
    onchain_root: str | None = None,
    onchain_record_hash: str | None = None,
    rate_bps: int | None = None,
    target_cents: int | None = None,
) -> None:
    """Check everything a member can check; raise VerificationError naming the first thing that is wrong.

    Always: the Ed25519 signature over the canonical content, every member's Merkle proof, the recomputed
    root == `merkle_root`, Σ payouts + undistributed == pool, pool == floor(GMV x rate / 10000) when GMV >=
    target (else 0), the sum tree rebuilt from every line's salt == `sum_root` with total == pool (when the
    content has a sum tree), the signature of the public record derived from it. When given (from the
    chain): the signer's key, the on-chain root and record hash, and the rule book's rate and target in force.
    """
    content = record.content
    _check_shape(content)
    try:
        canonical, digest = build_record(content)
    except BadInput as exc:
        raise VerificationError(f"payout record content: {exc}") from None
    check_signature(record.public_key, record.signature, canonical, public_key)
    if onchain_record_hash is not None and onchain_record_hash.lower() != digest:
        raise VerificationError(f"record hash {digest} differs from the on-chain hash {onchain_record_hash}")
    _check_tree(content["members"], content["merkle_root"], onchain_root)
    _check_pool(content, rate_bps, target_cents)
    if "sum_root" in content:
        record_sum.check(content)
    check_signature(record.public_key, record.public_signature, canonical_json(public_content(content, digest)),
                    public_key, what="public record")


def _check_shape(content: Mapping[str, Any]) -> None:
    for name, kind in {**_RECORD_FIELDS, "undistributed_cents": int}.items():
        if name not in content and name == "undistributed_cents":
            continue
        if not _is(content.get(name), kind):
            raise VerificationError(f"payout record: {name} is missing or not {kind.__name__}")
    for i, member in enumerate(content["members"]):
        if not isinstance(member, Mapping):
            raise VerificationError(f"payout record: members[{i}] is not an object")
        for name, kind in _MEMBER_FIELDS.items():
            if not _is(member.get(name), kind):
                raise VerificationError(f"payout record: members[{i}].{name} is missing or not {kind.__name__}")
    if not _HEX32.match(content["merkle_root"]):
        raise VerificationError("payout record: merkle_root is not 0x + 64 lower-case hex digits")


def _is(value: Any, kind: type) -> bool:
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def check_signature(signer: object, signature: object, canonical: bytes, public_key: str | None, *,
                    what: str = "record") -> None:
    """VerificationError unless `signature` is `signer`'s Ed25519 signature of `canonical` (and `signer` is
    `public_key` when one is expected)."""
    if not isinstance(signer, str) or not _HEX32.match(signer):
        raise VerificationError("signer public key is not 0x + 64 lower-case hex digits")
    if public_key is not None and public_key.lower() != signer:
        raise VerificationError(f"{what} signed by {signer}, not by the expected admin key {public_key}")
    if not isinstance(signature, str) or not _HEX64.match(signature):
        raise VerificationError(f"{what} signature is not 0x + 128 lower-case hex digits")
    try:
        VerifyKey(bytes.fromhex(signer[2:])).verify(canonical, bytes.fromhex(signature[2:]))
    except (BadSignatureError, ValueError):
        raise VerificationError(f"Ed25519 signature does not match the {what} content for key {signer}") from None


def _check_tree(members: Sequence[Mapping[str, Any]], root: str, onchain_root: str | None) -> None:
    if not members:
        raise VerificationError("payout record lists no members, so it has no Merkle tree")
    try:
        leaves = [(m["address"], m["payout_cents"]) for m in members]
        tree = StandardMerkleTree.of(leaves)
        for i, member in enumerate(members):
            if not verify_proof(root, leaves[i], member["proof"]):
                raise VerificationError(f"Merkle proof of member {member['member_id']} ({member['address']}) "
                                        f"does not lead to merkle_root {root}")
    except BadInput as exc:
        raise VerificationError(f"payout record: {exc}") from None
    if tree.root != root:
        raise VerificationError(f"recomputed Merkle root {tree.root} differs from merkle_root {root} in the record")
    if onchain_root is not None and onchain_root.lower() != root:
        raise VerificationError(f"merkle_root {root} in the record differs from the on-chain root {onchain_root}")


def _check_pool(content: Mapping[str, Any], rate_bps: int | None, target_cents: int | None) -> None:
    gmv, rate, target, pool = (content[k] for k in ("gmv_cents", "pool_rate_bps", "target_cents", "pool_cents"))
    if rate_bps is not None and rate != rate_bps:
        raise VerificationError(f"record uses pool rate {rate} bps, the rule book in force says {rate_bps} bps")
    if target_cents is not None and target != target_cents:
        raise VerificationError(f"record uses GMV target {target}, the rule book in force says {target_cents}")
    expected = gmv * rate // 10_000 if gmv >= target else 0
    if pool != expected:
        raise VerificationError(f"pool_cents {pool} != floor({gmv} x {rate} / 10000) = {expected}"
                                if gmv >= target else f"pool_cents {pool} but GMV {gmv} is below the target {target}")
    paid = sum(m["payout_cents"] for m in content["members"])
    undistributed = content.get("undistributed_cents", 0)
    if undistributed < 0 or any(m["payout_cents"] < 0 for m in content["members"]):
        raise VerificationError("payout record: a payout or undistributed_cents is negative")
    if paid + undistributed != pool:
        raise VerificationError(f"payouts sum to {paid} + undistributed {undistributed} = {paid + undistributed}, "
                                f"not pool_cents {pool}")
