"""The habits of desktop software (issue 17): a menu bar (File, Go, Help) whose shortcuts work, Ctrl+L from
any page to the quick time entry, the app's icon when it is drawn, and no wheel changes to a combo box or
spin box that the user has not chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDesktopServices, QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox

from tests.ui_support import demo_file, open_copy, open_window

YEAR = "2025-2026"


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_template):
    return demo_file(tmp_path_factory, migrated_template, YEAR)


@pytest.fixture
def database(demo, tmp_path):
    database = open_copy(demo, tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def window(qtbot, database):
    return open_window(qtbot, database, YEAR)


def _menu(window, title: str) -> list[tuple[str, str]]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)
    return [(a.text().replace("&", ""), a.shortcut().toString()) for a in menu.actions() if not a.isSeparator()]


def _press(qtbot, window, key, modifier=Qt.KeyboardModifier.ControlModifier) -> None:
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def test_the_menu_bar_has_file_go_and_help_with_every_page_and_its_shortcut(window):
    from app.ui.main_window import AREAS
    from app.ui.menus import area_shortcut

    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Go", "Help"]
    assert [text for text, _ in _menu(window, "File")] == ["Import roster…", "Export roster…", "Open the data folder",
                                                            "Restore from backup…", "Audit trail…", "Quit"]
    go = _menu(window, "Go")
    assert go[:len(AREAS)] == [(a.title, area_shortcut(i)) for i, a in enumerate(AREAS)]
    assert area_shortcut(2) == "Ctrl+3" and area_shortcut(9) == "Ctrl+0" and area_shortcut(10) == "Ctrl+Shift+1"
    assert ("Log time", "Ctrl+L") in go
    assert [text for text, _ in _menu(window, "Help")] == ["Keyboard shortcuts", "Open the log folder",
                                                            "About MentorDesk"]


def test_ctrl_number_goes_to_each_page(qtbot, window):
    window.show_area("dashboard")
    _press(qtbot, window, Qt.Key.Key_3)
    assert window.stack.currentWidget() is window.pages["mentors"]
    _press(qtbot, window, Qt.Key.Key_0)
    assert window.stack.currentWidget() is window.pages["settings"]


@pytest.mark.parametrize("start", ["dashboard", "matching", "timelogs"])
def test_ctrl_l_from_any_page_opens_the_quick_time_entry(qtbot, window, start):
    window.show_area(start)
    window.activateWindow()
    _press(qtbot, window, Qt.Key.Key_L)
    page = window.pages.get("timelogs")
    assert page is not None and window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.quick.pair.hasFocus())


def test_file_menu_imports_and_exports_the_roster_through_the_people_page(qtbot, window, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName",
                        staticmethod(lambda *a, **k: (asked.append("save"), ("", ""))[1]))
    window.actions["export"].trigger()
    assert asked == ["save"] and window.stack.currentWidget() is window.pages["people"]
    window.show_area("dashboard")
    window.actions["import"].trigger()
    people = window.pages["people"]
    assert window.stack.currentWidget() is people and people.wizard.isVisible()
    people.wizard.reject()


def test_open_the_data_and_log_folders(window, database, monkeypatch):
    from app import paths

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    window.actions["data_folder"].trigger()
    window.actions["log_folder"].trigger()
    assert Path(opened[0]) == Path(database.url.split("///", 1)[1]).parent
    assert Path(opened[1]) == paths.log_dir()


def test_help_lists_the_keyboard_shortcuts_and_about_names_the_version(window, monkeypatch):
    from app import __version__

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda _p, _t, text: shown.append(text)))
    window.actions["shortcuts"].trigger()
    window.actions["about"].trigger()
    assert "Ctrl+L" in shown[0] and "log a mentoring session" in shown[0] and "Ctrl+K" in shown[0]
    assert __version__ in shown[1]


def test_quit_closes_the_window(window):
    window.actions["quit"].trigger()
    assert not window.isVisible()


def test_the_window_shows_the_app_icon_when_one_is_drawn(qtbot, database, tmp_path, monkeypatch):
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "mentordesk.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' width='64' height='64'><rect width='64' height='64' "
        "fill='#1b5e8a'/></svg>", encoding="utf-8")
    monkeypatch.setattr("app.ui.main_window.resources_dir", lambda: tmp_path)
    window = open_window(qtbot, database, YEAR)
    assert not window.windowIcon().isNull()
    assert not window.windowIcon().pixmap(32, 32).isNull()


def _wheel(widget, down: bool = True) -> None:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, widget.mapToGlobal(centre), QPoint(0, 0), QPoint(0, -120 if down else 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_does_not_change_an_unfocused_induction_status(qtbot, window):
    qtbot.waitUntil(lambda: window._painted)  # the guard is armed just after the first paint
    page = window.show_area("people")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    page.table.selectRow(0)
    status = page.detail.editors["induction_status"]
    assert isinstance(status, QComboBox)
    assert status.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel does not give it the focus
    page.table.setFocus()
    before = status.currentIndex()
    _wheel(status)
    _wheel(status, down=False) if before == status.count() - 1 else None
    assert status.currentIndex() == before
    status.setFocus()  # chosen by click or Tab: the wheel works as usual
    qtbot.waitUntil(status.hasFocus)
    _wheel(status, down=before < status.count() - 1)
    assert status.currentIndex() != before
