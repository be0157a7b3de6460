"""The database as a file: refusing files that are not ours, damage checks, backups and restore.

SQLite only (a server database has none of this). Nothing here creates a database: a refused file
is left exactly as it was, and every message about a damaged file names the most recent backup
that passes `quick_check` and the command that restores it. An encrypted file (SQLCipher, its key in
the `<db>.keys` sidecar: app/dbkeys.py) is opened with its key by `connect`; its backups are
encrypted with the same key.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from app import dbkeys, paths
from app.errors import DatabaseError

SQLITE_MAGIC = dbkeys.SQLITE_MAGIC
DB_ERRORS = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
ANY_DB_ERROR = (sqlite3.Error, sqlcipher.Error)
SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_BUSY, SQLITE_LOCKED = 11, 26, 5, 6
DB_SUFFIXES = (".sqlite3", ".sqlite", ".db")
_BACKUP_NAME = re.compile(r"-(?P<reason>[a-z][a-z-]*)-(?P<stamp>\d{8}-\d{6}-\d{6})$")


def file_problem(path: Path, *, create: bool) -> str | None:
    """Why `path` cannot be opened as a MentorDesk database, or None. Looks, never writes."""
    if path.is_dir():
        return f"{path} is a folder, not a database file."
    if not path.exists():
        if not path.parent.is_dir():
            return f"The folder {path.parent} does not exist; no database was created."
        return None if create else missing_message(path)
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if not head:
        return f"{path} is an empty file (0 bytes), not a MentorDesk database; it was left as it is. " + restore_hint(path)
    if head != SQLITE_MAGIC and not dbkeys.sidecar(path).is_file():
        return (f"{path} is not a SQLite database (it may be another kind of file, or an encrypted database "
                f"whose key file {dbkeys.sidecar(path).name} is missing); it was left as it is. " + restore_hint(path))
    return None


def missing_message(path: Path) -> str:
    found = sorted(p.name for p in path.parent.iterdir() if p.suffix.lower() in DB_SUFFIXES and p.is_file())
    there = (f"Databases in {path.parent}: {', '.join(found)}." if found
             else f"There is no database file in {path.parent}.")
    return (f"There is no database at {path}; nothing was created. {there} "
            "`mentordesk demo`, `mentordesk import roster` and `mentordesk db upgrade` create a new one.")


def connect(path: Path, *, key: bytes | None = None, read_only: bool = False) -> Any:
    """A plain DB-API connection (no pragmas) to `path`: SQLCipher with the data key when the file is
    encrypted (or `key` is given: a new encrypted file), else the standard sqlite3 module. An encrypted
    file whose key cannot be had raises dbkeys.LockedError (one plain line)."""
    if key is None and dbkeys.is_encrypted(path):
        key = dbkeys.data_key(path)
    target, uri = (f"file:{path}?mode=ro", True) if read_only else (str(path), False)
    if key is None:
        return sqlite3.connect(target, uri=uri)
    conn = sqlcipher.connect(target, uri=uri)
    for pragma in dbkeys.key_pragmas(key, dbkeys.page_size(path)):
        conn.execute(pragma)
    return conn


def refuse_foreign(path: Path, own_tables: Callable[[], set[str]]) -> None:
    """A SQLite file with tables but neither Alembic's version table nor one of ours is someone
    else's. Read with a plain connection (no pragmas: opening must not change a foreign file); a
    damaged file raises sqlite3.DatabaseError here, before anything writes to it."""
    conn = connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    tables = {t for t in tables if not t.startswith("sqlite_")}
    if tables and "alembic_version" not in tables and not tables & own_tables():  # (loading every model: rare)
        raise DatabaseError(f"{path} is a SQLite database but not a MentorDesk one (its tables: "
                            f"{', '.join(sorted(tables)[:5])}); it was left as it is.")


def quick_check(path: Path, key: bytes | None = None) -> list[str]:
    """`PRAGMA quick_check` (structure of every page; a few hundred ms on the large district): [] when sound."""
    try:
        conn = connect(path, key=key)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except DB_ERRORS as exc:
        return [str(exc)]
    except dbkeys.LockedError:
        return ["encrypted, and its key was not given"]
    return [] if rows == ["ok"] else rows


# --- unclean shutdowns: a marker per process that has the file open, locked while it lives ---------
# `<db>.open-<pid>`, beside the file (as SQLite's -wal and -shm), held with an exclusive OS lock. The
# lock goes with the process, however it ends; a marker nobody holds was left by one that ended without
# closing (killed, a power cut, a crash), so the file is checked on the next open. The lock, not the
# process id, says who is alive (a pid is reused, and testing one on Windows would end that process).

_open_markers: dict[str, Any] = {}  # this process's markers: path -> open handle (its lock held)
_open_counts: dict[str, int] = {}  # path -> how many of this process's Databases have it open


def _try_lock(handle: Any) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _markers(db_path: Path) -> list[Path]:
    import glob

    return [Path(p) for p in glob.glob(glob.escape(str(db_path)) + ".open-*")]


def _stale(marker: Path) -> bool:
    """No process holds this marker's lock (its own process's markers are held)."""
    if str(marker) in _open_markers:
        return False
    try:
        handle = open(marker, "a+b")  # noqa: SIM115 - closed below
    except OSError:
        return False
    try:
        return _try_lock(handle)
    finally:
        handle.close()  # closing releases the lock


def unclean_shutdown(db_path: Path) -> bool:
    """Whether a process that had `db_path` open ended without closing it: a marker nobody holds, or a
    -wal file left with no MentorDesk process holding the file open. Looks only."""
    markers = _markers(db_path)
    stale = [m for m in markers if _stale(m)]
    if stale:
        return True
    wal = Path(str(db_path) + "-wal")
    return not markers and wal.exists() and wal.stat().st_size > 0


def mark_open(db_path: Path) -> Path | None:
    """This process has `db_path` open: its marker, created and locked (best effort: a folder that
    refuses it only loses the check after a crash)."""
    marker = Path(f"{db_path}.open-{os.getpid()}")
    if str(marker) in _open_markers:  # opened twice in this process: removed when both have closed
        _open_counts[str(marker)] += 1
        return marker
    try:
        handle = open(marker, "a+b")  # noqa: SIM115 - kept open: the lock lives as long as the handle
    except OSError:
        return None
    if not _try_lock(handle):
        handle.close()
        return None
    _open_markers[str(marker)] = handle
    _open_counts[str(marker)] = 1
    for other in _markers(db_path):  # the file has been checked (or was not in doubt): old markers go
        if other != marker and _stale(other):
            other.unlink(missing_ok=True)
    return marker


def mark_closed(marker: Path | None) -> None:
    """A clean close: the marker's lock released and the marker removed."""
    if marker is None:
        return
    _open_counts[str(marker)] = _open_counts.get(str(marker), 1) - 1
    if _open_counts[str(marker)] > 0:
        return
    _open_counts.pop(str(marker), None)
    handle = _open_markers.pop(str(marker), None)
    if handle is not None:
        handle.close()
    marker.unlink(missing_ok=True)


def _close_markers_at_exit() -> None:
    for marker in list(_open_markers):
        _open_counts[marker] = 1
        mark_closed(Path(marker))


import atexit  # noqa: E402 - beside what it registers

atexit.register(_close_markers_at_exit)


def online_backup(src: Path, dest: Path) -> None:
    """Copy with SQLite's online backup API (consistent while others write; WAL included), as one
    self-contained file (rollback journal), then check the copy; a copy that fails is deleted. The copy
    of an encrypted file is encrypted with the same key, with a copy of its key file."""
    key = dbkeys.data_key(src) if dbkeys.is_encrypted(src) else None
    if key is not None:
        paths.create_private_file(dbkeys.sidecar(dest))
        shutil.copyfile(dbkeys.sidecar(src), dbkeys.sidecar(dest))
    try:
        source, target = connect(src, key=key), connect(dest, key=key)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            target.commit()
        finally:
            source.close()
            target.close()
    except DB_ERRORS as exc:
        _remove(dest)
        raise DatabaseError(f"could not copy {src.name}: {exc}") from exc
    problems = quick_check(dest)
    if problems:
        _remove(dest)
        raise DatabaseError(f"the copy of {src.name} failed its check ({problems[0]}); it was deleted")


def _remove(path: Path) -> None:
    for extra in ("", "-journal", "-wal", "-shm", dbkeys.SIDECAR_SUFFIX):
        Path(str(path) + extra).unlink(missing_ok=True)


@dataclass(frozen=True)
class Backup:
    path: Path
    when: dt.datetime
    reason: str
    revision: str | None
    size: int

    def line(self) -> str:
        return (f"{self.when:%Y-%m-%d %H:%M:%S}  schema {self.revision or '?':<5} {self.size / 1_000_000:8.1f} MB  "
                f"{self.reason:<15} {self.path}")


def backups(db_path: Path) -> list[Backup]:
    """The backups of `db_path` in the backup folder, newest first."""
    found = []
    for path in paths.backup_dir().glob(f"{db_path.stem}-*{db_path.suffix}"):
        match = _BACKUP_NAME.search(path.stem[len(db_path.stem):])
        if not match or not path.stem.startswith(db_path.stem + "-") or match.start() != 0:
            continue
        when = dt.datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S-%f")
        found.append(Backup(path, when, match["reason"], _revision(path), path.stat().st_size))
    return sorted(found, key=lambda b: b.when, reverse=True)


def _revision(path: Path) -> str | None:
    try:
        conn = connect(path, read_only=True)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except (*DB_ERRORS, dbkeys.LockedError):
        return None
    return row[0] if row else None


def latest_good_backup(db_path: Path) -> Backup | None:
    for backup in backups(db_path):
        if not quick_check(backup.path):
            return backup
    return None


def restore_hint(db_path: Path) -> str:
    backup = latest_good_backup(db_path)
    if backup is None:
        return "There is no backup of it in " + str(paths.backup_dir()) + "."
    return (f"The most recent good backup is {backup.path} ({backup.when:%Y-%m-%d %H:%M}, schema "
            f"{backup.revision or '?'}); restore it with: mentordesk db restore \"{backup.path}\" --db \"{db_path}\"")


def damaged_message(db_path: Path, detail: str) -> str:
    return (f"The database {db_path} is damaged ({detail}); nothing was written. " + restore_hint(db_path))


def plain_problem(exc: BaseException, db_path: Path | None) -> str | None:
    """For an exception whose cause is a damaged file or a lock held too long, a plain sentence."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(current, ANY_DB_ERROR) and code is not None:
            primary = code & 0xFF
            if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) and db_path is not None:
                return damaged_message(db_path, str(current))
            if primary == SQLITE_BUSY:
                return ("another MentorDesk window or command kept the database busy; nothing was saved. "
                        "Try again when it has finished.")
        current = current.__cause__ or current.__context__
    return None


def damage_detail(exc: BaseException) -> str | None:
    """SQLite's words when `exc` (or what caused it) says the file is damaged or not a database, else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(current, ANY_DB_ERROR) and code is not None and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return str(current)
        current = current.__cause__ or current.__context__
    return None


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) is SQLite's "database is locked": another connection holds
    the write lock (SQLITE_BUSY, SQLITE_LOCKED and their extended codes, e.g. a stale WAL snapshot)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(current, ANY_DB_ERROR) and (
                (code is not None and code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED))
                or (code is None and "database is locked" in str(current))):
            return True
        current = current.__cause__ or current.__context__
    return False


def restore(db_path: Path, backup: str | Path) -> tuple[Path, Path | None]:
    """Put a backup in place of `db_path`, keeping the current file aside as `*.before-restore`.
    Returns (the backup used, where the current file went)."""
    source = Path(backup).expanduser()
    if not source.is_file() and (paths.backup_dir() / str(backup)).is_file():
        source = paths.backup_dir() / str(backup)
    if not source.is_file():
        listed = backups(db_path)
        hint = (f"`mentordesk db backups` lists {len(listed)} (newest {listed[0].path.name})" if listed
                else "there are no backups of this database")
        raise DatabaseError(f"no backup file {backup}; {hint}")
    problems = quick_check(source)
    if problems:
        raise DatabaseError(f"the backup {source} is damaged itself ({problems[0]}); choose another")
    # Killed at any point, `db_path` is the current file or the restored one, never missing or between
    # (tests/test_fault_kills.py): the copy is made beside it, the current file is kept aside by a second
    # name (a hard link; a copy where links are not possible) while it stays in place, and one os.replace
    # swaps the copy in. Only a WAL the checkpoint could not fold in (another process has the file open)
    # is moved aside first: an old WAL must never meet the restored file.
    staged = db_path.with_name(db_path.name + ".restoring")
    _remove(staged)
    online_backup(source, staged)
    aside = None
    if db_path.exists():
        _checkpoint(db_path)
        aside = db_path.with_name(db_path.name + ".before-restore")
        if aside.exists():
            aside = db_path.with_name(f"{db_path.name}.before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}")
        _keep_aside(db_path, aside)
        wal = Path(str(db_path) + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            os.replace(wal, str(aside) + "-wal")
        if dbkeys.sidecar(db_path).exists():  # the file kept aside keeps its key file
            shutil.copyfile(dbkeys.sidecar(db_path), dbkeys.sidecar(aside))
            paths.private_file(dbkeys.sidecar(aside))
    os.replace(staged, db_path)
    for extra in ("-wal", "-shm"):  # the old file's (empty) WAL and its index: SQLite makes new ones
        Path(str(db_path) + extra).unlink(missing_ok=True)
    if dbkeys.sidecar(staged).exists():
        os.replace(dbkeys.sidecar(staged), dbkeys.sidecar(db_path))
    else:
        dbkeys.sidecar(db_path).unlink(missing_ok=True)
    return source, aside


def _keep_aside(path: Path, aside: Path) -> None:
    """`aside` names the same file as `path` (a hard link: at once, and whole), else is a copy of it
    made under a temporary name and renamed (a folder without links: FAT, some network shares)."""
    try:
        os.link(path, aside)
        return
    except OSError:
        pass
    partial = aside.with_name(aside.name + ".partial")
    shutil.copyfile(path, partial)
    os.replace(partial, aside)
    paths.private_file(aside)


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file so the file kept aside is whole (best effort: it may be damaged)."""
    try:
        conn = connect(path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except DB_ERRORS:
        pass




# --- encryption at rest (issue 18): SQLCipher's sqlcipher_export between a plain and an encrypted file ---


def _export(src: Any, dest: Path, dest_key: str, page_size: int | None = None) -> None:
    """Copy every table, index and trigger of the open connection `src` into a new file `dest`
    (`dest_key`: SQLCipher's raw key form, or '' for a plain file), with the schema's user_version."""
    version = int(src.execute("PRAGMA user_version").fetchone()[0])
    src.execute("ATTACH DATABASE ? AS exported KEY ?", (str(dest), dest_key))
    try:
        if page_size:
            src.execute(f"PRAGMA exported.cipher_page_size = {int(page_size)}")
        src.execute("SELECT sqlcipher_export('exported')")
        src.execute(f"PRAGMA exported.user_version = {version}")
    finally:
        src.execute("DETACH DATABASE exported")


def encrypted_copy(src: Path, dest: Path, data_key: bytes, doc: dict[str, Any]) -> None:
    """A plain SQLite file `src` copied into a new encrypted file `dest` (0600) with its key file;
    the copy is checked, and deleted when it fails."""
    _remove(dest)
    paths.create_private_file(dest)
    dbkeys.write_sidecar(dest, doc)
    try:
        conn = sqlcipher.connect(str(src))  # no key: reads the plain file
        try:
            _export(conn, dest, f"x'{data_key.hex()}'", int(doc.get("page_size", dbkeys.DEFAULT_PAGE_SIZE)))
        finally:
            conn.close()
    except DB_ERRORS as exc:
        _remove(dest)
        raise DatabaseError(f"could not encrypt {src.name}: {exc}") from exc
    problems = quick_check(dest, key=data_key)
    if problems:
        _remove(dest)
        raise DatabaseError(f"the encrypted copy of {src.name} failed its check ({problems[0]}); it was deleted")


def create_encrypted(path: Path, passphrase: str | None = None) -> str:
    """A new, empty encrypted database file (0600) with its key file: the data key kept by the OS keyring
    (`passphrase` None) or wrapped by a passphrase; either way also by a recovery key, returned to show
    once. Raises dbkeys.LockedError when the keyring cannot keep the key (nothing is left behind)."""
    if passphrase is None:
        data_key, doc, recovery = dbkeys.new_device_keys()
    else:
        data_key, doc, recovery = dbkeys.new_keys(passphrase)
    paths.create_private_file(path)
    dbkeys.write_sidecar(path, doc)
    try:
        conn = sqlcipher.connect(str(path))
        try:
            for pragma in dbkeys.key_pragmas(data_key, int(doc["page_size"])):
                conn.execute(pragma)
            conn.execute("CREATE TABLE mentordesk_new (x)")  # writes the encrypted header and first page
            conn.execute("DROP TABLE mentordesk_new")
            conn.commit()
        finally:
            conn.close()
    except DB_ERRORS as exc:
        _remove(path)
        raise DatabaseError(f"could not create the encrypted database {path.name}: {exc}") from exc
    dbkeys.remember(doc, data_key)
    return recovery


def plain_copy(src: Path, dest: Path) -> None:
    """An encrypted database written out as a plain SQLite file `dest` (0600; must not exist)."""
    if dest.exists():
        raise DatabaseError(f"{dest} exists already; choose a new file name (nothing was written)")
    if not dbkeys.is_encrypted(src):
        raise DatabaseError(f"{src} is not encrypted; copy it, or use `mentordesk db backups`")
    paths.create_private_file(dest)
    try:
        conn = connect(src)
        try:
            _export(conn, dest, "")
        finally:
            conn.close()
    except DB_ERRORS as exc:
        _remove(dest)
        raise DatabaseError(f"could not decrypt {src.name}: {exc}") from exc


def _plain_copies(db_path: Path) -> list[Path]:
    """The plain copies of a database MentorDesk keeps: its backups and files kept aside by a restore."""
    found = [b.path for b in backups(db_path)]
    found += [p for p in db_path.parent.glob(f"{db_path.name}.before-restore*") if p.suffix != dbkeys.SIDECAR_SUFFIX]
    return [p for p in found if p.is_file() and not dbkeys.is_encrypted(p)]


def encrypt_in_place(db_path: Path, passphrase: str) -> tuple[str, int]:
    """Encrypt a plain database: an encrypted copy is swapped in atomically, the plain file's -wal and
    -shm are removed, and every plain backup of it is re-encrypted with the same key. Returns the
    recovery key (to show once) and how many backups were re-encrypted."""
    if dbkeys.is_encrypted(db_path):
        raise DatabaseError(f"{db_path} is encrypted already; `mentordesk db rekey` changes its passphrase")
    data_key, doc, recovery = dbkeys.new_keys(passphrase)
    _checkpoint(db_path)
    staged = db_path.with_name(db_path.name + ".encrypting")
    encrypted_copy(db_path, staged, data_key, doc)
    os.replace(dbkeys.sidecar(staged), dbkeys.sidecar(db_path))
    os.replace(staged, db_path)  # from here the file is encrypted; the plain bytes are gone from the folder
    for extra in ("-wal", "-shm", "-journal"):
        Path(str(db_path) + extra).unlink(missing_ok=True)
    dbkeys.remember(doc, data_key)
    copies = _plain_copies(db_path)
    for copy in copies:
        _checkpoint(copy)
        staged = copy.with_name(copy.name + ".encrypting")
        encrypted_copy(copy, staged, data_key, doc)
        os.replace(dbkeys.sidecar(staged), dbkeys.sidecar(copy))
        os.replace(staged, copy)
        for extra in ("-wal", "-shm", "-journal"):
            Path(str(copy) + extra).unlink(missing_ok=True)
    return recovery, len(copies)


def rekey(db_path: Path, new_passphrase: str) -> int:
    """A new passphrase: the data key stays, only its wrapping changes, in the database's key file and
    in those of its encrypted backups (the old passphrase then opens none of them). Returns how many
    backups' key files were rewritten."""
    if not dbkeys.is_encrypted(db_path):
        raise DatabaseError(f"{db_path} is not encrypted; `mentordesk db encrypt` encrypts it")
    data_key = dbkeys.data_key(db_path)
    doc = dbkeys.read_sidecar(db_path)
    dbkeys.rewrap(doc, data_key, new_passphrase)
    dbkeys.write_sidecar(db_path, doc)
    count = 0
    for backup in backups(db_path):
        side = dbkeys.sidecar(backup.path)
        if side.is_file() and dbkeys.read_sidecar(backup.path).get("key_id") == doc["key_id"]:
            dbkeys.write_sidecar(backup.path, doc)
            count += 1
    dbkeys.remember(doc, data_key)
    return count
