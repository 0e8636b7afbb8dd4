"""Every read route against a mirror of the world, on SQLite and PostgreSQL."""
from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.request_signature import sign_headers
from chain.governor import Governance
from api_world import ADMIN_SEED, PERIOD, PRODUCT, World


def test_member_has_points_weight_level_and_delegate(client: TestClient, world: World) -> None:
    alice = client.get(f"/members/{world.alice.address.lower()}").json()
    assert alice["address"] == world.alice.address
    assert (alice["points"], alice["voting_weight"], alice["level"]) == (600, 650, "普通")
    assert alice["next_level"] == {"name": "白银", "threshold": 1000}
    erin = client.get(f"/members/{world.erin.address}").json()
    assert (erin["points"], erin["voting_weight"], erin["delegate"]) == (50, 0, world.alice.address)


def test_member_points_deduct_revocations(client: TestClient, world: World) -> None:
    bob = client.get(f"/members/{world.bob.address}").json()
    assert (bob["points"], bob["growth"], bob["voting_weight"]) == (280, 280, 280)


def test_member_weight_at_a_proposal_snapshot(client: TestClient, world: World) -> None:
    bob = client.get(f"/members/{world.bob.address}", params={"proposal": str(world.executed.id)}).json()
    assert bob["voting_weight_at_snapshot"] == 280 and bob["snapshot"] > 0


def test_member_errors(client: TestClient, world: World) -> None:
    nobody = "0x" + "12" * 20
    assert client.get(f"/members/{nobody}").status_code == 404
    assert "never held points" in client.get(f"/members/{nobody}").json()["detail"]
    bad_checksum = world.alice.address[:-1] + ("a" if world.alice.address[-1] != "a" else "b")
    bad_checksum = bad_checksum[:2] + bad_checksum[2:].swapcase()
    assert client.get(f"/members/{bad_checksum}").status_code == 422
    unknown = client.get("/members/not-an-address")  # anything but an address is a member id: own session only
    assert unknown.status_code == 401 and "a member id is personal data" in unknown.json()["detail"]
    assert client.get("/members/" + "m" * 129).status_code == 422
    assert client.get(f"/members/{world.alice.address}", params={"proposal": "42"}).status_code == 404


def test_leaderboard_by_points_with_pagination(client: TestClient, world: World) -> None:
    """Masked ids, not addresses (tests/api/test_api_privacy.py has the rest of the public board's rules)."""
    board = client.get("/leaderboard", params={"limit": 2}).json()
    assert board["total"] == 5
    assert [(e["rank"], e["name"], e["value"]) for e in board["entries"]] == [
        (1, "邻居·" + world.alice.address[-4:].lower(), 600), (2, "邻居·" + world.carol.address[-4:].lower(), 500)]
    rest = client.get("/leaderboard", params={"limit": 2, "offset": 2}).json()["entries"]
    assert [e["rank"] for e in rest] == [3, 4] and rest[0]["name"] == "邻居·" + world.bob.address[-4:].lower()
    assert client.get("/leaderboard", params={"metric": "nonsense"}).status_code == 422
    assert client.get("/leaderboard", params={"limit": 0}).status_code == 422


def test_proposals_list_and_detail(client: TestClient, world: World) -> None:
    listed = client.get("/proposals")
    assert listed.headers["X-Total-Count"] == "2"
    states = {p["id"]: p["state"] for p in listed.json()}
    assert states == {str(world.executed.id): "executed", str(world.active.id): "active"}
    detail = client.get(f"/proposals/{world.executed.id}").json()
    assert (detail["for_votes"], detail["against_votes"], detail["abstain_votes"]) == (1150, 280, 0)
    gov = Governance(world.linli)
    assert detail["quorum"] == gov.quorum(gov.snapshot(world.executed.id)) == 1530 * 10 // 100
    assert [a["function"] for a in detail["actions"]] == ["setPoolRate(uint256)", "addProduct(bytes32,bytes32)"]
    assert detail["actions"][0]["arguments"] == {"rateBps": 250} and detail["actions"][0]["contract"] == "RuleBook"


def test_proposal_errors(client: TestClient) -> None:
    assert client.get("/proposals/123").status_code == 404
    assert client.get("/proposals/12x").status_code == 422
    assert client.get("/proposals/" + "9" * 78).status_code == 422
    assert client.get("/proposals/123/votes").status_code == 404


def test_votes_of_a_proposal(client: TestClient, world: World) -> None:
    votes = client.get(f"/proposals/{world.executed.id}/votes").json()
    assert [(v["voter"], v["support"], v["weight"]) for v in votes] == [
        (world.alice.address, 1, 650), (world.bob.address, 0, 280), (world.carol.address, 1, 500)]
    assert votes[0]["reason"] == "members first"
    page = client.get(f"/proposals/{world.executed.id}/votes", params={"limit": 1, "offset": 2})
    assert page.headers["X-Total-Count"] == "3" and page.json()[0]["voter"] == world.carol.address


def test_rules_and_history(client: TestClient, world: World) -> None:
    rules = client.get("/rules").json()
    assert {k: rules[k] for k in ("level1_bps", "level2_bps", "total_bps", "pool_rate_bps", "gmv_target_cents")} == {
        "level1_bps": 1000, "level2_bps": 500, "total_bps": 1500, "pool_rate_bps": 250, "gmv_target_cents": 10_000_000}
    history = client.get("/rules/history").json()
    assert len(history) == 6
    change = history[-1]
    assert (change["key"], change["old_value"], change["new_value"]) == ("pool_rate_bps", 200, 250)
    assert change["proposal_id"] == str(world.executed.id) and change["for_votes"] == 1150
    assert history[0]["proposal_id"] is None  # the constructor's initial values


def test_products(client: TestClient) -> None:
    products = client.get("/products").json()
    assert [p["product_id"] for p in products] == ["0x" + PRODUCT.hex()]
    assert products[0]["removed_block"] is None


def test_distributions(client: TestClient, world: World) -> None:
    listed = client.get("/distributions").json()
    assert [d["period"] for d in listed] == [PERIOD]
    one = client.get(f"/distributions/{PERIOD}").json()
    figures = (one["gmv_cents"], one["pool_cents"], one["pool_rate_bps"], one["member_count"])
    assert figures == (20_000_000, 500_000, 250, 3)
    assert one["record_hash"] == world.record.record_hash and one["record_available"] is False
    assert client.get("/distributions/2026-09").status_code == 404
    assert client.get("/distributions/2026-13").status_code == 422
    assert client.get("/distributions/202610").status_code == 422


def test_proof_needs_the_uploaded_record(client: TestClient, world: World) -> None:
    target = f"/admin/distributions/{PERIOD}/proofs/{world.alice.address}"
    response = client.get(target, headers=sign_headers("ops", ADMIN_SEED, "GET", "http://testserver" + target))
    assert response.status_code == 404 and "not been uploaded" in response.json()["detail"]


def test_status_and_openapi(client: TestClient, world: World) -> None:
    status = client.get("/status").json()
    assert status["chain_id"] == world.chain.chain_id and status["block_number"] >= world.linli.deployment.block
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/members/{member}", "/leaderboard", "/proposals", "/proposals/{proposal_id}",
                 "/proposals/{proposal_id}/votes", "/rules", "/rules/history", "/products", "/distributions",
                 "/distributions/{period}", "/distributions/{period}/proofs/{address}", "/votes/relay",
                 "/auth/nonce", "/auth/siwe", "/auth/logout", "/me", "/me/display-name", "/admin/leaderboard"):
        assert path in paths, path


def test_docs_load_nothing_from_elsewhere_and_the_root_leads_to_the_dashboard(client: TestClient) -> None:
    docs = client.get("/docs")
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert docs.status_code == 200 and len(assets) == 3 and "//" not in docs.text.replace("http-equiv", "")
    for asset in assets:
        assert asset.startswith("/dashboard/vendor/swagger-ui/") and client.get(asset).status_code == 200, asset
    assert client.get("/redoc").status_code == 404
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 307 and home.headers["location"] == "/dashboard/"


def test_lists_page_with_limit_and_offset(client: TestClient) -> None:
    """Every list honours ?offset and ?limit and reports the whole count (the world has one month, one
    product and six rule changes)."""
    history = client.get("/rules/history").json()
    page = client.get("/rules/history", params={"limit": 2, "offset": 3})
    assert page.headers["X-Total-Count"] == "6" and page.json() == history[3:5]
    assert client.get("/rules/history", params={"offset": 6}).json() == []
    for path, key, first in (("/distributions", "period", PERIOD), ("/products", "product_id", "0x" + PRODUCT.hex())):
        assert [item[key] for item in client.get(path, params={"limit": 1}).json()] == [first], path
        skipped = client.get(path, params={"offset": 1})
        assert skipped.headers["X-Total-Count"] == "1" and skipped.json() == [], path
        assert client.get(path, params={"offset": -1}).status_code == 422, path
        assert client.get(path, params={"limit": 501}).status_code == 422, path
