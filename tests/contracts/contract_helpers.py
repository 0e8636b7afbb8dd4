"""Test helpers: drive a proposal through its life and build OZ StandardMerkleTree roots/proofs."""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak
from brownie import chain, web3

# Governor.ProposalState
PENDING, ACTIVE, CANCELED, DEFEATED, SUCCEEDED, QUEUED, EXPIRED, EXECUTED = range(8)
AGAINST, FOR, ABSTAIN = 0, 1, 2


class Governance:
    def __init__(self, linli):
        self.linli = linli
        self.governor = linli.governor
        self.params = linli.params

    def propose(self, actions, description, proposer):
        """`actions`: list of (contract, fn_name, args). Returns (proposal_id, targets, values, calldatas, dhash)."""
        targets = [c.address for c, _, _ in actions]
        values = [0] * len(actions)
        calldatas = [getattr(c, fn).encode_input(*args) for c, fn, args in actions]
        tx = self.governor.propose(targets, values, calldatas, description, {"from": proposer})
        proposal_id = tx.events["ProposalCreated"]["proposalId"]
        return proposal_id, targets, values, calldatas, keccak(text=description)

    def wait_active(self, proposal_id):
        snapshot = self.governor.proposalSnapshot(proposal_id)
        self.sleep_until(snapshot + 1)

    def wait_deadline(self, proposal_id):
        self.sleep_until(self.governor.proposalDeadline(proposal_id) + 1)

    def sleep_until(self, timestamp):
        """Mine until the latest block's timestamp is at least `timestamp` (block time, not brownie's clock:
        after a snapshot revert the two may disagree)."""
        while (latest := web3.eth.get_block("latest").timestamp) < timestamp:
            chain.sleep(timestamp - latest)
            chain.mine()

    def pass_and_queue(self, proposal, voters, support=FOR):
        proposal_id, targets, values, calldatas, dhash = proposal
        self.wait_active(proposal_id)
        for voter in voters:
            self.governor.castVote(proposal_id, support, {"from": voter})
        self.wait_deadline(proposal_id)
        self.governor.queue(targets, values, calldatas, dhash, {"from": voters[0]})
        self.sleep_until(self.governor.proposalEta(proposal_id) + 1)

    def execute(self, proposal, sender):
        _, targets, values, calldatas, dhash = proposal
        return self.governor.execute(targets, values, calldatas, dhash, {"from": sender})


def leaf(account: str, amount: int) -> bytes:
    """StandardMerkleTree leaf for ["address", "uint256"]."""
    return keccak(keccak(encode(["address", "uint256"], [account, amount])))


def _hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a < b else keccak(b + a)


def merkle_tree(values):
    """OZ StandardMerkleTree: sorted leaves, complete binary tree in an array. Returns (root, proof_fn)."""
    hashed = sorted(leaf(a, v) for a, v in values)
    n = len(hashed)
    tree = [b""] * (2 * n - 1)
    for i, h in enumerate(hashed):
        tree[len(tree) - 1 - i] = h
    for i in range(len(tree) - 1 - n, -1, -1):
        tree[i] = _hash_pair(tree[2 * i + 1], tree[2 * i + 2])

    def proof(account, amount):
        index = len(tree) - 1 - hashed.index(leaf(account, amount))
        path = []
        while index > 0:
            sibling = index - 1 if index % 2 == 0 else index + 1
            path.append(tree[sibling])
            index = (index - 1) // 2
        return ["0x" + p.hex() for p in path]

    return "0x" + tree[0].hex(), proof


def _err_arg(value) -> str:
    """How brownie prints a decoded error argument: lower-case addresses, bytes32 as Python bytes."""
    if isinstance(value, (bytes, bytearray)):
        return str(bytes(value))
    text = str(value)
    if text.startswith("0x") and len(text) == 42:
        return text.lower()
    if text.startswith("0x") and len(text) == 66:
        return str(bytes.fromhex(text[2:]))
    return text


def err(name: str, *args) -> str:
    """The revert message brownie decodes for custom error `name(args)`: "Name: a, b" ("Name: " without args)."""
    return f"{name}: {', '.join(_err_arg(a) for a in args)}"


def b32(text: str) -> bytes:
    """A deterministic bytes32 id (evidence, batch, product, record hash) from a label."""
    return keccak(text=text)
