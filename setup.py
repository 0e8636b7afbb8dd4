"""Build step of the wheel: files Linli needs at run time that live outside its packages go into them.

Everything else (metadata, packages, dependencies) is in pyproject.toml. setuptools has no declarative way to
take package data from outside the package directories, hence this one build_py command, which copies:

    build/contracts/**.json (brownie's)   -> chain/data/contracts/   abi, bytecode and deployedBytecode only
    contracts/deploy-defaults.json        -> chain/data/deploy-defaults.json
    examples/*                            -> linli/data/examples/
    node_modules: api/dashboard/vendor_packages.py -> api/dashboard/vendor/  what the pages load (dashboard, /docs)

so an installed Linli never reads the checkout, build/ or node_modules. Editable installs skip the copy: there
the code reads the same files from the checkout itself.
"""
from __future__ import annotations

import json
import runpy
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
ARTIFACT_FIELDS = ("contractName", "abi", "bytecode", "deployedBytecode")
VENDOR = {  # directory under api/dashboard/vendor -> (source directory, file patterns)
    name: (ROOT / "node_modules" / vendor.package, vendor.files)
    for name, vendor in runpy.run_path(str(ROOT / "api" / "dashboard" / "vendor_packages.py"))[
        "VENDOR_PACKAGES"].items()
}
HINT = "run toolchain/bootstrap.sh first (npm packages and `brownie compile`)"


class BuildWithData(build_py):
    """build_py, then the run-time data copied into the built packages (see the module docstring)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib)
        self._artifacts(ROOT / "build" / "contracts", target / "chain" / "data" / "contracts")
        self._copy(ROOT / "contracts" / "deploy-defaults.json", target / "chain" / "data" / "deploy-defaults.json")
        for example in sorted((ROOT / "examples").iterdir()):
            if example.is_file():
                self._copy(example, target / "linli" / "data" / "examples" / example.name)
        for name, (source, patterns) in VENDOR.items():
            for pattern in patterns:
                found = sorted(source.glob(pattern))
                if not found:
                    raise SystemExit(f"linli build: nothing matches {source / pattern}: {HINT}")
                for path in found:  # flattened: the pages load vendor/<name>/<file>
                    self._copy(path, target / "api" / "dashboard" / "vendor" / name / path.name)

    def _artifacts(self, source: Path, target: Path) -> None:
        """Brownie's artifacts cut to the fields chain.artifacts reads (16 MB of sources and ASTs otherwise)."""
        paths = sorted(source.rglob("*.json"))
        if not paths:
            raise SystemExit(f"linli build: no compiled contracts in {source}: {HINT}")
        for path in paths:
            data = json.loads(path.read_text(encoding="utf-8"))
            out = target / path.relative_to(source)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps({k: data[k] for k in ARTIFACT_FIELDS if k in data}), encoding="utf-8")

    def _copy(self, source: Path, target: Path) -> None:
        if not source.is_file():
            raise SystemExit(f"linli build: {source} is missing: {HINT}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


setup(
    cmdclass={"build_py": BuildWithData},
    # setuptools' default build directory is ./build, where brownie keeps its artifacts
    options={"build": {"build_base": ".toolchain/setuptools-build"}},
)
