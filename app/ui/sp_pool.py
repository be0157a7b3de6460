"""The Mentors page's "Supervising practitioners" tab: the year's SP pool beside the mentor pool, each
educator eligible or not with why (603 CMR 7.02; 001 SP job description; 000), what the district offers SPs
(the incentives policy in Settings, 000), and the placements whose SP fails a check, with their override
or a button to give one (a reason, recorded with who and when; shown on the CAP form).

Buttons record what the checks read: the educator's interest this year, the principal's recommendation
(who and when) and SP training (date and hours)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import AppContext
from app.ui.dates import DateEdit, us_date
from app.ui.widgets import read_only_table

STATUS_COLORS = {"met": "#1b7f3b", "not met": "#b00020", "unknown": "#8a6d00", "pending": "#8a6d00"}
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def us_dates(text: str) -> str:
    """A check's reason for the screen: its ISO days as M/D/YYYY (the services' texts are also logged and
    exported, where ISO stays)."""
    return _ISO_DAY.sub(lambda m: f"{int(m[2])}/{int(m[3])}/{m[1]}", text)


def _table(headers: tuple[str, ...], name: str) -> QTableWidget:
    return read_only_table(headers, name)


class RecordDialog(QDialog):
    """Interest, recommendation or SP training for one educator: the fields the chosen record needs."""

    def __init__(self, kind: str, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        titles = {"interest": "Interest in serving as SP", "recommendation": "Principal's recommendation",
                  "training": "SP training"}
        self.setWindowTitle(self.tr(titles[kind]))
        form = QFormLayout(self)
        form.addRow(self.tr("Educator"), QLabel(name))
        self.day = DateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDate(QDate.currentDate())
        self.day.setAccessibleName(self.tr("Date"))
        if kind == "interest":
            self.interested = QCheckBox(self.tr("Interested this school year"))
            self.interested.setChecked(True)
            form.addRow("", self.interested)
            form.addRow(self.tr("Recorded on"), self.day)
        elif kind == "recommendation":
            self.by = QLineEdit()
            self.by.setAccessibleName(self.tr("Recommended by"))
            self.by.setPlaceholderText(self.tr("The principal or building administrator"))
            form.addRow(self.tr("Recommended by"), self.by)
            form.addRow(self.tr("Recommended on"), self.day)
        else:
            self.hours = QDoubleSpinBox()
            self.hours.setRange(0.5, 200)
            self.hours.setValue(6)
            self.hours.setSuffix(" h")
            self.hours.setAccessibleName(self.tr("Hours of SP training"))
            self.provider = QLineEdit()
            self.provider.setAccessibleName(self.tr("Provider"))
            form.addRow(self.tr("Completed on"), self.day)
            form.addRow(self.tr("Hours"), self.hours)
            form.addRow(self.tr("Provider"), self.provider)
            form.addRow(QLabel(self.tr("6 hours or more earn PDPs (DESE memo, December 2015).")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        day: dt.date = self.day.date().toPython()  # type: ignore[assignment]
        if self.kind == "interest":
            return {"interested": self.interested.isChecked(), "recorded_on": day}
        if self.kind == "recommendation":
            return {"recommended_by": self.by.text().strip() or None, "recommended_on": day}
        return {"completed_on": day, "hours": self.hours.value(), "provider": self.provider.text().strip() or None}


class SpPoolPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.view: Any = None
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.heading = QLabel()
        header.addWidget(self.heading, 1)
        self.buttons: dict[str, QPushButton] = {}
        for kind, text, name in (
                ("interest", "Record interest…", "Record an educator's interest in serving as SP this year"),
                ("recommendation", "Recommend…", "Record the principal's recommendation of an SP"),
                ("training", "Add SP training…", "Record an educator's SP training")):
            button = QPushButton(self.tr(text))
            button.setAccessibleName(self.tr(name))
            button.clicked.connect(lambda _checked=False, k=kind: self.record(k))
            header.addWidget(button)
            self.buttons[kind] = button
        layout.addLayout(header)
        self.incentives = QLabel()
        self.incentives.setWordWrap(True)
        self.incentives.setAccessibleName(self.tr("Incentives for supervising practitioners"))
        layout.addWidget(self.incentives)
        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QSplitter(Qt.Orientation.Horizontal)
        self.table = _table((self.tr("Name"), self.tr("Eligible"), self.tr("Why not"), self.tr("Candidates"),
                             self.tr("School"), self.tr("Employee ID")), self.tr("Supervising practitioner pool"))
        for column, width in enumerate((140, 60, 250, 75, 140)):
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._row_changed)
        top.addWidget(self.table)
        self.checks = _table((self.tr("Criterion"), self.tr("Status"), self.tr("Reason"), self.tr("Rule")),
                             self.tr("The selected educator's SP criteria"))
        for column, width in enumerate((150, 60, 190)):
            self.checks.setColumnWidth(column, width)
        top.addWidget(self.checks)
        top.setSizes([740, 460])
        splitter.addWidget(top)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.placements_label = QLabel()
        row.addWidget(self.placements_label, 1)
        self.override_button = QPushButton(self.tr("Give override…"))
        self.override_button.setAccessibleName(self.tr("Give the selected placement an override with a reason"))
        self.override_button.clicked.connect(lambda: self.give_override())
        row.addWidget(self.override_button)
        below_layout.addLayout(row)
        self.placements = _table((self.tr("Candidate"), self.tr("Supervising practitioner"), self.tr("Not met"),
                                  self.tr("Override reason"), self.tr("By"), self.tr("On")),
                                 self.tr("Placements whose SP fails a check"))
        for column, width in enumerate((150, 150, 260, 300, 100)):
            self.placements.setColumnWidth(column, width)
        below_layout.addWidget(self.placements)
        splitter.addWidget(below)
        splitter.setSizes([440, 140])
        layout.addWidget(splitter, 1)
        bottom = QHBoxLayout()
        self.count = QLabel()
        self.count.setAccessibleName(self.tr("SP pool members and how many are eligible"))
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Last action"))
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.status, 2)
        layout.addLayout(bottom)

    # --- loading -----------------------------------------------------------------------------------------

    def refresh(self) -> None:
        from app.services.cap.sp_pool_view import pool_view

        year = self.ctx.year_label
        self.heading.setText(f"<h3>{self.tr('Supervising practitioners')} {year}</h3>")
        self.ctx.tasks.run(lambda s: pool_view(s, year), on_success=self._loaded, write=False)

    def _loaded(self, view: Any) -> None:
        from app.services.cap.sp_pool_view import why_not

        keep = self.selected_educator()
        self.view = view
        self.incentives.setText(self.tr("<b>Incentives:</b> ") + view.incentives.short_text)
        self.incentives.setToolTip(view.incentives.text + self.tr(" Change them in Settings. (000, Incentives and "
                                                                  "Opportunities for Supervising Practitioners)"))
        self.table.setRowCount(len(view.rows))
        for r, row in enumerate(view.rows):
            values = (row.name, self.tr("Yes") if row.eligible else self.tr("No"), us_dates(why_not(row)),
                      str(row.placements), row.school or "", row.employee_id)
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row.educator_id)
                if c == 1:
                    item.setForeground(QColor(STATUS_COLORS["met" if row.eligible else "not met"]))
                if c == 2:
                    item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.placements.setRowCount(len(view.placements))
        for r, p in enumerate(view.placements):
            values = (p.candidate, p.sp_name, p.failing, p.reason or self.tr("none: needs an override"), p.by,
                      us_date(p.on) if p.on else "")
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, p.placement_id)
                if c == 3 and not p.reason:
                    item.setForeground(QColor(STATUS_COLORS["not met"]))
                item.setToolTip(text)
                self.placements.setItem(r, c, item)
        self.placements_label.setText(
            self.tr("<b>Placements with an SP who fails a check</b> (603 CMR 7.02): %1, %2 without an override")
            .replace("%1", str(len(view.placements))).replace("%2", str(view.without_override)))
        self.count.setText(self.tr("%1 in the pool · %2 eligible").replace("%1", str(len(view.rows)))
                            .replace("%2", str(view.eligible)))
        if keep is not None:
            self.select(keep)
        self._row_changed()

    def selected_educator(self) -> uuid.UUID | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, educator_id: uuid.UUID) -> int:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == educator_id:
                self.table.selectRow(r)
                return r
        return -1

    def _row_changed(self) -> None:
        chosen = self.selected_educator()
        row = next((r for r in (self.view.rows if self.view else []) if r.educator_id == chosen), None)
        checks = row.status.checks if row is not None else ()
        from app.services.cap.supervisors import label

        self.checks.setRowCount(len(checks))
        for r, check in enumerate(checks):
            for c, text in enumerate((label(check.key), check.status, us_dates(check.reason), check.citation)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 1:
                    item.setForeground(QColor(STATUS_COLORS.get(check.status, "#000000")))
                self.checks.setItem(r, c, item)

    # --- recording ---------------------------------------------------------------------------------------

    def _pick_educator(self, title: str) -> tuple[uuid.UUID, str] | None:
        """The selected pool member, or one found by name or employee id."""
        chosen = self.selected_educator()
        if chosen is not None:
            name = self.table.item(self.table.currentRow(), 0).text()
            return chosen, name
        from app.services.cap.sp_pool_view import find_educators

        text, ok = QInputDialog.getText(self, title, self.tr("Name or employee ID:"))
        if not ok or not text.strip():
            return None
        found = self.ctx.tasks.call(lambda s: find_educators(s, text))
        if not found:
            self.status.setText(self.tr("No one on the roster matches “%1”.").replace("%1", text))
            return None
        labels = [label for _, label in found]
        choice, ok = QInputDialog.getItem(self, title, self.tr("Educator:"), labels, 0, False)
        return (found[labels.index(choice)][0], choice) if ok else None

    def record(self, kind: str, values: dict[str, Any] | None = None,
               educator: tuple[uuid.UUID, str] | None = None) -> None:
        """Record interest, a recommendation or SP training; `values` and `educator` skip the dialogs."""
        from app.services.cap import supervisors

        educator = educator or self._pick_educator(self.buttons[kind].text().rstrip("…"))
        if educator is None:
            return
        if values is None:
            dialog = RecordDialog(kind, educator[1], self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            values = dialog.values()
        educator_id, year, data = educator[0], self.ctx.year_label, dict(values)
        if kind == "interest":
            def work(s):  # type: ignore[no-untyped-def]
                supervisors.record_interest(s, year, educator_id, **data)
        elif kind == "recommendation":
            def work(s):  # type: ignore[no-untyped-def]
                supervisors.record_recommendation(s, year, educator_id, **data)
        else:
            def work(s):  # type: ignore[no-untyped-def]
                supervisors.add_sp_training(s, educator_id, **data)
        done = {"interest": "Interest recorded.", "recommendation": "Recommendation recorded.",
                "training": "SP training recorded."}[kind]
        self.ctx.tasks.run(work, on_success=lambda _r: self.status.setText(self.tr(done)),
                           on_error=self._failed)

    def give_override(self, reason: str | None = None) -> None:
        from app.services.cap.supervisors import set_sp_override

        row = self.placements.currentRow()
        item = self.placements.item(row, 0) if row >= 0 else None
        if item is None:
            self.status.setText(self.tr("Choose a placement in the list first."))
            return
        placement_id = item.data(Qt.ItemDataRole.UserRole)
        if reason is None:
            reason, ok = QInputDialog.getText(self, self.tr("Override"), self.tr(
                "Why place this candidate with this SP anyway? (recorded with your name and today's date)"),
                text=self.placements.item(row, 3).text() if self.view.placements[row].reason else "")
            if not ok:
                return
        given = reason.strip()
        self.ctx.tasks.run(lambda s: set_sp_override(s, placement_id, given),
                           on_success=lambda _r: self.status.setText(
                               self.tr("Override recorded.") if given else self.tr("Override taken back.")),
                           on_error=self._failed)

    def _failed(self, exc: BaseException, details: str) -> None:
        from app.errors import ValidationError

        if isinstance(exc, ValidationError):
            self.status.setText(self.tr("Not saved: ") + "; ".join(p.reason for p in exc.problems))
            return
        from app.ui.errors import show_error

        show_error(self, exc, details)
