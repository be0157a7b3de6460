"""CAP, built for the back of a classroom (issue 8, item 6).

"My candidates": pick yourself as the supervising practitioner (remembered) and see your candidates with
their step and the next thing due. One screen per candidate: the five-step cycle as a timeline, what is
still owed, and a quick observation form with a large evidence field per element.

Keyboard: the candidate list takes Up/Down; Ctrl+O jumps to the observation form, Ctrl+E to the evidence
editor; Tab moves field to field (Tab leaves a text field, it does not type a tab); type-ahead picks
Announced/Unannounced, SP/PS/Both, a category; Space ticks an element or a look-for; Ctrl+S (or
Ctrl+Enter) saves the observation or the evidence being typed.

Nothing typed is lost: every change in the observation form and in the evidence editor is journaled to a
draft file (services/cap_drafts.py) after a short pause, and at once when the form is hidden or the window
closes. Reopening the candidate restores the draft; saving discards it. Works with no network: the
database is on this laptop.

Several people at once (a district server): every form keeps what it opened (cap.Loaded: the values and
the versions of their records) and a save writes only what the person changed. When someone else saved
the record since, the save is refused and the person is asked Reload / Overwrite / Cancel
(app/ui/errors.ask_stale); the draft stays until they choose Reload or the save goes through.
"""

from __future__ import annotations

import datetime as dt
import uuid
from html import escape
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import cap, cap_drafts, cap_literacy, cap_rubrics
from app.services.errors import StaleRecordError
from app.ui.errors import ask_stale, show_error
from app.ui.pages.base import Page

DRAFT_DELAY_MS = 400
EVERYONE = "__all__"
STATUS_MARK = {"complete": "\u2713", "in_progress": "\u25b6", "not_started": "\u25cb"}


class ClickLabel(QLabel):
    """A wrapping label beside a check box; clicking the text ticks the box (the box takes the keyboard)."""

    def __init__(self, text: str, box: QCheckBox):
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)

    def mousePressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        self.box.toggle()
        self.box.setFocus()


class DateField(QDateEdit):
    """A date field that Tab leaves (QDateEdit's Tab walks year, month, day first); Left/Right move
    between the parts, the digits type over them."""

    def __init__(self) -> None:
        super().__init__(QDate.currentDate())
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt's names
        return QWidget.focusNextPrevChild(self, next)


# --- data for the page (runs on the database worker; returns plain data) ----------------------------

def _load_list(year: str, sp: str | None):  # type: ignore[no-untyped-def]
    def fn(session):  # type: ignore[no-untyped-def]
        sps = cap.supervising_practitioners(session, year)
        rows = cap.my_candidates(session, year, uuid.UUID(sp) if sp else None)
        return sps, rows
    return fn


def _load_candidate(placement_id: uuid.UUID):  # type: ignore[no-untyped-def]
    def fn(session):  # type: ignore[no-untyped-def]
        s = cap.summary(session, placement_id)
        calibration = {stage: cap.calibration(session, placement_id, stage) for stage in ("formative", "summative")}
        return s, calibration, cap.load_goals(session, placement_id), cap.evidence(session, placement_id)
    return fn


def _empty(layout: Any) -> None:
    """Take every widget out of a layout and delete it (a form rebuilt for another rubric)."""
    while layout.count():
        widget = layout.takeAt(0).widget()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()


class DraftedForm(QWidget):
    """A CAP form saved as you type: after a short pause in typing its values are journaled on this
    computer (cap_drafts) with what they were typed over, and restored when the form opens again,
    so nothing typed is lost to a closed window, a crash or someone else's save."""

    saved = Signal()
    RESTORED = "Restored your unsaved draft from "

    def __init__(self, page: "CapPage"):
        super().__init__()
        self.page = page
        self.placement_id: uuid.UUID | None = None
        self.base: cap.Loaded | None = None  # what the form opened of a saved record (a save's check)
        self.stale_box: Any = None  # the "changed by X at 10:42" question, while it is open
        self.edition = ""
        self._restoring = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DRAFT_DELAY_MS)
        self.timer.timeout.connect(self.save_draft)

    # what each form defines
    @property
    def record_id(self) -> uuid.UUID | None:  # the saved record being edited; None: a new one
        raise NotImplementedError

    @property
    def draft_key(self) -> str:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def set_values(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def is_empty(self) -> bool:
        raise NotImplementedError

    def start_new(self) -> None:  # leave the saved record: the form is for a new one
        raise NotImplementedError

    # -- the row of draft status and buttons ---------------------------------------------------------

    def _action_row(self, what: str, other: QPushButton) -> QHBoxLayout:
        """Draft status, another action and "Save <what> (Ctrl+S)"; Ctrl+S and Ctrl+Enter save."""
        row = QHBoxLayout()
        self.draft_label = QLabel("")
        self.draft_label.setWordWrap(True)
        self.draft_label.setAccessibleName(self.tr("Draft status"))
        self.save_button = QPushButton(self.tr("Save %s (Ctrl+S)") % what)
        self.save_button.setAccessibleName(self.tr("Save %s") % what)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.draft_label, 1)
        row.addWidget(other)
        row.addWidget(self.save_button)
        for sequence in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)
        return row

    # -- drafts --------------------------------------------------------------------------------------

    def changed(self, *_args: object) -> None:
        if self._restoring or self.placement_id is None:
            return
        self.timer.start()  # debounced: the draft is written after a short pause in typing
        self.draft_label.setText(self.tr("Typing..."))

    def save_draft(self) -> None:
        self.timer.stop()
        if self.placement_id is None:
            return
        if self.is_empty():
            cap_drafts.discard_draft(self.draft_key)
            self.draft_label.setText("")
            return
        cap_drafts.save_draft(self.draft_key, self.values(), base=self.base.to_json() if self.base else None)
        self.draft_label.setText(self.tr("Draft saved on this computer at ") + dt.datetime.now().strftime("%H:%M:%S"))

    def flush(self) -> None:
        """Write a pending draft now (the form is hidden, the candidate changes or the window closes)."""
        if self.timer.isActive():
            self.save_draft()

    def restore_draft(self) -> None:
        data = cap_drafts.load_draft(self.draft_key)
        if data:
            self.set_values(data)
            base = cap_drafts.load_base(self.draft_key)
            if base is not None and self.record_id is not None:
                self.base = cap.Loaded.from_json(base)  # saved as changes to what it was typed over
            when = cap_drafts.saved_at(self.draft_key)
            stamp = when.astimezone().strftime("%Y-%m-%d %H:%M") if when else ""
            self.draft_label.setText(self.tr(self.RESTORED) + stamp)

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        self.flush()
        super().hideEvent(event)

    # -- saving --------------------------------------------------------------------------------------

    def _save(self, store: Any, values: dict[str, Any], overwrite: bool, what: str, saved: str) -> None:
        """Save `values` on the worker with `store(session, placement, values, record, loaded=,
        overwrite=)`, a service of app.services.cap. The draft is kept until the database has the
        record (or the person chooses Reload); a record someone else changed meanwhile asks whether
        to reload or overwrite."""
        placement_id, record_id, key, loaded = self.placement_id, self.record_id, self.draft_key, self.base
        cap_drafts.save_draft(key, values, base=loaded.to_json() if loaded else None)

        def done(_result: object) -> None:
            cap_drafts.discard_draft(key)
            if self.placement_id == placement_id and self.record_id == record_id:
                self.start_new()  # with a new record's draft, if one was left
                if not self.draft_label.text():
                    self.draft_label.setText(saved)
            self.saved.emit()

        def failed(exc: BaseException, details: str) -> None:
            if isinstance(exc, StaleRecordError) and self.record_id == record_id:
                self.draft_label.setText(self.tr("Not saved: someone else changed this ") + what
                                         + self.tr(" (your draft is kept)."))
                self.stale_box = ask_stale(self, exc, reload=self.reload, overwrite=lambda: self.save(overwrite=True),
                                           cancel=lambda: self.draft_label.setText(
                                               self.tr("Not saved: your edits and their draft are kept.")))
                return
            self._failed(exc, details)

        self.page.ctx.tasks.run(lambda s: store(s, placement_id, values, record_id, loaded=loaded, overwrite=overwrite),
                                on_success=done, on_error=failed)

    def _failed(self, exc: BaseException, _details: str) -> None:
        self.draft_label.setText(self.tr("Not saved (your draft is kept): ") + str(exc))


class ObservationForm(DraftedForm):
    """The quick observation form: large evidence fields per element, saved as you type."""

    def __init__(self, page: "CapPage"):
        super().__init__(page)
        self.observation_id: uuid.UUID | None = None  # None: a new observation
        self.evidence: dict[str, QPlainTextEdit] = {}
        self.look_fors: dict[str, QCheckBox] = {}  # the Early Literacy Observation Form's look-fors
        self.band = ""

        outer = QVBoxLayout(self)
        mode = QHBoxLayout()
        self.mode_label = QLabel(self.tr("New observation"))
        self.mode_label.setAccessibleName(self.tr("Observation being written"))
        self.new_button = QPushButton(self.tr("New observation"))
        self.new_button.setAccessibleName(self.tr("Start a new observation"))
        self.new_button.clicked.connect(self.start_new)
        self.new_button.setVisible(False)
        mode.addWidget(self.mode_label, 1)
        mode.addWidget(self.new_button)
        outer.addLayout(mode)
        top = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Announced"), "announced")
        self.kind.addItem(self.tr("Unannounced"), "unannounced")
        self.kind.setAccessibleName(self.tr("Observation type"))
        self.observer = QComboBox()
        self.observer.addItem(self.tr("SP (supervising practitioner)"), "sp")
        self.observer.addItem(self.tr("PS (program supervisor)"), "ps")
        self.observer.addItem(self.tr("Both SP and PS"), "both")
        self.observer.setAccessibleName(self.tr("Observer"))
        self.date = DateField()
        self.date.setAccessibleName(self.tr("Observation date"))
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 600)
        self.minutes.setSingleStep(5)
        self.minutes.setValue(45)
        self.minutes.setSuffix(self.tr(" min"))
        self.minutes.setAccessibleName(self.tr("Duration in minutes"))
        self.status = QComboBox()
        self.status.addItem(self.tr("Held"), "held")
        self.status.addItem(self.tr("Feedback given"), "feedback_given")
        self.status.addItem(self.tr("Planned"), "planned")
        self.status.setAccessibleName(self.tr("Status"))
        conferences = QHBoxLayout()
        self.pre = QCheckBox(self.tr("Pre-conference held"))
        self.post = QCheckBox(self.tr("Post-conference held"))
        self.early = QCheckBox(self.tr("Early Literacy Observation Form"))
        for box in (self.pre, self.post, self.early):
            box.setAccessibleName(box.text())
            conferences.addWidget(box)
        conferences.addStretch(1)
        top.addRow(self.tr("&Type"), self.kind)
        top.addRow(self.tr("O&bserver"), self.observer)
        top.addRow(self.tr("&Date"), self.date)
        top.addRow(self.tr("D&uration"), self.minutes)
        top.addRow(self.tr("Stat&us"), self.status)
        top.addRow(conferences)
        outer.addLayout(top)
        self.evidence_box = QGroupBox(self.tr("Evidence by element (type in the elements you saw)"))
        self.evidence_layout = QVBoxLayout(self.evidence_box)
        outer.addWidget(self.evidence_box)
        self.literacy_box = QGroupBox(self.tr("Early Literacy Observation Form: look-fors seen"))
        self.literacy_layout = QVBoxLayout(self.literacy_box)
        self.literacy_box.setVisible(False)
        outer.addWidget(self.literacy_box)
        feedback = QGroupBox(self.tr("Feedback"))
        feedback_layout = QFormLayout(feedback)
        self.reinforcement = self._big_field(self.tr("Areas of reinforcement"), 70)
        self.refinement = self._big_field(self.tr("Areas of refinement"), 70)
        feedback_layout.addRow(self.tr("Reinforcement"), self.reinforcement)
        feedback_layout.addRow(self.tr("Refinement"), self.refinement)
        outer.addWidget(feedback)
        self.discard_button = QPushButton(self.tr("Discard draft"))
        self.discard_button.setAccessibleName(self.tr("Discard draft"))
        self.discard_button.clicked.connect(self.discard)
        outer.addLayout(self._action_row(self.tr("observation"), self.discard_button))
        for widget in (self.kind, self.observer, self.status):
            widget.currentIndexChanged.connect(self.changed)
        self.date.dateChanged.connect(self.changed)
        self.minutes.valueChanged.connect(self.changed)
        for box in (self.pre, self.post, self.early):
            box.toggled.connect(self.changed)
        self.early.toggled.connect(self._show_look_fors)

    def _show_look_fors(self, *_args: object) -> None:
        self.literacy_box.setVisible(self.early.isChecked() and self.early.isVisibleTo(self) and bool(self.look_fors))

    def _big_field(self, name: str, height: int) -> QPlainTextEdit:
        field = QPlainTextEdit()
        field.setTabChangesFocus(True)  # keyboard-friendly: Tab moves on
        field.setMinimumHeight(height)
        field.setAccessibleName(name)
        field.textChanged.connect(self.changed)
        return field

    # -- the candidate -----------------------------------------------------------------------------

    def set_candidate(self, placement_id: uuid.UUID, edition: str, early_literacy: bool, band: str = "") -> None:
        if self.placement_id == placement_id and self.edition == edition and self.band == band:
            return
        self.flush()
        self.placement_id = placement_id
        self.observation_id, self.base = None, None
        self._set_mode()
        self.edition = edition
        rubric = cap_rubrics.get(edition)
        _empty(self.evidence_layout)
        self.evidence = {}
        for element in rubric.elements:
            label = QLabel(f"<b>{element.code}</b> {element.name}")
            field = self._big_field(self.tr("Evidence for ") + f"{element.code} {element.name}", 90)
            label.setBuddy(field)
            self.evidence_layout.addWidget(label)
            self.evidence_layout.addWidget(field)
            label.show()  # added to a shown form: show now, so Tab reaches them at once
            field.show()
            self.evidence[element.code] = field
        self._build_look_fors(edition, band if early_literacy else "")
        # Tab order: the header fields, the evidence fields in element order, the look-fors (with the early
        # literacy form), the feedback, Save.
        chain: list[QWidget] = [self.kind, self.observer, self.date, self.minutes, self.status, self.pre,
                                self.post, self.early, *self.evidence.values(), *self.look_fors.values(),
                                self.reinforcement, self.refinement, self.save_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self.early.setVisible(early_literacy)
        self.clear()
        self.restore_draft()
        self._show_look_fors()

    def _build_look_fors(self, edition: str, band_key: str) -> None:
        """The grade band's look-fors, by element (in the edition's codes), as check boxes."""
        self.band = band_key
        _empty(self.literacy_layout)
        self.look_fors = {}
        if not band_key:
            return
        literacy = cap_literacy.form()
        band = literacy.band(band_key)
        self.literacy_box.setTitle(self.tr("Early Literacy Observation Form: look-fors seen, ") + band.name)
        for code in literacy.elements:
            local = literacy.element_code(code, edition)
            heading = QLabel(f"<b>{escape(local)}</b>")
            self.literacy_layout.addWidget(heading)
            heading.show()
            for item in band.for_element(code):
                row = QWidget()
                line = QHBoxLayout(row)
                line.setContentsMargins(12, 0, 0, 0)
                box = QCheckBox()
                box.setAccessibleName(self.tr("Look-for ") + f"{local}, {item.component}: {item.text}")
                box.toggled.connect(self.changed)
                text = ClickLabel(f"<i>{escape(item.component)}</i>: {escape(item.text)}", box)
                line.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
                line.addWidget(text, 1)
                self.literacy_layout.addWidget(row)
                row.show()
                self.look_fors[item.id] = box

    @property
    def draft_key(self) -> str:
        return cap_drafts.observation_key(self.placement_id, self.observation_id)

    def _set_mode(self, when: str = "") -> None:
        editing = self.observation_id is not None
        self.mode_label.setText(self.tr("Editing the observation of ") + when if editing
                                else self.tr("New observation"))
        self.new_button.setVisible(editing)

    def edit(self, observation_id: uuid.UUID, loaded: cap.Loaded) -> None:
        """Open a saved observation (e.g. a planned one that has now been held); its own draft wins."""
        self.flush()
        self.observation_id = observation_id
        self.clear()
        self._show_loaded(loaded)
        self._set_mode(str(loaded.values.get("observed_on", "")))
        self.restore_draft()
        self.kind.setFocus()

    def _show_loaded(self, loaded: cap.Loaded) -> None:
        self.set_values(loaded.values)
        # the base as the widgets show it (every element's field, 0 minutes as none), so only typing differs
        self.base = cap.Loaded(self.values(), loaded.versions)

    def reload(self) -> None:
        """The observation as saved now: the person chose to drop their edits, and so their draft."""
        if self.observation_id is None:
            return
        observation_id = self.observation_id
        self.timer.stop()
        cap_drafts.discard_draft(self.draft_key)
        loaded = self.page.ctx.tasks.call(lambda s: cap.load_observation(s, observation_id))
        self.clear()
        self._show_loaded(loaded)
        self.draft_label.setText(self.tr("Showing the observation as saved now."))

    def start_new(self) -> None:
        self.flush()
        self.observation_id, self.base = None, None
        self._set_mode()
        self.clear()
        self.restore_draft()

    # -- values ------------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.currentData(), "observer": self.observer.currentData(),
            "observed_on": self.date.date().toPython().isoformat(), "minutes": self.minutes.value() or None,
            "status": self.status.currentData(), "pre_conference": self.pre.isChecked(),
            "post_conference": self.post.isChecked(), "early_literacy": self.early.isChecked(),
            "evidence": {code: f.toPlainText() for code, f in self.evidence.items()},
            "look_fors": [i for i, box in self.look_fors.items() if box.isChecked()] if self.early.isChecked() else [],
            "reinforcement": self.reinforcement.toPlainText(), "refinement": self.refinement.toPlainText(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        self._restoring = True
        try:
            for combo, key in ((self.kind, "kind"), (self.observer, "observer"), (self.status, "status")):
                index = combo.findData(values.get(key))
                if index >= 0:
                    combo.setCurrentIndex(index)
            if values.get("observed_on"):
                self.date.setDate(QDate.fromString(values["observed_on"], "yyyy-MM-dd"))
            self.minutes.setValue(int(values.get("minutes") or 0))
            self.pre.setChecked(bool(values.get("pre_conference")))
            self.post.setChecked(bool(values.get("post_conference")))
            self.early.setChecked(bool(values.get("early_literacy")))
            seen = set(values.get("look_fors") or ())
            for look_for_id, box in self.look_fors.items():
                box.setChecked(look_for_id in seen)
            for code, text in (values.get("evidence") or {}).items():
                if code in self.evidence:
                    self.evidence[code].setPlainText(text)
            self.reinforcement.setPlainText(values.get("reinforcement") or "")
            self.refinement.setPlainText(values.get("refinement") or "")
        finally:
            self._restoring = False

    def is_empty(self) -> bool:
        v = self.values()
        return not any(t.strip() for t in v["evidence"].values()) and not v["reinforcement"].strip() \
            and not v["refinement"].strip()

    def clear(self) -> None:
        self.set_values({"kind": "announced", "observer": "sp", "status": "held",
                         "observed_on": dt.date.today().isoformat(), "minutes": 45,
                         "evidence": {c: "" for c in self.evidence}, "reinforcement": "", "refinement": ""})
        self.draft_label.setText("")

    @property
    def record_id(self) -> uuid.UUID | None:
        return self.observation_id

    # -- drafts --------------------------------------------------------------------------------------

    def discard(self) -> None:
        if self.placement_id is None:
            return
        if self.observation_id is not None:
            self.reload()  # editing a saved observation: back to it as saved (and its base) now
            return
        self.timer.stop()
        cap_drafts.discard_draft(self.draft_key)
        self.clear()

    # -- saving ----------------------------------------------------------------------------------------

    def save(self, overwrite: bool = False) -> None:
        if self.placement_id is None:
            return
        self.flush()
        values = self.values()
        if not values["evidence"] or self.is_empty() and values["status"] != "planned":
            self.draft_label.setText(self.tr("Type evidence for at least one element, or choose Planned."))
            return
        self._save(cap.save_quick_observation, values, overwrite, self.tr("observation"), self.tr("Observation saved."))


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
            cells = [f"{st.number}. {st.name}", st.status.replace("_", " "), str(st.due_on or ""),
                     str(st.completed_on or ""), (str(st.meeting_on or "not yet") if st.three_way_meeting else "-")]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        if changed or self.table.currentRow() < 0:
            self.table.selectRow(max(0, min(s.current_step, 5) - 1))
        self.observation_ids = [o.id for o in s.observations]
        self.observations.setRowCount(len(s.observations))
        for r, o in enumerate(s.observations):
            cells = [f"{o.observed_on} {o.kind}", o.observer_text, str(o.pre_conference_on or ""),
                     str(o.post_conference_on or ""), o.status.replace("_", " ")]
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


class RatingsPanel(QWidget):
    """Enter ratings per element and dimension; the calibration view sets SP and PS side by side."""

    def __init__(self, page: "CapPage"):
        super().__init__()
        self.page = page
        self.placement_id: uuid.UUID | None = None
        self.edition = ""
        self.levels: tuple[str, ...] = ()
        self.combos: dict[tuple[str, str], QComboBox] = {}
        self.base: cap.Loaded | None = None  # the grid's ratings as opened, with their versions (a save's check)
        self.stale_box: Any = None  # the "changed by X at 10:42" question, while it is open
        layout = QVBoxLayout(self)
        pick = QHBoxLayout()
        self.stage = QComboBox()
        self.stage.addItem(self.tr("Formative"), "formative")
        self.stage.addItem(self.tr("Summative"), "summative")
        self.stage.setAccessibleName(self.tr("Assessment step"))
        self.rater = QComboBox()
        self.rater.addItem(self.tr("SP and PS together (the rating)"), "joint")
        self.rater.addItem(self.tr("SP's own judgment"), "sp")
        self.rater.addItem(self.tr("PS's own judgment"), "ps")
        self.rater.setAccessibleName(self.tr("Whose rating"))
        self.save_button = QPushButton(self.tr("Save ratings"))
        self.save_button.clicked.connect(self.save)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Ratings save status"))
        for w in (self.stage, self.rater, self.save_button):
            pick.addWidget(w)
        pick.addWidget(self.message, 1)
        layout.addLayout(pick)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        layout.addWidget(self.grid_host)
        layout.addWidget(QLabel(self.tr("<b>Calibration</b>: SP and PS side by side; differences are marked")))
        self.calibration = QTableWidget(0, 3)
        self.calibration.setHorizontalHeaderLabels([self.tr("Element"), self.tr("SP (Q / S / C)"),
                                                    self.tr("PS (Q / S / C)")])
        self.calibration.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.calibration.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.calibration.setAccessibleName(self.tr("Calibration of SP and PS ratings"))
        self.calibration.verticalHeader().setVisible(False)
        layout.addWidget(self.calibration)
        self.stage.currentIndexChanged.connect(lambda _i: (self._load_grid(), self._fill_calibration()))
        self.rater.currentIndexChanged.connect(lambda _i: self._load_grid())
        self._calibration: dict[str, list[cap.CalibrationRow]] = {}

    def show_summary(self, s: cap.CandidateSummary, calibration: dict[str, list[cap.CalibrationRow]]) -> None:
        rubric = cap_rubrics.get(s.edition)
        self._calibration = calibration
        changed = self.placement_id != s.placement_id
        self.placement_id = s.placement_id
        if self.edition != s.edition:  # the grid follows the edition's elements and levels
            changed = True
            self.edition = s.edition
            self.levels = rubric.rating_levels
            while self.grid.count():
                item = self.grid.takeAt(0)
                if item.widget() is not None:
                    item.widget().hide()
                item.widget().deleteLater()
            self.combos = {}
            for c, dim in enumerate(rubric.dimensions):
                self.grid.addWidget(QLabel(f"<b>{dim.capitalize()}</b>"), 0, c + 1)
            for r, element in enumerate(rubric.elements):
                self.grid.addWidget(QLabel(f"{element.code} {element.name}"), r + 1, 0)
                for c, dim in enumerate(rubric.dimensions):
                    combo = QComboBox()
                    combo.addItem("", None)
                    for level in rubric.rating_levels:
                        combo.addItem(level, level)
                    combo.setAccessibleName(f"{element.code} {dim}")
                    self.grid.addWidget(combo, r + 1, c + 1)
                    self.combos[(element.code, dim)] = combo
        if changed:
            self.message.setText("")
        # ratings chosen and not saved yet stay (checked against what they were chosen over)
        if changed or self.base is None or self.values() == self.base.values:
            self._load_grid()
        self._fill_calibration()

    def values(self) -> dict[str, dict[str, str | None]]:
        """The grid: element -> dimension -> level (None: not rated)."""
        codes = sorted({code for code, _ in self.combos})
        return {code: {dim: self.combos[(code, dim)].currentData() for dim in ("quality", "scope", "consistency")}
                for code in codes}

    def _load_grid(self) -> None:
        """The chosen step's and rater's ratings as saved now, and their versions."""
        if self.placement_id is None:
            return
        placement_id, stage, rater = self.placement_id, self.stage.currentData(), self.rater.currentData()
        loaded = self.page.ctx.tasks.call(lambda s: cap.load_ratings(s, placement_id, stage, rater))
        for (code, dim), combo in self.combos.items():
            combo.setCurrentIndex(max(0, combo.findData((loaded.values.get(code) or {}).get(dim))))
        # the base as the grid shows it: a level the edition no longer has shows blank and stays unless changed
        self.base = cap.Loaded(self.values(), loaded.versions)

    def _fill_calibration(self) -> None:
        rows = self._calibration.get(self.stage.currentData(), [])
        self.calibration.setRowCount(len(rows))
        for r, row in enumerate(rows):
            mark = " \u26a0 " + self.tr("differ: ") + ", ".join(row.differences) if row.differences else ""
            texts = [f"{row.code}{mark}", " / ".join(row.sp[d] or "-" for d in ("quality", "scope", "consistency")),
                     " / ".join(row.ps[d] or "-" for d in ("quality", "scope", "consistency"))]
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if row.differences:
                    item.setBackground(Qt.GlobalColor.yellow)
                    item.setForeground(Qt.GlobalColor.black)
                self.calibration.setItem(r, c, item)

    def save(self, overwrite: bool = False) -> None:
        """Save the ratings changed in the grid; each element's rating is its own record (cap.save_ratings)."""
        if self.placement_id is None or self.base is None:
            return
        stage, rater, placement_id = self.stage.currentData(), self.rater.currentData(), self.placement_id
        values, loaded = self.values(), self.base

        def done(_result: object) -> None:
            if (self.placement_id, self.stage.currentData(), self.rater.currentData()) == (placement_id, stage, rater):
                self._load_grid()  # the new versions
            self.message.setText(self.tr("Ratings saved."))

        def failed(exc: BaseException, details: str) -> None:
            if not isinstance(exc, StaleRecordError):
                show_error(self, exc, details)
                return
            self.message.setText(self.tr("Not saved: someone else changed a rating."))
            self.stale_box = ask_stale(self, exc, reload=self.reload, overwrite=lambda: self.save(overwrite=True),
                                       cancel=lambda: self.message.setText(self.tr("Not saved: your ratings are "
                                                                                   "still here.")))

        self.page.ctx.tasks.run(lambda s: cap.save_ratings(s, placement_id, stage=stage, rater=rater, ratings=values,
                                                           loaded=loaded, overwrite=overwrite),
                                on_success=done, on_error=failed)

    def reload(self) -> None:
        self._load_grid()
        self.message.setText(self.tr("Showing the ratings as saved now."))


class ElementList(QListWidget):
    """The elements as check boxes: Up/Down move, Space ticks; Tab leaves."""

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Space and self.currentItem() is not None:
            item = self.currentItem()
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)


class EvidencePanel(DraftedForm):
    """Evidence in the five categories (observations, measure of student learning, student feedback,
    progress on the goal, candidate artifacts) for one or more elements, with its date; the list of what
    is recorded. Saved as you type, like the observation form: a draft per candidate (or per piece being
    edited) is journaled after a short pause and restored when the candidate is opened again."""

    RESTORED = "Restored your unsaved evidence draft from "

    def __init__(self, page: "CapPage"):
        super().__init__(page)
        self.evidence_id: uuid.UUID | None = None  # None: a new piece
        self.items: list[cap.EvidenceItem] = []
        layout = QVBoxLayout(self)
        self.mode_label = QLabel(self.tr("New evidence"))
        self.mode_label.setAccessibleName(self.tr("Evidence being written"))
        layout.addWidget(self.mode_label)
        form = QFormLayout()
        self.category = QComboBox()
        self.category.setAccessibleName(self.tr("Evidence category"))
        self.elements = ElementList()
        self.elements.setAccessibleName(self.tr("Elements the evidence is for (Space ticks)"))
        self.elements.setMaximumHeight(150)
        self.date = DateField()
        self.date.setAccessibleName(self.tr("Date collected"))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(90)
        self.note.setAccessibleName(self.tr("Evidence: what was seen, or a summary"))
        form.addRow(self.tr("Cate&gory"), self.category)
        form.addRow(self.tr("E&lements"), self.elements)
        form.addRow(self.tr("Da&te"), self.date)
        form.addRow(self.tr("E&vidence"), self.note)
        layout.addLayout(form)
        self.new_button = QPushButton(self.tr("New"))
        self.new_button.setAccessibleName(self.tr("Start new evidence"))
        self.new_button.clicked.connect(self.start_new)
        layout.addLayout(self._action_row(self.tr("evidence"), self.new_button))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Category"), self.tr("Element"),
                                              self.tr("Evidence"), self.tr("From")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(160)
        self.table.setAccessibleName(self.tr("Evidence recorded (Enter opens a piece to edit)"))
        self.table.activated.connect(lambda _index: self.edit_selected())
        layout.addWidget(self.table, 1)
        self.surveys_label = QLabel("")
        self.surveys_label.setWordWrap(True)
        self.surveys_label.setAccessibleName(self.tr("Student feedback surveys"))
        layout.addWidget(self.surveys_label)
        row = QHBoxLayout()
        self.edit_button = QPushButton(self.tr("Edit the selected evidence"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton(self.tr("Remove the selected evidence"))
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.edit_button, self.delete_button):
            button.setAccessibleName(button.text())
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        chain: list[QWidget] = [self.category, self.elements, self.date, self.note, self.save_button, self.table]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self.category.currentIndexChanged.connect(self.changed)
        self.elements.itemChanged.connect(self.changed)
        self.date.dateChanged.connect(self.changed)
        self.note.textChanged.connect(self.changed)

    # -- the candidate -----------------------------------------------------------------------------

    def show_summary(self, s: cap.CandidateSummary, items: list[cap.EvidenceItem]) -> None:
        if self.placement_id != s.placement_id or self.edition != s.edition:
            self.flush()
            self.placement_id, self.edition, self.evidence_id, self.base = s.placement_id, s.edition, None, None
            rubric = cap_rubrics.get(s.edition)
            self._restoring = True
            try:
                self.category.clear()
                for key, name in rubric.categories:
                    self.category.addItem(name, key)
                self.elements.clear()
                for element in rubric.elements:
                    item = QListWidgetItem(element.label)
                    item.setData(Qt.ItemDataRole.UserRole, element.code)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Unchecked)
                    self.elements.addItem(item)
                if self.elements.count():
                    self.elements.setCurrentRow(0)
            finally:
                self._restoring = False
            self.clear()
            self._set_mode()
            self.restore_draft()
        rubric = cap_rubrics.get(s.edition)
        names = dict(rubric.categories)
        self.items = items
        self.table.setRowCount(len(items))
        for r, item in enumerate(items):
            cells = [str(item.collected_on), names.get(item.category, item.category), item.element_code,
                     item.note if len(item.note) <= 160 else item.note[:157] + "...",
                     self.tr("observation") if item.observation_id else self.tr("evidence editor")]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        count = len(s.surveys)
        self.surveys_label.setText(
            self.tr("Student feedback surveys recorded (Cycle tab): ") + str(count)
            + (self.tr("; each counts as student feedback evidence for every element.") if count else "."))

    @property
    def draft_key(self) -> str:
        return cap_drafts.evidence_key(self.placement_id, self.evidence_id)

    def _set_mode(self, what: str = "") -> None:
        self.mode_label.setText(self.tr("Editing ") + what if self.evidence_id else self.tr("New evidence"))

    # -- values ------------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        chosen = [self.elements.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.elements.count())
                  if self.elements.item(i).checkState() == Qt.CheckState.Checked]
        return {"category": self.category.currentData(), "elements": chosen,
                "collected_on": self.date.date().toPython().isoformat(), "note": self.note.toPlainText()}

    def set_values(self, values: dict[str, Any]) -> None:
        self._restoring = True
        try:
            index = self.category.findData(values.get("category"))
            self.category.setCurrentIndex(max(0, index))
            chosen = set(values.get("elements") or ())
            for i in range(self.elements.count()):
                item = self.elements.item(i)
                item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen
                                   else Qt.CheckState.Unchecked)
            if values.get("collected_on"):
                self.date.setDate(QDate.fromString(values["collected_on"], "yyyy-MM-dd"))
            self.note.setPlainText(values.get("note") or "")
        finally:
            self._restoring = False

    def clear(self) -> None:
        self.set_values({"category": "student_learning", "elements": [], "note": "",
                         "collected_on": dt.date.today().isoformat()})
        self.draft_label.setText("")

    def is_empty(self) -> bool:
        return not self.values()["note"].strip()

    @property
    def record_id(self) -> uuid.UUID | None:
        return self.evidence_id

    # -- actions -------------------------------------------------------------------------------------

    def start_new(self) -> None:
        self.flush()
        self.evidence_id, self.base = None, None
        self._set_mode()
        self.clear()
        self.restore_draft()
        self.category.setFocus()

    def _selected(self) -> cap.EvidenceItem | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def edit_selected(self) -> None:
        item = self._selected()
        if item is None or item.id is None:
            return
        if item.observation_id is not None:
            self.draft_label.setText(self.tr("That evidence belongs to an observation: open the observation "
                                             "(Cycle tab) to change it."))
            return
        self.flush()
        self.evidence_id = item.id
        self._set_mode(f"{item.element_code}, {item.collected_on}")
        self._show_loaded(item.loaded())
        self.draft_label.setText("")
        self.restore_draft()  # its own draft, if typing was left unsaved
        self.note.setFocus()

    def _show_loaded(self, loaded: cap.Loaded) -> None:
        self.set_values(loaded.values)
        self.base = cap.Loaded(self.values(), loaded.versions)  # as the editor shows it, so only typing differs

    def reload(self) -> None:
        """The piece as saved now (or a new one if it was removed): the person chose to drop their edits."""
        if self.evidence_id is None or self.placement_id is None:
            return
        placement_id, evidence_id = self.placement_id, self.evidence_id
        self.timer.stop()
        cap_drafts.discard_draft(self.draft_key)
        items = self.page.ctx.tasks.call(lambda s: cap.evidence(s, placement_id))
        item = next((i for i in items if i.id == evidence_id), None)
        if item is None:
            self.start_new()
            self.draft_label.setText(self.tr("That evidence was removed."))
            return
        self._show_loaded(item.loaded())
        self.draft_label.setText(self.tr("Showing the evidence as saved now."))

    def delete_selected(self) -> None:
        item = self._selected()
        if item is None or item.id is None:
            return
        if item.observation_id is not None:
            self.draft_label.setText(self.tr("That evidence belongs to an observation: open the observation "
                                             "(Cycle tab) to change it."))
            return
        self._delete(item)

    def _delete(self, item: cap.EvidenceItem, overwrite: bool = False) -> None:
        """Remove the piece as the list showed it: if someone saved it since, ask first."""
        evidence_id, version = item.id, item.version

        def done(_result: object) -> None:
            if self.evidence_id == evidence_id:
                cap_drafts.discard_draft(self.draft_key)
                self.start_new()
            self.draft_label.setText(self.tr("Evidence removed."))

        def failed(exc: BaseException, details: str) -> None:
            if not isinstance(exc, StaleRecordError):
                self._failed(exc, details)
                return
            self.draft_label.setText(self.tr("Not removed: someone else changed this evidence."))
            self.stale_box = ask_stale(self, exc, reload=self.page.refresh,
                                       overwrite=lambda: self._delete(item, overwrite=True),
                                       cancel=lambda: self.draft_label.setText(self.tr("Not removed.")))

        self.page.ctx.tasks.run(lambda s: cap.delete_evidence(s, evidence_id, version=version, overwrite=overwrite),
                                on_success=done, on_error=failed)

    def save(self, overwrite: bool = False) -> None:
        if self.placement_id is None:
            return
        self.flush()
        values = self.values()
        if not values["note"].strip() or not values["elements"]:
            self.draft_label.setText(self.tr("Tick at least one element and write the evidence."))
            return
        self._save(cap.save_evidence, values, overwrite, self.tr("evidence"), self.tr("Evidence saved."))


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
        self.tabs.addTab(scroll, self.tr("Quick &observation"))
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
        self.tabs.addTab(self.ratings, self.tr("&Ratings"))
        forms = QWidget()
        forms_layout = QVBoxLayout(forms)
        self.print_button = QPushButton(self.tr("Print every form (PDF)..."))
        self.print_button.setAccessibleName(self.tr("Print every form"))
        self.print_button.clicked.connect(self.print_forms)
        self.printed = QLabel("")
        self.printed.setWordWrap(True)
        forms_layout.addWidget(QLabel(self.tr("CAP form, observation forms, formative and summative assessment "
                                              "forms, student feedback data and a one-page summary, kept per "
                                              "school year (the three most recent years are kept).")))
        forms_layout.addWidget(self.print_button)
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
        for label, st in zip(self.steps, s.steps):
            when = f"met {st.meeting_on}" if st.meeting_on else (f"done {st.completed_on}" if st.completed_on
                                                                  else f"due {st.due_on}")
            current = st.number == s.current_step
            text = f"{STATUS_MARK[st.status]} {st.number}. {st.name}\n{when}"
            label.setText(text)
            label.setAccessibleName(f"Step {st.number} {st.name}: {st.status.replace('_', ' ')}, {when}")
            label.setStyleSheet("font-weight: bold;" if current else ("color: palette(mid);"
                                                                       if st.status == "not_started" else ""))
        self.next_due.setText(self.tr("<b>Next:</b> ") + escape(s.next_due))
        ready = {True: self.tr("ready to teach"), False: self.tr("not ready to teach"), None: ""}[s.ready]
        owed = escape("; ".join(s.owed)) if s.owed else self.tr("no observations owed")
        own = self.tr(" (this candidate's own requirement)") if s.hours_overridden else ""
        self.owed.setText(self.tr("Still owed: ") + owed + (f" &middot; <b>{ready}</b>" if ready else "")
                          + f" &middot; {s.hours:.1f} of {s.hours_required} practicum hours" + own)
        self.form.set_candidate(s.placement_id, s.edition, s.early_literacy_required, s.literacy_band)
        self.evidence.show_summary(s, evidence or [])
        self.cycle.show_summary(s, goals)
        self.ratings.show_summary(s, calibration)

    def print_forms(self) -> None:
        if self.summary is None:
            return
        from app.services import cap_forms

        placement_id = self.summary.placement_id
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the forms"),
                                                  str(cap_forms.forms_folder(self.summary.year))) \
            if not self.page.ctx.tasks.synchronous else str(cap_forms.forms_folder(self.summary.year))
        if not folder:
            return
        from pathlib import Path

        self.page.ctx.tasks.run(lambda s: cap_forms.print_all(s, placement_id, Path(folder)),
                                on_success=lambda made: self.printed.setText(
                                    self.tr("Printed ") + str(len(made)) + self.tr(" forms to ") + folder),
                                write=False)


class AddCandidateDialog(QDialog):
    """A candidate and their placement: program, license sought, practicum dates, SP, PS, edition."""

    def __init__(self, parent: QWidget, year: str, organizations: list[str],
                 educators: list[tuple[uuid.UUID, str]]):
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


class CapPage(Page):
    title = "CAP"

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        self.rows: list[cap.CandidateRow] = []
        self.current: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel(self.tr("<b>My candidates</b>")))
        self.sp = QComboBox()
        self.sp.setAccessibleName(self.tr("Supervising practitioner"))
        self.sp.activated.connect(self._sp_chosen)
        left_layout.addWidget(self.sp)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Candidate"), self.tr("Step"), self.tr("Next")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName(self.tr("My candidates"))
        self.table.itemSelectionChanged.connect(self._selected)
        left_layout.addWidget(self.table, 1)
        self.add_button = QPushButton(self.tr("Add candidate..."))
        self.add_button.setAccessibleName(self.tr("Add a CAP candidate"))
        self.add_button.clicked.connect(self.add_candidate)
        left_layout.addWidget(self.add_button)
        left.setMinimumWidth(380)
        splitter.addWidget(left)
        self.view = CandidateView(self)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([460, 940])
        layout.addWidget(splitter)
        jump = QShortcut(QKeySequence("Ctrl+O"), self)
        jump.activated.connect(self.focus_observation)
        to_evidence = QShortcut(QKeySequence("Ctrl+E"), self)
        to_evidence.activated.connect(self.focus_evidence)
        self.view.form.saved.connect(lambda: None)

    @property
    def form(self) -> ObservationForm:
        return self.view.form

    def refresh(self) -> None:
        sp = self.ctx.settings.value("cap/sp", "") or None
        self.ctx.tasks.run(_load_list(self.ctx.year_label, sp), on_success=self._listed, write=False)

    def _listed(self, result) -> None:  # type: ignore[no-untyped-def]
        sps, rows = result
        chosen = self.ctx.settings.value("cap/sp", "") or ""
        self.sp.blockSignals(True)
        self.sp.clear()
        self.sp.addItem(self.tr("Every candidate (coordinator)"), "")
        for sp_id, name in sps:
            self.sp.addItem(name, str(sp_id))
        self.sp.setCurrentIndex(max(0, self.sp.findData(chosen)))
        self.sp.blockSignals(False)
        self.rows = rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            ready = {True: " \u2713 ready", False: " \u2717 not ready", None: ""}[row.ready]
            step = "done" if row.step > 5 else f"{row.step} of 5"
            for c, text in enumerate((row.candidate, step + ready, row.next_due)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        self.table.blockSignals(False)
        ids = [r.placement_id for r in rows]
        if self.current in ids:
            self.table.selectRow(ids.index(self.current))
            self.open_candidate(self.current)
        elif rows:
            self.table.selectRow(0)

    def _sp_chosen(self, _index: int) -> None:
        self.ctx.settings.setValue("cap/sp", self.sp.currentData() or "")
        self.refresh()

    def _selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self.open_candidate(self.rows[row].placement_id)

    def open_candidate(self, placement_id: uuid.UUID) -> None:
        self.current = placement_id
        self.ctx.tasks.run(_load_candidate(placement_id), on_success=self._candidate_loaded, write=False)

    def _candidate_loaded(self, result) -> None:  # type: ignore[no-untyped-def]
        s, calibration, goals, evidence = result
        if s.placement_id == self.current:
            self.view.show_summary(s, calibration, goals, evidence)

    def add_candidate(self) -> None:
        lists = self.ctx.tasks.call(lambda s: (cap.organization_names(s), cap.educator_choices(s)))
        dialog = AddCandidateDialog(self, self.ctx.year_label, *lists)
        dialog.accepted.connect(lambda: self._add_candidate(dialog))
        self.add_dialog = dialog
        dialog.open()

    def _add_candidate(self, dialog: "AddCandidateDialog") -> None:
        from app.services.errors import MentorDeskError

        values = dialog.values()
        try:  # quick (a few rows): done at once, so a refused value shows beside the form
            placement_id = self.ctx.tasks.call(lambda s: cap.add_candidate_with_placement(s, values), write=True)
        except (MentorDeskError, ValueError) as exc:
            dialog.problem.setText(self.tr("Not added: ") + str(exc))
            dialog.open()
            return
        self.current = placement_id
        self.refresh()

    def edit_observation(self, observation_id: uuid.UUID, loaded: cap.Loaded) -> None:
        self.view.tabs.setCurrentIndex(0)
        self.form.edit(observation_id, loaded)

    def focus_observation(self) -> None:
        self.view.tabs.setCurrentIndex(0)
        self.form.kind.setFocus()

    def focus_evidence(self) -> None:
        self.view.tabs.setCurrentIndex(1)
        self.view.evidence.category.setFocus()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        self.form.flush()
        self.view.evidence.flush()
        super().closeEvent(event)
