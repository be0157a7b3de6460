"""CAP, built for the back of a classroom (issue 8, item 6).

"My candidates": pick yourself as the supervising practitioner (remembered) and see your candidates with
their step and the next thing due. One screen per candidate: the five-step cycle as a timeline, what is
still owed, and a quick observation form with a large evidence field per element.

Keyboard: the candidate list takes Up/Down; Ctrl+O jumps to the observation form, Ctrl+E to the evidence
editor; Tab moves field to field (Tab leaves a text field, it does not type a tab); type-ahead picks
Announced/Unannounced, SP/PS/Both, a category; Space ticks an element or a look-for; Ctrl+S (or
Ctrl+Enter) saves the observation or the evidence being typed.

Nothing typed is lost: every change in the observation form and in the evidence editor is journaled to a
draft file (services/cap/drafts.py) after a short pause, and at once when the form is hidden or the window
closes. Reopening the candidate restores the draft; saving discards it. Works with no network: the
database is on this laptop.

Several people at once (a district server): every form keeps what it opened (cap.Loaded: the values and
the versions of their records) and a save writes only what the person changed. When someone else saved
the record since, the save is refused and the person is asked Reload / Overwrite / Cancel
(app/ui/errors.ask_stale); the draft stays until they choose Reload or the save goes through.
"""

from __future__ import annotations

import uuid

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import cap
from app.ui.pages.base import Page
from app.ui.pages.cap.candidate import AddCandidateDialog, CandidateView, unconfirmed_points
from app.ui.pages.cap.drafted import (
    _load_candidate,
    _load_list,
)
from app.ui.pages.cap.observation_form import ObservationForm


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
        self.unconfirmed_note = QLabel("")  # the editions behind a "ready" whose threshold is not confirmed
        self.unconfirmed_note.setWordWrap(True)
        self.unconfirmed_note.setAccessibleName(self.tr("Editions with points not confirmed"))
        self.unconfirmed_note.setVisible(False)
        left_layout.addWidget(self.unconfirmed_note)
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
        unsure: set[str] = set()
        for r, row in enumerate(rows):
            ready = {True: " \u2713 ready", False: " \u2717 not ready", None: ""}[row.ready]
            points = unconfirmed_points(row.edition) if ready else ()
            if points:
                ready += "*"  # the verdict's threshold is not confirmed for this edition (note below the list)
                unsure.add(row.edition)
            step = "done" if row.step > 5 else f"{row.step} of 5"
            for c, text in enumerate((row.candidate, step + ready, row.next_due)):
                item = QTableWidgetItem(text)
                if c == 1 and points:
                    item.setToolTip(self.tr("Not confirmed for the CAP %1 edition: ").replace("%1", row.edition)
                                    + "; ".join(points))
                self.table.setItem(r, c, item)
        self.unconfirmed_note.setText(self.tr("* CAP %1: this verdict rests on points the state has not confirmed "
                                              "(point at the step, or see the candidate's screen).")
                                      .replace("%1", ", ".join(sorted(unsure))))
        self.unconfirmed_note.setVisible(bool(unsure))
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
        from app.services.cap.incentives import sp_incentives

        lists = self.ctx.tasks.call(lambda s: (cap.organization_names(s), cap.educator_choices(s),
                                               sp_incentives(s).short_text))
        dialog = AddCandidateDialog(self, self.ctx.year_label, *lists)
        dialog.accepted.connect(lambda: self._add_candidate(dialog))
        self.add_dialog = dialog
        dialog.open()

    def _add_candidate(self, dialog: "AddCandidateDialog") -> None:
        from app.errors import MentorDeskError

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
