"""The Merkle sum tree in the signed record: Σ leaves == pool (the undistributed leaf included), the public record
(totals, roots, hashes, signed), a member's own line verified with the public record alone, and any tampered
line, salt or sum proof refused."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance import record_sum
from governance.errors import BadInput, VerificationError
from governance.loading import load_coop
from governance.merkle import StandardMerkleTree
from governance.month import close_month
from governance.payout_record import SignedRecord, public_content, sign_record, verify_record
from governance.period import Period
from governance.public_record import PublicRecord, same_as, verify_public
from governance.rules import load_rules
from governance.sum_tree import MAX_AMOUNT, salt_for

NOV = Period(2026, 11)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED = "42" * 32
OTHER_SEED = "43" * 32
SECRET = record_sum.sum_secret(bytes.fromhex(SEED))


def _example(secret: bytes = SECRET) -> Any:
    data = load_coop(EXAMPLES / "members.csv", EXAMPLES / "orders.csv", EXAMPLES / "activities.csv")
    return close_month(NOV, data, load_rules(EXAMPLES / "rules.toml"), sum_secret=secret)


REPORT = _example()
SIGNED = sign_record(REPORT.record(), SEED)
PUBLIC = PublicRecord.of(SIGNED)
LINES = [record_sum.member_line(SIGNED.content, m.member_id) for m in REPORT.members]


def _resign(content: dict[str, Any]) -> SignedRecord:
    return sign_record(content, SEED)


def test_the_record_commits_to_a_sum_tree_whose_total_is_the_pool() -> None:
    content = SIGNED.content
    assert content["sum_total_cents"] == content["pool_cents"] > 0
    tree = record_sum.tree_of(content)
    assert tree.root.sum == sum(m["payout_cents"] for m in content["members"]) + content["undistributed_cents"]
    assert "0x" + tree.root.hash.hex() == content["sum_root"] == REPORT.sum_root
    assert content["undistributed_salt"] == "0x" + salt_for(SECRET, "2026-11", record_sum.ZERO_ADDRESS).hex()
    verify_record(SIGNED, onchain_root=REPORT.merkle_root, onchain_record_hash=REPORT.record_hash)


def test_salts_come_from_the_admin_key_so_a_rerun_gives_the_same_record() -> None:
    again = sign_record(_example().record(), SEED)
    assert again.to_bytes() == SIGNED.to_bytes()
    assert REPORT.salted_with(SECRET) and not REPORT.salted_with(record_sum.DRY_RUN_SECRET)
    dry = _example(record_sum.DRY_RUN_SECRET)
    assert dry.salted_with(record_sum.DRY_RUN_SECRET)
    assert dry.record_hash != REPORT.record_hash and dry.merkle_root == REPORT.merkle_root
    assert record_sum.sum_secret(bytes.fromhex(OTHER_SEED)) != SECRET


@pytest.mark.parametrize("change", ["payout", "salt", "undistributed_salt", "sum_root", "sum_total"])
def test_a_resigned_record_whose_sum_tree_does_not_hold_is_refused(change: str) -> None:
    content = json.loads(json.dumps(SIGNED.content))
    first = content["members"][0]
    if change == "payout":  # a cent moved between two members: Σ still == pool, the sum root no longer matches
        donor = max(content["members"], key=lambda m: m["payout_cents"])
        donor["payout_cents"] -= 1
        next(m for m in content["members"] if m is not donor)["payout_cents"] += 1
        oz = StandardMerkleTree.of([(m["address"], m["payout_cents"]) for m in content["members"]])
        content["merkle_root"] = oz.root  # the OpenZeppelin tree rebuilt too: only the sum tree is left to object
        for i, m in enumerate(content["members"]):
            m["proof"] = oz.proof(i)
    elif change == "salt":
        first["salt"] = "0x" + "00" * 32
    elif change == "undistributed_salt":
        content["undistributed_salt"] = "0x" + "11" * 32
    elif change == "sum_root":
        content["sum_root"] = "0x" + "22" * 32
    else:
        content["sum_total_cents"] += 1
    with pytest.raises(VerificationError, match="sum"):
        verify_record(_resign(content))


def test_a_member_with_the_zero_address_is_refused() -> None:
    with pytest.raises(BadInput, match="zero address"):
        record_sum.build("2026-11", [(record_sum.ZERO_ADDRESS, 1)], 0, SECRET)


def test_the_public_record_holds_totals_roots_and_hashes_only() -> None:
    verify_public(PUBLIC, public_key=SIGNED.public_key)
    assert set(PUBLIC.content) == {"period", "gmv_cents", "target_cents", "pool_rate_bps", "pool_cents",
                                   "undistributed_cents", "merkle_root", "sum_root", "sum_total_cents",
                                   "member_count", "record_hash"}
    assert PUBLIC.content["record_hash"] == SIGNED.record_hash and PUBLIC.content["member_count"] == len(LINES)
    text = PUBLIC.to_bytes().decode()
    for m in REPORT.members:
        assert m.address not in text and m.salt not in text
    assert PublicRecord.from_bytes(PUBLIC.to_bytes()) == PUBLIC
    same_as(PUBLIC, SIGNED)


@pytest.mark.parametrize("field", ["pool_cents", "sum_root", "record_hash", "member_count", "undistributed_cents"])
def test_a_changed_public_record_is_refused(field: str) -> None:
    content = dict(PUBLIC.content)
    value = content[field]
    content[field] = value + 1 if isinstance(value, int) else "0x" + "33" * 32
    forged = PublicRecord(content, PUBLIC.signature, PUBLIC.public_key)
    with pytest.raises(VerificationError, match="signature does not match the public record"):
        verify_public(forged)
    with pytest.raises(VerificationError, match="differs"):
        same_as(forged, SIGNED)


def test_the_public_record_is_signed_by_the_admin_and_its_file_is_canonical() -> None:
    other = PublicRecord.of(sign_record(REPORT.record(), OTHER_SEED))
    verify_public(other)
    with pytest.raises(VerificationError, match="not by the expected admin key"):
        verify_public(other, public_key=SIGNED.public_key)
    with pytest.raises(VerificationError, match="canonical"):
        PublicRecord.from_bytes(PUBLIC.to_bytes().replace(b"\n", b" \n"))
    stale = SignedRecord(SIGNED.content, SIGNED.signature, SIGNED.public_key, other.signature)
    with pytest.raises(VerificationError, match="public record"):
        verify_record(stale)


def test_every_members_line_verifies_with_the_public_record_alone() -> None:
    root, total = PUBLIC.content["sum_root"], PUBLIC.content["sum_total_cents"]
    for line in LINES:
        assert set(line) == {"format", "period", "member_id", "address", "points", "level", "commission_cents",
                             "payout_cents", "salt", "proof", "sum_proof"}
        record_sum.verify_line(line["address"], line["payout_cents"], line["salt"], line["sum_proof"], root, total)
    by_address = record_sum.member_line(SIGNED.content, LINES[1]["address"].upper().replace("0X", "0x"))
    assert by_address == LINES[1]
    with pytest.raises(BadInput, match="neither a member id nor an address"):
        record_sum.member_line(SIGNED.content, "nobody")


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_any_tampered_line_salt_or_sum_proof_fails(data: st.DataObject) -> None:
    line = json.loads(json.dumps(data.draw(st.sampled_from(LINES))))
    root, total = PUBLIC.content["sum_root"], PUBLIC.content["sum_total_cents"]
    what = data.draw(st.sampled_from(["payout", "salt", "address", "step_hash", "step_sum", "step_side", "drop",
                                      "total"]))
    if what == "payout":
        line["payout_cents"] = data.draw(st.integers(0, MAX_AMOUNT).filter(lambda a: a != line["payout_cents"]))
    elif what == "salt":
        line["salt"] = data.draw(_hex(32).filter(lambda s: s != line["salt"]))
    elif what == "address":
        line["address"] = data.draw(_hex(20).filter(lambda a: a != line["address"].lower()))
    elif what == "total":
        total = data.draw(st.integers(0, 2**64).filter(lambda t: t != total))
    else:
        k = data.draw(st.integers(0, len(line["sum_proof"]) - 1))
        step = line["sum_proof"][k]
        if what == "step_hash":
            step["hash"] = data.draw(_hex(32).filter(lambda h: h != step["hash"]))
        elif what == "step_sum":
            step["sum"] = str(data.draw(st.integers(0, 2**70).filter(lambda s: s != int(step["sum"]))))
        elif what == "step_side":
            step["side"] = "left" if step["side"] == "right" else "right"
        else:
            del line["sum_proof"][k]
    with pytest.raises(VerificationError):
        record_sum.verify_line(line["address"], line["payout_cents"], line["salt"], line["sum_proof"], root, total)


def _hex(size: int) -> st.SearchStrategy[str]:
    return st.binary(min_size=size, max_size=size).map(lambda raw: "0x" + raw.hex())


@settings(max_examples=100)
@given(st.lists(st.tuples(st.integers(1, 2**160 - 1).map(lambda n: f"0x{n:040x}"), st.integers(0, 10**12)),
                min_size=1, max_size=30, unique_by=lambda line: line[0]), st.integers(0, 10**12))
def test_sigma_of_the_leaves_is_the_pool(lines: list[tuple[str, int]], undistributed: int) -> None:
    tree, salts, rest = record_sum.build("2026-11", lines, undistributed, SECRET)
    pool = sum(amount for _, amount in lines) + undistributed
    assert tree.root.sum == pool and len(salts) == len(lines) and rest not in salts
    content = {"period": "2026-11", "pool_cents": pool, "undistributed_cents": undistributed,
               "undistributed_salt": rest, "sum_root": "0x" + tree.root.hash.hex(), "sum_total_cents": pool,
               "members": [{"member_id": str(i), "address": a, "payout_cents": p, "salt": s}
                           for i, ((a, p), s) in enumerate(zip(lines, salts, strict=True))]}
    record_sum.check(content)
    for i, proof in enumerate(record_sum.sum_proofs(content)):
        record_sum.verify_line(lines[i][0], lines[i][1], salts[i], proof, content["sum_root"], pool)


def test_the_public_content_is_what_the_public_record_holds() -> None:
    assert public_content(SIGNED.content, SIGNED.record_hash) == dict(PUBLIC.content)
