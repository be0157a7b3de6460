"""Matching: proposed pairs with both people side by side and every reason; accept, lock, exclude,
move a mentee to another mentor (and see what it costs), apply; current assignments with the
hold-harmless reassignment dialog; the coordinator's locks and exclusions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import DateEdit, us_date
from app.ui.pages.base import Page
from app.ui.table_model import Column, RowTableModel
from app.ui.widgets import read_only_table


def _grades(grades: tuple[str, ...]) -> str:
    from app.services.vocabulary import format_grades

    return format_grades(grades).replace(";", ", ")


def _teaches(person: Any) -> str:
    parts = [", ".join(person.subjects)] if person.subjects else []
    if person.grades:
        parts.append(_grades(person.grades))
    return " · ".join(parts)


PAIR_COLUMNS = (
    Column.name("Mentee", lambda p: p.mentee),  # the People order (table_model.person_key)
    Column("Mentee school", lambda p: p.mentee.school),
    Column("Mentee teaches", lambda p: _teaches(p.mentee)),
    Column.name("Mentor", lambda p: p.mentor),
    Column("Mentor school", lambda p: p.mentor.school),
    Column("Mentor teaches", lambda p: _teaches(p.mentor)),
    # The reasons, not the score (issue 17): sorting this column still ranks by the score behind them.
    Column("Why this mentor", lambda p: "; ".join(p.reasons), sort_key=lambda p: p.score,
           tooltip="Best first: same subject, then grade overlap, same building, classrooms near one another, "
                   "shared planning period, the mentee's focus among the mentor's strengths"),
    Column("Notes", lambda p: "; ".join(p.flags)),
)
PAIR_WIDTHS = (130, 150, 130, 130, 150, 130, 330)


_EXTERNAL = {"retired": "retired educator, not district staff", "other_district": "from another district"}


def _person_html(title: str, p: Any) -> str:
    facts = [p.position or p.role, p.school or "", _teaches(p),
             f"{p.license_type} license" if p.license_type else "",
             f"{p.years_experience} years" if p.years_experience is not None else "",
             f"planning period {', '.join(p.periods)}" if p.periods else "",
             f"room {p.room}" if getattr(p, "room", None) else "",
             f"focus: {', '.join(p.focus)}" if getattr(p, "focus", ()) else "",
             f"strengths: {', '.join(p.strengths)}" if getattr(p, "strengths", ()) else "",
             _EXTERNAL.get(getattr(p, "external", None) or "", "")]
    return f"<b>{title}: {p.name}</b> ({p.employee_id})<br>" + " · ".join(f for f in facts if f)


def _table(headers: list[str], name: str) -> QTableWidget:
    return read_only_table(headers, name)


def _fill(table: QTableWidget, rows: list[tuple[object, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
    table.resizeColumnsToContents()


class MoveDialog(QDialog):
    """Every other eligible mentor for one mentee, best first, with what the move costs."""

    def __init__(self, mentee_name: str, alternatives: list[Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.alternatives = alternatives
        self.setWindowTitle(self.tr("Move %1 to another mentor").replace("%1", mentee_name))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Choosing a mentor locks the pair and proposes the rest again.")))
        self.table = _table([self.tr("Mentor"), self.tr("School"), self.tr("Why this mentor"),
                             self.tr("Mentees after"), self.tr("What changes")], self.tr("Other mentors"))
        _fill(self.table, [(a.mentor.name, a.mentor.school, "; ".join(a.reasons), f"{a.load} of {a.capacity}",
                            a.change) for a in alternatives])
        self.table.doubleClicked.connect(lambda _index: self.accept())
        layout.addWidget(self.table)
        self.consequence = QLabel()  # who makes room when the chosen mentor is full
        self.consequence.setWordWrap(True)
        self.consequence.setAccessibleName(self.tr("What the move does to other mentees"))
        layout.addWidget(self.consequence)
        self.table.currentCellChanged.connect(lambda row, _c, _r, _pc: self._show_consequence(row))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Move here"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 420)
        if alternatives:
            self.table.selectRow(0)
        self._show_consequence(self.table.currentRow())

    def _show_consequence(self, row: int) -> None:
        a = self.alternatives[row] if 0 <= row < len(self.alternatives) else None
        if a is None:
            self.consequence.setText("")
        elif a.displaces:
            self.consequence.setText(self.tr("%1 is full in this proposal: %2 (the rest is proposed again).")
                                     .replace("%1", a.mentor.name).replace("%2", a.displaced_text))
        elif a.load > a.capacity:
            self.consequence.setText(self.tr("%1 would be over capacity (%2 of %3).").replace("%1", a.mentor.name)
                                     .replace("%2", str(a.load)).replace("%3", str(a.capacity)))
        else:
            self.consequence.setText(self.tr("%1 has room: no other mentee moves.").replace("%1", a.mentor.name))

    def chosen(self) -> Any:
        row = self.table.currentRow()
        return self.alternatives[row] if 0 <= row < len(self.alternatives) else None


class ReassignDialog(QDialog):
    """Hold-harmless reassignment (004): the reason stays private to the coordinator, the history is
    kept, no one is penalized, and the same pair is never proposed again."""

    def __init__(self, assignment: Any, alternatives: list[Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.alternatives = alternatives
        self.setWindowTitle(self.tr("Reassign %1").replace("%1", assignment.mentee_name))
        form = QFormLayout(self)
        note = QLabel(self.tr("%1 is mentored by %2. The current assignment is ended, not deleted; the history "
                              "is kept and no one is penalized (hold-harmless, 004).")
                      .replace("%1", assignment.mentee_name).replace("%2", assignment.mentor_name))
        note.setWordWrap(True)
        form.addRow(note)
        self.new_mentor = _table([self.tr("Mentor"), self.tr("School"), self.tr("Mentees after"),
                                  self.tr("Reasons")], self.tr("New mentor"))
        _fill(self.new_mentor, [(self.tr("(none yet: end only)"), "", "", "")]
              + [(a.mentor.name, a.mentor.school, f"{a.load} of {a.capacity}", "; ".join(a.reasons))
                 for a in alternatives])
        self.new_mentor.selectRow(1 if alternatives else 0)
        form.addRow(self.tr("New mentor"), self.new_mentor)
        self.hold_harmless = QCheckBox(self.tr("Hold-harmless request (never propose this pair again)"))
        self.hold_harmless.setChecked(True)
        self.hold_harmless.setAccessibleName(self.tr("Hold-harmless request"))
        form.addRow(self.hold_harmless)
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName(self.tr("Private reason"))
        self.reason.setPlaceholderText(self.tr("Private to the coordinator: never printed, exported or shown to "
                                               "principals."))
        self.reason.setMaximumHeight(80)
        form.addRow(self.tr("Reason (private)"), self.reason)
        today = dt.date.today()
        self.on = DateEdit(QDate(today.year, today.month, today.day))
        self.on.setCalendarPopup(True)
        self.on.setAccessibleName(self.tr("Last day with the current mentor"))
        form.addRow(self.tr("Last day with current mentor"), self.on)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Reassign"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(720, 480)

    def values(self) -> dict[str, Any]:
        row = self.new_mentor.currentRow()
        mentor = self.alternatives[row - 1].mentor.id if 1 <= row <= len(self.alternatives) else None
        day = self.on.date()
        return {"new_mentor_id": mentor, "hold_harmless": self.hold_harmless.isChecked(),
                "private_reason": self.reason.toPlainText().strip() or None,
                "on": dt.date(day.year(), day.month(), day.day())}


class MatchingPage(Page):
    title = "Matching"

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        self.proposal: Any = None
        self.assignments: list[Any] = []
        self.rules: list[Any] = []
        self.model = RowTableModel(PAIR_COLUMNS, parent=self)
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.heading = QLabel()
        header.addWidget(self.heading, 1)
        header.addWidget(QLabel(self.tr("Capacity for this run")))
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 20)
        self.capacity.setSpecialValueText(self.tr("each mentor's own"))
        self.capacity.setAccessibleName(self.tr("Capacity for this run (each mentor's own when zero)"))
        header.addWidget(self.capacity)
        self.propose_button = self._button(header, "Propose", "Propose mentors again", self.propose, "F5")
        self.apply_button = self._button(header, "Apply all", "Save every proposed pair as an assignment",
                                         self.apply_all, "Ctrl+Shift+A")
        layout.addLayout(header)
        self.busy = QProgressBar()  # a large district's proposal takes about a second
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.setAccessibleName(self.tr("Proposing mentors"))
        self.busy.hide()
        layout.addWidget(self.busy)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Proposal summary"))
        layout.addWidget(self.summary)
        # Trained teachers left out of the pool are said, with one click to add them (then proposed again).
        self.outside_row = QWidget()
        outside = QHBoxLayout(self.outside_row)
        outside.setContentsMargins(0, 0, 0, 0)
        self.outside_pool = QLabel()
        self.outside_pool.setWordWrap(True)
        self.outside_pool.setAccessibleName(self.tr("Trained teachers not in the mentor pool"))
        outside.addWidget(self.outside_pool, 1)
        self.add_outside_button = QPushButton(self.tr("Add them to the pool"))
        self.add_outside_button.setToolTip(self.tr("Put these trained teachers in this year's mentor pool "
                                                   "(willing, the default capacity), then propose again"))
        self.add_outside_button.clicked.connect(lambda _=False: self.add_outside_pool())
        outside.addWidget(self.add_outside_button)
        self.outside_row.hide()
        layout.addWidget(self.outside_row)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._proposals_tab(), self.tr("Proposals"))
        self.tabs.addTab(self._assignments_tab(), self.tr("Assignments"))
        self.tabs.addTab(self._rules_tab(), self.tr("Locks and exclusions"))
        layout.addWidget(self.tabs, 1)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Last action"))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    def _button(self, row: QHBoxLayout, text: str, name: str, slot: Any, shortcut: str = "") -> QPushButton:
        button = QPushButton(self.tr(text))
        button.setAccessibleName(self.tr(name))
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
            button.setToolTip(f"{self.tr(name)} ({shortcut})")
        button.clicked.connect(lambda _=False: slot())
        row.addWidget(button)
        return button

    def _proposals_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Proposed pairs"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(PAIR_WIDTHS):
            self.table.setColumnWidth(column, width)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(lambda _index: self.move_selected())
        self.table.selectionModel().currentRowChanged.connect(self._pair_changed)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        # The empty state says what would appear and how to get it (issue 17), not a bare header.
        self.empty_note = QLabel(self.tr(
            "No proposed pairs. Beginning educators without a mentor appear here, each with the best trained "
            "mentor and why. To get them: import the staff roster (People), make sure trained teachers are in "
            "the mentor pool (Mentors), then press Propose again."))
        self.empty_note.setWordWrap(True)
        self.empty_note.setAccessibleName(self.tr("No proposals"))
        self.empty_note.hide()
        top_layout.addWidget(self.empty_note)
        top_layout.addWidget(self.table, 1)
        self.pair_detail = QLabel(self.tr("Choose a pair to see both people side by side."))
        self.pair_detail.setWordWrap(True)
        self.pair_detail.setAccessibleName(self.tr("Selected pair"))
        self.pair_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top_layout.addWidget(self.pair_detail)
        splitter.addWidget(top)
        self.unmatched = _table([self.tr("Unmatched mentee"), self.tr("School"), self.tr("Why")],
                                self.tr("Unmatched mentees"))
        splitter.addWidget(self.unmatched)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 110])
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        self._button(row, "Accept", "Accept the selected pair (save it as an assignment)", self.accept_selected,
                     "Ctrl+Return")
        self._button(row, "Lock", "Lock the selected pair (keep it in every proposal)", self.lock_selected,
                     "Ctrl+K")  # Ctrl+L logs time from every page (the Go menu)
        self._button(row, "Exclude", "Exclude the selected pair (never propose it this year)",
                     self.exclude_selected, "Ctrl+D")
        self._button(row, "Move to…", "Move the selected mentee to another mentor", self.move_selected, "Ctrl+M")
        row.addStretch(1)
        layout.addLayout(row)
        return tab

    def _assignments_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.assignment_table = _table([self.tr("Mentee"), self.tr("School"), self.tr("Mentor"), self.tr("Start"),
                                        self.tr("Two-week rule")], self.tr("Current assignments"))
        layout.addWidget(self.assignment_table, 1)
        row = QHBoxLayout()
        self._button(row, "Reassign…", "Reassign the selected mentee (hold-harmless)", self.reassign_selected)
        row.addStretch(1)
        layout.addLayout(row)
        return tab

    def _rules_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.rule_table = _table([self.tr("Kind"), self.tr("Mentor"), self.tr("Mentee"), self.tr("Applies")],
                                 self.tr("Locks and exclusions"))
        layout.addWidget(self.rule_table, 1)
        row = QHBoxLayout()
        self._button(row, "Remove", "Remove the selected lock or exclusion", self.remove_rule)
        row.addStretch(1)
        layout.addLayout(row)
        return tab

    # --- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        self.propose()

    def propose(self) -> None:
        from app.services.matching.assignments import list_assignments, two_week_status
        from app.services.matching.proposals import propose
        from app.services.matching.rules import list_rules

        year = self.ctx.year_label
        capacity = self.capacity.value() or None
        self.heading.setText(f"<h2>{self.tr('Matching')} {year}</h2>")
        self.summary.setText(self.tr("Proposing…"))
        self._set_busy(True)

        from app.services.matching.next_steps import next_steps

        def work(s: Any) -> tuple[Any, list[Any], list[Any], dict[Any, Any], Any]:
            status = {st.educator_id: st for st in two_week_status(s, year)}
            return (propose(s, year, capacity=capacity), list_assignments(s, year), list_rules(s, year), status,
                    next_steps(s, year))

        self.ctx.tasks.run(work, on_success=self._loaded, on_error=self._propose_failed, write=False)

    def _show_outside(self, steps: Any) -> None:
        names = [name for _id, name in steps.outside_pool]
        self.outside_row.setVisible(bool(names))
        if names:
            text = (self.tr("1 trained teacher is not in the mentor pool, so no one is proposed to them: %1.")
                    if len(names) == 1 else
                    self.tr("%2 trained teachers are not in the mentor pool, so no one is proposed to them: %1."))
            shown = ", ".join(names[:8]) + ("…" if len(names) > 8 else "")
            self.outside_pool.setText(text.replace("%2", str(len(names))).replace("%1", shown))

    def add_outside_pool(self) -> None:
        from app.services.matching.eligibility import fill_pool

        year = self.ctx.year_label

        def added(count: int) -> None:
            self.status.setText(self.tr("Added %1 to the mentor pool.").replace("%1", str(count)))
            self.propose()

        self.ctx.tasks.run(lambda s: fill_pool(s, year), on_success=added, on_error=self._failed)

    def _set_busy(self, busy: bool) -> None:
        """While a proposal runs: the bar moves, and Propose and Apply all wait for it."""
        self.busy.setVisible(busy)
        self.propose_button.setEnabled(not busy)
        if busy:
            self.apply_button.setEnabled(False)

    def _propose_failed(self, exc: BaseException, details: str) -> None:
        self._set_busy(False)
        self.summary.setText(self.tr("No proposal."))
        self._failed(exc, details)

    def _loaded(self, result: tuple[Any, list[Any], list[Any], dict[Any, Any], Any]) -> None:
        self._set_busy(False)
        self.proposal, self.assignments, self.rules, status, steps = result
        self._show_outside(steps)
        p = self.proposal
        self.model.set_rows(p.pairs)
        rows = [(u.mentee.name, u.mentee.school, u.reason) for u in p.unmatched]
        _fill(self.unmatched, rows)
        self.unmatched.setHorizontalHeaderLabels([
            self.tr("Mentees with no proposed mentor: %1").replace("%1", str(len(rows))), self.tr("School"),
            self.tr("Why")])
        self.unmatched.setVisible(bool(rows))
        self.empty_note.setVisible(not p.pairs)
        if not p.pairs and not p.unmatched:
            self.empty_note.setText(self.tr(
                "No proposed pairs: every beginning educator this year already has a mentor (see Assignments). "
                "New beginning educators appear here after they are added in People or a roster import."))
        for r in range(self.unmatched.rowCount()):
            self.unmatched.item(r, 2).setForeground(QColor("#b00020"))
        t = p.totals
        candidates = t["matched"] + len(p.unmatched)
        policy = self.tr("the regulations' order") if p.policy == "lexicographic" else self.tr("the district's weights")
        self.summary.setText(
            self.tr("%1 of %2 mentees without a mentor get one (the most possible); %3 same subject, %4 grade "
                    "overlap, %5 same building, %9 classrooms near one another, %6 shared planning period, %10 "
                    "focus among the mentor's strengths. Optimal by %7; mentor pool %8.")
            .replace("%10", str(t["focus"])).replace("%9", str(t["proximity"]))
            .replace("%1", str(t["matched"])).replace("%2", str(candidates)).replace("%3", str(t["subject"]))
            .replace("%4", str(t["grade"])).replace("%5", str(t["building"])).replace("%6", str(t["planning"]))
            .replace("%7", policy).replace("%8", str(p.mentor_pool))
            + "".join(f"<br><i>{note}</i>" for note in p.notes))
        self.apply_button.setEnabled(bool(p.pairs))
        two_week = {
            "met": lambda s: self.tr("met"), "met late": lambda s: self.tr("met, %1 days late").replace("%1", str(s.days)),
            "overdue": lambda s: self.tr("no trained mentor: %1 days overdue").replace("%1", str(s.days)),
            "due": lambda s: self.tr("no trained mentor yet: %1 days left").replace("%1", str(s.days)),
        }
        _fill(self.assignment_table, [
            (a.mentee_name, a.school, a.mentor_name, us_date(a.start_date),
             two_week[status[a.mentee_id].state](status[a.mentee_id]) if a.mentee_id in status else "")
            for a in self.assignments])
        _fill(self.rule_table, [
            (self.tr("locked") if r.kind == "lock" else self.tr("excluded"), r.mentor.name, r.mentee.name,
             self.tr("every year") if r.every_year else self.ctx.year_label) for r in self.rules])

    # --- actions ---------------------------------------------------------------------------

    def _pair_changed(self, current: Any, _previous: Any = None) -> None:
        if not current.isValid():
            self.pair_detail.setText(self.tr("Choose a pair to see both people side by side."))
            return
        p = self.model.row_at(current.row())
        notes = f"<br><i>{'; '.join(p.flags)}</i>" if p.flags else ""
        self.pair_detail.setText(
            "<table width='100%'><tr><td width='50%' valign='top'>" + _person_html(self.tr("Mentee"), p.mentee)
            + "</td><td valign='top'>" + _person_html(self.tr("Mentor"), p.mentor)
            + f" · {p.mentor_load} of {p.mentor_capacity} mentees</td></tr></table>"
            + f"<b>{self.tr('Why')}:</b> " + "; ".join(p.reasons) + notes)

    def selected_pair(self) -> Any:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_mentee(self, employee_id: str) -> int:
        row = self.model.find(lambda p: p.mentee.employee_id == employee_id)
        if row >= 0:
            self.table.selectRow(row)
        return row

    def _done(self, message: str) -> Any:
        return lambda _result: self.status.setText(message)

    def _failed(self, exc: BaseException, details: str) -> None:
        from app.ui.errors import said

        self.status.setText(said(exc, details))

    def accept_selected(self) -> None:
        pair = self.selected_pair()
        if pair is None:
            return
        from app.services.matching.assignments import apply_pairs

        year, ids = self.ctx.year_label, [(pair.mentor.id, pair.mentee.id)]
        self.ctx.tasks.run(lambda s: apply_pairs(s, year, ids), on_error=self._failed,
                           on_success=self._done(self.tr("Saved: %1 mentors %2.").replace("%1", pair.mentor.name)
                                                 .replace("%2", pair.mentee.name)))

    def lock_selected(self) -> None:
        pair = self.selected_pair()
        if pair is None:
            return
        self._lock(pair.mentor.id, pair.mentee.id,
                   self.tr("Locked: %1 with %2.").replace("%1", pair.mentee.name).replace("%2", pair.mentor.name))

    def _lock(self, mentor_id: uuid.UUID, mentee_id: uuid.UUID, message: str) -> None:
        from app.services.matching.rules import lock_pair

        year = self.ctx.year_label
        self.ctx.tasks.run(lambda s: lock_pair(s, year, mentor_id, mentee_id), on_error=self._failed,
                           on_success=self._done(message))

    def exclude_selected(self) -> None:
        pair = self.selected_pair()
        if pair is None:
            return
        from app.services.matching.rules import exclude_pair

        year, mentor_id, mentee_id = self.ctx.year_label, pair.mentor.id, pair.mentee.id
        self.ctx.tasks.run(lambda s: exclude_pair(s, year, mentor_id, mentee_id), on_error=self._failed,
                           on_success=self._done(self.tr("Excluded: %1 with %2 (this year).")
                                                 .replace("%1", pair.mentee.name).replace("%2", pair.mentor.name)))

    def move_selected(self, choose: Any = None) -> MoveDialog | None:
        """Show the other mentors; `choose(dialog)` stands in for the user in tests."""
        pair = self.selected_pair()
        if pair is None:
            return None
        from app.services.matching.proposals import alternatives

        year, proposal, capacity = self.ctx.year_label, self.proposal, self.capacity.value() or None
        options = self.ctx.tasks.call(lambda s: alternatives(s, year, pair.mentee.id, proposal, capacity=capacity))
        dialog = MoveDialog(pair.mentee.name, options, self)
        if choose is not None:
            choose(dialog)
        elif dialog.exec() != QDialog.DialogCode.Accepted:
            return dialog
        chosen = dialog.chosen()
        if chosen is not None and dialog.result() == QDialog.DialogCode.Accepted:
            self._lock(chosen.mentor.id, pair.mentee.id,
                       self.tr("Moved %1 to %2 (%3).").replace("%1", pair.mentee.name)
                       .replace("%2", chosen.mentor.name).replace("%3", chosen.change))
        return dialog

    def apply_all(self) -> None:
        if self.proposal is None or not self.proposal.pairs:
            return
        from app.services.matching.assignments import apply_proposal

        proposal = self.proposal
        count = len(proposal.pairs)
        answer = QMessageBox.question(
            self, self.tr("Apply all"),
            self.tr("Save all %1 proposed pairs as assignments?").replace("%1", str(count)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            self.status.setText(self.tr("Nothing saved."))
            return
        self.ctx.tasks.run(lambda s: apply_proposal(s, proposal), on_error=self._failed,
                           on_success=lambda saved: self.status.setText(
                               self.tr("Saved %1 assignments.").replace("%1", str(len(saved)))))

    def reassign_selected(self, fill: Any = None) -> ReassignDialog | None:
        row = self.assignment_table.currentRow()
        if not 0 <= row < len(self.assignments):
            return None
        from app.services.matching.assignments import reassign
        from app.services.matching.proposals import alternatives

        a, year = self.assignments[row], self.ctx.year_label

        def options(s: Any) -> list[Any]:
            return alternatives(s, year, a.mentee_id, None)

        dialog = ReassignDialog(a, self.ctx.tasks.call(options), self)
        if fill is not None:
            fill(dialog)
        elif dialog.exec() != QDialog.DialogCode.Accepted:
            return dialog
        if dialog.result() != QDialog.DialogCode.Accepted:
            return dialog
        values = dialog.values()
        self.ctx.tasks.run(lambda s: reassign(s, a.id, **values), on_error=self._failed,
                           on_success=self._done(self.tr("Reassigned %1; the history is kept.")
                                                 .replace("%1", a.mentee_name)))
        return dialog

    def remove_rule(self) -> None:
        row = self.rule_table.currentRow()
        if not 0 <= row < len(self.rules):
            return
        from app.services.matching.rules import remove_rule

        rule_id = self.rules[row].id
        self.ctx.tasks.run(lambda s: remove_rule(s, rule_id), on_error=self._failed)

