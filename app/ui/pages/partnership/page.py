"""The Partnership page: the student-teaching partnership toolkit as records (001 Partnership Toolkit; 002
Partnerships domain), on four tabs:

- Partners and agreements: partners (the state report's partnerships), their contacts, and every agreement
  (the compact, the data sharing agreement) with its days left; those to renew are marked (the dashboard
  card says the same, setting "agreement_reminder_days").
- Assessments and vision: the year's vision statement; each respondent's self-assessment (ten statements)
  or vision ratings (six criteria, 1-5); the results beside last year's.
- Goals and action plans: SMART goals with their action steps (impact and lift) and dated reviews.
- Five criteria: 002's criteria with the evidence the records hold, a status and a note.
"Partnership report…" saves `mentordesk report partnership` as PDF, Excel or JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import us_date
from app.ui.errors import show_error
from app.ui.pages.base import Page
from app.ui.pages.partnership import dialogs
from app.ui.saving import offer_open_folder, save_path
from app.ui.widgets import read_only_table


def _load(session: Any, year: str) -> dict[str, Any]:
    from app.models.reporting import PARTNER_KINDS
    from app.services import settings
    from app.services.partnership import agreements, assessments, criteria, goals
    from app.services.partnership.partners import list_partnerships

    today = dt.date.today()
    days = int(settings.get(session, "agreement_reminder_days"))
    agreement_rows = agreements.list_agreements(session)
    renew = {a.id for a in agreements.needing_renewal(agreement_rows, today, days)}
    vision, adopted = assessments.get_vision(session, year)
    return {"today": today, "days": days, "kinds": PARTNER_KINDS, "partners": list_partnerships(session),
            "contacts": agreements.list_contacts(session), "agreements": agreement_rows, "renew": renew,
            "vision": vision, "adopted": adopted,
            "responses": (assessments.list_responses(session, year, "self_assessment")
                          + assessments.list_responses(session, year, "vision")),
            "self": assessments.results(session, year, "self_assessment"),
            "vision_results": assessments.results(session, year, "vision"),
            "goals": goals.list_goals(session, year), "criteria": criteria.criteria(session, year, today)}


def _table(headers: list[str], name: str) -> QTableWidget:
    table = read_only_table(headers, name)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def _widths(table: QTableWidget, widths: list[int]) -> None:
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)


def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
    keep = table.currentRow()
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, (int, float)):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    if rows:
        table.selectRow(min(max(keep, 0), len(rows) - 1))


def _button(text: str, tip: str, slot: Any) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setAccessibleName(text.rstrip("…"))
    button.clicked.connect(lambda: slot())
    return button


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w)
    row.addStretch(1)
    return row


class PartnershipPage(Page):
    title = "Partnership"

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        self.data: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        heading = QLabel(self.tr("<b>Student teaching partnership</b> (001 Partnership Toolkit; 002 Partnerships "
                                 "criteria)"))
        top.addWidget(heading, 1)
        self.report_button = _button(self.tr("Partnership report…"),
                                     self.tr("Save the year's partnership report as PDF, Excel or JSON"),
                                     self.save_report)
        top.addWidget(self.report_button)
        layout.addLayout(top)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Partnership toolkit"))
        self.tabs.addTab(self._partners_tab(), self.tr("Partners and agreements"))
        self.tabs.addTab(self._assessment_tab(), self.tr("Assessments and vision"))
        self.tabs.addTab(self._goals_tab(), self.tr("Goals and action plans"))
        self.tabs.addTab(self._criteria_tab(), self.tr("Five criteria"))
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

    # --- building -------------------------------------------------------------------------------

    def _partners_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.partners = _table([self.tr("Partner"), self.tr("Kind"), self.tr("Since"), self.tr("Contacts")],
                               self.tr("Partners"))
        self.partners.itemSelectionChanged.connect(lambda: self._show_contacts())
        lv.addWidget(self.partners)
        lv.addLayout(_row(_button(self.tr("Add partner…"), self.tr("Add a preparation program, district or "
                                                                   "association you partner with"), self.add_partner),
                          _button(self.tr("Edit partner…"), self.tr("Edit the selected partner"), self.edit_partner),
                          _button(self.tr("Delete partner"), self.tr("Delete the selected partner"),
                                  self.delete_partner)))
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        self.contacts = _table([self.tr("Contact"), self.tr("Title"), self.tr("Email"), self.tr("Phone")],
                               self.tr("Contacts of the selected partner"))
        rv.addWidget(self.contacts)
        rv.addLayout(_row(_button(self.tr("Add contact…"), self.tr("Add a contact to the selected partner"),
                                  self.add_contact),
                          _button(self.tr("Edit contact…"), self.tr("Edit the selected contact"), self.edit_contact),
                          _button(self.tr("Delete contact"), self.tr("Delete the selected contact"),
                                  self.delete_contact)))
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([520, 480])
        layout.addWidget(split, 1)
        self.reminder = QLabel()
        self.reminder.setWordWrap(True)
        layout.addWidget(self.reminder)
        self.agreements = _table([self.tr("Partner"), self.tr("Agreement"), self.tr("Title"), self.tr("Starts"),
                                  self.tr("Ends"), self.tr("Signed by"), self.tr("State")], self.tr("Agreements"))
        layout.addWidget(self.agreements, 1)
        layout.addLayout(_row(_button(self.tr("Add agreement…"), self.tr("Record a compact, data sharing agreement "
                                                                         "or other agreement"), self.add_agreement),
                              _button(self.tr("Edit agreement…"), self.tr("Edit the selected agreement"),
                                      self.edit_agreement),
                              _button(self.tr("Delete agreement"), self.tr("Delete the selected agreement"),
                                      self.delete_agreement)))
        return tab

    def _assessment_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        vision_row = QHBoxLayout()
        self.vision = QPlainTextEdit()
        self.vision.setAccessibleName(self.tr("Vision statement"))
        self.vision.setPlaceholderText(self.tr("The partnership's shared vision for this school year (001, Setting "
                                               "a Vision Protocol)"))
        self.vision.setFixedHeight(54)
        self.vision.setTabChangesFocus(True)
        self.adopted = dialogs.OptionalDate(None, self.tr("Vision adopted on"))
        vision_row.addWidget(QLabel(self.tr("Vision")))
        vision_row.addWidget(self.vision, 1)
        vision_row.addWidget(QLabel(self.tr("Adopted")))
        vision_row.addWidget(self.adopted)
        vision_row.addWidget(_button(self.tr("Save vision"), self.tr("Save the vision statement of this year"),
                                     self.save_vision))
        layout.addLayout(vision_row)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.responses = _table([self.tr("Respondent"), self.tr("Role"), self.tr("Assessment"), self.tr("Taken"),
                                 self.tr("Rated")], self.tr("Responses this year"))
        lv.addWidget(self.responses)
        lv.addLayout(_row(_button(self.tr("Add self-assessment…"), self.tr("Record one respondent's ratings of "
                                                                           "the ten statements"),
                                  lambda: self.add_response("self_assessment")),
                          _button(self.tr("Add vision ratings…"), self.tr("Record one respondent's 1-5 ratings of "
                                                                          "the vision"),
                                  lambda: self.add_response("vision"))))
        lv.addLayout(_row(_button(self.tr("Edit response…"), self.tr("Edit the selected response"),
                                  self.edit_response),
                          _button(self.tr("Delete response"), self.tr("Delete the selected response"),
                                  self.delete_response)))
        results = QTabWidget()
        self.self_results = _table([self.tr("Statement"), self.tr("Strongly\nagree"), self.tr("Agree"),
                                    self.tr("Disagree"), self.tr("Strongly\ndisagree"), self.tr("Agree %"),
                                    self.tr("Last\nyear")], self.tr("Self-assessment results"))
        self.vision_results = _table([self.tr("Criterion"), self.tr("Ratings"), self.tr("Mean (1-5)"),
                                      self.tr("Last year")], self.tr("Vision assessment results"))
        results.addTab(self.self_results, self.tr("Self-assessment results"))
        results.addTab(self.vision_results, self.tr("Vision results"))
        split.addWidget(left)
        split.addWidget(results)
        split.setSizes([380, 720])
        layout.addWidget(split, 1)
        return tab

    def _goals_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.goals = _table([self.tr("SMART goal"), self.tr("Partner"), self.tr("Due"), self.tr("Status"),
                             self.tr("Steps done")], self.tr("Goals this year"))
        self.goals.itemSelectionChanged.connect(lambda: self._show_goal())
        layout.addWidget(self.goals, 1)
        layout.addLayout(_row(_button(self.tr("Add goal…"), self.tr("Add a SMART goal with its action plan"),
                                      self.add_goal),
                              _button(self.tr("Edit goal…"), self.tr("Edit the selected goal and its action plan"),
                                      self.edit_goal),
                              _button(self.tr("Review goal…"), self.tr("Record a dated review of the selected goal"),
                                      self.review_goal),
                              _button(self.tr("Delete goal"), self.tr("Delete the selected goal"), self.delete_goal)))
        split = QSplitter(Qt.Orientation.Horizontal)
        self.steps = _table([self.tr("Action step"), self.tr("Timeframe"), self.tr("Responsible"),
                             self.tr("Impact"), self.tr("Lift"), self.tr("Status")], self.tr("Action plan"))
        self.reviews = _table([self.tr("Reviewed"), self.tr("Progress"), self.tr("Status after")],
                              self.tr("Reviews"))
        split.addWidget(self.steps)
        split.addWidget(self.reviews)
        split.setSizes([640, 420])
        layout.addWidget(split, 1)
        return tab

    def _criteria_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        note = QLabel(self.tr("The five criteria of the Partnerships domain every sponsoring organization must show "
                              "evidence of meeting (002). The evidence comes from the records; the status and the "
                              "note are yours."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.criteria = _table([self.tr("Criterion"), self.tr("Evidence from the records"), self.tr("Status"),
                                self.tr("Note")], self.tr("The five criteria"))
        self.criteria.doubleClicked.connect(lambda _index: self.edit_criterion())
        layout.addWidget(self.criteria, 1)
        layout.addLayout(_row(_button(self.tr("Edit criterion…"), self.tr("Set the status and note of the selected "
                                                                          "criterion"), self.edit_criterion)))
        return tab

    # --- loading --------------------------------------------------------------------------------

    def refresh(self) -> None:
        year = self.ctx.year_label
        self.ctx.tasks.run(lambda s: _load(s, year), on_success=self._loaded, on_error=self._failed, write=False)

    def _loaded(self, data: dict[str, Any]) -> None:
        from app.services.partnership.toolkit import CRITERIA_SOURCE, GOAL_LABELS

        self.data = data
        today = data["today"]
        counts: dict[Any, int] = {}
        for c in data["contacts"]:
            counts[c.partnership_id] = counts.get(c.partnership_id, 0) + 1
        _fill(self.partners, [[p.name, p.kind, us_date(p.since), counts.get(p.id, 0)] for p in data["partners"]])
        _widths(self.partners, [230, 210, 80])
        _widths(self.agreements, [200, 160, 240, 85, 85, 230])
        self._show_contacts()
        rows = []
        for a in data["agreements"]:
            left = a.days_left(today)
            state = a.state(today)
            if a.id in data["renew"]:
                state = ("ended: renew" if left is not None and left < 0
                         else "ends today: renew" if left == 0 else f"ends in {left} days: renew")
            rows.append([a.partner, a.kind_label, a.title, us_date(a.starts_on), us_date(a.ends_on), a.signed_by,
                         state])
        _fill(self.agreements, rows)
        due = len(data["renew"])
        self.reminder.setText(self.tr(f"<b>Agreements</b> — {due} to renew (ending within {data['days']} days, or "
                                      "ended and not replaced; the number of days is in Settings)") if due else
                              self.tr(f"<b>Agreements</b> — none ends within {data['days']} days"))
        self.vision.setPlainText(data["vision"])
        self.adopted.setText(us_date(data["adopted"]))
        _fill(self.responses, [[r.respondent, r.role, "Self-assessment" if r.kind == "self_assessment" else "Vision",
                                us_date(r.taken_on), len(r.answers or {})] for r in data["responses"]])
        _widths(self.responses, [150, 95, 110, 80])
        self._fill_results(data)
        _fill(self.goals, [[g.goal, g.partner, us_date(g.due_on), GOAL_LABELS.get(g.status, g.status),
                            f"{g.steps_done} of {g.steps_counted}"] for g in data["goals"]])
        _widths(self.goals, [620, 200, 85, 80])
        self._show_goal()
        _fill(self.criteria, [[f"{c['number']}. {c['criterion']}", "\n".join(c["evidence"]), c["status_label"],
                               c["note"]] for c in data["criteria"]])
        self.criteria.setColumnWidth(0, 330)
        self.criteria.setColumnWidth(1, 400)
        self.criteria.resizeRowsToContents()
        self.criteria.setToolTip(CRITERIA_SOURCE)

    def _fill_results(self, data: dict[str, Any]) -> None:
        sa = data["self"]
        before = {s["number"]: s for s in (sa["previous"] or {}).get("statements", [])}

        def pct(value: Any) -> str:
            return "" if value is None else f"{value}%"

        _fill(self.self_results, [[f"{s['number']}. {s['statement']}", s["counts"]["strongly_agree"],
                                   s["counts"]["agree"], s["counts"]["disagree"], s["counts"]["strongly_disagree"],
                                   pct(s["percent_agree"]), pct(before.get(s["number"], {}).get("percent_agree"))]
                                  for s in sa["statements"]])
        _widths(self.self_results, [300, 70, 55, 70, 75, 65])
        self.self_results.resizeRowsToContents()
        va = data["vision_results"]
        vb = {c["key"]: c for c in (va["previous"] or {}).get("criteria", [])}
        def mean(value: Any) -> str:
            return "" if value is None else f"{value:.1f}"

        _fill(self.vision_results, [[c["criterion"], c["ratings"], mean(c["mean"]),
                                     mean(vb.get(c["key"], {}).get("mean"))] for c in va["criteria"]])
        _widths(self.vision_results, [220, 70, 90])

    def _selected(self, table: QTableWidget, items: list[Any]) -> Any:
        row = table.currentRow()
        return items[row] if 0 <= row < len(items) and table.selectedItems() else None

    def _partner(self) -> Any:
        return self._selected(self.partners, self.data.get("partners", []))

    def _partner_contacts(self) -> list[Any]:
        partner = self._partner()
        return [c for c in self.data.get("contacts", []) if partner and c.partnership_id == partner.id]

    def _show_contacts(self) -> None:
        _fill(self.contacts, [[c.name, c.title, c.email, c.phone] for c in self._partner_contacts()])

    def _goal(self) -> Any:
        return self._selected(self.goals, self.data.get("goals", []))

    def _show_goal(self) -> None:
        from app.services.partnership.toolkit import GOAL_LABELS, STEP_LABELS

        goal = self._goal()
        _fill(self.steps, [[s.step, s.timeframe, s.responsible, s.impact or "", s.lift or "",
                            STEP_LABELS.get(s.status, s.status)] for s in (goal.steps if goal else ())])
        _widths(self.steps, [280, 110, 140, 55, 45])
        _fill(self.reviews, [[us_date(r.reviewed_on), r.progress, GOAL_LABELS.get(r.status, r.status)]
                             for r in (goal.reviews if goal else ())])
        _widths(self.reviews, [85, 220])
        self.reviews.resizeRowsToContents()

    # --- saving ---------------------------------------------------------------------------------

    def _failed(self, exc: BaseException, details: str = "") -> None:
        self.status.setText(self.tr("Not saved."))
        show_error(self, exc, details)

    def _write(self, fn: Any, done: str) -> None:
        self.ctx.tasks.run(fn, on_success=lambda _r: self.status.setText(done), on_error=self._failed)

    def _confirm(self, what: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Delete"), self.tr(f"Delete {what}?"))
        return answer == QMessageBox.StandardButton.Yes

    def add_partner(self, partner: Any = None) -> None:
        from app.services.partnership.partners import PartnershipData, save_partnership

        dialog = dialogs.PartnerDialog(self.data.get("kinds", ()), partner, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()
        data = PartnershipData(partner.id if partner else None, v["name"], v["kind"], v["purpose"], v["since"])
        self._write(lambda s: save_partnership(s, data), self.tr("Partner saved."))

    def edit_partner(self) -> None:
        partner = self._partner()
        if partner is not None:
            self.add_partner(partner)

    def delete_partner(self) -> None:
        from app.services.partnership.partners import delete_partnership

        partner = self._partner()
        if partner is not None and self._confirm(self.tr("the selected partner")):
            self._write(lambda s: delete_partnership(s, partner.id), self.tr("Partner deleted."))

    def add_contact(self, contact: Any = None) -> None:
        from app.services.partnership.agreements import ContactData, save_contact

        partner = self._partner()
        if partner is None:
            self.status.setText(self.tr("Select a partner first."))
            return
        dialog = dialogs.ContactDialog(contact, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        data = ContactData(contact.id if contact else None, partner.id, **dialog.values())
        self._write(lambda s: save_contact(s, data), self.tr("Contact saved."))

    def edit_contact(self) -> None:
        contact = self._selected(self.contacts, self._partner_contacts())
        if contact is not None:
            self.add_contact(contact)

    def delete_contact(self) -> None:
        from app.services.partnership.agreements import delete_contact

        contact = self._selected(self.contacts, self._partner_contacts())
        if contact is not None and self._confirm(self.tr("the selected contact")):
            self._write(lambda s: delete_contact(s, contact.id), self.tr("Contact deleted."))

    def add_agreement(self, agreement: Any = None) -> None:
        from app.services.partnership.agreements import AgreementData, save_agreement
        from app.services.partnership.toolkit import AGREEMENT_LABELS, DATA_ELEMENTS

        partners = self.data.get("partners", [])
        if not partners:
            self.status.setText(self.tr("Add the partner first."))
            return
        if agreement is None and self._partner() is not None:
            agreement_partner = self._partner().id
        else:
            agreement_partner = None
        dialog = dialogs.AgreementDialog(partners, AGREEMENT_LABELS, DATA_ELEMENTS, agreement, self)
        if agreement_partner is not None:
            dialog.partner.setCurrentIndex(max(dialog.partner.findData(str(agreement_partner)), 0))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        data = AgreementData(agreement.id if agreement else None, **dialog.values())
        self._write(lambda s: save_agreement(s, data), self.tr("Agreement saved."))

    def edit_agreement(self) -> None:
        agreement = self._selected(self.agreements, self.data.get("agreements", []))
        if agreement is not None:
            self.add_agreement(agreement)

    def delete_agreement(self) -> None:
        from app.services.partnership.agreements import delete_agreement

        agreement = self._selected(self.agreements, self.data.get("agreements", []))
        if agreement is not None and self._confirm(self.tr("the selected agreement")):
            self._write(lambda s: delete_agreement(s, agreement.id), self.tr("Agreement deleted."))

    def save_vision(self) -> None:
        from app.services.partnership.assessments import save_vision

        if not self.adopted.is_valid():
            self.status.setText(self.tr("Type the adoption date as M/D/YYYY, or leave it blank."))
            return
        year, text, adopted = self.ctx.year_label, self.vision.toPlainText(), self.adopted.value()
        self._write(lambda s: save_vision(s, year, text, adopted), self.tr("Vision saved."))

    def add_response(self, kind: str, response: Any = None) -> None:
        from app.services.partnership.assessments import ResponseData, save_response
        from app.services.partnership.toolkit import (
            AGREE_SCALE,
            SELF_STATEMENTS,
            VISION_CRITERIA,
        )

        if kind == "self_assessment":
            questions = [(str(n), str(n), text) for n, text in enumerate(SELF_STATEMENTS, start=1)]
            scale: list[tuple[Any, str]] = list(AGREE_SCALE)
        else:
            questions = list(VISION_CRITERIA)
            scale = [(n, str(n)) for n in range(1, 6)]
        dialog = dialogs.ResponseDialog(kind, questions, scale, response, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        year = self.ctx.year_label
        data = ResponseData(response.id if response else None, kind, **dialog.values())
        self._write(lambda s: save_response(s, year, data), self.tr("Response saved."))

    def edit_response(self) -> None:
        response = self._selected(self.responses, self.data.get("responses", []))
        if response is not None:
            self.add_response(response.kind, response)

    def delete_response(self) -> None:
        from app.services.partnership.assessments import delete_response

        response = self._selected(self.responses, self.data.get("responses", []))
        if response is not None and self._confirm(self.tr("the selected response")):
            self._write(lambda s: delete_response(s, response.id), self.tr("Response deleted."))

    def add_goal(self, goal: Any = None) -> None:
        from app.services.partnership.goals import GoalData, StepData, save_goal
        from app.services.partnership.toolkit import (
            GOAL_LABELS,
            IMPACT_LIFT,
            SMART_PROMPTS,
            STEP_LABELS,
        )

        dialog = dialogs.GoalDialog(self.data.get("partners", []), GOAL_LABELS, STEP_LABELS, SMART_PROMPTS,
                                    IMPACT_LIFT, goal, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()
        steps = tuple(StepData(**s) for s in v.pop("steps"))
        data = GoalData(goal.id if goal else None, v["goal"], v["smart"], v["due_on"], v["status"],
                        v["partnership_id"], steps=steps)
        year = self.ctx.year_label
        self._write(lambda s: save_goal(s, year, data), self.tr("Goal saved."))

    def edit_goal(self) -> None:
        goal = self._goal()
        if goal is not None:
            self.add_goal(goal)

    def review_goal(self) -> None:
        from app.services.partnership.goals import ReviewData, add_review
        from app.services.partnership.toolkit import GOAL_LABELS

        goal = self._goal()
        if goal is None:
            self.status.setText(self.tr("Select a goal first."))
            return
        dialog = dialogs.ReviewDialog(GOAL_LABELS, goal.status, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        review = ReviewData(None, **dialog.values())
        self._write(lambda s: add_review(s, goal.id, review), self.tr("Review saved."))

    def delete_goal(self) -> None:
        from app.services.partnership.goals import delete_goal

        goal = self._goal()
        if goal is not None and self._confirm(self.tr("the selected goal and its action plan")):
            self._write(lambda s: delete_goal(s, goal.id), self.tr("Goal deleted."))

    def edit_criterion(self) -> None:
        from app.services.partnership.criteria import save_criterion
        from app.services.partnership.toolkit import CRITERION_LABELS

        criterion = self._selected(self.criteria, self.data.get("criteria", []))
        if criterion is None:
            self.status.setText(self.tr("Select a criterion first."))
            return
        dialog = dialogs.CriterionDialog(criterion, CRITERION_LABELS, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v, year, number = dialog.values(), self.ctx.year_label, criterion["number"]
        self._write(lambda s: save_criterion(s, year, number, v["status"], v["note"]), self.tr("Criterion saved."))

    def save_report(self, path: str | None = None) -> None:
        from app.services.reports.partnership import write

        year = self.ctx.year_label
        path = path or save_path(self, self.tr("Save the partnership report"), f"partnership-{year}.pdf",
                                 self.tr("PDF (*.pdf);;Excel (*.xlsx);;JSON (*.json)"))
        if not path:
            return
        self.ctx.tasks.run(lambda s: write(s, year, path), write=False, on_error=self._failed,
                           on_success=lambda out: (self.status.setText(self.tr("Report saved.")),
                                                   offer_open_folder(self, out, self.tr("The partnership report"))))
