"""Signed admin requests (RFC 9421) and body limits at their exact bounds, on a real app without a chain (SQLite).

Every refusal is checked for its status, its one-line reason and that it changed nothing: missing headers,
a wrong alg, a covered component or parameter left out, a digest that does not match, a body altered, a nonce
replayed or out of shape, `created` outside the window, an unknown key id (403), another key's signature, and
a signature reused for another method, host, path or query. Signatures that omit something are made with the
library itself (HTTPMessageSigner), as a careless client would. A Hypothesis property: a signature over one
request never verifies for a changed method, path, query or body. The body limits admit a body of exactly
their size and refuse one byte more, per route, declared or chunked; JSON nesting is checked for every
Content-Type FastAPI would decode. These kill the mutants of scripts/mutation_python.py (area signing)."""
from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, UTC
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from hypothesis import assume, given
from hypothesis import strategies as st
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms
from nacl.signing import SigningKey
from sqlalchemy import func, select

from api.main import create_app
from api.models import ImportedMember, RequestNonce
from api.request_signature import COVERED, HttpMessage, Refused, check_headers, sign_headers
from api.settings import Settings

SEED = bytes(range(32))
OTHER = bytes(range(100, 132))
PUBLIC = SigningKey(SEED).verify_key.encode().hex()
ORIGIN = "http://testserver"  # TestClient's scheme and Host
MEMBERS = (b"member_id,address,referrer_id,joined_at\n"
           b"m-a,0x1111111111111111111111111111111111111111,,2026-01-05T10:00:00+08:00\n")
SMALL = 4096  # LINLI_MAX_BODY_BYTES of the app under test
DEEP = b"[" * 65 + b"]" * 65  # one level beyond LINLI_MAX_JSON_DEPTH=64


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.chdir(tmp_path)  # no ./deployment.json: an app without a chain
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}", request_max_age=60,
                        admin_keys={"ops": PUBLIC}, rate_limit_per_minute=10_000,
                        max_body_bytes=SMALL, max_upload_bytes=len(MEMBERS), max_record_bytes=2 * SMALL)
    with TestClient(create_app(settings)) as c:
        yield c


def _library_sign(target: str, body: bytes, *, covered: Sequence[str] = COVERED, seed: bytes = SEED,
                  key_id: str = "ops", nonce: str | None = "n" * 24, include_alg: bool = True,
                  created: float | None = None) -> dict[str, str]:
    """Headers made by the library alone, with whatever this test leaves out."""
    private = Ed25519PrivateKey.from_private_bytes(seed)
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519,
                               key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: private}))
    message = HttpMessage("POST", ORIGIN + target, {})
    when = datetime.fromtimestamp(time.time() if created is None else created, UTC)
    signer.sign(message, key_id=key_id, created=when, nonce=nonce, include_alg=include_alg,
                covered_component_ids=covered, body=body)
    return dict(message.headers)


def _signed(target: str, body: bytes, **signing: object) -> dict[str, str]:
    return sign_headers("ops", SEED, "POST", ORIGIN + target, body, **signing)  # type: ignore[arg-type]


def _rows(client: TestClient) -> tuple[int, int]:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        return tuple(session.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
                     for m in (ImportedMember, RequestNonce))


def _refused(client: TestClient, headers: dict[str, str], status: int, reason: str, *, target: str = "/admin/members",
             body: bytes = MEMBERS) -> str:
    """POST and expect `status` with `reason` in a one-line detail, and no row written (not even a nonce)."""
    before = _rows(client)
    response = client.post(target, content=body, headers=headers)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and reason in detail, detail
    assert "content-digest" in response.headers["Accept-Signature"]
    assert _rows(client) == before
    return detail


def _accepted(client: TestClient, headers: dict[str, str], target: str = "/admin/members",
              body: bytes = MEMBERS) -> None:
    response = client.post(target, content=body, headers=headers)
    assert response.status_code == 200, response.text


def test_a_signed_upload_is_accepted_and_uses_its_nonce(client: TestClient) -> None:
    headers = _signed("/admin/members", MEMBERS)
    assert headers["Content-Digest"] == f"sha-256=:{base64.b64encode(hashlib.sha256(MEMBERS).digest()).decode()}:"
    assert headers["Signature-Input"].startswith('sig=("@method" "@target-uri" "content-digest");created=')
    _accepted(client, headers)
    assert _rows(client) == (1, 1)


@pytest.mark.parametrize("header", ["Signature", "Signature-Input", "Content-Digest"])
def test_each_missing_header_is_named(client: TestClient, header: str) -> None:
    headers = _signed("/admin/members", MEMBERS)
    del headers[header]
    _refused(client, headers, 401, f"header {header} is missing")


def test_an_unsigned_request_is_refused(client: TestClient) -> None:
    _refused(client, {}, 401, "unsigned request: header Signature-Input is missing")


@pytest.mark.parametrize("leave_out", ["@method", "@target-uri"])
def test_a_signature_leaving_out_a_required_component_is_refused(client: TestClient, leave_out: str) -> None:
    """Even with @authority and @path in its place: the profile is one, and the server holds to it."""
    covered = [c for c in COVERED if c != leave_out] + ["@authority", "@path"]
    detail = _refused(client, _library_sign("/admin/members", MEMBERS, covered=covered), 401,
                      "the signature must cover @method @target-uri content-digest")
    assert detail.endswith(f"it leaves out {leave_out}")


def test_a_signature_without_content_digest_is_refused(client: TestClient) -> None:
    """The library always covers the digest when given a body, so build the no-body signature and add a
    correct Content-Digest header after it: present, but not signed."""
    private = Ed25519PrivateKey.from_private_bytes(SEED)
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519,
                               key_resolver=MappingKeyResolver(public_keys={}, private_keys={"ops": private}))
    message = HttpMessage("POST", ORIGIN + "/admin/members", {})
    signer.sign(message, key_id="ops", nonce="n" * 24, covered_component_ids=("@method", "@target-uri"))
    digest = base64.b64encode(hashlib.sha256(MEMBERS).digest()).decode()
    headers = {**message.headers, "Content-Digest": f"sha-256=:{digest}:"}
    _refused(client, headers, 401, "it leaves out content-digest")


def test_a_parameterised_digest_component_does_not_count_as_covering_it(client: TestClient) -> None:
    headers = _library_sign("/admin/members", MEMBERS, covered=["@method", "@target-uri", '"content-digest";sf'])
    _refused(client, headers, 401, "it leaves out content-digest")


@pytest.mark.parametrize("missing, reason", [
    ("nonce", 'must carry nonce="…"'),
    ("alg", 'must say alg="ed25519", not None'),
])
def test_a_signature_without_a_required_parameter_is_refused(client: TestClient, missing: str, reason: str) -> None:
    headers = (_library_sign("/admin/members", MEMBERS, nonce=None) if missing == "nonce"
               else _library_sign("/admin/members", MEMBERS, include_alg=False))
    assert f"{missing}=" not in headers["Signature-Input"]
    _refused(client, headers, 401, reason)


@pytest.mark.parametrize("edit, reason", [
    (lambda s: s.replace(';keyid="ops"', ""), "Signature-Input has no keyid="),
    (lambda s: s.replace(';keyid="ops"', ";keyid=7"), "Signature-Input has no keyid="),
    (lambda s: s.split(";created=")[0] + ";" + s.split(";", 2)[2], "must carry created=<unix seconds>"),
    (lambda s: s.replace(";created=", ';created="').replace(";keyid", '";keyid'), "must carry created="),
    (lambda s: s.replace('alg="ed25519"', 'alg="rsa-pss-sha512"'), "not 'rsa-pss-sha512'"),
    (lambda s: s.replace('alg="ed25519"', 'alg="hmac-sha256"'), "not 'hmac-sha256'"),
    (lambda s: s + ', two=("@method");keyid="ops"', "one signature expected, Signature-Input has 2"),
    (lambda s: "sig=", "Signature-Input is not an RFC 8941 dictionary"),
    (lambda s: 'sig="@method";keyid="ops"', "components must be an inner list"),
])
def test_a_malformed_or_unexpected_signature_input_is_refused(client: TestClient, edit: Callable[[str], str],
                                                              reason: str) -> None:
    headers = _signed("/admin/members", MEMBERS)
    headers["Signature-Input"] = edit(headers["Signature-Input"])
    _refused(client, headers, 401, reason)


def test_an_unknown_key_id_is_403(client: TestClient) -> None:
    headers = sign_headers("mallory", SEED, "POST", ORIGIN + "/admin/members", MEMBERS)
    _refused(client, headers, 403, "key id 'mallory' is not an admin key")


def test_a_signature_by_another_key_is_refused(client: TestClient) -> None:
    headers = sign_headers("ops", OTHER, "POST", ORIGIN + "/admin/members", MEMBERS)
    _refused(client, headers, 401, "signature does not verify with admin key 'ops' over @method @target-uri "
                                   "content-digest")


def test_a_tampered_signature_is_refused(client: TestClient) -> None:
    headers = _signed("/admin/members", MEMBERS)
    value = base64.b64decode(headers["Signature"].removeprefix("sig=:").removesuffix(":"))
    headers["Signature"] = f"sig=:{base64.b64encode(bytes([value[0] ^ 1]) + value[1:]).decode()}:"
    _refused(client, headers, 401, "signature does not verify")


def test_signature_and_input_labels_must_agree(client: TestClient) -> None:
    headers = _signed("/admin/members", MEMBERS)
    headers["Signature"] = headers["Signature"].replace("sig=", "other=", 1)
    _refused(client, headers, 401, "different labels")


def test_an_altered_body_is_refused_after_the_signature_verified(client: TestClient) -> None:
    headers = _signed("/admin/members", MEMBERS)
    _refused(client, headers, 401, "Content-Digest does not match the body", body=MEMBERS.replace(b"m-a", b"m-b"))


def test_a_digest_of_another_body_is_refused_by_the_signature(client: TestClient) -> None:
    other = MEMBERS.replace(b"m-a", b"m-b")
    headers = _signed("/admin/members", MEMBERS)
    headers["Content-Digest"] = _signed("/admin/members", other)["Content-Digest"]
    _refused(client, headers, 401, "signature does not verify", body=other)


@pytest.mark.parametrize("digest, reason", [
    (f"sha-256={hashlib.sha256(MEMBERS).hexdigest()}", "Content-Digest must be sha-256=:<base64"),  # the old form
    ("sha-256=:AAAA:", "got a 'sha-256' member"),
    (f"md5=:{base64.b64encode(hashlib.md5(MEMBERS).digest()).decode()}:", "got a 'md5' member"),
    (f"sha-512=:{base64.b64encode(hashlib.sha512(MEMBERS).digest()).decode()}:", "Content-Digest must be sha-256"),
])
def test_a_content_digest_outside_rfc_9530_sha_256_is_refused(client: TestClient, digest: str, reason: str) -> None:
    headers = {**_library_sign("/admin/members", b"", covered=["@method", "@target-uri"]), "Content-Digest": digest}
    _refused(client, headers, 401, reason)


def test_a_sha_512_member_beside_sha_256_is_checked_too(client: TestClient) -> None:
    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    for sha512, status in ((hashlib.sha512(MEMBERS).digest(), 200), (hashlib.sha512(b"other").digest(), 401)):
        digest = f"sha-256=:{b64(hashlib.sha256(MEMBERS).digest())}:, sha-512=:{b64(sha512)}:"
        message = HttpMessage("POST", ORIGIN + "/admin/members?dry_run=true", {"Content-Digest": digest})
        signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=MappingKeyResolver(
            public_keys={}, private_keys={"ops": Ed25519PrivateKey.from_private_bytes(SEED)}))
        signer.sign(message, key_id="ops", nonce=f"nonce-{status}" * 3, covered_component_ids=COVERED,
                    use_existing_digest=True)
        response = client.post("/admin/members?dry_run=true", content=MEMBERS, headers=message.headers)
        assert response.status_code == status, response.text


def test_a_replayed_nonce_is_refused(client: TestClient) -> None:
    headers = _signed("/admin/members?dry_run=true", MEMBERS)
    _accepted(client, headers, "/admin/members?dry_run=true")
    _refused(client, headers, 401, "nonce already used", target="/admin/members?dry_run=true")


def test_the_same_nonce_under_another_key_id_is_another_nonce(client: TestClient) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"admin_keys": {"ops": PUBLIC, "backup": SigningKey(OTHER).verify_key.encode().hex()}})
    _accepted(client, _signed("/admin/members?dry_run=true", MEMBERS, nonce="n" * 20), "/admin/members?dry_run=true")
    _accepted(client, sign_headers("backup", OTHER, "POST", ORIGIN + "/admin/members?dry_run=true", MEMBERS,
                                   nonce="n" * 20), "/admin/members?dry_run=true")


def test_a_refused_request_does_not_use_up_its_nonce(client: TestClient) -> None:
    headers = _signed("/admin/members", MEMBERS)
    _refused(client, headers, 401, "Content-Digest does not match", body=MEMBERS.replace(b"m-a", b"m-z"))
    _accepted(client, headers)


@pytest.mark.parametrize("nonce", ["a" * 15, "a" * 129, "a" * 16 + "!", "a" * 16 + " b", "./" + "a" * 16, ""])
def test_a_nonce_outside_its_pattern_is_refused(client: TestClient, nonce: str) -> None:
    _refused(client, _library_sign("/admin/members", MEMBERS, nonce=nonce), 401,
             "16 to 128 characters of A-Z a-z 0-9 _ -")


@pytest.mark.parametrize("nonce", ["a" * 16, "Z-_9" * 32])
def test_nonces_at_the_bounds_of_the_pattern_are_accepted(client: TestClient, nonce: str) -> None:
    _accepted(client, _signed("/admin/members", MEMBERS, nonce=nonce))


@pytest.mark.parametrize("age", [-62, 62, 100_000])
def test_a_request_older_or_newer_than_the_age_bound_is_refused(client: TestClient, age: int) -> None:
    _refused(client, _signed("/admin/members", MEMBERS, created=int(time.time()) - age), 401,
             "at most 60 s): expired or clock skew")


@pytest.mark.parametrize("age", [-55, 55])
def test_a_request_within_the_age_bound_is_accepted(client: TestClient, age: int) -> None:
    _accepted(client, _signed("/admin/members", MEMBERS, created=int(time.time()) - age))


@pytest.mark.parametrize("signed_for, sent_to", [
    ("/admin/orders", "/admin/members"),
    ("/admin/members?dry_run=true", "/admin/members"),
    ("/admin/members", "/admin/members?dry_run=true"),
    ("/admin/members?format=csv", "/admin/members?format=jsonl"),
])
def test_a_signature_for_another_target_uri_is_refused(client: TestClient, signed_for: str, sent_to: str) -> None:
    _refused(client, _signed(signed_for, MEMBERS), 401, "signature does not verify", target=sent_to)


def test_a_signature_for_another_host_or_scheme_is_refused(client: TestClient) -> None:
    for url in ("http://elsewhere/admin/members", "https://testserver/admin/members",
                "http://testserver:8080/admin/members"):
        _refused(client, sign_headers("ops", SEED, "POST", url, MEMBERS), 401, "signature does not verify")


def test_a_signature_for_another_method_is_refused() -> None:
    """No admin path takes two methods (the router answers 405 before any check), so this is the header
    check itself: a POST's signature presented with a PUT."""
    url = ORIGIN + "/admin/members"
    headers = sign_headers("ops", SEED, "POST", url, MEMBERS)
    check_headers(HttpMessage("POST", url, headers), {"ops": PUBLIC}, max_age=60, now=time.time())
    with pytest.raises(Refused, match="signature does not verify") as refused:
        check_headers(HttpMessage("PUT", url, headers), {"ops": PUBLIC}, max_age=60, now=time.time())
    assert refused.value.status == 401


def test_the_path_is_signed_as_sent_not_percent_decoded(client: TestClient) -> None:
    """/admin/%6Dembers reaches the members route; a signature over /admin/members does not cover it."""
    _refused(client, _signed("/admin/members", MEMBERS), 401, "signature does not verify", target="/admin/%6Dembers")
    _accepted(client, _signed("/admin/%6Dembers", MEMBERS), "/admin/%6Dembers")


METHODS = st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "GET"])
SEGMENTS = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789-._~", min_size=1, max_size=8), min_size=1,
                    max_size=4)
QUERIES = st.lists(st.tuples(st.text("abcxyz", min_size=1, max_size=4), st.text("abc019", max_size=4)), max_size=3)


def _url(segments: list[str], query: list[tuple[str, str]]) -> str:
    return ORIGIN + "/" + "/".join(segments) + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")


def _verifies(method: str, url: str, headers: dict[str, str], body: bytes, now: float) -> bool:
    try:
        signed = check_headers(HttpMessage(method, url, headers), {"ops": PUBLIC}, max_age=60, now=now)
    except Refused:
        return False
    signed.digest.update(body)
    return signed.digest.matches()


@given(method=METHODS, segments=SEGMENTS, query=QUERIES, body=st.binary(max_size=64), other_method=METHODS,
       other_segments=SEGMENTS, other_query=QUERIES, other_body=st.binary(max_size=64),
       change=st.sampled_from(["method", "path", "query", "body"]))
def test_a_signature_never_verifies_for_a_changed_method_path_query_or_body(
        method: str, segments: list[str], query: list[tuple[str, str]], body: bytes, other_method: str,
        other_segments: list[str], other_query: list[tuple[str, str]], other_body: bytes, change: str) -> None:
    now = time.time()
    headers = sign_headers("ops", SEED, method, _url(segments, query), body, created=int(now))
    assert _verifies(method, _url(segments, query), headers, body, now)
    changed = {"method": other_method, "segments": segments, "query": query, "body": body}
    changed.update({"method": {"method": other_method}, "path": {"segments": other_segments},
                    "query": {"query": other_query}, "body": {"body": other_body}}[change])
    changed_url = _url(changed["segments"], changed["query"])  # type: ignore[arg-type]
    assume((changed["method"], changed_url, changed["body"]) != (method, _url(segments, query), body))
    assert not _verifies(changed["method"], changed_url, headers, changed["body"], now)  # type: ignore[arg-type]


# --- body limits ---------------------------------------------------------------------------------------------

def _chunks(body: bytes) -> Iterator[bytes]:
    yield body[:10]
    yield body[10:]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_upload_of_exactly_its_limit_arrives_and_one_byte_more_is_413(client: TestClient, chunked: bool) -> None:
    for body, expected in ((MEMBERS, 200), (MEMBERS + b"\n", 413)):
        headers = _signed("/admin/members", body)
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
