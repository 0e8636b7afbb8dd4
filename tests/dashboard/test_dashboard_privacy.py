"""The dashboard's privacy in Debian's Chromium, on a phone-sized screen, against a real chain and server: a
signed-out visitor sees aggregates and masked leaderboard names, never a member id or a payout (in the page or
in any JSON the page fetched); a member signs in by keyboard with a browser key imported from their keystore,
names themselves for the leaderboard and verifies their own payout, then signs out; another signs in with a
wallet (personal_sign); refused and expired sign-ins say so in one line, in Chinese and English.

One browser run (privacy.mjs) does everything and reports; each test checks one part of that report.
Screenshots land in out/screenshots/dashboard/privacy/.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from datetime import datetime
from typing import Any

import pytest
from dashboard_stage import Site, light_keystore, masked, run_driver, screenshots, short, stage, yuan
from eth_account import Account

pytestmark = pytest.mark.browser

DRIVER = Path(__file__).with_name("privacy.mjs")
PASSPHRASE = "邻里 correct horse 42"
NAME = "楼下的小王"
MASKED = re.compile(r"^邻居·[0-9a-f]{4}$")
OWN_DATA_KEYS = {"member_id", "payouts", "payout_cents", "commission_cents", "proof", "proofs"}
REFUSED_401 = {
    "zh": "登录被拒绝：登录消息已过期或签名不是这个地址的（请核对设备时间后重新登录）。",
    "en": "Sign-in refused: the message has expired or the signature is not this address's (check the device's "
          "clock and sign in again).",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with stage(tmp_path_factory.mktemp("demo")) as running:
        yield running


@pytest.fixture(scope="module")
def paid(site: Site) -> list[dict[str, Any]]:
    """Members with a payout this month, most points first: the first signs in with a key, the second a wallet."""
    return sorted((m for m in site.month["members"] if m["payout_cents"] > 0),
                  key=lambda m: (-m["points"], m["member_id"]))


@pytest.fixture(scope="module")
def report(site: Site, paid: list[dict[str, Any]]) -> dict[str, Any]:
    member, holder = paid[0], paid[1]
    spec = {
        "base": site.base, "out": str(screenshots("privacy")), "period": site.month["period"],
        "member": {"address": member["address"], "keystore": light_keystore(site.keys[member["member_id"]], PASSPHRASE),
                   "passphrase": PASSPHRASE, "name": NAME},
        "wallet": {"key": "0x" + site.keys[holder["member_id"]].removeprefix("0x")},
        "stranger": {"key": "0x" + Account.create().key.hex().removeprefix("0x")},
    }
    return run_driver(DRIVER, spec, timeout=600)


def _walk(value: Any) -> Iterator[tuple[str | None, Any]]:
    """Every (key, value) pair of a JSON document, at any depth (list items under key None)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield None, item
            yield from _walk(item)


def _signed_out_json(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in report["json"] if r["step"].startswith("signed-out")]


def test_a_visitor_sees_no_member_id_in_any_page_or_json(site: Site, report: dict[str, Any]) -> None:
    ids = {m["member_id"] for m in site.month["members"]}
    answers = _signed_out_json(report)
    assert {r["url"].split("?")[0] for r in answers} >= {"/leaderboard", "/distributions", "/proposals"}
    pages = {name: page["text"] for name, page in report["signedOut"].items() if isinstance(page, dict)}
    assert len(pages) == 14
    for name, text in pages.items():
        assert not [i for i in ids if i in text], name
    for answer in answers:
        dumped = json.dumps(answer["body"], ensure_ascii=False)
        assert not [i for i in ids if i in dumped], answer["url"]


def test_a_visitor_sees_no_payout_commission_or_proof(site: Site, report: dict[str, Any],
                                                      paid: list[dict[str, Any]]) -> None:
    for answer in _signed_out_json(report):
        keys = {key for key, _ in _walk(answer["body"])}
        assert not keys & OWN_DATA_KEYS, (answer["url"], keys & OWN_DATA_KEYS)
    member = paid[0]
    for lang, needed in (("zh", "分红、佣金和会员号只对本人显示：请先登录。"),
                         ("en", "Payouts, commission and member ids are shown to their member only: sign in first.")):
        text = report["signedOut"][f"me.{lang}"]["text"]
        assert needed in text
        assert yuan(member["payout_cents"]) not in text and yuan(member["commission_cents"]) not in text
        assert "核验我的分红" not in text and "Verify my payout" not in text
    assert report["signedOut"]["proofStatus"] == 401


def test_a_visitor_sees_masked_names_on_the_leaderboards(report: dict[str, Any], paid: list[dict[str, Any]]) -> None:
    boards = [r for r in _signed_out_json(report) if r["url"].startswith("/leaderboard")]
    assert {r["body"]["metric"] for r in boards} == {"points", "sales"}
    names = [e["name"] for board in boards for e in board["body"]["entries"]]
    assert names and all(MASKED.match(name) for name in names), names
    assert not any(e["you"] for board in boards for e in board["body"]["entries"])
    for lang in ("zh", "en"):
        assert masked(paid[0]["address"]) in report["signedOut"][f"leaderboard.{lang}"]["text"]


def test_a_member_signs_in_by_keyboard_with_an_imported_key_and_sees_their_own_payout(
    report: dict[str, Any], paid: list[dict[str, Any]]
) -> None:
    member, step = paid[0], report["keyboard"]
    assert step["presses"] > 1 and not step["status"]["error"], step["status"]
    assert f"会员号 {member['member_id']}" in step["text"]
    assert yuan(member["payout_cents"]) in step["text"] and yuan(member["commission_cents"]) in step["text"]
    assert f"已登录：{short(member['address'])}" in step["text"]
    assert step["proofStatus"] == 200
    siwe = [r for r in report["json"] if r["step"] == "keyboard" and r["url"] == "/auth/siwe"]
    assert [r["status"] for r in siwe] == [200]
    assert siwe[0]["body"]["address"].lower() == member["address"].lower()


def test_the_member_verifies_their_payout_against_the_chain(report: dict[str, Any]) -> None:
    assert report["verify"]["verdict"] == "verified", report["verify"]
    assert "已验证" in report["verify"]["text"]


def test_a_display_name_shows_on_the_leaderboard(report: dict[str, Any], paid: list[dict[str, Any]]) -> None:
    assert report["name"]["refused"] == "没有保存：昵称最多 32 个字，不能含不可见字符，也不能以“邻居·”开头。"
    assert report["name"]["status"] == f"已保存：排行榜上显示为 {NAME}。"
    first = next(line for line in report["name"]["board"].splitlines() if line.startswith("1\t"))
    assert NAME in first and "我" in first
    assert masked(paid[0]["address"]) not in report["name"]["board"]
    # and to visitors, after signing out
    first = next(line for line in report["signout"]["board"].splitlines() if line.startswith("1\t"))
    assert NAME in first and "you" not in first


def test_signing_out_hides_the_members_data_again(report: dict[str, Any], paid: list[dict[str, Any]]) -> None:
    member, step = paid[0], report["signout"]
    assert "分红、佣金和会员号只对本人显示：请先登录。" in step["text"]
    assert member["member_id"] not in step["text"] and yuan(member["payout_cents"]) not in step["text"]
    assert step["proofStatus"] == 401


def test_a_wallet_signs_in_with_personal_sign_and_verifies(report: dict[str, Any], paid: list[dict[str, Any]]) -> None:
    holder, step = paid[1], report["walletSignIn"]
    asked = [w for w in report["wallet"] if w["step"] == "wallet"]
    assert len(asked) == 1 and asked[0]["address"].lower() == holder["address"].lower()
    message = asked[0]["message"]
    assert "wants you to sign in with your Ethereum account:" in message and holder["address"] in message
    assert not step["status"]["error"], step["status"]
    assert f"Member id {holder['member_id']}" in step["text"] and yuan(holder["payout_cents"]) in step["text"]
    assert step["verify"]["verdict"] == "verified" and "Verified" in step["verify"]["text"]


def test_an_expired_session_says_so_in_one_line(report: dict[str, Any], paid: list[dict[str, Any]]) -> None:
    step = report["expiredSession"]
    assert step["status"] == {"text": "Your sign-in has expired: sign in again to see your own payouts.", "error": True}
    assert paid[1]["member_id"] not in step["text"] and "Signed in as" not in step["text"]


def test_refused_sign_ins_say_why_in_one_line(report: dict[str, Any], paid: list[dict[str, Any]]) -> None:
    refused = report["refused"]
    assert refused["otherKey"]["line"] == REFUSED_401["en"]
    assert refused["stale"]["line"] == REFUSED_401["zh"]
    assert refused["cancelled"]["line"] == "你在钱包里取消了签名，什么也没有发送。"
    for step in refused.values():
        assert step["error"] and step["text"].count(step["line"]) == 1, step
        assert paid[1]["member_id"] not in step["text"]


def test_the_stale_sign_in_was_signed_eleven_minutes_back(report: dict[str, Any]) -> None:
    """The clock set back reaches the message: the server refuses its issued-at, not something else."""
    issued = {w["step"]: re.findall(r"Issued At: (\S+)", w["message"]) for w in report["wallet"]}
    fresh, stale = (datetime.fromisoformat(issued[step][0]) for step in ("wallet", "stale"))
    assert (fresh - stale).total_seconds() > 600


def test_every_step_fits_a_phone(report: dict[str, Any]) -> None:
    assert all(page["fits"] for page in report["signedOut"].values() if isinstance(page, dict))
    assert report["keyboard"]["fits"] and report["walletSignIn"]["fits"]
    assert all(step["fits"] for step in report["refused"].values())


def test_nothing_leaves_the_machine_and_no_console_errors(report: dict[str, Any]) -> None:
    assert report["foreign"] == []
    # Chromium logs each deliberate 401 (a proof or /me without a session, a refused sign-in) as a failed load
    expected = {"signed-out proof": 401, "signout": 401, "expired-session": 401, "other-key": 401, "stale": 401,
                "name": 422}  # and the masked id refused as a display name
    unexpected = [c for c in report["console"]
                  if not (c["step"] in expected and f"status of {expected[c['step']]}" in c["text"])]
    assert unexpected == []


def test_screenshots(report: dict[str, Any]) -> None:
    names = {Path(p).name for p in report["screenshots"]}
    assert {"signed-out.leaderboard.zh.png", "signed-out.me.en.png", "signed-in.zh.png", "verified.zh.png",
            "leaderboard.named.zh.png", "wallet.en.png", "expired-session.en.png", "stale.zh.png"} <= names
    for path in report["screenshots"]:
        assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
