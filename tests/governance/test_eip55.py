"""EIP-55 through cchecksum's C implementation agrees with eth_utils' pure-Python one, and loading keeps
its refusals (same messages) for malformed addresses and wrong checksums."""
from __future__ import annotations

import cchecksum
import eth_utils
import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.errors import BadInput
from governance.loading import checksum_address

addresses = st.binary(min_size=20, max_size=20)


def test_the_reference_is_eth_utils_own_pure_python_function() -> None:
    assert eth_utils.to_checksum_address is not cchecksum.to_checksum_address
    assert eth_utils.to_checksum_address.__module__ == "eth_utils.address"


@given(addresses)
def test_checksum_equals_eth_utils_for_lower_upper_and_checksummed_input(raw: bytes) -> None:
    expected = eth_utils.to_checksum_address(raw)
    for text in ("0x" + raw.hex(), "0x" + raw.hex().upper(), expected):
        assert checksum_address(text) == expected


@given(addresses, st.data())
def test_one_letter_in_the_wrong_case_is_a_wrong_checksum(raw: bytes, data: st.DataObject) -> None:
    good = eth_utils.to_checksum_address(raw)
    body = good[2:]
    letters = [i for i, c in enumerate(body) if c.isalpha()]
    if body in (body.lower(), body.upper()):
        return  # all digits or one case throughout: every case of it is lower or upper, so valid
    i = data.draw(st.sampled_from(letters))
    wrong = "0x" + body[:i] + body[i].swapcase() + body[i + 1:]
    if wrong[2:] in (body.lower(), body.upper()):
        assert checksum_address(wrong) == good
        return
    with pytest.raises(BadInput) as caught:
        checksum_address(wrong)
    assert str(caught.value) == f"{wrong!r} has a wrong EIP-55 checksum: re-copy it or write it in lower case"


@pytest.mark.parametrize("text", ["", "0x", "0x123", "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
                                  "0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
                                  "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg",
                                  "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed0",
                                  "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaé",
                                  "0x" + "\u0660" * 40])
def test_malformed_addresses_keep_their_message(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        checksum_address(text)
    assert str(caught.value) == f"{text!r} is not an address: expected 0x followed by 40 hex digits"
