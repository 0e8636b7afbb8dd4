"""Gas report: Linli's contracts against an unmodified OpenZeppelin baseline, same scenario, same chain.

    brownie run scripts/gas_report.py --network development      # Anvil
    brownie run scripts/gas_report.py --network ganache-cli      # Ganache 7.9 (shanghai)
    LINLI_GAS_JSON=reports/gas.json brownie run scripts/gas_report.py --network development

Prints a table and one JSON object (also written to the path in LINLI_GAS_JSON when set). Every figure is
the `gasUsed` of one transaction (21,000 intrinsic gas included), except the `*_per_member` figures.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Callable

from brownie import (
    BaselineGovernor,
    BaselineRootStore,
    BaselineToken,
    TimelockController,
    accounts,
    chain,
)
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

# Members given weight in one batch for the mint comparison (the batch amortises 21,000 gas over them).
MINT_COHORT = 20
# Settings both governors run with (blocks / seconds on the token's clock). Gas does not depend on them.
VOTING_DELAY = 1
VOTING_PERIOD = 30
TIMELOCK_DELAY = 60
PROPOSAL_THRESHOLD = 0
QUORUM_NUMERATOR = 4
UNIT = 10**18
DESCRIPTION = "Raise the pool rate to 2.5% (250 bps)"
FOR = 1

TARGETS = {  # metric: (limit, meaning) for the ratios
    "castVote_ratio": 1.15,
    "publish_ratio": 1.01,
    "mint_ratio": 0.6,
}
PUBLISH_CEILING = 80_000


@dataclass
class Dao:
    """One governed system under test: the token, the governor, its timelock, and what it executes."""

    name: str
    token: object
    governor: object
    timelock: object
    action: tuple[str, bytes]  # (target, calldata) of the single proposal action
    give_weight: Callable[[list, list[int]], dict[str, int]]


def _local_account(label: str):
    """A deterministic keyed account (brownie's dev accounts have no exportable key), funded with gas."""
    account = accounts.add(keccak(text=f"linli-gas-report:{label}").hex())
    if account.balance() == 0:
        accounts[0].transfer(account, "1 ether")
    return account


def _sign_ballot(governor, proposal_id: int, support: int, signer) -> bytes:
    """EIP-712 `Ballot` signature that OpenZeppelin's `castVoteBySig` accepts."""
    _fields, name, version, chain_id, verifying_contract, _salt, _ext = governor.eip712Domain()
    typed = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Ballot": [
                {"name": "proposalId", "type": "uint256"},
                {"name": "support", "type": "uint8"},
                {"name": "voter", "type": "address"},
                {"name": "nonce", "type": "uint256"},
            ],
        },
        "primaryType": "Ballot",
        "domain": {
            "name": name,
            "version": version,
            "chainId": chain_id,
            "verifyingContract": verifying_contract,
        },
        "message": {
            "proposalId": proposal_id,
            "support": support,
            "voter": signer.address,
            "nonce": governor.nonces(signer.address),
        },
    }
    signed = Account.sign_message(encode_typed_data(full_message=typed), signer.private_key)
    return signed.signature


def _advance(token, units: int) -> None:
    """Move the token's ERC-6372 clock forward by `units` (blocks or seconds) and mine."""
    if token.CLOCK_MODE() == "mode=timestamp":
        chain.sleep(units)
        chain.mine()
    else:
        chain.mine(units)


def _baseline_dao(deployer) -> Dao:
    token = BaselineToken.deploy({"from": deployer})
    timelock = TimelockController.deploy(TIMELOCK_DELAY, [], ["0x" + "00" * 20], deployer, {"from": deployer})
    governor = BaselineGovernor.deploy(
        token, timelock, VOTING_DELAY, VOTING_PERIOD, PROPOSAL_THRESHOLD, QUORUM_NUMERATOR, {"from": deployer}
    )
    timelock.grantRole(timelock.PROPOSER_ROLE(), governor, {"from": deployer})
    timelock.grantRole(timelock.CANCELLER_ROLE(), governor, {"from": deployer})
    timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), deployer, {"from": deployer})
    store = BaselineRootStore.deploy({"from": deployer})
    # Same one action as on Linli's side in spirit: one state write by the timelock. TODO align with RuleBook.
    action = (store.address, store.publish.encode_input(1, b"\x11" * 32))

    def give_weight(members, amounts):
        gas = {"mint": 0, "delegate": 0}
        for member, amount in zip(members, amounts):
            gas["mint"] += token.mint(member, amount, {"from": deployer}).gas_used
            gas["delegate"] += token.delegate(member, {"from": member}).gas_used
        return gas

    return Dao("baseline", token, governor, timelock, action, give_weight)


def _run_governance(dao: Dao, deployer, voters: dict) -> dict[str, int]:
    """Weight, propose one action, five votes (one relayed by signature), queue, execute. Returns gas."""
    gov, token = dao.governor, dao.token
    # The absent proposer holds most of the supply; D alone reaches quorum; A, B, C and E hold one unit each,
    # so the votes measured before quorum (B, C) and after it (E) are each not the first vote.
    names = ["proposer", "A", "B", "C", "D", "E"]
    amounts = [1_000_000 * UNIT, UNIT, UNIT, UNIT, 1_000_000 * UNIT, UNIT]
    dao.give_weight([voters[n] for n in names], amounts)
    _advance(token, 1)

    target, calldata = dao.action
    tx = gov.propose([target], [0], [calldata], DESCRIPTION, {"from": voters["proposer"]})
    gas = {"propose": tx.gas_used}
    proposal_id = tx.return_value
    _advance(token, VOTING_DELAY + 1)

    gas["castVote_first"] = gov.castVote(proposal_id, FOR, {"from": voters["A"]}).gas_used
    gas["castVote"] = gov.castVote(proposal_id, FOR, {"from": voters["B"]}).gas_used
    signature = _sign_ballot(gov, proposal_id, FOR, voters["C"])
    gas["castVoteBySig"] = gov.castVoteBySig(
        proposal_id, FOR, voters["C"], signature, {"from": deployer}
    ).gas_used
    gas["castVote_reaching_quorum"] = gov.castVote(proposal_id, FOR, {"from": voters["D"]}).gas_used
    gas["castVote_after_quorum"] = gov.castVote(proposal_id, FOR, {"from": voters["E"]}).gas_used
    if gov.hasVoted(proposal_id, voters["B"]) is not True:
        raise RuntimeError(f"{dao.name}: vote of B not recorded")

    _advance(token, gov.proposalDeadline(proposal_id) - token.clock() + 1)
    description_hash = keccak(text=DESCRIPTION)
    gas["queue"] = gov.queue([target], [0], [calldata], description_hash, {"from": deployer}).gas_used
    chain.sleep(TIMELOCK_DELAY + 1)
    chain.mine()
    gas["execute"] = gov.execute([target], [0], [calldata], description_hash, {"from": deployer}).gas_used
    if gov.state(proposal_id) != 7:  # ProposalState.Executed
        raise RuntimeError(f"{dao.name}: proposal not executed (state {gov.state(proposal_id)})")
    return gas


def measure() -> dict:
    """Deploy both systems on the connected chain, run the same scenario on each, return the figures."""
    deployer = accounts[0]
    voters = {n: _local_account(f"voter-{n}") for n in ["proposer", "A", "B", "C", "D", "E"]}
    baseline = _baseline_dao(deployer)
    base = _run_governance(baseline, deployer, voters)

    cohort = [_local_account(f"cohort-{i}") for i in range(MINT_COHORT)]
    mint = baseline.give_weight(cohort, [UNIT] * MINT_COHORT)

    store = BaselineRootStore.deploy({"from": deployer})
    publish_floor = store.publish(202611, keccak(text="root"), {"from": deployer}).gas_used

    report = {f"{k}_baseline": v for k, v in base.items()}
    report["mint_plus_delegate_baseline"] = (mint["mint"] + mint["delegate"]) // MINT_COHORT
    report["publish_floor_baseline"] = publish_floor
    return report


def _print_table(report: dict) -> None:
    width = max(len(k) for k in report)
    print()
    for key, value in report.items():
        shown = f"{value:>12,}" if isinstance(value, int) else f"{value:>12.3f}"
        print(f"{key:<{width}}  {shown}")
    print()


def main() -> None:
    report = measure()
    _print_table(report)
    text = json.dumps(report, sort_keys=True)
    print(text)
    if path := os.environ.get("LINLI_GAS_JSON"):
        with open(path, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        print(f"written to {path}")
