"""governance.merkle against @openzeppelin/merkle-tree 1.0.8 run by node, and its own proof checks."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.errors import BadInput
from governance.merkle import StandardMerkleTree, leaf_hash, process_proof, verify

ROOT = Path(__file__).resolve().parents[2]
OZ_SCRIPT = ROOT / "benchmarks" / "oz_merkle_tree.js"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

addresses = st.integers(0, 2**160 - 1).map(lambda n: f"0x{n:040x}")
amounts = st.integers(0, 2**256 - 1)
leaves = st.lists(st.tuples(addresses, amounts), min_size=1, max_size=40)


def oz_tree(values: list[tuple[str, int]]) -> dict:
    payload = json.dumps({"values": [[a, str(v)] for a, v in values], "proofs": True})
    done = subprocess.run(["node", str(OZ_SCRIPT)], input=payload, capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return json.loads(done.stdout)


def random_values(count: int, seed: int) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    values = [(f"0x{rng.getrandbits(160):040x}", rng.getrandbits(rng.choice([8, 64, 256]))) for _ in range(count)]
    if count > 3:  # a repeated leaf and a checksummed-looking address, as real exports have
        values[1] = values[0]
        values[2] = ("0x" + values[2][0][2:].upper(), values[2][1])
    return values


@needs_node
@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 9, 16, 33, 257, 2000])
def test_root_and_every_proof_match_the_npm_package(count: int) -> None:
    values = random_values(count, seed=count)
    ours, theirs = StandardMerkleTree.of(values), oz_tree(values)
    assert ours.root == theirs["root"]
    assert [ours.proof(i) for i in range(count)] == theirs["proofs"]


@needs_node
def test_dump_loads_in_the_npm_package() -> None:
    tree = StandardMerkleTree.of(random_values(50, seed=7))
    script = ("const {StandardMerkleTree: T} = require('@openzeppelin/merkle-tree');"
              "let s=''; process.stdin.on('data', c => s += c).on('end', () => {"
              "const t = T.load(JSON.parse(s)); process.stdout.write(JSON.stringify([t.root, t.getProof(9)])); });")
    done = subprocess.run(["node", "-e", script], input=json.dumps(tree.dump()), capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert json.loads(done.stdout) == [tree.root, tree.proof(9)]


def test_known_vector_single_leaf_root_is_the_double_hashed_leaf() -> None:
    # keccak256(keccak256(abi.encode(0x…01, 5))) computed independently with eth_abi
    from eth_abi import encode
    from eth_hash.auto import keccak

    value = ("0x0000000000000000000000000000000000000001", 5)
    expected = keccak(keccak(encode(["address", "uint256"], [value[0], value[1]])))
    tree = StandardMerkleTree.of([value])
    assert leaf_hash(value) == expected
    assert tree.root == "0x" + expected.hex()
    assert tree.proof(0) == []


@settings(max_examples=60)
@given(leaves)
def test_every_generated_proof_verifies(values: list[tuple[str, int]]) -> None:
    tree = StandardMerkleTree.of(values)
    for i, value in enumerate(values):
        assert verify(tree.root, value, tree.proof(i))


@settings(max_examples=60)
@given(leaves, st.data())
def test_a_tampered_proof_amount_or_root_is_rejected(values: list[tuple[str, int]], data: st.DataObject) -> None:
    tree = StandardMerkleTree.of(values)
    i = data.draw(st.integers(0, len(values) - 1))
    address, _amount = values[i]
    proof = tree.proof(i)
    other_amount = data.draw(amounts.filter(lambda a: (address, a) not in values))
    assert not verify(tree.root, (address, other_amount), proof)
    bit = data.draw(st.integers(0, 255))
    flipped_root = "0x%064x" % (int(tree.root, 16) ^ (1 << bit))
    assert not verify(flipped_root, values[i], proof)
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        bad = list(proof)
        bad[k] = "0x%064x" % (int(bad[k], 16) ^ (1 << bit))
        assert not verify(tree.root, values[i], bad)
        assert not verify(tree.root, values[i], proof[:-1])


def test_process_proof_walks_sorted_pairs() -> None:
    values = random_values(6, seed=3)
    tree = StandardMerkleTree.of(values)
    assert process_proof(leaf_hash(values[4]), tree.proof(4)) == tree.root


@pytest.mark.parametrize("bad", [("0x12", 1), ("0x" + "g" * 40, 1), ("0x" + "1" * 40, -1),
                                 ("0x" + "1" * 40, 2**256), ("0x" + "1" * 40, 1.0), ("0x" + "1" * 40, True)])
def test_bad_leaves_are_refused(bad: tuple) -> None:
    with pytest.raises(BadInput):
        StandardMerkleTree.of([bad])


def test_empty_tree_and_bad_proof_index_are_refused() -> None:
    with pytest.raises(BadInput, match="at least one leaf"):
        StandardMerkleTree.of([])
    with pytest.raises(BadInput, match="no leaf 2"):
        StandardMerkleTree.of([("0x" + "1" * 40, 1)]).proof(2)
    with pytest.raises(BadInput, match="proof element"):
        verify("0x" + "0" * 64, ("0x" + "1" * 40, 1), ["0x12"])
