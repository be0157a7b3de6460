"""The Time Logs page's "Release time" tab: the year's release time per mentor and per mentee, and how many
sessions freed the mentor, the mentee or both (603 CMR 7.12(2)(d): release time for mentor and beginning
teacher is a required component). Figures from services/timelogs/release.py (release_totals), computed in
hours.py like the hours report's release_hours. It reloads itself when shown and when data changes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import AppContext

ROLES = {"mentor": "Mentor", "mentee": "Mentee"}


class ReleaseTotals(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Release time this year"))
        self.summary.setToolTip(self.tr("603 CMR 7.12(2)(d): release time for mentor and beginning teacher"))
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName(self.tr("Release time per educator"))
        self.table.setHorizontalHeaderLabels([self.tr("Educator"), self.tr("Freed as"), self.tr("School"),
                                              self.tr("Release hours")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order
        for column, width in enumerate((220, 90, 220)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        ctx.tasks.data_changed.connect(self._changed)
        ctx.year_changed.connect(self._changed)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _changed(self, *_args: object) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def refresh(self) -> None:
        from app.services.timelogs.release import release_totals

        self._stale = False
        year = self.ctx.year_label
        self.ctx.tasks.run(lambda s: release_totals(s, year), on_success=self._loaded, write=False)

    def _loaded(self, totals: Any) -> None:
        from app.services.vocabulary import hours_of

        s, m = totals.sessions, totals.session_minutes
        self.summary.setText(self.tr(
            "<b>Release time %1</b> (603 CMR 7.12(2)(d)): mentors %2 h, mentees %3 h. Sessions that freed the "
            "mentor only: %4 (%5 h); the mentee only: %6 (%7 h); both: %8 (%9 h).")
            .replace("%1", self.ctx.year_label)
            .replace("%2", f"{hours_of(totals.minutes_of('mentor')):.1f}")
            .replace("%3", f"{hours_of(totals.minutes_of('mentee')):.1f}")
            .replace("%4", str(s["mentor"])).replace("%5", f"{hours_of(m['mentor']):.1f}")
            .replace("%6", str(s["mentee"])).replace("%7", f"{hours_of(m['mentee']):.1f}")
            .replace("%8", str(s["both"])).replace("%9", f"{hours_of(m['both']):.1f}"))
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(totals.people))
        for r, p in enumerate(totals.people):
            for c, text in enumerate((p.name, self.tr(ROLES[p.role]), p.school, f"{p.hours:.1f}")):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    item.setData(Qt.ItemDataRole.UserRole, p.minutes)
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
