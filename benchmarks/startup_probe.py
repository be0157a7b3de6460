"""Child process of benchmarks/startup.py: start, show the window, print the time of its first
paint (time.time(), comparable across processes) and quit."""

from __future__ import annotations

import sys
import time


def _print_on_first_paint(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
                self.done = True
                print(time.time(), flush=True)
                QTimer.singleShot(0, QApplication.instance().quit)
            return False

    window._first_paint = FirstPaint(window)
    window.installEventFilter(window._first_paint)


def main(kind: str, path: str | None = None) -> None:
    if kind == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.resize(1200, 760)
    else:
        from app.db import Database
        from app.ui.application import build_window, make_qapp

        app = make_qapp(sys.argv[:1])
        window, _ = build_window(Database.open(path))
    _print_on_first_paint(window)
    window.show()
    app.exec()


if __name__ == "__main__":
    main(*sys.argv[1:])
