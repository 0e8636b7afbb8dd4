"""`linli demo` end to end: the report's real content, and the chain's state after the story."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chain.embedded import EmbeddedChain
from chain.governor import Governance, ProposalState
from chain.ledger import Ledger
from chain.polls import Polls, PollState
from chain.rules import Rules
from chain.system import Linli
from dev_keys import dev_key
from governance.merkle import verify as verify_proof
from governance.payout_record import SignedRecord, verify_record
from linli.cli.demo import print_report
from linli.demo import DemoConfig, DemoResult, run_demo
from linli.services.demo_poll import PREFERENCE, PRODUCTS
from linli.services.proposals import product_id


def _check_files(data: dict, out: Path) -> None:
    report = json.loads((out / f"month-report-{data['period']}.json").read_text(encoding="utf-8"))
    assert sum(m["payout_cents"] for m in report["members"]) + report["undistributed_cents"] == report["pool_cents"]
    assert report["pool_cents"] == data["pool_cents"] == report["gmv_cents"] * report["pool_rate_bps"] // 10_000
    record = SignedRecord.load(out / f"payout-record-{data['period']}.json")
    verify_record(record, onchain_root=data["merkle_root"], onchain_record_hash=data["record_hash"])
    assert json.loads((out / "deployment.json").read_text())["contracts"]["RuleBook"].startswith("0x")


def _check_poll(data: dict) -> None:
    """The product poll's story in the demo's JSON: approvals direct and relayed, weights, winners, catalogue."""
    poll = data["poll"]
    assert poll["state"] == "enacted" and poll["top_n"] == 2 and poll["added"] == 2
    voters = poll["voters"]
    assert sum(v["relayed"] for v in voters) == 1 and sum(not v["relayed"] for v in voters) >= 2
    weights = {o["name"]: o["weight"] for o in poll["options"]}
    for name in PRODUCTS:  # each candidate's weight is the points of exactly those who approved it
        assert weights[name] == sum(v["weight"] for v in voters if name in v["products"])
    assert poll["turnout"] == sum(v["weight"] for v in voters) >= poll["quorum"] > 0
    heaviest = sorted(weights, key=lambda n: -weights[n])
    assert poll["winners"] == heaviest[:2] == [PRODUCTS[i] for i in PREFERENCE[:2]]
    assert weights[heaviest[1]] > weights[heaviest[2]]  # no tie at the cut-off
    assert poll["catalogue"] == poll["winners"]  # the catalogue started empty


def test_demo_on_the_embedded_chain_through_the_cli(cli, tmp_path: Path) -> None:
    run = cli("demo", "--members", "40", "--out", str(tmp_path), "--json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["verified_members"] == data["members"] == 40
    assert data["commission_bps"] == {"old": [1000, 500], "new": [1200, 600]}
    assert data["proposal"]["state"] == "executed"
    voters = data["proposal"]["voters"]
    assert any(v["relayed"] for v in voters) and any(not v["relayed"] for v in voters)
    assert data["gmv_cents"] >= data["target_cents"] and data["pool_cents"] > 0
    assert data["paid_cents"] + data["undistributed_cents"] == data["pool_cents"]
    _check_poll(data)
    _check_files(data, tmp_path)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory):
    with EmbeddedChain() as chain:
        result = run_demo(chain, DemoConfig(members=60, out_dir=tmp_path_factory.mktemp("demo")))
        yield chain, result


def test_the_new_rates_are_on_chain_and_the_month_used_them(story: tuple[EmbeddedChain, DemoResult]) -> None:
    chain, result = story
    linli = Linli.attach(chain, result.deployment)
    terms = Rules(linli).read()
    assert (terms.level1_bps, terms.level2_bps) == (1200, 600)
    assert Governance(linli).state(result.proposal.id) is ProposalState.EXECUTED
    publication = Ledger(linli).read(result.report.period)
    assert publication is not None
    assert "0x" + publication.merkle_root.hex() == result.report.merkle_root
    assert "0x" + publication.record_hash.hex() == result.report.record_hash
    assert publication.pool_cents == result.report.pool_cents == sum(m.payout_cents for m in result.report.members) \
        + result.report.undistributed_cents
    # commission in the month report is computed at the new rates: 12% / 6% lines, floor per line
    assert any(m.commission_cents for m in result.report.members)


def test_the_poll_winners_are_in_the_catalogue_on_chain(story: tuple[EmbeddedChain, DemoResult]) -> None:
    chain, result = story
    linli = Linli.attach(chain, result.deployment)
    polls = Polls(linli)
    view = polls.read(result.poll.view.id)
    assert view.state is PollState.ENACTED and view == result.poll.view
    assert set(Rules(linli).products()) == set(view.winners) == {product_id(PRODUCTS[i]) for i in PREFERENCE[:2]}
    relayed = [a for a in result.poll.approvals if a.relayed]
    assert len(relayed) == 1 and relayed[0].weight > 0
    assert all(polls.has_voted(view.id, m.address) for m in result.report.members
               if m.member_id in {a.member_id for a in result.poll.approvals})


def test_every_member_is_proven_on_chain(story: tuple[EmbeddedChain, DemoResult]) -> None:
    chain, result = story
    ledger = Ledger(Linli.attach(chain, result.deployment))
    assert len(result.verified.checked_on_chain) == len(result.report.members) == 60
    for m in result.report.members:
        assert verify_proof(result.report.merkle_root, (m.address, m.payout_cents), list(m.proof))
        assert ledger.verify(result.report.period, m.address, m.payout_cents, [bytes.fromhex(p[2:]) for p in m.proof])
    richest = max(result.report.members, key=lambda m: m.payout_cents)
    proof = [bytes.fromhex(p[2:]) for p in richest.proof]
    assert not ledger.verify(result.report.period, richest.address, richest.payout_cents + 1, proof)


def test_the_human_report(story: tuple[EmbeddedChain, DemoResult], capsys: pytest.CaptureFixture[str]) -> None:
    _, result = story
    print_report(result)
    text = capsys.readouterr().out
    assert "verified 60/60 members from the chain" in text
    assert "1000/500 bps -> 1200/600 bps" in text
    assert "Top 10 by points" in text and text.count(" pts ") == 10
    assert "by relayed EIP-712 signature" in text and "-> executed" in text
    assert f"Product poll {result.poll.view.id}" in text and "1 by relayed EIP-712 signature" in text
    assert "top 2 -> enacted" in text
    winners = ", ".join(PRODUCTS[i] for i in PREFERENCE[:2])
    assert f"winners: {winners} (2 added to the catalogue)" in text
    assert f"catalogue (read back from the RuleBook): {winners}" in text


@pytest.mark.node
@pytest.mark.parametrize("kind", ["anvil", "ganache"])
def test_demo_on_a_local_node(cli, kind: str, tmp_path: Path) -> None:
    members = "200" if kind == "anvil" else "80"  # Ganache runs ~30 tx/s and its EVM is slow on big batches
    run = cli("demo", "--chain", kind, "--members", members, "--out", str(tmp_path), "--json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["chain"] == kind
    assert data["verified_members"] == data["members"] == int(members)
    assert data["commission_bps"]["new"] == [1200, 600]
    assert data["paid_cents"] + data["undistributed_cents"] == data["pool_cents"] > 0
    _check_poll(data)
    _check_files(data, tmp_path)


@pytest.mark.node
def test_demo_against_an_rpc_url_with_one_key(cli, anvil) -> None:
    """A node someone else runs (`linli chain node`): one signer deploys, funds, relays and publishes."""
    run = cli("demo", "--rpc", anvil.url, "--members", "30", "--json",
              env={"LINLI_PRIVATE_KEY": dev_key(0)})
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["chain"] == "rpc" and data["verified_members"] == 30 and data["commission_bps"]["new"] == [1200, 600]
    _check_poll(data)
