"""Alembic's own CLI from the repository root (alembic.ini): history lists every revision script, upgrade
head builds the API's schema in the database LINLI_DATABASE_URL names (or `-x url=`), and a malformed URL is
one `FAILED:` line, not a traceback."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from api.models import Base

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC = Path(sys.executable).with_name("alembic")


def alembic(*args: str, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LINLI_DATABASE_URL"}
    if database_url is not None:
        env["LINLI_DATABASE_URL"] = database_url
    return subprocess.run([str(ALEMBIC), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini")))


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def version(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return str(db.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_history_lists_every_revision_script() -> None:
    result = alembic("history")
    assert result.returncode == 0, result.stderr
    revisions = [script.revision for script in scripts().walk_revisions()]
    assert len(revisions) >= 3
    for revision in revisions:
        assert f"-> {revision}" in result.stdout
    assert f"-> {scripts().get_current_head()} (head)" in result.stdout


def test_upgrade_head_builds_the_api_schema_at_linli_database_url(tmp_path: Path) -> None:
    path = tmp_path / "mirror.db"
    result = alembic("upgrade", "head", database_url=f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    assert version(path) == scripts().get_current_head()
    assert set(Base.metadata.tables) <= tables(path)
    again = alembic("upgrade", "head", database_url=f"sqlite:///{path}")  # idempotent: nothing to run
    assert again.returncode == 0 and "Running upgrade" not in again.stderr


def test_x_url_wins_over_the_environment(tmp_path: Path) -> None:
    chosen, ignored = tmp_path / "chosen.db", tmp_path / "ignored.db"
    result = alembic("-x", f"url=sqlite:///{chosen}", "upgrade", "head", database_url=f"sqlite:///{ignored}")
    assert result.returncode == 0, result.stderr
    assert version(chosen) == scripts().get_current_head()
    assert not ignored.exists()


def test_a_malformed_database_url_is_one_failed_line() -> None:
    result = alembic("upgrade", "head", database_url="not a url")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "FAILED: LINLI_DATABASE_URL / -x url: not a database URL" in result.stdout + result.stderr
