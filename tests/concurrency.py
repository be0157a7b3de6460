"""Two people on one database at once: what the concurrency tests of every form share."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from typing import Any


def as_alice(db_url: str, work: Callable[[Any], Any]) -> None:
    """Another person's save (the program supervisor, a second coordinator), through her own
    connection, committed before the test goes on."""
    from app.db import Database

    alice = Database.open(db_url, actor="alice")
    try:
        with alice.unit_of_work() as s:
            work(s)
    finally:
        alice.dispose()


def overlapping_saves(alice: Any, first: Callable[[Any], Any], bob: Any, second: Callable[[Any], Any]) -> object:
    """Alice's save holds its row locks while Bob's save starts on another thread; asserts Bob's
    waits for her commit and returns what it ended with ("saved", or the exception)."""
    outcome: list[object] = []

    def bob_saves() -> None:
        try:
            with bob.unit_of_work() as s:
                second(s)
            outcome.append("saved")
        except Exception as exc:  # noqa: BLE001 - the test looks at what it was
            outcome.append(exc)

    with alice.unit_of_work() as s:
        first(s)
        thread = threading.Thread(target=bob_saves)
        thread.start()
        time.sleep(0.5)
        assert outcome == []  # bob waits for alice's lock
    thread.join(10)
    assert len(outcome) == 1, outcome
    return outcome[0]


HOLDER = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("holding", flush=True)
    sys.stdin.readline()
    conn.execute("COMMIT")
    conn.close()
""")


class LockHolder:
    """Another process with the write lock of `path` until `release()`."""

    def __init__(self, path) -> None:  # type: ignore[no-untyped-def]
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "holding"

    def release(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if self.proc.poll() is None:
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
            self.proc.wait(10)
        self.proc.stdin.close()
        self.proc.stdout.close()
