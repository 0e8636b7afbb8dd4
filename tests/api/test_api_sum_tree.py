"""The Merkle sum tree through the API: GET /distributions/{period}/record serves the public record (totals, roots,
hashes, the admin's signature; no member's line) to anyone; a signed-in member's own line carries the salt and
sum proof, which verify against the public record's sum root; nothing of either without a session. On SQLite and
PostgreSQL."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api_support import MakeApp
from api_world import PERIOD, World
from governance import record_sum
from governance.errors import VerificationError
from governance.public_record import PublicRecord, same_as, verify_public
from test_api_privacy import _upload, bearer, sign_in


@pytest.fixture
def uploaded(make_app: MakeApp, backend: str, world: World) -> Iterator[TestClient]:
    with TestClient(make_app(backend, rate_limit_per_minute=1000)) as client:
        _upload(client, world)
        yield client


def test_the_public_record_is_served_byte_for_byte_and_holds_no_line(uploaded: TestClient, world: World) -> None:
    response = uploaded.get(f"/distributions/{PERIOD}/record")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    public = PublicRecord.from_bytes(response.content)
    verify_public(public, public_key=world.record.public_key)
    same_as(public, world.record)
    assert public.content["record_hash"] == world.record.record_hash
    for m in world.record.content["members"]:
        assert m["address"].lower() not in response.text.lower() and m["member_id"] not in response.text
        assert m["salt"] not in response.text


def test_no_public_record_before_the_upload_or_for_another_month(make_app: MakeApp, backend: str) -> None:
    with TestClient(make_app(backend)) as client:
        missing = client.get(f"/distributions/{PERIOD}/record")
        assert missing.status_code == 404 and "not uploaded yet" in missing.json()["detail"]
        assert client.get("/distributions/2020-01/record").status_code == 404
        assert client.get("/distributions/2020-13/record").status_code == 422


def test_a_members_own_line_carries_the_sum_proof_that_verifies(uploaded: TestClient, world: World) -> None:
    public = PublicRecord.from_bytes(uploaded.get(f"/distributions/{PERIOD}/record").content).content
    for account in (world.alice, world.bob, world.carol):
        headers = bearer(sign_in(uploaded, account))
        line = uploaded.get(f"/distributions/{PERIOD}/proofs/{account.address}", headers=headers).json()
        assert (line["sum_root"], line["sum_total_cents"]) == (public["sum_root"], public["pool_cents"])
        record_sum.verify_line(line["address"], line["payout_cents"], line["salt"], line["sum_proof"],
                               public["sum_root"], public["sum_total_cents"])
        forged = [dict(step) for step in line["sum_proof"]]
        forged[0]["sum"] = str(int(forged[0]["sum"]) + 1)
        with pytest.raises(VerificationError):
            record_sum.verify_line(line["address"], line["payout_cents"], line["salt"], forged,
                                   public["sum_root"], public["sum_total_cents"])
    alice = bearer(sign_in(uploaded, world.alice))
    other = uploaded.get(f"/distributions/{PERIOD}/proofs/{world.bob.address}", headers=alice)
    assert other.status_code == 403
    uploaded.cookies.clear()  # signing in also set the session cookie
    assert uploaded.get(f"/distributions/{PERIOD}/proofs/{world.alice.address}").status_code == 401
