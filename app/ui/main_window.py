"""The main window: a sidebar of areas, pages created on first visit, status bar, remembered state."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSize, QTimer  # not Qt: importing it builds ~100 enums (~50 ms) before the first paint
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.paths import resources_dir
from app.ui.context import AppContext
from app.ui.pages.base import ComingPage, Page


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    module: str  # app.ui.pages.<module>, defining class Page subclass `cls`
    cls: str
    coming: str  # what the area will do, shown until it is built


AREAS = (
    Area("dashboard", "Dashboard", "dashboard", "DashboardPage", "what needs attention this week."),
    Area("people", "People", "people", "PeoplePage", "the staff roster."),
    Area("mentors", "Mentors", "mentors", "MentorsPage",
         "the mentor pool with each selection criterion (603 CMR 7.02), training and incentives."),
    Area("matching", "Matching", "matching", "MatchingPage",
         "proposed mentor-mentee pairs with their reasons, locks and exclusions."),
    Area("timelogs", "Time Logs", "timelogs", "TimeLogsPage",
         "quick entry of mentoring time, totals per pair, progress toward the 50 hours."),
    Area("schedule", "Schedule", "schedule", "SchedulePage",
         "orientation, support-team meetings, peer groups and mentor training on a calendar."),
    Area("cap", "CAP", "cap", "CapPage",
         "Candidate Assessment of Performance: observations, evidence, ratings, forms."),
    Area("reports", "Reports", "reports", "ReportsPage",
         "the annual induction and mentoring report to DESE, and principal rosters."),
    Area("sync", "Sync", "sync", "SyncPage",
         "merging work between laptops through a shared folder, USB stick or email."),
    Area("settings", "Settings", "settings", "SettingsPage", "district settings."),
    # After Settings so the ten areas before it keep their Ctrl+number (tests and people rely on them).
    Area("partnership", "Partnership", "partnership", "PartnershipPage",
         "the student-teaching partnership toolkit: partners, agreements, assessments, goals, the five criteria."),
)



TITLE_BAR = 32  # what a window manager adds above the window's own height (Windows 10: 31 px at 100%)


def _page_module(area: Area) -> str:
    return f"app.ui.pages.{area.module}"


def area_is_built(area: Area) -> bool:
    return importlib.util.find_spec(_page_module(area)) is not None



def database_label(url: str) -> tuple[str, str]:
    """(what the status bar shows, its tooltip) for the open database: a file's name and its whole
    path; a server's database and host, never the login or its password."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if not path or path == ":memory:":
            return "In memory", "A database in memory (nothing is saved)"
        return Path(path).name, str(Path(path))
    where = f"{parsed.database} on {parsed.host}" if parsed.host else str(parsed.database or "")
    return where, f"Server database {where}"

class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, years: list[str]):
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("MentorDesk")
        self.setObjectName("MainWindow")
        self.pages: dict[str, QWidget] = {}
        self._painted = False
        self._fitted = False
        if not ctx.tasks.synchronous:
            ctx.tasks.hold()  # the first page loads its data once the window is on screen (_after_first_paint)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(self.tr("Areas"))
        from app.ui.menus import area_shortcut

        icons = resources_dir() / "icons" / "sidebar"  # drawn for MentorDesk: resources/icons/sidebar/<key>.svg
        for number, area in enumerate(AREAS, start=1):
            item = QListWidgetItem(self.tr(area.title))  # row i is AREAS[i]
            if (icons / f"{area.key}.svg").is_file():
                item.setIcon(QIcon(str(icons / f"{area.key}.svg")))
            shortcut = area_shortcut(number - 1)
            tip = self.tr(area.title) + (f" ({shortcut})" if shortcut else "")
            if not area_is_built(area):
                tip += "\n" + self.tr("Coming: ") + area.coming
            item.setToolTip(tip)
            self.sidebar.addItem(item)
        self.sidebar.setIconSize(QSize(20, 20))
        self.year_box = QComboBox()
        self.year_box.setAccessibleName(self.tr("School year"))
        self.year_box.addItems(years)
        self.year_box.setCurrentText(ctx.year_label)
        self.year_box.currentTextChanged.connect(ctx.set_year)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(QLabel(self.tr("School year")))
        left_layout.addWidget(self.year_box)
        left_layout.addWidget(self.sidebar, 1)

        self.stack = QStackedWidget()
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 1000])
        self.setCentralWidget(self.splitter)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.statusBar().addPermanentWidget(self.progress)
        short, full = database_label(ctx.tasks.database.url)
        self.database_label = QLabel(short)  # the file's name; its whole path in the tooltip (issue 17)
        self.database_label.setToolTip(full)
        self.database_label.setAccessibleName(self.tr("Database: ") + full)
        self.statusBar().addPermanentWidget(self.database_label)
        ctx.tasks.busy_changed.connect(self.progress.setVisible)
        ctx.tasks.waiting.connect(self._show_waiting)  # a save behind another process's lock (issue 19)

        self.sidebar.currentRowChanged.connect(self._show_row)
        from app.ui.menus import build_menus

        self.actions = build_menus(self, AREAS)  # Go: Ctrl+1..9, Ctrl+0, Ctrl+Shift+1; Ctrl+L logs time from any page
        icon = resources_dir() / "icons" / "mentordesk.svg"
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self._restore_state()

    def set_years(self, years: list[str]) -> None:
        """The school years in the database (the app learns them just after the first paint);
        the chosen year stays chosen, and choosing is not announced again."""
        chosen = self.year_box.currentText()
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.addItems(years)
        self.year_box.setCurrentText(chosen)
        self.year_box.blockSignals(False)

    def show_area(self, key: str) -> QWidget:
        row = next(i for i, a in enumerate(AREAS) if a.key == key)
        self.sidebar.setCurrentRow(row)
        return self.pages[key]

    def log_time(self) -> None:
        """Ctrl+L from any page: the Time Logs page with the keyboard in its quick entry."""
        from PySide6.QtCore import Qt

        page = self.show_area("timelogs")
        page.quick.pair.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _page(self, area: Area) -> QWidget:
        page = self.pages.get(area.key)
        if page is None:
            if area_is_built(area):
                page = getattr(importlib.import_module(_page_module(area)), area.cls)(self.ctx)
            else:
                page = ComingPage(self.ctx, self.tr(area.title), self.tr(area.coming))
            page.setObjectName(f"page_{area.key}")
            page.setAccessibleName(self.tr(area.title))
            self.pages[area.key] = page
            self.stack.addWidget(page)
        return page

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        page = self._page(AREAS[row])
        self.stack.setCurrentWidget(page)
        if isinstance(page, Page):
            page.activate()
        from app.ui.tooltips import explain_buttons

        explain_buttons(page, AREAS[row].key)  # again on each visit: some buttons are made as data arrives
        self.ctx.settings.setValue("window/area", AREAS[row].key)

    def _restore_state(self) -> None:
        settings = self.ctx.settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            self.fit_screen()
        else:
            room = self.screen().availableGeometry()
            # 1200x760 plus a title bar hid the status bar on a 1366x768 laptop (issue 17)
            self.resize(min(1200, room.width()), min(760, room.height() - TITLE_BAR))
        splitter = settings.value("window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        key = settings.value("window/area", "dashboard")
        rows = [i for i, a in enumerate(AREAS) if a.key == key]
        self.sidebar.setCurrentRow(rows[0] if rows else 0)

    def fit_screen(self) -> None:
        """A saved size from a larger screen (or from a page that once forced the window wider) is
        clamped to the screen the window is on, frame and title bar included, and moved onto it."""
        if self.isMaximized() or self.isFullScreen():
            return
        room = self.screen().availableGeometry()
        frame, inner = self.frameGeometry(), self.geometry()
        extra_w = frame.width() - inner.width()
        extra_h = max(frame.height() - inner.height(), TITLE_BAR)  # before the first show Qt knows no frame
        width = min(inner.width(), room.width() - extra_w)
        height = min(inner.height(), room.height() - extra_h)
        if (width, height) != (inner.width(), inner.height()):
            self.resize(width, height)
        x = min(max(frame.x(), room.left()), room.right() + 1 - width - extra_w)
        y = min(max(frame.y(), room.top()), room.bottom() + 1 - height - extra_h)
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._fitted:  # once the frame is known
            self._fitted = True
            self.fit_screen()

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        from app.models import load_all

        # Start-up registers only the core models (app/models/__init__.py). Register the rest here,
        # on the GUI thread, before any held or later job needs them on the worker thread.
        load_all()
        self.ctx.tasks.release()
        from app.ui import wheel

        wheel.arm()

    def _show_waiting(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        elif self.statusBar().currentMessage() == self.ctx.tasks.tr("Another MentorDesk window is saving… retrying"):
            self.statusBar().clearMessage()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.setValue("window/splitter", self.splitter.saveState())
        self.ctx.tasks.stop_waiting()  # a save behind another process's lock gives up (nothing written)
        self.ctx.tasks.wait()
        super().closeEvent(event)
