"""Plain English on screen (issue 17), read off the real window on the demo district: every label, button,
combo box item, table header and the first rows of every table on every page and tab. No ISO date (US
M/D/YYYY), no "item(s)", no matching "Score", no snake_case code, no raw float (0.583), no zero-padded
date; the Time Logs list and the status bar included."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QComboBox, QLabel, QTabWidget

from tests.test_ui_crawl import demo_window  # noqa: F401 - the fixture

DEVELOPER_TEXT = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\(s\)|^Score$|\b[a-z]+_[a-z_]+\b"
                            r"|(?<![\d.])\d+\.\d{3,}\b"  # a raw float (0.583): rates are 58.3%, hours 12.5
                            r"|\b0\d/\d{1,2}/\d{4}\b|\b\d{1,2}/0\d/\d{4}\b"  # 03/05/2026: the app writes 3/5/2026
                            r"|\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b")  # 28 Sep 2026


def _texts(root):
    for widget in root.findChildren(QLabel):
        if widget.isVisible():
            yield "label", re.sub(r"<[^>]+>", "", widget.text())
    for widget in root.findChildren(QAbstractButton):
        if widget.isVisible():
            yield "button", widget.text()
    for widget in root.findChildren(QComboBox):
        if widget.isVisible():
            yield from (("choice", widget.itemText(i)) for i in range(widget.count()))
    for view in root.findChildren(QAbstractItemView):
        if not view.isVisible() or view.model() is None:
            continue
        model = view.model()
        try:
            columns = model.columnCount(QModelIndex())
        except TypeError:  # a list model
            columns = 1
        for c in range(columns):
            yield "header", str(model.headerData(c, Qt.Orientation.Horizontal) or "")
        for r in range(min(model.rowCount(QModelIndex()), 25)):
            for c in range(columns):
                yield "cell", str(model.index(r, c).data() or "")


def _visit(root, where, found):
    for kind, text in _texts(root):
        for m in DEVELOPER_TEXT.finditer(text):
            if "://" not in text and "@" not in text:  # an address or a login is not prose
                found.add(f"{where}: {kind} {m.group(0)!r} in {text[:70]!r}")
    for tabs in root.findChildren(QTabWidget):
        if tabs.isVisible():
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                QApplication.processEvents()
                _visit(tabs.widget(i), f"{where} / {tabs.tabText(i)}", found)


@pytest.mark.slow
def test_every_page_speaks_plain_english_with_us_dates(demo_window):  # noqa: F811
    from app.ui.main_window import AREAS

    found: set[str] = set()
    for area in AREAS:
        page = demo_window.show_area(area.key)
        QApplication.processEvents()
        _visit(page, area.title, found)
    _visit(demo_window.statusBar(), "Status bar", found)
    assert not found, "\n".join(sorted(found))
