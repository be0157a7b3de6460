"""People: the staff roster for the chosen school year, with search, filters, sorting, a detail pane
that edits one educator, and the roster import wizard and export."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.vocab import INDUCTION_STATUSES, ROLES
from app.services.roster.people_list import PersonRow, fold
from app.services.vocabulary import format_grades
from app.ui.educator_detail import EducatorDetail
from app.ui.pages.base import Page
from app.ui.saving import offer_open_folder, save_path
from app.ui.table_model import RIGHT, Column, RowTableModel

PEOPLE_COLUMNS = (
    Column("Name", lambda r: r.name, sort_key=lambda r: r.sort_key),  # "Ávila" under A, "de la Cruz" under C
    Column("Employee ID", lambda r: r.employee_id),
    Column("School", lambda r: r.school),
    Column("Role", lambda r: r.role),
    Column("Position", lambda r: r.position),
    Column("Subjects", lambda r: r.subjects),
    Column("Grades", lambda r: format_grades(r.grades), sort_key=lambda r: _grade_key(r.grades), searchable=False),
    Column("License", lambda r: r.license_type),
    Column("Years", lambda r: r.years_experience, align=RIGHT, searchable=False,
           tooltip="Full years under an Initial or Professional license"),
    Column("Induction", lambda r: r.induction_status, tooltip="Induction status for the school year"),
    Column("Rating", lambda r: r.last_rating, sort_key=lambda r: _rating_key(r.last_rating)),
)


COLUMN_WIDTHS = (170, 90, 190, 90, 170, 150, 70, 95, 50, 80)  # the last column stretches


def _grade_key(grades: tuple[str, ...]) -> tuple[int, int]:
    from app.models.vocab import GRADES

    return (0, GRADES.index(grades[0])) if grades and grades[0] in GRADES else (1, 0)


def _rating_key(rating: str) -> tuple[int, int]:
    from app.models.vocab import RATINGS

    return (0, RATINGS.index(rating)) if rating in RATINGS else (1, 0)  # best first, blanks last


def people_model(parent: Any = None) -> RowTableModel:
    # Email is searchable without taking a column.
    # Accents and case folded: "jose" finds "José", "lukasz" finds "Łukasz".
    return RowTableModel(PEOPLE_COLUMNS, extra_search=lambda r: r.email, fold=fold, parent=parent)


def people_table(model: RowTableModel) -> QTableView:
    """The People table view (the filter benchmark times this same view)."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)  # one line a row: rows keep one height and never need measuring
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # ResizeToContents would read every row
    header.setStretchLastSection(True)
    for column, width in enumerate(COLUMN_WIDTHS):
        table.setColumnWidth(column, width)
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    table.setSortingEnabled(True)
    return table


class PeoplePage(Page):
    title = "People"

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        self.model = people_model(self)
        self.wizard: Any = None
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addLayout(self._filters())
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("peopleSplitter")
        self.splitter.addWidget(self._table())
        self.detail = EducatorDetail(ctx)
        self.detail.saved.connect(lambda form: self._select(form.id))
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.splitterMoved.connect(self._remember_splitter)
        layout.addWidget(self.splitter, 1)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Last action"))
        layout.addWidget(self.status)
        self._restore_splitter()
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)

    # --- building ------------------------------------------------------------------------

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.heading = QLabel()
        row.addWidget(self.heading, 1)
        for text, name, slot, shortcut in (
            ("Import roster…", "Import a staff roster from CSV or Excel", self.import_roster, "Ctrl+I"),
            ("Export roster…", "Export the staff roster to CSV or Excel", self.export_roster, "Ctrl+E"),
            ("Add educator", "Add an educator", self.add_educator, "Ctrl+N"),
        ):
            button = QPushButton(self.tr(text))
            button.setAccessibleName(self.tr(name))
            button.setToolTip(f"{self.tr(name)} ({shortcut})")
            button.setShortcut(QKeySequence(shortcut))
            button.clicked.connect(lambda _=False, s=slot: s())
            row.addWidget(button)
        return row

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, employee ID, email, subject… (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search people"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        row.addWidget(self.search, 2)
        self.school_filter = self._picker(self.tr("All schools"), [], self.tr("Filter by school"))
        self.role_filter = self._picker(self.tr("All roles"), ROLES, self.tr("Filter by role"))
        self.status_filter = self._picker(self.tr("Any induction status"), INDUCTION_STATUSES,
                                          self.tr("Filter by induction status"))
        for picker in (self.school_filter, self.role_filter, self.status_filter):
            row.addWidget(picker, 1)
        self.count = QLabel()
        self.count.setAccessibleName(self.tr("People shown"))
        row.addWidget(self.count)
        return row

    def _picker(self, everyone: str, choices: Any, name: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        box.addItem(everyone, None)
        for choice in choices:
            box.addItem(choice, choice)
        box.currentIndexChanged.connect(self._filters_changed)
        return box

    def _table(self) -> QTableView:
        self.table = people_table(self.model)
        self.table.setAccessibleName(self.tr("People"))
        header = self.table.horizontalHeader()
        state = self.ctx.settings.value("people/header")
        if isinstance(state, QByteArray) and not state.isEmpty():
            header.restoreState(state)  # widths, order and sort as the user left them
        self.table.setSortingEnabled(True)
        header.sectionResized.connect(self._remember_header)
        header.sortIndicatorChanged.connect(self._remember_header)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        return self.table

    # --- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        from app.services.roster.people_list import list_people

        year = self.ctx.year_label
        self.heading.setText(f"<h2>{self.tr('People')} {year}</h2>")
        self.ctx.tasks.run(lambda s: list_people(s, year), on_success=self._loaded, write=False)

    def _loaded(self, rows: list[PersonRow]) -> None:
        keep = self.detail.educator_id
        self._fill_schools(sorted({r.school for r in rows if r.school}))
        self.model.set_rows(rows)
        self._after_filter()
        if keep is not None:
            self._select(keep)
            if not self.detail.is_dirty():
                self.detail.show_person(keep)  # the year or someone else may have changed it

    def _fill_schools(self, schools: list[str]) -> None:
        box, current = self.school_filter, self.school_filter.currentData()
        box.blockSignals(True)  # the model is filtered once, after the rows arrive
        while box.count() > 1:
            box.removeItem(1)
        for school in schools:
            box.addItem(school, school)
        box.setCurrentIndex(max(0, box.findData(current)) if current else 0)
        box.blockSignals(False)
        self._set_predicate()

    # --- filtering -----------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        self.model.set_search(text)
        self._after_filter()

    def _filters_changed(self, *_args: object) -> None:
        self._set_predicate()
        self._after_filter()

    def _set_predicate(self) -> None:
        school, role, status = (b.currentData() for b in (self.school_filter, self.role_filter, self.status_filter))
        if not (school or role or status):
            self.model.set_predicate(None)
            return
        self.model.set_predicate(lambda r: (not school or r.school == school) and (not role or r.role == role)
                                 and (not status or r.induction_status == status))

    def _after_filter(self) -> None:
        shown, total = self.model.match_count, self.model.total_count
        if total == 0:
            self.count.setText(self.tr("No one yet: Import roster… or Add educator"))
        else:
            self.count.setText(self.tr("%1 of %2 people").replace("%1", str(shown)).replace("%2", str(total)))
        if self.detail.educator_id is not None:
            self._select(self.detail.educator_id)

    # --- selection -----------------------------------------------------------------------

    def _select(self, educator_id: uuid.UUID) -> None:
        """Put the selection back on the person the pane shows (after a reload, filter or save);
        _row_changed sees the same id and does not reload the form."""
        row = self.model.find(lambda r: r.id == educator_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _row_changed(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            return
        person: PersonRow = self.model.row_at(current.row())
        if person.id == self.detail.educator_id:
            return
        if self.detail.may_leave():
            self.detail.show_person(person.id)
        elif self.detail.educator_id is not None:
            self._select(self.detail.educator_id)  # keep editing: the selection goes back

    def show_educator(self, educator_id: uuid.UUID) -> None:
        """Open one person in the pane, selected in the table when the filters show them."""
        self.detail.show_person(educator_id)
        self._select(educator_id)

    def select_person(self, employee_id: str) -> None:
        """Show one person in the pane (the dashboard and tests jump here)."""
        row = self.model.find(lambda r: r.employee_id == employee_id)
        if row >= 0:
            self.table.selectRow(row)

    # --- actions -------------------------------------------------------------------------

    def add_educator(self) -> None:
        if not self.detail.may_leave():
            return
        self.table.clearSelection()
        self.detail.start_new()

    def import_roster(self) -> None:
        from app.ui.import_wizard import ImportWizard

        self.wizard = ImportWizard(self.ctx, self)
        self.wizard.open()

    def export_roster(self, path: str | None = None) -> None:
        year = self.ctx.year_label
        if path is None:
            path = save_path(self, self.tr("Export the staff roster"), f"roster-{year}.xlsx",
                             self.tr("Excel (*.xlsx);;CSV (*.csv)"))
            if not path:
                return
        from app.services.roster.files import export_roster

        def done(written: Any) -> None:
            self.status.setText(self.tr("Wrote %1").replace("%1", str(written)))
            offer_open_folder(self, path, self.tr("Roster exported"))

        def write(session: Any) -> Any:
            from app.services.audit.trail import record_file

            written = export_roster(session, path, year)
            record_file(session, "staff roster", confidential=True)  # it holds the ratings (issue 18)
            return written

        self.ctx.tasks.run(write, on_success=done, write=False)

    # --- remembered layout ---------------------------------------------------------------

    def _remember_header(self, *_args: object) -> None:
        self.ctx.settings.setValue("people/header", self.table.horizontalHeader().saveState())

    def _remember_splitter(self, *_args: object) -> None:
        self.ctx.settings.setValue("people/splitter", self.splitter.saveState())

    def _restore_splitter(self) -> None:
        state = self.ctx.settings.value("people/splitter")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.splitter.restoreState(state)
        else:
            self.splitter.setSizes([700, 420])
