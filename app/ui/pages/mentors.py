"""Mentors: the year's mentor pool with every selection criterion (603 CMR 7.02; 004) shown as met,
not met or unknown with the reason and the rule; filters; training records; capacity, willingness
and incentives per year."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import DateEdit, us_date
from app.ui.pages.base import Page
from app.ui.sp_pool import SpPoolPanel
from app.ui.table_model import RIGHT, Column, RowTableModel

POOL_COLUMNS = (
    Column.name("Name"),  # the People order: "Ávila" with the A's, "de la Cruz" with the C's (table_model.person_key)
    Column("Status", lambda r: r.status_text, tooltip="Eligibility for this school year (603 CMR 7.02)"),
    Column("Why", lambda r: r.why, tooltip="What is not met, or missing"),
    Column("Mentees", lambda r: f"{r.load} of {r.capacity}" if r.willing else "not available",
           sort_key=lambda r: (r.capacity - r.load), align=RIGHT),
    # A mentor who is not district staff says so where the school would be (004, Mentor Selection).
    Column("School", lambda r: ({"retired": "Retired educator", "other_district": "Another district's staff"}
                                .get(r.external or "", "") + (f" ({r.school})" if r.external and r.school else "")
                                if r.external else r.school)),
    Column("Subjects", lambda r: r.subjects),
    Column("Role", lambda r: r.role),
    Column("Employee ID", lambda r: r.employee_id),
    Column("Trained", lambda r: us_date(r.trained_on), sort_key=lambda r: r.trained_on or dt.date.min),
    Column("Refresher due", lambda r: us_date(r.refresher_due), sort_key=lambda r: r.refresher_due or dt.date.min),
    Column("Incentives", lambda r: r.incentive.text, searchable=False),
)

POOL_WIDTHS = (150, 110, 200, 80, 170, 120, 80, 80, 90, 90)

FILTERS = (  # (label, predicate on a PoolRow)
    ("Everyone in the pool", None),
    ("Eligible", lambda r: r.status in ("eligible", "flagged")),
    ("Needs training", lambda r: r.status in ("flagged", "needs_training")
     or any(c.key == "trained" and c.met is False for c in r.checks)),
    ("Ineligible", lambda r: r.status == "ineligible"),
    ("Missing data", lambda r: r.status == "unknown"),
    ("With room for a mentee", lambda r: r.status in ("eligible", "flagged") and r.willing and r.load < r.capacity),
)

STATUS_COLORS = {"met": "#1b7f3b", "not met": "#b00020", "unknown": "#8a6d00", "pending": "#8a6d00"}


def _qdate(day: dt.date | None) -> QDate:
    return QDate(day.year, day.month, day.day) if day else QDate()


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class TrainingDialog(QDialog):
    """Add one training record (date, provider, hours, refresher due)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add mentor training"))
        form = QFormLayout(self)
        self.completed = QCheckBox(self.tr("Completed"))
        self.completed.setChecked(True)
        self.completed.setAccessibleName(self.tr("Training completed"))
        self.date = DateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setAccessibleName(self.tr("Completed on"))
        self.completed.toggled.connect(self.date.setEnabled)
        self.provider = QLineEdit()
        self.provider.setAccessibleName(self.tr("Provider"))
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 500)
        self.hours.setDecimals(1)
        self.hours.setValue(15)
        self.hours.setAccessibleName(self.tr("Hours"))
        self.refresher = DateEdit(QDate.currentDate().addYears(5))
        self.refresher.setCalendarPopup(True)
        self.refresher.setAccessibleName(self.tr("Refresher due"))
        form.addRow(self.completed, self.date)
        form.addRow(self.tr("Provider"), self.provider)
        form.addRow(self.tr("Hours"), self.hours)
        form.addRow(self.tr("Refresher due"), self.refresher)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        done = self.completed.isChecked()
        return {"completed_on": _pydate(self.date.date()) if done else None,
                "provider": self.provider.text().strip() or None, "hours": self.hours.value(),
                "refresher_due": _pydate(self.refresher.date()) if done else None}


class MentorDetail(QWidget):
    """One pool member: the criteria, training records, capacity, willingness, incentives."""

    def __init__(self, page: "MentorsPage"):
        super().__init__(page)
        self.page = page
        self.row: Any = None
        self.form: Any = None  # services.mentor_form.MentorForm: values and versions as loaded
        self._shown: dict[str, Any] = {}
        self.stale_box: Any = None  # the "changed by X at 10:42" question, while it is open
        layout = QVBoxLayout(self)
        self.heading = QLabel(self.tr("Choose someone in the pool to see each criterion."))
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.criteria = QTableWidget(0, 4)
        self.criteria.setAccessibleName(self.tr("Mentor criteria"))
        self.criteria.setHorizontalHeaderLabels([self.tr("Criterion"), self.tr("Status"), self.tr("Reason"),
                                                 self.tr("Rule")])
        self.criteria.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.criteria.verticalHeader().setVisible(False)
        self.criteria.setWordWrap(True)
        header = self.criteria.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 170), (1, 80), (3, 160)):
            self.criteria.setColumnWidth(column, width)
        layout.addWidget(self.criteria, 2)

        year_box = QGroupBox(self.tr("This school year"))
        form = QFormLayout(year_box)
        self.willing = QCheckBox(self.tr("Willing to mentor"))
        self.willing.setAccessibleName(self.tr("Willing to mentor this year"))
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 20)
        self.capacity.setAccessibleName(self.tr("Capacity: mentees this year"))
        self.stipend = QDoubleSpinBox()
        self.stipend.setRange(0, 100000)
        self.stipend.setDecimals(0)
        self.stipend.setPrefix("$")
        self.stipend.setAccessibleName(self.tr("Stipend"))
        self.pdps = QSpinBox()
        self.pdps.setRange(0, 500)
        self.pdps.setAccessibleName(self.tr("Professional development points"))
        self.release = QDoubleSpinBox()
        self.release.setRange(0, 1000)
        self.release.setDecimals(1)
        self.release.setSuffix(" h")
        self.release.setAccessibleName(self.tr("Release time in hours"))
        form.addRow(self.willing)
        form.addRow(self.tr("Capacity (mentees)"), self.capacity)
        form.addRow(self.tr("Stipend"), self.stipend)
        form.addRow(self.tr("PDPs"), self.pdps)
        form.addRow(self.tr("Release time"), self.release)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setAccessibleName(self.tr("Save capacity, willingness and incentives"))
        self.save_button.clicked.connect(lambda: self.save())  # not clicked(bool) into `overwrite`
        form.addRow(self.save_button)
        layout.addWidget(year_box)

        training_box = QGroupBox(self.tr("Mentor training"))
        tlayout = QVBoxLayout(training_box)
        self.trainings = QTableWidget(0, 4)
        self.trainings.setAccessibleName(self.tr("Training records"))
        self.trainings.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Provider"), self.tr("Hours"),
                                                  self.tr("Refresher due")])
        self.trainings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trainings.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trainings.verticalHeader().setVisible(False)
        self.trainings.horizontalHeader().setStretchLastSection(True)
        tlayout.addWidget(self.trainings)
        row = QHBoxLayout()
        self.add_training_button = QPushButton(self.tr("Add training…"))
        self.add_training_button.setAccessibleName(self.tr("Add a training record"))
        self.add_training_button.clicked.connect(lambda: self.add_training())  # clicked(bool) is no `values`
        self.delete_training_button = QPushButton(self.tr("Delete"))
        self.delete_training_button.setAccessibleName(self.tr("Delete the selected training record"))
        self.delete_training_button.clicked.connect(self.delete_training)
        row.addWidget(self.add_training_button)
        row.addWidget(self.delete_training_button)
        row.addStretch(1)
        tlayout.addLayout(row)
        layout.addWidget(training_box, 1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self._training_ids: list[uuid.UUID] = []
        self.setEnabled(False)

    def show_row(self, row: Any) -> None:
        self.row = row
        self.setEnabled(row is not None)
        self.error.clear()
        if row is None:
            return
        self.heading.setText(f"<b>{row.name}</b> ({row.employee_id}) · {row.school or ''} · {row.status_text}")
        self.criteria.setRowCount(len(row.checks))
        for r, check in enumerate(row.checks):
            status = check.status + ("" if check.required else " (recommended)")
            for c, text in enumerate((check.label, status, check.reason, check.citation)):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setForeground(QColor(STATUS_COLORS[check.status]))
                item.setToolTip(check.citation)
                self.criteria.setItem(r, c, item)
        self.criteria.resizeRowsToContents()
        self._load_form(row.educator_id)
        educator_id = row.educator_id
        from app.services.matching.eligibility import list_trainings

        self.page.ctx.tasks.run(lambda s: list_trainings(s, educator_id), on_success=self._trainings_loaded,
                                write=False)

    def _trainings_loaded(self, records: list[Any]) -> None:
        self._training_ids = [t.id for t in records]
        self.trainings.setRowCount(len(records))
        for r, t in enumerate(records):
            values = (us_date(t.completed_on) if t.completed_on else self.tr("pending"), t.provider or "",
                      f"{t.hours:.1f}" if t.hours is not None else "",
                      us_date(t.refresher_due))
            for c, text in enumerate(values):
                self.trainings.setItem(r, c, QTableWidgetItem(text))

    def _failed(self, exc: BaseException, details: str) -> None:
        from app.ui.errors import said

        self.error.setText(said(exc, details))

    # --- capacity, willingness and incentives: saved with the versions loaded, changed fields only ---

    def _load_form(self, educator_id: uuid.UUID) -> None:
        """The form's values and versions, read together (what a save is checked against)."""
        from app.services.matching.mentor_form import load_mentor_form

        year = self.page.ctx.year_label
        self.form = self.page.ctx.tasks.call(lambda s: load_mentor_form(s, year, educator_id))
        values = self.form.fields
        self.willing.setChecked(bool(values["willing"]))
        self.capacity.setValue(int(values["capacity"]))
        self.stipend.setValue(values["stipend_dollars"] or 0)
        self.pdps.setValue(values["pdps"] or 0)
        self.release.setValue(values["release_hours"] or 0)
        self._shown = self._values()  # as the widgets show them (rounded to their steps)

    def _values(self) -> dict[str, Any]:
        return {"willing": self.willing.isChecked(), "capacity": self.capacity.value(),
                "stipend_dollars": self.stipend.value() or None, "pdps": self.pdps.value() or None,
                "release_hours": self.release.value() or None}

    def save(self, overwrite: bool = False) -> None:
        if self.row is None or self.form is None:
            return
        from app.services.matching.mentor_form import save_mentor_form

        changes = {k: v for k, v in self._values().items() if v != self._shown.get(k)}
        form = self.form
        self.page.ctx.tasks.run(lambda s: save_mentor_form(s, form, changes, overwrite=overwrite),
                                on_success=self._saved, on_error=self._save_failed)

    def _saved(self, form: Any) -> None:
        if self.row is not None and form.educator_id == self.row.educator_id:
            self.form, self._shown = form, self._values()
        self.page.status.setText(self.tr("Saved."))

    def _save_failed(self, exc: BaseException, details: str) -> None:
        from app.errors import StaleRecordError

        if not isinstance(exc, StaleRecordError):
            self._failed(exc, details)
            return
        from app.ui.errors import ask_stale

        self.error.setText(self.tr("Not saved: someone else changed this record."))
        educator_id = self.row.educator_id
        self.stale_box = ask_stale(
            self, exc, reload=lambda: (self.error.clear(), self._load_form(educator_id)),
            overwrite=lambda: (self.error.clear(), self.save(overwrite=True)),
            cancel=lambda: self.error.setText(self.tr("Not saved: your edits are still here.")))

    def add_training(self, values: dict[str, Any] | None = None) -> None:
        if self.row is None:
            return
        if values is None:
            dialog = TrainingDialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            values = dialog.values()
        from app.services.matching.eligibility import add_training

        educator_id = self.row.educator_id
        self.page.ctx.tasks.run(lambda s: add_training(s, educator_id, **values),
                                on_success=lambda _: self.page.status.setText(self.tr("Training recorded.")),
                                on_error=self._failed)

    def delete_training(self) -> None:
        row = self.trainings.currentRow()
        if not 0 <= row < len(self._training_ids):
            return
        from app.services.matching.eligibility import delete_training

        training_id = self._training_ids[row]
        self.page.ctx.tasks.run(lambda s: delete_training(s, training_id), on_error=self._failed)


class MentorsPage(Page):
    title = "Mentors"

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        self.model = RowTableModel(POOL_COLUMNS, extra_search=lambda r: " ".join(r.grades), parent=self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()  # the mentor pool, and beside it the SP pool (app/ui/sp_pool.py)
        mentor_tab = QWidget()
        layout = QVBoxLayout(mentor_tab)
        header = QHBoxLayout()
        self.heading = QLabel()
        header.addWidget(self.heading, 1)
        self.add_button = QPushButton(self.tr("Add to pool…"))
        self.add_button.setAccessibleName(self.tr("Add an educator to this year's mentor pool"))
        self.add_button.clicked.connect(lambda: self.add_to_pool())  # clicked(bool) is no educator id
        header.addWidget(self.add_button)
        self.fill_button = QPushButton(self.tr("Add trained staff"))
        self.fill_button.setAccessibleName(self.tr("Add every trained educator on the roster to this year's pool"))
        self.fill_button.clicked.connect(self.fill_pool)
        header.addWidget(self.fill_button)
        layout.addLayout(header)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, employee ID, school, subject…"))
        self.search.setAccessibleName(self.tr("Search the mentor pool"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        filters.addWidget(self.search, 2)
        self.filter = QComboBox()
        self.filter.setAccessibleName(self.tr("Show"))
        for label, _ in FILTERS:
            self.filter.addItem(self.tr(label))
        self.filter.currentIndexChanged.connect(self._filter_changed)
        filters.addWidget(self.filter, 1)
        self.count = QLabel()
        self.count.setAccessibleName(self.tr("Pool members shown"))
        filters.addWidget(self.count)
        layout.addLayout(filters)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Mentor pool"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate(POOL_WIDTHS):
            self.table.setColumnWidth(column, width)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        splitter.addWidget(self.table)
        self.detail = MentorDetail(self)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([780, 640])
        layout.addWidget(splitter, 1)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Last action"))
        layout.addWidget(self.status)
        self.tabs.addTab(mentor_tab, self.tr("Mentor pool"))
        self.sp_pool = SpPoolPanel(ctx)
        self.tabs.addTab(self.sp_pool, self.tr("Supervising practitioners"))
        self.tabs.currentChanged.connect(lambda _index: self.refresh())
        outer.addWidget(self.tabs)

    def refresh(self) -> None:
        from app.services.matching.eligibility import mentor_pool

        if self.tabs.currentWidget() is self.sp_pool:
            self.sp_pool.refresh()
            return
        year = self.ctx.year_label
        self.heading.setText(f"<h2>{self.tr('Mentor pool')} {year}</h2>")
        self.ctx.tasks.run(lambda s: mentor_pool(s, year), on_success=self._loaded, write=False)

    def _loaded(self, rows: list[Any]) -> None:
        keep = self.detail.row.educator_id if self.detail.row is not None else None
        self.model.set_rows(rows)
        self._update_count()
        if keep is not None:
            self.select(keep)

    def _update_count(self) -> None:
        rows = self.model.all_rows()
        eligible = sum(1 for r in rows if r.status in ("eligible", "flagged"))
        room = sum(max(0, r.capacity - r.load) for r in rows if r.status in ("eligible", "flagged") and r.willing)
        self.count.setText(self.tr("%1 of %2 shown · %3 eligible · %4 places free")
                           .replace("%1", str(self.model.match_count)).replace("%2", str(len(rows)))
                           .replace("%3", str(eligible)).replace("%4", str(room)))

    def _search_changed(self, text: str) -> None:
        self.model.set_search(text)
        self._update_count()

    def _filter_changed(self, index: int) -> None:
        self.model.set_predicate(FILTERS[index][1])
        self._update_count()

    def _row_changed(self, current: Any, _previous: Any = None) -> None:
        self.detail.show_row(self.model.row_at(current.row()) if current.isValid() else None)

    def select(self, educator_id: uuid.UUID) -> int:
        row = self.model.find(lambda r: r.educator_id == educator_id)
        if row >= 0:
            self.table.selectRow(row)
            self.detail.show_row(self.model.row_at(row))
        return row

    def add_to_pool(self, educator_id: uuid.UUID | None = None) -> None:
        from app.services.matching.eligibility import add_to_pool, pool_candidates

        year = self.ctx.year_label
        if educator_id is None:
            text, ok = QInputDialog.getText(self, self.tr("Add to pool"), self.tr("Name or employee ID:"))
            if not ok or not text.strip():
                return
            found = self.ctx.tasks.call(lambda s: pool_candidates(s, year, text))
            if not found:
                self.status.setText(self.tr("No one outside the pool matches “%1”.").replace("%1", text))
                return
            labels = [label for _, label in found]
            choice, ok = QInputDialog.getItem(self, self.tr("Add to pool"), self.tr("Educator:"), labels, 0, False)
            if not ok:
                return
            educator_id = found[labels.index(choice)][0]
        chosen = educator_id
        self.ctx.tasks.run(lambda s: add_to_pool(s, year, chosen),
                           on_success=lambda _: self.status.setText(self.tr("Added to the pool.")))

    def fill_pool(self) -> None:
        from app.services.matching.eligibility import fill_pool

        year = self.ctx.year_label
        self.ctx.tasks.run(lambda s: fill_pool(s, year), on_success=lambda n: self.status.setText(
            (self.tr("Added 1 trained educator to the %2 pool.") if n == 1 else
             self.tr("Added %1 trained educators to the %2 pool.")).replace("%1", str(n)).replace("%2", year)))
