"""Where MentorDesk keeps its files: platformdirs folders, never beside the program.

`MENTORDESK_HOME` moves everything under one folder (tests, portable use); `MENTORDESK_DB`
overrides only the database location.
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


def data_dir() -> Path:
    home = _home()
    if home:
        path = home / "data"
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    home = _home()
    if home:
        path = home / "logs"
    else:
        import platformdirs

        path = Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    home = _home()
    if home:
        path = home / "config"
    else:
        import platformdirs

        path = Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
