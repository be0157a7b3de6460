"""The roster import wizard: choose a file -> preview what each row would do (a dry run of the real
import) -> import on the worker with progress and Cancel -> summary, with the errors file one click away."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.services.roster.educators import DERIVATION_RULE
from app.ui.context import AppContext
from app.ui.table_model import RIGHT, Column, RowTableModel

ERROR_STYLE = "color: #b00020;"
PREVIEW_COLUMNS = (
    Column("Line", lambda r: r.line, align=RIGHT),
    Column("Status", lambda r: r.status),
    Column("Employee ID", lambda r: r.employee_id),
    Column("Name", lambda r: r.name),
    Column("School", lambda r: r.school),
    Column("Why / what changes", lambda r: r.reason),
)
STATUSES = ("new", "changed", "unchanged", "rejected")


def open_file(path: str | Path) -> bool:
    """Open a file in the program the system uses for it (a spreadsheet app for CSV)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def errors_path_for(source: Path) -> Path:
    """`<file>-errors.csv` next to the roster, so the fixed file sits where the original was."""
    return source.with_name(f"{source.stem}-errors.csv")


def run_import(session: Any, progress: Any, cancel: Any, *, path: str, year: str, strict: bool) -> tuple[Any, Path | None]:
    """The worker's part: import, then write the rejected rows where the user will find them."""
    from app import paths
    from app.services.roster.files import import_roster
    from app.services.tabular import write_errors

    report = import_roster(session, path, year_label=year, strict=strict, progress=progress, cancel=cancel)
    if not report.rejected or cancel.is_set():
        return report, None
    target = errors_path_for(Path(path))
    try:
        return report, write_errors(report, target)
    except OSError:  # a read-only folder (a CD, a locked share): fall back to our own data folder
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        return report, write_errors(report, paths.data_dir() / f"{target.stem}-{stamp}.csv")


class ChoosePage(QWizardPage):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.setTitle(self.tr("Choose the roster file"))
        self.setSubTitle(self.tr("A CSV or Excel file from HR, one row per person. Importing never deletes anyone."))
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setAccessibleName(self.tr("Roster file"))
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton(self.tr("Browse…"))
        browse.setAccessibleName(self.tr("Browse for the roster file"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(self.tr("File"), row)
        self.year = QComboBox()
        self.year.setEditable(True)
        self.year.setAccessibleName(self.tr("School year for induction status"))
        self.year.addItem(ctx.year_label)
        form.addRow(self.tr("School year"), self.year)
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        form.addRow(self.problem)
        rule = QLabel(self.tr("Induction status in the file is for this school year. ") + DERIVATION_RULE)
        rule.setWordWrap(True)
        form.addRow(rule)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Roster file"), "", self.tr("CSV or Excel (*.csv *.xlsx)"))
        if path:
            self.path.setText(path)

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:  # noqa: N802
        from app.errors import UsageError
        from app.services.years import parse_label

        if not Path(self.path.text().strip()).is_file():
            self.problem.setText(self.tr("There is no file at that path."))
            return False
        try:
            parse_label(self.year.currentText())
        except UsageError as exc:
            self.problem.setText(str(exc))
            return False
        self.problem.clear()
        return True


class PreviewPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.wizard_ = wizard
        self.report: Any = None
        self.setTitle(self.tr("Check what will happen"))
        self.setSubTitle(self.tr("Nothing has been written yet. Rejected rows are skipped and listed in an errors "
                                 "file you can fix and import again."))
        self.setCommitPage(True)  # no going back once the import runs
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Import"))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Preview summary"))
        top.addWidget(self.summary, 1)
        self.show_only = QComboBox()
        self.show_only.setAccessibleName(self.tr("Show rows"))
        self.show_only.addItem(self.tr("All rows"), None)
        for status in STATUSES:
            self.show_only.addItem(status.capitalize(), status)
        self.show_only.currentIndexChanged.connect(self._show_only)
        top.addWidget(self.show_only)
        layout.addLayout(top)
        self.model = RowTableModel(PREVIEW_COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Rows in the file"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.table, 1)
        self.strict = QCheckBox(self.tr("Write nothing if any row is rejected"))
        self.strict.setAccessibleName(self.tr("Strict: write nothing if any row is rejected"))
        layout.addWidget(self.strict)

    def initializePage(self) -> None:  # noqa: N802
        from app.services.roster.people_list import preview_roster

        self.report = None
        self.model.set_rows([])
        self.summary.setText(self.tr("Reading the file…"))
        self.completeChanged.emit()
        path, year = self.wizard_.path, self.wizard_.year
        self.wizard_.ctx.tasks.run(lambda s: preview_roster(s, path, year), on_success=self._previewed,
                                   on_error=self._unreadable, write=False)

    def _previewed(self, result: tuple[list[Any], Any]) -> None:
        rows, self.report = result
        self.model.set_rows(rows)
        self.summary.setText(self.report.summary().replace("Dry run, nothing written: ", self.tr("Would import: ")))
        self.completeChanged.emit()

    def _unreadable(self, exc: BaseException, details: str) -> None:
        from app.errors import MentorDeskError

        if not isinstance(exc, MentorDeskError):
            from app.ui.errors import show_error

            show_error(self, exc, details)
        self.summary.setText(f"<span style='{ERROR_STYLE}'>{exc}</span>")

    def _show_only(self) -> None:
        status = self.show_only.currentData()
        self.model.set_predicate((lambda r: r.status == status) if status else None)

    def isComplete(self) -> bool:  # noqa: N802
        return self.report is not None and (self.report.new + self.report.changed) > 0


class ImportPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.wizard_ = wizard
        # The page's own cancel flag (not the runner's task handle), so Cancel also works while the
        # runner is still starting the job or runs it inline.
        self.cancelled = threading.Event()
        self.running = False
        self.report: Any = None
        self.errors_file: Path | None = None
        self.setTitle(self.tr("Importing"))
        layout = QVBoxLayout(self)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Import progress"))
        layout.addWidget(self.progress)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Import summary"))
        layout.addWidget(self.summary)
        from app.ui.next_steps import NextStepsLabel

        # What is left to do, with links: Matching (the wizard closes) and Add (to the mentor pool).
        self.next_steps = NextStepsLabel(wizard.ctx, on_matching=lambda: self.wizard_.accept())
        layout.addWidget(self.next_steps)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(self.tr("Cancel the import"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the import; nothing is written"))
        self.cancel_button.clicked.connect(self.cancel)
        self.errors_button = QPushButton(self.tr("Open the errors file"))
        self.errors_button.setAccessibleName(self.tr("Open the file of rejected rows"))
        self.errors_button.clicked.connect(lambda: self.errors_file and open_file(self.errors_file))
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.errors_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        self.report, self.errors_file = None, None
        self.cancelled = threading.Event()
        self.running = True
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.summary.setText(self.tr("Importing… the window stays usable."))
        self.next_steps.hide()
        self.cancel_button.setVisible(True)
        self.errors_button.setVisible(False)
        w = self.wizard_
        path, year, strict, cancelled = w.path, w.year, w.preview.strict.isChecked(), self.cancelled
        w.ctx.tasks.run(
            lambda s, progress, _task_cancel: run_import(s, progress, cancelled, path=path, year=year, strict=strict),
            with_progress=True, on_progress=self._progressed, on_success=self._done, on_error=self._failed)

    def cancel(self) -> None:
        if self.running:
            self.cancelled.set()
            self.summary.setText(self.tr("Cancelling…"))

    def _progressed(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(message)

    def _done(self, result: tuple[Any, Path | None]) -> None:
        self.report, self.errors_file = result
        self.running = False
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat(self.tr("Done"))
        cancelled = self.cancelled.is_set() and not self.report.written
        # A cancelled import's counts are of rows checked before the stop, never written: say only that.
        lines = [self.tr("Import cancelled: nothing was written.")] if cancelled else [self.report.summary(),
                                                                                       *self.report.notes]
        if self.errors_file is not None:
            lines.append(self.tr("Rejected rows, with the reason, are in %1. Fix them there and import that file "
                                 "again.").replace("%1", str(self.errors_file)))
        self.summary.setText("\n".join(lines))
        self.cancel_button.setVisible(False)
        self.errors_button.setVisible(self.errors_file is not None)
        if not cancelled:
            self.next_steps.load()
        self.completeChanged.emit()

    def _failed(self, exc: BaseException, details: str) -> None:
        from app.ui.errors import show_error

        self.report, self.running = exc, False
        self.summary.setText(self.tr("The import stopped and nothing was written: ") + str(exc))
        self.cancel_button.setVisible(False)
        self.completeChanged.emit()
        show_error(self, exc, details)

    def isComplete(self) -> bool:  # noqa: N802
        return self.report is not None


class ImportWizard(QWizard):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Import a staff roster"))
        self.setAccessibleName(self.tr("Import a staff roster"))
        self.choose = ChoosePage(ctx)
        self.preview = PreviewPage(self)
        self.result_page = ImportPage(self)
        for page in (self.choose, self.preview, self.result_page):
            self.addPage(page)
        self.rejected.connect(self.result_page.cancel)  # closing mid-import cancels it (nothing written)
        self.resize(820, 560)

    @property
    def path(self) -> str:
        return self.choose.path.text().strip()

    @property
    def year(self) -> str:
        return self.choose.year.currentText().strip()
