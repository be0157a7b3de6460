"""Kills real upgrades (used by tests/test_atomic_upgrade.py; run as a script, POSIX only).

Loads MentorDesk once, then for each run copies the old database, forks a child that upgrades it
as opening does (backup, then the migrations) and SIGKILLs the child after a random delay drawn
from a fixed seed. One calibration run, not killed, measures how long an upgrade takes here.
Prints one line per run: the file, the delay, and whether the child was killed or had finished.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path


def upgrade_in_child(path: Path) -> int:
    pid = os.fork()
    if pid == 0:  # the child: upgrade and leave without any cleanup
        from app import db

        engine = db.make_engine(str(path))
        db.upgrade_on_open(engine)
        os._exit(0)
    return pid


def main(template: str, folder: str, runs: int, seed: int) -> None:
    import alembic.command  # noqa: F401

    from app import db  # noqa: F401 - loaded once, before the forks
    from app.models import load_all

    load_all()
    work = Path(folder)
    calibration = work / "calibration.sqlite3"
    shutil.copy(template, calibration)
    started = time.perf_counter()
    os.waitpid(upgrade_in_child(calibration), 0)
    took = time.perf_counter() - started
    print(f"calibration {took:.3f}", flush=True)
    rng = random.Random(seed)
    for run in range(runs):
        path = work / f"run{run:02}.sqlite3"
        shutil.copy(template, path)
        delay = rng.uniform(0.0, took * 1.05)
        pid = upgrade_in_child(path)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        print(f"{path} {delay:.3f} {'killed' if os.WIFSIGNALED(status) else 'finished'}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
