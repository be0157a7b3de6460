"""One candidate's screen (the cycle, observations, evidence, ratings) and the Add candidate dialog.
"""

from __future__ import annotations

import uuid
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import cap
from app.services.cap import rubrics as cap_rubrics
from app.ui.dates import us_date
from app.ui.pages.cap.cycle_panel import CyclePanel
from app.ui.pages.cap.drafted import (
    STATUS_MARK,
    DateField,
)
from app.ui.pages.cap.evidence import EvidencePanel
from app.ui.pages.cap.observation_form import ObservationForm
from app.ui.pages.cap.ratings import RatingsPanel
from app.ui.saving import folder_path, offer_open_folder

if TYPE_CHECKING:
    from app.ui.pages.cap.page import CapPage


def hire_text(hire: Any) -> str:
    """What the candidate's screen says of a later hire (pipeline.Hire): "Hired as E123 on 8/25/2027"; a
    match hired before the practicum began was on staff already (pipeline.is_pipeline_hire)."""
    if hire is None:
        return ""
    if not hire.pipeline:
        return f"Already on staff as {hire.employee_id} (hired {us_date(hire.hire_date)}, before the practicum)"
    if hire.hire_date is None:
        return f"Hired as {hire.employee_id} (hire date not recorded)"
    return f"Hired as {hire.employee_id} on {us_date(hire.hire_date)}"


def unconfirmed_points(edition: str) -> tuple[str, ...]:
    """The edition's unconfirmed points (Edition.unconfirmed), or none for an edition not on file."""
    from app.errors import UsageError

    try:
        return tuple(cap_rubrics.get(edition).unconfirmed)
    except UsageError:
        return ()


class CandidateView(QWidget):
    """One candidate: header, the cycle as a timeline, the next thing due, and the tabs."""

    def __init__(self, page: "CapPage"):
        super().__init__()
        self.page = page
        self.summary: cap.CandidateSummary | None = None
        layout = QVBoxLayout(self)
        self.header = QLabel(self.tr("Choose a candidate."))
        self.header.setWordWrap(True)
        self.header.setAccessibleName(self.tr("Candidate"))
        layout.addWidget(self.header)
        # The educator the candidate became (same MEPID on the roster; services/cap/pipeline.py, issue 21).
        self.hired = QLabel("")
        self.hired.setAccessibleName(self.tr("Hired by the district"))
        self.hired.setVisible(False)
        layout.addWidget(self.hired)
        # The edition's points the state's pages did not settle (Edition.unconfirmed; issue 22, point 2):
        # said on screen, beside the verdict that depends on them, as the printed forms say it.
        self.unconfirmed = QLabel("")
        self.unconfirmed.setWordWrap(True)
        self.unconfirmed.setTextFormat(Qt.TextFormat.RichText)
        self.unconfirmed.setObjectName("cap_unconfirmed")
        self.unconfirmed.setAccessibleName(self.tr("Not confirmed for this edition"))
        self.unconfirmed.setStyleSheet("background: #fff4ce; color: #4a3b00; border: 1px solid #c9a400; "
                                       "padding: 4px;")
        self.unconfirmed.setVisible(False)
        layout.addWidget(self.unconfirmed)
        timeline = QHBoxLayout()
        self.steps: list[QLabel] = []
        for _ in range(5):
            label = QLabel("")
            label.setFrameShape(QLabel.Shape.StyledPanel)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            timeline.addWidget(label, 1)
            self.steps.append(label)
        layout.addLayout(timeline)
        self.next_due = QLabel("")
        self.next_due.setAccessibleName(self.tr("Next thing due"))
        self.owed = QLabel("")
        self.owed.setWordWrap(True)
        self.owed.setTextFormat(Qt.TextFormat.RichText)
        self.next_due.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.owed.setAccessibleName(self.tr("Still owed"))
        layout.addWidget(self.next_due)
        layout.addWidget(self.owed)
        self.tabs = QTabWidget()
        self.form = ObservationForm(page)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        observation_tab = QWidget()
        observation_layout = QVBoxLayout(observation_tab)
        observation_layout.setContentsMargins(0, 0, 0, 0)
        observation_layout.addWidget(scroll, 1)
        observation_layout.addWidget(self.form.save_bar)  # below the scrolling form: always in view
        self.tabs.addTab(observation_tab, self.tr("Quick &observation"))
        self.evidence = EvidencePanel(page)
        evidence_scroll = QScrollArea()
        evidence_scroll.setWidgetResizable(True)
        evidence_scroll.setWidget(self.evidence)
        self.tabs.addTab(evidence_scroll, self.tr("&Evidence"))
        self.cycle = CyclePanel(page)
        cycle_scroll = QScrollArea()
        cycle_scroll.setWidgetResizable(True)
        cycle_scroll.setWidget(self.cycle)
        self.tabs.addTab(cycle_scroll, self.tr("C&ycle, hours and goals"))
        self.ratings = RatingsPanel(page)
        ratings_scroll = QScrollArea()
        ratings_scroll.setWidgetResizable(True)
        ratings_scroll.setWidget(self.ratings)
        self.tabs.addTab(ratings_scroll, self.tr("&Ratings"))
        forms = QWidget()
        forms_layout = QVBoxLayout(forms)
        self.print_button = QPushButton(self.tr("Print every form (PDF)..."))
        self.print_button.setAccessibleName(self.tr("Print every form"))
        self.print_button.clicked.connect(self.print_forms)
        self.printed = QLabel("")
        self.printed.setWordWrap(True)
        what = QLabel(self.tr("CAP form, observation forms, formative and summative assessment forms, student "
                              "feedback data and a one-page summary, kept per school year (the three most recent "
                              "years are kept)."))
        what.setWordWrap(True)  # unwrapped, it held the window 1,560 px wide (issue 17)
        forms_layout.addWidget(what)
        forms_layout.addWidget(self.print_button)
        one = QHBoxLayout()
        self.form_choice = QComboBox()
        self.form_choice.setAccessibleName(self.tr("Form to print"))
        one.addWidget(self.form_choice, 1)
        self.print_one_button = QPushButton(self.tr("Print this form (PDF)…"))
        self.print_one_button.setToolTip(self.tr("Print only the form chosen beside it: one observation, the "
                                                 "form of one step, the student feedback or the summary"))
        self.print_one_button.clicked.connect(lambda _=False: self.print_chosen())
        one.addWidget(self.print_one_button)
        forms_layout.addLayout(one)
        forms_layout.addWidget(self.printed)
        forms_layout.addStretch(1)
        self.tabs.addTab(forms, self.tr("&Forms"))
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    def show_summary(self, s: cap.CandidateSummary, calibration: dict[str, list[cap.CalibrationRow]],
                     goals: cap.Loaded | None = None, evidence: list[cap.EvidenceItem] | None = None) -> None:
        self.summary = s
        self.setEnabled(True)
        self.header.setText(f"<h2>{escape(s.candidate)}</h2>{escape(s.license_sought)} &middot; "
                            f"{escape(s.program)} ({escape(s.organization)})<br>{escape(s.school)} &middot; "
                            f"SP {escape(s.sp_name)} &middot; PS {escape(s.program_supervisor)} &middot; "
                            f"CAP {s.edition} edition")
        self.hired.setText(hire_text(s.hire))
        self.hired.setVisible(s.hire is not None)
        for label, st in zip(self.steps, s.steps):
            when = (f"met {us_date(st.meeting_on)}" if st.meeting_on else
                    (f"done {us_date(st.completed_on)}" if st.completed_on else f"due {us_date(st.due_on)}"))
            current = st.number == s.current_step
            text = f"{STATUS_MARK[st.status]} {st.number}. {st.name}\n{when}"
            label.setText(text)
            label.setAccessibleName(f"Step {st.number} {st.name}: {st.status.replace('_', ' ')}, {when}")
            label.setStyleSheet("font-weight: bold;" if current else ("color: palette(mid);"
                                                                       if st.status == "not_started" else ""))
        self.next_due.setText(self.tr("<b>Next:</b> ") + escape(s.next_due))
        points = unconfirmed_points(s.edition)
        self.unconfirmed.setVisible(bool(points))
        self.unconfirmed.setText(
            self.tr("<b>Not confirmed by the state for the CAP %1 edition</b> (MentorDesk's values are used, "
                    "editable in resources/cap): ").replace("%1", escape(s.edition))
            + escape("; ".join(points)) + "." if points else "")
        ready = {True: self.tr("ready to teach"), False: self.tr("not ready to teach"), None: ""}[s.ready]
        if ready and points:
            ready += self.tr(" (threshold not confirmed: see above)")
        owed = escape("; ".join(s.owed)) if s.owed else self.tr("no observations owed")
        own = self.tr(" (this candidate's own requirement)") if s.hours_overridden else ""
        self.owed.setText(self.tr("Still owed: ") + owed + (f" &middot; <b>{ready}</b>" if ready else "")
                          + f" &middot; {s.hours:.1f} of {s.hours_required} practicum hours" + own)
        self.form.set_candidate(s.placement_id, s.edition, s.early_literacy_required, s.literacy_band)
        self.evidence.show_summary(s, evidence or [])
        self.cycle.show_summary(s, goals)
        self.ratings.show_summary(s, calibration)
        from app.services.cap.forms import form_choices

        chosen = self.form_choice.currentData()
        self.form_choice.clear()
        for key, label in form_choices(s):
            self.form_choice.addItem(label, key)
        if chosen is not None and self.form_choice.findData(chosen) >= 0:
            self.form_choice.setCurrentIndex(self.form_choice.findData(chosen))

    def choose_observation(self, observation_id: uuid.UUID) -> None:
        """The Forms tab set to print that one observation."""
        index = self.form_choice.findData(f"observation:{observation_id}")
        if index >= 0:
            self.form_choice.setCurrentIndex(index)

    def print_chosen(self, folder: str | None = None) -> None:
        if self.summary is None or self.form_choice.currentData() is None:
            return
        from pathlib import Path

        from app.services.cap import forms as cap_forms

        placement_id, key = self.summary.placement_id, self.form_choice.currentData()
        if folder is None:
            folder = folder_path(self, self.tr("Folder for the form"))
        if not folder:
            return
        label = self.form_choice.currentText()
        self.page.ctx.tasks.run(lambda s: _audited(s, "CAP form", cap_forms.print_form(s, placement_id, key, Path(folder))),
                                on_success=lambda made: (self.printed.setText(
                                    self.tr("Printed %1 to %2").replace("%1", label).replace("%2", folder)),
                                    offer_open_folder(self, made[0] if len(made) == 1 else Path(folder))),
                                write=False)

    def print_forms(self) -> None:
        if self.summary is None:
            return
        from app.services.cap import forms as cap_forms

        placement_id = self.summary.placement_id
        folder = folder_path(self, self.tr("Folder for the forms")) \
            if not self.page.ctx.tasks.synchronous else str(cap_forms.forms_folder(self.summary.year))
        if not folder:
            return
        from pathlib import Path

        self.page.ctx.tasks.run(lambda s: _audited(s, "CAP forms", cap_forms.print_all(s, placement_id, Path(folder))),
                                on_success=lambda made: (self.printed.setText(
                                    self.tr("Printed ") + str(len(made)) + self.tr(" forms to ") + folder),
                                    offer_open_folder(self, Path(folder))),
                                write=False)


class AddCandidateDialog(QDialog):
    """A candidate and their placement: program, license sought, practicum dates, SP, PS, edition."""

    def __init__(self, parent: QWidget, year: str, organizations: list[str],
                 educators: list[tuple[uuid.UUID, str]], incentives: str = ""):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add a CAP candidate"))
        self.year = year
        form = QFormLayout(self)
        self.organization = QComboBox()
        self.organization.setEditable(True)
        self.organization.addItems(organizations)
        self.fields: dict[str, QWidget] = {"organization": self.organization}
        self.sp = QComboBox()
        for educator_id, name in educators:
            self.sp.addItem(name, str(educator_id))
        self.sp.setEditable(True)  # type part of a name
        self.sp.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.start = DateField()
        self.end = DateField()
        self.end.setDate(self.start.date().addDays(7 * 15))
        self.edition = QComboBox()
        current = cap_rubrics.edition_for_year(year).edition
        for edition in sorted(cap_rubrics.editions(), reverse=True):
            self.edition.addItem(cap_rubrics.get(edition).title or edition, edition)
        self.edition.setCurrentIndex(max(0, self.edition.findData(current)))
        rows: list[tuple[str, str, QWidget | None]] = [
            ("organization", "Sponsoring organization", self.organization), ("first_name", "First name", None),
            ("last_name", "Last name", None), ("candidate_number", "Candidate id", None), ("email", "Email", None),
            ("program", "Program", None), ("license_field", "License field (e.g. Elementary)", None),
            ("license_grades", "License grades (e.g. 1-6)", None), ("", "Practicum starts", self.start),
            ("", "Practicum ends", self.end), ("", "Supervising practitioner", self.sp),
            ("grade", "Placement grade", None), ("subject", "Subject", None),
            ("ps_name", "Program supervisor", None), ("ps_email", "Program supervisor's email", None)]
        for key, name, widget in rows:
            widget = widget or QLineEdit()
            if key:
                self.fields[key] = widget
            widget.setAccessibleName(self.tr(name))
            form.addRow(self.tr(name), widget)
            if widget is self.sp and incentives:  # what the SP is offered (000; Settings)
                self.incentives = QLabel(self.tr("SP incentives: ") + incentives)
                self.incentives.setWordWrap(True)
                self.incentives.setAccessibleName(self.tr("Incentives for supervising practitioners"))
                form.addRow("", self.incentives)
        self.edition.setAccessibleName(self.tr("CAP edition"))
        form.addRow(self.tr("CAP edition"), self.edition)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {key: (w.currentText() if isinstance(w, QComboBox) else w.text())  # type: ignore[attr-defined]
                                  for key, w in self.fields.items()}
        values.update(sp_id=self.sp.currentData() or "", practicum_start=self.start.date().toPython().isoformat(),
                      practicum_end=self.end.date().toPython().isoformat(), edition=self.edition.currentData(),
                      year=self.year)
        return values




def _audited(session: Any, what: str, made: Any) -> Any:
    """CAP forms hold evidence and ratings: the audit trail records each print (issue 18)."""
    from app.services.audit.trail import record_file

    record_file(session, what, confidential=True)
    return made
