"""The dashboard's verify button checks the Merkle sum tree in Chromium: after signing in, the member's line and sum
proof lead to the public record's sum root (whose hash is the one on chain and whose total is the pool); a server
that alters a sibling sum, the salt, the sum root or the record hash is refused in the page."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_stage import Site, light_keystore, run_driver, screenshots, stage

pytestmark = pytest.mark.browser

DRIVER = Path(__file__).with_name("sumtree.mjs")
PASSPHRASE = "求和树 42"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with stage(tmp_path_factory.mktemp("demo")) as running:
        yield running


@pytest.fixture(scope="module")
def report(site: Site) -> dict[str, Any]:
    member = max((m for m in site.month["members"] if m["payout_cents"] > 0), key=lambda m: m["payout_cents"])
    spec = {"base": site.base, "out": str(screenshots("sumtree")), "member": member["address"],
            "period": site.month["period"],
            "keystore": {"json": light_keystore(site.keys[member["member_id"]], PASSPHRASE), "passphrase": PASSPHRASE}}
    return run_driver(DRIVER, spec, timeout=300)


def test_the_honest_line_verifies_in_the_page(site: Site, report: dict[str, Any]) -> None:
    honest = report["verdicts"]["honest"]
    assert (honest["verdict"], honest["sum"]) == ("verified", "ok")
    assert site.month["sum_root"][:6] in honest["text"]
    assert report["console"] == [] and report["foreign"] == []


@pytest.mark.parametrize(("name", "reason"), [("sibling-sum", "partial-sum"), ("salt", "root"), ("sum-root", "root"),
                                              ("record-hash", "record-hash")])
def test_a_tampered_line_or_public_record_is_refused_in_the_page(report: dict[str, Any], name: str,
                                                                 reason: str) -> None:
    verdict = report["verdicts"][name]
    assert (verdict["verdict"], verdict["sum"]) == ("mismatch", reason)
