"""Where MentorDesk keeps its files: platformdirs folders, never beside the program.

`MENTORDESK_HOME` moves everything under one folder (tests, portable use); `MENTORDESK_DB`
overrides only the database location.

On POSIX the folders MentorDesk keeps (data, backups, CAP drafts and forms, logs, settings) are
made 0700 and the files it writes in them 0600 (issue 18): the data is personnel data another
login on the same computer must not read. SQLite gives its -wal and -shm files the database
file's mode, so a database created 0600 (`create_private_file`) stays private with them. On
Windows the profile folders' access lists already keep other users out; nothing is changed.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "MentorDesk"
APP_AUTHOR = "MentorDesk"
DB_FILENAME = "mentordesk.sqlite3"


def _home() -> Path | None:
    home = os.environ.get("MENTORDESK_HOME")
    return Path(home) if home else None


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def _locations() -> dict[str, Path]:
    """The data, log and config folders, not made."""
    home = _home()
    if home:
        return {"data": home / "data", "logs": home / "logs", "config": home / "config"}
    import platformdirs

    return {"data": Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
            "logs": Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
            "config": Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))}


def private_dir(path: Path) -> Path:
    """The folder, made if missing, that only its owner can open (0700 on POSIX; a folder made
    by an older version is tightened)."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    _chmod(path, PRIVATE_DIR_MODE)
    return path


def private_file(path: str | Path) -> None:
    """Make an existing file readable and writable by its owner only (0600 on POSIX)."""
    _chmod(Path(path), PRIVATE_FILE_MODE)


def create_private_file(path: str | Path) -> bool:
    """Create an empty file 0600 unless it exists (then tighten it), so that what writes it next
    keeps that mode (SQLite: an empty file is an empty database, and its -wal and -shm files take
    the database file's mode). True when it was made."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE_MODE)
    except FileExistsError:
        private_file(path)
        return False
    os.close(fd)
    return True


def in_private_location(path: str | Path) -> bool:
    """True for a path inside the data, log or config folder (where every file is private)."""
    try:
        where = Path(path).expanduser().resolve()
        return any(where.is_relative_to(folder.expanduser().resolve()) for folder in _locations().values())
    except OSError:
        return False


def protect_if_private(path: str | Path) -> None:
    """0600 for a file MentorDesk wrote in its own folders; files written elsewhere (a report the
    person saved to a shared drive) keep the mode the person's umask gives."""
    if in_private_location(path):
        private_file(path)


def _chmod(path: Path, mode: int) -> None:
    if os.name != "posix":
        return
    try:
        os.chmod(path, mode)
    except OSError:  # not this login's file: its owner decides
        pass


def data_dir() -> Path:
    return private_dir(_locations()["data"])


def log_dir() -> Path:
    return private_dir(_locations()["logs"])


def config_dir() -> Path:
    return private_dir(_locations()["config"])


def backup_dir() -> Path:
    return private_dir(data_dir() / "backups")


def default_db_url() -> str:
    """`MENTORDESK_DB` (a path or SQLAlchemy URL), else the file in the user data folder."""
    return to_url(os.environ.get("MENTORDESK_DB") or str(data_dir() / DB_FILENAME))


def to_url(path_or_url: str) -> str:
    """Accept either a filesystem path or a SQLAlchemy URL, as `--db` does."""
    if "://" in path_or_url:
        return path_or_url
    return "sqlite:///" + str(Path(path_or_url).expanduser().resolve())


def resources_dir() -> Path:
    """The resources folder, in a source checkout or in a frozen build."""
    import sys

    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


SYNCED_FOLDER_MARKERS = ("onedrive", "dropbox", "google drive", "googledrive", "my drive", "icloud drive",
                         "icloud", "mobile documents", "com~apple~clouddocs", "box sync", "nextcloud")


def synced_folder_problem(db_path: str | Path | None) -> str | None:
    """An explanation when the database file lives inside a cloud-synced folder, else None."""
    if not db_path:
        return None
    parts = [p.lower() for p in Path(db_path).expanduser().resolve().parts]
    for part in parts:
        for marker in SYNCED_FOLDER_MARKERS:
            if part == marker or part.startswith(marker + " ") or part.startswith(marker + "-"):
                return (f"The database {db_path} is inside a synced folder ({part}). Cloud sync copies "
                        "the file while MentorDesk writes it and corrupts it. Keep the database in the "
                        "user data folder and use the synced folder only for sync bundles "
                        "(`mentordesk sync folder PATH`).")
    return None
