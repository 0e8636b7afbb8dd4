"""The signed payout record: canonical bytes, hash, Ed25519 signature, and a verifier no tampering gets past."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from Crypto.Hash import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from governance import bounded_json
from governance.errors import BadInput, VerificationError
from governance.merkle import StandardMerkleTree
from governance.payout_record import (
    FORMAT, SignedRecord, build_record, canonical_json, record_hash, sign_record, signing_key, verify_record,
)

SEED = "0x" + "11" * 32
OTHER_SEED = bytes(range(32))


def make_content(payouts: list[int], gmv: int = 12_345_678, rate: int = 200, target: int = 10_000_000,
                 undistributed: int = 0) -> dict:
    addresses = ["0x%040X" % (0xA11CE + i) for i in range(len(payouts))]
    tree = StandardMerkleTree.of(list(zip(addresses, payouts, strict=True)))
    members = [{"member_id": f"m{i:03d}", "address": a, "points": 1200 + i, "level": "白银",
                "commission_cents": 1500 - 3000 * (i % 2), "payout_cents": p, "proof": tree.proof(i)}
               for i, (a, p) in enumerate(zip(addresses, payouts, strict=True))]
    return {"period": "2026-11", "gmv_cents": gmv, "target_cents": target, "pool_rate_bps": rate,
            "pool_cents": gmv * rate // 10_000 if gmv >= target else 0, "undistributed_cents": undistributed,
            "merkle_root": tree.root, "members": members}


CONTENT = make_content([80_000, 78_904, 69_800, 18_209])  # the pool worked example: 246,913 cents


def test_canonical_bytes_are_sorted_compact_utf8() -> None:
    expected = '{"a":-5,"b":[1,{"y":"邻里","z":null}]}'.encode()
    assert canonical_json({"b": [1, {"z": None, "y": "邻里"}], "a": -5}) == expected


def test_record_hash_is_keccak256_of_the_canonical_content() -> None:
    canonical, digest = build_record(CONTENT)
    assert canonical == canonical_json(CONTENT)
    assert digest == "0x" + keccak.new(data=canonical, digest_bits=256).hexdigest() == record_hash(CONTENT)
    assert record_hash({**CONTENT, "gmv_cents": CONTENT["gmv_cents"] + 1}) != digest


@pytest.mark.parametrize("bad", [{"amount": 1.0}, {"members": [{"payout_cents": 0.5}]}, {1: "x"},
                                 {"record_hash": "0x00"}, {"when": object()}])
def test_floats_non_text_keys_and_an_embedded_hash_are_refused(bad: dict) -> None:
    with pytest.raises(BadInput):
        build_record(bad)


def test_sign_save_load_verify_round_trip(tmp_path: Path) -> None:
    signed = sign_record(CONTENT, SEED)
    path = tmp_path / "2026-11.record.json"
    signed.save(path)
    loaded = SignedRecord.load(path)
    assert loaded == signed
    assert loaded.record_hash == record_hash(CONTENT)
    assert json.loads(path.read_bytes())["format"] == FORMAT
    assert path.read_bytes().endswith(b"}\n")
    verify_record(loaded, public_key=signed.public_key, onchain_root=CONTENT["merkle_root"].upper().replace("0X", "0x"),
                  onchain_record_hash=record_hash(CONTENT), rate_bps=200, target_cents=10_000_000)


def test_signing_key_accepts_raw_or_hex_seed_only() -> None:
    assert signing_key(SEED).encode() == bytes.fromhex("11" * 32) == signing_key(bytes.fromhex("11" * 32)).encode()
    for bad in ("0x1234", "zz" * 32, b"short"):
        with pytest.raises(BadInput):
            signing_key(bad)


@pytest.mark.parametrize("change, message", [
    (lambda c: c["members"][1].update(payout_cents=78_905), "Merkle proof of member m001"),
    (lambda c: c.update(pool_cents=246_914), r"pool_cents 246914 != floor\(12345678 x 200 / 10000\) = 246913"),
    (lambda c: c.update(gmv_cents=9_999_999), "below the target"),
    (lambda c: c.update(undistributed_cents=2, gmv_cents=12_345_700, pool_cents=246_914),
     r"payouts sum to 246913 \+ undistributed 2 = 246915, not pool_cents 246914"),
    (lambda c: c["members"].pop(), "recomputed Merkle root"),
    (lambda c: c.update(members=[]), "no members"),
    (lambda c: c.pop("merkle_root"), "merkle_root is missing"),
    (lambda c: c["members"][0].update(payout_cents=True), r"members\[0\].payout_cents"),
])
def test_a_re_signed_but_inconsistent_record_fails_with_a_precise_message(change, message) -> None:
    content = json.loads(json.dumps(CONTENT))
    change(content)
    with pytest.raises(VerificationError, match=message):
        verify_record(sign_record(content, SEED))


def test_chain_and_rule_book_mismatches_are_named() -> None:
    signed = sign_record(CONTENT, SEED)
    with pytest.raises(VerificationError, match="on-chain root"):
        verify_record(signed, onchain_root="0x" + "ab" * 32)
    with pytest.raises(VerificationError, match="on-chain hash"):
        verify_record(signed, onchain_record_hash="0x" + "ab" * 32)
    with pytest.raises(VerificationError, match="not by the expected admin key"):
        verify_record(signed, public_key=sign_record(CONTENT, OTHER_SEED).public_key)
    with pytest.raises(VerificationError, match="rule book in force says 300 bps"):
        verify_record(signed, rate_bps=300)
    with pytest.raises(VerificationError, match="rule book in force says 1"):
        verify_record(signed, target_cents=1)


def test_signature_from_another_key_or_over_other_content_fails() -> None:
    signed = sign_record(CONTENT, SEED)
    forged = SignedRecord(signed.content, signed.signature, sign_record(CONTENT, OTHER_SEED).public_key)
    with pytest.raises(VerificationError, match="signature does not match"):
        verify_record(forged)
    other = sign_record({**CONTENT, "period": "2026-12"}, SEED)
    with pytest.raises(VerificationError, match="signature does not match"):
        verify_record(SignedRecord(CONTENT, other.signature, other.public_key))


def test_pool_below_target_is_zero_and_all_undistributed_is_consistent() -> None:
    verify_record(sign_record(make_content([0, 0], gmv=9_000_000), SEED))
    verify_record(sign_record(make_content([0, 0], undistributed=246_913), SEED))


FILE = sign_record(make_content([80_000, 78_904, 69_800, 18_209, 0]), SEED).to_bytes()


@settings(max_examples=400)
@given(st.integers(0, len(FILE) - 1), st.integers(1, 255))
def test_any_tampered_byte_fails(position: int, mask: int) -> None:
    tampered = bytearray(FILE)
    tampered[position] ^= mask
    with pytest.raises(VerificationError):
        verify_record(SignedRecord.from_bytes(bytes(tampered)))


def test_every_single_byte_position_is_covered() -> None:
    """Exhaustive over positions (one flip each): no byte of the file is outside the checks."""
    for position in range(len(FILE)):
        tampered = bytearray(FILE)
        tampered[position] ^= 0x01
        with pytest.raises(VerificationError):
            verify_record(SignedRecord.from_bytes(bytes(tampered)))


def test_the_untampered_file_verifies() -> None:
    verify_record(SignedRecord.from_bytes(FILE))


def test_a_deep_or_oversized_record_file_is_a_verification_error(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(VerificationError, match="record: nested deeper than 64 levels"):
        SignedRecord.load(deep)
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(bounded_json.MAX_FILE_BYTES + 1)
    with pytest.raises(VerificationError, match="larger than the bound"):
        SignedRecord.load(huge)
