"""Run service calls off the GUI thread (Anki's operations, Picard's run_task).

`runner.run(fn, on_success=..., on_error=...)` calls `fn(session)` in a unit of work on the one
database worker thread (SQLite has one writer), then calls back on the GUI thread with the result
(plain data, never live ORM objects). Writes emit `data_changed` once, which pages listen to.

A write that finds the database busy (another MentorDesk window or command holds SQLite's write
lock) is tried again with a growing wait, up to `busy_wait` seconds (60), while `waiting` tells the
window ("Another MentorDesk window is saving… retrying"); if the lock is still held then, the job
fails with one plain DatabaseBusyError and nothing was written (the form that asked keeps its text).

A server's refusal (PostgreSQL's insufficient_privilege: this login's role may not read or write
that) becomes, here for every page, a plain AccessDeniedError saying what the login cannot reach.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app import dbfiles
from app.db import Database
from app.errors import DatabaseBusyError

BUSY_WAIT = 60.0  # seconds a write keeps trying while another process holds the write lock (issue 19)
DEFAULT_BUSY_MS = 10000  # app/db.py's busy_timeout, put back after each try


class Task:
    """A handle to a running call: cancel it, or read its progress."""

    def __init__(self) -> None:
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object, str)
    progressed = Signal(int, int, str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.setAutoDelete(True)
        self.work = work
        self.signals = signals  # owned by the runner on the GUI thread, so it outlives this job

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.succeeded.emit(result)


class TaskRunner(QObject):
    """The one way widgets reach the database."""

    data_changed = Signal()
    busy_changed = Signal(bool)
    waiting = Signal(str)  # a write waits for another process's lock: what to show; "" when it is over

    def __init__(self, database: Database, parent: QObject | None = None, *, synchronous: bool = False,
                 busy_wait: float = BUSY_WAIT):
        super().__init__(parent)
        self.database = database
        self.synchronous = synchronous  # tests may run calls inline
        self.busy_wait = busy_wait  # how long a write keeps trying behind another process's lock (tests shorten it)
        self._closing = threading.Event()  # the window is closing: a write waiting for the lock stops trying
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one database worker: writes go one at a time
        self._live: set[_Signals] = set()
        self._held: list[_Job] | None = None  # jobs waiting for release() while held

    def hold(self) -> None:
        """Queue jobs instead of starting them, until `release()`. The window holds its first page's
        loading until it has been painted once: a worker running Python beside the GUI thread
        competes with it for the GIL and delays the first paint."""
        if self._held is None:
            self._held = []

    def release(self) -> None:
        """Start the jobs queued while held, in order; later jobs start at once."""
        held, self._held = self._held, None
        for job in held or ():
            self.pool.start(job)

    def run(
        self,
        fn: Callable[..., Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException, str], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        write: bool = True,
        with_progress: bool = False,
        announce: bool = True,
        quiet: bool = False,
    ) -> Task:
        """Call `fn(session)` (or `fn(session, progress, cancel)` with `with_progress`). A write
        emits `data_changed` when done, unless `announce` is False (nothing shown depends on it).
        `quiet`: no busy indicator (a list reading its next page ahead while the person scrolls)."""
        task = Task()
        signals = _Signals(self)
        self._live.add(signals)

        def progress(done: int, total: int, message: str) -> None:
            signals.progressed.emit(done, total, message)

        def attempt(wait_ms: int | None) -> Any:
            opener = self.database.unit_of_work if write else self.database.read
            with self._plain_refusals(write), opener() as session:
                with self._lock_wait(session, wait_ms):
                    result = fn(session, progress, task.cancel_event) if with_progress else fn(session)
                    if write:
                        session.flush()  # the write lock is asked for here, within this try's wait
                return result

        def work() -> Any:
            if not write:
                return attempt(None)
            return self._retry_while_busy(attempt, task)

        def succeeded(result: Any) -> None:
            self._finish(signals)
            if on_success is not None:
                on_success(result)
            if write and announce:
                self.data_changed.emit()

        def failed(exc: BaseException, details: str) -> None:
            self._finish(signals)
            if on_error is not None:
                on_error(exc, details)
            else:
                from app.ui.errors import show_error

                show_error(None, exc, details)

        signals.succeeded.connect(succeeded)
        signals.failed.connect(failed)
        if on_progress is not None:
            signals.progressed.connect(on_progress)
        if not quiet:
            self.busy_changed.emit(True)
        job = _Job(work, signals)
        if self.synchronous:
            job.run()
        elif self._held is not None:
            self._held.append(job)
        else:
            self.pool.start(job)
        return task

    def call(self, fn: Callable[..., Any], *, write: bool = False) -> Any:
        """Run `fn(session)` now and return its result: for quick reads (well under 100 ms).
        It sees what every job queued before it wrote: held jobs (the start facts, which create
        the current school year) run first."""
        if self._held:
            self.release()
            self.pool.waitForDone()
        opener = self.database.unit_of_work if write else self.database.read
        with self._plain_refusals(write), opener() as session:
            result = fn(session)
        if write:
            self.data_changed.emit()
        return result

    def _retry_while_busy(self, attempt: Callable[[int | None], Any], task: Task) -> Any:
        """Run `attempt(wait_ms)` until it is not refused for a busy database, each try waiting longer
        for the lock (0.25 s, 0.5 s, ... 4 s), for `busy_wait` seconds in all."""
        if self.database.engine.dialect.name != "sqlite":
            return attempt(None)
        deadline = time.monotonic() + self.busy_wait
        step, waited = 0.25, False
        try:
            while True:
                left = deadline - time.monotonic()
                try:
                    return attempt(max(50, int(min(step, max(left, 0.0)) * 1000)))
                except Exception as exc:
                    if not dbfiles.is_busy(exc):
                        raise
                    left = deadline - time.monotonic()
                    if left <= 0 or task.cancel_event.is_set() or self._closing.is_set():
                        raise DatabaseBusyError(self.tr(
                            "Not saved: another MentorDesk window or command kept the database busy for %1 "
                            "seconds. What you typed is still here; try again in a moment.")
                            .replace("%1", f"{self.busy_wait:g}")) from None
                    if not waited:
                        waited = True
                        self.waiting.emit(self.tr("Another MentorDesk window is saving… retrying"))
                    time.sleep(min(step / 5, left))  # a stale snapshot fails at once: a short pause between tries
                    step = min(step * 2, 4.0)
        finally:
            if waited:
                self.waiting.emit("")

    @contextlib.contextmanager
    def _lock_wait(self, session: Any, wait_ms: int | None) -> Iterator[None]:
        """SQLite's busy timeout for one try of a write, put back to the usual one after it."""
        if wait_ms is None:
            yield
            return
        raw = session.connection().connection.driver_connection
        raw.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
        try:
            yield
        finally:
            raw.execute(f"PRAGMA busy_timeout={DEFAULT_BUSY_MS}")

    @contextlib.contextmanager
    def _plain_refusals(self, writing: bool) -> Iterator[None]:
        """The one place a server's refusal (SQLSTATE 42501) becomes a message a person can act on,
        once the session has rolled back (the message asks the server for the login's role)."""
        try:
            yield
        except Exception as exc:
            from app.services.server.access import access_denied

            plain = access_denied(self.database.engine, exc, writing=writing)
            if plain is None:
                raise
            raise plain from exc

    def _finish(self, signals: _Signals) -> None:
        self._live.discard(signals)
        signals.deleteLater()
        if not self._live:
            self.busy_changed.emit(False)

    def stop_waiting(self) -> None:
        """The window is closing: a save waiting for another process's lock gives up at its next try
        (it has written nothing) instead of holding the close for up to a minute."""
        self._closing.set()

    def wait(self, msecs: int = 30000) -> bool:
        self.release()  # waiting for held jobs would never end
        return self.pool.waitForDone(msecs)
