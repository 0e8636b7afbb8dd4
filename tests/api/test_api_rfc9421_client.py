"""Any RFC 9421 client with the admin key can call /admin: a client made of nothing but the library
(http_message_signatures.HTTPMessageSigner) and requests, holding a key made by `openssl genpkey -algorithm
ed25519`, uploads members to a real `linli serve` whose LINLI_ADMIN_KEYS lists the key's public half as
`openssl pkey -pubout` writes it. Linli's own client reads the same PEM file and is accepted too. Nothing
of Linli's signing code is on the first client's side."""
from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

from api.request_signature import sign_headers
from api_support import Served, database, served, sync
from api_world import World
from linli.services.admin_client import AdminClient, ApiRefused, load_seed

KEY_ID = "ext"


@pytest.fixture(scope="module")
def pem(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "admin.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def server(world: World, pem: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    public = subprocess.run(["openssl", "pkey", "-in", str(pem), "-pubout"], check=True, capture_output=True,
                            text=True).stdout
    directory = tmp_path_factory.mktemp("rfc9421")
    with database("sqlite", directory) as url:
        sync(url, world)
        with served(url, world, directory, LINLI_ADMIN_KEYS=f"{KEY_ID}:{public}") as running:
            yield running


def _library_post(url: str, body: bytes, pem: Path) -> requests.PreparedRequest:
    """What the docs show a client in any language doing: sign method, target URI and Content-Digest."""
    request = requests.Request("POST", url, data=body, headers={"Content-Type": "text/csv"}).prepare()
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=MappingKeyResolver(
        public_keys={}, private_keys={KEY_ID: pem.read_bytes()}))
    signer.sign(request, key_id=KEY_ID, nonce=secrets.token_urlsafe(24),
                covered_component_ids=("@method", "@target-uri", "content-digest"), body=request.body)
    return request


def test_a_library_only_client_uploads_members(server: Served, world: World, pem: Path) -> None:
    body = (f"member_id,address,referrer_id,joined_at\nm-carol,{world.carol.address},,"
            "2026-03-01T08:00:00+08:00\n").encode()
    request = _library_post(server.base + "/admin/members", body, pem)
    with requests.Session() as session:
        response = session.send(request, timeout=60)
        assert response.status_code == 200, response.text
        assert response.json() == {"kind": "members", "rows": 1, "inserted": 1, "replaced": 0, "dry_run": False}
        target = f"{server.base}/admin/members/{world.carol.address}"  # member ids: admins (signed) only
        read = session.get(target, headers=sign_headers(KEY_ID, load_seed(pem), "GET", target), timeout=60)
        assert read.json()["member_id"] == "m-carol"
        replayed = session.send(request, timeout=60)
    assert replayed.status_code == 401 and replayed.json()["detail"] == ("nonce already used: a signed request is "
                                                                          "accepted once")


def test_linli_reads_the_same_pem_key_file(server: Served, world: World, pem: Path, tmp_path: Path) -> None:
    members = tmp_path / "members.csv"
    members.write_text(f"member_id,address,referrer_id,joined_at\nm-dave,{world.dave.address},,"
                       "2026-03-02T08:00:00+08:00\n", encoding="utf-8")
    answer = AdminClient(server.base, KEY_ID, load_seed(pem)).upload_members(members, dry_run=True)
    assert answer == {"kind": "members", "rows": 1, "inserted": 1, "replaced": 0, "dry_run": True}
    with pytest.raises(ApiRefused, match="403 Forbidden: key id 'ops' is not an admin key"):
        AdminClient(server.base, "ops", load_seed(pem)).upload_members(members, dry_run=True)
