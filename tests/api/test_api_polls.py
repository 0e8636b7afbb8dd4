"""Product polls in the API, on a small chain world of their own (the shared one keeps its catalogue): the mirror
of poll events (polls, tallies, approvals, enactment, the products a poll listed, the poll quorum as a
parameter change), rebuilt the same from the event log and rolled back across a reorg; GET /polls, GET
/polls/{id}, GET /products; POST /polls/relay accepted, and refused with its status and without gas (the
relayer's balance and nonce unchanged); unknown fields and every bound a 422. SQLite and PostgreSQL."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from api.db import make_engine, migrate, session_factory
from api.indexer import Indexer
from api.main import create_app
from api.models import ParameterChange, Poll
from api.poll_queries import PollState, outcome
from api.source import ChainSource
from api_support import BACKENDS, database, mirror_dump, settings_for
from chain.base import Chain
from chain.connect import start_local
from chain.deploy import deploy_linli
from chain.polls import Candidate, Polls, SignedApproval, approval_message
from chain.points import Award, Points, evidence_id
from chain.rpc import RpcChain
from chain.system import Linli

NAMES = ("rice", "tea", "oil")
PROJECTED = ("polls", "poll_options", "poll_approvals", "products", "parameter_changes")
FRUIT = ("apple", "pear", "plum")


def product(name: str) -> bytes:
    return name.encode().ljust(32, b"\0")


def candidates(names: tuple[str, ...]) -> list[Candidate]:
    return [Candidate(product(n), bytes([i + 1]) * 32) for i, n in enumerate(names)]


def hexed(raw: bytes) -> str:
    return "0x" + raw.hex()


@dataclass
class PollWorld:
    chain: Chain
    linli: Linli
    relayer: Linli
    deployment: Path
    alice: LocalAccount
    bob: LocalAccount
    carol: LocalAccount  # points, no ether: approves only through the relay
    enacted: int  # rice and tea won and were listed
    open: int  # fruit, active; alice approved apple


def build(chain: Chain, directory: Path) -> PollWorld:
    linli = Linli.attach(chain, deploy_linli(chain))
    path = linli.deployment.save(directory / "deployment.json")
    alice, bob, opener = chain.signers[1:4]
    carol = Account.create()
    Points(linli).award_batch([Award(m, a, evidence_id(f"p:{m}")) for m, a in
                               {alice.address: 600, bob.address: 300, carol.address: 100}.items()],
                              batch_id=evidence_id("p"))
    chain.increase_time(1)
    polls = Polls(linli)
    enacted = polls.open(candidates(NAMES), 2, "November staples", opener)
    polls.advance_to_voting(enacted)
    polls.approve(enacted, [product("rice"), product("tea")], alice)
    polls.approve(enacted, [product("tea")], bob)
    polls.advance_past_deadline(enacted)
    polls.enact(enacted, opener)
    opened = polls.open(candidates(FRUIT), 1, "December fruit", opener)
    polls.advance_to_voting(opened)
    polls.approve(opened, [product("apple")], alice)
    relayer = Linli.attach(RpcChain(chain.rpc, [chain.signers[6]], name="relayer"), linli.deployment)
    return PollWorld(chain, linli, relayer, path, alice, bob, carol, enacted, opened)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PollWorld]:
    with start_local("anvil") as chain:
        yield build(chain, tmp_path_factory.mktemp("polls"))


def indexer(url: str, world: PollWorld) -> Indexer:
    engine = make_engine(url)
    migrate(engine)
    return Indexer(session_factory(engine), ChainSource(world.linli), confirmations=0, window=50)


@pytest.fixture(params=BACKENDS)
def app_client(request: pytest.FixtureRequest, world: PollWorld,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client on a fresh mirror of the world; the chain is restored afterwards."""
    snapshot = world.chain.snapshot()
    with ExitStack() as stack:
        url = stack.enter_context(database(request.param, tmp_path_factory.mktemp("db")))
        indexer(url, world).sync()
        key = "0x" + bytes(world.relayer.chain.signers[0].key).hex()
        app = create_app(settings_for(url, world, relayer_key=key), linli=world.relayer)  # type: ignore[arg-type]
        stack.callback(app.state.engine.dispose)
        with TestClient(app) as client:
            yield client
    world.chain.revert(snapshot)
    world.relayer.chain.nonces.forget()


def resync(client: TestClient, world: PollWorld) -> None:
    Indexer(client.app.state.sessions, ChainSource(world.linli), confirmations=0).sync()  # type: ignore[attr-defined]


def options(body: dict[str, Any]) -> list[tuple[str | None, int]]:
    return [(o["name"], o["weight"]) for o in body["options"]]


# --- reads ------------------------------------------------------------------------------------------------


def test_polls_are_listed_newest_first_and_paged(app_client: TestClient, world: PollWorld) -> None:
    listed = app_client.get("/polls")
    assert listed.status_code == 200 and listed.headers["X-Total-Count"] == "2"
    assert [p["id"] for p in listed.json()] == [str(world.open), str(world.enacted)]
    page = app_client.get("/polls", params={"limit": 1, "offset": 1})
    assert [p["id"] for p in page.json()] == [str(world.enacted)] and page.headers["X-Total-Count"] == "2"


def test_an_enacted_poll_shows_its_tallies_winners_and_quorum(app_client: TestClient, world: PollWorld) -> None:
    body = app_client.get(f"/polls/{world.enacted}").json()
    view = Polls(world.linli).read(world.enacted)
    assert body["state"] == "enacted" and body["enacted"] is True and body["added"] == 2
    assert options(body) == [("rice", 600), ("tea", 900), ("oil", 0)]
    assert body["winners"] == [hexed(product("tea")), hexed(product("rice"))] == [hexed(w) for w in view.winners]
    assert (body["quorum"], body["turnout"], body["top_n"]) == (view.quorum, view.turnout, 2) == (100, 900, 2)
    assert [o["metadata_hash"] for o in body["options"]] == [hexed(c.metadata_hash) for c in candidates(NAMES)]
    assert body["description"] == "November staples" and body["enacted_tx"].startswith("0x")


def test_an_open_poll_is_active_with_live_tallies_and_no_winners(app_client: TestClient, world: PollWorld) -> None:
    body = app_client.get(f"/polls/{world.open}").json()
    assert (body["state"], body["winners"], body["enacted"], body["added"]) == ("active", [], False, None)
    assert options(body) == [("apple", 600), ("pear", 0), ("plum", 0)]
    view = Polls(world.linli).read(world.open)
    assert (body["snapshot"], body["deadline"], body["quorum"]) == (view.snapshot, view.deadline, view.quorum)
    approvals = app_client.get(f"/polls/{world.open}/approvals").json()
    assert [(a["voter"], a["selection"], a["weight"]) for a in approvals] == [(world.alice.address, "1", 600)]


def test_products_say_which_poll_listed_them(app_client: TestClient, world: PollWorld) -> None:
    products = {p["name"]: p for p in app_client.get("/products").json()}
    assert set(products) == {"rice", "tea"}
    assert {p["added_by_poll"] for p in products.values()} == {str(world.enacted)}


def test_the_poll_quorum_is_a_parameter_change(app_client: TestClient) -> None:
    with app_client.app.state.sessions() as session:  # type: ignore[attr-defined]
        changes = session.scalars(select(ParameterChange).where(ParameterChange.key == "poll_quorum_numerator")).all()
    assert [(c.contract, c.new) for c in changes] == [("ProductPoll", 10)]


@pytest.mark.parametrize("path", ["/polls/99", "/polls/" + str(2**256 - 1)])
def test_unknown_polls_are_404(app_client: TestClient, path: str) -> None:
    assert app_client.get(path).status_code == 404
    assert app_client.get(path + "/approvals").status_code == 404


@pytest.mark.parametrize("path", ["/polls/" + str(2**256), "/polls/-1", "/polls/x", "/polls/" + "9" * 79,
                                  "/polls?limit=0", "/polls?limit=501", "/polls?offset=-1"])
def test_out_of_bound_reads_are_422(app_client: TestClient, path: str) -> None:
    response = app_client.get(path)
    assert response.status_code == 422 and "Traceback" not in response.text


# --- the relay ------------------------------------------------------------------------------------------


def relayer_purse(world: PollWorld) -> tuple[int, int]:
    address = world.relayer.chain.signers[0].address
    eth = world.chain.w3.eth
    return eth.get_balance(address), eth.get_transaction_count(address)


def signed(world: PollWorld, poll_id: int, names: list[str], voter: LocalAccount) -> dict[str, Any]:
    return Polls(world.linli).sign_approval(poll_id, [product(n) for n in names], voter).to_json()


def forged(world: PollWorld, poll_id: int, selection: int, voter: LocalAccount, nonce: int = 0) -> dict[str, Any]:
    """An approval signed over any selection and nonce, as no honest client would build it."""
    message = approval_message(Polls(world.linli).domain(), poll_id, selection, voter.address, nonce)
    signature = bytes(voter.sign_message(message).signature)
    return SignedApproval(poll_id, selection, voter.address, nonce, signature).to_json()


def test_a_relayed_approval_is_counted_and_mirrored(app_client: TestClient, world: PollWorld) -> None:
    response = app_client.post("/polls/relay", json=signed(world, world.open, ["pear", "plum"], world.carol))
    assert response.status_code == 200, response.text
    assert response.json() | {"tx_hash": ""} == {"tx_hash": "", "voter": world.carol.address,
                                                 "poll_id": str(world.open), "selection": "6", "weight": 100}
    resync(app_client, world)
    body = app_client.get(f"/polls/{world.open}").json()
    assert options(body) == [("apple", 600), ("pear", 100), ("plum", 100)] and body["turnout"] == 700


def refused(client: TestClient, world: PollWorld, body: dict[str, Any], status: int, words: str) -> None:
    before = relayer_purse(world)
    response = client.post("/polls/relay", json=body)
    assert response.status_code == status, response.text
    assert words in str(response.json()["detail"])
    assert relayer_purse(world) == before  # no gas, no nonce spent on a refusal


def test_refusals_cost_the_relayer_nothing(app_client: TestClient, world: PollWorld) -> None:
    stranger = Account.create()
    refused(app_client, world, signed(world, world.open, ["apple"], world.alice), 409, "already approved")
    refused(app_client, world, signed(world, world.enacted, ["oil"], world.carol), 409, "not active")
    refused(app_client, world, forged(world, 99, 1, world.carol), 404, "no poll 99")
    refused(app_client, world, signed(world, world.open, ["pear"], stranger), 403, "no points")
    refused(app_client, world, forged(world, world.open, 0b1000, world.carol), 422, "lacks")
    refused(app_client, world, forged(world, world.open, 1, world.carol, nonce=5), 422, "current ProductPoll nonce 0")
    other = {**signed(world, world.open, ["pear"], world.carol), "voter": world.bob.address}
    refused(app_client, world, other, 422, f"names voter {world.bob.address} but is signed by")
    refused(app_client, world, {**other, "signature": "0x12"}, 422, "65 bytes")


def test_a_replayed_approval_is_409_and_free(app_client: TestClient, world: PollWorld) -> None:
    body = signed(world, world.open, ["plum"], world.carol)
    assert app_client.post("/polls/relay", json=body).status_code == 200
    refused(app_client, world, body, 409, "already approved")


MALFORMED = {
    "unknown field": (lambda b: {**b, "selections": "1"}, "Extra inputs are not permitted"),
    "missing field": (lambda b: {k: v for k, v in b.items() if k != "nonce"}, "nonce"),
    "selection 0": (lambda b: {**b, "selection": "0"}, "at least one candidate"),
    "selection 2^64": (lambda b: {**b, "selection": str(2**64)}, "18446744073709551615"),
    "selection of 21 digits": (lambda b: {**b, "selection": "1" * 21}, "pattern"),
    "poll id 2^256": (lambda b: {**b, "poll_id": str(2**256)}, "2^256-1"),
    "negative nonce": (lambda b: {**b, "nonce": "-1"}, "pattern"),
    "signature past 1024 bytes": (lambda b: {**b, "signature": "0x" + "ab" * 1025}, "pattern"),
    "odd hex signature": (lambda b: {**b, "signature": "0x123"}, "pattern"),
    "voter not an address": (lambda b: {**b, "voter": "0x12"}, "pattern"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_approvals_are_422_before_the_chain(app_client: TestClient, world: PollWorld, case: str) -> None:
    change, words = MALFORMED[case]
    refused(app_client, world, change(signed(world, world.open, ["pear"], world.carol)), 422, words)


# --- the mirror -------------------------------------------------------------------------------------------


def test_the_projection_is_rebuilt_the_same_from_the_log(world: PollWorld, tmp_path: Path) -> None:
    with database("sqlite", tmp_path) as url:
        idx = indexer(url, world)
        idx.sync()
        engine = make_engine(url)
        first = mirror_dump(engine)
        with idx.factory.begin() as session:
            idx.replay(session)
        assert mirror_dump(engine) == first and first["polls"] and first["poll_approvals"]
        engine.dispose()


def test_a_reorg_rolls_back_approvals_and_enactments(world: PollWorld, tmp_path: Path) -> None:
    chain, polls = world.chain, Polls(world.linli)
    with database("sqlite", tmp_path) as url, database("sqlite", tmp_path) as other:
        idx = indexer(url, world)
        idx.sync()
        before = mirror_dump(make_engine(url))["poll_options"]
        snapshot = chain.snapshot()
        try:
            polls.approve(world.open, [product("plum")], world.bob)
            polls.advance_past_deadline(world.open)
            polls.enact(world.open, world.chain.signers[3])
            idx.sync()
            with idx.factory() as session:
                assert session.get(Poll, world.open).enacted_state == 4  # type: ignore[union-attr]
            chain.revert(snapshot)
            snapshot = chain.snapshot()
            assert idx.step().reorged
            chain.mine(3)  # other blocks at the same heights
            idx.sync()
            assert mirror_dump(make_engine(url))["poll_options"] == before
            with idx.factory() as session:
                assert session.get(Poll, world.open).enacted_state is None  # type: ignore[union-attr]
            fresh = indexer(other, world)
            fresh.sync()
            rolled, rebuilt = mirror_dump(make_engine(url)), mirror_dump(make_engine(other))
            assert {t: rolled[t] for t in PROJECTED} == {t: rebuilt[t] for t in PROJECTED}
        finally:
            chain.revert(snapshot)
            chain.nonces.forget()


# --- the outcome rule -------------------------------------------------------------------------------------


@given(st.lists(st.integers(0, 5), min_size=2, max_size=8), st.integers(1, 8), st.integers(0, 30))
def test_outcome_is_the_top_n_unless_tied_or_short_of_quorum(weights: list[int], top_n: int, quorum: int) -> None:
    top_n = min(top_n, len(weights))
    turnout = sum(weights)
    state, picked = outcome(weights, top_n, turnout, quorum)
    if turnout == 0 or turnout < quorum:
        assert (state, picked) == (PollState.DEFEATED, [])
        return
    if state is PollState.TIED:
        ranked = sorted(weights, reverse=True)
        assert picked == [] and ranked[top_n - 1] == ranked[top_n] > 0
        return
    assert state is PollState.SUCCEEDED and len(picked) == len(set(picked)) <= top_n
    assert all(weights[i] > 0 for i in picked)
    losers = [w for i, w in enumerate(weights) if i not in picked]
    assert all(weights[i] > max(losers, default=0) for i in picked)
    assert [weights[i] for i in picked] == sorted((weights[i] for i in picked), reverse=True)
    assert len(picked) == min(top_n, sum(1 for w in weights if w > 0))
