"""The five-step cycle as a timeline: each step's meetings, forms and what is still owed.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import StaleRecordError
from app.services import cap
from app.ui.dates import us_date
from app.ui.errors import ask_stale, show_error
from app.ui.pages.cap.drafted import (
    DateField,
)

if TYPE_CHECKING:
    from app.ui.pages.cap.page import CapPage


class CyclePanel(QWidget):
    """The cycle: steps with their dates (complete a step, or record the three-way meeting that closes it),
    the observations (record a post-conference), the goals, practicum hours and student feedback."""

    def __init__(self, page: "CapPage"):
        super().__init__()
        self.page = page
        self.placement_id: uuid.UUID | None = None
        self.observation_ids: list[uuid.UUID] = []
        self.summary: cap.CandidateSummary | None = None  # the steps' and observations' versions, as shown
        self.goals_base: cap.Loaded | None = None  # the goals as opened (a save's check)
        self.required_base: tuple[int, int | None] = (0, None)  # the hours shown, and the candidate's version
        self.stale_box: Any = None  # the "changed by X at 10:42" question, while it is open
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.on = DateField()
        self.on.setAccessibleName(self.tr("Date"))
        row.addWidget(QLabel(self.tr("&On")))
        row.itemAt(0).widget().setBuddy(self.on)
        row.addWidget(self.on)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Cycle save status"))
        row.addWidget(self.message, 1)
        layout.addLayout(row)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("Step"), self.tr("Status"), self.tr("Due"),
                                              self.tr("Completed"), self.tr("Three-way meeting")])
        self._plain(self.table, self.tr("The five steps"))
        layout.addWidget(self.table)
        steps = QHBoxLayout()
        self.complete = QPushButton(self.tr("Complete the selected step"))
        self.meeting = QPushButton(self.tr("Record the three-way meeting"))
        self.complete.clicked.connect(lambda: self._step(cap.complete_step))
        self.meeting.clicked.connect(lambda: self._step(cap.record_meeting))
        steps.addWidget(self.complete)
        steps.addWidget(self.meeting)
        steps.addStretch(1)
        layout.addLayout(steps)
        self.observations = QTableWidget(0, 5)
        self.observations.setHorizontalHeaderLabels([self.tr("Observation"), self.tr("Observer"),
                                                     self.tr("Pre-conference"), self.tr("Post-conference"),
                                                     self.tr("Status")])
        self._plain(self.observations, self.tr("Observations"))
        layout.addWidget(self.observations)
        obs_buttons = QHBoxLayout()
        self.open_observation = QPushButton(self.tr("Open in the observation form"))
        self.open_observation.clicked.connect(self._open_observation)
        self.observations.doubleClicked.connect(lambda _i: self._open_observation())
        self.post = QPushButton(self.tr("Post-conference held on the date above (feedback given)"))
        self.post.clicked.connect(self._post_conference)
        obs_buttons.addWidget(self.open_observation)
        obs_buttons.addWidget(self.post)
        obs_buttons.addStretch(1)
        layout.addLayout(obs_buttons)
        goals = QGroupBox(self.tr("Goals (step 2)"))
        goals_layout = QFormLayout(goals)
        self.practice_goal = QPlainTextEdit()
        self.learning_goal = QPlainTextEdit()
        for field, name in ((self.practice_goal, self.tr("Professional practice goal")),
                            (self.learning_goal, self.tr("Student learning goal"))):
            field.setTabChangesFocus(True)
            field.setMaximumHeight(60)
            field.setAccessibleName(name)
            goals_layout.addRow(name, field)
        self.save_goals = QPushButton(self.tr("Save goals"))
        self.save_goals.clicked.connect(self._goals)
        goals_layout.addRow(self.save_goals)
        layout.addWidget(goals)
        hours = QHBoxLayout()
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.25, 24)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(6)
        self.hours.setSuffix(self.tr(" h"))
        self.hours.setAccessibleName(self.tr("Practicum hours"))
        self.full = QCheckBox(self.tr("Full responsibility"))
        self.full.setAccessibleName(self.full.text())
        self.log = QPushButton(self.tr("Log practicum hours"))
        self.log.clicked.connect(self._log_hours)
        self.hours_label = QLabel("")
        for w in (self.hours, self.full, self.log, self.hours_label):
            hours.addWidget(w)
        hours.addStretch(1)
        layout.addLayout(hours)
        required = QHBoxLayout()
        self.required = QSpinBox()
        self.required.setRange(0, 2000)
        self.required.setSingleStep(10)
        self.required.setSuffix(self.tr(" h"))
        self.required.setAccessibleName(self.tr("Practicum hours this candidate must log (0: the hours table's)"))
        self.required.setToolTip(self.tr("0 follows the practicum hours table in Settings (and its later changes); "
                                         "a number is this candidate's own requirement."))
        self.set_required = QPushButton(self.tr("Set required hours"))
        self.set_required.setAccessibleName(self.tr("Set this candidate's required practicum hours"))
        self.set_required.clicked.connect(self._required_hours)
        required.addWidget(QLabel(self.tr("Hours required")))
        required.itemAt(0).widget().setBuddy(self.required)
        for w in (self.required, self.set_required):
            required.addWidget(w)
        required.addStretch(1)
        layout.addLayout(required)
        survey = QHBoxLayout()
        self.instrument = QComboBox()
        self.instrument.addItems(list(cap.SURVEY_INSTRUMENTS))
        self.instrument.setAccessibleName(self.tr("Student feedback instrument"))
        self.respondents = QSpinBox()
        self.respondents.setRange(0, 200)
        self.respondents.setPrefix(self.tr("students: "))
        self.respondents.setAccessibleName(self.tr("Students who answered"))
        self.favorable = QSpinBox()
        self.favorable.setRange(0, 100)
        self.favorable.setSuffix(self.tr("% favorable"))
        self.favorable.setAccessibleName(self.tr("Percent favorable"))
        self.add_survey = QPushButton(self.tr("Record student feedback"))
        self.add_survey.clicked.connect(self._survey)
        for w in (self.instrument, self.respondents, self.favorable, self.add_survey):
            survey.addWidget(w)
        survey.addStretch(1)
        layout.addLayout(survey)

    @staticmethod
    def _plain(table: QTableWidget, name: str) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setMinimumHeight(190)
        table.verticalHeader().setVisible(False)
        table.setAccessibleName(name)

    def show_summary(self, s: cap.CandidateSummary, goals: cap.Loaded | None = None) -> None:
        changed = self.placement_id != s.placement_id
        self.placement_id, self.summary = s.placement_id, s
        if changed:
            self.message.setText("")
        self.table.setRowCount(len(s.steps))
        for r, st in enumerate(s.steps):
            cells = [f"{st.number}. {st.name}", st.status.replace("_", " ").capitalize(), us_date(st.due_on),
                     us_date(st.completed_on), ((us_date(st.meeting_on) or "not yet") if st.three_way_meeting else "-")]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        if changed or self.table.currentRow() < 0:
            self.table.selectRow(max(0, min(s.current_step, 5) - 1))
        self.observation_ids = [o.id for o in s.observations]
        self.observations.setRowCount(len(s.observations))
        for r, o in enumerate(s.observations):
            cells = [f"{us_date(o.observed_on)} {o.kind}", o.observer_text, us_date(o.pre_conference_on),
                     us_date(o.post_conference_on), o.status.replace("_", " ").capitalize()]
            for c, text in enumerate(cells):
                self.observations.setItem(r, c, QTableWidgetItem(text))
        if changed:
            # the state's instrument for the placement's grade: K-2 protocol, grades 3-5, grades 6-12
            self.instrument.setCurrentText(cap.survey_instrument_for(s.grade))
        if goals is not None:
            self._show_goals(goals, force=changed)
        self.hours_label.setText(f"{s.hours:.1f} of {s.hours_required} h "
                                 f"({s.full_responsibility_minutes / 60:.1f} in full responsibility)")
        self.required.setSpecialValueText(self.tr("the table's") if s.hours_overridden
                                          else self.tr("the table's (") + f"{s.hours_required} h)")
        self._show_required(s, force=changed)

    # -- the goals and the required hours: typing not saved yet stays, checked against what it was typed over

    def _goal_values(self) -> dict[str, str]:
        return {"professional_practice": self.practice_goal.toPlainText(),
                "student_learning": self.learning_goal.toPlainText()}

    def _show_goals(self, goals: cap.Loaded, *, force: bool = False) -> None:
        if force or self.goals_base is None or self._goal_values() == self.goals_base.values:
            self.practice_goal.setPlainText(goals.values["professional_practice"])
            self.learning_goal.setPlainText(goals.values["student_learning"])
            self.goals_base = cap.Loaded(self._goal_values(), goals.versions)

    def _show_required(self, s: cap.CandidateSummary, *, force: bool = False) -> None:
        if force or self.required.value() == self.required_base[0]:
            self.required.setValue(s.hours_required if s.hours_overridden else 0)
            self.required_base = (self.required.value(), s.candidate_version)

    def _reload_goals(self) -> None:
        placement_id = self.placement_id
        self._show_goals(self.page.ctx.tasks.call(lambda s: cap.load_goals(s, placement_id)), force=True)
        self.message.setText(self.tr("Showing the goals as saved now."))

    def _reload_required(self) -> None:
        placement_id = self.placement_id
        self._show_required(self.page.ctx.tasks.call(lambda s: cap.summary(s, placement_id)), force=True)
        self.message.setText(self.tr("Showing the required hours as saved now."))

    # -- saving ----------------------------------------------------------------------------------------

    def _run(self, work) -> None:  # type: ignore[no-untyped-def]
        self.page.ctx.tasks.run(work, on_success=lambda _r: None)

    def _save(self, save, *, reload=None, saved=None, overwrite: bool = False) -> None:  # type: ignore[no-untyped-def]
        """Run `save(session, overwrite)`, checked against the version shown. If someone else saved
        the record since, ask Reload (`reload`, else the page as saved now) / Overwrite / Cancel."""
        def failed(exc: BaseException, details: str) -> None:
            if not isinstance(exc, StaleRecordError):
                show_error(self, exc, details)
                return
            self.message.setText(self.tr("Not saved: someone else changed this record."))
            self.stale_box = ask_stale(
                self, exc, reload=reload or self.page.refresh,
                overwrite=lambda: self._save(save, reload=reload, saved=saved, overwrite=True),
                cancel=lambda: self.message.setText(self.tr("Not saved: your edits are still here.")))

        def done(_result: object) -> None:
            self.message.setText(self.tr("Saved."))
            if saved is not None:
                saved()

        self.page.ctx.tasks.run(lambda s: save(s, overwrite), on_success=done, on_error=failed)

    def _step(self, fn) -> None:  # type: ignore[no-untyped-def]
        if self.placement_id is None or self.summary is None or self.table.currentRow() < 0:
            return
        placement_id, number, on = self.placement_id, self.table.currentRow() + 1, self.on.date().toPython()
        version = self.summary.steps[number - 1].version
        self._save(lambda s, overwrite: fn(s, placement_id, number, on, version=version, overwrite=overwrite))

    def _open_observation(self) -> None:
        row = self.observations.currentRow()
        if 0 <= row < len(self.observation_ids):
            observation_id = self.observation_ids[row]
            self.page.ctx.tasks.run(lambda s: cap.load_observation(s, observation_id), write=False,
                                    on_success=lambda loaded: self.page.edit_observation(observation_id, loaded))

    def _post_conference(self) -> None:
        row = self.observations.currentRow()
        if self.summary is not None and 0 <= row < len(self.observation_ids):
            observation_id, on = self.observation_ids[row], self.on.date().toPython()
            version = self.summary.observations[row].version
            self._save(lambda s, overwrite: cap.record_post_conference(s, observation_id, on, version=version,
                                                                       overwrite=overwrite))

    def _goals(self) -> None:
        if self.placement_id is None or self.goals_base is None:
            return
        placement_id, base, typed = self.placement_id, self.goals_base, self._goal_values()
        changes = {name: text for name, text in typed.items() if text != base.values[name]}  # only what changed
        if not changes:
            self.message.setText(self.tr("No change to save."))
            return

        def saved() -> None:  # the base is now what was saved (the refresh that follows brings its version)
            self.goals_base = cap.Loaded(typed, base.versions)

        self._save(lambda s, overwrite: cap.set_goals(s, placement_id, version=base.versions["placement"],
                                                      overwrite=overwrite, **changes),
                   reload=self._reload_goals, saved=saved)

    def _log_hours(self) -> None:
        if self.placement_id is not None:
            placement_id, on = self.placement_id, self.on.date().toPython()
            minutes, full = round(self.hours.value() * 60), self.full.isChecked()
            self._run(lambda s: cap.log_hours(s, placement_id, on, minutes, full))

    def _required_hours(self) -> None:
        if self.placement_id is None:
            return
        placement_id, shown = self.placement_id, self.required.value()
        base_hours, version = self.required_base
        if shown == base_hours:
            self.message.setText(self.tr("No change to save."))
            return

        def saved() -> None:  # the base is now what was saved (the refresh that follows brings its version)
            self.required_base = (shown, version)

        self._save(lambda s, overwrite: cap.set_candidate_hours(s, placement_id, shown or None, version=version,
                                                                overwrite=overwrite),
                   reload=self._reload_required, saved=saved)

    def _survey(self) -> None:
        if self.placement_id is not None:
            placement_id, on = self.placement_id, self.on.date().toPython()
            instrument, respondents = self.instrument.currentText(), self.respondents.value()
            summary = {"Percent favorable": self.favorable.value()}
            self._run(lambda s: cap.record_survey(s, placement_id, instrument=instrument, given_on=on,
                                                  respondents=respondents, summary=summary))


