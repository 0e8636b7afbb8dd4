"""Gas report: Linli's contracts against an unmodified OpenZeppelin baseline, same scenario, same chain.

    brownie run scripts/gas_report.py --network development      # Anvil
    brownie run scripts/gas_report.py --network ganache-cli      # Ganache 7.9 (shanghai)
    LINLI_GAS_JSON=reports/gas.json brownie run scripts/gas_report.py --network development

Prints a table and one JSON object (also written to the path in LINLI_GAS_JSON when set). Every figure is
the `gasUsed` of one transaction (21,000 intrinsic gas included), except the `*_per_member` figures.

Product polls have no OpenZeppelin counterpart: an approval of 3 candidates is compared with the baseline's
castVote (a member's one ballot either way), and enacting a poll with N = 3 winners is reported on its own.
Decay (`[decay]` on) costs one revokeBatch share per member per month close: `decay_per_member_month`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from collections.abc import Callable

from brownie import (
    BaselineGovernor,
    BaselineRootStore,
    BaselineToken,
    RuleBook,
    ZERO_ADDRESS,
    TimelockController,
    accounts,
    chain,
)
from eth_account import Account
from eth_utils import keccak

from chain.ballots import BallotDomain, sign_ballot
from chain.polls import approval_message
from governance.merkle import StandardMerkleTree
from governance.payout_record import record_hash
from governance.decay import DECAY_MARK
from scripts.deploy import deploy_linli

# Members given weight in one batch for the mint comparison (the batch amortises 21,000 gas over them).
MINT_COHORT = 20
# Both systems run Linli's "fast" deploy profile (seconds on the timestamp clock); gas does not depend on it.
PROFILE = "fast"
DESCRIPTION = "Raise the pool rate to 2.5% (250 bps)"
NEW_POOL_RATE_BPS = 250
FOR = 1
PERIOD = 202611
GMV_CENTS = 12_345_678_00
# Keys every report has (gas figures as ints); ratios are floats and `targets_missed` lists the limits missed.
GAS_KEYS = (
    "propose", "propose_baseline", "castVote_first", "castVote_first_baseline", "castVote", "castVote_baseline",
    "castVote_reaching_quorum", "castVote_reaching_quorum_baseline", "castVote_after_quorum",
    "castVote_after_quorum_baseline", "castVoteBySig", "castVoteBySig_baseline", "queue", "queue_baseline",
    "execute", "execute_baseline", "mint_per_member_batch", "mint_baseline", "delegate_baseline",
    "mint_plus_delegate_baseline", "publish_n10", "publish_n100000", "publish_floor_n10", "publish_floor_n100000",
    "poll_approve3_first", "poll_approve3", "poll_approve3_by_sig", "poll_enact_n3", "decay_per_member_month",
)
RATIOS = {  # ratio key: (numerator, denominator)
    "castVote_ratio": ("castVote", "castVote_baseline"),
    "castVote_after_quorum_ratio": ("castVote_after_quorum", "castVote_after_quorum_baseline"),
    "castVoteBySig_ratio": ("castVoteBySig", "castVoteBySig_baseline"),
    "publish_ratio": ("publish_n100000", "publish_n10"),
    "mint_ratio": ("mint_per_member_batch", "mint_plus_delegate_baseline"),
    "poll_approve3_ratio": ("poll_approve3", "castVote_baseline"),
}
# Ratio limits Linli must stay within (docs/contracts.md "Gas targets"); a miss is reported, never hidden.
TARGETS = {
    "castVote_ratio": 1.15,  # castVote / castVote_baseline
    "publish_ratio": 1.01,  # publish_n100000 / publish_n10
    "mint_ratio": 0.6,  # mint_per_member_batch / mint_plus_delegate_baseline
    "poll_approve3_ratio": 1.3,  # poll_approve3 / castVote_baseline
}
PUBLISH_CEILING = 80_000  # publish_n100000, gas
VOTERS = ("proposer", "A", "B", "C", "D", "E")


@dataclass
class Dao:
    """One governed system under test: token, governor, the timelock's one proposal action, how to mint."""

    name: str
    token: object
    governor: object
    action: tuple[str, bytes]  # (target, calldata) of the single proposal action
    give_weight: Callable[[list, list[int]], dict[str, int]]  # returns the summed gas per transaction kind


def _local_account(label: str):
    """A deterministic keyed account (it signs ballots and sends its own `delegate`), funded with gas money."""
    account = accounts.add(keccak(text=f"linli-gas-report:{label}").hex())
    if account.balance() == 0:
        accounts[0].transfer(account, "1 ether")
    return account


def _sign_ballot(governor, proposal_id: int, support: int, signer) -> bytes:
    """The EIP-712 `Ballot` a member signs off-chain (chain.ballots), on the governor's own domain."""
    _fields, name, version, chain_id, verifying_contract, _salt, _ext = governor.eip712Domain()
    domain = BallotDomain(name, version, chain_id, verifying_contract)
    voter = Account.from_key(signer.private_key)
    return sign_ballot(domain, voter, proposal_id, support, governor.nonces(signer.address)).signature


def _advance(seconds: int) -> None:
    """Move the timestamp clock (both tokens use ERC-6372 mode=timestamp) forward and mine a block."""
    chain.sleep(seconds)
    chain.mine()


def _linli_dao(deployer) -> tuple[Dao, object]:
    system = deploy_linli(deployer, profile=PROFILE)
    points, batches = system.points, iter(range(1, 1_000_000))

    def give_weight(members, amounts):
        batch_id = keccak(text=f"gas-report-batch-{next(batches)}")
        evidence = [keccak(text=f"evidence-{batch_id.hex()}-{i}") for i in range(len(members))]
        tx = points.awardBatch(batch_id, members, amounts, evidence, {"from": deployer})
        return {"awardBatch": tx.gas_used}

    action = (system.rule_book.address, system.rule_book.setPoolRate.encode_input(NEW_POOL_RATE_BPS))
    return Dao("Linli", points, system.governor, action, give_weight), system


def _baseline_dao(deployer, p: dict) -> Dao:
    """The OZ Wizard system with Linli's settings and wiring, governing its own copy of the RuleBook."""
    tx = {"from": deployer}
    token = BaselineToken.deploy(tx)
    timelock = TimelockController.deploy(p["timelock_min_delay"], [], [], deployer, tx)
    governor = BaselineGovernor.deploy(
        token, timelock, p["voting_delay"], p["voting_period"], p["proposal_threshold"], p["quorum_numerator"], tx
    )
    for role in (timelock.PROPOSER_ROLE(), timelock.CANCELLER_ROLE(), timelock.EXECUTOR_ROLE()):
        timelock.grantRole(role, governor, tx)
    timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), deployer, tx)
    rule_book = RuleBook.deploy(
        timelock, ZERO_ADDRESS, p["level1_bps"], p["level2_bps"], p["pool_rate_bps"], p["gmv_target_cents"],
        p["max_rate_change_bps"], tx,
    )

    def give_weight(members, amounts):
        # Each transaction in a second of its own, as on a real chain: every one writes a new supply or vote
        # checkpoint (same-second transactions, which local nodes produce, would overwrite one, cheaper).
        gas = {"mint": 0, "delegate": 0}
        for member, amount in zip(members, amounts, strict=True):
            chain.sleep(1)
            gas["mint"] += token.mint(member, amount, tx).gas_used
            chain.sleep(1)
            gas["delegate"] += token.delegate(member, {"from": member}).gas_used
        return gas

    action = (rule_book.address, rule_book.setPoolRate.encode_input(NEW_POOL_RATE_BPS))
    return Dao("baseline", token, governor, action, give_weight)


def _run_governance(dao: Dao, relayer, voters: dict) -> dict[str, int]:
    """Weight, propose one action, five votes (one relayed by signature), queue, execute. Returns gas."""
    gov = dao.governor
    # The absent proposer and D each hold half the supply, so D alone reaches quorum; A, B, C and E hold one
    # point each. B and C vote before quorum, E after it; none of them casts the first vote.
    dao.give_weight([voters[n] for n in VOTERS], [1_000_000, 1, 1, 1, 1_000_000, 1])
    _advance(1)

    target, calldata = dao.action
    tx = gov.propose([target], [0], [calldata], DESCRIPTION, {"from": voters["proposer"]})
    gas, proposal_id = {"propose": tx.gas_used}, tx.return_value
    _advance(gov.votingDelay() + 1)

    gas["castVote_first"] = gov.castVote(proposal_id, FOR, {"from": voters["A"]}).gas_used
    gas["castVote"] = gov.castVote(proposal_id, FOR, {"from": voters["B"]}).gas_used
    signature = _sign_ballot(gov, proposal_id, FOR, voters["C"])
    gas["castVoteBySig"] = gov.castVoteBySig(proposal_id, FOR, voters["C"], signature, {"from": relayer}).gas_used
    gas["castVote_reaching_quorum"] = gov.castVote(proposal_id, FOR, {"from": voters["D"]}).gas_used
    gas["castVote_after_quorum"] = gov.castVote(proposal_id, FOR, {"from": voters["E"]}).gas_used
    if not all(gov.hasVoted(proposal_id, voters[n]) for n in "ABCDE"):
        raise RuntimeError(f"{dao.name}: a vote was not recorded")

    _advance(gov.proposalDeadline(proposal_id) - dao.token.clock() + 1)
    description_hash = keccak(text=DESCRIPTION)
    gas["queue"] = gov.queue([target], [0], [calldata], description_hash, {"from": relayer}).gas_used
    _advance(gov.proposalEta(proposal_id) - dao.token.clock() + 1)
    gas["execute"] = gov.execute([target], [0], [calldata], description_hash, {"from": relayer}).gas_used
    if gov.state(proposal_id) != 7:  # ProposalState.Executed
        raise RuntimeError(f"{dao.name}: proposal not executed (state {gov.state(proposal_id)})")
    return gas


def _run_poll(system, relayer, voters: dict) -> dict[str, int]:
    """A product poll of 4 candidates, top 3, on the weight `_run_governance` gave: approvals of 3 candidates (the
    first of the poll, an ordinary one, one relayed by EIP-712 signature), then enact adding 3 products."""
    poll = system.product_poll
    ids = [keccak(text=f"gas-report-product-{i}") for i in range(4)]
    tx = poll.createPoll(ids, [keccak(text=f"gas-report-metadata-{i}") for i in range(4)], 3, "Gas report picks",
                         {"from": voters["proposer"]})
    poll_id, three = tx.return_value, 0b0111
    _advance(poll.votingDelay() + 1)
    gas = {"poll_approve3_first": poll.approve(poll_id, three, {"from": voters["A"]}).gas_used,
           "poll_approve3": poll.approve(poll_id, three, {"from": voters["B"]}).gas_used}
    signer = voters["C"]
    _fields, name, version, chain_id, contract, _salt, _ext = poll.eip712Domain()
    domain = {"name": name, "version": version, "chainId": chain_id, "verifyingContract": contract}
    message = approval_message(domain, poll_id, three, signer.address, poll.nonces(signer.address))
    signature = Account.from_key(signer.private_key).sign_message(message).signature
    gas["poll_approve3_by_sig"] = poll.approveBySig(poll_id, three, signer.address, signature,
                                                    {"from": relayer}).gas_used
    poll.approve(poll_id, 0b0110, {"from": voters["D"]})  # quorum; a clear top 3 (no tie at the cut-off)
    _advance(poll.votingPeriod() + 1)
    tx = poll.enact(poll_id, {"from": relayer})
    if tx.events["PollEnacted"]["added"] != 3:
        raise RuntimeError(f"enact added {tx.events['PollEnacted']['added']} products, not 3")
    gas["poll_enact_n3"] = tx.gas_used
    return gas


def _distribution(period: int, members: int, gmv_cents: int, rate_bps: int, target_cents: int, pool_cents: int):
    """Merkle root and record hash of a month paying `pool_cents` to `members` deterministic addresses.

    The record is the month report's content (governance.payout_record) without the per-member proofs, which
    only cost time here: the chain stores the hash, whatever the record holds.
    """
    share, rest = divmod(pool_cents, members)
    payouts = [("0x" + keccak(text=f"member-{i}")[12:].hex(), share + (1 if i < rest else 0)) for i in range(members)]
    root = StandardMerkleTree.of(payouts).root
    content = {
        "period": f"{period // 100}-{period % 100:02d}", "gmv_cents": gmv_cents, "target_cents": target_cents,
        "pool_rate_bps": rate_bps, "pool_cents": pool_cents, "merkle_root": root,
        "members": [{"member_id": f"m{i}", "address": a, "payout_cents": c} for i, (a, c) in enumerate(payouts)],
    }
    return root, record_hash(content)


def _publish(system, publisher, period: int, store, members: int) -> tuple[int, int]:
    """Publish one distribution of `members` on Linli's ledger and on the bare root store: (gas, floor gas)."""
    rate_bps, target_cents = system.rule_book.poolTerms()
    pool_cents = GMV_CENTS * rate_bps // 10_000 if target_cents <= GMV_CENTS else 0
    root, record = _distribution(period, members, GMV_CENTS, rate_bps, target_cents, pool_cents)
    tx = system.ledger.publish(period, GMV_CENTS, pool_cents, members, root, record, {"from": publisher})
    floor = store.publish(period, root, {"from": publisher})
    return tx.gas_used, floor.gas_used


def _decay(system, deployer, members: list, amounts: list[int]) -> int:
    """One month's decay step for a cohort that holds points (linli.services.decay_batches): one revokeBatch
    taking part of each member's weight, under a decay batch id and one evidence id per member."""
    batch_id = DECAY_MARK + keccak(text=f"gas-report-decay-{PERIOD}")[len(DECAY_MARK):]
    evidence = [keccak(text=f"decay:{PERIOD}:{i}") for i in range(len(members))]
    taken = [amount // 3 for amount in amounts]
    return system.points.revokeBatch(batch_id, members, taken, evidence, {"from": deployer}).gas_used


def measure() -> dict:
    """Deploy both systems on the connected chain, run the same scenario on each, return the figures."""
    deployer = accounts[0]
    voters = {n: _local_account(f"voter-{n}") for n in VOTERS}
    cohort = [_local_account(f"cohort-{i}") for i in range(MINT_COHORT)]

    linli, system = _linli_dao(deployer)
    baseline = _baseline_dao(deployer, system.params)
    report: dict = {}
    for dao, suffix in ((linli, ""), (baseline, "_baseline")):
        report.update({f"{k}{suffix}": v for k, v in _run_governance(dao, deployer, voters).items()})
    report.update(_run_poll(system, deployer, voters))

    amounts = [100 + i for i in range(MINT_COHORT)]
    batch = linli.give_weight(cohort, amounts)
    base = baseline.give_weight(cohort, amounts)
    report["mint_per_member_batch"] = batch["awardBatch"] // MINT_COHORT
    report["mint_baseline"] = base["mint"] // MINT_COHORT
    report["delegate_baseline"] = base["delegate"] // MINT_COHORT
    report["mint_plus_delegate_baseline"] = (base["mint"] + base["delegate"]) // MINT_COHORT
    report["decay_per_member_month"] = _decay(system, deployer, cohort, amounts) // MINT_COHORT

    store = BaselineRootStore.deploy({"from": deployer})
    report["publish_n10"], report["publish_floor_n10"] = _publish(system, deployer, PERIOD, store, 10)
    report["publish_n100000"], report["publish_floor_n100000"] = _publish(system, deployer, PERIOD + 1, store, 100_000)

    for key, (numerator, denominator) in RATIOS.items():
        report[key] = round(report[numerator] / report[denominator], 4)
    report["targets_missed"] = [k for k, limit in TARGETS.items() if report[k] > limit] + (
        ["publish_n100000"] if report["publish_n100000"] > PUBLISH_CEILING else []
    )
    return report


ROWS = (  # (label, Linli key, baseline key)
    ("propose (1 action)", "propose", "propose_baseline"),
    ("castVote, first of the proposal", "castVote_first", "castVote_first_baseline"),
    ("castVote, not the first (before quorum)", "castVote", "castVote_baseline"),
    ("castVote reaching quorum", "castVote_reaching_quorum", "castVote_reaching_quorum_baseline"),
    ("castVote after quorum", "castVote_after_quorum", "castVote_after_quorum_baseline"),
    ("castVoteBySig, relayed", "castVoteBySig", "castVoteBySig_baseline"),
    ("queue", "queue", "queue_baseline"),
    ("execute (RuleBook.setPoolRate)", "execute", "execute_baseline"),
    (f"weight for a new member (batch of {MINT_COHORT} vs mint + delegate)", "mint_per_member_batch",
     "mint_plus_delegate_baseline"),
    ("publish a distribution, 10 members", "publish_n10", "publish_floor_n10"),
    ("publish a distribution, 100,000 members", "publish_n100000", "publish_floor_n100000"),
    ("poll: approve 3 candidates, first of the poll (vs castVote, first)", "poll_approve3_first",
     "castVote_first_baseline"),
    ("poll: approve 3 candidates, not the first (vs castVote)", "poll_approve3", "castVote_baseline"),
    ("poll: approveBySig of 3, relayed (vs castVoteBySig)", "poll_approve3_by_sig", "castVoteBySig_baseline"),
    ("poll: enact, N = 3 products listed (vs execute of one setPoolRate)", "poll_enact_n3", "execute_baseline"),
)


def format_table(report: dict) -> str:
    """The figures as a Markdown table (gas per transaction; the baseline column of publish is the bare floor)."""
    lines = ["| operation | Linli | OZ baseline | Linli / baseline |", "|---|---:|---:|---:|"]
    for label, ours, theirs in ROWS:
        a, b = report[ours], report[theirs]
        lines.append(f"| {label} | {a:,} | {b:,} | {a / b:.3f} |")
    lines.append("")
    for key, limit in TARGETS.items():
        verdict = "ok" if report[key] <= limit else "MISSED"
        lines.append(f"- {key} = {report[key]:.4f} (target <= {limit}): {verdict}")
    lines.append(f"- decay, per member per month (a revokeBatch of {MINT_COHORT}): "
                 f"{report['decay_per_member_month']:,} gas")
    verdict = "ok" if report["publish_n100000"] <= PUBLISH_CEILING else "MISSED"
    lines.append(f"- publish_n100000 = {report['publish_n100000']:,} gas (target <= {PUBLISH_CEILING:,}): {verdict}")
    return "\n".join(lines)


def main() -> dict:
    report = measure()
    print()
    print(format_table(report))
    text = json.dumps(report, sort_keys=True)
    print(text)
    if path := os.environ.get("LINLI_GAS_JSON"):
        with open(path, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        print(f"written to {path}")
    return report
