"""Screenshots for the README, taken from the real window on the district demo database.

Run under a real X server (Xvfb): `xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python -m benchmarks.screenshot`.
Not a benchmark; it lives here because it needs the same scratch demo database.
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.common import demo_database

OUT = Path(__file__).resolve().parent.parent / "resources" / "screenshots"
AREAS = ("dashboard", "people", "mentors", "matching", "timelogs", "schedule", "cap", "reports", "sync")


def main(areas: list[str]) -> int:
    from PySide6.QtCore import QTimer

    from app.db import Database
    from app.ui.application import build_window, make_qapp

    app = make_qapp(sys.argv[:1])
    database = Database.open(demo_database("district"))
    window, _ = build_window(database, synchronous=True)
    window.resize(1360, 820)
    window.show()
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
    window.grab().save(str(OUT / name))
    print(f"wrote {OUT / name}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
