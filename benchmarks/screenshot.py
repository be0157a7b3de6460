"""Screenshots for the README, taken from the real window on the district demo database.

Run under a real X server at a school laptop's size, with a window manager so the window has its frame
(issue 17: the README shows every page at 1366x768):

    Xvfb :99 -screen 0 1366x768x24 & DISPLAY=:99 openbox &
    DISPLAY=:99 .venv/bin/python -m benchmarks.screenshot

The window is maximized as a person would on that screen; each picture is the whole screen (title bar
included). Not a benchmark; it lives here because it needs the same scratch demo database.
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.common import demo_database

OUT = Path(__file__).resolve().parent.parent / "resources" / "screenshots"
AREAS = ("dashboard", "people", "mentors", "matching", "timelogs", "schedule", "cap", "reports", "sync", "settings",
         "partnership")


def main(areas: list[str]) -> int:
    from PySide6.QtCore import QTimer

    from app.db import Database
    from app.ui.application import build_window, make_qapp

    app = make_qapp(sys.argv[:1])
    database = Database.open(demo_database("district"))
    window, _ = build_window(database, synchronous=True)
    window.showMaximized()
    OUT.mkdir(parents=True, exist_ok=True)

    def shoot(remaining: list[str]) -> None:
        if not remaining:
            app.quit()
            return
        area = remaining[0]
        if area in window.pages or any(a.key == area for a in __import__("app.ui.main_window", fromlist=["AREAS"]).AREAS):
            window.show_area(area)
        QTimer.singleShot(700, lambda: (_save(window, area), shoot(remaining[1:])))

    QTimer.singleShot(300, lambda: shoot(list(areas or AREAS)))
    app.exec()
    database.dispose()
    return 0


def _save(window, area: str) -> None:  # type: ignore[no-untyped-def]
    name = "main-window.png" if area == "dashboard" else f"{area}.png"
    screen = window.screen()
    shot = screen.grabWindow(0) if screen is not None else window.grab()  # the whole screen, frame included
    if shot.isNull():
        shot = window.grab()
    shot.save(str(OUT / name))
    print(f"wrote {OUT / name}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
