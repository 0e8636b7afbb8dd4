"""`linli admin`: signed uploads to a real API (`create_app` on uvicorn, as `linli serve` runs it) whose indexer
follows an Anvil node where the demo published a month. Uploads show on the read routes; a wrong key, a bad
file or a record with another hash is one error line with the server's reason and changes nothing; an API
that does not answer is one line naming its URL. Nothing is mocked."""
from __future__ import annotations

import csv
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from nacl.signing import SigningKey
from sqlalchemy import func, select

from api.main import create_app
from api.models import ImportedMember, ImportedOrder, PayoutProof, PayoutRecord, RequestNonce
from api.request_signature import sign_headers
from api.settings import Settings
from chain.connect import start_local
from chain.ledger import Ledger
from chain.nodes import free_port
from chain.rules import Rules
from chain.system import Linli
from governance.merkle import StandardMerkleTree
from governance.payout_record import SignedRecord, sign_record
from linli.demo import DemoConfig, DemoResult, run_demo

ADMIN_SEED = bytes(range(7, 39))
OTHER_SEED = bytes(range(50, 82))
KEY_ID = "ops"
PUBLIC = SigningKey(ADMIN_SEED).verify_key.encode().hex()
PERIOD = "2026-11"


@dataclass(frozen=True)
class Site:
    url: str
    app: FastAPI
    demo: DemoResult
    out: Path

    @property
    def env(self) -> dict[str, str]:
        """What an admin exports: the API's URL, the key id the server lists, the seed."""
        return {"LINLI_API_URL": self.url, "LINLI_ADMIN_KEY_ID": KEY_ID, "LINLI_ADMIN_KEY": ADMIN_SEED.hex()}

    @property
    def coop(self) -> Path:
        return self.out / "coop"

    @property
    def linli(self) -> Linli:
        return self.app.state.linli

    def get(self, path: str) -> Any:
        response = httpx.get(self.url + path, timeout=30)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
        return response.json()

    def admin_get(self, path: str) -> Any:
        """A signed read: a member's personal data is the admin's (or the member's own, after sign-in)."""
        url = self.url + path
        response = httpx.get(url, headers=sign_headers(KEY_ID, ADMIN_SEED, "GET", url), timeout=30)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
        return response.json()

    def counts(self) -> dict[str, int]:
        with self.app.state.sessions() as session:
            return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
                    for m in (ImportedMember, ImportedOrder, PayoutRecord, PayoutProof, RequestNonce)}

    def wait(self, path: str, ready: Any, timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            response = httpx.get(self.url + path, timeout=30)
            if response.status_code == 200 and ready(response.json()):
                return response.json()
            assert time.monotonic() < deadline, f"{path} not ready: {response.status_code} {response.text[:300]}"
            time.sleep(0.2)


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """`app` on uvicorn in a thread, on a free port; its base URL until the block ends."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name="admin-cli-api", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the API did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    out = tmp_path_factory.mktemp("admin-cli")
    with start_local("anvil") as chain:
        demo = run_demo(chain, DemoConfig(members=10, out_dir=out, admin_seed=ADMIN_SEED.hex()))
        settings = Settings(
            database_url=f"sqlite:///{out / 'mirror.db'}", rpc_url=chain.rpc, deployment=out / "deployment.json",
            confirmations=0, poll_seconds=0.2, admin_keys={KEY_ID: PUBLIC}, rate_limit_per_minute=1000,
            relayer_key="0x" + bytes(chain.signers[0].key).hex(),  # the deployer: it holds PUBLISHER_ROLE
        )
        app = create_app(settings)
        with serving(app) as url:
            s = Site(url, app, demo, out)
            s.wait("/distributions", lambda rows: any(r["period"] == PERIOD for r in rows))
            yield s


@pytest.fixture(autouse=True)
def _no_admin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LINLI_API_URL", "LINLI_ADMIN_KEY_ID"):
        monkeypatch.delenv(name, raising=False)


def _payee(site: Site) -> Any:
    return next(m for m in site.demo.report.members if m.payout_cents > 0)


def test_uploads_then_the_member_page_shows_the_payout(cli, site: Site) -> None:
    payee = _payee(site)
    before = site.admin_get(f"/admin/members/{payee.address}")
    assert before["payouts"] == [] and before["member_id"] is None

    run = cli("admin", "upload-members", str(site.coop / "members.csv"), env=site.env)
    assert run.code == 0, run.err
    members = site.coop / "members.csv"
    assert run.out.strip() == f"imported 10 members (10 new, 0 replaced) from {members} into {site.url}"
    run = cli("admin", "upload-orders", str(site.coop / "orders.csv"), "--json", env=site.env)
    assert run.code == 0, run.err
    orders = sum(1 for _ in csv.DictReader((site.coop / "orders.csv").open(encoding="utf-8")))
    assert json.loads(run.out) == {"kind": "orders", "rows": orders, "inserted": orders, "replaced": 0,
                                   "dry_run": False}
    run = cli("admin", "upload-record", PERIOD, str(site.demo.published.record_path), env=site.env)
    assert run.code == 0, run.err
    assert f"accepted the payout record of {PERIOD}: 10 members" in run.out
    assert site.demo.report.record_hash in run.out

    member = site.admin_get(f"/admin/members/{payee.address}")
    assert member["member_id"] == payee.member_id
    assert {"period": PERIOD, "payout_cents": payee.payout_cents} in [
        {k: p[k] for k in ("period", "payout_cents")} for p in member["payouts"]]
    assert site.get(f"/distributions/{PERIOD}")["record_available"] is True
    proof = site.admin_get(f"/admin/distributions/{PERIOD}/proofs/{payee.address}")
    assert proof["payout_cents"] == payee.payout_cents


def test_json_lines_upload_by_file_suffix(cli, site: Site, tmp_path: Path) -> None:
    rows = list(csv.DictReader((site.coop / "members.csv").open(encoding="utf-8")))
    jsonl = tmp_path / "members.jsonl"
    jsonl.write_text("".join(json.dumps({k: v or None for k, v in r.items()}) + "\n" for r in rows), encoding="utf-8")
    run = cli("admin", "upload-members", str(jsonl), "--json", env=site.env)
    assert run.code == 0, run.err
    answer = json.loads(run.out)
    assert answer["rows"] == answer["inserted"] + answer["replaced"] == len(rows) and answer["dry_run"] is False


def test_dry_run_prints_the_counts_and_changes_nothing(cli, site: Site, tmp_path: Path) -> None:
    members = site.coop / "members.csv"
    assert cli("admin", "upload-members", str(members), env=site.env).code == 0
    before = site.counts()
    more = tmp_path / "members.csv"
    more.write_text(members.read_text(encoding="utf-8") + f"m-new,0x{'ab' * 20},,2026-11-01T00:00:00+08:00\n",
                    encoding="utf-8")
    run = cli("admin", "upload-members", str(more), "--dry-run", env=site.env)
    assert run.code == 0, run.err
    assert run.out.strip() == (f"dry run: would import 11 members (1 new, 10 replaced) from {more} into {site.url}; "
                               "nothing changed")
    run = cli("admin", "upload-orders", str(site.coop / "orders.csv"), "--dry-run", "--json", env=site.env)
    assert run.code == 0, run.err
    answer = json.loads(run.out)
    assert answer["dry_run"] is True and answer["rows"] == answer["inserted"] + answer["replaced"] > 0
    after = site.counts()
    assert after.pop("request_nonces") == before.pop("request_nonces") + 2  # two signed requests, nothing else
    assert after == before


def test_wrong_key_is_one_line_with_the_reason_and_changes_nothing(cli, site: Site, tmp_path: Path) -> None:
    members = str(site.coop / "members.csv")
    other = tmp_path / "other.key"
    other.write_text(OTHER_SEED.hex() + "\n", encoding="utf-8")
    before = site.counts()

    run = cli("admin", "upload-members", members, "--admin-key-file", str(other), env=site.env)
    assert run.code == 1 and run.out == ""
    line = run.error_line
    assert line.startswith("error: POST /admin/members: 401 Unauthorized: signature does not verify with admin key "
                           f"'{KEY_ID}'"), line
    run = cli("admin", "upload-record", PERIOD, str(site.demo.published.record_path), "--key-id", "mallory",
              env=site.env)
    assert run.code == 1
    assert "403 Forbidden: key id 'mallory' is not an admin key" in run.error_line
    assert site.counts() == before


def test_bad_file_is_refused_whole(cli, site: Site, tmp_path: Path) -> None:
    bad = tmp_path / "members.csv"
    good = (site.coop / "members.csv").read_text(encoding="utf-8")
    bad.write_text(good.replace("\n", "\nm-new,0x1234,,2026-11-01T00:00:00+08:00\n", 1), encoding="utf-8")
    before = site.counts()
    run = cli("admin", "upload-members", str(bad), env=site.env)
    assert run.code == 1
    line = run.error_line
    assert "POST /admin/members: 422 Unprocessable" in line and ":2: address" in line, line
    after = site.counts()
    before.pop("request_nonces"), after.pop("request_nonces")  # signed right: only its nonce is used up
    assert after == before


def test_record_with_another_hash_is_refused(cli, site: Site, tmp_path: Path) -> None:
    content = json.loads(json.dumps(SignedRecord.load(site.demo.published.record_path).content))
    content["members"][0]["member_id"] = "someone-else"
    forged = tmp_path / "forged.json"
    sign_record(content, ADMIN_SEED).save(forged)
    run = cli("admin", "upload-record", PERIOD, str(forged), env=site.env)
    assert run.code == 1
    assert "409 Conflict: record hash 0x" in run.error_line and "differs from the hash published on chain" in run.err
    run = cli("admin", "upload-record", "2026-10", str(forged), env=site.env)
    assert run.code == 1 and "404 Not Found: 2026-10 is not published on chain" in run.error_line


def _record(site: Site, period: str) -> SignedRecord:
    """A month the demo did not publish, signed by the admin, figures as the rule book in force wants them."""
    terms = Rules(site.linli).read()
    gmv, rate = 2 * terms.gmv_target_cents, terms.pool_rate_bps
    pool = gmv * rate // 10_000
    lines = [(m.member_id, m.address, c) for m, c in zip(site.demo.report.members[:2], (pool - 1000, 1000),
                                                         strict=True)]
    tree = StandardMerkleTree.of([(a, c) for _, a, c in lines])
    return sign_record({
        "period": period, "gmv_cents": gmv, "target_cents": terms.gmv_target_cents, "pool_rate_bps": rate,
        "pool_cents": pool, "undistributed_cents": 0, "merkle_root": tree.root,
        "members": [{"member_id": mid, "address": a, "payout_cents": c, "proof": tree.proof(i)}
                    for i, (mid, a, c) in enumerate(lines)],
    }, ADMIN_SEED)


def test_publish_through_the_api(cli, site: Site, tmp_path: Path) -> None:
    record = _record(site, "2026-12")
    path = tmp_path / "payout-record-2026-12.json"
    record.save(path)
    run = cli("admin", "publish", "2026-12", str(path), "--json", env=site.env)
    assert run.code == 0, run.err
    answer = json.loads(run.out)
    assert answer["period"] == "2026-12" and answer["record_hash"] == record.record_hash and answer["members"] == 2
    assert answer["tx_hash"].startswith("0x")
    assert Ledger(site.linli).is_published("2026-12")
    site.wait("/distributions/2026-12", lambda d: d["record_available"] is True)

    run = cli("admin", "publish", "2026-12", str(path), env=site.env)
    assert run.code == 1 and "409 Conflict: 2026-12 is already published on chain" in run.error_line


def test_rate_limited_says_when_to_retry(cli, site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./deployment.json: this API serves its database only
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'limited.db'}", index=False,
                        admin_keys={KEY_ID: PUBLIC}, rate_limit_per_minute=1)
    with serving(create_app(settings)) as url:
        env = {**site.env, "LINLI_API_URL": url}
        members = str(site.coop / "members.csv")
        assert cli("admin", "upload-members", members, env=env).code == 0
        run = cli("admin", "upload-members", members, env=env)
    assert run.code == 1
    line = run.error_line
    assert "429 Too Many Requests: too many admin requests: retry in" in line and "(Retry-After: " in line, line


def test_unreachable_api_is_one_line_naming_it(cli, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    members = tmp_path / "members.csv"
    members.write_text("member_id,address,referrer_id,joined_at\n", encoding="utf-8")
    run = cli("admin", "upload-members", str(members), "--api", url, env={"LINLI_ADMIN_KEY": ADMIN_SEED.hex()})
    assert run.code == 1
    assert run.error_line == (f"error: cannot reach the Linli API at {url}: connection refused (is `linli serve` "
                              "running there? set --api or LINLI_API_URL)")


def test_public_key_is_what_the_server_lists(cli, tmp_path: Path) -> None:
    run = cli("admin", "public-key", env={"LINLI_ADMIN_KEY": "0x" + ADMIN_SEED.hex()})
    assert run.code == 0 and run.out == PUBLIC + "\n"
    assert f"LINLI_ADMIN_KEYS=admin:{PUBLIC}" in run.err
    key_file = tmp_path / "admin.key"
    key_file.write_text(ADMIN_SEED.hex(), encoding="utf-8")
    run = cli("admin", "public-key", "--admin-key-file", str(key_file), "--key-id", KEY_ID, "--json")
    assert run.code == 0
    assert json.loads(run.out) == {"key_id": KEY_ID, "public_key": PUBLIC, "admin_keys": f"{KEY_ID}:{PUBLIC}"}
    assert Settings.from_env({"LINLI_ADMIN_KEYS": json.loads(run.out)["admin_keys"]}).admin_keys == {KEY_ID: PUBLIC}


def test_no_admin_key_is_one_line(cli, tmp_path: Path) -> None:
    run = cli("admin", "upload-orders", str(tmp_path / "orders.csv"))
    assert run.code == 1 and "no admin key: set LINLI_ADMIN_KEY" in run.error_line
    run = cli("admin", "public-key", env={"LINLI_ADMIN_KEY": "not-hex"})
    assert run.code == 1 and "64 hex digits" in run.error_line


@pytest.mark.parametrize("command", ["upload-members", "upload-orders", "upload-record", "publish", "public-key"])
def test_help(cli, command: str) -> None:
    run = cli("admin", command, "--help")
    assert run.code == 0 and f"Usage: linli admin {command}" in run.out
