"""What a relayed ballot and the write routes' rate limits promise, at their exact bounds: ballot fields at and
one past their Solidity types, an EOA's signature explained in the one form OpenZeppelin's ECDSA takes, a
wallet's 0/1 v read as 27/28, a ballot signed for the wrong governor nonce refused before the relayer pays, token
buckets that never hold more than one burst (in the process and in PostgreSQL), Retry-After never 0, one bucket
per client, and the PostgreSQL nonce authority really holding its advisory lock. These kill the mutants of
scripts/mutation_python.py (area relay) that the older tests let survive."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.db import make_engine, migrate
from api.ratelimit import PostgresTokenBuckets, TokenBuckets, limited
from api.relay import advisory_key, nonce_authority
from chain.ballots import (MAX_UINT256, SECP256K1_N, BallotDomain, MalformedBallot, SignedBallot, ballot_signer,
                           ecdsa_problem, recovery_id_form, sign_ballot)
from chain.governor import Governance
from api_support import MakeApp, database
from api_world import World

VOTER = Account.from_key(b"\x07" * 32)
DOMAIN = BallotDomain("CommunityGovernor", "1", 31337, "0x" + "ab" * 20)


def _json(**change: object) -> dict[str, object]:
    return {**sign_ballot(DOMAIN, VOTER, 1, 1, 0).to_json(), **change}


@pytest.mark.parametrize("field, top", [("proposal_id", MAX_UINT256), ("nonce", MAX_UINT256), ("support", 255)])
def test_ballot_fields_at_their_bound_are_read_and_one_more_is_refused(field: str, top: int) -> None:
    assert getattr(SignedBallot.from_json(_json(**{field: str(top)})), field) == top
    with pytest.raises(MalformedBallot, match=f"{field} must be between 0 and"):
        SignedBallot.from_json(_json(**{field: str(top + 1)}))


def test_a_reason_is_read_up_to_its_bound_and_params_only_with_it() -> None:
    assert SignedBallot.from_json(_json(reason="r" * 1000, params="0x01")).reason == "r" * 1000
    with pytest.raises(MalformedBallot, match="at most 1000 characters"):
        SignedBallot.from_json(_json(reason="r" * 1001))
    with pytest.raises(MalformedBallot, match="only with a reason"):
        SignedBallot.from_json(_json(params="0x01"))


def _signature(r: int, s: int, v: int) -> bytes:
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v])


def test_a_wallets_recovery_id_has_one_ethereum_form_and_the_bounds_of_ecdsa_pass() -> None:
    assert recovery_id_form(_signature(1, 1, 0)) == _signature(1, 1, 27)
    assert recovery_id_form(_signature(1, 1, 1)) == _signature(1, 1, 28)
    assert recovery_id_form(_signature(1, 1, 27)) is None and recovery_id_form(_signature(1, 1, 0) + b"\0") is None
    assert ecdsa_problem(_signature(SECP256K1_N - 1, SECP256K1_N // 2, 28)) is None
    assert ecdsa_problem(_signature(1, 1, 27)) is None


@pytest.mark.parametrize("raw, why", [
    (_signature(1, 1, 27) + b"\x00", "65 bytes"),
    (_signature(1, 1, 0), "v must be 27 or 28"),
    (_signature(1, 1, 29), "v must be 27 or 28"),
    (_signature(0, 1, 27), "signature r"),
    (_signature(SECP256K1_N, 1, 27), "signature r"),
    (_signature(1, SECP256K1_N // 2 + 1, 27), "half the secp256k1 order"),
    (_signature(1, 0, 27), "half the secp256k1 order"),
], ids=["66 bytes", "v 0", "v 29", "r 0", "r n", "s above n/2", "s 0"])
def test_eoa_signatures_the_governor_would_refuse_are_explained(raw: bytes, why: str) -> None:
    assert why in (ecdsa_problem(raw) or "")


def test_a_signature_recovering_no_key_is_malformed() -> None:
    good = sign_ballot(DOMAIN, VOTER, 1, 1, 0)
    no_point = SignedBallot(1, 1, VOTER.address, 0, (5).to_bytes(32, "big") + good.signature[32:])
    with pytest.raises(MalformedBallot, match="recovers no key"):
        ballot_signer(DOMAIN, no_point)
    bad_v = SignedBallot(1, 1, VOTER.address, 0, good.signature[:64] + b"\x05")  # built in Python, not read
    with pytest.raises(MalformedBallot, match="recovers no key"):
        ballot_signer(DOMAIN, bad_v)


class Clock:
    """time.monotonic for the in-process buckets, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("api.ratelimit.time.monotonic", fake)
    return fake


def test_an_idle_client_gets_one_burst_and_waits_its_refill(clock: Clock) -> None:
    buckets = TokenBuckets(6)  # a token every 10 s
    assert buckets.take("c") == 0.0
    clock.now += 3600  # an hour of refill fills the bucket, and no more
    assert [buckets.take("c") for _ in range(6)] == [0.0] * 6
    assert buckets.take("c") == pytest.approx(10.0)
    clock.now += 4
    assert buckets.take("c") == pytest.approx(6.0)


def _limited_app(per_minute: int) -> FastAPI:
    app = FastAPI()
    app.state.rate_limits = TokenBuckets(per_minute)

    @app.post("/w", dependencies=[Depends(limited("writes"))])
    def write() -> dict[str, bool]:
        return {"ok": True}

    return app


def test_retry_after_is_at_least_one_second_and_each_client_has_its_bucket(clock: Clock) -> None:
    app = _limited_app(600)  # a token every 0.1 s: the wait is below a second
    with TestClient(app, client=("10.0.0.1", 1000)) as first, TestClient(app, client=("10.0.0.2", 1000)) as second:
        assert all(first.post("/w").status_code == 200 for _ in range(600))
        refused = first.post("/w")
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
        assert second.post("/w").status_code == 200


@pytest.fixture
def pg_engine(tmp_path: Path) -> Iterator[Engine]:
    with database("postgresql", tmp_path) as url:
        engine = make_engine(url)
        migrate(engine)
        yield engine
        engine.dispose()


@pytest.mark.postgres
def test_postgres_buckets_refuse_past_the_burst_and_never_exceed_it(pg_engine: Engine) -> None:
    buckets = PostgresTokenBuckets(pg_engine, 3)
    assert [buckets.take("c") for _ in range(3)] == [0.0] * 3
    assert buckets.take("c") > 0
    with pg_engine.begin() as connection:
        connection.execute(text("UPDATE rate_buckets SET updated = updated - 3600"))
    assert [buckets.take("c") for _ in range(3)] == [0.0] * 3
    assert buckets.take("c") > 0


@pytest.mark.postgres
def test_postgres_nonce_authority_holds_the_senders_advisory_lock(pg_engine: Engine) -> None:
    authority = nonce_authority(pg_engine, 31337)
    assert authority is not None
    key = advisory_key(31337, VOTER.address)
    probe = "SELECT pg_try_advisory_xact_lock(:key)"
    results: list[bool] = []

    def try_lock() -> None:
        with pg_engine.begin() as connection:
            results.append(bool(connection.execute(text(probe), {"key": key}).scalar()))

    with authority.hold(VOTER.address):
        other = threading.Thread(target=try_lock)
        other.start()
        other.join()
    try_lock()
    assert results == [False, True]


def test_a_ballot_for_another_governor_nonce_is_refused_before_sending(make_app: MakeApp, world: World) -> None:
    gov = Governance(world.linli)
    current = int(world.linli.tx.call(world.linli.governor.functions.nonces(world.dave.address)))
    ballot = sign_ballot(gov.ballot_domain(), world.dave, world.active.id, 1, current + 1)
    with TestClient(make_app("sqlite")) as client:
        response = client.post("/votes/relay", json=ballot.to_json())
    assert response.status_code == 422, response.text
    assert f"is not the voter's current governor nonce {current}" in response.json()["detail"]
    assert not gov.has_voted(world.active.id, world.dave.address)
