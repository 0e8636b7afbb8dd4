"""Signed admin requests: accepted when signed right; unsigned, tampered, expired, replayed and wrong-key
requests refused with a reason and without changing anything; rate limits answer 429 with Retry-After.
Uploads report rows inserted and replaced, a dry run changes nothing, an address stays with one member id,
and deeply nested JSON (lines or records) is refused before any decoder sees it."""
from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.indexer import Indexer
from api.models import ImportedMember, ImportedOrder, PayoutProof, PayoutRecord, RequestNonce
from api.request_signature import sign_headers
from api.source import ChainSource
from chain.ledger import Ledger
from api_support import MakeApp
from governance.merkle import StandardMerkleTree
from governance.payout_record import SignedRecord, sign_record
from api_world import ADMIN_SEED, OTHER_SEED, PERIOD, World

MEMBERS = (
    "member_id,address,referrer_id,joined_at\n"
    "m-alice,{alice},,2026-01-05T10:00:00+08:00\n"
    "m-bob,{bob},m-alice,2026-02-01T09:00:00+08:00\n"
)
ORDERS = (
    "order_id,member_id,amount_cents,paid_at,status,refunded_at,product_id,group_id\n"
    "o1,m-bob,12000,{recent},paid,,rice,\n"
    "o2,m-alice,5000,{recent},paid,,rice,g1\n"
    "o3,m-alice,9000,{recent},refunded,{recent},rice,\n"
)


@pytest.fixture
def admin_client(make_app: MakeApp, backend: str) -> Iterator[TestClient]:
    with TestClient(make_app(backend, rate_limit_per_minute=1000)) as c:
        yield c


def _members_body(world: World) -> bytes:
    return MEMBERS.format(alice=world.alice.address, bob=world.bob.address).encode()


def _signed(method: str, target: str, body: bytes, seed: bytes = ADMIN_SEED, key: str = "ops", **kw: object
            ) -> dict[str, str]:
    return sign_headers(key, seed, method, "http://testserver" + target, body, **kw)  # type: ignore[arg-type]


def _get(client: TestClient, target: str) -> httpx.Response:
    """A signed admin read (member ids, payouts and full boards are for admins and the member only)."""
    return client.get(target, headers=_signed("GET", target, b""))


def _counts(client: TestClient) -> dict[str, int]:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
                for m in (ImportedMember, ImportedOrder, PayoutRecord, PayoutProof, RequestNonce)}


def test_signed_import_of_members_and_orders(admin_client: TestClient, world: World) -> None:
    body = _members_body(world)
    response = admin_client.post("/admin/members?format=csv", content=body,
                                 headers=_signed("POST", "/admin/members?format=csv", body))
    assert response.status_code == 200, response.text
    assert response.json() == {"kind": "members", "rows": 2, "inserted": 2, "replaced": 0, "dry_run": False}
    recent = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 3600))
    orders = ORDERS.format(recent=recent).encode()
    response = admin_client.post("/admin/orders", content=orders, headers=_signed("POST", "/admin/orders", orders))
    assert response.status_code == 200, response.text
    board = _get(admin_client, "/admin/leaderboard?metric=sales&window=week").json()
    assert [(e["member_id"], e["value"]) for e in board["entries"]] == [("m-bob", 12000), ("m-alice", 5000)]
    referrals = _get(admin_client, "/admin/leaderboard?metric=new_customers&window=all").json()
    assert [(e["member_id"], e["value"]) for e in referrals["entries"]] == [("m-alice", 1)]
    alice = _get(admin_client, f"/admin/members/{world.alice.address}").json()
    assert alice["member_id"] == "m-alice" and alice["achievements"] == [{"kind": "first_order", "count": 1}]
    assert _get(admin_client, "/admin/members/m-alice").json() == alice  # by member id as well as by address


def test_a_file_with_a_bad_row_changes_nothing(admin_client: TestClient, world: World) -> None:
    body = _members_body(world) + b"m-x,not-an-address,,2026-01-01T00:00:00+08:00\n"
    before = _counts(admin_client)
    response = admin_client.post("/admin/members", content=body, headers=_signed("POST", "/admin/members", body))
    assert response.status_code == 422 and ":4: address" in response.json()["detail"]
    after = _counts(admin_client)
    assert after["imported_members"] == before["imported_members"] == 0


def _refused(client: TestClient, headers: dict[str, str], body: bytes, status: int, reason: str,
             target: str = "/admin/members") -> None:
    before = _counts(client)
    response = client.post(target, content=body, headers=headers)
    assert response.status_code == status, response.text
    assert reason in response.json()["detail"]
    after = _counts(client)
    if status not in (401, 403, 429):  # authenticated, refused for its content: only the nonce is used up
        before.pop("request_nonces"), after.pop("request_nonces")
    assert after == before


def test_unsigned_request_refused(admin_client: TestClient, world: World) -> None:
    _refused(admin_client, {}, _members_body(world), 401, "unsigned request")


def test_tampered_body_refused(admin_client: TestClient, world: World) -> None:
    body = _members_body(world)
    headers = _signed("POST", "/admin/members", body)
    _refused(admin_client, headers, body.replace(b"m-bob", b"m-eve"), 401, "Content-Digest does not match")


def test_tampered_digest_and_body_refused(admin_client: TestClient, world: World) -> None:
    body = _members_body(world)
    other = body.replace(b"m-bob", b"m-eve")
    headers = _signed("POST", "/admin/members", body)
    headers["Content-Digest"] = _signed("POST", "/admin/members", other)["Content-Digest"]
    _refused(admin_client, headers, other, 401, "signature does not verify")


def test_tampered_path_refused(admin_client: TestClient, world: World) -> None:
    body = _members_body(world)
    _refused(admin_client, _signed("POST", "/admin/orders", body), body, 401, "signature does not verify")


def test_expired_and_future_requests_refused(admin_client: TestClient, world: World) -> None:
    body = _members_body(world)
    old = _signed("POST", "/admin/members", body, created=int(time.time()) - 301)
    _refused(admin_client, old, body, 401, "expired or clock skew")
    future = _signed("POST", "/admin/members", body, created=int(time.time()) + 400)
    _refused(admin_client, future, body, 401, "expired or clock skew")


def test_replayed_request_refused(admin_client: TestClient, world: World) -> None:
    body = _members_body(world)
    headers = _signed("POST", "/admin/members", body)
    assert admin_client.post("/admin/members", content=body, headers=headers).status_code == 200
    _refused(admin_client, headers, body, 401, "nonce already used")


def test_wrong_key_refused(admin_client: TestClient, world: World) -> None:
    body = _members_body(world)
    _refused(admin_client, _signed("POST", "/admin/members", body, seed=OTHER_SEED), body, 401,
             "signature does not verify")
    _refused(admin_client, _signed("POST", "/admin/members", body, key="mallory"), body, 403, "not an admin key")


def test_rate_limit_answers_429_with_retry_after(make_app: MakeApp, backend: str) -> None:
    with TestClient(make_app(backend, synced=False, rate_limit_per_minute=2)) as client:
        codes = [client.post("/admin/members", content=b"").status_code for _ in range(3)]
        assert codes == [401, 401, 429]
        response = client.post("/admin/members", content=b"")
        assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1


def test_payout_record_upload_then_proofs(admin_client: TestClient, world: World) -> None:
    body = world.record.to_bytes()
    target = f"/admin/distributions/{PERIOD}/record"
    response = admin_client.post(target, content=body, headers=_signed("POST", target, body))
    assert response.status_code == 200, response.text
    assert response.json() == {"period": PERIOD, "record_hash": world.record.record_hash, "members": 3}
    proof = _get(admin_client, f"/admin/distributions/{PERIOD}/proofs/{world.alice.address.lower()}").json()
    assert proof["payout_cents"] == 300_000
    siblings = [bytes.fromhex(p[2:]) for p in proof["proof"]]
    assert Ledger(world.linli).verify(PERIOD, world.alice.address, 300_000, siblings)
    assert admin_client.get(f"/distributions/{PERIOD}").json()["record_available"] is True
    assert _get(admin_client, f"/admin/distributions/{PERIOD}/proofs/{world.dave.address}").status_code == 404


def test_payout_record_with_another_hash_refused(admin_client: TestClient, world: World) -> None:
    content = dict(world.record.content)
    content["members"] = [dict(m) for m in content["members"]]
    content["members"][0]["member_id"] = "m-someone-else"
    forged = sign_record(content, ADMIN_SEED).to_bytes()
    target = f"/admin/distributions/{PERIOD}/record"
    _refused(admin_client, _signed("POST", target, forged), forged, 409, "differs from the hash published on chain",
             target=target)
    unsigned_by_admin = sign_record(world.record.content, OTHER_SEED).to_bytes()
    _refused(admin_client, _signed("POST", target, unsigned_by_admin), unsigned_by_admin, 422, "not an admin key",
             target=target)
    target = "/admin/distributions/2026-09/record"
    body = world.record.to_bytes()
    _refused(admin_client, _signed("POST", target, body), body, 404, "not published on chain", target=target)


def test_publish_a_signed_record_then_serve_its_proofs(make_app: MakeApp, backend: str, world: World) -> None:
    """The API's key is the deployer's here (PUBLISHER_ROLE); the chain is restored afterwards."""
    record = _next_month_record(world)
    target, body = "/admin/distributions/2026-11/publish", record.to_bytes()
    snapshot = world.chain.snapshot()
    try:
        app = make_app(backend, relayer_key="0x" + bytes(world.chain.signers[0].key).hex(), linli=world.linli)
        with TestClient(app) as client:
            response = client.post(target, content=body, headers=_signed("POST", target, body))
            assert response.status_code == 200, response.text
            assert Ledger(world.linli).is_published("2026-11")
            again = client.post(target, content=body, headers=_signed("POST", target, body))
            assert again.status_code == 409 and "already published" in again.json()["detail"]
            Indexer(app.state.sessions, ChainSource(world.linli), confirmations=0).sync()
            proof = _get(client, f"/admin/distributions/2026-11/proofs/{world.bob.address}").json()
            assert proof["payout_cents"] == 100_000 and proof["record_hash"] == record.record_hash
    finally:
        world.chain.revert(snapshot)
        world.chain.nonces.forget()


def test_publish_refused_by_the_ledger_changes_nothing(make_app: MakeApp, backend: str, world: World) -> None:
    """A record consistent in itself at 3% while the rule book in force says 2.5%: the chain refuses it."""
    body = _next_month_record(world, rate_bps=300).to_bytes()
    target = "/admin/distributions/2026-11/publish"
    app = make_app(backend, relayer_key="0x" + bytes(world.chain.signers[0].key).hex(), linli=world.linli)
    with TestClient(app) as client:
        _refused(client, _signed("POST", target, body), body, 409, "PayoutLedgerPoolMismatch", target=target)
        empty = dict(_next_month_record(world).content, members=[])
        body = sign_record(empty, ADMIN_SEED).to_bytes()
        _refused(client, _signed("POST", target, body), body, 422, "no members", target=target)
    assert not Ledger(world.linli).is_published("2026-11")


def _next_month_record(world: World, rate_bps: int = 250) -> SignedRecord:
    gmv = 16_000_000
    pool = gmv * rate_bps // 10_000
    lines = [("m-alice", world.alice.address, pool - 100_000), ("m-bob", world.bob.address, 100_000)]
    tree = StandardMerkleTree.of([(a, c) for _, a, c in lines])
    content = {"period": "2026-11", "gmv_cents": gmv, "target_cents": 10_000_000, "pool_rate_bps": rate_bps,
               "pool_cents": pool, "undistributed_cents": 0, "merkle_root": tree.root,
               "members": [{"member_id": m, "address": a, "payout_cents": c, "proof": tree.proof(i)}
                           for i, (m, a, c) in enumerate(lines)]}
    return sign_record(content, ADMIN_SEED)


def _dump(client: TestClient) -> dict[str, list[tuple[object, ...]]]:
    """Every imported row, sorted: equal dumps mean an upload changed nothing."""
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        dump = {}
        for model in (ImportedMember, ImportedOrder):
            table = model.__table__
            dump[table.name] = sorted(tuple(r) for r in session.execute(select(*table.columns)))
        return dump


def _upload(client: TestClient, route: str, body: bytes, query: str = "") -> tuple[int, dict[str, object]]:
    target = route + query
    response = client.post(target, content=body, headers=_signed("POST", target, body))
    return response.status_code, response.json()


def test_uploads_count_inserted_and_replaced_rows(admin_client: TestClient, world: World) -> None:
    members = _members_body(world)
    assert _upload(admin_client, "/admin/members", members)[1] == {
        "kind": "members", "rows": 2, "inserted": 2, "replaced": 0, "dry_run": False}
    carol = f"m-carol,{world.carol.address},m-alice,2026-03-01T09:00:00+08:00\n".encode()
    assert _upload(admin_client, "/admin/members", members + carol)[1] == {
        "kind": "members", "rows": 3, "inserted": 1, "replaced": 2, "dry_run": False}
    recent = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 3600))
    orders = ORDERS.format(recent=recent).encode()
    assert _upload(admin_client, "/admin/orders", orders)[1]["inserted"] == 3
    changed = orders.replace(b"o1,m-bob,12000", b"o1,m-bob,13000") + f"o4,m-carol,700,{recent},paid,,rice,\n".encode()
    assert _upload(admin_client, "/admin/orders", changed)[1] == {
        "kind": "orders", "rows": 4, "inserted": 1, "replaced": 3, "dry_run": False}
    with admin_client.app.state.sessions() as session:  # type: ignore[attr-defined]
        assert session.get(ImportedOrder, "o1").amount_cents == 13000


def test_dry_run_reports_the_counts_and_changes_nothing(admin_client: TestClient, world: World) -> None:
    members = _members_body(world)
    assert _upload(admin_client, "/admin/members", members, "?dry_run=true") == (200, {
        "kind": "members", "rows": 2, "inserted": 2, "replaced": 0, "dry_run": True})
    assert _dump(admin_client) == {"imported_members": [], "imported_orders": []}
    _upload(admin_client, "/admin/members", members)
    recent = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 3600))
    orders = ORDERS.format(recent=recent).encode()
    _upload(admin_client, "/admin/orders", orders)
    before = _dump(admin_client)
    more = orders.replace(b"12000", b"1") + f"o9,m-bob,700,{recent},paid,,rice,\n".encode()
    assert _upload(admin_client, "/admin/orders", more, "?dry_run=true")[1] == {
        "kind": "orders", "rows": 4, "inserted": 1, "replaced": 3, "dry_run": True}
    renamed = members.replace(b"2026-01-05T10:00:00", b"2026-01-04T10:00:00")
    assert _upload(admin_client, "/admin/members", renamed, "?dry_run=true")[1]["replaced"] == 2
    assert _dump(admin_client) == before


def test_an_address_held_by_another_member_id_is_refused(admin_client: TestClient, world: World) -> None:
    assert _upload(admin_client, "/admin/members", _members_body(world))[0] == 200
    before = _dump(admin_client)
    thief = (f"member_id,address,referrer_id,joined_at\n"
             f"m-carol,{world.carol.address},,2026-03-01T09:00:00+08:00\n"
             f"m-mallory,{world.bob.address},,2026-03-01T09:00:00+08:00\n").encode()
    status, answer = _upload(admin_client, "/admin/members", thief)
    assert status == 422, answer
    assert answer["detail"] == (f"members row 2 (member_id 'm-mallory'): address {world.bob.address} already "
                                "belongs to member_id 'm-bob'; an address stays with one member id")
    status, answer = _upload(admin_client, "/admin/members", thief, "?dry_run=true")
    assert status == 422 and "'m-mallory'" in answer["detail"] and "'m-bob'" in answer["detail"]
    twice = (f"member_id,address,referrer_id,joined_at\n"
             f"m-carol,{world.carol.address},,2026-03-01T09:00:00+08:00\n"
             f"m-carla,{world.carol.address},,2026-03-02T09:00:00+08:00\n").encode()
    status, answer = _upload(admin_client, "/admin/members", twice)
    assert status == 422 and ":3: address" in answer["detail"], answer
    assert "member 'm-carla' already belongs to member 'm-carol'" in answer["detail"]
    assert _dump(admin_client) == before


def test_deeply_nested_json_is_refused_before_decoding(admin_client: TestClient, world: World) -> None:
    """[ x 100,000 once overflowed the C stack (py_ecc's recursion limit): now a 422 naming the bound."""
    _upload(admin_client, "/admin/members", _members_body(world))
    deep = b"[" * 100_000 + b"]" * 100_000
    line = b'{"order_id": "o1", "member_id": "m-bob", "amount_cents": 1, "paid_at": "2026-11-01T00:00:00Z", ' \
           b'"status": "paid", "product_id": "rice"}\n'
    status, answer = _upload(admin_client, "/admin/orders", line + deep + b"\n", "?format=jsonl")
    assert status == 422
    assert answer["detail"] == "orders line 2: nested deeper than 64 levels (refused before decoding)"
    target = f"/admin/distributions/{PERIOD}/record"
    response = admin_client.post(target, content=deep, headers={**_signed("POST", target, deep),
                                                                 "Content-Type": "text/plain"})
    assert response.status_code == 422 and "payout record: nested deeper than 64" in response.json()["detail"]
    ballot = b"[" * 8_000 + b"]" * 8_000  # under the relay's 16 KiB body limit
    for headers in ({"Content-Type": "application/json"}, {}):
        response = admin_client.post("/votes/relay", content=ballot, headers=headers)
        assert response.status_code == 422, response.text
        assert response.json()["detail"] == ("request body (LINLI_MAX_JSON_DEPTH=64): nested deeper than 64 levels "
                                             "(refused before decoding)")
    assert _dump(admin_client)["imported_orders"] == []
    assert admin_client.get("/status").status_code == 200
