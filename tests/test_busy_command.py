"""A busy database on the command line (issue 19, item 6): while another process holds SQLite's write
lock, a command's write waits with a growing wait (60 s; MENTORDESK_BUSY_WAIT shortens it here), says
once on stderr that it is waiting, and writes once the lock is free; still held at the end of the wait,
it exits 1 with one plain line and has written nothing.

Everything is real: a `mentordesk` process, and another process holding BEGIN IMMEDIATE on the file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.concurrency import LockHolder

ROOT = Path(__file__).resolve().parents[1]
WAITING = "mentordesk: waiting for another MentorDesk window or command..."
ROSTER = ("employee_id,first_name,last_name,email\n"
          "E100,Ana,Silva,asilva@example.org\nE101,Maria,Lopez,mlopez@example.org\n")


def mentordesk(home: Path, busy_wait: float, *args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MENTORDESK_HOME": str(home), "PYTHONPATH": str(ROOT), "MENTORDESK_BUSY_WAIT": str(busy_wait)}
    env.pop("MENTORDESK_DB", None)
    return subprocess.run([sys.executable, "-m", "app.cli", *map(str, args)], check=False, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture
def db_file(migrated_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "district.sqlite3"
    shutil.copy(migrated_template, path)
    return path


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def _educators(db_file: Path) -> int:
    conn = sqlite3.connect(db_file)
    try:
        return conn.execute("SELECT count(*) FROM educator").fetchone()[0]
    finally:
        conn.close()


def test_a_command_still_refused_after_the_wait_exits_1_with_one_plain_line_and_writes_nothing(db_file, roster, tmp_path):
    before = _educators(db_file)
    holder = LockHolder(db_file)
    try:
        started = time.monotonic()
        done = mentordesk(tmp_path / "home", 2, "import", "roster", roster, "--year", "2025-2026", "--db", db_file)
        elapsed = time.monotonic() - started
    finally:
        holder.release()
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    refused = ("mentordesk: another MentorDesk window or command kept the database busy for 2 seconds; "
               "nothing was saved. Try again when it has finished.")
    assert lines == [WAITING, refused], done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert elapsed >= 2, elapsed  # it waited the wait given (not SQLite's 10 s a statement either: see below)
    assert elapsed < 2 + 30, elapsed  # the wait, plus Python's start-up on a loaded machine
    assert _educators(db_file) == before  # nothing half-written
    conn = sqlite3.connect(db_file)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    # the same file, once the other process is done: imported on the next try
    again = mentordesk(tmp_path / "home", 2, "import", "roster", roster, "--year", "2025-2026", "--db", db_file)
    assert again.returncode == 0, again.stdout + again.stderr
    assert WAITING not in again.stderr and _educators(db_file) == before + 2


def test_a_command_waits_for_the_lock_says_so_once_and_writes_when_it_is_free(db_file, roster, tmp_path):
    before = _educators(db_file)
    holder = LockHolder(db_file)
    env = {**os.environ, "MENTORDESK_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT),
           "MENTORDESK_BUSY_WAIT": "60"}
    env.pop("MENTORDESK_DB", None)
    command = subprocess.Popen([sys.executable, "-m", "app.cli", "import", "roster", str(roster), "--year",
                                "2025-2026", "--db", str(db_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, cwd=ROOT)
    try:
        assert command.stderr is not None
        first = command.stderr.readline().rstrip("\n")  # it says it waits (however long start-up took)...
        assert first == WAITING, first
        time.sleep(1.5)  # ...and goes on trying while the lock is held
        assert command.poll() is None and _educators(db_file) == before
    finally:
        holder.release()
    out, err = command.communicate(timeout=120)
    assert command.returncode == 0, out + err
    assert WAITING not in err and "Traceback" not in err  # said once, however many tries
    assert _educators(db_file) == before + 2


def test_the_wait_is_the_whole_unit_of_work_not_a_statement_in_it(database, db_path):
    """In-process: with `busy_wait` set, a unit of work takes the write lock before its first statement
    (BEGIN IMMEDIATE), so it never reads a snapshot it then cannot write from; told once; and the
    window's default (no busy_wait) is unchanged."""
    from app.errors import DatabaseBusyError
    from app.models import School

    told: list[str] = []
    database.busy_wait = 0.6
    database.on_busy = lambda: told.append("waiting")
    holder = LockHolder(db_path)
    try:
        started = time.monotonic()
        with (pytest.raises(DatabaseBusyError, match="busy for 0.6 seconds; nothing was saved"),
              database.unit_of_work() as s):
            s.add(School(name="Never Written Middle"))
        assert 0.6 <= time.monotonic() - started < 5
        assert told == ["waiting"]
    finally:
        holder.release()
    with database.unit_of_work() as s:  # free again: a normal write, and the usual busy timeout is back
        s.add(School(name="Written Middle"))
        raw = s.connection().connection.driver_connection
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == 10000
    conn = sqlite3.connect(db_path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM school")}
    finally:
        conn.close()
    assert "Written Middle" in names and "Never Written Middle" not in names
