"""Tooltips (issue 17): every button whose label does not explain itself (one word, or ending in an ellipsis
that opens something) says what it does on hover, on every page and tab of the demo district."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QPushButton, QTabWidget

from tests.test_ui_crawl import demo_window  # noqa: F401 - the fixture


def unexplained(root, where, found, seen):
    for button in root.findChildren(QPushButton):
        if id(button) in seen or not button.isVisible():
            continue
        seen.add(id(button))
        label = button.text().replace("&", "").strip()
        short = len(label.split()) <= 1 or label.endswith(("…", "..."))
        if short and not (button.toolTip().strip() or button.accessibleDescription().strip()):
            found.append(f"{where}: {label!r}")
    for tabs in root.findChildren(QTabWidget):
        if tabs.isVisible():
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                QApplication.processEvents()
                unexplained(tabs.widget(i), f"{where} / {tabs.tabText(i)}", found, seen)


@pytest.mark.slow
def test_every_short_or_ellipsis_button_has_a_tooltip(demo_window):  # noqa: F811
    from app.ui.main_window import AREAS

    found: list[str] = []
    seen: set[int] = set()
    for area in AREAS:
        page = demo_window.show_area(area.key)
        QApplication.processEvents()
        unexplained(page, area.title, found, seen)
    assert len(seen) > 40  # it saw the buttons
    assert not found, "\n".join(found)
