"""`linli demo --serve` as a newcomer runs it: a real process, a real Anvil, the real API.

It must print the dashboard, three members with keystore files that open with the printed passphrase and
whose member votes through the served relay; it must leave nothing running when stopped by Ctrl-C or
SIGTERM, nor a node when killed outright; and it must refuse, in one line and before serving anything, a
chain a browser cannot reach, a chain that is not a dev chain, a bad or busy port.
"""
from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from eth_account.signers.local import LocalAccount

from chain.deployment import Deployment
from chain.governor import Governance, Support
from chain.keys import dev_signers, signer_from_keystore
from chain.nodes import LocalNode, free_port
from chain.polls import Polls, PollState
from chain.rpc import RpcChain
from chain.system import Linli
from session_processes import alive, children, read_until, user_env
from dev_keys import dev_key
from linli.services.demo_poll import OPEN_PRODUCTS
from linli.services.proposals import product_id

MEMBERS = "30"  # the smallest co-op the demo takes: the quickest story


def _serve(tmp_path: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(["linli", "demo", "--serve", "--members", MEMBERS, "--out", str(tmp_path / "out"), *args],
                            env=user_env(**env), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _gone(pids: list[int], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(alive(p) for p in pids)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    process = _serve(tmp_path, "--port", str(free_port()))
    try:
        yield process, read_until(process, "Ctrl-C stops")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def test_a_newcomer_opens_the_dashboard_and_a_printed_member_votes_then_ctrl_c_stops_everything(
        served: tuple[subprocess.Popen[str], list[str]], tmp_path: Path) -> None:
    process, printed = served
    text = "\n".join(printed)
    dashboard = re.search(r"dashboard: (http://127\.0\.0\.1:\d+/dashboard/)", text)
    chain_url = re.search(r"chain (http://127\.0\.0\.1:\d+)", text)
    passphrase = re.search(r"their passphrase: (\S+)", text)
    samples = re.findall(r"^  (M\d{6})  (0x[0-9a-fA-F]{40})  (\S+\.json)$", text, flags=re.MULTILINE)
    assert dashboard and chain_url and passphrase and len(samples) == 3, text
    api = dashboard.group(1).removesuffix("/dashboard/")
    assert httpx.get(dashboard.group(1), timeout=30).status_code == 200
    active = [p for p in httpx.get(api + "/proposals", timeout=30).json() if p["state"] == "active"]
    assert len(active) == 1

    _member_id, address, keystore = samples[0]
    key = signer_from_keystore(Path(keystore), {"LINLI_KEYSTORE_PASSWORD": passphrase.group(1)})
    _approve_in_the_open_poll(text, chain_url.group(1), tmp_path, key)
    member = httpx.get(f"{api}/members/{address}", timeout=30).json()
    assert member["address"] == address and member["points"] > 0  # public facts only: no member id (privacy)
    assert key.address == address
    with RpcChain(chain_url.group(1), [key], name="rpc") as chain:
        gov = Governance(Linli.attach(chain, Deployment.load(tmp_path / "out" / "deployment.json")))
        pid = int(active[0]["id"])
        ballot = gov.sign_ballot(pid, Support.FOR, key).to_json()
        relayed = httpx.post(api + "/votes/relay", json=ballot, timeout=60)
        assert relayed.status_code == 200, relayed.text
        assert relayed.json()["weight"] == member["points"] and gov.has_voted(pid, address)

    node = children(process.pid)
    assert node, "the node should be a child of linli"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    assert "stopped" in process.stdout.read()  # type: ignore[union-attr]
    assert "Traceback" not in process.stderr.read()  # type: ignore[union-attr]
    assert _gone(node)
    with pytest.raises(httpx.ConnectError):
        httpx.get(dashboard.group(1), timeout=5)


def _approve_in_the_open_poll(printed: str, chain_url: str, tmp_path: Path, key: LocalAccount) -> None:
    """The product poll the demo left open takes a printed member's signed approval, with its points."""
    poll = re.search(r"product poll (\d+) open too", printed)
    assert poll, printed
    with RpcChain(chain_url, dev_signers(1), name="rpc") as chain:  # dev account 0 relays
        linli = Linli.attach(chain, Deployment.load(tmp_path / "out" / "deployment.json"))
        polls, poll_id = Polls(linli), int(poll.group(1))
        assert polls.state(poll_id) is PollState.ACTIVE
        assert [o.product_id for o in polls.options(poll_id)] == [product_id(p) for p in OPEN_PRODUCTS]
        polls.relay(polls.sign_approval(poll_id, [product_id(OPEN_PRODUCTS[0])], key), chain.signers[0])
        snapshot = polls.read(poll_id).snapshot
        points = int(linli.tx.call(linli.points.functions.getPastVotes(key.address, snapshot)))
        assert polls.has_voted(poll_id, key.address) and polls.options(poll_id)[0].weight == points > 0


def test_sigterm_stops_the_server_and_the_node(served: tuple[subprocess.Popen[str], list[str]]) -> None:
    process, printed = served
    assert any("Ctrl-C stops" in line for line in printed), printed
    node = children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    assert node and _gone(node)


def test_a_killed_demo_serve_takes_its_node_along(tmp_path: Path) -> None:
    process = _serve(tmp_path, "--port", str(free_port()))
    try:
        deadline = time.monotonic() + 60
        while not (node := children(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert node, "no node started"
        time.sleep(1)  # the node is up and the demo under way
    finally:
        process.kill()
        process.wait(timeout=30)
    assert _gone(node)  # PDEATHSIG: the node ends with its parent


def _refused(tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    process = _serve(tmp_path, *args, **env)
    out, err = process.communicate(timeout=120)
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err and len(lines) == 1, err
    assert "dashboard" not in out
    return process.returncode, lines[0]


@pytest.mark.parametrize("port", ["0", "65536", "-1", "eighty"])
def test_a_bad_port_is_one_line(tmp_path: Path, port: str) -> None:
    code, line = _refused(tmp_path, "--port", port)
    assert code == 2 and "--port" in line


def test_a_busy_port_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, line = _refused(tmp_path, "--port", str(port))
    assert code == 1 and f"port {port}" in line and "in use" in line


def test_the_embedded_chain_cannot_be_served(tmp_path: Path) -> None:
    code, line = _refused(tmp_path, "--chain", "embedded")
    assert code == 1 and "embedded" in line


class _OtherChain(LocalNode):
    """An Anvil that says it is another network (chain id 5)."""

    def command(self) -> list[str]:
        return [*super().command(), "--chain-id", "5"]


def test_a_chain_that_is_not_a_dev_chain_is_refused_before_any_transaction(tmp_path: Path) -> None:
    with _OtherChain("anvil") as node:
        code, line = _refused(tmp_path, "--rpc", node.url, LINLI_PRIVATE_KEY=dev_key(0))
        assert code == 1 and "dev chain" in line and "chain 5" in line
        sent = httpx.post(node.url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_getTransactionCount",
                                          "params": [dev_signers(1)[0].address, "latest"]}, timeout=10)
        assert int(sent.json()["result"], 16) == 0  # nothing deployed, nothing spent


def test_port_is_only_for_serve(tmp_path: Path) -> None:
    process = subprocess.run(["linli", "demo", "--port", "8001"], env=user_env(), text=True, capture_output=True,
                             timeout=60)
    assert process.returncode == 2 and "--port is for --serve" in process.stderr
