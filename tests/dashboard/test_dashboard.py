"""The dashboard in Debian's Chromium against the demo story: every page renders the demo's data, the
payout check runs in the page against the root on chain, Chinese and English, keyboard, phone screen.

One browser run (drive.mjs) visits everything and reports; each test checks one part of that report.
Screenshots land in out/screenshots/dashboard/ for review.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dashboard_stage import Site, light_keystore, masked, run_driver, screenshots, stage, yuan

pytestmark = pytest.mark.browser

DRIVER = Path(__file__).with_name("drive.mjs")
PASSPHRASE = "邻里 correct horse 42"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with stage(tmp_path_factory.mktemp("demo")) as running:
        yield running


@pytest.fixture(scope="module")
def member(site: Site) -> dict[str, Any]:
    """The top point holder with a payout: proposer of the demo's vote, on every leaderboard."""
    paid = [m for m in site.month["members"] if m["payout_cents"] > 0]
    return max(paid, key=lambda m: (m["points"], m["member_id"]))


@pytest.fixture(scope="module")
def report(site: Site, member: dict[str, Any]) -> dict[str, Any]:
    vectors = [{"address": m["address"], "amount": str(m["payout_cents"]), "proof": m["proof"],
                "root": site.month["merkle_root"]} for m in site.month["members"]]
    spec = {"base": site.base, "out": str(screenshots("")), "member": member["address"],
            "period": site.month["period"], "ledger": site.demo.deployment.address("PayoutLedger"),
            "decoy": site.demo.deployment.address("RuleBook"), "ballot": site.ballot, "vectors": vectors,
            "keystore": {"json": light_keystore(site.keys[member["member_id"]], PASSPHRASE), "passphrase": PASSPHRASE}}
    return run_driver(DRIVER, spec, timeout=300)


def test_config_advertises_the_node_and_the_ledger(site: Site) -> None:
    config = httpx.get(f"{site.base}/dashboard/config.json").json()
    deployment = site.demo.deployment
    assert config == {"rpc_url": deployment.rpc, "chain_id": deployment.chain_id,
                      "contracts": dict(deployment.contracts)}


def test_libraries_are_served_locally(site: Site) -> None:
    for path in ("vendor/chartjs/chart.umd.min.js", "vendor/noble-hashes/sha3.js", "js/app.js", "style.css"):
        assert httpx.get(f"{site.base}/dashboard/{path}").status_code == 200, path


def test_overview_shows_the_month_against_its_target_in_two_charts(site: Site, report: dict[str, Any]) -> None:
    page, month = report["pages"]["overview.zh"], site.month
    assert page["lang"] == "zh-CN"
    assert page["canvases"] == 2
    for text in (month["period"], yuan(month["gmv_cents"]), yuan(month["target_cents"]), yuan(month["pool_cents"])):
        assert text in page["text"]
    assert "已达标" in page["text"]


def test_rules_show_the_voted_rates_and_the_proposal_behind_them(site: Site, report: dict[str, Any]) -> None:
    text = report["pages"]["rules.zh"]["text"]
    new1, new2 = site.demo.new_levels_bps
    assert f"{new1 / 100:.2f}%" in text and f"{new2 / 100:.2f}%" in text
    assert site.demo.proposal.description in text
    assert f"赞成 {site.demo.tally.for_:,}" in text


def test_proposals_show_the_executed_vote_with_its_tally_and_voters(site: Site, report: dict[str, Any]) -> None:
    text = report["pages"]["proposals.zh"]["text"]
    assert site.demo.proposal.description in text
    assert "已执行" in text
    tally = site.demo.tally
    assert f"赞成 {tally.for_:,} · 反对 {tally.against:,} · 弃权 {tally.abstain:,}" in text
    assert text.count("demo vote") >= 1  # the votes cast, with their reasons


def test_open_proposal_shows_how_to_vote(site: Site, report: dict[str, Any]) -> None:
    text = report["pages"]["proposals.zh"]["text"]
    assert "进行中的提案 (1)" in text and site.open_proposal in text and "投票中" in text
    assert "linli vote " in text and "/votes/relay" in text


def test_open_tally_updates_live_when_a_relayed_ballot_lands(report: dict[str, Any], member: dict[str, Any]) -> None:
    live = report["live"]
    assert live["relay"] == 200
    assert f"赞成 {member['points']:,} · 反对 0 · 弃权 0" in live["before"]
    assert f"赞成 {member['points']:,} · 反对 0" not in live["after"]


def test_leaderboard_ranks_the_top_point_holder_first(report: dict[str, Any], member: dict[str, Any]) -> None:
    """Under the masked id (邻居· and the address's last 4 hex digits), never the member id."""
    text = report["pages"]["leaderboard.zh"]["text"]
    first = next(line for line in text.splitlines() if line.startswith("1\t"))
    assert masked(member["address"]) in first
    assert member["member_id"] not in text


def test_signed_in_member_page_shows_points_level_and_payout(report: dict[str, Any], member: dict[str, Any]) -> None:
    text = report["pages"]["me.zh"]["text"]
    assert member["member_id"] in text and member["address"] in text
    assert yuan(member["payout_cents"]) in text
    assert "投票权重" in text and "距离" in text  # weight, and what the next level needs
    assert "核验我的分红" in text


def test_verify_button_says_verified_for_a_real_member(report: dict[str, Any]) -> None:
    assert report["verify"]["verdict"] == "verified", report["verify"]
    assert "已验证" in report["verify"]["text"]


def test_verify_button_says_mismatch_when_the_server_lies(report: dict[str, Any]) -> None:
    assert report["tampered"]["verdict"] == "mismatch", report["tampered"]
    assert "不匹配" in report["tampered"]["text"]


def test_a_wrong_ledger_from_the_server_is_caught_and_the_members_own_wins(report: dict[str, Any]) -> None:
    assert report["decoy"]["verdict"] != "verified", report["decoy"]
    assert report["ownNode"]["verdict"] == "verified", report["ownNode"]


def test_page_merkle_code_agrees_with_governance_merkle(report: dict[str, Any]) -> None:
    assert report["vectors"] and all(report["vectors"])


def test_language_switch_to_english(report: dict[str, Any]) -> None:
    assert report["switched"]["lang"] == "en"
    assert "Proposals" in report["switched"]["nav"]
    for name in ("overview", "rules", "proposals", "leaderboard", "me"):
        page = report["pages"][f"{name}.en"]
        assert page["lang"] == "en", name
        assert not any("\u4e00" <= c <= "\u9fff" for c in page["title"]), page["title"]
    assert "Verify my payout" in report["pages"]["me.en"]["text"]


def test_keyboard_reaches_the_content_first(report: dict[str, Any]) -> None:
    assert report["keyboard"] == {"first": "跳到正文", "after": "main"}


def test_fits_a_phone_screen(report: dict[str, Any]) -> None:
    assert report["phone"] == {"overview": True, "me": True}


def test_the_address_leads_to_the_dashboard_and_the_api_docs_work_offline(site: Site, report: dict[str, Any]) -> None:
    assert report["home"] == "/dashboard/"
    paths = httpx.get(f"{site.base}/openapi.json").json()["paths"]
    assert report["docs"]["operations"] == sum(len(methods) for methods in paths.values())
    assert "Linli" in report["docs"]["title"]


def test_nothing_leaves_the_machine_and_no_console_errors(report: dict[str, Any]) -> None:
    assert report["foreign"] == []
    assert report["console"] == []


def test_a_screenshot_of_every_page(report: dict[str, Any]) -> None:
    names = {Path(p).name for p in report["screenshots"]}
    for name in ("overview", "rules", "proposals", "leaderboard", "me"):
        assert {f"{name}.zh.png", f"{name}.en.png"} <= names
    for path in report["screenshots"]:
        assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
