"""Engine, sessions, SQLite pragmas and migrate-on-open (with a backup first).

One engine per process; one session per unit of work (`unit_of_work`). Tombstoned rows are
hidden from every ORM query here, in one place, unless a query asks for
`execution_options(include_deleted=True)`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import importlib
import logging
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.orm import Session, sessionmaker, with_loader_criteria
from sqlalchemy.pool import NullPool

from app import dbfiles, dbkeys, paths
from app.models import Base, Tracked, load_all
from app.errors import DamagedDatabaseError, DatabaseBusyError, DatabaseError

log = logging.getLogger("mentordesk.db")
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 10000  # SQLite's own wait for a lock on each statement

# sqlite3 binds None through its adapter protocol's slow path (a failed lookup and two failed
# attribute lookups, 1 us a value on this class of laptop: a third of binding a row of a roster
# or a sync bundle). An adapter registered for None takes the fast path to the same NULL.
sqlite3.register_adapter(type(None), lambda _none: None)
dbfiles.sqlcipher.register_adapter(type(None), lambda _none: None)  # the same for encrypted files


def migrations_dir() -> Path:
    """Absolute, so a frozen build (which bundles migrations/) finds it too."""
    import sys

    frozen_root = getattr(sys, "_MEIPASS", None)
    return Path(frozen_root) / "migrations" if frozen_root else MIGRATIONS_DIR


def _keyed(pragmas: list[str]):  # type: ignore[no-untyped-def]
    """A connect hook that gives SQLCipher the data key before anything reads the file (raw key:
    no key derivation per connection)."""

    def _key(dbapi_conn: Any, _record: object) -> None:
        for pragma in pragmas:
            dbapi_conn.execute(pragma)

    return _key


def _cipher_options(url: str) -> tuple[dict[str, Any], list[str] | None]:
    """For an encrypted SQLite file (app/dbkeys.py): SQLCipher as the DB-API module, and the pragmas
    that give each connection the data key."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return {}, None
    path = Path(database)
    if not dbkeys.is_encrypted(path):
        return {}, None
    return {"module": dbfiles.sqlcipher}, dbkeys.key_pragmas(dbkeys.data_key(path), dbkeys.page_size(path))


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def json_text(value: Any) -> str:
    """JSON columns' text: orjson writes it about 10x faster than the json module (a sync bundle
    or a roster import stores tens of thousands of values); non-string keys become strings as
    with json.dumps."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def json_value(stored: Any) -> Any:
    # SQLite gives a JSON column numeric affinity: a stored 3 comes back as the number 3, not text.
    return stored if isinstance(stored, (int, float)) else orjson.loads(stored)


def make_engine(url: str | None = None) -> Engine:
    url = paths.to_url(url) if url else paths.default_db_url()
    json_options: dict[str, Any] = {"json_serializer": json_text, "json_deserializer": json_value}
    # hide_parameters: an error's message (which reaches logs and tracebacks) never carries row values.
    json_options["hide_parameters"] = True
    if url.startswith("sqlite"):
        cipher, key_pragmas = _cipher_options(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10}, **cipher, **json_options)
        if key_pragmas is not None:
            event.listen(engine, "connect", _keyed(key_pragmas))  # first: nothing reads before the key
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "do_connect", _private_sqlite_file)  # before SQLite makes the file
    else:
        engine = create_engine(_with_keyring_password(url), pool_pre_ping=True, **json_options)
    return engine


def _with_keyring_password(url: str) -> Any:
    """A server URL without a password gets the one the OS keyring keeps for that login, if any (issue 18:
    passwords never need to be in the URL); else libpq reads ~/.pgpass or the service file."""
    parsed = make_url(url)
    if parsed.password is not None or not parsed.username:
        return url
    password = dbkeys.server_password(parsed.username, parsed.host, parsed.port, parsed.database)
    return parsed.set(password=password) if password else url


@event.listens_for(Session, "do_orm_execute")
def _hide_tombstones(state) -> None:  # type: ignore[no-untyped-def]
    """The one place that keeps deleted rows out of the UI and reports."""
    if state.is_select and not state.execution_options.get("include_deleted", False):
        state.statement = state.statement.options(
            with_loader_criteria(Tracked, lambda cls: cls.deleted_at.is_(None), include_aliases=True)
        )


def default_actor(engine: Engine) -> str:
    """The name recorded as `updated_by`: the server login, or this computer's user."""
    if engine.dialect.name != "sqlite" and engine.url.username:
        return engine.url.username
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some sandboxes
        return "unknown"


@event.listens_for(Session, "before_flush")
def _whole_schema_before_writing(_session: Session, _context, _instances) -> None:  # type: ignore[no-untyped-def]
    """The sync change log (app.services.sync.capture) reads every table's mapper on a write: make sure
    the capability models a process has not imported yet are registered first."""
    load_all()


@event.listens_for(Session, "before_flush")
def _stamp_actor(session: Session, _context, _instances) -> None:  # type: ignore[no-untyped-def]
    actor = session.info.get("actor")
    if not actor:
        return
    for obj in session.new:  # session.new builds a new set on each access: read it once
        if isinstance(obj, Tracked):
            obj.updated_by = actor
    for obj in session.dirty:
        if isinstance(obj, Tracked) and session.is_modified(obj):
            obj.updated_by = actor


# Modules that extend every session: the sync change log (app.services.sync.capture) registers its
# Session hooks when imported. A feature names its module here (app.services.sync does, when imported),
# so this layer never imports a feature. They are imported before the first session is made, not when
# this module is: the window opens the database before its first paint and makes no session until after
# it, and loading the sync models costs ~40 ms.
SESSION_EXTENSIONS: list[str] = []


def register_session_extension(module: str) -> None:
    if module not in SESSION_EXTENSIONS:
        SESSION_EXTENSIONS.append(module)


class _Sessions(sessionmaker):
    def __call__(self, **local_kw):  # type: ignore[no-untyped-def]
        for module in SESSION_EXTENSIONS:
            importlib.import_module(module)  # a dictionary look-up after the first time
        return super().__call__(**local_kw)


class Database:
    """An opened database: its engine, a session factory and a write lock.

    SQLite has one writer; `unit_of_work` serializes writes across threads so a worker thread
    and the GUI thread never race into "database is locked".
    """

    created = False  # this open made a new database file
    marker: Path | None = None  # this process's "open" marker beside the file (dbfiles.mark_open)
    recovery_key: str | None = None  # a new encrypted file's recovery key: shown once, never stored
    read_only = False  # set by read-only commands: unit_of_work rolls back instead of committing
    busy_wait: float | None = None  # seconds a unit of work waits for another process's write lock (commands)
    on_busy: Any = None  # called once when that wait begins (a command prints one line)

    def __init__(self, engine: Engine, actor: str | None = None):
        self.engine = engine
        self.actor = actor or default_actor(engine)
        self.sessions = _Sessions(engine, expire_on_commit=False, info={"actor": self.actor})
        self._write_lock = threading.RLock()

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, actor: str | None = None,
             create: bool = True, check: bool = False, encrypt: bool = False,
             passphrase: str | None = None) -> "Database":
        """Open (and migrate) a database. A file that is empty, not SQLite, not MentorDesk's or
        damaged is refused and left as it is; a missing file is created only when `create`;
        `check` runs `PRAGMA quick_check` first (before reports and exports).

        A new file is encrypted when `encrypt` (the window asks for it: issue 18, "new databases made from the
        window are encrypted by default"; a command when given a passphrase) unless MENTORDESK_UNENCRYPTED is
        set: its key wrapped by `passphrase`, or kept by the OS keyring when none is given
        (`new_database_key`); `recovery_key` then holds the recovery key to show once."""
        recovery = _new_encrypted_file(url, create=create, encrypt=encrypt, passphrase=passphrase)
        engine = make_engine(url)
        path = _sqlite_path(engine)
        problem = paths.synced_folder_problem(path) or (dbfiles.file_problem(path, create=create) if path else None)
        if problem:  # SQLite corrupts in a cloud-synced folder (issue 6): refuse before writing anything
            engine.dispose()
            raise DatabaseError(problem)
        created = (path is not None and not path.exists()) or recovery is not None
        try:
            if path is not None and path.exists() and recovery is None:
                dbfiles.refuse_foreign(path, _own_tables)
                unclean = not check and dbfiles.unclean_shutdown(path)
                if unclean:  # killed, a power cut or a crash last time: the cheap check before anything writes
                    log.info("the database was not closed properly last time; checking it (quick_check)")
                problems = dbfiles.quick_check(path) if check or unclean else []
                if problems:
                    raise DamagedDatabaseError(dbfiles.damaged_message(path, problems[0]), path, problems[0])
            if migrate:
                upgrade_on_open(engine)
        except BaseException as exc:
            engine.dispose()  # a refused or failed open leaves no connection behind
            if isinstance(exc, DamagedDatabaseError):
                raise
            plain = plain_problem(exc, str(path)) if path is not None else None
            detail = dbfiles.damage_detail(exc) if path is not None else None
            if plain and detail:
                raise DamagedDatabaseError(plain, path, detail) from exc
            if plain:
                raise DatabaseError(plain) from exc
            raise
        database = cls(engine, actor)
        database.created = created
        database.marker = dbfiles.mark_open(path) if path is not None else None  # removed on a clean close
        database.recovery_key = recovery
        if created:
            log.info("created a new database")
        return database

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None on a server."""
        return _sqlite_path(self.engine)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session for one user action or command: commit on success, roll back on error.

        With `busy_wait` set (the command line), a SQLite file's write lock is taken first, waiting for
        another process that holds it (`wait_for_write_lock`)."""
        with self._write_lock, self.sessions() as session:
            try:
                if self.busy_wait is not None and not self.read_only and self.path is not None:
                    self.wait_for_write_lock(session.connection().connection.driver_connection)
                yield session
                if self.read_only:  # a read-only command's incidental writes (a default year) are dropped
                    session.rollback()
                else:
                    session.commit()
            except BaseException:
                session.rollback()
                raise

    def wait_for_write_lock(self, raw: Any) -> None:
        """Begin a write transaction on the driver connection `raw` with the write lock held (BEGIN
        IMMEDIATE), trying again with a growing wait (0.25 s, 0.5 s, 1 s, 2 s, then 4 s a try) while
        another process holds it, for `busy_wait` seconds in all (issue 19). `on_busy` is called once,
        at the first refusal. Still held then: DatabaseBusyError, with nothing begun or written.
        Taking the lock before the first statement means the transaction never reads a snapshot it
        cannot then write from (SQLITE_BUSY_SNAPSHOT, which no wait cures)."""
        import time

        wait = self.busy_wait or 0.0
        deadline = time.monotonic() + wait
        step, told = 0.25, False
        try:
            while True:
                left = deadline - time.monotonic()
                raw.execute(f"PRAGMA busy_timeout={max(50, int(min(step, max(left, 0.0)) * 1000))}")
                try:
                    raw.execute("BEGIN IMMEDIATE")
                    return
                except dbfiles.ANY_DB_ERROR as exc:
                    if not dbfiles.is_busy(exc):
                        raise
                if time.monotonic() >= deadline:
                    raise DatabaseBusyError(
                        f"another MentorDesk window or command kept the database busy for {wait:g} seconds; "
                        "nothing was saved. Try again when it has finished.")
                if not told:
                    told = True
                    if self.on_busy is not None:
                        self.on_busy()
                step = min(step * 2, 4.0)
        finally:
            raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only (no write lock; WAL lets readers run beside the writer)."""
        with self.sessions() as session:
            yield session
            session.rollback()

    def dispose(self) -> None:
        """Close every connection: a clean close (the file is not checked on the next open)."""
        self.engine.dispose()
        dbfiles.mark_closed(self.marker)
        self.marker = None


def _new_encrypted_file(url: str | None, *, create: bool, encrypt: bool, passphrase: str | None) -> str | None:
    """Make a missing database file as an empty encrypted one, before the engine first connects; returns
    its recovery key, or None when nothing was made (a server, an existing file, encryption not wanted)."""
    path = _path_of(url)
    wanted = encrypt and dbkeys.encrypt_new_databases()
    if path is None or path.exists() or not create or not wanted or not path.parent.is_dir():
        return None
    if paths.synced_folder_problem(path) or dbfiles.file_problem(path, create=create):
        return None  # `open` says why, as it does for a plain file
    return dbfiles.create_encrypted(path, passphrase)


def new_database_key(url: str | None) -> str:
    """How a new database here would keep its key: "none" (it exists, is on a server, or encryption is off),
    "keyring" (the OS keyring keeps it) or "passphrase" (no keyring: someone must choose a passphrase)."""
    path = _path_of(url)
    if path is None or path.exists() or not dbkeys.encrypt_new_databases():
        return "none"
    return "keyring" if dbkeys.keyring_usable() else "passphrase"


# --- migrations -------------------------------------------------------------------------


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    cfg.attributes["engine"] = engine
    return cfg


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*=\s*['\"]?([\w.]*)['\"]?", re.M)


def _revision_graph() -> dict[str, str | None]:
    """revision -> down_revision, read from the revision files without importing them (opening the
    window must not pay for loading Alembic when the schema is already current)."""
    graph: dict[str, str | None] = {}
    for path in (migrations_dir() / "versions").glob("*.py"):
        found = dict(m.groups() for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8")))
        if found.get("revision"):
            graph[found["revision"]] = found.get("down_revision") or None
    return graph


def head_revision() -> str:
    """The one revision no other revision builds on (tests/test_schema_drift.py checks it is one)."""
    graph = _revision_graph()
    heads = set(graph) - set(graph.values())
    return min(heads) if heads else ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> set[str]:
    return set(_revision_graph())


def _sqlite_path(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    db = engine.url.database
    if not db or db == ":memory:":
        return None
    return Path(db)


def _private_sqlite_file(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> None:
    """Before each new connection: a missing database file is made 0600, so SQLite opens an empty
    file of that mode (its -wal and -shm files then take it), and an existing one, with its -wal
    and -shm, is tightened to 0600 (POSIX; issue 18). Lets the connection be made as usual."""
    database = cargs[0] if cargs else cparams.get("database")
    if not database or not isinstance(database, str) or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite says the folder is missing
    paths.create_private_file(path)
    for extra in ("-wal", "-shm", "-journal"):
        if (side := path.with_name(path.name + extra)).exists():
            paths.private_file(side)


BACKUPS_KEPT = 10  # the default of the `backup_keep` setting: the newest backups, whatever their age
BACKUP_MONTHS = 12  # and the newest backup of each month for a year
_BACKUP_STAMP = re.compile(r"-(\d{8}-\d{6}-\d{6})$")


def backup_sqlite(engine: Engine, reason: str, now: dt.datetime | None = None) -> Path | None:
    """Copy the database file to a timestamped backup (online backup API: WAL-safe), readable by
    its owner only, then prune this database's older backups (`prune_backups`)."""
    src = _sqlite_path(engine)
    if src is None or not src.exists():
        return None
    now = now or dt.datetime.now()
    dest = paths.backup_dir() / f"{src.stem}-{reason}-{now:%Y%m%d-%H%M%S-%f}{src.suffix}"
    paths.create_private_file(dest)
    dbfiles.online_backup(src, dest)
    with contextlib.closing(dbfiles.connect(dest)) as copy:
        keep = _backup_keep(copy)
    prune_backups(dest.parent, src.stem, src.suffix, keep=keep, now=now)
    return dest


def _backup_keep(conn: sqlite3.Connection) -> int:
    """The `backup_keep` setting (services/settings.py) as the database holds it, else the default."""
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = 'backup_keep' AND deleted_at IS NULL").fetchone()
        value = json_value(row[0]) if row and row[0] is not None else BACKUPS_KEPT
        return max(1, int(value))
    except (*dbfiles.ANY_DB_ERROR, ValueError, TypeError):  # an older schema, or a value the form would refuse
        return BACKUPS_KEPT


def prune_backups(folder: Path, stem: str, suffix: str, *, keep: int = BACKUPS_KEPT,
                  months: int = BACKUP_MONTHS, now: dt.datetime | None = None) -> list[Path]:
    """Delete the backups of one database (`STEM-REASON-YYYYmmdd-HHMMSS-ffffff.SUFFIX`) except the
    `keep` newest and the newest of each calendar month of the last `months` months. Returns what
    was deleted. Files whose names carry no stamp are left alone."""
    now = now or dt.datetime.now()
    dated: list[tuple[dt.datetime, Path]] = []
    for path in folder.glob(f"{glob.escape(stem)}-*{glob.escape(suffix)}"):
        found = _BACKUP_STAMP.search(path.name[: len(path.name) - len(suffix)])
        if found and path.is_file():
            try:
                dated.append((dt.datetime.strptime(found.group(1), "%Y%m%d-%H%M%S-%f"), path))
            except ValueError:
                continue
    dated.sort(reverse=True)
    kept = {path for _when, path in dated[:keep]}
    first_month = (now.year * 12 + now.month - 1) - (months - 1)
    newest_of_month: dict[int, Path] = {}
    for when, path in dated:  # newest first: the first seen of a month is its newest
        month = when.year * 12 + when.month - 1
        if first_month <= month and when <= now:
            newest_of_month.setdefault(month, path)
    kept |= set(newest_of_month.values())
    deleted = [path for _when, path in dated if path not in kept]
    for path in deleted:
        path.unlink(missing_ok=True)
        dbkeys.sidecar(path).unlink(missing_ok=True)  # an encrypted backup's key file
    return deleted


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations. On SQLite they run in ONE real transaction (see `_migration_engine`):
    killed at any point, the file is at the old revision or the new one, never between."""
    from alembic import command

    if _sqlite_path(engine) is None:
        command.upgrade(alembic_config(engine), revision)
        return
    migrating = _migration_engine(engine)
    try:
        command.upgrade(alembic_config(migrating), revision)
    finally:
        migrating.dispose()
    engine.dispose()  # pooled connections opened before the upgrade reconnect to the new schema


def _migration_engine(engine: Engine) -> Engine:
    """An engine on the same file whose transactions are real for DDL too. pysqlite begins a
    transaction only before INSERT/UPDATE/DELETE, so CREATE/ALTER/DROP (and Alembic's batch copies
    of tables) each commit on their own; SQLAlchemy's documented fix ("Serializable isolation /
    Savepoints / Transactional DDL" for pysqlite) turns the driver's transaction handling off and
    emits BEGIN itself. Foreign keys are off for the whole run (batch operations drop parent tables;
    the pragma is a no-op inside a transaction) and migrations/env.py checks every reference after."""
    cipher, key_pragmas = _cipher_options(engine.url.render_as_string(hide_password=False))
    migrating = create_engine(engine.url, hide_parameters=True, poolclass=NullPool, json_serializer=json_text,
                              json_deserializer=json_value, connect_args={"check_same_thread": False, "timeout": 60},
                              **cipher)
    if key_pragmas is not None:
        event.listen(migrating, "connect", _keyed(key_pragmas))

    @event.listens_for(migrating, "connect")
    def _connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=OFF", "busy_timeout=60000"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(migrating, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock at once: no other writer midway

    return migrating


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def upgrade_on_open(engine: Engine) -> Path | None:
    """Bring the schema to head. Backs up a populated older database first; refuses a newer one."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return None
    if current is not None and current not in known_revisions():
        raise DatabaseError(
            f"This database was written by a newer MentorDesk (schema {current}). "
            "Install the latest version to open it; nothing was changed."
        )
    backup = None
    if current is not None or _has_user_tables(engine):
        backup = backup_sqlite(engine, "before-upgrade")
    upgrade(engine)
    return backup


def _own_tables() -> set[str]:
    load_all()
    return set(Base.metadata.tables)


def _has_user_tables(engine: Engine) -> bool:
    load_all()
    return bool(set(inspect(engine).get_table_names()) & set(Base.metadata.tables))


@dataclass(frozen=True)
class CheckResult:
    backend: str
    server_version: str
    revision: str | None
    head: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [
            f"backend: {self.backend} {self.server_version}",
            f"schema: {self.revision or 'empty'} (head {self.head})",
        ]
        out += [f"problem: {p}" for p in self.problems] or ["integrity: ok"]
        return out


def check(engine: Engine) -> CheckResult:
    """Integrity and foreign-key checks (SQLite), and whether the schema is at head."""
    problems: list[str] = []
    head = head_revision()
    revision = current_revision(engine)
    if revision != head:
        problems.append(f"schema is at {revision or 'nothing'}, not at head {head}: run `mentordesk db upgrade`")
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            version = conn.execute(text("select sqlite_version()")).scalar_one()
            integrity = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if integrity != ["ok"]:
                problems += [f"integrity: {msg}" for msg in integrity]
            for table, rowid, parent, _fk in conn.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
        else:
            version = conn.execute(text("show server_version")).scalar_one()
            version = f"{version}, {_pg_transport(conn)}"
    return CheckResult(engine.dialect.name, str(version), revision, head, tuple(problems))


def _pg_transport(conn) -> str:  # type: ignore[no-untyped-def]
    """Whether this connection is encrypted (libpq's default sslmode=prefer uses TLS when offered)."""
    row = conn.execute(text("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).first()
    return f"TLS {row.version}" if row and row.ssl else "not encrypted (the server offers no TLS)"


def plain_problem(exc: BaseException, db: str | Path | None) -> str | None:
    """A plain sentence for a damaged file or a lock held too long, else None (an unexpected error)."""
    return dbfiles.plain_problem(exc, _path_of(db))


def plain_path(db: str | Path | None) -> Path | None:
    """The SQLite file a `--db` value (or the default) names; None for a server URL."""
    return _path_of(db)


def _path_of(db: str | Path | None) -> Path | None:
    if db is None:
        url = paths.default_db_url()
    elif isinstance(db, Path) or "://" not in str(db):
        return Path(db).expanduser().resolve()
    else:
        url = str(db)
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None
