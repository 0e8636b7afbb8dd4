"""Signed admin requests and body limits at their exact bounds, on a real app without a chain (SQLite): the
nonce pattern is anchored at both ends, the digest header must match the body even when the signature does,
the query string is signed, hex may be upper case and signatures 0x-prefixed; each body limit admits a body
of exactly its size and refuses one byte more, per route, whether the length is declared or chunked; JSON
nesting is checked for every Content-Type FastAPI would decode (any case, empty). These kill the mutants of
scripts/mutation_python.py (area signing) that the older tests let survive."""
from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from nacl.signing import SigningKey

from api.main import create_app
from api.settings import Settings
from api.signing import sign_headers

SEED = bytes(range(32))
MEMBERS = (b"member_id,address,referrer_id,joined_at\n"
           b"m-a,0x1111111111111111111111111111111111111111,,2026-01-05T10:00:00+08:00\n")
SMALL = 4096  # LINLI_MAX_BODY_BYTES of the app under test
DEEP = b"[" * 65 + b"]" * 65  # one level beyond LINLI_MAX_JSON_DEPTH=64


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.chdir(tmp_path)  # no ./deployment.json: an app without a chain
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}", request_max_age=60,
                        admin_keys={"ops": SigningKey(SEED).verify_key.encode().hex()}, rate_limit_per_minute=10_000,
                        max_body_bytes=SMALL, max_upload_bytes=len(MEMBERS), max_record_bytes=2 * SMALL)
    with TestClient(create_app(settings)) as c:
        yield c


def _post(client: TestClient, target: str, body: bytes, **signing: object) -> tuple[int, str]:
    headers = sign_headers("ops", SEED, "POST", target, body, **signing)  # type: ignore[arg-type]
    response = client.post(target, content=body, headers=headers)
    return response.status_code, response.text


def _chunks(body: bytes) -> Iterator[bytes]:
    yield body[:10]
    yield body[10:]


@pytest.mark.parametrize("nonce", ["a" * 15, "a" * 129, "a" * 16 + "!", "a" * 16 + " b", "./" + "a" * 16])
def test_a_nonce_outside_its_pattern_is_refused(client: TestClient, nonce: str) -> None:
    status, text = _post(client, "/admin/members", MEMBERS, nonce=nonce)
    assert status == 401 and "X-Linli-Nonce must be 16 to 128 characters" in text


@pytest.mark.parametrize("nonce", ["a" * 16, "Z-_9" * 32])
def test_nonces_at_the_bounds_of_the_pattern_are_accepted(client: TestClient, nonce: str) -> None:
    assert _post(client, "/admin/members", MEMBERS, nonce=nonce)[0] == 200


def test_the_digest_header_must_match_the_body_even_when_the_signature_does(client: TestClient) -> None:
    headers = sign_headers("ops", SEED, "POST", "/admin/members", MEMBERS)
    headers["Content-Digest"] = f"sha-256={hashlib.sha256(b'another body').hexdigest()}"
    response = client.post("/admin/members", content=MEMBERS, headers=headers)
    assert response.status_code == 401 and "Content-Digest does not match" in response.json()["detail"]


def test_upper_case_digest_and_0x_signature_are_accepted(client: TestClient) -> None:
    headers = sign_headers("ops", SEED, "POST", "/admin/members", MEMBERS)
    headers["Content-Digest"] = headers["Content-Digest"].replace("sha-256=", "").upper().join(["sha-256=", ""])
    headers["X-Linli-Signature"] = "0x" + headers["X-Linli-Signature"].upper()
    response = client.post("/admin/members", content=MEMBERS, headers=headers)
    assert response.status_code == 200, response.text


def test_the_query_string_is_signed(client: TestClient) -> None:
    headers = sign_headers("ops", SEED, "POST", "/admin/members?dry_run=true", MEMBERS)
    response = client.post("/admin/members", content=MEMBERS, headers=headers)
    assert response.status_code == 401 and "signature does not verify" in response.json()["detail"]
    assert client.get("/members/0x1111111111111111111111111111111111111111").status_code == 404
    response = client.post("/admin/members?dry_run=true", content=MEMBERS,
                           headers=sign_headers("ops", SEED, "POST", "/admin/members?dry_run=true", MEMBERS))
    assert response.status_code == 200 and response.json()["dry_run"] is True


@pytest.mark.parametrize("age", [-62, 62])
def test_a_request_older_or_newer_than_the_age_bound_is_refused(client: TestClient, age: int) -> None:
    status, text = _post(client, "/admin/members", MEMBERS, created=int(time.time()) - age)
    assert status == 401 and "at most 60 s" in text


@pytest.mark.parametrize("age", [-55, 55])
def test_a_request_within_the_age_bound_is_accepted(client: TestClient, age: int) -> None:
    assert _post(client, "/admin/members", MEMBERS, created=int(time.time()) - age)[0] == 200


@pytest.mark.parametrize("header", ["X-Linli-Key", "X-Linli-Created", "X-Linli-Nonce", "Content-Digest",
                                    "X-Linli-Signature"])
def test_each_missing_header_is_named(client: TestClient, header: str) -> None:
    headers = sign_headers("ops", SEED, "POST", "/admin/members", MEMBERS)
    del headers[header]
    response = client.post("/admin/members", content=MEMBERS, headers=headers)
    assert response.status_code == 401 and f"header {header} is missing" in response.json()["detail"]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_upload_of_exactly_its_limit_arrives_and_one_byte_more_is_413(client: TestClient, chunked: bool) -> None:
    for body, expected in ((MEMBERS, 200), (MEMBERS + b"\n", 413)):
        headers = sign_headers("ops", SEED, "POST", "/admin/members", body)
        response = client.post("/admin/members", content=_chunks(body) if chunked else body, headers=headers)
        assert response.status_code == expected, response.text
    assert "LINLI_MAX_UPLOAD_BYTES" in response.json()["detail"]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_json_body_of_exactly_its_limit_is_read_and_one_byte_more_is_413(client: TestClient, chunked: bool) -> None:
    for size, refused in ((SMALL, False), (SMALL + 1, True)):
        body = b'{"pad": "' + b"x" * (size - 11) + b'"}'
        assert len(body) == size
        response = client.post("/votes/relay", content=_chunks(body) if chunked else body,
                               headers={"Content-Type": "application/json"})
        assert (response.status_code == 413) is refused, response.text
        if refused:
            assert "LINLI_MAX_BODY_BYTES" in response.json()["detail"]


@pytest.mark.parametrize("path, setting", [("/admin/orders", "LINLI_MAX_UPLOAD_BYTES"),
                                           ("/admin/distributions/2026-11/record", "LINLI_MAX_RECORD_BYTES"),
                                           ("/admin/distributions/2026-11/publish", "LINLI_MAX_RECORD_BYTES")])
def test_uploads_and_records_have_their_own_limits(client: TestClient, path: str, setting: str) -> None:
    limit = len(MEMBERS) if setting == "LINLI_MAX_UPLOAD_BYTES" else 2 * SMALL
    within = b"x" * limit
    assert client.post(path, content=within).status_code == 401  # beyond the default limit: still read as signed
    over = client.post(path, content=within + b"x")
    assert over.status_code == 413 and setting in over.json()["detail"]


@pytest.mark.parametrize("content_type", ["application/json", "Application/JSON", "APPLICATION/merge-patch+JSON",
                                          "application/json; charset=utf-8", ""])
def test_deep_json_is_422_for_every_content_type_fastapi_decodes(client: TestClient, content_type: str) -> None:
    response = client.post("/votes/relay", content=DEEP, headers={"Content-Type": content_type})
    assert response.status_code == 422 and "LINLI_MAX_JSON_DEPTH=64" in response.json()["detail"], response.text
