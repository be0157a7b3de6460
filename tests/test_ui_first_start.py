"""First start on an empty database: the window opens, offers the demo district in one click, and
every area of the sidebar opens without error (no dead ends)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from app.models import Educator


def test_empty_database_offers_the_demo_and_one_click_loads_it(qtbot, database, monkeypatch):
    from app.ui.application import build_window, make_qapp, offer_demo

    make_qapp()
    window, empty = build_window(database, synchronous=True)
    qtbot.addWidget(window)
    assert empty
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: asked.append(args) or QMessageBox.StandardButton.Yes)
    offer_demo(window)
    assert asked and "demo district" in asked[0][2]
    with database.read() as s:
        assert s.scalar(select(func.count(Educator.id))) == 120
    assert "Demo district (small" in window.statusBar().currentMessage()


def test_declining_the_demo_leaves_the_database_empty(qtbot, database, monkeypatch):
    from app.ui.application import build_window, make_qapp, offer_demo

    make_qapp()
    window, _ = build_window(database, synchronous=True)
    qtbot.addWidget(window)
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: QMessageBox.StandardButton.No)
    offer_demo(window)
    with database.read() as s:
        assert s.scalar(select(func.count(Educator.id))) == 0


def test_every_area_opens_on_the_demo_district(qtbot, database):
    from app.services.demo.district import build_demo
    from app.ui.application import build_window, make_qapp
    from app.ui.main_window import AREAS

    with database.unit_of_work() as session:
        build_demo(session, size="small", seed=2)
    make_qapp()
    window, empty = build_window(database, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    assert not empty
    for area in AREAS:
        page = window.show_area(area.key)
        assert page.isVisible(), area.key
        assert window.stack.currentWidget() is page


def test_the_status_bar_names_the_database_file_and_its_tooltip_the_path(qtbot, database):
    """The status bar shows the file's name (the whole path pushed the window wider than the screen); the
    path is in its tooltip (issue 17). A server database shows its name and host, never a password."""
    from pathlib import Path

    from app.ui.main_window import database_label
    from tests.ui_support import open_window

    window = open_window(qtbot, database)
    label = window.database_label
    if database.engine.dialect.name != "sqlite":  # a server: its name and host, never the login's password
        assert (label.text(), label.toolTip()) == database_label(database.url)
        assert "@" not in label.text() and "@" not in label.toolTip()
        return
    path = Path(database.url.split("///", 1)[1])
    assert label.text() == path.name and "/" not in label.text() and "\\" not in label.text()
    assert label.toolTip() == str(path)
    assert label in window.statusBar().findChildren(type(label))
    assert database_label("postgresql+psycopg://coord:s3cret@db.district.org/mentordesk") == (
        "mentordesk on db.district.org", "Server database mentordesk on db.district.org")
    assert database_label("sqlite://")[0] == "In memory"
