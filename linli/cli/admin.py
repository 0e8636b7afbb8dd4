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
from linli.i18n import t
from linli.services.admin_defaults import API_URL_ENV, DEFAULT_API_URL, DEFAULT_KEY_ID, KEY_ID_ENV, Format

if TYPE_CHECKING:
    from linli.services.admin_client import AdminClient

app = typer.Typer(help=t("admin.help"), no_args_is_help=True)

Api = Annotated[str, typer.Option("--api", envvar=API_URL_ENV, show_envvar=True, help=t("admin.api"))]
KeyId = Annotated[str, typer.Option("--key-id", envvar=KEY_ID_ENV, show_envvar=True, help=t("admin.key_id"))]
AdminKeyFile = Annotated[Path | None, typer.Option("--admin-key-file", help=t("opt.admin_key_file"))]
FileFormat = Annotated[Format | None, typer.Option("--format", help=t("admin.format"))]
DataFile = Annotated[Path, typer.Argument(help=t("admin.data_file"))]
RecordFile = Annotated[Path, typer.Argument(help=t("admin.record_file"))]
PeriodArg = Annotated[str, typer.Argument(help=t("opt.period"))]
DryRun = Annotated[bool, typer.Option("--dry-run", help=t("admin.dry_run"))]


def _client(api: str, key_id: str, key_file: Path | None) -> AdminClient:
    from linli.services.admin_client import AdminClient, load_seed  # httpx loads only for a request

    return AdminClient(api, key_id, load_seed(key_file))


def _done(answer: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        emit_json(answer)
    else:
        typer.echo(line)


def _imported(answer: dict[str, Any], as_json: bool, kind: str, file: Path, api: str) -> None:
    counts = t("admin.counts", rows=answer.get("rows"), kind=kind, inserted=answer.get("inserted"),
               replaced=answer.get("replaced"))
    done = t("admin.would_import" if answer.get("dry_run") else "admin.imported", counts=counts, file=file, api=api)
    _done(answer, as_json, done)


@app.command("upload-members", help=t("admin.upload_members.help"))
def upload_members(file: DataFile, api: Api = DEFAULT_API_URL, key_id: KeyId = DEFAULT_KEY_ID,
                   admin_key_file: AdminKeyFile = None, fmt: FileFormat = None, dry_run: DryRun = False,
                   as_json: Json = False) -> None:
    answer = _client(api, key_id, admin_key_file).upload_members(file, fmt, dry_run=dry_run)
    _imported(answer, as_json, t("admin.kind.members"), file, api)


@app.command("upload-orders", help=t("admin.upload_orders.help"))
def upload_orders(file: DataFile, api: Api = DEFAULT_API_URL, key_id: KeyId = DEFAULT_KEY_ID,
                  admin_key_file: AdminKeyFile = None, fmt: FileFormat = None, dry_run: DryRun = False,
                  as_json: Json = False) -> None:
    answer = _client(api, key_id, admin_key_file).upload_orders(file, fmt, dry_run=dry_run)
    _imported(answer, as_json, t("admin.kind.orders"), file, api)


@app.command("upload-record", help=t("admin.upload_record.help"))
def upload_record(period: PeriodArg, file: RecordFile, api: Api = DEFAULT_API_URL, key_id: KeyId = DEFAULT_KEY_ID,
                  admin_key_file: AdminKeyFile = None, as_json: Json = False) -> None:
    answer = _client(api, key_id, admin_key_file).upload_record(period, file)
    _done(answer, as_json, t("admin.record_accepted", period=answer.get("period"), members=answer.get("members"),
                             hash=answer.get("record_hash")))


@app.command("publish", help=t("admin.publish.help"))
def publish(period: PeriodArg, file: RecordFile, api: Api = DEFAULT_API_URL, key_id: KeyId = DEFAULT_KEY_ID,
            admin_key_file: AdminKeyFile = None, as_json: Json = False) -> None:
    answer = _client(api, key_id, admin_key_file).publish(period, file)
    _done(answer, as_json, t("admin.published", period=answer.get("period"), members=answer.get("members"),
                             hash=answer.get("record_hash"), tx=answer.get("tx_hash")))


@app.command("public-key", help=t("admin.public_key.help"))
def public_key(key_id: KeyId = DEFAULT_KEY_ID, admin_key_file: AdminKeyFile = None, as_json: Json = False) -> None:
    from linli.services.admin_client import load_seed, public_key_hex

    public = public_key_hex(load_seed(admin_key_file))
    if as_json:
        emit_json({"key_id": key_id, "public_key": public, "admin_keys": f"{key_id}:{public}"})
        return
    typer.echo(public)
    note(t("admin.on_server", pair=f"{key_id}:{public}"))
