"""After an unclean shutdown (issue 19): a process killed with kill -9 in the middle of writing leaves its
marker unheld, so the next open runs PRAGMA quick_check before anything writes; a clean close leaves no
marker and the next open skips the check. A file found damaged at the window's start is offered its
newest good backup, restored with a click, the damaged file kept aside."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import db, dbfiles
from app.db import Database

pytestmark = pytest.mark.skipif(os.name == "nt", reason="kill -9")

WRITER = textwrap.dedent("""
    import sys, itertools, uuid
    from app.db import Database
    from app.models import School
    database = Database.open(sys.argv[1])
    for n in itertools.count():
        with database.unit_of_work() as s:  # five schools a transaction: all of them or none
            s.add_all([School(name=f"School {uuid.uuid4().hex}") for k in range(5)])
        if n == 0:
            print("writing", flush=True)
        if n == 2 and sys.argv[2] == "clean":
            database.dispose()
            print("closed", flush=True)
            break
""")


def _writer(path, how: str = "kill") -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), how], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    return proc


def _kill_mid_write(path, rng: random.Random) -> None:
    proc = _writer(path)
    time.sleep(rng.uniform(0.05, 0.6))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert proc.stdout is not None
    proc.stdout.close()


@pytest.fixture
def checks(monkeypatch):
    """Every quick_check that opening runs, by file."""
    ran: list = []
    real = dbfiles.quick_check

    def spy(path, key=None):  # type: ignore[no-untyped-def]
        ran.append(path)
        return real(path, key)

    monkeypatch.setattr(dbfiles, "quick_check", spy)
    return ran


def _schools(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM school").fetchone()[0]
    finally:
        conn.close()


def test_a_kill_mid_write_makes_the_next_open_check_the_file_and_a_clean_close_does_not(db_path, checks):
    rng = random.Random(19)
    for _ in range(3):
        _kill_mid_write(db_path, rng)
        assert list(db_path.parent.glob("mentordesk.sqlite3.open-*")), "the killed process's marker is left"
        assert dbfiles.unclean_shutdown(db_path)
        checks.clear()
        database = Database.open(str(db_path))
        assert checks == [db_path]  # checked before anything else
        count = _schools(db_path)
        assert count >= 5 and count % 5 == 0  # all-or-nothing: whole transactions only
        assert db.check(database.engine).ok
        assert [p.name for p in db_path.parent.glob("mentordesk.sqlite3.open-*")] == [f"mentordesk.sqlite3.open-{os.getpid()}"]
        database.dispose()
        assert not list(db_path.parent.glob("mentordesk.sqlite3.open-*"))  # a clean close removes it
        checks.clear()
        Database.open(str(db_path)).dispose()
        assert checks == []  # closed cleanly last time: no check

    proc = _writer(db_path, "clean")  # another process that closes properly
    assert proc.stdout is not None and proc.stdout.readline().strip() == "closed"
    proc.wait(10)
    proc.stdout.close()
    assert not dbfiles.unclean_shutdown(db_path)
    checks.clear()
    Database.open(str(db_path)).dispose()
    assert checks == []


def test_a_file_in_use_by_a_live_process_is_not_taken_for_a_crash(db_path, checks):
    other = Database.open(str(db_path))  # this process holds its marker's lock
    try:
        with other.unit_of_work() as s:
            from app.models import School

            s.add(School(name="Open elsewhere"))
        assert not dbfiles.unclean_shutdown(db_path)
        second = Database.open(str(db_path))  # opened twice in one process: one marker, kept until both close
        second.dispose()
        assert list(db_path.parent.glob("mentordesk.sqlite3.open-*"))
    finally:
        other.dispose()
    assert not list(db_path.parent.glob("mentordesk.sqlite3.open-*"))


def _damage(path) -> None:
    """Garbage over the middle pages of the file (as a failing disk or a bad copy leaves it)."""
    size = path.stat().st_size
    page = 4096
    with open(path, "r+b") as handle:
        for offset in range(page * 2, size - page, page * 3):
            handle.seek(offset)
            handle.write(os.urandom(page))


def test_damage_found_after_a_kill_is_offered_the_newest_good_backup_at_start(db_path, qtbot, checks):
    from app.ui.application import make_qapp, open_at_start

    make_qapp()
    database = Database.open(str(db_path))
    with database.unit_of_work() as s:
        from app.models import School

        s.add(School(name="In the backup"))
    backup = db.backup_sqlite(database.engine, "before-upgrade")
    database.dispose()
    _kill_mid_write(db_path, random.Random(7))
    _damage(db_path)
    damaged_size = db_path.stat().st_size

    shown: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, answer)
            return
        shown.append(box.text() + " " + box.informativeText())
        restore = next(b for b in box.buttons() if b.text() == "Restore the backup")
        restore.click()

    QTimer.singleShot(50, answer)
    opened = open_at_start(str(db_path))
    assert opened is not None
    try:
        assert "is damaged" in shown[0] and "Restore the backup made on" in shown[0]
        assert "Traceback" not in shown[0]
        assert dbfiles.quick_check(db_path) == [] and _schools(db_path) == 1  # the backup's one school
        aside = db_path.with_name("mentordesk.sqlite3.before-restore")
        assert aside.is_file() and aside.stat().st_size >= damaged_size // 2  # the damaged file kept aside
        assert backup is not None and backup.exists()
    finally:
        opened.dispose()


def test_damage_at_start_with_quit_chosen_changes_nothing(db_path, qtbot, checks):
    from app.ui.application import make_qapp, open_at_start

    make_qapp()
    Database.open(str(db_path)).dispose()
    _kill_mid_write(db_path, random.Random(3))
    _damage(db_path)
    problems = dbfiles.quick_check(db_path)
    assert problems  # damaged indeed (the check's own close folds the killed process's WAL in, as SQLite does)

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, answer)
            return
        next(b for b in box.buttons() if b.text() in ("Quit", "Close")).click()

    QTimer.singleShot(50, answer)
    assert open_at_start(str(db_path)) is None
    assert dbfiles.quick_check(db_path) and not list(db_path.parent.glob("*.before-restore*"))  # not replaced
