"""ProductPoll.approveBySig: EIP-712 `Approval` ballots signed off-chain (chain.polls) by an EOA or for an ERC-1271
account (contracts/testing/OwnedAccount.sol), relayed by anyone; replay and a wrong signer are refused."""

import brownie
import pytest
from brownie import OwnedAccount
from eth_account import Account
from eth_utils import keccak

from chain.polls import approval_message
from contract_helpers import b32, err

IDS = [b32(f"product:{n}") for n in ("rice", "tea", "oil")]
META = [b32(f"meta:{n}") for n in ("rice", "tea", "oil")]


def _key(label):
    return Account.from_key(keccak(text=f"linli-poll-by-sig:{label}"))


def _sign(poll, key, poll_id, selection, voter=None, nonce=None):
    """`key`'s signature of the Approval for `voter` (default: the key's own address) on the poll's domain."""
    _fields, name, version, chain_id, contract, _salt, _ext = poll.eip712Domain()
    domain = {"name": name, "version": version, "chainId": chain_id, "verifyingContract": contract}
    voter = voter or key.address
    nonce = poll.nonces(voter) if nonce is None else nonce
    return key.sign_message(approval_message(domain, poll_id, selection, voter, nonce)).signature


@pytest.fixture(scope="module")
def signer(points, admin):
    """A keyed member with 2,500 points and no ether: it only signs."""
    key = _key("member")
    points.award(key.address, 2500, b32("by-sig member"), {"from": admin})
    return key


@pytest.fixture(scope="module")
def opened(product_poll, signer, voters, gov):
    poll_id = product_poll.createPoll(IDS, META, 1, "signed picks", {"from": voters[0]}).return_value
    gov.sleep_until(product_poll.poll(poll_id)[2] + 1)
    return poll_id


def test_an_eoa_approval_is_relayed_once(product_poll, opened, signer, outsider):
    signature = _sign(product_poll, signer, opened, 0b110)
    tx = product_poll.approveBySig(opened, 0b110, signer.address, signature, {"from": outsider})
    assert tx.return_value == 2500 and tx.events["ApprovalCast"]["voter"] == signer.address
    assert list(product_poll.tallies(opened)) == [0, 2500, 2500] and product_poll.nonces(signer.address) == 1
    with brownie.reverts(err("ProductPollInvalidSignature", signer.address)):  # replay: the nonce moved on
        product_poll.approveBySig(opened, 0b110, signer.address, signature, {"from": outsider})


def test_a_fresh_signature_still_meets_the_one_ballot_rule(product_poll, opened, signer, outsider):
    product_poll.approveBySig(opened, 1, signer.address, _sign(product_poll, signer, opened, 1), {"from": outsider})
    with brownie.reverts(err("ProductPollAlreadyVoted", opened, signer.address)):
        product_poll.approveBySig(opened, 2, signer.address, _sign(product_poll, signer, opened, 2), {"from": outsider})


def test_a_wrong_signer_or_altered_selection_is_refused(product_poll, opened, signer, outsider):
    forged = _sign(product_poll, _key("someone else"), opened, 1, voter=signer.address)
    with brownie.reverts(err("ProductPollInvalidSignature", signer.address)):
        product_poll.approveBySig(opened, 1, signer.address, forged, {"from": outsider})
    signed_for_one = _sign(product_poll, signer, opened, 1)
    with brownie.reverts(err("ProductPollInvalidSignature", signer.address)):
        product_poll.approveBySig(opened, 2, signer.address, signed_for_one, {"from": outsider})
    stale = _sign(product_poll, signer, opened, 1, nonce=5)
    with brownie.reverts(err("ProductPollInvalidSignature", signer.address)):
        product_poll.approveBySig(opened, 1, signer.address, stale, {"from": outsider})
    assert not product_poll.hasVoted(opened, signer.address) and product_poll.nonces(signer.address) == 0


def test_an_erc1271_account_approves_through_its_owner(product_poll, points, admin, voters, outsider, gov):
    owner = _key("account owner")
    account = OwnedAccount.deploy(owner.address, {"from": admin})
    points.award(account, 4000, b32("by-sig account"), {"from": admin})
    poll_id = product_poll.createPoll(IDS, META, 1, "account picks", {"from": voters[0]}).return_value
    gov.sleep_until(product_poll.poll(poll_id)[2] + 1)
    with brownie.reverts(err("ProductPollInvalidSignature", account.address)):
        product_poll.approveBySig(poll_id, 4, account, _sign(product_poll, _key("x"), poll_id, 4, account.address),
                                  {"from": outsider})
    signature = _sign(product_poll, owner, poll_id, 4, voter=account.address)
    assert product_poll.approveBySig(poll_id, 4, account, signature, {"from": outsider}).return_value == 4000
    assert list(product_poll.tallies(poll_id)) == [0, 0, 4000] and product_poll.hasVoted(poll_id, account)


def test_the_domain_is_reported_by_erc5267(product_poll):
    fields, name, version, chain_id, contract, _salt, extensions = product_poll.eip712Domain()
    assert (fields, name, version, contract) == ("0x0f", "Linli ProductPoll", "1", product_poll.address)
    assert chain_id == brownie.chain.id and list(extensions) == []
