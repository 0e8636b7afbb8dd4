"""The same story on a real Anvil and a real Ganache that the adapter starts and stops itself."""
from __future__ import annotations

import socket

import pytest
import requests

from chain.connect import open_chain
from chain.deploy import deploy_linli
from chain.errors import ContractCustomError, NodeStartError
from chain.governor import Governance, ProposalState, Tally
from chain.keys import dev_signers
from chain.nodes import SHARED_PORT, LocalNode, _executable
from chain.points import Award, Points, evidence_id
from chain.system import Linli
from chain_story import smoke_story

pytestmark = pytest.mark.node
KINDS = ["anvil", "ganache"]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_smoke_story_on_a_local_node(kind: str) -> None:
    with open_chain(kind) as chain:  # type: ignore[arg-type]
        node = chain.node  # type: ignore[attr-defined]
        assert node is not None and node.port != SHARED_PORT and _port_open(node.port)
        assert chain.w3.eth.get_block("latest")["gasLimit"] == 30_000_000
        story = smoke_story(chain)
        gov = Governance(story.linli)
        assert story.pool_rate_after == story.pool_rate_before + 50
        assert gov.state(story.proposal.id) is ProposalState.EXECUTED
        assert gov.tally(story.proposal.id) == Tally(against=300, for_=1100, abstain=0)
        assert gov.has_voted(story.proposal.id, story.relayed_voter)

        linli = story.linli
        with pytest.raises(ContractCustomError) as caught:  # estimate-time revert, decoded by name
            linli.tx.send(linli.rule_book.functions.setPoolRate(250), chain.signers[0])
        assert caught.value.signature == f"RuleBookUnauthorized(caller={chain.accounts[0]})"
        with pytest.raises(ContractCustomError) as mined:  # mined with status 0, replayed to decode
            linli.tx.send(linli.rule_book.functions.setPoolRate(250), chain.signers[0], gas=200_000)
        assert mined.value.error_name == "RuleBookUnauthorized" and mined.value.tx_hash is not None

        fetcher = linli.log_fetcher(max_range=3)
        logs = fetcher.fetch(linli.deployment.block, chain.block_number(), address=linli.points.address)
        awarded = [e for e in linli.events.decode_all(logs) if e.name == "PointsAwarded"]
        assert sorted(e.args["amount"] for e in awarded) == [300, 500, 600] and fetcher.requests > 1
    assert not node.running and not _port_open(node.port)
    assert node.log_path.stat().st_size > 0


@pytest.mark.parametrize("kind", KINDS)
def test_many_transactions_in_flight(kind: str) -> None:
    with open_chain(kind) as chain:  # type: ignore[arg-type]
        linli = Linli.attach(chain, deploy_linli(chain))
        members = [s.address for s in dev_signers(10)]
        awards = [Award(members[i % 10], 1, evidence_id(f"{kind}:{i}")) for i in range(30)]
        receipts = Points(linli).award_batch(awards, batch_id=evidence_id(kind), chunk_size=1)
        assert len({r["transactionHash"] for r in receipts}) == 30
        assert Points(linli).total_supply() == 30


def test_remote_chain_with_a_key_from_the_environment() -> None:
    with LocalNode("anvil") as node:
        key = "0x" + dev_signers(1)[0].key.hex().removeprefix("0x")
        with open_chain(rpc_url=node.url, env={"LINLI_PRIVATE_KEY": key}) as chain:
            deployment = deploy_linli(chain)
            assert deployment.rpc == node.url and deployment.chain_id == 31337
            assert Governance(Linli.attach(chain, deployment)).ballot_domain().name == "Linli CommunityGovernor"
        assert node.running  # closing a remote chain does not stop a node it did not start


def test_a_taken_port_is_refused() -> None:
    with LocalNode("anvil") as first, pytest.raises(NodeStartError, match=f"port {first.port} is already in use"):
        LocalNode("anvil", port=first.port).start()


@pytest.mark.parametrize("kind", KINDS)
def test_start_failure_quotes_the_node_log(kind: str) -> None:
    node = LocalNode(kind, gas_limit=-1)  # type: ignore[arg-type]
    with pytest.raises(NodeStartError, match=f"{kind} exited with code") as caught:
        node.start()
    assert node.log_tail() in str(caught.value) and node.log_tail() != ""
    assert not node.running


def test_a_port_lost_between_choosing_and_binding_is_rechosen() -> None:
    with LocalNode("anvil") as first:
        second = LocalNode("anvil")
        second.port = first.port  # as if another process had taken the chosen port meanwhile
        with second:
            assert second.port != first.port and second.running
            assert dev_signers(1)[0].address.lower() in requests.post(
                second.url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_accounts", "params": []}, timeout=5
            ).text


def test_the_node_named_by_the_environment_is_the_one_started(tmp_path, monkeypatch) -> None:
    """How an installed Linli (no node_modules beside it) runs the user's own Anvil."""
    real = _executable("anvil")
    marker = tmp_path / "started"
    wrapper = tmp_path / "my-anvil"
    wrapper.write_text(f"#!/bin/sh\ntouch {marker}\nexec {real} \"$@\"\n")
    wrapper.chmod(0o755)
    monkeypatch.setenv("LINLI_ANVIL", str(wrapper))
    with LocalNode("anvil") as node:
        assert node.running and marker.exists()


def test_a_missing_node_named_by_the_environment_is_one_line(monkeypatch) -> None:
    monkeypatch.setenv("LINLI_GANACHE", "/nonexistent/ganache")
    with pytest.raises(NodeStartError, match=r"^LINLI_GANACHE=/nonexistent/ganache: no such executable$"):
        LocalNode("ganache").start()
