"""A recursion limit that keeps the C stack safe after web3's dependencies raised it.

Importing py_ecc sets the interpreter's limit to 100,000. py_ecc needs depth for its recursive scalar
multiplication (`multiply` recurses once per bit of the scalar: about 256 frames for the bn128 precompiles);
py-evm (`eth`, the embedded chain) sets 12,288 itself so the EVM's 1,024 nested calls fit (about 12 Python
frames each). At 100,000, though, C code that recurses under the same counter (the json decoder, repr,
pickle) overflows an 8 MiB thread stack first and the process dies with a segfault instead of a
RecursionError. At py-evm's 12,288 those recursions end in a RecursionError even on a 2 MiB thread stack
(measured on CPython 3.11), and both libraries still get the depth they need.
"""
from __future__ import annotations

import sys

SAFE_RECURSION_LIMIT = 12_288
"""py-evm's EVM_RECURSION_LIMIT (1024 × 12): enough for py_ecc and py-evm, safe for C recursion."""


def restore_recursion_limit() -> int:
    """Import py_ecc (cheap: its package only sets the limit and imports lazily), then set the safe limit.

    py_ecc raises the limit once, when first imported, so importing it here first makes the setting stick;
    a later `import eth` keeps it (py-evm only raises the limit to this same value). Returns the limit."""
    import py_ecc  # noqa: F401  (imported for its side effect, so that it cannot happen later)

    sys.setrecursionlimit(SAFE_RECURSION_LIMIT)
    return SAFE_RECURSION_LIMIT
