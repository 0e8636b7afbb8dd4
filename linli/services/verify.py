"""Verify a published month from the chain and the signed record only — nothing the admin could adjust.

From the chain: the DistributionPublished event of the period (root, record hash, GMV, pool, member count,
and the rule book's rate and target in force when it was published). From the record: the content and the
admin's Ed25519 signature. `governance.payout_record.verify_record` does the arithmetic (signature, record
hash, every proof, recomputed root, Σ == pool, pool == GMV × rate); this module adds the chain's side and,
for a member, the ledger's own `verify` call, and checks every member's points of the period on chain (its
awards and revocations, found by their evidence ids, and everything else in the same batches) against the
record: a month whose report says other points than the chain holds is not OK. A revocation may be smaller
than the record's negative points only because it is capped at what the member held. The record must carry
the month's Merkle sum tree (governance.record_sum), rebuilt from every line and equal to the pool.

`verify_line` is a member's check without anyone else's line: their own line (both proofs and the salt), the
public record (governance.public_record: signed by the admin, its hash, root and totals equal to the chain's)
and the chain, whose ledger also checks the Merkle proof.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chain.ledger import Ledger, Publication
from chain.points import Movement, Points
from chain.system import Linli
from governance import record_sum
from governance.errors import VerificationError
from governance.merkle import verify as verify_proof
from governance.payout_record import SignedRecord, verify_record
from governance.period import Period
from governance.public_record import PublicRecord, verify_public
from linli.i18n import t
from linli.services.period_points import Entry, compare, period_movements

_HEX32 = re.compile(r"^0x[0-9a-fA-F]{64}$")


@dataclass(frozen=True, slots=True)
class MemberCheck:
    member_id: str
    address: str
    payout_cents: int
    proof_ok_locally: bool
    proof_ok_on_chain: bool


@dataclass(frozen=True, slots=True)
class Verified:
    period: str
    publication: Publication
    record_hash: str
    public_key: str
    members: int
    paid_cents: int
    checked_on_chain: tuple[MemberCheck, ...]
    sum_root: str

    def to_json(self) -> dict[str, Any]:
        p = self.publication
        return {
            "period": self.period,
            "ok": True,
            "merkle_root": "0x" + p.merkle_root.hex(),
            "record_hash": self.record_hash,
            "signer_public_key": self.public_key,
            "gmv_cents": p.gmv_cents,
            "target_cents": p.target_cents,
            "pool_rate_bps": p.pool_rate_bps,
            "pool_cents": p.pool_cents,
            "paid_cents": self.paid_cents,
            "sum_root": self.sum_root,
            "members": self.members,
            "published_block": p.block_number,
            "published_tx": p.tx_hash,
            "members_verified_on_chain": [
                {"member_id": m.member_id, "address": m.address, "payout_cents": m.payout_cents}
                for m in self.checked_on_chain
            ],
        }


def verify_published(
    linli: Linli,
    period: str,
    record: SignedRecord,
    *,
    members: list[str] | None = None,
    admin_public_key: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Verified:
    """Raise VerificationError naming the first mismatch; `members` (addresses or member ids, or None for
    every member) are also checked by the ledger's `verify` on chain."""
    Period.parse(period)
    publication = Ledger(linli).read(period)
    if publication is None:
        raise VerificationError(t("verify.not_published", period=period, rpc=linli.chain.rpc))
    content = record.content
    if content.get("period") != period:
        raise VerificationError(t("verify.other_period", found=content.get("period"), period=period))
    if "sum_root" not in content:
        raise VerificationError(t("verify.no_sum_tree", period=period))
    verify_record(
        record,
        public_key=admin_public_key,
        onchain_root="0x" + publication.merkle_root.hex(),
        onchain_record_hash="0x" + publication.record_hash.hex(),
        rate_bps=publication.pool_rate_bps,
        target_cents=publication.target_cents,
    )
    _same_totals(content, publication)
    lines = content["members"]
    same_points(linli, period, lines)
    chosen = lines if members is None else [_line(lines, a) for a in members]
    checks = []
    for done, line in enumerate(chosen, start=1):
        checks.append(check_member(linli, period, publication, line))
        if progress is not None:
            progress(done, len(chosen))
    return Verified(period, publication, record.record_hash, record.public_key, len(lines),
                    sum(m["payout_cents"] for m in lines), tuple(checks), content["sum_root"])


def _same_totals(content: Mapping[str, Any], p: Publication, member_count: int | None = None) -> None:
    count = len(content["members"]) if member_count is None else member_count
    for name, mine, chain in (("gmv_cents", content["gmv_cents"], p.gmv_cents),
                              ("pool_cents", content["pool_cents"], p.pool_cents),
                              ("member count", count, p.member_count)):
        if mine != chain:
            raise VerificationError(t("verify.total_differs", name=name, mine=mine, chain=chain))


def same_points(linli: Linli, period: str, lines: list[Mapping[str, Any]]) -> None:
    """VerificationError naming how many members' points on chain for `period` differ from the record."""
    expected = {e.evidence: e for e in (_entry(period, line) for line in lines) if e is not None}
    moves = period_movements(Points(linli), period, [line["member_id"] for line in lines])
    check = compare(expected, moves, revoke_at_most=True)
    unminted = [e.member_id for ev, e in expected.items() if e.kind == "award" and ev not in check.on_chain
                and e.member_id not in check.differing]
    wrong = check.differing + unminted
    if wrong:
        record = {line["member_id"]: line["points"] for line in lines}
        first = wrong[0]
        address = next((line["address"] for line in lines if line["member_id"] == first), first)
        raise VerificationError(t("verify.points_differ", count=len(wrong), period=period, first=first,
                                  record=record.get(first, 0), chain=_net(moves, address)))


def _entry(period: str, line: Mapping[str, Any]) -> Entry | None:
    points = line["points"]
    if points == 0:
        return None
    return Entry(period, line["member_id"], "award" if points > 0 else "revoke", line["address"], abs(points))


def _net(moves: list[Movement], address: str) -> int:
    return sum(m.amount if m.kind == "award" else -m.amount for m in moves if m.member.lower() == address.lower())


def _line(lines: list[Mapping[str, Any]], member: str) -> Mapping[str, Any]:
    """The record's line of `member`: its address (any case) or its member id (the record carries both)."""
    for line in lines:
        if line["address"].lower() == member.lower() or line["member_id"] == member:
            return line
    raise VerificationError(t("verify.not_member", address=member))


def check_member(linli: Linli, period: str, publication: Publication, line: Mapping[str, Any]) -> MemberCheck:
    """The member's proof against the on-chain root, here and by the ledger contract; loud if either fails."""
    root = "0x" + publication.merkle_root.hex()
    leaf = (line["address"], line["payout_cents"])
    local = verify_proof(root, leaf, line["proof"])
    on_chain = Ledger(linli).verify(period, line["address"], line["payout_cents"],
                                    [bytes.fromhex(p[2:]) for p in line["proof"]])
    if not (local and on_chain):
        where = t("verify.where_local") if not local else t("verify.where_chain")
        raise VerificationError(t("verify.proof_fails", member=line["member_id"], address=line["address"], where=where))
    return MemberCheck(line["member_id"], line["address"], line["payout_cents"], local, on_chain)


@dataclass(frozen=True, slots=True)
class LineVerified:
    period: str
    publication: Publication
    public: Mapping[str, Any]
    member: MemberCheck

    def to_json(self) -> dict[str, Any]:
        m, p = self.member, self.public
        return {"period": self.period, "ok": True, "member_id": m.member_id, "address": m.address,
                "payout_cents": m.payout_cents, "merkle_root": p["merkle_root"], "sum_root": p["sum_root"],
                "sum_total_cents": p["sum_total_cents"], "pool_cents": p["pool_cents"], "record_hash": p["record_hash"],
                "published_block": self.publication.block_number}


def verify_line(linli: Linli, period: str, public: PublicRecord, line: Mapping[str, Any], member: str, *,
                admin_public_key: str | None = None) -> LineVerified:
    """One member's line against the public record and the chain: the public record is the admin's and
    names the on-chain record hash, root and totals; the line is `member`'s, its Merkle proof leads to the
    on-chain root (here and by the ledger), its sum proof to the sum root whose total is the pool."""
    Period.parse(period)
    publication = Ledger(linli).read(period)
    if publication is None:
        raise VerificationError(t("verify.not_published", period=period, rpc=linli.chain.rpc))
    verify_public(public, public_key=admin_public_key)
    content = public.content
    if content["period"] != period:
        raise VerificationError(t("verify.other_period", found=content["period"], period=period))
    for name, mine, chain in (("record_hash", content["record_hash"], "0x" + publication.record_hash.hex()),
                              ("merkle_root", content["merkle_root"], "0x" + publication.merkle_root.hex()),
                              ("pool_rate_bps", content["pool_rate_bps"], publication.pool_rate_bps),
                              ("target_cents", content["target_cents"], publication.target_cents)):
        if mine != chain:
            raise VerificationError(t("verify.total_differs", name=name, mine=mine, chain=chain))
    _same_totals(content, publication, content["member_count"])
    _line_shape(line, period, member)
    check = check_member(linli, period, publication, line)
    record_sum.verify_line(line["address"], line["payout_cents"], line["salt"], line["sum_proof"],
                           content["sum_root"], content["sum_total_cents"])
    return LineVerified(period, publication, content, check)


def _line_shape(line: Mapping[str, Any], period: str, member: str) -> None:
    if not isinstance(line, Mapping) or line.get("format") != record_sum.LINE_FORMAT:
        raise VerificationError(t("verify.bad_line", format=record_sum.LINE_FORMAT))
    for name, kind in (("member_id", str), ("address", str), ("payout_cents", int), ("salt", str), ("proof", list),
                       ("sum_proof", list)):
        if not isinstance(line.get(name), kind) or isinstance(line.get(name), bool):
            raise VerificationError(t("verify.line_field", name=name))
    if line.get("period") != period:
        raise VerificationError(t("verify.other_period", found=line.get("period"), period=period))
    if member not in (line["member_id"], line["address"]) and member.lower() != line["address"].lower():
        raise VerificationError(t("verify.line_other_member", member=member, line=line["member_id"]))
    if not all(isinstance(p, str) and _HEX32.match(p) for p in line["proof"]):
        raise VerificationError(t("verify.line_field", name="proof"))
