"""The evidence editor: pieces of evidence by element and category, journaled as they are typed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import StaleRecordError
from app.services import cap
from app.services.cap import drafts as cap_drafts
from app.services.cap import rubrics as cap_rubrics
from app.ui.dates import us_date
from app.ui.errors import ask_stale
from app.ui.pages.cap.drafted import (
    DateField,
    DraftedForm,
)
from app.ui.pages.cap.ratings import ElementList

if TYPE_CHECKING:
    from app.ui.pages.cap.page import CapPage


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
        self._set_mode(f"{item.element_code}, {us_date(item.collected_on)}")
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


