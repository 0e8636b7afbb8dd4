"""Members act in the dashboard, in Debian's Chromium on a phone-sized screen, against a real chain and a real
server: vote from a wallet (MetaMask's own EIP-712 signatures), by keyboard only, with a reason, from a key
created in the browser or imported from a keystore file, and delegate their weight; each act is checked on chain
from Python, and in the page.

One browser run (act.mjs) does everything and reports; each test checks one part of that report.
Screenshots land in out/screenshots/dashboard/acting/ (apart from test_dashboard.py's, which it clears).
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dashboard_stage import Site, light_keystore, run_driver, screenshots, short, stage
from eth_account import Account
from eth_account.signers.local import LocalAccount

from chain.governor import Governance
from chain.points import Points
from chain.rpc import RpcChain
from chain.system import Linli

pytestmark = pytest.mark.browser

DRIVER = Path(__file__).with_name("act.mjs")
REASON = "分红提高一点，邻里更有动力 / a little more for members"
PASSPHRASE = "邻里 correct horse 42"
FOR, AGAINST, ABSTAIN = 1, 0, 2


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with stage(tmp_path_factory.mktemp("demo")) as running:
        yield running


@pytest.fixture(scope="module")
def linli(site: Site) -> Linli:
    """The deployment, to read what the chain holds after the browser acted (its signer, unfunded, sends nothing)."""
    return Linli.attach(RpcChain(site.demo.deployment.rpc, [Account.create()], name="reader"), site.demo.deployment)


@pytest.fixture(scope="module")
def proposal(site: Site) -> int:
    return int(next(p["id"] for p in httpx.get(f"{site.base}/proposals").json() if p["state"] == "active"))


@pytest.fixture(scope="module")
def members(site: Site) -> dict[str, LocalAccount]:
    """Members with points who have not voted: by keyboard (wallet), with a reason (wallet), from a keystore."""
    keys = [Account.from_key(k) for k in site.member_keys.values()]
    return dict(zip(("keyboard", "reason", "keystore"), keys, strict=False))


@pytest.fixture(scope="module")
def before(linli: Linli, proposal: int, members: dict[str, LocalAccount]) -> dict[str, Any]:
    """The tally and weights before the browser acts (weights at the proposal's snapshot)."""
    gov, points = Governance(linli), Points(linli)
    snapshot = gov.snapshot(proposal)
    return {"tally": gov.tally(proposal),
            "weights": {name: points.past_votes(m.address, snapshot) for name, m in members.items()},
            "votes": {name: points.votes(m.address) for name, m in members.items()}}


@pytest.fixture(scope="module")
def report(site: Site, proposal: int, members: dict[str, LocalAccount], before: dict[str, Any]) -> dict[str, Any]:
    tally, weights = before["tally"], before["weights"]
    spec = {
        "base": site.base, "out": str(screenshots("acting")), "proposal": str(proposal),
        "wallets": {name: "0x" + members[name].key.hex().removeprefix("0x") for name in ("keyboard", "reason")},
        "reason": REASON,
        "keystore": {"json": light_keystore(members["keystore"].key.hex(), PASSPHRASE), "passphrase": PASSPHRASE,
                     "address": members["keystore"].address},
        "delegatee": members["keyboard"].address, "delegateeShort": short(members["keyboard"].address),
        "created": {"passphrase": PASSPHRASE},
        "expect": {"keyboard": f"赞成 {tally.for_ + weights['keyboard']:,}",
                   "reason": f"Abstain {tally.abstain + weights['reason']:,}",
                   "imported": f"反对 {tally.against + weights['keystore']:,}"},
    }
    return run_driver(DRIVER, spec, timeout=600)


def test_the_members_have_weight_to_vote_with(before: dict[str, Any]) -> None:
    assert all(w > 0 for w in before["weights"].values()), before["weights"]


def test_a_wallet_vote_by_keyboard_only_is_counted_on_chain(
    report: dict[str, Any], linli: Linli, proposal: int, members: dict[str, LocalAccount], before: dict[str, Any]
) -> None:
    step = report["steps"]["keyboard"]
    assert step["presses"] > 1 and not step["error"], step
    gov = Governance(linli)
    assert gov.has_voted(proposal, members["keyboard"].address)
    assert linli.chain.w3.eth.get_transaction_receipt(step["tx"])["status"] == 1
    assert gov.tally(proposal).for_ >= before["tally"].for_ + before["weights"]["keyboard"]
    assert "已投赞成" in step["text"] and f"{before['weights']['keyboard']:,}" in step["text"]


def test_the_wallet_signed_the_governors_own_eip712_ballot(report: dict[str, Any], linli: Linli,
                                                           members: dict[str, LocalAccount]) -> None:
    """What the page asked MetaMask to sign: a Ballot over the domain the governor itself reports."""
    first, second = report["wallet"][:2]
    domain = Governance(linli).ballot_domain()
    assert first["address"].lower() == members["keyboard"].address.lower()
    assert first["data"]["primaryType"] == "Ballot"
    assert first["data"]["domain"] == {"name": domain.name, "version": domain.version, "chainId": domain.chain_id,
                                       "verifyingContract": domain.governor}
    assert second["data"]["primaryType"] == "ExtendedBallot"
    assert second["data"]["message"]["reason"] == REASON and second["data"]["message"]["params"] == "0x"


def test_a_vote_with_a_reason_is_counted_with_its_reason(
    report: dict[str, Any], site: Site, linli: Linli, proposal: int, members: dict[str, LocalAccount]
) -> None:
    step = report["steps"]["reason"]
    assert not step["error"], step
    assert Governance(linli).has_voted(proposal, members["reason"].address)
    assert "voted Abstain" in step["text"]
    votes = _indexed_votes(site, proposal, members["reason"].address)
    assert votes["reason"] == REASON and votes["support"] == ABSTAIN


def test_an_imported_keystore_votes(
    report: dict[str, Any], linli: Linli, proposal: int, members: dict[str, LocalAccount], before: dict[str, Any]
) -> None:
    step = report["steps"]["imported"]
    assert step["address"].lower() == members["keystore"].address.lower()
    assert not step["error"], step
    assert Governance(linli).has_voted(proposal, members["keystore"].address)
    assert "已投反对" in step["text"]
    assert short(members["keystore"].address) in step["votes"] and "反对" in step["votes"]


def test_the_tallies_on_chain_add_up(linli: Linli, proposal: int, before: dict[str, Any], report: dict[str, Any]
                                     ) -> None:
    tally, weights = Governance(linli).tally(proposal), before["weights"]
    assert tally.for_ == before["tally"].for_ + weights["keyboard"]
    assert tally.abstain == before["tally"].abstain + weights["reason"]
    assert tally.against == before["tally"].against + weights["keystore"]


def test_a_created_key_is_encrypted_at_rest_and_exports_a_keystore_python_opens(report: dict[str, Any]) -> None:
    created = report["steps"]["created"]
    exported = json.loads(created["exported"])
    key = Account.decrypt(exported, PASSPHRASE)
    address = Account.from_key(key).address
    assert address.lower() == created["address"].lower()
    stored = json.loads(created["stored"])
    crypto = stored.get("crypto") or stored["Crypto"]  # Web3 Secret Storage takes either spelling (ethers: Crypto)
    assert crypto["kdf"] == "scrypt" and stored["version"] == 3
    assert key.hex().removeprefix("0x") not in created["stored"].lower()
    assert created["exported"] == created["stored"]
    assert created["exportName"].endswith(".json") and address[2:].lower() in created["exportName"]
    assert created["afterForget"] is None


def test_a_refused_vote_is_one_line_in_the_members_language(report: dict[str, Any]) -> None:
    created = report["steps"]["created"]
    assert created["refused"]["error"] and created["refusedZh"]["error"]
    assert created["refused"]["text"] == "Not sent: you had no voting weight when the proposal started " \
                                         "(no points, or delegated away)."
    assert created["refusedZh"]["text"] == "没有成功：你在提案开始时没有投票权（没有积分，或已委托给别人）。"


def test_delegation_moves_the_weight_on_chain_and_the_page_shows_it(
    report: dict[str, Any], linli: Linli, members: dict[str, LocalAccount], before: dict[str, Any]
) -> None:
    step = report["steps"]["delegate"]
    delegator, delegatee = members["keystore"].address, members["keyboard"].address
    points = Points(linli)
    assert points.delegates(delegator) == delegatee
    assert points.votes(delegator) == 0
    assert points.votes(delegatee) == before["votes"]["keyboard"] + before["votes"]["keystore"]
    assert not step["error"], step
    assert short(delegatee) in step["text"] and f"{points.votes(delegatee):,}" in step["text"]
    assert f"投票权已委托给 {short(delegatee)}" in step["profile"]
    assert f"Votes delegated to {short(delegatee)}" in step["profileEn"]


def test_a_wallet_member_delegates_then_takes_the_vote_back(
    report: dict[str, Any], linli: Linli, members: dict[str, LocalAccount], before: dict[str, Any]
) -> None:
    step, member = report["steps"]["takeback"], members["reason"].address
    points = Points(linli)
    assert not step["away"]["error"] and not step["back"]["error"], step
    assert f"Delegated to {short(members['keyboard'].address)}: your votes now 0" in step["away"]["text"]
    assert f"Delegated to {short(member)}: your votes now {before['votes']['reason']:,}" in step["back"]["text"]
    assert points.delegates(member) == member and points.votes(member) == before["votes"]["reason"]
    assert step["away"]["tx"] != step["back"]["tx"]
    for tx in (step["away"]["tx"], step["back"]["tx"]):
        assert linli.chain.w3.eth.get_transaction_receipt(tx)["status"] == 1


def test_ethers_loads_only_when_a_member_signs(report: dict[str, Any]) -> None:
    assert report["ethers"], "ethers was never loaded"
    assert "reading" not in report["ethers"]


def test_every_page_fits_a_phone(report: dict[str, Any]) -> None:
    steps = report["steps"]
    assert steps["keyboard"]["fits"] and steps["reason"]["fits"] and steps["imported"]["fits"]
    assert steps["delegate"]["fits"] and steps["takeback"]["fits"]


def test_nothing_leaves_the_machine_and_no_console_errors(report: dict[str, Any]) -> None:
    assert report["foreign"] == []
    # the relayer's deliberate 403 (a key without points) is the only failed load Chromium logs
    unexpected = [c for c in report["console"] if not (c["step"] == "create" and "status of 403" in c["text"])]
    assert unexpected == []


def test_screenshots(report: dict[str, Any]) -> None:
    names = {Path(p).name for p in report["screenshots"]}
    assert {"vote.zh.png", "vote-reason.en.png", "key.en.png", "delegate.phone.png"} <= names
    for path in report["screenshots"]:
        assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path


def _indexed_votes(site: Site, proposal: int, voter: str, timeout: float = 30.0) -> dict[str, Any]:
    """The voter's vote as the mirror indexed it (reasons live in the VoteCast event)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for vote in httpx.get(f"{site.base}/proposals/{proposal}/votes").json():
            if vote["voter"].lower() == voter.lower():
                return vote
        time.sleep(0.2)
    raise AssertionError(f"the vote of {voter} was not indexed in {timeout:.0f} s")
