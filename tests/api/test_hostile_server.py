"""Hostile input against a real `linli serve` (uvicorn in its own process, not a TestClient): deep JSON, huge
and slow bodies, extreme numbers and dates, malformed CSV and JSON Lines, junk in every route's parameters.

Each attack must be answered with a 4xx naming what was wrong, never a 5xx, a hang or a dead process; the
last test checks that the process is still alive, logged no traceback, and that every read route of the
OpenAPI schema answers 200. Bodies that must not be buffered are sent over raw sockets, so the test controls
exactly what is on the wire (a declared length with no body, chunks without a length, a trickle).
"""
from __future__ import annotations

import http.client
import re
import secrets
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import psutil
import pytest
from eth_account import Account

from api.request_signature import sign_headers
from api_support import BACKENDS, Served, database, served, sync
from api_world import ADMIN_SEED, PERIOD, World

MIB = 1024 * 1024
RSS_GROWTH_BOUND = 32 * MIB  # below the upload limit (64 MiB): a server that buffers a refused body passes it
DEEP = b"[" * 100_000 + b"]" * 100_000  # 200 KB, the body that used to overflow the C stack
ORDER_HEADER = "order_id,member_id,amount_cents,paid_at,status,refunded_at,product_id,group_id\n"
MEMBER_HEADER = "member_id,address,referrer_id,joined_at\n"


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, world: World, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Served]:
    """One server per backend for the whole module; every test attacks the same process."""
    directory = tmp_path_factory.mktemp("hostile")
    with database(request.param, directory) as url:
        sync(url, world)
        with served(url, world, directory, LINLI_RATE_LIMIT_PER_MINUTE="1000000") as running:
            members = (MEMBER_HEADER + f"m-alice,{world.alice.address},,2026-01-05T10:00:00+08:00\n"
                       f"m-bob,{world.bob.address},m-alice,2026-02-01T09:00:00+08:00\n").encode()
            response = signed_post(running, "/admin/members", members)
            assert response.status_code == 200, response.text
            yield running


# --- helpers -------------------------------------------------------------------------------------------------

def signed_post(server: Served, target: str, body: bytes, content_type: str = "text/csv") -> httpx.Response:
    headers = {**sign_headers("ops", ADMIN_SEED, "POST", server.base + target, body),
               "Content-Type": content_type}
    return httpx.post(server.base + target, content=body, headers=headers, timeout=60)


def signed_get(server: Served, target: str) -> httpx.Response:
    """The admin's full leaderboard: the public one has no `all` window."""
    return httpx.get(server.base + target, headers=sign_headers("ops", ADMIN_SEED, "GET", server.base + target),
                     timeout=30)


def assert_alive(server: Served) -> None:
    assert server.process.poll() is None, f"the server died: {server.log_tail()}"
    response = httpx.get(f"{server.base}/status", timeout=30)
    assert response.status_code == 200, response.text


def assert_names(response: httpx.Response, line: int, field: str | None) -> None:
    """A 422 whose reason names the line (`file:N: field: …` or `line N`) and the field (None: a line that is
    refused whole, such as one nested too deep)."""
    assert response.status_code == 422, f"{response.status_code}: {response.text[:2000]}"
    detail = str(response.json()["detail"])
    assert re.search(rf"(:{line}: |line {line}\b)", detail), f"line {line} not named: {detail[:2000]}"
    assert field is None or re.search(rf"\b{field}\b", detail), f"field {field} not named: {detail[:2000]}"


def recent() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 3600))


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    sent: int  # body bytes the client managed to send before the server answered


def request_head(method: str, target: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def exchange(server: Served, head: bytes, body: Iterable[bytes] = (), *, timeout: float = 60) -> Reply:
    """Send `head`, then `body` piece by piece until the server answers (or drops us); read its response.
    The timeout only guards against a hang: a server that waits for a body it should refuse fails here."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(head)
        sent = 0
        for piece in body:
            if select.select([sock], [], [], 0)[0]:
                break  # answered (or closed): stop sending
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Reply(response.status, response.read(), sent)


def chunked(total: int, size: int = 256 * 1024) -> Iterator[bytes]:
    """`total` bytes of `x` as HTTP/1.1 chunks, then the last chunk."""
    piece = f"{size:x}\r\n".encode() + b"x" * size + b"\r\n"
    for _ in range(total // size):
        yield piece
    yield b"0\r\n\r\n"


class RssPeak:
    """The server's peak resident memory above its level at the start, sampled every few milliseconds (a peak
    matters: a buffered body freed at the end leaves no trace in the RSS afterwards)."""

    def __init__(self, pid: int) -> None:
        self._process = psutil.Process(pid)
        self._start = self._peak = self._process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self._peak = max(self._peak, self._process.memory_info().rss)

    def growth(self) -> int:
        self._stop.set()
        self._thread.join()
        return self._peak - self._start


@contextmanager
def rss_bounded(server: Served) -> Iterator[None]:
    peak = RssPeak(server.process.pid)
    yield
    growth = peak.growth()
    assert growth < RSS_GROWTH_BOUND, f"server memory grew by {growth / MIB:.1f} MiB while refusing a body"


def admin_headers(target: str, **extra: str) -> dict[str, str]:
    """Signed headers over an empty body: enough to reach the body (the digest is checked once it is read)."""
    return {**sign_headers("ops", ADMIN_SEED, "POST", "http://127.0.0.1" + target, b""), **extra}  # request_head's Host


# --- deep JSON -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    pytest.param(DEEP, id="200KB-nesting"),
    pytest.param(b"[" * 8_000 + b"]" * 8_000, id="16KB-nesting-under-the-body-limit"),
    pytest.param(b'{"proposal_id": ' + b"[" * 7_000 + b"]" * 7_000 + b"}", id="nested-in-a-field"),
    pytest.param(b'{"a":' * 3_000 + b"1" + b"}" * 3_000, id="nested-objects"),
])
def test_deep_json_to_the_relay_is_refused(server: Served, body: bytes) -> None:
    response = httpx.post(f"{server.base}/votes/relay", content=body,
                          headers={"Content-Type": "application/json"}, timeout=60)
    assert response.status_code in (413, 422), f"{response.status_code}: {response.text[:500]}"
    assert_alive(server)


def test_deep_json_chunked_to_the_relay_is_refused(server: Served) -> None:
    piece = 64 * 1024
    chunks = [f"{len(DEEP[i:i + piece]):x}\r\n".encode() + DEEP[i:i + piece] + b"\r\n"
              for i in range(0, len(DEEP), piece)] + [b"0\r\n\r\n"]
    head = request_head("POST", "/votes/relay", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    reply = exchange(server, head, chunks)
    assert reply.status in (413, 422), reply.body[:500]
    assert_alive(server)


@pytest.mark.parametrize("route", ["members", "orders"])
def test_deep_json_lines_upload(server: Served, world: World, route: str) -> None:
    target = f"/admin/{route}?format=jsonl"
    unsigned = httpx.post(server.base + target, content=DEEP + b"\n",
                          headers={"Content-Type": "application/x-ndjson"}, timeout=60)
    assert unsigned.status_code == 401, unsigned.text
    assert_names(signed_post(server, target, DEEP + b"\n", "application/x-ndjson"), 1, None)
    good = (b'{"member_id": "m-alice", "address": "%s", "joined_at": "2026-01-05T10:00:00+08:00"}\n'
            % world.alice.address.encode()) if route == "members" else (
        b'{"order_id": "deep-1", "member_id": "m-bob", "amount_cents": 100, "paid_at": "%s", "status": "paid", '
        b'"product_id": "rice"}\n' % recent().encode())
    assert_names(signed_post(server, target, good + good + DEEP + b"\n", "application/x-ndjson"), 3, None)
    assert_alive(server)


# --- huge and slow bodies ------------------------------------------------------------------------------------

HUGE_TARGETS = ["/votes/relay", "/admin/members", "/admin/orders?format=jsonl",
                f"/admin/distributions/{PERIOD}/record", f"/admin/distributions/{PERIOD}/publish", "/proposals"]


@pytest.mark.parametrize("target", HUGE_TARGETS)
def test_a_declared_huge_body_is_refused_before_it_is_sent(server: Served, target: str) -> None:
    """500 MB announced, not one byte sent: the answer has to come from the headers alone."""
    headers = {"Content-Type": "application/json", "Content-Length": str(500_000_000)}
    if target.startswith("/admin"):
        headers.update(admin_headers(target))
    with rss_bounded(server):
        reply = exchange(server, request_head("POST", target, headers))
    assert reply.status == 413, reply.body[:500]
    assert reply.sent == 0
    assert_alive(server)


@pytest.mark.parametrize("target", HUGE_TARGETS)
def test_a_chunked_body_without_length_is_cut_off(server: Served, target: str) -> None:
    """Up to 200 MiB in chunks: the server answers 413 once past its limit (64 MiB at most) and stops reading."""
    headers = {"Content-Type": "application/x-ndjson" if "orders" in target else "application/json",
               "Transfer-Encoding": "chunked"}
    if target.startswith("/admin"):
        headers.update(admin_headers(target))
    with rss_bounded(server):
        reply = exchange(server, request_head("POST", target, headers), chunked(200 * MIB))
    assert reply.status == 413, reply.body[:500]
    assert reply.sent < 100 * MIB, f"the server read {reply.sent / MIB:.0f} MiB before refusing"
    assert_alive(server)


def test_slow_clients_do_not_block_others(server: Served) -> None:
    """50 clients trickling bodies (more than the thread pool's 40 threads) while others read."""
    slow: list[socket.socket] = []
    try:
        for i in range(50):
            target = "/admin/orders" if i % 2 else "/votes/relay"
            headers = {"Content-Type": "text/csv" if i % 2 else "application/json", "Content-Length": "1000"}
            if i % 2:
                headers.update(admin_headers(target))
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=60)
            slow.append(sock)
            sock.sendall(request_head("POST", target, headers) + b"x" * 10)
        for sock in slow:
            sock.sendall(b"x")  # every slow client is still connected, mid-body
        with httpx.Client(base_url=server.base, timeout=30) as client:
            for path in ("/status", "/proposals", "/leaderboard", "/rules", "/distributions") * 4:
                assert client.get(path).status_code == 200, path
        statuses = []
        for sock in slow:
            sock.sendall(b"x" * 989)
            response = http.client.HTTPResponse(sock)
            response.begin()
            statuses.append(response.status)
        assert all(400 <= s < 500 for s in statuses), statuses
    finally:
        for sock in slow:
            sock.close()
    assert_alive(server)


# --- extreme numbers and dates -------------------------------------------------------------------------------

@pytest.mark.parametrize("cents", [2**62, 2**63 - 1, 2**63, 2**64, 2**256, 10**40, -1, 0, -(2**63) - 1])
def test_extreme_order_amounts(server: Served, cents: int) -> None:
    """Refused, naming line and field (the issue's bound: 2^62 and up, zero and below); the sales leaderboard
    answers afterwards. Two orders each, as two of 2^62 would overflow a 64-bit SUM if stored."""
    tag = secrets.token_hex(4)
    body = (ORDER_HEADER + f"x{tag}-1,m-bob,{cents},{recent()},paid,,rice,\n"
            f"x{tag}-2,m-alice,{cents},{recent()},paid,,rice,\n").encode()
    response = signed_post(server, "/admin/orders", body)
    assert_names(response, 2, "amount_cents")
    for window in ("day", "week", "month", "year", "all"):
        board = signed_get(server, f"/admin/leaderboard?metric=sales&window={window}")
        assert board.status_code == 200, f"{window}: {board.text}"


@pytest.mark.parametrize("cents", ["1e40", "1.5", "NaN", "Infinity", "true", '"12"', "[1]", str(2**256)])
def test_extreme_amounts_in_json_lines(server: Served, cents: str) -> None:
    line = (f'{{"order_id": "j{secrets.token_hex(4)}", "member_id": "m-bob", "amount_cents": {cents}, '
            f'"paid_at": "{recent()}", "status": "paid", "product_id": "rice"}}\n').encode()
    response = signed_post(server, "/admin/orders?format=jsonl", line, "application/x-ndjson")
    if cents == '"12"':  # a number written as a JSON string is read like the CSV's text
        assert response.status_code == 200, response.text
    else:
        assert_names(response, 1, "amount_cents")
    assert httpx.get(f"{server.base}/leaderboard", params={"metric": "sales"}, timeout=30).status_code == 200


BAD_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0000-01-01T00:00:00+00:00",
             "2026-02-30T00:00:00+08:00", "2026-01-01T00:00:00", "2026-01-01T00:00:00+25:00", "garbage",
             "9" * 300, "2026-01-01T24:00:00+08:00", "１９７０-01-01T00:00:00+00:00"]
EDGE_TIMES = ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"]


@pytest.mark.parametrize("when", BAD_TIMES + EDGE_TIMES)
def test_extreme_join_dates(server: Served, when: str) -> None:
    member_id, address = f"d{secrets.token_hex(4)}", Account.create().address
    response = signed_post(server, "/admin/members", f"{MEMBER_HEADER}{member_id},{address},,{when}\n".encode())
    if when in BAD_TIMES:
        assert_names(response, 2, "joined_at")
    else:
        assert response.status_code in (200, 422), response.text
    for metric in ("new_customers", "sales", "orders", "points"):
        board = signed_get(server, f"/admin/leaderboard?metric={metric}&window=all")
        assert board.status_code == 200, f"{metric}: {board.text}"
    assert httpx.get(f"{server.base}/members/{address}", timeout=30).status_code in (200, 404)


@pytest.mark.parametrize("when", BAD_TIMES + EDGE_TIMES)
def test_extreme_order_dates(server: Served, when: str) -> None:
    body = f"{ORDER_HEADER}t{secrets.token_hex(4)},m-bob,100,{when},paid,,rice,\n".encode()
    response = signed_post(server, "/admin/orders", body)
    if when in BAD_TIMES:
        assert_names(response, 2, "paid_at")
    else:
        assert response.status_code in (200, 422), response.text
    for window in ("day", "month", "all"):
        board = signed_get(server, f"/admin/leaderboard?metric=sales&window={window}")
        assert board.status_code == 200, f"{window}: {board.text}"


@pytest.mark.parametrize("proposal_id,status", [
    (str(2**256), 422), (str(10**77 * 9), 422), ("1" * 79, 422), ("-1", 422), ("0x10", 422),
    (str(2**256 - 1), 404), ("0", 404), ("0" * 78, 404),
])
def test_proposal_ids_past_uint256(server: Served, proposal_id: str, status: int) -> None:
    for path in (f"/proposals/{proposal_id}", f"/proposals/{proposal_id}/votes"):
        response = httpx.get(server.base + path, timeout=30)
        assert response.status_code == status, f"{path}: {response.status_code} {response.text}"


BALLOT = {"proposal_id": "1", "support": 1, "voter": "0x" + "11" * 20, "nonce": "0",
          "signature": "0x" + "22" * 64 + "1b"}


@pytest.mark.parametrize("field,value", [
    ("proposal_id", str(2**256)), ("proposal_id", 2**256), ("proposal_id", -1), ("proposal_id", 1e300),
    ("nonce", str(2**256)), ("nonce", 2**256), ("support", 2**64), ("support", -1), ("support", 1.5),
    ("signature", "0x" + "ff" * 65), ("signature", "0x" + "00" * 65), ("voter", "0x" + "g" * 40),
    ("voter", None), ("proposal_id", ["1"]),
])
def test_extreme_ballots(server: Served, field: str, value: object) -> None:
    response = httpx.post(f"{server.base}/votes/relay", json={**BALLOT, field: value}, timeout=60)
    assert response.status_code == 422, f"{response.status_code}: {response.text}"
    assert field in response.text, response.text
    assert_alive(server)


# --- malformed CSV and JSON Lines ----------------------------------------------------------------------------

def _members_csv(world: World, rows: str) -> bytes:
    return (MEMBER_HEADER + rows).format(alice=world.alice.address, bob=world.bob.address).encode()


MALFORMED_CSV: list[tuple[str, Callable[[World], bytes], int, str]] = [
    ("wrong-header", lambda w: f"id,addr\nm-alice,{w.alice.address}\n".encode(), 1, "id"),
    ("ragged-row", lambda w: _members_csv(w, "m-alice,{alice},,2026-01-05T10:00:00+08:00\nm-x,{bob}\n"), 3, "row"),
    ("nul-in-id", lambda w: _members_csv(w, "m-\0x,0x" + "13" * 20 + ",,2026-01-05T10:00:00+08:00\n"), 2,
     "member_id"),
    ("nul-in-time", lambda w: _members_csv(w, "m-alice,{alice},,2026-01-05T10:00:00+08:00\0\n"), 2, "joined_at"),
    ("invalid-utf8", lambda w: _members_csv(w, "m-alice,{alice},,2026-01-05T10:00:00+08:00\n")
     + b"m-\xff\xfe,0x" + b"1" * 40 + b",,2026-01-05T10:00:00+08:00\n", 3, "member_id"),
    ("2KB-field", lambda w: _members_csv(w, "m-" + "x" * 2_000 + ",{alice},,2026-01-05T10:00:00+08:00\n"),
     2, "member_id"),
    # past the line bound reading stops before the fields are split: the line is named as a whole
    ("200KB-field", lambda w: _members_csv(w, "m-" + "x" * 200_000 + ",{alice},,2026-01-05T10:00:00+08:00\n"),
     2, "row"),
    ("unclosed-quote", lambda w: _members_csv(w, 'm-alice,"{alice},,2026-01-05T10:00:00+08:00\n'), 2, "row"),
    ("empty", lambda w: b"", 1, "header"),
    ("bom-inside", lambda w: _members_csv(w, "\ufeffm-bom,0x" + "12" * 20 + ",,2026-01-05T10:00:00+08:00\n"), 2,
     "member_id"),
]


@pytest.mark.parametrize("name,body,line,field", MALFORMED_CSV, ids=[c[0] for c in MALFORMED_CSV])
def test_malformed_csv(server: Served, world: World, name: str, body: Callable[[World], bytes], line: int,
                       field: str) -> None:
    assert_names(signed_post(server, "/admin/members", body(world)), line, field)
    assert_alive(server)


def test_a_leading_bom_is_read_as_utf8(server: Served, world: World) -> None:
    body = b"\xef\xbb\xbf" + _members_csv(world, "m-alice,{alice},,2026-01-05T10:00:00+08:00\n")
    response = signed_post(server, "/admin/members", body)
    assert response.status_code == 200, response.text


MALFORMED_JSONL: list[tuple[str, bytes, int, str | None]] = [
    ("not-json", b"member_id=m-alice\n", 1, "row"),
    ("array", b'["m-alice", "0x0"]\n', 1, "row"),
    ("scalar", b"42\n", 1, "row"),
    ("second-line-truncated", b'{"member_id": "m-a", "address": "0x' + b"1" * 40
     + b'", "joined_at": "2026-01-05T10:00:00+08:00"}\n{"member_id": \n', 2, "row"),
    ("object-as-id", b'{"member_id": {"a": 1}, "address": "0x' + b"1" * 40
     + b'", "joined_at": "2026-01-05T10:00:00+08:00"}\n', 1, "member_id"),
    ("deep-in-a-field", b'{"member_id": ' + b"[" * 5_000 + b"]" * 5_000 + b"}\n", 1, None),
    ("unknown-field", b'{"member_id": "m-a", "evil": 1}\n', 1, "evil"),
    ("invalid-utf8", b'{"member_id": "m-\xff", "address": "0x' + b"1" * 40
     + b'", "joined_at": "2026-01-05T10:00:00+08:00"}\n', 1, None),
]


@pytest.mark.parametrize("name,body,line,field", MALFORMED_JSONL, ids=[c[0] for c in MALFORMED_JSONL])
def test_malformed_json_lines(server: Served, name: str, body: bytes, line: int, field: str | None) -> None:
    assert_names(signed_post(server, "/admin/members?format=jsonl", body, "application/x-ndjson"), line, field)
    assert_alive(server)


# --- junk in every route -------------------------------------------------------------------------------------

JUNK = ["", "0", "-1", "9" * 100, str(2**256), "0x" + "0" * 40, "0x" + "g" * 40, "null", "true", "1e309", "NaN",
        "日本語", "\u202e", "a" * 5000, "2026-13", "0000-00", "9999-99", "'; DROP TABLE members;--", "..",
        "%00", "%ff", "%2e%2e%2f", "\r\nX-Injected: 1", "[]", "{}"]
JUNK_BODIES = [b"", b"null", b"{}", b"[]", b"\xff\xfe", b'{"a":', b"1e999999", b"-0", b"\0" * 100]


def _junk_path(template: str, value: str) -> str:
    quoted = value if value.startswith("%") else quote(value, safe="")
    return re.sub(r"\{[^}]+\}", lambda _: quoted, template)


def test_every_route_with_junk_params_answers_without_a_server_error(server: Served) -> None:
    schema = httpx.get(f"{server.base}/openapi.json", timeout=30).json()
    failures = []
    with httpx.Client(base_url=server.base, timeout=60) as client:
        for template, operations in schema["paths"].items():
            for method, operation in operations.items():
                query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
                for value in JUNK:
                    params = {name: value for name in query}
                    body = JUNK_BODIES[len(value) % len(JUNK_BODIES)] if method == "post" else None
                    try:
                        response = client.request(method.upper(), _junk_path(template, value), params=params,
                                                  content=body, headers={"Content-Type": "application/json"})
                    except httpx.TransportError as exc:  # a dropped connection is as bad as a 5xx
                        failures.append(f"{method.upper()} {template} {value[:40]!r} {body!r}: {exc!r}")
                        continue
                    if response.status_code >= 500:
                        failures.append(f"{method.upper()} {template} {value[:40]!r} {body!r}: "
                                        f"{response.status_code} {response.text[:200]}")
    assert not failures, "\n".join(failures)
    assert_alive(server)


# --- afterwards ----------------------------------------------------------------------------------------------

def test_afterwards_the_process_is_alive_and_every_read_route_answers(server: Served, world: World) -> None:
    """Runs last in the module (per backend): every GET of the schema without path parameters, and one real
    instance of each with them; and no traceback in the server's log over the whole attack."""
    record = signed_post(server, f"/admin/distributions/{PERIOD}/record", world.record.to_bytes(), "application/json")
    assert record.status_code == 200, record.text
    instances = {"address": world.alice.address, "member": world.alice.address,
                 "proposal_id": str(world.executed.id), "period": PERIOD, "poll_id": "1"}
    schema = httpx.get(f"{server.base}/openapi.json", timeout=30).json()
    reads = [re.sub(r"\{([^}]+)\}", lambda m: instances[m.group(1)], template)
             for template, operations in schema["paths"].items() if "get" in operations]
    own = ("/me/", f"/distributions/{PERIOD}/proofs/")  # a member's own data: 401 without a session
    absent = "/polls/1"  # this world opened no poll: a clean 404
    with httpx.Client(base_url=server.base, timeout=30) as client:
        answers = {path: (signed_get(server, path) if path.startswith("/admin/") else client.get(path)).status_code
                   for path in reads}
    expected = {path: 401 if f"{path}/".startswith(own) else 404 if path.startswith(absent) else 200
                for path in reads}
    assert answers == expected
    assert server.process.poll() is None
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[log.index("Traceback") - 300:][:6000]
