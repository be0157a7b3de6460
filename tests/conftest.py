"""Shared fixtures. Every test gets its own real SQLite file, copied from one database migrated
by the real Alembic revisions once per session; platformdirs folders point into tmp_path."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("MENTORDESK_HOME", str(home))
    monkeypatch.delenv("MENTORDESK_DB", raising=False)
    return home


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app import db

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = db.make_engine(str(path))
    db.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_path(tmp_path: Path, migrated_template: Path) -> Path:
    path = tmp_path / "mentordesk.sqlite3"
    shutil.copy(migrated_template, path)
    return path


@pytest.fixture
def database(db_path: Path):  # type: ignore[no-untyped-def]
    from app.db import Database

    database = Database.open(str(db_path))
    yield database
    database.dispose()


@pytest.fixture
def session(database):  # type: ignore[no-untyped-def]
    """A session whose work the test commits explicitly (or not)."""
    with database.sessions() as session:
        yield session


@pytest.fixture
def run_cli(db_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `mentordesk ARGS --db <test db>`; returns (exit code, stdout, stderr)."""
    from app.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*map(str, args), "--db", str(db_path)])
        out, err = capsys.readouterr()
        return code, out, err

    return run
