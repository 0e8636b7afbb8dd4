"""The admin key as a PKCS#8 PEM file from `openssl genpkey -algorithm ed25519`, beside the 64-hex seed: `linli
admin public-key` gives the public key openssl itself derives, from a file or LINLI_ADMIN_KEY; an encrypted,
non-Ed25519 or broken PEM is one line saying so. The server reads `openssl pkey -pubout` output in
LINLI_ADMIN_KEYS as the same key, and refuses a public key of another kind."""
from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from api.settings import Settings

Cli = Callable[..., Any]  # tests/cli/conftest.py's `cli` fixture


def _openssl(*args: str) -> bytes:
    return subprocess.run(["openssl", *args], check=True, capture_output=True).stdout


@pytest.fixture
def pem(tmp_path: Path) -> Path:
    path = tmp_path / "admin.pem"
    _openssl("genpkey", "-algorithm", "ed25519", "-out", str(path))
    return path


def _openssl_public_hex(pem: Path) -> str:
    """The raw public key is the last 32 bytes of its DER SubjectPublicKeyInfo."""
    return _openssl("pkey", "-in", str(pem), "-pubout", "-outform", "DER")[-32:].hex()


def test_public_key_of_a_pem_file_and_of_a_pem_in_the_environment(cli: Cli, pem: Path) -> None:
    expected = _openssl_public_hex(pem)
    run = cli("admin", "public-key", "--admin-key-file", str(pem))
    assert run.code == 0 and run.out == expected + "\n"
    run = cli("admin", "public-key", env={"LINLI_ADMIN_KEY": pem.read_text()})
    assert run.code == 0 and run.out == expected + "\n"


def test_the_server_reads_the_openssl_public_pem_as_the_same_key(pem: Path) -> None:
    public = _openssl("pkey", "-in", str(pem), "-pubout").decode()
    settings = Settings.from_env({"LINLI_ADMIN_KEYS": f"ext:{public}, ops:{'ab' * 32}"})
    assert settings.admin_keys == {"ext": _openssl_public_hex(pem), "ops": "ab" * 32}


def test_a_public_pem_of_another_kind_is_refused(tmp_path: Path) -> None:
    ec = tmp_path / "ec.pem"
    _openssl("genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(ec))
    public = _openssl("pkey", "-in", str(ec), "-pubout").decode()
    with pytest.raises(ValidationError, match="admin key 'ext': not an Ed25519 public key"):
        Settings.from_env({"LINLI_ADMIN_KEYS": f"ext:{public}"})


@pytest.mark.parametrize("make, reason", [
    (["genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:secret"], "the PEM key is encrypted"),
    (["genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "not an Ed25519 key"),
    (None, "not a PEM private key"),
])
def test_an_unusable_pem_is_one_line(cli: Cli, tmp_path: Path, make: list[str] | None, reason: str) -> None:
    key = tmp_path / "key.pem"
    if make is None:
        key.write_text("-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n")
    else:
        _openssl(*make, "-out", str(key))
    run = cli("admin", "public-key", "--admin-key-file", str(key))
    assert run.code == 1 and f"admin key file {key}: {reason}" in run.error_line  # error_line: exactly one
