"""The real window, as the tests open it: built on the test's database with its worker on the
GUI thread (synchronous), showing one school year."""

from __future__ import annotations

from typing import Any


def open_window(qtbot: Any, database: Any, year_label: str | None = None) -> Any:
    from app.ui.application import build_window, make_qapp

    make_qapp()
    win, _empty = build_window(database, synchronous=True)
    if year_label is not None:
        win.ctx.set_year(year_label)
    qtbot.addWidget(win)
    win.show()
    return win


def demo_file(tmp_path_factory: Any, migrated_template: Any, year_label: str, seed: int = 1) -> Any:
    """A SQLite file holding the small demo district (built once; tests open copies of it)."""
    import shutil

    import pytest

    from app.db import Database
    from app.services.demo.district import build_demo

    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.sqlite3"
    shutil.copy(migrated_template, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MENTORDESK_HOME", str(folder / "home"))
        database = Database.open(str(path))
        with database.unit_of_work() as s:
            build_demo(s, size="small", seed=seed, year_label=year_label)
        database.dispose()
    return path


def open_copy(path: Any, tmp_path: Any) -> Any:
    """The test's own copy of a prepared SQLite file, opened."""
    import shutil

    from app.db import Database

    copy = tmp_path / "mentordesk.sqlite3"
    shutil.copy(path, copy)
    return Database.open(str(copy))
