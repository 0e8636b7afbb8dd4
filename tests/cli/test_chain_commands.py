"""`linli chain deploy` on the embedded chain, `linli chain node` as a real foreground process whose Anvil
state survives a restart, and signing from an encrypted keystore."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from eth_account import Account

from chain.keys import dev_signers
from dev_keys import dev_key

LINLI = [sys.executable, "-c", "from linli.cli import main; main()"]


def test_deploy_on_the_embedded_chain_says_it_ends_with_the_command(cli, tmp_path: Path) -> None:
    out = tmp_path / "deployment.json"
    run = cli("chain", "deploy", "--out", str(out))
    assert run.code == 0, run.err
    data = json.loads(out.read_text())
    assert data["rpc"] == "embedded" and data["params"]["voting_delay"] == 10  # the fast profile on local chains
    assert "this chain ended with the command" in run.err
    later = cli("proposal", "show", "1", env={"LINLI_DEPLOYMENT": str(out)})
    assert later.code == 1 and "ended with the command that deployed it" in later.error_line


def test_rpc_and_chain_together_are_refused(cli) -> None:
    run = cli("chain", "deploy", "--chain", "anvil", "--rpc", "http://127.0.0.1:1")
    assert run.code == 1 and "choose either --chain anvil or an RPC URL" in run.error_line


def _start_node(state: Path, port: int | None = None) -> tuple[subprocess.Popen[str], str]:
    port_args = ["--port", str(port)] if port else []
    args = [*LINLI, "chain", "node", "--chain", "anvil", "--state", str(state), *port_args]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if "export LINLI_RPC_URL=" in line:
            return process, line.split("=", 1)[1].strip()
    raise AssertionError(f"node did not start: {process.wait()}")


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=30)
    return rest


@pytest.mark.node
def test_a_node_session_survives_a_restart_with_state(cli, tmp_path: Path) -> None:
    state, deployment = tmp_path / "anvil-state.json", tmp_path / "deployment.json"
    process, url = _start_node(state)
    try:
        run = cli("chain", "deploy", "--rpc", url, "--out", str(deployment), env={"LINLI_PRIVATE_KEY": dev_key(0)})
        assert run.code == 0, run.err
    finally:
        assert "stopping anvil" in _stop(process)
    assert process.returncode == 0 and state.stat().st_size > 0
    port = int(url.rsplit(":", 1)[1])
    process, url = _start_node(state, port)
    try:
        time.sleep(0.2)
        again = cli("proposal", "show", "1", env={"LINLI_DEPLOYMENT": str(deployment)})  # rpc from deployment.json
        assert again.code == 1 and "no proposal 1 on this deployment" in again.error_line  # the code is there
    finally:
        _stop(process)


@pytest.mark.node
def test_keystore_signer(cli, anvil, tmp_path: Path) -> None:
    keyfile = tmp_path / "key.json"
    keyfile.write_text(json.dumps(Account.encrypt(dev_key(0), "s3cret", kdf="pbkdf2", iterations=1000)))
    out = tmp_path / "deployment.json"
    ok = cli("chain", "deploy", "--rpc", anvil.url, "--keystore", str(keyfile), "--out", str(out), "--json",
             env={"LINLI_KEYSTORE_PASSWORD": "s3cret"})
    assert ok.code == 0, ok.err
    assert json.loads(ok.out)["params"]["issuer"] == dev_signers(1)[0].address
    wrong = cli("chain", "deploy", "--rpc", anvil.url, "--keystore", str(keyfile),
                env={"LINLI_KEYSTORE_PASSWORD": "no"})
    assert wrong.code == 1 and "wrong password or corrupt file" in wrong.error_line
    unset = cli("chain", "deploy", "--rpc", anvil.url, "--keystore", str(keyfile))
    assert unset.code == 1 and "set LINLI_KEYSTORE_PASSWORD" in unset.error_line
    assert not os.environ.get("LINLI_PRIVATE_KEY")
