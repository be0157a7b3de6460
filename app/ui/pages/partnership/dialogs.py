"""The Partnership page's forms: a partner, a contact, an agreement, an assessment response, a goal with its
action plan, a review, and one of the five criteria. Each dialog holds plain values (the page saves them
through the services); dates are typed M/D/YYYY or left blank."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import parse_typed_date, us_date


class OptionalDate(QLineEdit):
    """A date typed M/D/YYYY (or ISO), or left blank."""

    def __init__(self, value: dt.date | None = None, name: str = ""):
        super().__init__(us_date(value))
        self.setPlaceholderText("M/D/YYYY")
        self.setAccessibleName(name)
        self.setMaximumWidth(140)

    def value(self) -> dt.date | None:
        return parse_typed_date(self.text())

    def is_valid(self) -> bool:
        return not self.text().strip() or self.value() is not None


def _combo(choices: list[tuple[Any, str]], current: Any, name: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for value, label in choices:
        box.addItem(label, value)
    index = box.findData(current)
    box.setCurrentIndex(max(index, 0))
    return box


def _text(value: str, name: str, height: int = 0) -> QLineEdit | QPlainTextEdit:
    if height:
        edit = QPlainTextEdit(value)
        edit.setFixedHeight(height)
        edit.setTabChangesFocus(True)
    else:
        edit = QLineEdit(value)
    edit.setAccessibleName(name)
    return edit


def _get(edit: QLineEdit | QPlainTextEdit) -> str:
    return (edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()).strip()


class FormDialog(QDialog):
    """A titled form with OK and Cancel; OK refuses while `problem()` says something is wrong."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.outer.addLayout(self.form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e")
        self.error.setWordWrap(True)
        self.outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(lambda: self.try_accept())
        self.buttons.rejected.connect(lambda: self.reject())
        self.outer.addWidget(self.buttons)

    def problem(self) -> str:
        return ""

    def _dates_problem(self, *fields: OptionalDate) -> str:
        bad = [f.accessibleName() for f in fields if not f.is_valid()]
        return f"Type dates as M/D/YYYY: {', '.join(bad)}" if bad else ""

    def try_accept(self) -> None:
        problem = self.problem()
        self.error.setText(problem)
        if not problem:
            self.accept()


class PartnerDialog(FormDialog):
    def __init__(self, kinds: tuple[str, ...], partner: Any = None, parent: QWidget | None = None):
        super().__init__("Edit partner" if partner else "Add partner", parent)
        self.name = _text(partner.name if partner else "", "Partner name")
        self.kind = _combo([(k, k[0].upper() + k[1:]) for k in kinds],
                           partner.kind if partner else "institution of higher education", "Kind of partner")
        self.purpose = _text(partner.purpose if partner else "", "Purpose")
        self.since = OptionalDate(partner.since if partner else None, "Partner since")
        self.form.addRow("Name", self.name)
        self.form.addRow("Kind", self.kind)
        self.form.addRow("Purpose", self.purpose)
        self.form.addRow("Since", self.since)
        self.resize(520, 0)

    def problem(self) -> str:
        if not _get(self.name):
            return "Type the partner's name."
        return self._dates_problem(self.since)

    def values(self) -> dict[str, Any]:
        return {"name": _get(self.name), "kind": self.kind.currentData(), "purpose": _get(self.purpose),
                "since": self.since.value()}


class ContactDialog(FormDialog):
    def __init__(self, contact: Any = None, parent: QWidget | None = None):
        super().__init__("Edit contact" if contact else "Add contact", parent)
        self.name = _text(contact.name if contact else "", "Contact name")
        self.title = _text(contact.title if contact else "", "Title or role")
        self.email = _text(contact.email if contact else "", "Email")
        self.phone = _text(contact.phone if contact else "", "Phone")
        for label, edit in (("Name", self.name), ("Title or role", self.title), ("Email", self.email),
                            ("Phone", self.phone)):
            self.form.addRow(label, edit)
        self.resize(460, 0)

    def problem(self) -> str:
        if not _get(self.name):
            return "Type the contact's name."
        if _get(self.email) and "@" not in _get(self.email):
            return "The email address needs an @."
        return ""

    def values(self) -> dict[str, str]:
        return {"name": _get(self.name), "title": _get(self.title), "email": _get(self.email),
                "phone": _get(self.phone)}


class AgreementDialog(FormDialog):
    def __init__(self, partners: list[Any], kinds: dict[str, str], elements: tuple[str, ...],
                 agreement: Any = None, parent: QWidget | None = None):
        super().__init__("Edit agreement" if agreement else "Add agreement", parent)
        a = agreement
        self.partner = _combo([(str(p.id), p.name) for p in partners], str(a.partnership_id) if a else None,
                              "Partner")
        self.kind = _combo(list(kinds.items()), a.kind if a else "compact", "Kind of agreement")
        self.title = _text(a.title if a else "", "Agreement title")
        self.starts = OptionalDate(a.starts_on if a else None, "Starts on")
        self.ends = OptionalDate(a.ends_on if a else None, "Ends on (last day in force)")
        self.signed_by = _text(a.signed_by if a else "", "Signed by")
        self.signed_on = OptionalDate(a.signed_on if a else None, "Signed on")
        self.parties = _text(a.parties if a else "", "Parties")
        self.elements = QListWidget()
        self.elements.setAccessibleName("Data elements shared")
        self.elements.setMaximumHeight(100)
        chosen = set(a.data_elements) if a else set()
        for text in list(elements) + sorted(chosen - set(elements)):
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if text in chosen else Qt.CheckState.Unchecked)
            self.elements.addItem(item)
        self.other = _text("", "Other data elements")
        self.other.setPlaceholderText("Other elements, separated by ;")
        self.purposes = _text(a.purposes if a else "", "Purposes", height=46)
        self.notes = _text(a.notes if a else "", "Notes", height=46)
        dates = QHBoxLayout()
        dates.addWidget(self.starts)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.ends)
        dates.addStretch(1)
        signed = QHBoxLayout()
        signed.addWidget(self.signed_by, 1)
        signed.addWidget(QLabel("on"))
        signed.addWidget(self.signed_on)
        for label, field in (("Partner", self.partner), ("Kind", self.kind), ("Title", self.title),
                             ("In force", dates), ("Signed by", signed), ("Parties", self.parties),
                             ("Data elements (data sharing)", self.elements), ("", self.other),
                             ("Purposes", self.purposes), ("Notes", self.notes)):
            self.form.addRow(label, field)
        self.resize(640, 0)

    def problem(self) -> str:
        if self.partner.currentData() is None:
            return "Add the partner first."
        if not _get(self.title):
            return "Type a title for the agreement."
        problem = self._dates_problem(self.starts, self.ends, self.signed_on)
        if not problem and self.starts.value() and self.ends.value() and self.ends.value() < self.starts.value():
            problem = "The agreement cannot end before it starts."
        return problem

    def values(self) -> dict[str, Any]:
        checked = [self.elements.item(i).text() for i in range(self.elements.count())
                   if self.elements.item(i).checkState() == Qt.CheckState.Checked]
        extra = [e.strip() for e in _get(self.other).split(";") if e.strip()]
        return {"partnership_id": uuid.UUID(self.partner.currentData()), "kind": self.kind.currentData(),
                "title": _get(self.title), "starts_on": self.starts.value(), "ends_on": self.ends.value(),
                "signed_by": _get(self.signed_by), "signed_on": self.signed_on.value(),
                "parties": _get(self.parties), "data_elements": tuple(checked + extra),
                "purposes": _get(self.purposes), "notes": _get(self.notes)}


class ResponseDialog(FormDialog):
    """One respondent's answers: the ten statements (self-assessment) or the six criteria (vision)."""

    def __init__(self, kind: str, questions: list[tuple[str, str, str]], scale: list[tuple[Any, str]],
                 response: Any = None, parent: QWidget | None = None):
        title = "Partnership self-assessment" if kind == "self_assessment" else "Vision assessment (1 to 5)"
        super().__init__(title, parent)
        self.kind = kind
        r = response
        self.respondent = _text(r.respondent if r else "", "Respondent")
        self.role = _text(r.role if r else "", "Role")
        self.role.setPlaceholderText("e.g. district, preparation program, principal")
        self.taken = OptionalDate(r.taken_on if r else dt.date.today(), "Taken on")
        self.form.addRow("Respondent", self.respondent)
        self.form.addRow("Role", self.role)
        self.form.addRow("Taken on", self.taken)
        answers = (r.answers or {}) if r else {}
        self.answers: dict[str, QComboBox] = {}
        for key, label, question in questions:
            box = _combo([(None, "")] + scale, answers.get(key), label)
            box.setToolTip(question)
            text = QLabel(f"{label}. {question}" if kind == "self_assessment" else f"{label}: {question}")
            text.setWordWrap(True)
            text.setMinimumWidth(560)
            text.setMinimumHeight(text.heightForWidth(560) + 2)  # a wrapped statement is never clipped
            self.form.addRow(text, box)
            self.answers[key] = box
        self.comments = _text(r.comments if r else "", "Comments", height=40)
        self.form.addRow("Comments", self.comments)
        self.resize(860, 0)

    def problem(self) -> str:
        if not _get(self.respondent):
            return "Type the respondent's name."
        if all(box.currentData() is None for box in self.answers.values()):
            return "Rate at least one statement."
        return self._dates_problem(self.taken)

    def values(self) -> dict[str, Any]:
        return {"respondent": _get(self.respondent), "role": _get(self.role), "taken_on": self.taken.value(),
                "answers": {k: b.currentData() for k, b in self.answers.items() if b.currentData() is not None},
                "comments": _get(self.comments)}


STEP_COLUMNS = ("Action step", "Timeframe", "Responsible", "Involved", "Outputs", "Outcomes", "Resources",
                "Impact", "Lift", "Status")


class GoalDialog(FormDialog):
    """A SMART goal (001's vetting questions), its partner, due date and status, and its action plan."""

    def __init__(self, partners: list[Any], statuses: dict[str, str], step_statuses: dict[str, str],
                 prompts: tuple[tuple[str, str], ...], impact: dict[int, str], goal: Any = None,
                 parent: QWidget | None = None):
        super().__init__("Edit goal" if goal else "Add goal", parent)
        g = goal
        self.step_statuses, self.impact_labels = step_statuses, impact
        self.goal = _text(g.goal if g else "", "SMART goal", height=46)
        self.partner = _combo([("", "(no particular partner)")] + [(str(p.id), p.name) for p in partners],
                              str(g.partnership_id) if g and g.partnership_id else "", "Partner")
        self.due = OptionalDate(g.due_on if g else None, "Completion date")
        self.status = _combo(list(statuses.items()), g.status if g else "active", "Goal status")
        row = QHBoxLayout()
        for label, widget in (("Partner", self.partner), ("Due", self.due), ("Status", self.status)):
            row.addWidget(QLabel(label))
            row.addWidget(widget)
        row.addStretch(1)
        self.form.addRow("SMART goal", self.goal)
        self.form.addRow("", row)
        self.smart: dict[str, QLineEdit] = {}
        for key, question in prompts:
            short, _, rest = question.partition(":")
            edit = _text((g.smart or {}).get(key, "") if g else "", short)
            edit.setPlaceholderText(rest.strip())
            edit.setToolTip(question)
            self.form.addRow(short, edit)
            self.smart[key] = edit
        self.steps = QTableWidget(0, len(STEP_COLUMNS))
        self.steps.setAccessibleName("Action plan")
        self.steps.setHorizontalHeaderLabels(list(STEP_COLUMNS))
        self.steps.verticalHeader().setVisible(False)
        self.steps.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.steps.horizontalHeader().setStretchLastSection(False)
        self.steps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.steps.setMinimumHeight(150)
        self.steps.setWordWrap(True)
        for column, width in enumerate((210, 85, 100, 100, 90, 95, 80, 95, 95)):
            self.steps.setColumnWidth(column, width)
        self._step_ids: list[Any] = []
        for step in (g.steps if g else ()):
            self.add_step(step)
        self.outer.insertWidget(1, QLabel("<b>Action plan</b> (001 Action Plan Template; impact and lift: "
                                          "1 highest, 2 moderate, 3 lower)"))
        self.outer.insertWidget(2, self.steps, 1)
        buttons = QHBoxLayout()
        self.add_step_button = QPushButton("Add step")
        self.add_step_button.setToolTip("Add a row to the action plan")
        self.add_step_button.clicked.connect(lambda: self.add_step())
        self.remove_step_button = QPushButton("Remove step")
        self.remove_step_button.setToolTip("Remove the selected row of the action plan")
        self.remove_step_button.clicked.connect(lambda: self.remove_step())
        buttons.addWidget(self.add_step_button)
        buttons.addWidget(self.remove_step_button)
        buttons.addStretch(1)
        self.outer.insertLayout(3, buttons)
        self.resize(1080, 640)

    def add_step(self, step: Any = None) -> None:
        row = self.steps.rowCount()
        self.steps.insertRow(row)
        self._step_ids.append(step.id if step else None)
        values = ((step.step, step.timeframe, step.responsible, step.involved, step.outputs, step.outcomes,
                   step.resources) if step else ("",) * 7)
        for column, value in enumerate(values):
            self.steps.setItem(row, column, QTableWidgetItem(value))
        levels = [(None, "")] + list(self.impact_labels.items())
        self.steps.setCellWidget(row, 7, _combo(levels, step.impact if step else None, "Impact"))
        self.steps.setCellWidget(row, 8, _combo(levels, step.lift if step else None, "Lift"))
        self.steps.setCellWidget(row, 9, _combo(list(self.step_statuses.items()),
                                                step.status if step else "not_started", "Step status"))
        self.steps.setCurrentCell(row, 0)

    def remove_step(self) -> None:
        row = self.steps.currentRow()
        if 0 <= row < self.steps.rowCount():
            self.steps.removeRow(row)
            del self._step_ids[row]

    def step_values(self) -> list[dict[str, Any]]:
        out = []
        keys = ("step", "timeframe", "responsible", "involved", "outputs", "outcomes", "resources")
        for row in range(self.steps.rowCount()):
            cells = {k: (self.steps.item(row, c).text().strip() if self.steps.item(row, c) else "")
                     for c, k in enumerate(keys)}
            if not any(cells.values()):
                continue
            out.append({"id": self._step_ids[row], **cells,
                        "impact": self.steps.cellWidget(row, 7).currentData(),
                        "lift": self.steps.cellWidget(row, 8).currentData(),
                        "status": self.steps.cellWidget(row, 9).currentData()})
        return out

    def problem(self) -> str:
        if not _get(self.goal):
            return "Type the goal."
        if any(not s["step"] for s in self.step_values()):
            return "Each row of the action plan needs its action step."
        return self._dates_problem(self.due)

    def values(self) -> dict[str, Any]:
        partner = self.partner.currentData()
        return {"goal": _get(self.goal), "partnership_id": uuid.UUID(partner) if partner else None,
                "due_on": self.due.value(),
                "status": self.status.currentData(), "smart": {k: _get(e) for k, e in self.smart.items()},
                "steps": self.step_values()}


class ReviewDialog(FormDialog):
    def __init__(self, statuses: dict[str, str], current: str, parent: QWidget | None = None):
        super().__init__("Review the goal", parent)
        self.reviewed = OptionalDate(dt.date.today(), "Reviewed on")
        self.progress = _text("", "Progress", height=70)
        self.status = _combo(list(statuses.items()), current, "Goal status after the review")
        self.form.addRow("Reviewed on", self.reviewed)
        self.form.addRow("Progress", self.progress)
        self.form.addRow("Goal status", self.status)
        self.resize(520, 0)

    def problem(self) -> str:
        if self.reviewed.value() is None:
            return "Type the review's date as M/D/YYYY."
        return ""

    def values(self) -> dict[str, Any]:
        return {"reviewed_on": self.reviewed.value(), "progress": _get(self.progress),
                "status": self.status.currentData()}


class CriterionDialog(FormDialog):
    def __init__(self, criterion: dict[str, Any], statuses: dict[str, str], parent: QWidget | None = None):
        super().__init__(f"Criterion {criterion['number']}", parent)
        text = QLabel(f"<b>{criterion['criterion']}</b><br>{criterion['citation']}")
        text.setWordWrap(True)
        evidence = QLabel("Evidence from the records:<br>" + "<br>".join(criterion["evidence"]))
        evidence.setWordWrap(True)
        self.form.addRow(text)
        self.form.addRow(evidence)
        self.status = _combo(list(statuses.items()), criterion["status"], "Criterion status")
        self.note = _text(criterion["note"], "Note", height=80)
        self.form.addRow("Status", self.status)
        self.form.addRow("Note", self.note)
        self.resize(600, 0)

    def values(self) -> dict[str, Any]:
        return {"status": self.status.currentData(), "note": _get(self.note)}
