"""`linli admin`: upload the co-op's files to the API's signed admin routes (the work is
`linli.services.admin_client`), and print the admin's public key for the server's LINLI_ADMIN_KEYS.

The key never travels on the command line: LINLI_ADMIN_KEY (Ed25519 seed, 64 hex digits) or
`--admin-key-file FILE`. The server must list its public half under the same id:
`LINLI_ADMIN_KEYS=admin:$(linli admin public-key)`.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from linli.cli.options import Json, emit_json, note
from linli.services.admin_defaults import API_URL_ENV, DEFAULT_API_URL, DEFAULT_KEY_ID, KEY_ID_ENV, Format

if TYPE_CHECKING:
    from linli.services.admin_client import AdminClient

app = typer.Typer(help="Upload members, orders and payout records to the API (Ed25519-signed admin requests).",
                  no_args_is_help=True)

Api = Annotated[str, typer.Option("--api", envvar=API_URL_ENV, show_envvar=True,
                                  help="Base URL of the Linli API (`linli serve`).")]
KeyId = Annotated[str, typer.Option("--key-id", envvar=KEY_ID_ENV, show_envvar=True,
                                    help="The admin key's id in the server's LINLI_ADMIN_KEYS (id:public-key).")]
AdminKeyFile = Annotated[Path | None, typer.Option(
    "--admin-key-file", help="File holding the admin's Ed25519 seed (64 hex digits) (default: LINLI_ADMIN_KEY).")]
FileFormat = Annotated[Format | None, typer.Option(
    "--format", help="csv | jsonl (default: jsonl for *.jsonl / *.ndjson, else csv).")]
DataFile = Annotated[Path, typer.Argument(help="The file to upload (UTF-8, with a header row if CSV).")]
RecordFile = Annotated[Path, typer.Argument(help="The signed payout record, as `linli month close` wrote it "
                                                 "(payout-record-PERIOD.json).")]
PeriodArg = Annotated[str, typer.Argument(help="The month, YYYY-MM.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Have the server check the file and count the rows it "
                                                         "would insert and replace; nothing changes.")]


def _client(api: str, key_id: str, key_file: Path | None) -> AdminClient:
    from linli.services.admin_client import AdminClient, load_seed  # httpx loads only for a request

    return AdminClient(api, key_id, load_seed(key_file))


def _done(answer: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        emit_json(answer)
    else:
        typer.echo(line)


def _imported(answer: dict[str, Any], as_json: bool, kind: str, file: Path, api: str) -> None:
    counts = (f"{answer.get('rows')} {kind} ({answer.get('inserted')} new, {answer.get('replaced')} "
              "replaced)")
    if answer.get("dry_run"):
        _done(answer, as_json, f"dry run: would import {counts} from {file} into {api}; nothing changed")
    else:
        _done(answer, as_json, f"imported {counts} from {file} into {api}")


@app.command("upload-members")
def upload_members(file: DataFile, api: Api = DEFAULT_API_URL, key_id: KeyId = DEFAULT_KEY_ID,
                   admin_key_file: AdminKeyFile = None, fmt: FileFormat = None, dry_run: DryRun = False,
                   as_json: Json = False) -> None:
    """Import members (member_id, address, referrer_id, joined_at); a file with a bad row, or giving an address
    another member id holds, changes nothing. Prints the rows inserted and replaced."""
    answer = _client(api, key_id, admin_key_file).upload_members(file, fmt, dry_run=dry_run)
    _imported(answer, as_json, "members", file, api)


@app.command("upload-orders")
def upload_orders(file: DataFile, api: Api = DEFAULT_API_URL, key_id: KeyId = DEFAULT_KEY_ID,
                  admin_key_file: AdminKeyFile = None, fmt: FileFormat = None, dry_run: DryRun = False,
                  as_json: Json = False) -> None:
    """Import orders (order_id, member_id, amount_cents, paid_at, status, …); a bad row changes nothing.
    Prints the rows inserted and replaced (an order_id imported before is overwritten)."""
    answer = _client(api, key_id, admin_key_file).upload_orders(file, fmt, dry_run=dry_run)
    _imported(answer, as_json, "orders", file, api)


@app.command("upload-record")
def upload_record(period: PeriodArg, file: RecordFile, api: Api = DEFAULT_API_URL, key_id: KeyId = DEFAULT_KEY_ID,
                  admin_key_file: AdminKeyFile = None, as_json: Json = False) -> None:
    """Upload the signed payout record of a published month (accepted only if its hash is the one on chain)."""
    answer = _client(api, key_id, admin_key_file).upload_record(period, file)
    _done(answer, as_json, f"accepted the payout record of {answer.get('period')}: {answer.get('members')} members, "
                           f"record hash {answer.get('record_hash')}")


@app.command("publish")
def publish(period: PeriodArg, file: RecordFile, api: Api = DEFAULT_API_URL, key_id: KeyId = DEFAULT_KEY_ID,
            admin_key_file: AdminKeyFile = None, as_json: Json = False) -> None:
    """Have the API publish a signed payout record on chain (its LINLI_PRIVATE_KEY needs PUBLISHER_ROLE)."""
    answer = _client(api, key_id, admin_key_file).publish(period, file)
    _done(answer, as_json, f"published {answer.get('period')}: {answer.get('members')} members, record hash "
                           f"{answer.get('record_hash')}, transaction {answer.get('tx_hash')}")


@app.command("public-key")
def public_key(key_id: KeyId = DEFAULT_KEY_ID, admin_key_file: AdminKeyFile = None, as_json: Json = False) -> None:
    """Print the admin key's Ed25519 public key (hex); the server lists it as LINLI_ADMIN_KEYS=ID:HEX."""
    from linli.services.admin_client import load_seed, public_key_hex

    public = public_key_hex(load_seed(admin_key_file))
    if as_json:
        emit_json({"key_id": key_id, "public_key": public, "admin_keys": f"{key_id}:{public}"})
        return
    typer.echo(public)
    note(f"on the server: LINLI_ADMIN_KEYS={key_id}:{public}")
