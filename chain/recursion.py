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

import importlib.abc
import importlib.util
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType

SAFE_RECURSION_LIMIT = 12_288
"""py-evm's EVM_RECURSION_LIMIT (1024 × 12): enough for py_ecc and py-evm, safe for C recursion."""


def restore_recursion_limit() -> int:
    """Import py_ecc (cheap: its package only sets the limit and imports lazily), then set the safe limit.

    py_ecc raises the limit once, when first imported, so importing it here first makes the setting stick;
    a later `import eth` keeps it (py-evm only raises the limit to this same value). Returns the limit."""
    import py_ecc  # noqa: F401  (imported for its side effect, so that it cannot happen later)

    sys.setrecursionlimit(SAFE_RECURSION_LIMIT)
    return SAFE_RECURSION_LIMIT


def keep_recursion_limit_safe() -> None:
    """The safe limit from the moment py_ecc is first imported, without importing it now: its import reads
    package metadata (~16 ms that the CLI's chain-free commands need not pay). Until then the interpreter's own
    limit (1,000) stands, which is safe too. If py_ecc is already loaded, the safe limit is set at once."""
    if "py_ecc" in sys.modules:
        sys.setrecursionlimit(SAFE_RECURSION_LIMIT)
    elif not any(isinstance(finder, _AfterPyEcc) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterPyEcc())


class _AfterPyEcc(importlib.abc.MetaPathFinder):
    """Finds nothing itself: on the first `import py_ecc` it lets the other finders find it and wraps the
    loader, so the safe limit is set right after py_ecc's own module code raised it."""

    def find_spec(self, fullname: str, path: object, target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname != "py_ecc":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenSafeLimit(spec.loader)
        return spec


class _ThenSafeLimit(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        sys.setrecursionlimit(SAFE_RECURSION_LIMIT)
