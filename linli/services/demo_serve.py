"""`linli demo --serve`: the demo told on a node a browser can reach, then the API and dashboard serving it.

After the story (linli.demo) a second proposal is left active (linli.services.open_proposal) with a voting
period of a day, a product poll is left open as long (linli.services.demo_poll), the API (`linli serve`'s app,
uvicorn in a thread of this process) follows the node, and the demo's members, orders and signed payout record
are uploaded as the admin would (AdminClient, RFC 9421 signed). Three members who have not voted get keystore
files under the demo's folder, so that a newcomer can import one in the browser and vote or approve products.
Dev chains only: the keys and passphrase are printed.
"""
from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr

from api.main import create_app
from api.settings import Settings
from chain.base import Chain
from chain.governor import Governance, Proposal
from chain.system import Linli
from governance.errors import BadInput, LinliError
from governance.payout_record import signing_key
from linli.demo import DemoConfig, DemoResult, Steps, demo_admin_seed, run_demo, silent
from linli.i18n import t
from linli.services.admin_client import AdminClient
from linli.services.demo_poll import OPEN_DESCRIPTION, OPEN_PRODUCTS, open_products_poll
from linli.services.dev_keystores import DEV_PASSPHRASE, write_dev_keystores
from linli.services.open_proposal import open_proposal

DEV_CHAIN_IDS = (1337, 31337)  # Ganache's and Anvil's
ADMIN_KEY_ID = "demo"
SAMPLE_MEMBERS = 3
OPEN_VOTE_S = 86_400  # the open proposal stays active a day: time to look around before voting
READY_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class Sample:
    member_id: str
    address: str
    keystore: Path


@dataclass(frozen=True, slots=True)
class Served:
    api: str
    rpc: str
    demo: DemoResult
    proposal: Proposal
    open_for_s: int  # how long the open proposal still takes ballots
    samples: tuple[Sample, ...]
    poll_id: int  # the product poll left open, over OPEN_PRODUCTS
    passphrase: str = DEV_PASSPHRASE

    @property
    def dashboard(self) -> str:
        return f"{self.api}/dashboard/"


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((host, port)) != 0


def require_dev_chain(chain: Chain) -> None:
    """`--serve` prints private keys and a passphrase: only a dev chain's, never a real network's."""
    if chain.name == "embedded":
        raise BadInput(t("demo.serve.embedded"))
    if chain.chain_id not in DEV_CHAIN_IDS:
        raise BadInput(t("demo.serve.not_dev", chain_id=chain.chain_id))


@contextmanager
def served_demo(chain: Chain, config: DemoConfig, *, host: str, port: int, steps: Steps = silent) -> Iterator[Served]:
    """Tell the demo on `chain`, leave a vote open, serve and fill the API; the server stops on exit."""
    require_dev_chain(chain)
    if not port_free(host, port):
        raise BadInput(t("demo.serve.port_taken", host=host, port=port))
    out = Path(config.out_dir) if config.out_dir else Path(tempfile.mkdtemp(prefix="linli-dashboard-"))
    config = replace(config, out_dir=out, admin_seed=demo_admin_seed(config), voting_period_s=OPEN_VOTE_S)
    demo = run_demo(chain, config, steps=steps)
    opened = open_proposal(chain, demo, out / "coop", config.seed)
    poll_id = open_products_poll(Linli.attach(chain, demo.deployment), OPEN_PRODUCTS, OPEN_DESCRIPTION,
                                 chain.signers[0])
    chosen = dict(list(opened.voters.items())[:SAMPLE_MEMBERS])
    files = write_dev_keystores(chosen, out / "keystores")
    samples = tuple(Sample(member, key.address, files[member]) for member, key in chosen.items())
    seed = bytes(signing_key(demo_admin_seed(config)).encode())
    with tempfile.TemporaryDirectory(prefix="linli-mirror-") as mirror:  # a cache of this chain: dies with it
        settings = Settings(
            database_url=f"sqlite:///{Path(mirror) / 'mirror.db'}", rpc_url=chain.rpc,
            deployment=out / "deployment.json", confirmations=0, poll_seconds=0.5,
            admin_keys={ADMIN_KEY_ID: signing_key(seed).verify_key.encode().hex()},
            relayer_key=SecretStr(chain.signers[0].key.hex()),  # a dev key: it pays the gas of the browser's ballots
        )
        with _serving(settings, host, port) as api:
            _wait_indexed(api, demo.report.period)
            admin, coop = AdminClient(api, ADMIN_KEY_ID, seed), out / "coop"
            admin.upload_members(coop / "members.csv")
            admin.upload_orders(coop / "orders.csv")
            admin.upload_record(demo.report.period, demo.published.record_path)
            gov = Governance(Linli.attach(chain, demo.deployment))
            open_for = gov.deadline(opened.proposal.id) - chain.timestamp()
            yield Served(api, chain.rpc, demo, opened.proposal, open_for, samples, poll_id)


@contextmanager
def _serving(settings: Settings, host: str, port: int) -> Iterator[str]:
    """uvicorn in a thread of this process (so it ends with it, even killed); its base URL once it listens."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="linli-api", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise LinliError(t("demo.serve.no_start", host=host, port=port))
            time.sleep(0.05)
        yield f"http://{f'[{host}]' if ':' in host else host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _wait_indexed(api: str, period: str) -> None:
    """The record is accepted only once the API has seen its publication on chain: wait for the indexer."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client(base_url=api, timeout=10) as client:
        while time.monotonic() < deadline:
            response = client.get("/distributions")
            if response.status_code == 200 and any(row.get("period") == period for row in response.json()):
                return
            time.sleep(0.2)
    raise LinliError(t("demo.serve.not_indexed", period=period, seconds=int(READY_TIMEOUT_S)))
