"""What every benchmark shares: a timer that takes the median of a few runs, and scratch databases."""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

# Scratch databases are plain unless a benchmark encrypts one itself (encryption.py): new databases are
# encrypted by default (issue 18), and a benchmark run has no keyring or passphrase to give them.
os.environ.setdefault("MENTORDESK_UNENCRYPTED", "1")
SCRATCH = Path(tempfile.mkdtemp(prefix="mentordesk-bench-"))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)


def median_seconds(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def fresh_database(name: str) -> str:
    """A new, migrated SQLite file; returns its path."""
    from app import db

    path = SCRATCH / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = db.make_engine(str(path))
    db.upgrade(engine)
    engine.dispose()
    return str(path)


@cache
def demo_database(size: str, year: str | None = None) -> str:
    """A migrated SQLite file holding the demo district of that size for the current school year
    (what the window opens on), built once per run."""
    from app.db import Database
    from app.services.demo.district import build_demo
    from app.services.years import current_label

    year = year or current_label()
    path = fresh_database(f"demo-{size}-{year}")
    database = Database.open(path)
    with database.unit_of_work() as session:
        build_demo(session, size=size, seed=1, year_label=year)
    database.dispose()
    return path
