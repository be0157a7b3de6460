"""The database as a file: refusing files that are not ours, damage checks, backups and restore.

SQLite only (a server database has none of this). Nothing here creates a database: a refused file
is left exactly as it was, and every message about a damaged file names the most recent backup
that passes `quick_check` and the command that restores it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app import paths
from app.errors import DatabaseError

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_BUSY = 11, 26, 5
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
    if head != SQLITE_MAGIC:
        return (f"{path} is not a SQLite database (it may be another kind of file); it was left as it is. "
                + restore_hint(path))
    return None


def missing_message(path: Path) -> str:
    found = sorted(p.name for p in path.parent.iterdir() if p.suffix.lower() in DB_SUFFIXES and p.is_file())
    there = (f"Databases in {path.parent}: {', '.join(found)}." if found
             else f"There is no database file in {path.parent}.")
    return (f"There is no database at {path}; nothing was created. {there} "
            "`mentordesk demo`, `mentordesk import roster` and `mentordesk db upgrade` create a new one.")


def refuse_foreign(path: Path, own_tables: Callable[[], set[str]]) -> None:
    """A SQLite file with tables but neither Alembic's version table nor one of ours is someone
    else's. Read with a plain connection (no pragmas: opening must not change a foreign file); a
    damaged file raises sqlite3.DatabaseError here, before anything writes to it."""
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    tables = {t for t in tables if not t.startswith("sqlite_")}
    if tables and "alembic_version" not in tables and not tables & own_tables():  # (loading every model: rare)
        raise DatabaseError(f"{path} is a SQLite database but not a MentorDesk one (its tables: "
                            f"{', '.join(sorted(tables)[:5])}); it was left as it is.")


def quick_check(path: Path) -> list[str]:
    """`PRAGMA quick_check` (structure of every page; a few hundred ms on the large district): [] when sound."""
    try:
        conn = sqlite3.connect(path)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def online_backup(src: Path, dest: Path) -> None:
    """Copy with SQLite's online backup API (consistent while others write; WAL included), as one
    self-contained file (rollback journal), then check the copy; a copy that fails is deleted."""
    try:
        with sqlite3.connect(src) as source, sqlite3.connect(dest) as target:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        source.close()
        target.close()
    except sqlite3.DatabaseError as exc:
        _remove(dest)
        raise DatabaseError(f"could not copy {src.name}: {exc}") from exc
    problems = quick_check(dest)
    if problems:
        _remove(dest)
        raise DatabaseError(f"the copy of {src.name} failed its check ({problems[0]}); it was deleted")


def _remove(path: Path) -> None:
    for extra in ("", "-journal", "-wal", "-shm"):
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
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
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
        if isinstance(current, sqlite3.Error) and code is not None:
            primary = code & 0xFF
            if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) and db_path is not None:
                return damaged_message(db_path, str(current))
            if primary == SQLITE_BUSY:
                return ("another MentorDesk window or command kept the database busy; nothing was saved. "
                        "Try again when it has finished.")
        current = current.__cause__ or current.__context__
    return None


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
    staged = db_path.with_name(db_path.name + ".restoring")
    _remove(staged)
    online_backup(source, staged)
    aside = None
    if db_path.exists():
        _checkpoint(db_path)
        aside = db_path.with_name(db_path.name + ".before-restore")
        if aside.exists():
            aside = db_path.with_name(f"{db_path.name}.before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}")
        os.replace(db_path, aside)
        for extra in ("-wal", "-shm"):
            if Path(str(db_path) + extra).exists():
                os.replace(str(db_path) + extra, str(aside) + extra)
    os.replace(staged, db_path)
    return source, aside


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file so the file kept aside is whole (best effort: it may be damaged)."""
    try:
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass


