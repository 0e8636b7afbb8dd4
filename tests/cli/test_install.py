"""`pip install` of Linli's wheel gives a working `linli` outside the checkout.

The wheel is built offline (`pip wheel --no-build-isolation --no-index`) from a copy of the checkout's sources
and build inputs (brownie's build/contracts, the npm packages the dashboard loads): building in the shared
working tree would write build directories and egg-info beside other people's runs. It is installed into a
fresh venv that gets the heavy third-party dependencies from .venv's site-packages through a .pth line (so
nothing is downloaded; .venv's own editable Linli is not activated that way, as a .pth line adds a path without
processing the .pth files in it). Every command then runs from a directory outside the checkout and must find
Linli's code and data inside the installed packages.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.dashboard.vendor_packages import VENDOR_PACKAGES
from chain.nodes import free_port

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "governance", "chain", "api", "linli", "examples",
           "contracts/deploy-defaults.json", "build/contracts",
           *(f"node_modules/{vendor.package}" for vendor in VENDOR_PACKAGES.values()))
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
PACKAGES = ("governance", "chain", "api", "linli")

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Installed:
    venv: Path
    work: Path  # an empty directory outside the checkout, the cwd of every command
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=self.work, env=self.env, capture_output=True, text=True, timeout=timeout)

    def linli(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "linli"), *args, timeout=timeout)


def copy_sources(target: Path) -> None:
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("install")
    source, dist, venv, work = base / "src", base / "dist", base / "venv", base / "work"
    copy_sources(source)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(dist), str(source)], check=True, timeout=900)
    wheel, = dist.glob("linli-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    purelib = Path(subprocess.run([str(venv / "bin" / "python"), "-c",
                                   "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    (purelib / "heavy-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=600)
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINLI_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return Installed(venv=venv, work=work, env=env)


def test_the_code_comes_from_the_installed_packages(installed: Installed) -> None:
    probe = ("import json, sys, " + ", ".join(PACKAGES) + "; print(json.dumps({'files': ["
             + ", ".join(f"{p}.__file__" for p in PACKAGES) + "], 'path': sys.path}))")
    result = installed.run(str(installed.venv / "bin" / "python"), "-c", probe)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for file in report["files"]:
        assert Path(file).is_relative_to(installed.venv), file
    assert not any(entry and Path(entry).resolve() == ROOT for entry in report["path"])


def test_version_is_pyprojects(installed: Installed) -> None:
    result = installed.linli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"linli {VERSION}"


def test_typed_packages_and_license(installed: Installed) -> None:
    purelib = next(installed.venv.glob("lib/python*/site-packages"))
    for package in PACKAGES:
        assert (purelib / package / "py.typed").is_file(), package
    licence, = purelib.glob(f"linli-{VERSION}.dist-info/licenses/LICENSE")
    assert "MIT License" in licence.read_text(encoding="utf-8")


def test_demo_on_the_embedded_chain(installed: Installed) -> None:
    """Deploy defaults, contract artifacts and examples/rules.toml all come from the wheel."""
    result = installed.linli("demo", "--members", "30", "--out", str(installed.work / "demo"), timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "verified 30/30 members from the chain" in result.stdout
    assert (installed.work / "demo" / "deployment.json").is_file()


@pytest.fixture
def server(installed: Installed) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([str(installed.venv / "bin" / "linli"), "serve", "--port", str(port), "--no-index",
                                "--database", f"sqlite:///{installed.work / 'mirror.db'}"],
                               cwd=installed.work, env=installed.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        while process.poll() is None:  # uvicorn logs "Application startup complete" once it accepts
            line = process.stdout.readline()  # type: ignore[union-attr]
            if "Application startup complete" in line:
                break
        assert process.poll() is None, f"linli serve exited with {process.returncode}"
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_serve_answers_the_dashboard_and_its_scripts(server: str) -> None:
    with httpx.Client(base_url=server, timeout=60) as client:
        page = client.get("/dashboard/")
        assert page.status_code == 200 and "vendor/chartjs/chart.umd.min.js" in page.text
        chart = client.get("/dashboard/vendor/chartjs/chart.umd.min.js")
        assert chart.status_code == 200 and "Chart" in chart.text
        keccak = client.get("/dashboard/vendor/noble-hashes/sha3.js")
        assert keccak.status_code == 200 and "keccak_256" in keccak.text
        assert client.get("/dashboard/vendor/chartjs/missing.js").status_code == 404
        ethers = client.get("/dashboard/vendor/ethers/ethers.min.js")
        assert ethers.status_code == 200 and "TypedDataEncoder" in ethers.text
        assert "/dashboard/vendor/swagger-ui/swagger-ui-bundle.js" in client.get("/docs").text
        assert "SwaggerUIBundle" in client.get("/dashboard/vendor/swagger-ui/swagger-ui-bundle.js").text
        assert client.get("/openapi.json").json()["info"]["version"] == VERSION
