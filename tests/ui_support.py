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
