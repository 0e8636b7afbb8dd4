"""Local Anvil or Ganache nodes that Linli starts and stops itself, on a free port (never the shared 8545).

The node's output goes to a log file (its tail is quoted when start-up fails); readiness means answering
`eth_chainId`; `stop` ends the node's own process group, politely first. Both nodes get the dev mnemonic,
a 30M block gas limit and Shanghai rules (Ganache's newest); Ganache also a non-zero gas price, without
which London-rule transactions sit in its mempool for ever.
"""
from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Literal

import requests

from chain.errors import NodeStartError
from chain.keys import DEV_MNEMONIC
import contextlib

NodeKind = Literal["anvil", "ganache"]
_PR_SET_PDEATHSIG = 1
SHARED_PORT = 8545  # brownie's; Linli's own nodes never take it
_ROOT = Path(__file__).resolve().parents[1]
# The npm launcher of Anvil is a node script that would outlive a SIGTERM'd parent: run the binary itself.
_NATIVE = {"anvil": _ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks; 8545 is refused)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port != SHARED_PORT:
            return port


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM it if the Python process dies (even killed -9)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    """Whether any process of group `pgid` still runs (zombies count until reaped by their parent)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _executable(kind: NodeKind) -> str:
    """LINLI_ANVIL / LINLI_GANACHE first, then the checkout's own binary (Anvil's native one, not its npm
    launcher), then PATH: an installed Linli has no node_modules beside it, so it takes the user's own nodes."""
    setting = f"LINLI_{kind.upper()}"
    chosen = os.environ.get(setting)
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise NodeStartError(f"{setting}={chosen}: no such executable")
        return found
    for local in (_NATIVE.get(kind), _ROOT / "node_modules" / ".bin" / kind):
        if local is not None and local.exists():
            return str(local)
    found = shutil.which(kind)
    if found is None:
        raise NodeStartError(f"{kind} not found: put it on PATH or set {setting} to its path "
                             f"(in a checkout, toolchain/bootstrap.sh installs it into node_modules)")
    return found


class LocalNode:
    """One Anvil or Ganache process. Use as a context manager, or call `start` and `stop`."""

    def __init__(
        self,
        kind: NodeKind,
        *,
        port: int | None = None,
        accounts: int = 10,
        gas_limit: int = 30_000_000,
        gas_price_wei: int = 10**9,
        startup_timeout: float = 60.0,
        log_path: Path | None = None,
    ) -> None:
        if kind not in ("anvil", "ganache"):
            raise NodeStartError(f"unknown node kind {kind!r}: use anvil or ganache")
        self.kind: NodeKind = kind
        self._port_chosen = port is None  # then a port taken between choosing and binding is re-chosen
        self.port = port or free_port()
        self.accounts, self.gas_limit, self.gas_price_wei = accounts, gas_limit, gas_price_wei
        self.startup_timeout = startup_timeout
        if log_path is None:
            handle, name = tempfile.mkstemp(prefix=f"linli-{kind}-", suffix=".log")
            os.close(handle)
            log_path = Path(name)
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """The full command line (no secrets: the dev mnemonic is public)."""
        if self.kind == "anvil":
            return [
                _executable("anvil"), "--host", "127.0.0.1", "--port", str(self.port),
                "--mnemonic", DEV_MNEMONIC, "--accounts", str(self.accounts),
                "--gas-limit", str(self.gas_limit), "--hardfork", "shanghai",
            ]
        return [
            _executable("ganache"), "--server.host", "127.0.0.1", "--server.port", str(self.port),
            "--wallet.mnemonic", DEV_MNEMONIC, "--wallet.totalAccounts", str(self.accounts),
            "--wallet.defaultBalance", "10000",
            "--miner.blockGasLimit", str(self.gas_limit), "--hardfork", "shanghai",
            "--miner.defaultGasPrice", str(self.gas_price_wei),
        ]

    def start(self, attempts: int = 3) -> LocalNode:
        """Launch the node and wait until it answers JSON-RPC; NodeStartError (with its log) if it does not.

        When Linli chose the port, another process may grab it before the node binds: then a fresh port
        is tried, up to `attempts` times.
        """
        attempt = 1
        while True:
            try:
                return self._start_once()
            except NodeStartError as exc:
                lost_race = "in use" in str(exc).lower() or "eaddrinuse" in str(exc).lower()
                if not (self._port_chosen and lost_race) or attempt >= attempts:
                    raise
                attempt += 1
                self.port = free_port()

    def _start_once(self) -> LocalNode:
        if self._process is not None:
            return self
        if _listening(self.port):  # else readiness would be answered by whoever holds the port
            raise NodeStartError(f"{self.kind}: port {self.port} is already in use")
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, so stop() also ends its children
                # Linux ties the death signal to the creating *thread*: only ask for it from the main thread
                preexec_fn=_die_with_parent if threading.current_thread() is threading.main_thread() else None,
            )
        atexit.register(self.stop)  # a script that forgets close() does not leave a node behind
        try:
            self._wait_ready()
        except NodeStartError:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        body = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise NodeStartError(
                    f"{self.kind} exited with code {self._process.returncode} on port {self.port}:\n"
                    f"{self.log_tail()}"
                )
            try:
                if "result" in requests.post(self.url, json=body, timeout=1).json():
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.1)
        raise NodeStartError(f"{self.kind} not ready after {self.startup_timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        """The last lines the node printed."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the node's process group and wait until every member is gone (the npm launcher exits
        before the real binary); SIGKILL whatever is left after `timeout` seconds."""
        process, self._process = self._process, None
        if process is None:
            return
        atexit.unregister(self.stop)
        _signal_group(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _group_alive(process.pid) and time.monotonic() < deadline:
            process.poll()  # reap the launcher, or it stays a zombie member of the group
            time.sleep(0.05)
        if _group_alive(process.pid):
            _signal_group(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)

    def __enter__(self) -> LocalNode:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
