"""Shared fixtures. Every test gets its own real database, copied from one migrated by the real
Alembic revisions once per session; platformdirs folders point into tmp_path.

Database-facing tests run on SQLite always and also on PostgreSQL when MENTORDESK_TEST_PG_URL
is set (an admin URL; each test gets a fresh database made from a migrated template).
Tests that need the SQLite file itself use `db_path` and are skipped on PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.properties import PROFILE

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# New databases are encrypted by default (issue 18); the suite's databases are plain unless a test says otherwise
# (tests/test_new_databases_encrypted.py deletes this to test the default).
os.environ.setdefault("MENTORDESK_UNENCRYPTED", "1")

# Hypothesis profiles (tests/properties.py): "dev" locally, "ci" when CI is set. CI's are derandomized
# (the same examples on the same code, so a red run reproduces) with more examples; both have no
# deadline (a real database's first query varies with the machine's load).
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, derandomize=True, max_examples=200, database=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
# "mutation" (make mutate): derandomized too, so a mutant is killed or not the same way every run; dev's counts.
settings.register_profile("mutation", deadline=None, derandomize=True, max_examples=50, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(PROFILE)

PG_ADMIN_URL = os.environ.get("MENTORDESK_TEST_PG_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_ADMIN_URL else [])
# `make mutate` sets MENTORDESK_TEST_BACKENDS=sqlite: the server's own tests (roles, grants) still reach the
# PostgreSQL it starts, but the tests of every other rule run once per mutant instead of once per backend.
BACKENDS = [b for b in BACKENDS if b in os.environ.get("MENTORDESK_TEST_BACKENDS", "sqlite,postgresql").split(",")]
PG_TEMPLATE = f"mentordesk_template_{os.getpid()}"  # one per test run: runs may overlap


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    monkeypatch.setenv("MENTORDESK_HOME", str(home))
    monkeypatch.delenv("MENTORDESK_DB", raising=False)
    yield home
    import sys

    drafts = sys.modules.get("app.services.cap.drafts")
    if drafts is not None:  # a window built in this test tied CAP drafts to its database (one per process)
        drafts.use_database(None)
    if "PySide6.QtWidgets" in sys.modules:  # a message box a test left open must not show in the next test
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance()
        for widget in app.topLevelWidgets() if app is not None else []:
            if isinstance(widget, QMessageBox) and widget.isVisible():
                widget.close()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app import db

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = db.make_engine(str(path))
    db.upgrade(engine)
    engine.dispose()
    return path


def _pg_admin():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> str:
    """A PostgreSQL database migrated to head, copied for each test (CREATE DATABASE ... TEMPLATE)."""
    from sqlalchemy import text

    from app import db

    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {PG_TEMPLATE}"))
    engine = db.make_engine(_pg_url(PG_TEMPLATE))
    db.upgrade(engine)
    engine.dispose()
    yield PG_TEMPLATE
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_path(backend: str, tmp_path: Path, migrated_template: Path) -> Path:
    """The test's SQLite file (tests that need the file itself are SQLite-only)."""
    if backend != "sqlite":
        pytest.skip("needs the SQLite file")
    path = tmp_path / "mentordesk.sqlite3"
    shutil.copy(migrated_template, path)
    return path


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return str(request.getfixturevalue("db_path"))
    return _fresh_pg_database(request, template=request.getfixturevalue("pg_template"))


def _fresh_pg_database(request: pytest.FixtureRequest, template: str | None = None) -> str:
    """A new PostgreSQL database (a copy of `template`, or empty), dropped after the test."""
    from sqlalchemy import text

    name = f"mentordesk_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    request.addfinalizer(drop)
    return _pg_url(name)


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database with no schema at all (for migration tests), on each backend."""
    if backend == "sqlite":
        return str(tmp_path / "empty.sqlite3")
    return _fresh_pg_database(request)


@pytest.fixture
def database(db_url: str):  # type: ignore[no-untyped-def]
    from app.db import Database

    database = Database.open(db_url)
    yield database
    database.dispose()


@pytest.fixture
def two_people(database, db_url: str):  # type: ignore[no-untyped-def]
    """Alice and Bob, each with their own connection to the test's database (the same district)."""
    from app.db import Database

    alice, bob = Database.open(db_url, actor="alice"), Database.open(db_url, actor="bob")
    yield alice, bob
    alice.dispose()
    bob.dispose()


@pytest.fixture
def session(database):  # type: ignore[no-untyped-def]
    """A session whose work the test commits explicitly (or not)."""
    with database.sessions() as session:
        yield session


@pytest.fixture
def run_cli(db_url: str, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `mentordesk ARGS --db <the test's database>`; returns (exit code, stdout, stderr)."""
    from app.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*map(str, args), "--db", db_url])
        out, err = capsys.readouterr()
        return code, out, err

    return run


_TESTS_RUN = itertools.count(1)


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread():
    """The window turns Python's automatic cycle collector off and collects on the GUI thread
    (application._collect_on_the_gui_thread); between tests nothing else would, so collect here:
    the young generations after each test (a test's garbage is there), everything every 100 tests
    (a full collection walks the whole heap: 0.4 s)."""
    yield
    import gc

    if not gc.isenabled():
        gc.collect(2 if next(_TESTS_RUN) % 100 == 0 else 1)


@pytest.fixture
def passphrase_keys(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """New and opened databases keyed by a passphrase, as on a computer with no OS keyring; Argon2id at its
    minimum cost (a test's speed, not a person's protection)."""
    import nacl.pwhash

    from app import dbkeys

    monkeypatch.setattr(dbkeys, "KDF_LIMITS", (nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN))
    monkeypatch.delenv(dbkeys.PLAIN_ENV, raising=False)
    monkeypatch.delenv(dbkeys.PASSPHRASE_ENV, raising=False)
    monkeypatch.setenv("MENTORDESK_NO_KEYRING", "1")
    dbkeys.forget()
    yield
    dbkeys.forget()
    dbkeys.set_passphrase_file(None)
