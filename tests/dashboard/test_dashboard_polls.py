"""选品投票 / Product picks in Debian's Chromium on a phone-sized screen, against Anvil and a real `linli serve`
(indexing): a member imports its keystore into the browser, ticks two products by keyboard, signs ProductPoll's
EIP-712 Approval and the server relays it; the tallies update from the mirror; Python enacts the poll; the page
shows the winners and the catalogue (which poll added each product), in Chinese and in English.
Screenshots land in out/screenshots/dashboard/polls/."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from api.db import make_engine, migrate, session_factory
from api.indexer import Indexer
from api.source import ChainSource
from api_support import database, served
from chain.connect import start_local
from chain.polls import Polls
from test_api_polls import PollWorld, build, product

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("polls.mjs")
SCREENSHOTS = ROOT / "out" / "screenshots" / "dashboard" / "polls"
PASSPHRASE = "邻里 选品 42"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PollWorld]:
    with start_local("anvil") as chain:
        yield build(chain, tmp_path_factory.mktemp("polls"))


@pytest.fixture(scope="module")
def base(world: PollWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`linli serve --no-index` on a mirror this test keeps indexing beside it (as a second process would)."""
    directory = tmp_path_factory.mktemp("serve")
    with database("sqlite", directory) as url:
        engine = make_engine(url)
        migrate(engine)
        indexer = Indexer(session_factory(engine), ChainSource(world.linli), confirmations=0, window=50)
        indexer.sync()
        stop = threading.Event()
        follower = threading.Thread(target=indexer.follow, args=(engine, stop), kwargs={"poll_seconds": 0.5})
        follower.start()
        try:
            with served(url, world, directory) as server:  # type: ignore[arg-type]
                yield server.base
        finally:
            stop.set()
            follower.join(timeout=30)
            engine.dispose()


def drive(spec: dict[str, Any]) -> dict[str, Any]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["node", str(DRIVER), json.dumps(spec)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert "error" not in report, report["error"]
    assert report["console"] == []
    return report


@pytest.fixture(scope="module")
def approved(world: PollWorld, base: str) -> dict[str, Any]:
    """Bob (300 points) approves pear and plum in the open fruit poll from a browser key."""
    keystore = Account.encrypt(world.bob.key, PASSPHRASE, kdf="scrypt", iterations=2**14)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return drive({"phase": "approve", "base": base, "out": str(SCREENSHOTS), "poll": str(world.open),
                  "picks": ["pear", "plum"], "keystore": {"json": json.dumps(keystore), "passphrase": PASSPHRASE},
                  "weights": {"0x" + product("pear").hex(): "300", "0x" + product("plum").hex(): "300"}})


@pytest.fixture(scope="module")
def enacted(world: PollWorld, approved: dict[str, Any], base: str) -> dict[str, Any]:
    polls = Polls(world.linli)
    polls.advance_past_deadline(world.open)
    result = polls.enact(world.open, world.chain.signers[3])
    assert result.winners == (product("apple"),)
    world.chain.mine(1)
    return drive({"phase": "enacted", "base": base, "out": str(SCREENSHOTS), "poll": str(world.open)})


def test_the_page_is_in_the_nav_with_product_names(approved: dict[str, Any]) -> None:
    steps = approved["steps"]
    assert (steps["nav"], steps["heading"]) == ("选品投票", "选品投票")
    assert steps["labels"] == ["apple", "pear", "plum"]


def test_a_browser_key_approves_two_products_and_the_tally_updates(approved: dict[str, Any], world: PollWorld) -> None:
    steps = approved["steps"]
    assert "pear、plum" in steps["approved"]["text"] and "300" in steps["approved"]["text"]
    assert steps["approved"]["tx"].startswith("0x")
    assert Polls(world.linli).has_voted(world.open, world.bob.address)
    assert [o.weight for o in Polls(world.linli).options(world.open)] == [600, 300, 300]
    assert "参与票数 900" in steps["tally"] and steps["fits"]


def test_after_enactment_the_winners_and_catalogue_show_in_zh_and_en(enacted: dict[str, Any],
                                                                     world: PollWorld) -> None:
    zh, en = enacted["steps"]["zh"], enacted["steps"]["en"]
    assert (zh["state"], zh["winners"]) == ("已加入目录", "apple")
    assert (en["state"], en["winners"]) == ("In the catalogue", "apple")
    assert f"选品投票 #{world.open} 选出" in zh["catalogue"] and f"product poll #{world.open}" in en["catalogue"]
    assert "apple" in en["catalogue"] and "rice" in en["catalogue"] and zh["fits"] and en["fits"]
    assert all(Path(p).is_file() for p in enacted["screenshots"])
