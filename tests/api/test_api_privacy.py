"""Privacy by design: without a session no route shows a member id, a payout, a commission or purchases beyond
the rules' leaderboards; Sign-In with Ethereum opens a short session that sees only its own member's data;
admins see everything through signed requests and can erase a member from the mirror. On SQLite and
PostgreSQL."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import siwe
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.member_queries import MASK
from api.request_signature import sign_headers
from api_support import MakeApp
from api_world import ADMIN_SEED, PERIOD, World
from chain.ledger import Ledger

MEMBER_IDS = {"alice": "m-alice", "bob": "m-bob", "carol": "m-carol"}
PAYOUTS = {"alice": 300_000, "bob": 150_000, "carol": 50_000}
PERSONAL_KEYS = {"member_id", "payout_cents", "commission_cents", "payouts", "achievements", "proof", "proofs"}


def _signed(method: str, target: str, body: bytes = b"") -> dict[str, str]:
    return sign_headers("ops", ADMIN_SEED, method, "http://testserver" + target, body)


def _admin(client: TestClient, method: str, target: str, body: bytes = b"") -> Any:
    return client.request(method, target, content=body or None, headers=_signed(method, target, body))


def _upload(client: TestClient, world: World) -> None:
    recent = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 3600))
    members = ("member_id,address,referrer_id,joined_at\n" + "".join(
        f"{mid},{getattr(world, name).address},{'m-alice' if name != 'alice' else ''},2026-01-05T10:00:00+08:00\n"
        for name, mid in MEMBER_IDS.items())).encode()
    orders = ("order_id,member_id,amount_cents,paid_at,status,refunded_at,product_id,group_id\n"
              f"o1,m-bob,12345,{recent},paid,,rice,\no2,m-alice,6789,{recent},paid,,rice,\n"
              f"o3,m-alice,4321,{recent},paid,,rice,\n").encode()
    for target, body in (("/admin/members", members), ("/admin/orders", orders),
                         (f"/admin/distributions/{PERIOD}/record", world.record.to_bytes())):
        response = _admin(client, "POST", target, body)
        assert response.status_code == 200, response.text


@pytest.fixture
def app_client(make_app: MakeApp, backend: str, world: World) -> Iterator[TestClient]:
    """A mirror of the world with its members, orders and payout record uploaded (each test its own copy)."""
    with TestClient(make_app(backend, rate_limit_per_minute=1000)) as client:
        _upload(client, world)
        yield client


def message(client: TestClient, account: LocalAccount, **changes: Any) -> str:
    """An EIP-4361 message for a fresh nonce, as the dashboard writes it; `changes` override its fields."""
    nonce = client.post("/auth/nonce").json()
    fields: dict[str, Any] = dict(
        domain=nonce["domain"], address=account.address, uri=nonce["uri"], version="1", chain_id=nonce["chain_id"],
        nonce=nonce["nonce"], statement="Sign in to Linli",
        issued_at=datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"))
    fields.update(changes)
    return siwe.SiweMessage(**fields).prepare_message()


def sign(account: LocalAccount, text: str) -> str:
    return account.sign_message(encode_defunct(text=text)).signature.to_0x_hex()


def sign_in(client: TestClient, account: LocalAccount, *, signer: LocalAccount | None = None, **changes: Any) -> Any:
    text = message(client, account, **changes)
    return client.post("/auth/siwe", json={"message": text, "signature": sign(signer or account, text)})


def bearer(response: Any) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- nothing personal without a session ---------------------------------------------------------------------


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", item
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")


def _public_gets(client: TestClient, world: World) -> Iterator[str]:
    """Every GET route of openapi.json outside /admin and /me, its path filled with the world's data."""
    fills = {"{period}": [PERIOD], "{proposal_id}": [str(world.executed.id), str(world.active.id)],
             "{poll_id}": ["0", "1"], "{member}": [*(getattr(world, n).address for n in MEMBER_IDS), "m-alice"],
             "{address}": [getattr(world, n).address for n in MEMBER_IDS]}
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        if "get" not in operations or path.startswith(("/admin", "/me", "/dashboard", "/docs")):
            continue
        targets = [path]
        for name, values in fills.items():
            targets = [t.replace(name, v) for t in targets for v in values] if name in path else targets
        yield from targets


def test_no_public_route_shows_a_member_id_payout_commission_or_purchases(app_client: TestClient,
                                                                         world: World) -> None:
    addresses = {getattr(world, n).address for n in MEMBER_IDS}
    sales = {12345, 6789 + 4321}
    seen = 0
    for target in _public_gets(app_client, world):
        response = app_client.get(target)
        assert response.status_code < 500, target
        text = response.text
        for member_id in MEMBER_IDS.values():
            assert member_id not in text, (target, text)
        if response.status_code != 200:
            continue
        seen += 1
        for where, value in _walk(response.json()):
            assert where.rsplit(".", 1)[-1] not in PERSONAL_KEYS, (target, where)
            if not target.startswith("/leaderboard") and isinstance(value, int):
                assert value not in set(PAYOUTS.values()) | sales, (target, where, value)
    assert seen >= 10
    for metric in ("sales", "orders", "new_customers", "points"):
        for window in ("day", "week", "month", "year"):
            board = app_client.get("/leaderboard", params={"metric": metric, "window": window}).json()
            for entry in board["entries"]:
                assert set(entry) == {"rank", "name", "value", "you"}
                assert entry["name"].startswith(MASK) and entry["name"] not in addresses and not entry["you"]
    board = app_client.get("/leaderboard", params={"metric": "sales", "window": "week"}).json()
    assert [(e["name"], e["value"]) for e in board["entries"]] == [
        (MASK + world.bob.address[-4:].lower(), 12345), (MASK + world.alice.address[-4:].lower(), 11110)]


def test_proofs_and_member_ids_need_the_members_own_session(app_client: TestClient, world: World) -> None:
    proof = app_client.get(f"/distributions/{PERIOD}/proofs/{world.alice.address}")
    assert proof.status_code == 401 and proof.json()["detail"].startswith("sign in first")
    by_id = app_client.get("/members/m-alice")
    assert by_id.status_code == 401 and "member id is personal data" in by_id.json()["detail"]
    assert app_client.get("/me").status_code == 401
    facts = app_client.get(f"/members/{world.alice.address}").json()
    assert (facts["points"], facts["voting_weight"], facts["level"]) == (600, 650, "普通")
    assert not PERSONAL_KEYS & set(facts)


# --- the public leaderboards stop where the rules do ------------------------------------------------------------


@pytest.mark.parametrize(("params", "bound"), [
    ({"limit": 11}, "size 10"), ({"limit": 500, "metric": "sales"}, "size 10"), ({"offset": 5, "limit": 6}, "size 10"),
    ({"offset": 10, "limit": 1}, "size 10"), ({"metric": "sales", "window": "all"}, "windows: day, week, month, year"),
    ({"metric": "orders", "window": "all"}, "windows: day, week, month, year"),
])
def test_leaderboard_beyond_the_rules_is_422_naming_the_bound(client: TestClient, params: dict[str, Any],
                                                               bound: str) -> None:
    response = client.get("/leaderboard", params=params)
    assert response.status_code == 422 and bound in response.json()["detail"], response.text


def test_leaderboard_within_the_rules(client: TestClient, world: World) -> None:
    board = client.get("/leaderboard", params={"limit": 2}).json()
    assert (board["size"], board["total"]) == (10, 5)
    assert [(e["rank"], e["name"], e["value"]) for e in board["entries"]] == [
        (1, MASK + world.alice.address[-4:].lower(), 600), (2, MASK + world.carol.address[-4:].lower(), 500)]
    assert [e["rank"] for e in client.get("/leaderboard", params={"limit": 2, "offset": 8}).json()["entries"]] == []
    assert [e["rank"] for e in client.get("/leaderboard", params={"offset": 2, "limit": 8}).json()["entries"]] == [
        3, 4, 5]


# --- Sign-In with Ethereum --------------------------------------------------------------------------------------


def test_sign_in_opens_a_short_session_in_an_httponly_strict_cookie(app_client: TestClient, world: World) -> None:
    response = sign_in(app_client, world.alice)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["address"] == world.alice.address and 0 < body["expires_at"] - time.time() <= 900
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=" in cookie
    me = app_client.get("/me").json()  # the cookie, as the dashboard sends it
    masked = MASK + world.alice.address[-4:].lower()
    assert (me["member_id"], me["points"], me["public_name"]) == ("m-alice", 600, masked)
    assert [(p["period"], p["payout_cents"]) for p in me["payouts"]] == [(PERIOD, 300_000)]
    siblings = [bytes.fromhex(s[2:]) for s in me["proofs"][0]["proof"]]
    assert Ledger(world.linli).verify(PERIOD, world.alice.address, 300_000, siblings)
    assert app_client.post("/auth/logout").json() == {"signed_out": True}
    assert app_client.get("/me").status_code == 401


def test_an_expiring_message_shortens_the_session(app_client: TestClient, world: World) -> None:
    soon = time.time() + 120
    body = sign_in(app_client, world.bob, expiration_time=_iso(soon)).json()
    assert body["expires_at"] == int(datetime.fromisoformat(_iso(soon).replace("Z", "+00:00")).timestamp())


@pytest.mark.parametrize(("changes", "status", "reason"), [
    ({"domain": "evil.example"}, 401, "not this server"),
    ({"uri": "https://evil.example/login"}, 401, "is not on this server"),
    ({"chain_id": 1}, 401, "for chain 1"),
    ({"expiration_time": "2020-01-01T00:00:00Z"}, 401, "has expired"),
    ({"issued_at": "2020-01-01T00:00:00Z"}, 401, "issued more than"),
    ({"issued_at": "2099-01-01T00:00:00Z"}, 401, "in the future"),
    ({"not_before": "2099-01-01T00:00:00Z"}, 401, "not valid yet"),
    ({"nonce": "abcdefgh12345678"}, 401, "nonce is unknown"),
])
def test_sign_in_refusals(app_client: TestClient, world: World, changes: dict[str, Any], status: int,
                          reason: str) -> None:
    response = sign_in(app_client, world.alice, **changes)
    assert response.status_code == status and reason in response.json()["detail"], response.text
    assert "set-cookie" not in response.headers


def test_a_replayed_message_and_another_key_are_refused(app_client: TestClient, world: World) -> None:
    text = message(app_client, world.alice)
    signed = {"message": text, "signature": sign(world.alice, text)}
    assert app_client.post("/auth/siwe", json=signed).status_code == 200
    replay = app_client.post("/auth/siwe", json=signed)
    assert replay.status_code == 401 and "already used" in replay.json()["detail"]
    forged = sign_in(app_client, world.alice, signer=world.bob)
    assert forged.status_code == 401 and f"not {world.alice.address}'s" in forged.json()["detail"]
    for bad in ({"message": "hello", "signature": sign(world.alice, "hello")},
                {"message": text + "\n", "signature": sign(world.alice, text + "\n")}):
        refused = app_client.post("/auth/siwe", json=bad)
        assert refused.status_code == 422 and "EIP-4361" in refused.json()["detail"], refused.text
    assert app_client.post("/auth/siwe", json={"message": text, "signature": "0x12"}).status_code == 422


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=st.integers(min_value=0, max_value=400), char=st.characters(blacklist_categories=("Cs",)))
def test_any_edit_of_a_signed_message_is_refused(client_for_fuzz: TestClient, world: World, at: int,
                                                 char: str) -> None:
    """Whatever one character changes, the edited text never opens a session and never errs."""
    text = message(client_for_fuzz, world.carol)
    at %= len(text)
    edited = text[:at] + char + text[at + 1:]
    response = client_for_fuzz.post("/auth/siwe", json={"message": edited, "signature": sign(world.carol, text)})
    if edited != text:
        assert response.status_code in (401, 422), response.text
        assert "\n" not in response.json()["detail"]


@pytest.fixture
def client_for_fuzz(make_app: MakeApp, backend: str) -> Iterator[TestClient]:
    with TestClient(make_app(backend, rate_limit_per_minute=10_000)) as client:
        yield client


# --- a session sees its own data only ---------------------------------------------------------------------------


def test_a_session_sees_only_its_own_member(app_client: TestClient, world: World) -> None:
    alice = bearer(sign_in(app_client, world.alice))
    app_client.cookies.clear()
    own = app_client.get(f"/distributions/{PERIOD}/proofs/{world.alice.address}", headers=alice)
    assert own.status_code == 200 and own.json()["payout_cents"] == 300_000
    other = app_client.get(f"/distributions/{PERIOD}/proofs/{world.bob.address}", headers=alice)
    assert other.status_code == 403 and "only to its own member" in other.json()["detail"]
    assert app_client.get("/members/m-alice", headers=alice).json()["address"] == world.alice.address
    for someone_else in ("m-bob", "m-nobody"):  # existing or not: the same refusal, no oracle
        refused = app_client.get(f"/members/{someone_else}", headers=alice)
        assert refused.status_code == 403 and "only by its own member" in refused.json()["detail"]
    me = app_client.get("/me", headers=alice).json()
    assert m_ids(me) == {"m-alice"} and PAYOUTS["bob"] not in [p["payout_cents"] for p in me["payouts"]]
    assert app_client.get("/me", headers={"Authorization": "Bearer forged"}).status_code == 401


def m_ids(value: Any) -> set[str]:
    return {item for _, item in _walk(value) if isinstance(item, str) and item.startswith("m-")}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=40))
def test_a_display_name_is_bounded_and_shown_on_the_boards(named_client: tuple[TestClient, dict[str, str]],
                                                          name: str) -> None:
    client, alice = named_client
    response = client.put("/me/display-name", json={"display_name": name}, headers=alice)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert "\n" not in response.json()["detail"]
        return
    shown = response.json()["public_name"]
    first = client.get("/leaderboard", params={"limit": 1}, headers=alice).json()["entries"][0]
    assert first["you"] and first["name"] == shown == (name.strip() or shown)


@pytest.fixture
def named_client(app_client: TestClient, world: World) -> tuple[TestClient, dict[str, str]]:
    headers = bearer(sign_in(app_client, world.alice))
    app_client.cookies.clear()
    return app_client, headers


def test_display_names_refused_with_one_line(named_client: tuple[TestClient, dict[str, str]]) -> None:
    client, alice = named_client
    for name, reason in (("a\u200bb", "invisible character U+200B"), ("x" * 33, "above the bound of 32"),
                         (MASK + "beef", "masked ids")):
        response = client.put("/me/display-name", json={"display_name": name}, headers=alice)
        assert response.status_code == 422 and reason in json.dumps(response.json(), ensure_ascii=False), name
    assert client.put("/me/display-name", json={"display_name": "阿丽"}).status_code == 401


# --- admins: the full board, any member, erasure ----------------------------------------------------------------


def test_admin_sees_the_full_leaderboard_and_any_member_signed(app_client: TestClient, world: World) -> None:
    assert app_client.get("/admin/leaderboard").status_code == 401
    board = _admin(app_client, "GET", "/admin/leaderboard?metric=sales&window=all&limit=500")
    assert board.status_code == 200, board.text
    assert [(e["member_id"], e["address"], e["value"]) for e in board.json()["entries"]] == [
        ("m-bob", world.bob.address, 12345), ("m-alice", world.alice.address, 11110)]
    bob = _admin(app_client, "GET", "/admin/members/m-bob").json()
    assert (bob["member_id"], bob["payouts"][0]["payout_cents"]) == ("m-bob", 150_000)
    proof = _admin(app_client, "GET", f"/admin/distributions/{PERIOD}/proofs/{world.carol.address}").json()
    assert proof["member_id"] == "m-carol" and proof["payout_cents"] == 50_000


def test_erasure_removes_the_member_from_the_mirror_not_the_chain(app_client: TestClient, world: World) -> None:
    bob = bearer(sign_in(app_client, world.bob))
    app_client.cookies.clear()
    assert app_client.put("/me/display-name", json={"display_name": "Bob"}, headers=bob).status_code == 200
    erased = _admin(app_client, "DELETE", "/admin/members/m-bob")
    assert erased.status_code == 200, erased.text
    assert erased.json() == {"member_id": "m-bob", "address": world.bob.address, "orders": 1, "payout_lines": 1,
                             "sessions": 1, "display_name": True, "referrals_unlinked": 0}
    assert app_client.get("/me", headers=bob).status_code == 401
    assert _admin(app_client, "GET", "/admin/members/m-bob").status_code == 404
    assert _admin(app_client, "GET", f"/admin/distributions/{PERIOD}/proofs/{world.bob.address}").status_code == 404
    board = _admin(app_client, "GET", "/admin/leaderboard?metric=sales&window=all").json()
    assert [e["member_id"] for e in board["entries"]] == ["m-alice"]
    assert app_client.get(f"/members/{world.bob.address}").json()["points"] == 280  # on chain, by design
    again = _admin(app_client, "DELETE", "/admin/members/m-bob")
    assert again.status_code == 404 and again.json()["detail"] == "no member with id 'm-bob' in the mirror"
    referrer = _admin(app_client, "DELETE", "/admin/members/m-alice").json()
    assert referrer["referrals_unlinked"] == 1  # carol was invited by alice
