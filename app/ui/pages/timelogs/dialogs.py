"""The Time Logs dialogs: one entry's details (with its confidential notes), the import, topics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import us_date
from app.ui.errors import said
from app.ui.saving import offer_open_folder, save_path

if TYPE_CHECKING:
    from app.ui.pages.timelogs.page import TimeLogsPage


class EntryDialog(QDialog):
    """One entry's own detail view: the only place its confidential notes are shown."""

    def __init__(self, row: Any, notes: str, parent: QWidget | None = None):
        from app.services.timelogs.logs import ACTIVITY_LABELS

        super().__init__(parent)
        self.setWindowTitle(self.tr("Session of %1 with %2").replace("%1", row.mentee).replace("%2", row.mentor))
        layout = QFormLayout(self)
        layout.addRow(self.tr("Date"), QLabel(us_date(row.date)))
        layout.addRow(self.tr("Minutes"), QLabel(str(row.minutes)))
        layout.addRow(self.tr("Activity"), QLabel(ACTIVITY_LABELS.get(row.activity, row.activity)))
        layout.addRow(self.tr("Topics"), QLabel("; ".join(row.topics)))
        layout.addRow(self.tr("Entered by"), QLabel(row.entered_by))
        self.notes = QPlainTextEdit(notes)
        self.notes.setAccessibleName(self.tr("Confidential notes"))
        layout.addRow(self.tr("Confidential notes"), self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton(self.tr("Save notes"), QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setAccessibleName(self.tr("Save the confidential notes"))
        self.delete_button = buttons.addButton(self.tr("Delete entry"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.setAccessibleName(self.tr("Delete this entry"))
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.opened: Any = None  # services.timelogs.EntryNotes: the notes and version opened
        self.stale_box: Any = None  # the "changed by X at 10:42" question, while it is open


FIELD_LABELS = (
    ("mentor_employee_id", "Mentor (employee id, email or name)"),
    ("mentee_employee_id", "Mentee (employee id, email or name)"),
    ("date", "Date of the session"),
    ("minutes", "Duration (45, 45 min, 1:30, 1.5 hours)"),
    ("hours", "Duration in hours"),
    ("activity", "Activity"),
    ("topics", "Topics"),
    ("release_time", "Release time (yes/no)"),
    ("notes", "Confidential notes"),
)


class ImportDialog(QDialog):
    """Import time logs from CSV or XLSX (the public format or a Google/Microsoft Forms export):
    map the columns (remembered for files with the same headers), check, then import."""

    def __init__(self, page: "TimeLogsPage", path: str):
        super().__init__(page)
        from pathlib import Path

        self.page = page
        self.path = path
        self.report: Any = None
        self.setWindowTitle(self.tr("Import time logs: ") + Path(path).name)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.boxes: dict[str, QComboBox] = {}
        for field, label in FIELD_LABELS:
            box = QComboBox()
            box.setAccessibleName(self.tr(label))
            self.boxes[field] = box
            form.addRow(self.tr(label), box)
        layout.addLayout(form)
        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)
        self.result.setAccessibleName(self.tr("Import result"))
        layout.addWidget(self.result, 1)
        buttons = QHBoxLayout()
        self.check_button = QPushButton(self.tr("Check (nothing written)"))
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        self.errors_button = QPushButton(self.tr("Save rejected rows…"))
        self.errors_button.setEnabled(False)
        self.errors_button.clicked.connect(lambda: self.save_errors())
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        for button in (self.check_button, self.import_button, self.errors_button, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.resize(640, 620)
        from app.services.timelogs.imports import mapping_for

        self.page.ctx.tasks.run(lambda s: mapping_for(s, path), on_success=self._mapped, write=False,
                                on_error=lambda exc, d: self.intro.setText(said(exc, d)))

    def _mapped(self, result: tuple[list[str], dict[str, str], bool]) -> None:
        columns, mapping, remembered = result
        for field, box in self.boxes.items():
            box.clear()
            box.addItem(self.tr("(not in this file)"), None)
            for column in columns:
                box.addItem(column, column)
            box.setCurrentIndex(max(0, box.findData(mapping.get(field))))
        self.intro.setText(self.tr("Using the column mapping remembered for these headers. ") if remembered else
                           self.tr("Choose the column for each field; the mapping is remembered for files with the "
                                   "same headers. A Timestamp column (when the form was sent) is not used."))

    def mapping(self) -> dict[str, str]:
        return {field: box.currentData() for field, box in self.boxes.items() if box.currentData()}

    def run(self, *, dry_run: bool) -> None:
        from app.services.timelogs.imports import import_timelogs

        mapping, path = self.mapping(), self.path

        def work(session, progress, cancel):  # type: ignore[no-untyped-def]
            return import_timelogs(session, path, mapping=mapping, dry_run=dry_run, progress=progress, cancel=cancel)

        self.result.setPlainText(self.tr("Working…"))
        self.page.ctx.tasks.run(work, with_progress=True, write=not dry_run, on_success=self._done,
                                on_error=lambda exc, d: self.result.setPlainText(said(exc, d)))

    def _done(self, report: Any) -> None:
        self.report = report
        lines = [*report.notes, report.summary()]
        lines += [f"line {r.line}: {r.reason}" for r in report.rejected[:200]]
        lines += [f"line {w.line}: {w.message}" for w in report.warnings[:50]]
        self.result.setPlainText("\n".join(lines))
        self.errors_button.setEnabled(bool(report.rejected))

    def save_errors(self, out: str | None = None) -> None:
        from app.services.tabular import write_errors

        if self.report is None:
            return
        if out is None:
            out = save_path(self, self.tr("Save rejected rows"), "timelog-errors.csv", self.tr("CSV (*.csv)"))
            if not out:
                return
        write_errors(self.report, out)
        offer_open_folder(self, out)


class TopicsDialog(QDialog):
    """The district's list of mentoring topics (seeded from 004), one per line."""

    def __init__(self, topics: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mentoring topics"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("One topic per line. Mentors pick from this list; entries keep the topics "
                                         "they were saved with.")))
        self.editor = QPlainTextEdit("\n".join(topics))
        self.editor.setAccessibleName(self.tr("Topics, one per line"))
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def topics(self) -> list[str]:
        return [line.strip() for line in self.editor.toPlainText().splitlines() if line.strip()]


