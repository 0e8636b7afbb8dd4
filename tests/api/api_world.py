"""The chain story the API tests read: members with points (one delegating, one revoked), an executed proposal
(pool rate + a product), a published month with its signed payout record, and an active proposal left open
for relayed ballots."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from chain.base import Chain
from chain.deploy import deploy_linli
from chain.governor import Governance, Proposal, Support
from chain.ledger import Ledger
from chain.points import Award, Points, evidence_id
from chain.rules import Rules
from chain.system import Linli
from governance import record_sum
from governance.merkle import StandardMerkleTree
from governance.payout_record import SignedRecord, sign_record

ADMIN_SEED = bytes(range(1, 33))
OTHER_SEED = bytes(range(101, 133))
PERIOD = "2026-10"
PRODUCT = b"rice-5kg".ljust(32, b"\0")
PRODUCT_META = b"\x11" * 32


@dataclass
class World:
    chain: Chain
    linli: Linli
    deployment: Path
    alice: LocalAccount
    bob: LocalAccount
    carol: LocalAccount  # no ether: votes only by relayed ballot
    dave: LocalAccount  # has weight, has not voted on `active`: the relay tests' voter
    erin: LocalAccount  # delegates to alice
    executed: Proposal
    active: Proposal
    record: SignedRecord
    points: dict[str, int] = field(default_factory=dict)


def build_world(chain: Chain, directory: Path) -> World:
    linli = Linli.attach(chain, deploy_linli(chain))
    path = linli.deployment.save(directory / "deployment.json")
    gov, rules, points = Governance(linli), Rules(linli), Points(linli)
    alice, bob, dave, erin, relayer = chain.signers[1:6]
    carol = Account.create()
    amounts = {alice.address: 600, bob.address: 300, carol.address: 500, dave.address: 100, erin.address: 50}
    points.award_batch([Award(m, a, evidence_id(f"w:{m}")) for m, a in amounts.items()], batch_id=evidence_id("w"))
    points.delegate(erin, alice.address)
    linli.tx.send(linli.points.functions.revoke(bob.address, 20, evidence_id("refund:b1")), chain.signers[0])
    chain.increase_time(1)

    executed = gov.propose([rules.set_pool_rate(250), rules.add_product(PRODUCT, PRODUCT_META)],
                           "Pool 2.5% and sell rice", alice)
    gov.advance_to_voting(executed.id)
    gov.cast_vote(executed.id, Support.FOR, alice, reason="members first")
    gov.cast_vote(executed.id, Support.AGAINST, bob)
    gov.relay_ballot(gov.sign_ballot(executed.id, Support.FOR, carol), relayer)
    gov.advance_past_deadline(executed.id)
    gov.queue(executed, relayer)
    gov.advance_to_eta(executed.id)
    gov.execute(executed, relayer)

    record = _publish(linli, [("m-alice", alice.address, 300_000), ("m-bob", bob.address, 150_000),
                              ("m-carol", carol.address, 50_000)])
    active = gov.propose([rules.set_gmv_target(12_000_000)], "Raise the GMV target", bob)
    gov.advance_to_voting(active.id)
    gov.cast_vote(active.id, Support.FOR, alice)
    return World(chain, linli, path, alice, bob, carol, dave, erin, executed, active, record,
                 {alice.address: 600, bob.address: 280, carol.address: 500, dave.address: 100, erin.address: 50})


def _publish(linli: Linli, lines: list[tuple[str, str, int]]) -> SignedRecord:
    gmv, rate, target = 20_000_000, 250, 10_000_000
    pool = gmv * rate // 10_000
    tree = StandardMerkleTree.of([(address, cents) for _, address, cents in lines])
    sums, salts, rest = record_sum.build(PERIOD, [(address, cents) for _, address, cents in lines], 0,
                                         record_sum.sum_secret(ADMIN_SEED))
    content = {
        "period": PERIOD, "gmv_cents": gmv, "target_cents": target, "pool_rate_bps": rate, "pool_cents": pool,
        "undistributed_cents": 0, "merkle_root": tree.root, "sum_root": "0x" + sums.root.hash.hex(),
        "sum_total_cents": sums.root.sum, "undistributed_salt": rest,
        "members": [{"member_id": mid, "address": address, "payout_cents": cents, "proof": tree.proof(i),
                     "salt": salts[i]} for i, (mid, address, cents) in enumerate(lines)],
    }
    record = sign_record(content, ADMIN_SEED)
    Ledger(linli).publish(PERIOD, gmv_cents=gmv, pool_cents=pool, member_count=len(lines),
                          merkle_root=bytes.fromhex(tree.root[2:]), record_hash=bytes.fromhex(record.record_hash[2:]))
    return record
