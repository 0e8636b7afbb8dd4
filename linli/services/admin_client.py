"""A client of the API's signed admin routes (api.signing, api/routes/admin.py): one RFC 9421 signed request
per call (api.request_signature).

    POST /admin/members                      members file, CSV (or ?format=jsonl); ?dry_run=true changes nothing
    POST /admin/orders                       orders file, CSV (or ?format=jsonl); ?dry_run=true changes nothing
    POST /admin/distributions/PERIOD/record  the signed payout record of a month already published on chain
    POST /admin/distributions/PERIOD/publish the signed payout record, published on chain by the API's key

Every failure is a LinliError whose message is one line: `ApiUnreachable` names the URL that did not answer,
`ApiRefused` carries the server's status and reason (and Retry-After when rate-limited).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx

from governance.errors import BadInput, LinliError
from governance.payout_record import signing_key
from governance.period import Period
from linli.services.admin_defaults import API_URL_ENV, KEY_ID_ENV, Format
from linli.services.admin_key import ADMIN_KEY_ENV, admin_seed

TIMEOUT_S = 120.0  # a publish waits for its transaction to be mined
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


class ApiUnreachable(LinliError):
    """No HTTP answer at all: nothing listening, a bad URL, a timeout."""


class ApiRefused(LinliError):
    """The API answered with an error status; `reason` is the server's own words."""

    def __init__(self, status: int, reason: str, *, where: str, retry_after: str | None = None) -> None:
        self.status, self.reason, self.retry_after = status, reason, retry_after
        text = f"{where}: {status} {_phrase(status)}: {reason}"
        if retry_after is not None:
            text += f" (Retry-After: {retry_after} s)"
        super().__init__(text + _hint(status, reason))


def load_seed(key_file: Path | None = None, env: Mapping[str, str] = os.environ) -> bytes:
    """The admin's 32-byte Ed25519 seed from `key_file`, else LINLI_ADMIN_KEY (seed hex or PKCS#8 PEM)."""
    if key_file is None and not env.get(ADMIN_KEY_ENV, "").strip():
        raise BadInput(f"no admin key: set {ADMIN_KEY_ENV} (the Ed25519 seed, 64 hex digits, or a PEM private "
                       "key) or pass --admin-key-file FILE")
    return bytes(signing_key(admin_seed(key_file, env)).encode())


def public_key_hex(seed: bytes) -> str:
    """The Ed25519 public key, 64 lower-case hex digits: what the server lists in LINLI_ADMIN_KEYS."""
    return signing_key(seed).verify_key.encode().hex()


def file_format(path: Path, given: Format | None = None) -> Format:
    """`given`, else JSON Lines for *.jsonl / *.ndjson, else CSV."""
    if given is not None:
        return given
    return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "csv"


def read_file(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: {exc.strerror or exc}") from None


@dataclass(frozen=True, slots=True)
class AdminClient:
    """Signs each request with `seed` under `key_id` and sends it to the API at `base_url`."""

    base_url: str
    key_id: str
    seed: bytes
    timeout: float = TIMEOUT_S

    def upload_members(self, path: Path, fmt: Format | None = None, *, dry_run: bool = False) -> dict[str, Any]:
        """The server's ImportResult: rows, inserted, replaced (what a dry run would change)."""
        return self._upload_table("/admin/members", path, fmt, dry_run)

    def upload_orders(self, path: Path, fmt: Format | None = None, *, dry_run: bool = False) -> dict[str, Any]:
        return self._upload_table("/admin/orders", path, fmt, dry_run)

    def upload_record(self, period: str, path: Path) -> dict[str, Any]:
        """The payout record file, byte for byte: accepted only if its hash is the one on chain."""
        return self.post(f"/admin/distributions/{Period.parse(period)}/record", read_file(path), "application/json")

    def publish(self, period: str, path: Path) -> dict[str, Any]:
        """The payout record, published on chain by the API's key (it needs PUBLISHER_ROLE), then kept."""
        return self.post(f"/admin/distributions/{Period.parse(period)}/publish", read_file(path),
                         "application/json")

    def _upload_table(self, route: str, path: Path, fmt: Format | None, dry_run: bool) -> dict[str, Any]:
        chosen = file_format(Path(path), fmt)
        query = [f"format={chosen}"] if chosen != "csv" else []
        query += ["dry_run=true"] if dry_run else []
        target = f"{route}?{'&'.join(query)}" if query else route
        return self.post(target, read_file(path), CONTENT_TYPES[chosen])

    def post(self, target: str, body: bytes, content_type: str) -> dict[str, Any]:
        """POST `body` to `target` (path and query), signed (RFC 9421) over the URL exactly as sent; the JSON
        answer, or an error."""
        from api.request_signature import sign_headers  # here, not at the top: it would slow every `linli` start

        base = self.base_url.rstrip("/")
        try:
            request = httpx.Request("POST", base + target, content=body, headers={"Content-Type": content_type})
        except httpx.InvalidURL as exc:
            raise ApiUnreachable(f"bad API URL {base!r}: {exc}") from None
        if request.url.scheme not in ("http", "https") or not request.url.host:
            raise ApiUnreachable(f"bad API URL {base!r}: expected http(s)://HOST[:PORT]")
        request.headers.update(sign_headers(self.key_id, self.seed, "POST", str(request.url), body))
        try:
            with httpx.Client(timeout=self.timeout) as client:
                response = client.send(request)
        except httpx.TimeoutException:
            raise ApiUnreachable(f"the Linli API at {base} did not answer within {self.timeout:.0f} s") from None
        except httpx.ConnectError as exc:
            raise ApiUnreachable(f"cannot reach the Linli API at {base}: {_cause(exc)} (is `linli serve` running "
                                 f"there? set --api or {API_URL_ENV})") from None
        except httpx.HTTPError as exc:
            raise ApiUnreachable(f"the Linli API at {base}: {_cause(exc)}") from None
        where = f"POST {target}"
        if response.status_code >= 400:
            raise ApiRefused(response.status_code, _reason(response), where=where,
                             retry_after=response.headers.get("Retry-After"))
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ApiRefused(response.status_code, f"not a Linli API answer: {response.text[:120]!r}", where=where)
        return answer


def _reason(response: httpx.Response) -> str:
    """FastAPI's `detail` (a string, or a list of validation errors), else the start of the body."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, str):
        return " ".join(detail.split())  # one line, whatever the server wrote
    if isinstance(detail, list):
        return "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', e)}" if isinstance(e, dict)
                         else str(e) for e in detail)
    text = " ".join(response.text.split())
    return text[:200] or "(no reason given)"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


def _hint(status: int, reason: str) -> str:
    if status == 403:
        return f" (the key id is set with --key-id or {KEY_ID_ENV}; the server lists its keys in LINLI_ADMIN_KEYS)"
    if status == 401 and "signature does not verify" in reason:
        return (f" (is {ADMIN_KEY_ENV} the key whose public half, `linli admin public-key`, the server lists in "
                "LINLI_ADMIN_KEYS under this key id?)")
    if status == 404 and reason == "Not Found":
        return " (is this URL a Linli API?)"
    return ""


def _cause(exc: Exception) -> str:
    """The innermost reason ("[Errno 111] Connection refused" -> "connection refused")."""
    text = str(exc) or type(exc).__name__
    if "Connection refused" in text:
        return "connection refused"
    return text.splitlines()[0]
