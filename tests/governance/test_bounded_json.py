"""governance.bounded_json: within the nesting bound it decodes exactly like json.loads; deeper is refused
before decoding; brackets and escaped quotes inside strings do not count; a 100,000-deep body cannot crash."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.bounded_json import MAX_DEPTH, TooDeep, loads, nesting_depth
from governance.errors import BadInput

TRICKY = st.text(alphabet=st.sampled_from('[]{}"\\/,:abc 中\n\t\u2028'), max_size=12)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                    TRICKY)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(TRICKY, inner, max_size=4)), max_leaves=20)


def depth(value: Any) -> int:
    """Nesting of a decoded value: 0 for a scalar, 1 + the deepest child for a list or an object."""
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


def wrapped(value: Any, levels: int, key: str) -> Any:
    """`value` inside `levels` more lists and objects, alternating."""
    for i in range(levels):
        value = [value] if i % 2 else {key: value}
    return value


@settings(max_examples=200)
@given(VALUES, st.integers(min_value=0, max_value=MAX_DEPTH), TRICKY, st.booleans())
def test_within_the_bound_it_decodes_exactly_like_json_loads(value: Any, extra: int, key: str, as_bytes: bool
                                                             ) -> None:
    value = wrapped(value, max(0, min(extra, MAX_DEPTH - depth(value))), key)
    text = json.dumps(value, ensure_ascii=False)
    body: str | bytes = text.encode() if as_bytes else text
    assert depth(value) <= MAX_DEPTH
    assert nesting_depth(body) == depth(value)
    assert loads(body) == json.loads(body) == value


@settings(max_examples=100)
@given(VALUES, st.integers(min_value=1, max_value=200), TRICKY)
def test_deeper_than_the_bound_is_refused_before_decoding(value: Any, beyond: int, key: str) -> None:
    value = wrapped(value, MAX_DEPTH + beyond, key)
    with pytest.raises(TooDeep, match=f"nested deeper than {MAX_DEPTH} levels"):
        loads(json.dumps(value, ensure_ascii=False), what="body")


@pytest.mark.parametrize("string", ['"' + "[" * 1000 + '"', r'"\"[[[[\""', '"\\\\"', r'"\\\"{{{{"', '"}}]]"'])
def test_brackets_and_escaped_quotes_inside_strings_do_not_count(string: str) -> None:
    text = "[" * MAX_DEPTH + string + "]" * MAX_DEPTH
    assert nesting_depth(text) == MAX_DEPTH
    assert loads(text) == json.loads(text)


def test_the_bound_is_exact_and_the_error_names_what() -> None:
    assert loads("[" * 64 + "]" * 64) == json.loads("[" * 64 + "]" * 64)
    with pytest.raises(TooDeep, match=r"^orders.jsonl line: nested deeper than 64 levels"):
        loads("[" * 65 + "]" * 65, what="orders.jsonl line")
    assert loads("[[1]]", max_depth=2) == [[1]]
    with pytest.raises(TooDeep):
        loads("[[[1]]]", max_depth=2)


@pytest.mark.parametrize("text", ["[1,", '{"a" 1}', "\"unterminated", ""])
def test_malformed_json_is_bad_input_with_a_position(text: str) -> None:
    with pytest.raises(BadInput, match=r"^JSON: not valid JSON \(.* at line 1 column \d+\)$"):
        loads(text)


def test_a_100000_deep_body_is_refused_without_crashing_the_process() -> None:
    """In a child process with py_ecc's recursion limit (100,000), where json.loads itself would overflow the
    C stack: the child must answer, not die by a signal."""
    script = (
        "import sys; sys.setrecursionlimit(100_000)\n"
        "from governance.bounded_json import loads, TooDeep\n"
        "for body in ('[' * 100_000, b'{\"a\":' * 100_000, '[' * 100_000 + ']' * 100_000):\n"
        "    try:\n"
        "        loads(body)\n"
        "    except TooDeep as exc:\n"
        "        print(exc)\n"
    )
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert child.returncode == 0, child.stderr
    assert child.stdout.splitlines() == ["JSON: nested deeper than 64 levels (refused before decoding)"] * 3


def test_a_number_beyond_ints_digit_limit_is_bad_input_not_a_plain_value_error() -> None:
    with pytest.raises(BadInput, match=r"upload: .*digits"):
        loads("[" + "9" * 5000 + "]", what="upload")
