"""Reports: the annual state report with a "why this number" drill-down, a readiness check before
export, exports with progress, principal rosters, the program profile and the partnerships registry."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import DateEdit, us_date, us_dates_in
from app.ui.pages.base import Page
from app.ui.saving import folder_path, offer_open_folder, save_path


# The state's files carry rates as fractions with three decimals (state_report.DEFINITIONS["rates"]); on
# screen a person reads a percentage: "retention rate 0.583" is shown as "retention rate 58.3%".
_RATE_IN_TEXT = re.compile(r"(\brates?\s+)([01]\.\d{3})\b", re.IGNORECASE)
_FRACTION = re.compile(r"[01]\.\d{3}")


def percent(value: str) -> str:
    """A rate printed as a fraction ("0.583") as a percentage ("58.3%"); anything else as it is."""
    return f"{float(value) * 100:.1f}%" if _FRACTION.fullmatch(value) else value


def on_screen(text: str) -> str:
    """A figure's text with its rates as percentages and its dates M/D/YYYY."""
    text = us_dates_in(text)
    return _RATE_IN_TEXT.sub(lambda m: m.group(1) + percent(m.group(2)), text).replace(
        "Rates are fractions with three decimals", "Rates are shown here as percentages; the state's files "
        "carry them as fractions with three decimals")


def _table(header: tuple[str, ...] | list[str], rows: Any, name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(header))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(header))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    rates = {c for c, title in enumerate(header) if title.lower().endswith("rate")}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = "" if value is None else str(value)
            table.setItem(r, c, QTableWidgetItem(percent(text) if c in rates else text))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setSortingEnabled(True)
    return table


class DrillDownDialog(QDialog):
    """"Why this number": the definition and every row counted."""

    def __init__(self, item: Any, definitions: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Why this number: ") + f"({item.letter}) {item.title}")
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>({item.letter}) {item.title}: {on_screen(item.value)}</b>")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.definition = QLabel(on_screen(definitions))
        self.definition.setWordWrap(True)
        layout.addWidget(self.definition)
        if item.header:
            self.table = _table(item.header, item.rows, self.tr("Rows counted"))
            layout.addWidget(QLabel(self.tr("1 row counted:") if len(item.rows) == 1
                                   else self.tr("%1 rows counted:").replace("%1", str(len(item.rows)))))
            layout.addWidget(self.table)
        else:
            self.table = None
            layout.addWidget(QLabel(self.tr("No rows behind this figure.")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 480)


class ReportsPage(Page):
    title = "Reports"
    open_area = Signal(str)  # the readiness check's links

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        self.report: Any = None
        self.items: list[Any] = []
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.heading = QLabel()
        header.addWidget(self.heading, 1)
        self.exports: dict[str, QPushButton] = {}
        for ext, label in (("pdf", "PDF"), ("xlsx", "Excel"), ("csv", "CSV"), ("json", "JSON")):
            button = QPushButton(self.tr("Export %1").replace("%1", label))
            button.setAccessibleName(self.tr("Export the state report as %1").replace("%1", label))
            button.clicked.connect(lambda _=False, e=ext: self.export_state(e))
            header.addWidget(button)
            self.exports[ext] = button
        self.roster_button = QPushButton(self.tr("Principal roster…"))
        self.roster_button.setAccessibleName(self.tr("Print a principal roster"))
        self.roster_button.clicked.connect(lambda: self.export_roster())  # clicked(bool) is no school
        header.addWidget(self.roster_button)
        layout.addLayout(header)
        layout.addLayout(self._cap_row())
        layout.addLayout(self._more_row())
        self.status = QLabel()
        layout.addWidget(self.status)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._figures_tab(), self.tr("Figures"))
        self.profile_tab = ProfileEditor(self)
        self.tabs.addTab(self.profile_tab, self.tr("Program profile"))
        self.partners_tab = PartnershipsEditor(self)
        self.tabs.addTab(self.partners_tab, self.tr("Partnerships"))
        layout.addWidget(self.tabs, 1)

    def _cap_row(self) -> QHBoxLayout:
        """CAP for the state and the program: the year's CAP data (the same file as `mentordesk export cap`)
        and the CAP progress report (`mentordesk report cap`)."""
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("<b>CAP</b> (candidates' ratings: confidential)")), 1)
        self.cap_buttons: dict[str, QPushButton] = {}
        for key, label, name in (
                ("csv", self.tr("CAP data (CSV)…"), self.tr("Export the year's CAP data as CSV")),
                ("xlsx", self.tr("CAP data (Excel)…"), self.tr("Export the year's CAP data as Excel")),
                ("pdf", self.tr("CAP report (PDF)…"), self.tr("Print the CAP progress report as PDF"))):
            button = QPushButton(label)
            button.setAccessibleName(name)
            button.clicked.connect(lambda _=False, k=key: self.export_cap(k))
            row.addWidget(button)
            self.cap_buttons[key] = button
        return row

    def _more_row(self) -> QHBoxLayout:
        """The other reports the command line writes (`mentordesk report pipeline`, `report partnership`,
        `report pdp`), so every report is reachable from this page (the hours report is also on Time Logs,
        the partnership report on Partnership)."""
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("<b>Partnerships and incentives</b>")), 1)
        self.more_buttons: dict[str, QPushButton] = {}
        for key, label, name in (
                ("pipeline", self.tr("Pipeline (Excel)…"),
                 self.tr("Save the student-teaching pipeline report with the needs sheet as Excel")),
                ("needs", self.tr("Pipeline needs (CSV)…"), self.tr("Save the pipeline-needs sheet by school as CSV")),
                ("partnership", self.tr("Partnership report…"),
                 self.tr("Save the year's partnership report as PDF, Excel or JSON")),
                ("pdp", self.tr("PDP certificates…"),
                 self.tr("Print a PDP certificate for each mentor and supervising practitioner into a folder")),
                ("hours", self.tr("Hours report…"), self.tr("Save the mentoring hours report as PDF, CSV or JSON"))):
            button = QPushButton(label)
            button.setAccessibleName(name)
            button.clicked.connect(lambda _=False, k=key: self.export_more(k))
            row.addWidget(button)
            self.more_buttons[key] = button
        return row

    def export_more(self, key: str, path: str | None = None) -> None:
        """One of the other reports, through the same services as the command line, on the worker."""
        year = self.ctx.year_label
        if path is None:
            if key == "pdp":
                path = folder_path(self, self.tr("Choose a folder for the PDP certificates"))
            else:
                name, pattern = {
                    "pipeline": (f"pipeline-{year}.xlsx", self.tr("Excel (*.xlsx);;JSON (*.json)")),
                    "needs": (f"pipeline-needs-{year}.csv", "*.csv"),
                    "partnership": (f"partnership-{year}.pdf", self.tr("PDF (*.pdf);;Excel (*.xlsx);;JSON (*.json)")),
                    "hours": (f"hours-{year}.pdf", self.tr("PDF (*.pdf);;CSV (*.csv);;JSON (*.json)"))}[key]
                path = save_path(self, self.more_buttons[key].accessibleName(), name, pattern)
            if not path:
                return
        what = {"pipeline": "pipeline report", "needs": "pipeline needs", "partnership": "partnership report",
                "pdp": "PDP certificates", "hours": "hours report"}[key]
        chosen = path
        self._run_export(lambda s: _write_more(s, key, year, chosen), chosen, what, confidential=False)

    def _figures_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("<b>Check before export</b>")))
        self.readiness = QListWidget()
        self.readiness.setAccessibleName(self.tr("Readiness check"))
        self.readiness.setMaximumHeight(130)
        self.readiness.itemActivated.connect(self._go_fix)
        layout.addWidget(self.readiness)
        self.figures = QTableWidget(0, 4)
        self.figures.setAccessibleName(self.tr("Report figures"))
        self.figures.setHorizontalHeaderLabels([self.tr("Section"), self.tr("Item"), self.tr("Figure"), ""])
        self.figures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.figures.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.figures.verticalHeader().setVisible(False)
        header = self.figures.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)  # a figure like "hiring 73.2% (71 of 97); ..." is read whole
        self.figures.cellDoubleClicked.connect(lambda row, _col: self.explain(row))
        layout.addWidget(self.figures, 1)
        row = QHBoxLayout()
        why = QPushButton(self.tr("Why this number?"))
        why.setAccessibleName(self.tr("Why this number"))
        why.setShortcut("Ctrl+W")
        why.clicked.connect(lambda: self.explain(self.figures.currentRow()))
        row.addWidget(why)
        survey = QPushButton(self.tr("Import survey responses…"))
        survey.setAccessibleName(self.tr("Import survey responses"))
        survey.clicked.connect(lambda: self.import_survey())  # clicked(bool) is no path
        row.addWidget(survey)
        row.addStretch(1)
        layout.addLayout(row)
        return tab

    # --- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        year = self.ctx.year_label
        self.heading.setText(f"<h2>{self.tr('Induction and mentoring report')} {year}</h2>")
        self.status.setText(self.tr("Computing…"))
        self.ctx.tasks.run(lambda s: _load(s, year), on_success=self._loaded, write=False)
        self.profile_tab.load()
        self.partners_tab.load()

    def _loaded(self, result: tuple[Any, list[Any], list[Any]]) -> None:
        from app.services.reports.state_report_files import items

        self.report, cards, _ = result
        self.items = items(self.report)
        self.figures.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            values = (item.section.capitalize(), f"({item.letter}) {item.title}", on_screen(item.value),
                      self.tr("rows…") if item.header else "")
            for col, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if item.value == "no data":
                    cell.setForeground(QColor("#8a6d00"))
                self.figures.setItem(row, col, cell)
        self.readiness.clear()
        problems = [(card, i) for card in cards for i in card.items]
        if not problems:
            self.readiness.addItem(self.tr("Nothing to fix: every check passes."))
        for card, attention in problems[:200]:
            entry = QListWidgetItem(f"{card.title}: {us_dates_in(attention.text)}")
            entry.setData(Qt.ItemDataRole.UserRole, card.area)
            entry.setToolTip(card.citation)
            self.readiness.addItem(entry)
        nodata = sum(1 for i in self.items if i.value == "no data")
        self.status.setText(self.tr("%1 items; %2 with no data; %3 things to check before export")
                            .replace("%1", str(len(self.items))).replace("%2", str(nodata))
                            .replace("%3", str(len(problems))))

    def _go_fix(self, entry: QListWidgetItem) -> None:
        area = entry.data(Qt.ItemDataRole.UserRole)
        if area:
            window = self.window()
            if hasattr(window, "show_area"):
                window.show_area(area)

    def explain(self, row: int) -> DrillDownDialog | None:
        if not 0 <= row < len(self.items):
            return None
        from app.services.reports.state_report import DEFINITIONS

        item = self.items[row]
        dialog = DrillDownDialog(item, " ".join(DEFINITIONS[d] for d in item.definitions), self)
        dialog.open()
        return dialog

    # --- exports ---------------------------------------------------------------------------

    def export_state(self, ext: str, path: str | None = None) -> None:
        year = self.ctx.year_label
        if path is None:
            path = save_path(self, self.tr("Export the state report"), f"induction-report-{year}.{ext}", f"*.{ext}")
            if not path:
                return
        self._run_export(lambda s: _write_state(s, year, path), path, "state report", confidential=False)

    def export_roster(self, school: str | None = None, path: str | None = None) -> None:
        year = self.ctx.year_label
        if school is None:
            from app.services.reports.principal_roster import school_names

            schools = self.ctx.tasks.call(school_names)
            dialog = QDialog(self)
            dialog.setWindowTitle(self.tr("Principal roster"))
            form = QFormLayout(dialog)
            box = QComboBox()
            box.setAccessibleName(self.tr("School"))
            box.addItems([self.tr("All schools"), *schools])
            form.addRow(self.tr("School"), box)
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
            buttons.accepted.connect(dialog.accept)
            buttons.rejected.connect(dialog.reject)
            form.addRow(buttons)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            school = box.currentText() if box.currentIndex() > 0 else ""
        if path is None:
            stem = (school or "all-schools").replace(" ", "-").lower()
            path = save_path(self, self.tr("Save the principal roster"), f"roster-{stem}-{year}.pdf", "*.pdf")
            if not path:
                return
        self._run_export(lambda s: _write_roster(s, year, school or None, path), path, "principal roster",
                         confidential=False)

    def export_cap(self, ext: str, path: str | None = None) -> None:
        """The year's CAP data (.csv, .xlsx) or the CAP progress report (.pdf), on the worker."""
        year = self.ctx.year_label
        if path is None:
            stem = f"cap-report-{year}" if ext == "pdf" else f"cap-data-{year}"
            title = self.tr("Print the CAP report") if ext == "pdf" else self.tr("Export the CAP data")
            path = save_path(self, title, f"{stem}.{ext}", f"*.{ext}")
            if not path:
                return
        writer = _write_cap_report if ext == "pdf" else _write_cap_data
        self._run_export(lambda s: writer(s, year, path), path, f"CAP {'report' if ext == 'pdf' else 'data'}",
                         confidential=True)

    def _buttons(self) -> tuple[QPushButton, ...]:
        return (*self.exports.values(), self.roster_button, *self.cap_buttons.values(), *self.more_buttons.values())

    def _run_export(self, fn: Any, path: str, what: str, *, confidential: bool) -> None:
        """Write a file on the worker; the audit trail records it (issue 18), whether it holds confidential
        fields included."""
        for button in self._buttons():
            button.setEnabled(False)
        self.status.setText(self.tr("Writing %1…").replace("%1", Path(path).name))

        def done(result: Any) -> None:
            self._enable()
            self.status.setText(self.tr("Wrote %1").replace("%1", str(result)))
            offer_open_folder(self, path)

        def failed(exc: BaseException, details: str) -> None:
            from app.ui.errors import show_error

            self._enable()
            self.status.setText(self.tr("Export failed"))
            show_error(self, exc, details)

        def audited(session: Any) -> Any:
            from app.services.audit.trail import record_file

            result = fn(session)
            record_file(session, what, confidential=confidential)
            return result

        self.ctx.tasks.run(audited, on_success=done, on_error=failed, write=False)

    def _enable(self) -> None:
        for button in self._buttons():
            button.setEnabled(True)

    def import_survey(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Survey responses"), "", "CSV or Excel (*.csv *.xlsx)")
            if not path:
                return
        from app.services.reports.survey import import_survey

        year = self.ctx.year_label

        def done(report: Any) -> None:
            lines = [report.summary()] + [f"line {r.line}: {r.reason}" for r in report.rejected[:10]]
            QMessageBox.information(self, self.tr("Survey responses"), "\n".join(lines))

        self.ctx.tasks.run(lambda s: import_survey(s, path, year_label=year), on_success=done)


def _load(session: Any, year: str) -> tuple[Any, list[Any], list[Any]]:
    from app.services import attention
    from app.services.reports import state_report

    return state_report.compute(session, year), attention.collect(session, year), []


def _write_state(session: Any, year: str, path: str) -> str:
    from app.services.reports import state_report_files

    return str(state_report_files.export(session, year, path))


def _write_cap_data(session: Any, year: str, path: str) -> str:
    from app.services.cap.export import write_year_export

    return str(write_year_export(session, year, path))


def _write_cap_report(session: Any, year: str, path: str) -> str:
    from app.services.cap.forms import report_pdf

    return str(report_pdf(session, year, path))


def _write_more(session: Any, key: str, year: str, path: str) -> str:
    """The file (or folder) written, as the command line writes it."""
    if key in ("pipeline", "needs"):
        from app.services.reports import pipeline

        return str(pipeline.write(session, year, path, needs_only=key == "needs"))
    if key == "partnership":
        from app.services.reports import partnership

        return str(partnership.write(session, year, path))
    if key == "pdp":
        from app.services.reports import pdp

        folder, count = pdp.write(session, year, path)
        return f"{count} certificate{'s' if count != 1 else ''} to {folder}"
    from app.services.timelogs import hours

    return str(hours.write_hours_report(session, year, path))


def _write_roster(session: Any, year: str, school: str | None, path: str) -> str:
    from app.services.reports.principal_roster import write_roster_pdf

    return str(write_roster_pdf(session, year, path, school=school))


class ProfileEditor(QScrollArea):
    """The program profile: the coordinator's answers beside what the data says."""

    def __init__(self, page: ReportsPage):
        super().__init__()
        from app.services.reports.program_profile import QUESTIONS

        self.page = page
        self.setWidgetResizable(True)
        body = QWidget()
        self.form = QFormLayout(body)
        self.carried = QLabel()
        self.form.addRow(self.carried)
        self.fields: dict[str, QPlainTextEdit] = {}
        self.facts: dict[str, QLabel] = {}
        for key, question in QUESTIONS:
            edit = QPlainTextEdit()
            edit.setAccessibleName(question)
            edit.setFixedHeight(54)
            fact = QLabel()
            fact.setWordWrap(True)
            fact.setStyleSheet("color: palette(mid);")
            box = QVBoxLayout()
            box.addWidget(edit)
            box.addWidget(fact)
            self.form.addRow(QLabel(question), box)
            self.fields[key], self.facts[key] = edit, fact
        save = QPushButton(self.tr("Save the profile"))
        save.setAccessibleName(self.tr("Save the program profile"))
        save.clicked.connect(self.save)
        self.form.addRow(save)
        self.setWidget(body)

    def load(self) -> None:
        from app.services.reports.program_profile import load_profile

        year = self.page.ctx.year_label
        self.page.ctx.tasks.run(lambda s: load_profile(s, year), on_success=self._show, write=False)

    def _show(self, view: Any) -> None:
        self.carried.setText(self.tr("Carried forward from %1: review and save.").replace("%1", view.carried_from)
                             if view.carried_from else "")
        for key, edit in self.fields.items():
            edit.setPlainText(view.answers.get(key, ""))
            fact = view.from_data.get(key, "")
            self.facts[key].setText(self.tr("From the data: ") + fact if fact else "")

    def save(self) -> None:
        from app.services.reports.program_profile import save_profile

        year = self.page.ctx.year_label
        answers = {key: edit.toPlainText() for key, edit in self.fields.items()}
        self.page.ctx.tasks.run(lambda s: save_profile(s, year, answers), on_success=self._show)


class PartnershipsEditor(QWidget):
    """The registry of partnerships reported in item (h) / (i)."""

    def __init__(self, page: ReportsPage):
        super().__init__()
        from app.models.reporting import PARTNER_KINDS

        self.page = page
        self.rows: list[Any] = []
        layout = QVBoxLayout(self)
        self.table = _table(("Partner", "Kind", "Purpose", "Since"), [], self.tr("Partnerships"))
        self.table.setSortingEnabled(False)
        self.table.itemSelectionChanged.connect(self._pick)
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Partner name"))
        self.kind = QComboBox()
        self.kind.setAccessibleName(self.tr("Kind of partner"))
        self.kind.addItems(list(PARTNER_KINDS))
        self.purpose = QLineEdit()
        self.purpose.setAccessibleName(self.tr("Purpose"))
        self.since = DateEdit(dt.date.today())
        self.since.setCalendarPopup(True)
        self.since.setAccessibleName(self.tr("Partner since"))
        form.addRow(self.tr("Partner"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Purpose"), self.purpose)
        form.addRow(self.tr("Since"), self.since)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        for label, slot, name in ((self.tr("New"), self._new, "New partnership"),
                                  (self.tr("Save"), self.save, "Save partnership"),
                                  (self.tr("Delete"), self.delete, "Delete partnership")):
            button = QPushButton(label)
            button.setAccessibleName(self.tr(name))
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addWidget(self.error, 1)
        layout.addLayout(buttons)
        self.current_id: Any = None

    def load(self) -> None:
        from app.services.partnership.partners import list_partnerships

        self.page.ctx.tasks.run(list_partnerships, on_success=self._show, write=False)

    def _show(self, rows: list[Any]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, p in enumerate(rows):
            for c, value in enumerate((p.name, p.kind, p.purpose, us_date(p.since))):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def _pick(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            p = self.rows[row]
            self.current_id = p.id
            self.name.setText(p.name)
            self.kind.setCurrentText(p.kind)
            self.purpose.setText(p.purpose)
            if p.since:
                self.since.setDate(p.since)

    def _new(self) -> None:
        self.current_id = None
        self.table.clearSelection()
        self.name.clear()
        self.purpose.clear()
        self.name.setFocus()

    def save(self) -> None:
        from app.services.partnership.partners import PartnershipData, save_partnership

        data = PartnershipData(self.current_id, self.name.text(), self.kind.currentText(), self.purpose.text(),
                               self.since.date().toPython())

        def failed(exc: BaseException, details: str) -> None:
            from app.ui.errors import said

            self.error.setText(said(exc, details))

        def saved(p: Any) -> None:
            self.error.clear()
            self.current_id = p.id
            self.load()

        self.page.ctx.tasks.run(lambda s: save_partnership(s, data), on_success=saved, on_error=failed)

    def delete(self) -> None:
        from app.services.partnership.partners import delete_partnership

        if self.current_id is not None:
            pid = self.current_id
            self._new()
            self.page.ctx.tasks.run(lambda s: delete_partnership(s, pid), on_success=lambda _: self.load())
