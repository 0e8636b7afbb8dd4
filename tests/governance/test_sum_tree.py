"""governance.sum_tree: every line proves its inclusion and that the lines add up to the root's total; any change
to a line, a salt or a proof step is refused; a sibling cannot carry a sum outside 0 … total."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.errors import BadInput, VerificationError
from governance.sum_tree import MAX_AMOUNT, Step, SumNode, SumTree, leaf, parent, salt_for, verify

ADDRESSES = st.integers(0, 2**160 - 1).map(lambda n: f"0x{n:040x}")
AMOUNTS = st.integers(0, MAX_AMOUNT)
LINES = st.lists(st.tuples(ADDRESSES, AMOUNTS, st.binary(min_size=32, max_size=32)), min_size=1, max_size=40,
                 unique_by=lambda line: line[0])  # a record has one line per address


@settings(max_examples=150)
@given(LINES)
def test_every_line_proves_inclusion_and_the_total(lines: list[tuple[str, int, bytes]]) -> None:
    tree = SumTree(lines)
    assert tree.root.sum == sum(amount for _, amount, _ in lines)
    for i, (address, amount, salt) in enumerate(lines):
        proof = tree.proof(i)
        assert len(proof) <= max(1, (len(lines) - 1).bit_length())
        verify(address, amount, salt, proof, tree.root)
        assert [Step.from_json(step.to_json()) for step in proof] == proof


@settings(max_examples=150)
@given(LINES, st.data())
def test_a_changed_line_or_salt_is_refused(lines: list[tuple[str, int, bytes]], data: st.DataObject) -> None:
    tree = SumTree(lines)
    i = data.draw(st.integers(0, len(lines) - 1))
    address, amount, salt = lines[i]
    other_amount = data.draw(AMOUNTS.filter(lambda a: a != amount))
    other_salt = data.draw(st.binary(min_size=32, max_size=32).filter(lambda s: s != salt))
    other_address = data.draw(ADDRESSES.filter(lambda a: a != address))
    for changed in ((address, other_amount, salt), (address, amount, other_salt), (other_address, amount, salt)):
        with pytest.raises(VerificationError):
            verify(*changed, tree.proof(i), tree.root)


@settings(max_examples=150)
@given(LINES.filter(lambda lines: len(lines) > 1), st.data())
def test_a_changed_proof_step_is_refused(lines: list[tuple[str, int, bytes]], data: st.DataObject) -> None:
    tree = SumTree(lines)
    i = data.draw(st.integers(0, len(lines) - 1))
    proof = tree.proof(i)
    k = data.draw(st.integers(0, len(proof) - 1))
    step = proof[k]
    flip = data.draw(st.integers(0, 255))
    forged_hash = bytes([step.sibling.hash[0] ^ (flip or 1)]) + step.sibling.hash[1:]
    forged_sum = data.draw(st.integers(0, tree.root.sum).filter(lambda s: s != step.sibling.sum))
    for forged in (Step(SumNode(forged_hash, step.sibling.sum), step.sibling_on_left),
                   Step(SumNode(step.sibling.hash, forged_sum), step.sibling_on_left),
                   Step(step.sibling, not step.sibling_on_left)):
        with pytest.raises(VerificationError):
            verify(*lines[i], [*proof[:k], forged, *proof[k + 1:]], tree.root)


def test_a_sibling_cannot_carry_a_sum_beyond_the_total_or_below_zero() -> None:
    """Maxwell's flaw: with only the total committed, a sibling could hide a negative amount. Here every sum on
    the path is checked to lie within 0 … total."""
    root = SumNode(bytes(32), 400)
    for bad_sum in (-100, 401):
        with pytest.raises(VerificationError, match=f"sum {bad_sum} is not between 0 and the total 400"):
            verify("0x" + "11" * 20, 300, bytes(32), [Step(SumNode(bytes(32), bad_sum), False)], root)


def test_the_root_total_is_checked_against_the_published_one() -> None:
    lines = [("0x" + "11" * 20, 300, bytes(32)), ("0x" + "22" * 20, 200, bytes(range(32)))]
    tree = SumTree(lines)
    with pytest.raises(VerificationError, match="do not lead to the published sum root"):
        verify(*lines[0], tree.proof(0), SumNode(bytes(32), tree.root.sum))
    with pytest.raises(VerificationError, match="partial sum 500 is above the total 499"):
        verify(*lines[0], tree.proof(0), SumNode(tree.root.hash, 499))


def test_the_node_layout_is_fixed() -> None:
    """Known-answer vectors: a JavaScript verifier must hash exactly these bytes."""
    from eth_hash.auto import keccak
    address, salt = "0x" + "ab" * 20, bytes(range(32))
    one = leaf(address, 12_345, salt)
    assert one.hash == keccak(b"\x00" + bytes.fromhex("ab" * 20) + (12_345).to_bytes(32, "big") + salt)
    two = leaf("0x" + "cd" * 20, 5, bytes(32))
    top = parent(one, two)
    assert top.hash == keccak(b"\x01" + one.hash + (12_345).to_bytes(32, "big") + two.hash + (5).to_bytes(32, "big"))
    assert top.sum == 12_350 and SumTree([(address, 12_345, salt), ("0x" + "cd" * 20, 5, bytes(32))]).root == top


def test_salts_are_reproducible_and_separate_periods_and_members() -> None:
    secret = b"s" * 32
    a = salt_for(secret, "2026-11", "0x" + "AB" * 20)
    assert a == salt_for(secret, "2026-11", "0x" + "ab" * 20) and len(a) == 32
    assert len({a, salt_for(secret, "2026-12", "0x" + "ab" * 20), salt_for(secret, "2026-11", "0x" + "cd" * 20),
                salt_for(b"t" * 32, "2026-11", "0x" + "ab" * 20)}) == 4


@pytest.mark.parametrize("bad", [("0x12", 1, bytes(32)), ("0x" + "11" * 20, -1, bytes(32)),
                                 ("0x" + "11" * 20, MAX_AMOUNT + 1, bytes(32)), ("0x" + "11" * 20, 1, bytes(31))])
def test_bad_lines_are_one_clear_error(bad: tuple[str, int, bytes]) -> None:
    with pytest.raises(BadInput):
        SumTree([bad])


@pytest.mark.parametrize("step", [{"hash": "0x12", "sum": "1", "side": "left"},
                                  {"hash": "0x" + "00" * 32, "sum": "-1", "side": "left"},
                                  {"hash": "0x" + "00" * 32, "sum": "1", "side": "up"}, {"sum": "1"}])
def test_malformed_proof_steps_are_refused(step: dict[str, str]) -> None:
    with pytest.raises(BadInput, match=r"^sum proof step"):
        Step.from_json(step)
