"""Entry point of the frozen build (every executable): the same command line as `mentordesk`.

On Windows it holds the named mutex `MentorDesk.Running` while the app runs: the installer (AppMutex in
installer/windows/mentordesk.iss) sees it and asks to close MentorDesk before an upgrade.

`MENTORDESK_FIRST_PAINT=FILE` (used by installer/build.py to time start-up, frozen and from the venv alike)
writes the time.time() of the first paint of the first window to FILE and quits the app.
"""

import os
import sys


def _time_first_paint(out: str) -> None:
    """Replace QApplication by a subclass that notes its first window's first paint, before the app imports it."""
    import time

    from PySide6 import QtWidgets
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if (not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, QtWidgets.QWidget)
                    and obj.isWindow()):
                self.done = True
                with open(out, "w") as f:
                    f.write(repr(time.time()))
                QTimer.singleShot(0, QtWidgets.QApplication.instance().quit)
            return False

    class ProbedApplication(QtWidgets.QApplication):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._first_paint = FirstPaint()
            self.installEventFilter(self._first_paint)

    QtWidgets.QApplication = ProbedApplication


def _hold_running_mutex() -> list[int]:
    import ctypes

    create = ctypes.windll.kernel32.CreateMutexW  # type: ignore[attr-defined]
    return [create(None, False, name) for name in ("MentorDesk.Running", "Global\\MentorDesk.Running")]


def _name_the_desktop_entry() -> None:
    """Linux: tie the window to mentordesk.desktop (the Wayland app id; the .deb's menu entry and icon)."""
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.setDesktopFileName("mentordesk")


if __name__ == "__main__":
    _mutexes = _hold_running_mutex() if sys.platform == "win32" else []
    if sys.platform.startswith("linux"):
        _name_the_desktop_entry()
    if os.environ.get("MENTORDESK_FIRST_PAINT"):
        _time_first_paint(os.environ["MENTORDESK_FIRST_PAINT"])

    from app.cli import main

    sys.exit(main())
