"""Keyboard focus is visible (issue 17): Tab to a button, a field or the sidebar on a real page and what is
drawn changes, so someone working by keyboard sees where they are."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui_support import open_window


def _drawn(widget):
    QApplication.processEvents()
    return widget.grab().toImage()


def test_tabbing_to_a_widget_draws_the_focus(qtbot, database):
    window = open_window(qtbot, database, "2025-2026")
    window.activateWindow()
    page = window.show_area("timelogs")
    for target in (page.export_button, page.hours_button, page.search, window.sidebar):
        page.quick.pair.setFocus()
        qtbot.waitUntil(page.quick.pair.hasFocus)
        before = _drawn(target)
        for _ in range(60):  # Tab, as a person does, until the keyboard reaches the target
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            if target.hasFocus():
                break
        assert target.hasFocus(), target.accessibleName()
        assert _drawn(target) != before, f"focus on {target.accessibleName()} is not drawn"
