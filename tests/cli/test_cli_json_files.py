"""JSON files a user names (a ballot, a deployment, a keystore) are read within a size and a nesting bound:
a hostile file is one clear line, never a RecursionError traceback or a crash of the C decoder."""
from __future__ import annotations

from pathlib import Path

import pytest

from chain.deployment import Deployment
from chain.errors import DeploymentError, SignerUnavailable
from chain.keys import KEYSTORE_MAX_BYTES, signer_from_keystore

DEEP = "[" * 30_000 + "]" * 30_000  # within the 64 KiB bound of ballots and keystores


def test_a_deep_ballot_file_is_one_line(cli, tmp_path: Path) -> None:
    ballot = tmp_path / "ballot.json"
    ballot.write_text(DEEP, encoding="utf-8")
    run = cli("vote", "relay", str(ballot), "--rpc", "http://127.0.0.1:9")
    assert run.code == 1
    assert run.error_line.endswith(f"ballot file {ballot}: not a ballot ({ballot}: nested deeper than 64 levels "
                                   "(refused before decoding))")


def test_an_oversized_ballot_file_is_one_line(cli, tmp_path: Path) -> None:
    ballot = tmp_path / "ballot.json"
    ballot.write_text(" " * (64 * 1024 + 1), encoding="utf-8")
    run = cli("vote", "relay", str(ballot), "--rpc", "http://127.0.0.1:9")
    assert run.code == 1 and "larger than the bound of 65,536 bytes" in run.error_line


def test_a_deep_deployment_file_is_a_deployment_error(tmp_path: Path) -> None:
    path = tmp_path / "deployment.json"
    path.write_text(DEEP, encoding="utf-8")
    with pytest.raises(DeploymentError, match="nested deeper than 64 levels"):
        Deployment.load(path)
    path.write_bytes(b"\xff{}")
    with pytest.raises(DeploymentError, match="not UTF-8"):
        Deployment.load(path)


def test_a_deep_or_huge_keystore_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    path.write_text(DEEP, encoding="utf-8")
    with pytest.raises(SignerUnavailable, match="nested deeper than 64 levels"):
        signer_from_keystore(path, {"LINLI_KEYSTORE_PASSWORD": "x"})
    path.write_text(" " * (KEYSTORE_MAX_BYTES + 1), encoding="utf-8")
    with pytest.raises(SignerUnavailable, match="larger than the bound"):
        signer_from_keystore(path, {"LINLI_KEYSTORE_PASSWORD": "x"})
