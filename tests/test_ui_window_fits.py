"""The window fits the screen it is on (issue 17): the default size leaves room for a title bar on a
1366x768 laptop, and a saved size from a larger screen (or from a page that once forced the window wider)
is clamped on restore."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ui_support import open_window

ROOT = Path(__file__).resolve().parents[1]


def test_a_saved_size_larger_than_the_screen_is_clamped_on_restore(qtbot, database):
    from app.ui.main_window import TITLE_BAR

    window = open_window(qtbot, database)
    room = window.screen().availableGeometry()
    window.resize(room.width() + 300, room.height() + 240)
    window.move(room.left() + 500, room.top() + 400)
    assert window.width() > room.width()  # the old bug: the window is wider than the screen
    window.close()  # saves the geometry, as quitting does
    again = open_window(qtbot, database)
    frame = again.frameGeometry()
    assert frame.width() <= room.width() and again.height() + TITLE_BAR <= room.height()
    assert room.contains(frame.topLeft()) and frame.right() <= room.right() and frame.bottom() <= room.bottom()


def test_the_first_window_fits_a_1366x768_laptop_with_its_title_bar(tmp_path, migrated_template):
    """A fresh start on a screen that reports 1366x768 (Qt's offscreen platform given that screen)."""
    import shutil

    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    db = tmp_path / "fresh.sqlite3"
    shutil.copy(migrated_template, db)
    script = (
        "import sys\n"
        "from app.db import Database\n"
        "from app.ui.application import build_window, make_qapp\n"
        "from app.ui.main_window import TITLE_BAR\n"
        "app = make_qapp()\n"
        "database = Database.open(sys.argv[1])\n"
        "window, _ = build_window(database, synchronous=True)\n"
        "window.show()\n"
        "app.processEvents()\n"
        "room = window.screen().availableGeometry()\n"
        "print(room.width(), room.height(), window.width(), window.height(), TITLE_BAR)\n"
        "window.close()\n"
        "database.dispose()\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}", "PYTHONPATH": str(ROOT),
           "MENTORDESK_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", script, str(db)], check=False, capture_output=True, text=True,
                         env=env, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    screen_w, screen_h, width, height, title = map(int, out.stdout.split()[-5:])
    assert (screen_w, screen_h) == (1366, 768)
    assert width <= 1366 and height + title <= 768
    assert width >= 1000 and height >= 600  # and it still uses the screen
