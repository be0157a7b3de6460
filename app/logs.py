"""The one rotating log the window and the command line share, native crashes included.

Nothing here writes row values: callers log counts and names of things, never names of people,
notes or ratings; `safe_traceback` keeps the stack of an unexpected error and blanks the quoted
parts of its messages (where Python puts the values it complains about).
"""

from __future__ import annotations

import faulthandler
import logging
import re
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import IO

from app import paths

LOG_FILENAME = "mentordesk.log"
log = logging.getLogger("mentordesk")
_fault_file: IO[str] | None = None


def log_path() -> Path:
    return paths.log_dir() / LOG_FILENAME


def setup_logging() -> Path:
    """INFO and above to `mentordesk.log` (1 MB, 3 old files kept). Called again with another
    MENTORDESK_HOME (tests), it moves the handler there rather than adding a second one."""
    path = log_path()
    for handler in list(log.handlers):
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == path:
                log.setLevel(logging.INFO)
                return path
            log.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


def enable_faulthandler() -> None:
    """A native crash (Qt, SQLite) writes its Python stacks to the same log. For a process's entry
    point only: test runners keep their own."""
    global _fault_file
    if _fault_file is None:
        _fault_file = open(log_path(), "a", encoding="utf-8")  # noqa: SIM115 - open for the process's life
        faulthandler.enable(_fault_file)


_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


def redact(message: str) -> str:
    """A message without its quoted parts: `invalid literal for int(): 'Smith'` -> `... '…'`."""
    return _QUOTED.sub("'…'", message)


def safe_traceback(exc: BaseException) -> str:
    """The traceback of `exc` and the exceptions chained to it, each message redacted. SQL statements
    keep their placeholders; engines hide bound parameters (app.db.make_engine)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    chain: list[BaseException] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    for item in reversed(chain):
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(item.__traceback__))
        parts.append(f"{type(item).__module__}.{type(item).__qualname__}: {redact(str(item))}\n")
    return "".join(parts)
