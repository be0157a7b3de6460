"""The detail pane that edits one educator. Rules are the importer's (services/roster/educators.py): the
pane sends text, the service answers with FieldProblems, and each reason appears under its field."""

from __future__ import annotations

import dataclasses
import html
import uuid
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.models.vocab import EXTERNAL_LABELS, INDUCTION_STATUSES, LICENSE_TYPES, RATINGS, ROLES
from app.services.roster.educators import DERIVATION_RULE, ROSTER_FIELDS, EducatorForm
from app.errors import DatabaseBusyError, StaleRecordError, ValidationError
from app.ui.context import AppContext
from app.ui.widgets import quiet

LABELS = {
    "employee_id": "Employee ID", "first_name": "First name", "last_name": "Last name", "email": "Email",
    "mepid": "MEPID", "school": "School", "role": "Role", "position": "Position", "subjects": "Subjects",
    "grades": "Grades", "license_type": "License", "years_experience": "Years of experience",
    "hire_date": "Hire date", "exit_date": "Exit date", "last_rating": "Last rating", "rating_year": "Rating year",
    "mentor_trained_on": "Mentor trained on", "induction_status": "Induction status",
    "planning_periods": "Planning periods", "room": "Room",
    "preparation_program": "Preparation program",
    "external": "External mentor", "focus": "Focus areas", "strengths": "Strengths",
}
CHOICES = {
    "role": ROLES,
    "license_type": ("", *LICENSE_TYPES),
    "last_rating": ("", *RATINGS),
    "induction_status": INDUCTION_STATUSES,
    "external": ("", *EXTERNAL_LABELS.values()),  # blank: on the district's staff
}
_DATE_HINT = "YYYY-MM-DD or M/D/YYYY"
HINTS = {
    "subjects": "separate with ;  e.g. Mathematics;Physics", "grades": "e.g. K;1;2 or 9-12 or PK-2",
    "hire_date": _DATE_HINT, "exit_date": _DATE_HINT, "mentor_trained_on": _DATE_HINT,
    "planning_periods": "e.g. 2;5", "years_experience": "full years under an Initial or Professional license",
    "mepid": "8 digits",
    "focus": "a mentee's needs, e.g. classroom management; ELL",
    "strengths": "a mentor's, e.g. formative assessment; technology",
}
ERROR_STYLE = "color: #b00020;"


class EducatorDetail(QWidget):
    """Shows one educator's form; `saved` fires with the saved form."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.form: EducatorForm | None = None  # None while adding someone new
        self.person_name = ""
        self.adding = False
        self.stale_box: QMessageBox | None = None
        self.editors: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        self.heading = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Save result"))
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addWidget(self._form_area(), 1)
        layout.addLayout(self._buttons())
        self.clear()

    # --- building ------------------------------------------------------------------------

    def _form_area(self) -> QScrollArea:
        body = QWidget()
        form = QFormLayout(body)
        for field in ROSTER_FIELDS:
            editor = self._editor(field)
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setVisible(False)
            cell = QVBoxLayout()
            cell.setSpacing(1)
            cell.addWidget(editor)
            cell.addWidget(error)
            form.addRow(self.tr(LABELS[field]), cell)
            self.editors[field], self.errors[field] = editor, error
        form.addRow(quiet(QLabel(self.tr("Induction status: ") + DERIVATION_RULE)))
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(body)
        return area

    def _editor(self, field: str) -> QLineEdit | QComboBox:
        editor: QLineEdit | QComboBox
        if field in CHOICES:
            editor = QComboBox()
            editor.addItems(list(CHOICES[field]))
        else:
            editor = QLineEdit()
            editor.setPlaceholderText(self.tr(HINTS.get(field, "")))
        editor.setAccessibleName(self.tr(LABELS[field]))
        editor.setObjectName(f"field_{field}")
        return editor

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setAccessibleName(self.tr("Save this educator"))
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(lambda: self.save())
        self.revert_button = QPushButton(self.tr("Revert"))
        self.revert_button.setAccessibleName(self.tr("Discard my changes to this educator"))
        self.revert_button.clicked.connect(self.revert)
        row.addStretch(1)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        return row

    # --- showing -------------------------------------------------------------------------

    @property
    def educator_id(self) -> uuid.UUID | None:
        return self.form.id if self.form else None

    def clear(self) -> None:
        self.form, self.adding = None, False
        self.heading.setText(f"<h3>{self.tr('No one selected')}</h3>")
        self.message.setText(self.tr("Pick a person in the table, or add an educator."))
        self._fill({})
        self._set_editable(False)

    def is_dirty(self) -> bool:
        """Typed but not saved (a reload must not wipe it)."""
        if self.adding:
            return True
        return self.form is not None and self.values() != {f: self.form.fields.get(f, "") for f in self.editors}

    def may_leave(self) -> bool:
        """Moving to someone else: typed edits are only dropped when the user says so."""
        if not self.is_dirty() or (self.adding and not any(self.values()[f] for f in ("employee_id", "last_name"))):
            return True
        who = self.tr("the new educator") if self.adding else self.person_name
        answer = QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("Discard your unsaved changes to %1?").replace("%1", who),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def show_person(self, educator_id: uuid.UUID, note: str = "") -> None:
        from app.services.roster.educators import load_form

        def shown(form: EducatorForm) -> None:
            self._show_form(form)
            if note:
                self.message.setText(note)

        year = self.ctx.year_label
        self.ctx.tasks.run(lambda s: load_form(s, educator_id, year), on_success=shown, write=False)

    def start_new(self) -> None:
        self.form, self.adding = None, True
        self.heading.setText(f"<h3>{self.tr('New educator')}</h3>")
        self.message.setText(self.tr("Employee ID, first and last name are required."))
        self._fill({"role": "teacher", "induction_status": "none"})
        self._set_editable(True)
        self.editors["employee_id"].setFocus()

    def _show_form(self, form: EducatorForm) -> None:
        previous, self.form, self.adding = self.form, form, False
        first, last = form.fields["first_name"], form.fields["last_name"]
        self.person_name = f"{first} {last}"
        self.heading.setText(f"<h3>{html.escape(first)} {html.escape(last)}</h3>")
        if previous is None or previous.id != form.id:
            self.message.clear()  # a message about someone else does not carry over
        self._fill(form.fields)
        self._set_editable(True)
        # The employee id is the district's key: the service refuses a change, so do not offer one.
        self.editors["employee_id"].setEnabled(False)

    def _fill(self, fields: dict[str, str]) -> None:
        for field, editor in self.editors.items():
            value = fields.get(field, "")
            if isinstance(editor, QComboBox):
                value = EXTERNAL_LABELS.get(value, value) if field == "external" else value
                editor.setCurrentIndex(max(0, editor.findText(value)))
            else:
                editor.setText(value)
        self._show_problems({})

    def _set_editable(self, on: bool) -> None:
        for editor in self.editors.values():
            editor.setEnabled(on)
        self.save_button.setEnabled(on)
        self.revert_button.setEnabled(on)

    def values(self) -> dict[str, str]:
        return {f: e.currentText() if isinstance(e, QComboBox) else e.text() for f, e in self.editors.items()}

    def set_value(self, field: str, value: str) -> None:
        editor = self.editors[field]
        if isinstance(editor, QComboBox):
            editor.setCurrentText(value)
        else:
            editor.setText(value)

    # --- saving --------------------------------------------------------------------------

    def save(self, overwrite: bool = False) -> None:
        from app.services.roster.educators import save_form
        from app.services.roster.people_list import create_educator

        year, fields = self.ctx.year_label, self.values()
        if self.adding:
            work: Any = lambda s: create_educator(s, fields, year)  # noqa: E731
        elif self.form is not None:
            form = dataclasses.replace(self.form, fields=fields)
            work = lambda s: save_form(s, form, year, overwrite=overwrite)  # noqa: E731
        else:
            return
        self.message.setText(self.tr("Saving…"))
        self.ctx.tasks.run(work, on_success=self._saved, on_error=self._failed)

    def revert(self) -> None:
        if self.form is not None:
            self.show_person(self.form.id, self.tr("Showing the saved version."))
        else:
            self.clear()

    def _saved(self, form: EducatorForm) -> None:
        self._show_form(form)
        self.message.setText(self.tr("Saved."))
        self.saved.emit(form)

    def _failed(self, exc: BaseException, details: str) -> None:
        if isinstance(exc, ValidationError):
            self._show_problems({p.field: p.reason for p in exc.problems})
            self.message.setText(self.tr("Not saved: ") + "; ".join(f"{LABELS.get(p.field, p.field)}: {p.reason}"
                                                                   for p in exc.problems))
        elif isinstance(exc, StaleRecordError):
            self.message.setText(self.tr("Not saved: someone else changed this record."))
            self._ask_stale(exc)
        elif isinstance(exc, DatabaseBusyError):  # another window's lock past the wait: the form keeps the typing
            self.message.setText(str(exc))
        else:
            from app.ui.errors import show_error

            self.message.setText(self.tr("Not saved."))
            show_error(self, exc, details)

    def _show_problems(self, reasons: dict[str, str]) -> None:
        for field, label in self.errors.items():
            label.setText(reasons.get(field, ""))
            label.setVisible(field in reasons)

    def _ask_stale(self, exc: StaleRecordError) -> None:
        """Reload (take theirs), Overwrite (keep mine) or Cancel (keep editing): app/ui/errors.ask_stale."""
        from app.ui.errors import ask_stale

        def answered(then: Any) -> Any:
            def act() -> None:
                self.stale_box = None
                then()
            return act

        self.stale_box = ask_stale(
            self, exc, reload=answered(self.revert), overwrite=answered(lambda: self.save(overwrite=True)),
            cancel=answered(lambda: self.message.setText(self.tr("Not saved: your edits are still here."))))
