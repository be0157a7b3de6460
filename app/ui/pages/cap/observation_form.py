"""The quick observation form: kind, observer, date, look-fors and a large evidence field per element.
"""

from __future__ import annotations

import datetime as dt
import uuid
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services import cap
from app.services.cap import drafts as cap_drafts
from app.services.cap import literacy as cap_literacy
from app.services.cap import rubrics as cap_rubrics
from app.ui.pages.cap.drafted import (
    ClickLabel,
    DateField,
    DraftedForm,
    _empty,
)

if TYPE_CHECKING:
    from app.ui.pages.cap.page import CapPage


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
        # The Save bar lives outside the form's scroll area (the CAP page puts it under it), so it stays in
        # view on a long form (issue 17: it was 45 wheel notches down).
        self.save_bar = QWidget(self)
        self.save_bar.setObjectName("observation_save_bar")
        self.save_bar.setLayout(self._action_row(self.tr("observation"), self.discard_button))
        outer.addWidget(self.save_bar)
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


