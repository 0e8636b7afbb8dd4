"""Bounds through the signed admin imports: extreme amounts and dates answer 422 naming line, field and bound
(the loaders' `governance.bounds`), nothing is stored, and the sales leaderboard keeps answering 200; orders at
the per-order bound are accepted and summed without overflow on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import ImportedMember, ImportedOrder
from api.request_signature import sign_headers
from api_support import MakeApp
from api_world import ADMIN_SEED, World
from governance.bounds import MAX_ORDER_CENTS

FIELDS = ("order_id", "member_id", "amount_cents", "paid_at", "status", "refunded_at", "product_id", "group_id")


@pytest.fixture
def admin(make_app: MakeApp, backend: str, world: World) -> Iterator[TestClient]:
    """A client on a fresh mirror with the world's alice and bob imported as members m-alice and m-bob."""
    with TestClient(make_app(backend, rate_limit_per_minute=1000)) as client:
        body = (f"member_id,address,referrer_id,joined_at\nm-alice,{world.alice.address},,2026-01-05T10:00:00+08:00\n"
                f"m-bob,{world.bob.address},m-alice,2026-02-01T09:00:00+08:00\n").encode()
        assert _post(client, "/admin/members", body).status_code == 200
        yield client


def _post(client: TestClient, target: str, body: bytes):  # type: ignore[no-untyped-def]
    headers = sign_headers("ops", ADMIN_SEED, "POST", "http://testserver" + target, body)
    return client.post(target, content=body, headers=headers)


def _recent() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 3600))


def _orders_csv(*amounts: int, paid: str | None = None) -> bytes:
    lines = [",".join(FIELDS)] + [f"o{i},m-bob,{a},{paid or _recent()},paid,,rice," for i, a in enumerate(amounts)]
    return ("\n".join(lines) + "\n").encode()


def _stored_orders(client: TestClient) -> int:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        return session.scalar(select(func.count()).select_from(ImportedOrder)) or 0


def _sales_board_answers(client: TestClient) -> list[tuple[str, int]]:
    """The admin's full board (the only one with the `all` window and member ids)."""
    for window in ("day", "week", "month", "year", "all"):
        target = f"/admin/leaderboard?metric=sales&window={window}"
        response = client.get(target, headers=sign_headers("ops", ADMIN_SEED, "GET", "http://testserver" + target))
        assert response.status_code == 200, response.text
    return [(e["member_id"], e["value"]) for e in response.json()["entries"]]


def test_two_orders_of_2_62_cents_are_refused_and_the_leaderboard_stays_200(admin: TestClient) -> None:
    response = _post(admin, "/admin/orders", _orders_csv(2**62, 2**62))
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail.startswith("orders upload (csv): 2 bad row(s), file refused")  # the upload, not a temp path
    assert (":2: amount_cents: 4611686018427387904 is above the bound 1000000000 (¥10,000,000.00 per order)"
            in detail) and ":3: amount_cents:" in detail
    assert _stored_orders(admin) == 0
    assert _sales_board_answers(admin) == []


@pytest.mark.parametrize("amount", [2**63, 2**256, 10**40])
def test_amounts_beyond_bigint_and_uint256_answer_422_in_csv_and_json_lines(admin: TestClient, amount: int) -> None:
    response = _post(admin, "/admin/orders", _orders_csv(amount))
    assert response.status_code == 422 and ":2: amount_cents:" in response.json()["detail"]
    row = dict(zip(FIELDS, ("o1", "m-bob", amount, _recent(), "paid", None, "rice", None), strict=True))
    response = _post(admin, "/admin/orders?format=jsonl", (json.dumps(row) + "\n").encode())
    assert response.status_code == 422 and ":1: amount_cents:" in response.json()["detail"]
    assert "is above the bound 1000000000" in response.json()["detail"]
    assert _stored_orders(admin) == 0
    assert _sales_board_answers(admin) == []


def test_orders_at_the_bound_are_summed_without_overflow(admin: TestClient) -> None:
    response = _post(admin, "/admin/orders", _orders_csv(*[MAX_ORDER_CENTS] * 3))
    assert response.status_code == 200, response.text
    assert _sales_board_answers(admin) == [("m-bob", 3 * MAX_ORDER_CENTS)]


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_times_out_of_range_answer_422_naming_the_field(admin: TestClient, world: World, when: str) -> None:
    with admin.app.state.sessions() as session:  # type: ignore[attr-defined]
        members_before = session.scalar(select(func.count()).select_from(ImportedMember))
    body = f"member_id,address,referrer_id,joined_at\nm-carol,{world.carol.address},,{when}\n".encode()
    response = _post(admin, "/admin/members", body)
    assert response.status_code == 422, response.text
    assert ":2: joined_at: year " in response.json()["detail"]
    assert "is outside the bound 2000..2100" in response.json()["detail"]
    response = _post(admin, "/admin/orders", _orders_csv(100, paid=when))
    assert response.status_code == 422 and ":2: paid_at: year " in response.json()["detail"]
    with admin.app.state.sessions() as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(ImportedMember)) == members_before
    assert _stored_orders(admin) == 0
