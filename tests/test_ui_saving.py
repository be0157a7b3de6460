"""Where exports go (issue 17): the save dialog opens in Documents the first time and in the last folder
used after that, and every export offers to open its folder; clicked on the real Reports page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

from tests.test_ui_crawl import demo_window  # noqa: F401 - the fixture


def _offer(window):
    """The visible "Open folder" offer of this window (an earlier test's window may still hold its own)."""
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
             and w.findChild(QPushButton, "open_folder") is not None
             and w.parentWidget() is not None and w.parentWidget().window() is window]
    return boxes[-1] if boxes else None


def test_exports_start_in_documents_remember_the_folder_and_offer_to_open_it(qtbot, demo_window, monkeypatch,  # noqa: F811
                                                                             tmp_path):
    from app.ui.saving import documents_folder

    asked: list[str] = []
    chosen = tmp_path / "exports"
    chosen.mkdir()

    def save_dialog(_parent, _title, directory="", file_filter="", *_a, **_k):
        asked.append(directory)
        return str(chosen / Path(directory).name), file_filter

    opened: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    page = demo_window.show_area("reports")
    qtbot.mouseClick(page.exports["csv"], Qt.MouseButton.LeftButton)
    assert Path(asked[0]).parent == documents_folder()  # not a hidden app-data folder
    assert Path(asked[0]).name.endswith(".csv")
    qtbot.waitUntil(lambda: _offer(demo_window) is not None)
    box = _offer(demo_window)
    written = chosen / Path(asked[0]).name
    assert written.stat().st_size > 0 and written.name in box.text()
    qtbot.mouseClick(box.findChild(QPushButton, "open_folder"), Qt.MouseButton.LeftButton)
    assert opened == [str(chosen)]
    qtbot.waitUntil(lambda: not box.isVisible())

    # The next export, on another page, starts where the last one went.
    page = demo_window.show_area("timelogs")
    qtbot.mouseClick(page.hours_button, Qt.MouseButton.LeftButton)
    assert Path(asked[1]).parent == chosen
    qtbot.waitUntil(lambda: _offer(demo_window) is not None)
    assert (chosen / Path(asked[1]).name).stat().st_size > 0
