"""The dashboard's stage (a plain module, not a conftest: tests/api and tests/cli import names from
`conftest`, which must stay theirs): an Anvil node started by the chain adapter, the demo story told on it, then
a second proposal left open (one vote cast, one signed ballot kept for the browser to hand to the relayer), the API
(`create_app`, as `linli serve` makes it) on a free port with its indexer following that node, and the demo's
members, orders and signed payout record uploaded through the signed admin routes, as an admin would."""
from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from eth_account import Account
from nacl.signing import SigningKey

from api.main import create_app
from api.settings import Settings
from api.request_signature import sign_headers
from chain.connect import start_local
from chain.nodes import free_port
from linli.demo import DemoConfig, DemoResult, run_demo
from linli.services.demo_members import give_members_keys
from linli.services.open_proposal import OPEN_PROPOSAL, open_proposal

ADMIN_KEY_ID = "demo"
ADMIN_SEED = bytes(range(32))  # a test key: it signs the payout record and the uploads
CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Site:
    base: str
    demo: DemoResult
    month: dict[str, Any]  # the month report the demo wrote (members with payouts and proofs)
    ballot: dict[str, Any]  # a signed AGAINST ballot on the open proposal, not yet relayed
    open_proposal: str = OPEN_PROPOSAL
    # member id -> private key (hex) of the members who have not voted on the open proposal, by points
    member_keys: dict[str, str] = field(default_factory=dict)
    # member id -> private key (hex) of every member: a member signs in with it to see their own payout
    keys: dict[str, str] = field(default_factory=dict)


def yuan(cents: int) -> str:
    """An amount in cents as the dashboard writes it (¥1,234.56)."""
    return f"¥{cents / 100:,.2f}"


def short(address: str) -> str:
    """An address as the dashboard shortens it (0x1234…abcd)."""
    return f"{address[:6]}…{address[-4:]}"


def masked(address: str) -> str:
    """The leaderboards' name for a member without a display name: 邻居· and the address's last 4 hex digits."""
    return f"邻居·{address[-4:].lower()}"


def screenshots(name: str) -> Path:
    """out/screenshots/dashboard/<name> (the top folder for ""), emptied of the last run's screenshots."""
    folder = ROOT / "out" / "screenshots" / "dashboard" / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


def light_keystore(key: str, passphrase: str) -> str:
    """A v3 keystore of `key` (what `linli --keystore` reads), with a light scrypt for test speed."""
    return json.dumps(Account.encrypt(key, passphrase, kdf="scrypt", iterations=2**14))


def run_driver(driver: Path, spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    """The JSON report a node driver prints for `spec`; fails the test with the driver's own error if it had one."""
    done = subprocess.run(["node", str(driver), json.dumps(spec)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert "error" not in report, report["error"]
    return report


def _upload(client: httpx.Client, target: str, body: bytes, content_type: str) -> None:
    url = str(client.base_url.join(target))
    headers = {**sign_headers(ADMIN_KEY_ID, ADMIN_SEED, "POST", url, body), "content-type": content_type}
    response = client.post(target, content=body, headers=headers)
    assert response.status_code == 200, f"{target}: {response.status_code} {response.text}"


def _wait(client: httpx.Client, path: str, ready: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(path)
        if response.status_code == 200 and ready(response.json()):
            return
        time.sleep(0.2)
    raise AssertionError(f"{path} not ready after {timeout:.0f} s: {response.status_code} {response.text[:300]}")


@contextmanager
def stage(out: Path) -> Iterator[Site]:
    """Everything above, its files under `out`; the server and the node stop on exit."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run toolchain/bootstrap_browser.sh (as root)")
    public = SigningKey(ADMIN_SEED).verify_key.encode().hex()
    with start_local("anvil") as chain:
        config = DemoConfig(members=30, out_dir=out, admin_seed=ADMIN_SEED.hex())
        demo = run_demo(chain, config)
        opened = open_proposal(chain, demo, out / "coop", config.seed)
        ballot = opened.ballot.to_json()
        member_keys = {member: key.key.hex() for member, key in opened.voters.items()}
        # the demo gave these keys already: the same seed derives them again and rewrites members.csv unchanged
        keys = {member: key.key.hex() for member, key in give_members_keys(out / "coop" / "members.csv",
                                                                             config.seed).items()}
        settings = Settings(
            database_url=f"sqlite:///{out / 'mirror.db'}", rpc_url=chain.rpc, deployment=out / "deployment.json",
            confirmations=0, poll_seconds=0.2, admin_keys={ADMIN_KEY_ID: public},
            relayer_key=chain.signers[0].key.hex(),  # a dev key: the relayer pays for the browser's ballot
        )
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, name="dashboard-api", daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while not server.started:
                assert thread.is_alive() and time.monotonic() < deadline, "the API did not start"
                time.sleep(0.05)
            with httpx.Client(base_url=base, timeout=30) as client:
                period = demo.report.period
                _wait(client, "/distributions", lambda rows: any(r["period"] == period for r in rows))
                _wait(client, "/proposals", lambda rows: {r["state"] for r in rows} == {"executed", "active"})
                coop = out / "coop"
                _upload(client, "/admin/members", (coop / "members.csv").read_bytes(), "text/csv")
                _upload(client, "/admin/orders", (coop / "orders.csv").read_bytes(), "text/csv")
                _upload(client, f"/admin/distributions/{period}/record", demo.published.record_path.read_bytes(),
                        "application/json")
            yield Site(base, demo, json.loads(demo.published.report_path.read_text(encoding="utf-8")), ballot,
                       member_keys=member_keys, keys=keys)
        finally:
            server.should_exit = True
            thread.join(timeout=30)
