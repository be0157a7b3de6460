"""Settings: the district's settings, school years with their first and last day, and where the
database lives. Problems appear under the field they belong to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError
from app.ui.dates import DateEdit
from app.ui.educator_detail import quiet
from app.ui.pages.base import Page
from app.ui.widgets import wrapped

ERROR_STYLE = "color: #b00020;"


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _show(labels: dict[str, QLabel], reasons: dict[str, str]) -> None:
    for key, label in labels.items():
        label.setText(reasons.get(key, ""))
        label.setVisible(key in reasons)


def _date_edit(name: str) -> DateEdit:
    edit = DateEdit()
    edit.setCalendarPopup(True)
    edit.setAccessibleName(name)
    edit.setMaximumWidth(180)
    return edit


def open_folder(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class SettingsPage(Page):
    title = "Settings"

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        self.years: list[Any] = []
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.year_errors: dict[str, QLabel] = {}
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(QLabel(f"<h2>{self.tr('Settings')}</h2>"))
        column.addWidget(self._district_box())
        column.addWidget(self._years_box())
        self.cap_hours = CapHoursBox(self)
        column.addWidget(self.cap_hours)
        column.addWidget(self._database_box())
        column.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(area)

    # --- district settings ---------------------------------------------------------------

    def _district_box(self) -> QGroupBox:
        from app.services.settings import SPECS

        box = QGroupBox(self.tr("District"))
        form = QFormLayout(box)
        for key, spec in SPECS.items():
            editor = self._setting_editor(key, spec.default)
            editor.setAccessibleName(self.tr(spec.label))
            if spec.help:
                editor.setToolTip(self.tr(spec.help))
            error = _error_label()
            cell = QVBoxLayout()
            cell.addWidget(editor)
            if spec.help:
                cell.addWidget(quiet(QLabel(self.tr(spec.help))))
            cell.addWidget(error)
            label = "" if isinstance(spec.default, bool) else self.tr(spec.label)
            form.addRow(label, cell)
            self.editors[key], self.errors[key] = editor, error
        self.settings_message = QLabel()
        self.save_settings_button = QPushButton(self.tr("Save settings"))
        self.save_settings_button.setAccessibleName(self.tr("Save the district settings"))
        self.save_settings_button.clicked.connect(self.save_settings)
        form.addRow(self._row(self.save_settings_button, self.settings_message))
        return box

    def _setting_editor(self, key: str, default: Any) -> QWidget:
        from app.services.settings import SPECS

        if isinstance(default, bool):
            return QCheckBox(self.tr(SPECS[key].label))
        if isinstance(default, int):
            spin = QSpinBox()
            spin.setRange(-1000, 100000)  # ($ for a stipend) the service says what is allowed, next to the field
            spin.setMaximumWidth(120)
            return spin
        from app.services.district.settings_form import choices_for

        choices = choices_for(key)
        if choices:  # one of a few words: chosen from a list, never typed (a typo used to be refused at Save)
            pick = QComboBox()
            pick.addItems(list(choices))
            return pick
        if key == "time_zone":
            from app.services.district.settings_form import time_zone_names

            zones = QComboBox()
            zones.setEditable(True)
            zones.addItems(time_zone_names())
            return zones
        return QLineEdit()

    def _row(self, button: QPushButton, message: QLabel) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(button)
        row.addWidget(message, 1)
        return row

    def setting_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, editor in self.editors.items():
            if isinstance(editor, QCheckBox):
                values[key] = editor.isChecked()
            elif isinstance(editor, QSpinBox):
                values[key] = editor.value()
            elif isinstance(editor, QComboBox):
                values[key] = editor.currentText()
            else:
                values[key] = editor.text()  # type: ignore[attr-defined]
        return values

    def _fill_settings(self, values: dict[str, Any]) -> None:
        from app.services.district.settings_form import as_text

        for key, editor in self.editors.items():
            value = values.get(key)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value or 0))
            elif isinstance(editor, QComboBox):
                editor.setCurrentText(as_text(key, value))
            else:
                editor.setText(as_text(key, value))  # type: ignore[attr-defined]
        _show(self.errors, {})

    def save_settings(self) -> None:
        from app.services.district.settings_form import save_settings

        values = self.setting_values()

        def saved(stored: dict[str, Any]) -> None:
            self._fill_settings(stored)
            self.settings_message.setText(self.tr("Saved."))

        self.ctx.tasks.run(lambda s: save_settings(s, values), on_success=saved,
                           on_error=lambda exc, details: self._failed(exc, details, self.errors, self.settings_message))

    def _failed(self, exc: BaseException, details: str, labels: dict[str, QLabel], message: QLabel) -> None:
        if isinstance(exc, ValidationError):
            _show(labels, {p.field: p.reason for p in exc.problems})
            message.setText(self.tr("Not saved: fix what is marked."))
            return
        from app.ui.errors import show_error

        message.setText(self.tr("Not saved."))
        show_error(self, exc, details)

    # --- school years --------------------------------------------------------------------

    def _years_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("School years"))
        form = QFormLayout(box)
        form.addRow(wrapped(self.tr("The state reporting window runs July 1 to June 30. The first day of school "
                                   "starts the clocks that count school days (e.g. a mentor within two weeks).")))
        self.year_pick = QComboBox()
        self.year_pick.setAccessibleName(self.tr("School year to edit"))
        self.year_pick.currentIndexChanged.connect(self._show_year)
        form.addRow(self.tr("School year"), self.year_pick)
        self.first_day = _date_edit(self.tr("First day of school"))
        self.last_day = _date_edit(self.tr("Last day of school"))
        for key, edit, text in (("first_day", self.first_day, "First day of school"),
                                ("last_day", self.last_day, "Last day of school")):
            self.year_errors[key] = _error_label()
            cell = QVBoxLayout()
            cell.addWidget(edit)
            cell.addWidget(self.year_errors[key])
            form.addRow(self.tr(text), cell)
        self.year_message = QLabel()
        self.save_year_button = QPushButton(self.tr("Save the dates"))
        self.save_year_button.setAccessibleName(self.tr("Save the school year's first and last day"))
        self.save_year_button.clicked.connect(self.save_year)
        form.addRow(self._row(self.save_year_button, self.year_message))
        form.addRow(self._add_year_row())
        return box

    def _add_year_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.new_year = QLineEdit()
        self.new_year.setPlaceholderText("2026-2027")
        self.new_year.setAccessibleName(self.tr("New school year, like 2026-2027"))
        self.add_year_button = QPushButton(self.tr("Add school year"))
        self.add_year_button.setAccessibleName(self.tr("Add the school year"))
        self.add_year_button.clicked.connect(self.add_year)
        self.new_year_error = QLabel()
        self.new_year_error.setStyleSheet(ERROR_STYLE)
        row.addWidget(self.new_year)
        row.addWidget(self.add_year_button)
        row.addWidget(self.new_year_error, 1)
        return row

    def _fill_years(self, years: list[Any], pick: str | None = None) -> None:
        self.years = years
        pick = pick or self.year_pick.currentText() or self.ctx.year_label
        self.year_pick.blockSignals(True)
        self.year_pick.clear()
        self.year_pick.addItems([y.label for y in years])
        self.year_pick.setCurrentIndex(max(0, self.year_pick.findText(pick)))
        self.year_pick.blockSignals(False)
        self._show_year()
        if years:
            start = int(years[-1].label[:4]) + 1
            self.new_year.setText(f"{start}-{start + 1}")

    def _show_year(self, *_args: object) -> None:
        year = self._picked()
        for edit in (self.first_day, self.last_day):
            edit.setEnabled(year is not None)
        self.save_year_button.setEnabled(year is not None)
        if year is None:
            return
        for edit, day in ((self.first_day, year.first_day), (self.last_day, year.last_day)):
            edit.setDateRange(QDate(year.window_start.year - 1, 1, 1), QDate(year.window_end.year + 1, 12, 31))
            edit.setDate(day)
        _show(self.year_errors, {})

    def _picked(self) -> Any:
        label = self.year_pick.currentText()
        return next((y for y in self.years if y.label == label), None)

    def save_year(self) -> None:
        from app.services.years import update_year

        year = self._picked()
        if year is None:
            return
        first: dt.date = self.first_day.date().toPython()  # type: ignore[assignment]
        last: dt.date = self.last_day.date().toPython()  # type: ignore[assignment]

        def saved(_info: Any) -> None:
            self.year_message.setText(self.tr("Saved %1.").replace("%1", year.label))  # the page reloads on data_changed

        self.ctx.tasks.run(lambda s: update_year(s, year.label, first_day=first, last_day=last), on_success=saved,
                           on_error=lambda exc, details: self._failed(exc, details, self.year_errors,
                                                                      self.year_message))

    def add_year(self) -> None:
        from app.errors import UsageError
        from app.services.years import ensure_year, parse_label

        label = self.new_year.text().strip()
        try:
            parse_label(label)
        except UsageError as exc:
            self.new_year_error.setText(str(exc))
            return
        self.new_year_error.clear()

        def added(_result: Any) -> None:
            self._offer_in_window(label)
            self.year_message.setText(self.tr("Added %1: check its first day of school.").replace("%1", label))
            self.refresh(pick=label)

        self.ctx.tasks.run(lambda s: ensure_year(s, label)[0].label, on_success=added)

    def _offer_in_window(self, label: str) -> None:
        """The window's year picker learns the new year at once."""
        picker = getattr(self.window(), "year_box", None)
        if isinstance(picker, QComboBox) and picker.findText(label) < 0:
            labels = sorted([picker.itemText(i) for i in range(picker.count())] + [label])
            picker.insertItem(labels.index(label), label)

    # --- database ------------------------------------------------------------------------

    def _database_box(self) -> QGroupBox:
        from app import paths

        box = QGroupBox(self.tr("Database"))
        form = QFormLayout(box)
        database = self.ctx.tasks.database
        self.db_file = Path(database.engine.url.database) if database.engine.dialect.name == "sqlite" else None
        self.db_location = QLabel(str(self.db_file) if self.db_file else database.url)
        self.db_location.setAccessibleName(self.tr("Where the database lives"))
        self.db_location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_location.setWordWrap(True)
        form.addRow(self.tr("Location"), self.db_location)
        if self.db_file is not None:  # a server has no folder to open: no button rather than a dead one
            self.open_folder_button = QPushButton(self.tr("Open the folder"))
            self.open_folder_button.setAccessibleName(self.tr("Open the folder that holds the database"))
            self.open_folder_button.clicked.connect(lambda: open_folder(self.db_file.parent))  # type: ignore[union-attr]
            row = QHBoxLayout()
            row.addWidget(self.open_folder_button)
            row.addStretch(1)
            form.addRow("", row)
            form.addRow(self.tr("Backups"), wrapped(self.tr("A copy is made before every upgrade, in %1")
                                                   .replace("%1", str(paths.backup_dir()))))
        form.addRow(wrapped(self.tr("To use another database, start MentorDesk with --db PATH or set MENTORDESK_DB.")))
        return box

    # --- loading -------------------------------------------------------------------------

    def refresh(self, pick: str | None = None) -> None:
        self.ctx.tasks.run(_load, on_success=lambda result: self._loaded(result, pick), write=False)
        self.cap_hours.load()

    def _loaded(self, result: tuple[dict[str, Any], list[Any]], pick: str | None) -> None:
        values, years = result
        self._fill_settings(values)
        self._fill_years(years, pick)


def _load(session: Any) -> tuple[dict[str, Any], list[Any]]:
    from app.services.settings import get_all
    from app.services.years import list_years

    return get_all(session), list_years(session)


# --- CAP: practicum hours by license field --------------------------------------------------------


class CapHoursBox(QGroupBox):
    """The practicum hours each license field requires (603 CMR 7.04(4); the state's table was not
    retrieved, so the district keeps its own). Candidates follow this table, and its later changes,
    unless the CAP page gives one candidate its own number."""

    def __init__(self, page: SettingsPage):
        from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

        super().__init__(page.tr("CAP practicum hours by license field"))
        self.page = page
        self.rows: list[Any] = []
        form = QFormLayout(self)
        form.addRow(wrapped(self.tr("Hours a candidate must log, by the license field sought ('*': every other "
                                   "field; with no row, 300 hours with 100 in full responsibility). Candidates "
                                   "follow this table unless the CAP page sets their own number.")))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("License field"), self.tr("Hours"),
                                              self.tr("In full responsibility")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setMaximumHeight(170)
        self.table.setAccessibleName(self.tr("Practicum hours by license field"))
        self.table.itemSelectionChanged.connect(self._pick)
        form.addRow(self.table)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Elementary")
        self.field.setAccessibleName(self.tr("License field, or * for every other field"))
        self.hours = QSpinBox()
        self.hours.setRange(1, 2000)
        self.hours.setValue(300)
        self.hours.setMaximumWidth(120)
        self.hours.setAccessibleName(self.tr("Practicum hours required"))
        self.full = QSpinBox()
        self.full.setRange(0, 2000)
        self.full.setValue(100)
        self.full.setMaximumWidth(120)
        self.full.setAccessibleName(self.tr("Hours in full responsibility required"))
        self.errors = {key: _error_label() for key in ("license_field", "hours", "full_responsibility_hours")}
        for key, label, editor in (("license_field", "License field", self.field), ("hours", "Hours", self.hours),
                                   ("full_responsibility_hours", "In full responsibility", self.full)):
            cell = QVBoxLayout()
            cell.addWidget(editor)
            cell.addWidget(self.errors[key])
            form.addRow(self.tr(label), cell)
        self.message = QLabel()
        self.save_button = QPushButton(self.tr("Save the row"))
        self.save_button.setAccessibleName(self.tr("Save the practicum hours for this license field"))
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton(self.tr("Remove the row"))
        self.remove_button.setAccessibleName(self.tr("Remove the practicum hours row of this license field"))
        self.remove_button.clicked.connect(self.remove)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.message, 1)
        form.addRow(row)

    def load(self) -> None:
        from app.services.cap import hours_requirements

        self.page.ctx.tasks.run(hours_requirements, on_success=self._show, write=False)

    def _show(self, rows: list[Any]) -> None:
        from PySide6.QtWidgets import QTableWidgetItem

        self.rows = rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate((row.license_field, str(row.hours), str(row.full_responsibility_hours))):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.blockSignals(False)

    def _pick(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            picked = self.rows[row]
            self.field.setText(picked.license_field)
            self.hours.setValue(picked.hours)
            self.full.setValue(picked.full_responsibility_hours)

    def save(self) -> None:
        from app.services.cap import set_hours_requirement

        field, hours, full = self.field.text(), self.hours.value(), self.full.value()

        def saved(_result: Any) -> None:
            _show(self.errors, {})
            self.message.setText(self.tr("Saved %1.").replace("%1", field.strip()))
            self.load()

        self.page.ctx.tasks.run(lambda s: set_hours_requirement(s, field, hours, full), on_success=saved,
                                on_error=lambda exc, details: self.page._failed(exc, details, self.errors,
                                                                                self.message))

    def remove(self) -> None:
        from app.services.cap import remove_hours_requirement

        field = self.field.text()

        def removed(_result: Any) -> None:
            _show(self.errors, {})
            self.message.setText(self.tr("Removed %1.").replace("%1", field.strip()))
            self.load()

        def failed(exc: BaseException, details: str) -> None:
            from app.errors import UsageError

            if isinstance(exc, UsageError):  # no such row: said beside the button
                self.message.setText(str(exc))
                return
            self.page._failed(exc, details, self.errors, self.message)

        self.page.ctx.tasks.run(lambda s: remove_hours_requirement(s, field), on_success=removed, on_error=failed)
