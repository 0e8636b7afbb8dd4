"""`linli poll …` on one Anvil node, as a co-op would run it: open a product poll, approve directly and by a
relayed signed approval, let time pass, enact, read the winners back from the RuleBook catalogue — and every way
of getting it wrong, each one clear line and a non-zero exit. The product-list parser's bounds by hypothesis."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chain.connect import open_chain
from chain.deploy import DeployConfig, deploy_linli
from chain.deployment import Deployment
from chain.keys import dev_signers
from chain.nodes import LocalNode
from chain.points import Award, Points, evidence_id
from chain.polls import MAX_OPTIONS
from chain.rules import Rules
from chain.system import Linli
from dev_keys import dev_key
from governance.errors import BadInput
from linli.services.polls import parse_products
from linli.services.proposals import metadata_hash, product_id

PRODUCTS = ("五常大米 5kg", "土鸡蛋 30枚", "菜籽油 5L", "脐橙 10斤")
POINTS = (600, 300, 500)  # dev accounts 1..3


@pytest.fixture(scope="module")
def session(anvil: LocalNode, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Linli deployed on the node, dev accounts 1..3 holding points."""
    out = tmp_path_factory.mktemp("polls")
    with open_chain(rpc_url=anvil.url, env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        deployment = deploy_linli(chain, DeployConfig(profile="fast"))
        deployment.save(out / "deployment.json")
        linli = Linli.attach(chain, deployment)
        members = [s.address for s in dev_signers(4)[1:]]
        awards = [Award(m, p, evidence_id(f"poll:{m}")) for m, p in zip(members, POINTS, strict=True)]
        Points(linli).award_batch(awards, batch_id=evidence_id("poll-session"))
        chain.increase_time(1)
    return {"LINLI_RPC_URL": anvil.url, "LINLI_DEPLOYMENT": str(out / "deployment.json")}


def _env(session: dict[str, str], key: int) -> dict[str, str]:
    return {**session, "LINLI_PRIVATE_KEY": dev_key(key)}


def _catalogue(session: dict[str, str]) -> dict[bytes, bytes]:
    with open_chain(rpc_url=session["LINLI_RPC_URL"], env={"LINLI_PRIVATE_KEY": dev_key(0)}) as chain:
        return Rules(Linli.attach(chain, Deployment.load(Path(session["LINLI_DEPLOYMENT"])))).products()


def _open(cli, session: dict[str, str], *extra: str, products: str = ",".join(PRODUCTS), top: str = "2") -> str:
    run = cli("poll", "open", "--products", products, "--top", top, "--description", "十二月选品", *extra,
              env=_env(session, 1))
    assert run.code == 0, run.err
    assert run.out.strip().isdigit()
    return run.out.strip()


def test_a_product_poll_session(cli, session: dict[str, str], tmp_path: Path) -> None:
    member1, member2, member3, relayer = (_env(session, k) for k in (1, 2, 3, 0))
    poll = _open(cli, session)

    early = cli("poll", "vote", poll, PRODUCTS[0], env=member1)
    assert early.code == 1 and "it is pending: voting opens in" in early.error_line
    assert cli("chain", "advance", "11", env=member1).code == 0

    voted = cli("poll", "vote", poll, PRODUCTS[0], PRODUCTS[2], "--json", env=member1)
    assert voted.code == 0, voted.err
    assert json.loads(voted.out)["weight"] == 600 and json.loads(voted.out)["selection"] == "5"  # bits 0 and 2
    twice = cli("poll", "vote", poll, PRODUCTS[1], env=member1)
    assert twice.code == 1 and "has already approved in poll" in twice.error_line

    plain = cli("poll", "vote", poll, f"{PRODUCTS[1]},{PRODUCTS[2]}", env=member3)  # commas work too
    assert plain.code == 0 and "(weight 500)" in plain.out

    approval = tmp_path / "approval.json"
    signed = cli("poll", "vote", poll, PRODUCTS[0], PRODUCTS[1], "--sign", "--out", str(approval), env=member2)
    assert signed.code == 0, signed.err
    assert json.loads(approval.read_text())["voter"] == dev_signers(3)[2].address
    relayed = cli("poll", "relay", str(approval), "--json", env=relayer)
    assert relayed.code == 0, relayed.err
    cast = json.loads(relayed.out)
    assert cast["voter"] == dev_signers(3)[2].address and cast["weight"] == 300
    again = cli("poll", "relay", str(approval), env=relayer)
    assert again.code == 1 and "has already approved in poll" in again.error_line

    shown = json.loads(cli("poll", "show", poll, "--json", env=member1).out)
    weights = {o["name"]: o["weight"] for o in shown["options"]}
    assert weights == {PRODUCTS[0]: 900, PRODUCTS[1]: 800, PRODUCTS[2]: 1100, PRODUCTS[3]: 0}
    assert shown["state"] == "active" and shown["turnout"] == 1400 and shown["winners"] == []
    assert shown["enacted"] is False and shown["description"] == "十二月选品" and shown["quorum"] == 140

    too_soon = cli("poll", "enact", poll, env=relayer)
    assert too_soon.code == 1 and "cannot enact poll" in too_soon.error_line and "active" in too_soon.error_line
    assert cli("chain", "advance", "601", env=member1).code == 0
    late = cli("poll", "vote", poll, PRODUCTS[3], env=_env(session, 4))
    assert late.code == 1 and "cannot approve in poll" in late.error_line and "succeeded" in late.error_line

    enacted = cli("poll", "enact", poll, env=relayer)
    assert enacted.code == 0, enacted.err
    assert f"{PRODUCTS[2]}, {PRODUCTS[0]} in the catalogue (2 new)" in enacted.out
    assert "already enacted" in cli("poll", "enact", poll, env=relayer).error_line

    final = json.loads(cli("poll", "show", poll, "--json", env=member1).out)
    assert final["state"] == "enacted" and final["enacted"] is True
    assert final["winner_names"] == [PRODUCTS[2], PRODUCTS[0]]
    assert final["winners"] == ["0x" + product_id(p).hex() for p in (PRODUCTS[2], PRODUCTS[0])]
    catalogue = _catalogue(session)
    for name in (PRODUCTS[2], PRODUCTS[0]):
        assert catalogue[product_id(name)] == metadata_hash(name)  # the default metadata: the id's own text
    assert product_id(PRODUCTS[1]) not in catalogue and product_id(PRODUCTS[3]) not in catalogue

    listed = json.loads(cli("poll", "list", "--json", env=member1).out)
    assert poll in [p["id"] for p in listed]
    text = cli("poll", "list", env=member1).out
    assert "enacted" in text and "十二月选品" in text


def test_a_poll_without_quorum_changes_nothing(cli, session: dict[str, str]) -> None:
    poll = _open(cli, session, products="豆腐,豆浆", top="1")
    assert cli("chain", "advance", "612", env=_env(session, 1)).code == 0
    run = cli("poll", "enact", poll, "--json", env=_env(session, 0))
    assert run.code == 0, run.err
    assert json.loads(run.out) | {"tx": ""} == {"id": poll, "state": "defeated", "winners": [], "added": 0,
                                                "turnout": 0, "quorum": 140, "tx": ""}
    assert product_id("豆腐") not in _catalogue(session)


def test_metadata_from_a_file(cli, session: dict[str, str], tmp_path: Path) -> None:
    names = {"绿豆 1kg": '{"origin": "吉林"}', "红豆 1kg": '{"origin": "天津"}'}
    (tmp_path / "meta.json").write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
    poll = _open(cli, session, "--metadata", str(tmp_path / "meta.json"), products=",".join(names), top="1")
    shown = json.loads(cli("poll", "show", poll, "--json", env=_env(session, 1)).out)
    assert [o["metadata_hash"] for o in shown["options"]] == ["0x" + metadata_hash(v).hex() for v in names.values()]
    (tmp_path / "short.json").write_text(json.dumps({"绿豆 1kg": "x"}), encoding="utf-8")
    short = cli("poll", "open", "--products", ",".join(names), "--top", "1", "--description", "d",
                "--metadata", str(tmp_path / "short.json"), env=_env(session, 1))
    assert short.code == 1 and "exactly these products" in short.error_line
    missing = cli("poll", "open", "--products", ",".join(names), "--top", "1", "--description", "d",
                  "--metadata", str(tmp_path / "none.json"), env=_env(session, 1))
    assert missing.code == 1 and "not found" in missing.error_line


@pytest.mark.parametrize(("args", "words"), [
    (("--products", "a", "--top", "1"), "2 to 64"),
    (("--products", ",".join(f"p{i}" for i in range(65)), "--top", "1"), "65 products: name 2 to 64"),
    (("--products", "a,,b", "--top", "1"), "an empty product id"),
    (("--products", "", "--top", "1"), "name at least one product"),
    (("--products", "a,b,a", "--top", "1"), "'a' is named twice"),
    (("--products", "a," + "x" * 33, "--top", "1"), "1 to 32 bytes"),
    (("--products", "a,b", "--top", "3"), "--top 3 is more than the 2 candidates"),
    (("--products", "a,b", "--top", "0"), "--top"),
    (("--products", "a,b", "--top", "1", "--description", "  "), "--description must say"),
])
def test_bad_poll_openings(cli, session: dict[str, str], args: tuple[str, ...], words: str) -> None:
    full = args if "--description" in args else (*args, "--description", "d")
    run = cli("poll", "open", *full, env=_env(session, 1))
    assert run.code != 0 and words in run.error_line, run.err


def test_bad_votes_and_approval_files(cli, session: dict[str, str], tmp_path: Path) -> None:
    member = _env(session, 1)
    poll = _open(cli, session, products="米,面", top="1")
    assert "no poll 999 on this deployment" in cli("poll", "vote", "999", "米", env=member).error_line
    assert "no poll 999 on this deployment" in cli("poll", "show", "999", env=member).error_line
    assert "no poll 999 on this deployment" in cli("poll", "enact", "999", env=member).error_line
    assert "is not a number from 1 up" in cli("poll", "show", "x", env=member).error_line
    assert "is not a number from 1 up" in cli("poll", "show", "0", env=member).error_line
    assert cli("chain", "advance", "11", env=member).code == 0
    stranger = cli("poll", "vote", poll, "米", "油", env=member)
    assert stranger.code == 1 and "not candidates of poll" in stranger.error_line and "油" in stranger.error_line
    many = cli("poll", "vote", poll, *(f"p{i}" for i in range(65)), env=member)
    assert many.code == 1 and "65 products" in many.error_line
    assert "'米' is named twice" in cli("poll", "vote", poll, "米", "米", env=member).error_line

    assert "not found" in cli("poll", "relay", str(tmp_path / "missing.json"), env=member).error_line
    (tmp_path / "bad.json").write_text('{"poll_id": "1"}')
    assert "not an approval" in cli("poll", "relay", str(tmp_path / "bad.json"), env=member).error_line
    (tmp_path / "junk.json").write_text("[1, 2")
    assert "not an approval" in cli("poll", "relay", str(tmp_path / "junk.json"), env=member).error_line

    approval = tmp_path / "approval.json"
    assert cli("poll", "vote", poll, "米", "--sign", "--out", str(approval), env=_env(session, 2)).code == 0
    signed = json.loads(approval.read_text())
    (tmp_path / "tampered.json").write_text(json.dumps({**signed, "selection": "2"}))
    tampered = cli("poll", "relay", str(tmp_path / "tampered.json"), env=_env(session, 0))
    assert tampered.code == 1 and "the signature is not" in tampered.error_line
    (tmp_path / "renonced.json").write_text(json.dumps({**signed, "nonce": "7"}))
    stale = cli("poll", "relay", str(tmp_path / "renonced.json"), env=_env(session, 0))
    assert stale.code == 1 and "is not the voter's current ProductPoll nonce" in stale.error_line
    assert cli("poll", "relay", str(approval), env=_env(session, 0)).code == 0  # the untouched one still counts


# --- the product list's bounds, for any input -----------------------------------------------------------------

names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


@given(texts=st.lists(names, min_size=0, max_size=80), least=st.integers(1, 3))
def test_parsed_products_are_within_bounds_or_refused(texts: list[str], least: int) -> None:
    try:
        products = parse_products(texts, least=least)
    except BadInput as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert least <= len(products) <= MAX_OPTIONS
    assert len({p.id for p in products}) == len(products)
    for p in products:
        assert p.name == p.name.strip() and p.name.isprintable() and "," not in p.name
        assert p.id == product_id(p.name) and len(p.id) == 32 and any(p.id)


@given(chosen=st.lists(st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=10), min_size=2,
                       max_size=MAX_OPTIONS, unique=True))
def test_distinct_printable_names_round_trip(chosen: list[str]) -> None:
    """Names of at most 32 bytes, written comma-separated, come back in order as typed."""
    fitting = [n for n in chosen if len(n.encode()) <= 32]
    if len({product_id(n) for n in fitting}) != len(fitting) or len(fitting) < 2:
        return
    assert [p.name for p in parse_products([",".join(fitting)], least=2)] == fitting
    assert [p.name for p in parse_products(fitting, least=2)] == fitting
