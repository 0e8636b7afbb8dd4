"""Request limits against a real `linli serve` process: 300 MB bodies (announced by Content-Length, or chunked
without one) are refused with 413 while the server's peak memory stays within a bound, and deeply nested
JSON (a body, a JSON Lines upload) is a 4xx after which the same process still answers. Nothing is mocked:
the bodies go over a TCP socket, and memory is the kernel's high-water mark of the server process."""
from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from nacl.signing import SigningKey

from api.request_signature import sign_headers
from chain.nodes import free_port

SEED = bytes(range(11, 43))
KEY_ID = "ops"
MIB = 1024 * 1024
HUGE = 300 * MIB
GROWTH_BOUND = 50 * MIB  # a behaviour bound: buffering any one of these bodies would add hundreds of MB


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]

    def peak_rss(self) -> int:
        """VmHWM: the most resident memory the process ever had, so a buffer freed again still counts."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no VmHWM in /proc/PID/status")

    def answers(self) -> bool:
        return self.process.poll() is None and httpx.get(self.url + "/status", timeout=30).status_code == 200


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("limits")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(LINLI_DATABASE_URL=f"sqlite:///{home / 'mirror.db'}", LINLI_RATE_LIMIT_PER_MINUTE="100000",
               LINLI_ADMIN_KEYS=f"{KEY_ID}:{SigningKey(SEED).verify_key.encode().hex()}")
    linli = Path(sys.executable).with_name("linli")
    process = subprocess.Popen([str(linli), "serve", "--no-index", "--port", str(port)], cwd=home, env=env,
                               stdout=subprocess.DEVNULL, stderr=(home / "serve.log").open("wb"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (home / "serve.log").read_text()
            try:
                if httpx.get(url + "/status", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "linli serve did not start"
            time.sleep(0.2)
        yield Server(url, port, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _chunks(total: int, size: int = MIB) -> Iterator[bytes]:
    block = b"a" * size
    for start in range(0, total, size):
        yield block[: min(size, total - start)]


def _chunked(total: int) -> Iterator[bytes]:
    for chunk in _chunks(total):
        yield f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    yield b"0\r\n\r\n"


def _exchange(port: int, head: bytes, body: Iterable[bytes]) -> int:
    """Send `head`, then `body` until the server answers or closes; the status code of its answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(head)
        for chunk in body:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered: stop sending
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1.1 "), f"no HTTP answer: {answer[:200]!r}"
    return int(answer.split(b" ", 2)[1])


def _head(target: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {target} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _signed_looking(target: str) -> dict[str, str]:
    """Every signing header well-formed, a real key id, but a digest and signature of another body: the old
    server read the whole body before it could tell."""
    return {**sign_headers(KEY_ID, SEED, "POST", "http://127.0.0.1" + target, b"something else"),  # _head's Host
            "Content-Type": "text/csv"}


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_huge_bodies_are_refused_without_growing_the_server(server: Server, framing: str) -> None:
    assert server.answers()
    before = server.peak_rss()
    for target, headers in (("/admin/members", _signed_looking("/admin/members")),
                            ("/admin/orders?format=jsonl", _signed_looking("/admin/orders?format=jsonl")),
                            ("/votes/relay", {"Content-Type": "application/json"})):
        if framing == "content-length":
            status = _exchange(server.port, _head(target, {**headers, "Content-Length": str(HUGE)}), _chunks(HUGE))
        else:
            status = _exchange(server.port, _head(target, {**headers, "Transfer-Encoding": "chunked"}),
                               _chunked(HUGE))
        assert status == 413, (target, framing, status)
    growth = server.peak_rss() - before
    assert growth < GROWTH_BOUND, f"peak memory grew by {growth / MIB:.0f} MiB for 300 MB bodies refused"
    assert server.answers()


def test_an_upload_within_its_limit_still_arrives_whole(server: Server) -> None:
    """The counting and spooling pass a body over the spool size through intact (its digest still matches)."""
    header = b"member_id,address,referrer_id,joined_at\n"
    body = header + b"# " + b"x" * (3 * MIB) + b"\n"
    target = "/admin/members?dry_run=true"
    response = httpx.post(server.url + target, content=body, timeout=120,
                          headers={**sign_headers(KEY_ID, SEED, "POST", server.url + target, body),
                                   "Content-Type": "text/csv"})
    assert response.status_code == 422, response.text  # signature and digest accepted; then the bad row refused
    assert "signature" not in response.json()["detail"] and "Content-Digest" not in response.json()["detail"]


def test_deep_json_is_a_4xx_and_the_server_lives_on(server: Server) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    for headers in ({"Content-Type": "application/json"}, {}):
        response = httpx.post(server.url + "/votes/relay", content=deep, headers=headers, timeout=60)
        assert response.status_code == 413, response.text  # 200 KB: over the relay's 16 KiB
        assert server.answers()
    small_but_deep = b"[" * 8_000 + b"]" * 8_000
    response = httpx.post(server.url + "/votes/relay", content=small_but_deep,
                          headers={"Content-Type": "application/json"}, timeout=60)
    assert response.status_code == 422 and "nested deeper than 64 levels" in response.json()["detail"]
    assert server.answers()

    target = "/admin/orders?format=jsonl"
    response = httpx.post(server.url + target, content=deep + b"\n", timeout=60,
                          headers={**sign_headers(KEY_ID, SEED, "POST", server.url + target, deep + b"\n"),
                                   "Content-Type": "application/x-ndjson"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == "orders line 1: nested deeper than 64 levels (refused before decoding)"
    assert server.answers()
