"""Time Logs: keyboard-first quick entry (a mentor logs a session in seconds), the list of entries
with filters and per-pair totals, and per-educator hours with the 50-hour bar (603 CMR 7.04(2)(c)(4)).

Quick entry: type part of a name in Pair (it autocompletes: Down and Enter in the list, or Tab, pick
a pair and move on to the date; Enter in the list never saves), Tab, the date is today (one Tab leaves
it: arrows and typing edit its month, day and year), Tab, type a duration (`45`, `1:30`, `1.5 hours`) or
pick a preset (Down/Up), Tab, choose the activity by its first letters, then Enter saves and clears the
form for the next session. A duplicate (same pair, date, minutes and activity; for a group session, any
of its mentees) is not saved at once: the form says so, and Enter again saves it anyway.
Notes are confidential: they are shown only in an entry's own detail view, never in a list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import (
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import us_date
from app.ui.pages.base import Page
from app.ui.pages.timelogs.dialogs import EntryDialog, ImportDialog, TopicsDialog
from app.ui.pages.timelogs.entries import (
    EntriesModel,
    GroupChoice,
    ProgressDelegate,
    _item,
    _load_form,
    _load_totals,
    setup_entries_view,
    with_cells,
)
from app.ui.pages.timelogs.quick_entry import QuickEntry
from app.ui.pages.timelogs.release_totals import ReleaseTotals
from app.ui.saving import offer_open_folder, save_path
from app.ui.table_model import person_key


class TimeLogsPage(Page):
    title = "Time Logs"

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        header.addWidget(QLabel(f"<h2>{self.tr('Time Logs')}</h2>"), 1)
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setAccessibleName(self.tr("Import time logs from CSV or XLSX (Forms exports too)"))
        self.import_button.clicked.connect(lambda: self.import_file())
        self.topics_button = QPushButton(self.tr("Topics…"))
        self.topics_button.setAccessibleName(self.tr("Edit the list of mentoring topics"))
        self.topics_button.clicked.connect(lambda: self.edit_topics())
        self.hours_button = QPushButton(self.tr("Hours report…"))
        self.hours_button.setAccessibleName(self.tr("Export the hours report (JSON, CSV or PDF)"))
        self.hours_button.clicked.connect(lambda: self.export_hours())
        for button in (self.import_button, self.topics_button, self.hours_button):
            header.addWidget(button)
        layout.addLayout(header)
        self.quick = QuickEntry(self)
        layout.addWidget(self.quick)
        ctx.tasks.waiting.connect(self._waiting)  # a save behind another window's lock says so beside the form
        # Ctrl+L (to the quick entry) is the window's, in its Go menu: it works from every page.

        self.tabs = QTabWidget()
        self.tabs.addTab(self._entries_tab(), self.tr("Entries"))
        self.pairs_table = self._table(("Mentee", "Mentor", "School", "Hours", "Observations", "Entries", "Last entry"),
                                       self.tr("Totals per pair"))
        self.pairs_table.setToolTip(self.tr("Double-click a pair to see its entries"))
        self.pairs_table.cellDoubleClicked.connect(
            lambda row, _col: self.show_pair(self.pairs_table.item(row, 0).data(Qt.ItemDataRole.UserRole)))
        self.tabs.addTab(self.pairs_table, self.tr("Per pair"))
        self.educators_table = self._table(("Educator", "Employee ID", "School", "Hours this year", "Observations",
                                            "Toward 50 hours"), self.tr("Hours per educator"))
        self.educators_table.setItemDelegateForColumn(5, ProgressDelegate(self.educators_table))
        educators_tab = QWidget()
        educators_layout = QVBoxLayout(educators_tab)
        educators_layout.addWidget(self.educators_table)
        self.record_button = QPushButton(self.tr("Print record of mentoring hours…"))
        self.record_button.setAccessibleName(self.tr("Print the selected educator's record of mentoring hours"))
        self.record_button.clicked.connect(lambda: self.print_record())
        educators_layout.addWidget(self.record_button)
        self.tabs.addTab(educators_tab, self.tr("Per educator"))
        self.release_totals = ReleaseTotals(ctx)  # release time per mentor and mentee; reloads itself
        self.tabs.addTab(self.release_totals, self.tr("Release time"))
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        self.totals_label = QLabel()
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Time Logs status"))
        bottom.addWidget(self.totals_label, 1)
        bottom.addWidget(self.status, 1)
        layout.addLayout(bottom)

    def _table(self, header: tuple[str, ...], name: str) -> QTableWidget:
        """Rows come sorted by the service (by name); a click on a header sorts by that column."""
        table = QTableWidget(0, len(header))
        table.setAccessibleName(name)
        table.setHorizontalHeaderLabels([self.tr(h) for h in header])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        return table

    def _entries_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter by mentor or mentee name"))
        self.search.setAccessibleName(self.tr("Filter entries by name"))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)  # one query when typing pauses, not one per keystroke
        self._search_timer.timeout.connect(self.reload_entries)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.period_filter = QComboBox()
        self.period_filter.setAccessibleName(self.tr("Filter entries by period"))
        for label, days in ((self.tr("Whole year"), None), (self.tr("Last 7 days"), 7), (self.tr("Last 4 weeks"), 28),
                            (self.tr("Last 12 weeks"), 84)):
            self.period_filter.addItem(label, days)
        self.period_filter.currentIndexChanged.connect(lambda _i: self.reload_entries())
        self.activity_filter = QComboBox()
        self.activity_filter.setAccessibleName(self.tr("Filter entries by activity"))
        self.activity_filter.addItem(self.tr("Every activity"), None)
        from app.services.timelogs.logs import ACTIVITY_LABELS

        for code, label in ACTIVITY_LABELS.items():
            self.activity_filter.addItem(label, code)
        self.activity_filter.currentIndexChanged.connect(lambda _i: self.reload_entries())
        self.pair_filter: uuid.UUID | None = None
        self.all_pairs_button = QPushButton(self.tr("All pairs"))
        self.all_pairs_button.setAccessibleName(self.tr("Show the entries of every pair"))
        self.all_pairs_button.setVisible(False)
        self.all_pairs_button.clicked.connect(lambda: self.show_pair(None))
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setAccessibleName(self.tr("Export the entries (without notes)"))
        self.export_button.clicked.connect(lambda: self.export_entries())
        filters.addWidget(self.search, 2)
        filters.addWidget(self.period_filter, 1)
        filters.addWidget(self.activity_filter, 1)
        filters.addWidget(self.all_pairs_button)
        filters.addWidget(self.export_button)
        layout.addLayout(filters)
        self.model = EntriesModel(self._fetch_page, self._count, self, fetch_ahead=self._fetch_ahead)
        self.view = QTableView()
        self.view.setAccessibleName(self.tr("Time-log entries"))
        self.view.setModel(self.model)
        setup_entries_view(self.view)
        self.view.doubleClicked.connect(lambda index: self.open_entry(index.row()))
        layout.addWidget(self.view)
        self.entries_label = QLabel()
        layout.addWidget(self.entries_label)
        return tab

    # --- loading ------------------------------------------------------------------------------------

    def _filter(self):  # type: ignore[no-untyped-def]
        from app.services.timelogs.logs import EntryFilter

        days = self.period_filter.currentData()
        since = dt.date.today() - dt.timedelta(days=days - 1) if days else None
        return EntryFilter(self.ctx.year_label, activity=self.activity_filter.currentData(), text=self.search.text(),
                           date_from=since, assignment_id=self.pair_filter)

    def _fetch_page(self, after: Any, limit: int, sort: str, descending: bool) -> list[Any]:
        from app.services.timelogs.logs import list_entries

        flt = self._filter()
        return self.ctx.tasks.call(lambda s: list_entries(s, flt, after=after, limit=limit, sort=sort,
                                                          descending=descending))

    def _fetch_ahead(self, after: Any, limit: int, sort: str, descending: bool, done: Any) -> None:
        """The next page read on the database worker while the person scrolls (EntriesModel)."""
        from app.services.timelogs.logs import list_entries

        flt = self._filter()
        self.ctx.tasks.run(lambda s: with_cells(list_entries(s, flt, after=after, limit=limit, sort=sort,
                                                             descending=descending)),
                           on_success=done, on_error=lambda _exc, _details: None, write=False, quiet=True)

    def _count(self) -> int:
        from app.services.timelogs.logs import count_entries

        flt = self._filter()
        return self.ctx.tasks.call(lambda s: count_entries(s, flt))

    def refresh(self) -> None:
        year = self.ctx.year_label
        self.ctx.tasks.run(lambda s: _load_form(s, year), on_success=self._form_loaded, write=False)
        self.ctx.tasks.run(lambda s: _load_totals(s, year), on_success=self._totals_loaded, write=False)
        self.reload_entries()

    def reload_entries(self) -> None:
        self.model.reload()
        if self.model.rows and not getattr(self, "_sized", False):
            self._sized = True
            self.view.resizeColumnsToContents()  # the first page only: cheap
        self.entries_label.setText(self.tr("%n entries", "", self.model.total))

    def _form_loaded(self, data: dict[str, Any]) -> None:
        self.quick.set_choices(data["pairs"], data["topics"], data["activities"])
        if not data["pairs"]:
            self.quick.message.setText(self.tr("No mentor-mentee pairs in %1 yet: assign mentors in Matching.")
                                       .replace("%1", self.ctx.year_label))

    def _totals_loaded(self, data: dict[str, Any]) -> None:
        pairs = data["pairs"]
        self.pairs_table.setSortingEnabled(False)
        self.pairs_table.setRowCount(len(pairs))
        for r, s in enumerate(pairs):
            t = s.totals
            values = (s.pair.mentee, s.pair.mentor, s.pair.school, f"{t.hours:.1f}", t.observations, t.entries,
                      us_date(t.last_date) if t.last_date else self.tr("nothing logged"))
            for c, value in enumerate(values):
                self.pairs_table.setItem(r, c, _item(value, (t.hours, t.observations, t.entries)[c - 3] if 3 <= c <= 5
                                                     else (t.last_date.toordinal() if c == 6 and t.last_date else
                                                           person_key(value) if c <= 1 else None)))
            self.pairs_table.item(r, 0).setData(Qt.ItemDataRole.UserRole, s.pair.assignment_id)
        self.pairs_table.resizeColumnsToContents()
        self.pairs_table.setSortingEnabled(True)
        people = data["educators"]
        self.educators_table.setSortingEnabled(False)
        self.educators_table.setRowCount(len(people))
        for r, h in enumerate(people):
            values = (h.name, h.employee_id, h.school, f"{h.hours:.1f}", h.observations)
            for c, value in enumerate(values):
                self.educators_table.setItem(r, c, _item(value, (h.hours, h.observations)[c - 3] if c >= 3 else
                                                         person_key(value) if c == 0 else None))
            self.educators_table.item(r, 0).setData(Qt.ItemDataRole.UserRole, h.educator_id)
            if h.hours_toward_50 is None:
                bar = QTableWidgetItem(self.tr("in the induction year"))
            elif h.license_type == "Professional" and not h.minutes_toward_50:
                bar = QTableWidgetItem(self.tr("not needed (Professional license)"))
            else:
                bar = QTableWidgetItem(self.tr("%1 of 50 hours").replace("%1", f"{h.hours_toward_50:.1f}"))
                bar.setData(Qt.ItemDataRole.UserRole, h.progress_50)
            self.educators_table.setItem(r, 5, bar)
        self.educators_table.resizeColumnsToContents()
        self.educators_table.setSortingEnabled(True)
        self.totals_label.setText(self.tr("%1 pairs; %2 educators with time or enrolled this year")
                            .replace("%1", str(len(pairs))).replace("%2", str(len(people))))

    # --- actions ------------------------------------------------------------------------------------

    def _waiting(self, text: str) -> None:
        if text:
            self.quick.message.setText(text)

    def save_entry(self, pair: Any, day: dt.date, minutes: int, activity: str, topics: list[str], release: bool,
                   notes: str, *, allow_duplicate: bool = False) -> None:
        from app.errors import DatabaseBusyError, ValidationError
        from app.services.timelogs.logs import DuplicateEntryError, EntryInput, add_entry

        entry = EntryInput(pair.assignment_id, day, minutes, activity, topics, release, notes or None)
        key = (pair.assignment_id, day, minutes, activity)

        def failed(exc: BaseException, details: str) -> None:
            if isinstance(exc, DuplicateEntryError):
                self.quick.duplicate(key, str(exc))
            elif isinstance(exc, ValidationError):
                self.quick.failed("; ".join(f"{p.field}: {p.reason}" for p in exc.problems))
            elif isinstance(exc, DatabaseBusyError):  # the form keeps what was typed (issue 19)
                self.quick.failed(str(exc))
            else:
                from app.ui.errors import show_error

                show_error(self, exc, details)

        def done(_entry_id: uuid.UUID) -> None:
            self.quick.saved(self.tr("Saved: %1, %2 minutes on %3.").replace("%1", pair.label)
                             .replace("%2", str(minutes)).replace("%3", us_date(day)))

        self.ctx.tasks.run(lambda s: add_entry(s, entry, allow_duplicate=allow_duplicate), on_success=done,
                           on_error=failed)

    def save_group(self, group: GroupChoice, day: dt.date, minutes: int, activity: str, topics: list[str],
                   release: bool, notes: str, *, allow_duplicate: bool = False) -> None:
        """One session with several mentees of a mentor: the time counts for each of them. A session
        any of them already has (same date, minutes, activity) is a duplicate: warned, as for one pair."""
        from app.errors import DatabaseBusyError, ValidationError
        from app.services.timelogs.logs import DuplicateEntryError, EntryInput, add_group_session

        ids = [p.assignment_id for p in group.pairs]
        entry = EntryInput(ids[0], day, minutes, activity, topics, release, notes or None)
        key = (tuple(ids), day, minutes, activity)

        def failed(exc: BaseException, details: str) -> None:
            if isinstance(exc, DuplicateEntryError):
                self.quick.duplicate(key, str(exc))
            elif isinstance(exc, ValidationError):
                self.quick.failed("; ".join(f"{p.field}: {p.reason}" for p in exc.problems))
            elif isinstance(exc, DatabaseBusyError):  # the form keeps what was typed (issue 19)
                self.quick.failed(str(exc))
            else:
                from app.ui.errors import show_error

                show_error(self, exc, details)

        self.ctx.tasks.run(lambda s: add_group_session(s, ids, entry, allow_duplicate=allow_duplicate),
                           on_error=failed,
                           on_success=lambda _ids: self.quick.saved(
                               self.tr("Saved: %1, %2 minutes on %3 (counts for each mentee).")
                               .replace("%1", group.label).replace("%2", str(minutes))
                               .replace("%3", us_date(day))))

    def open_entry(self, row: int) -> EntryDialog | None:
        """The entry's own detail view, with its confidential notes."""
        from app.errors import MentorDeskError
        from app.services.timelogs.logs import load_notes

        if not 0 <= row < len(self.model.rows):
            return None
        entry = self.model.rows[row]
        try:
            opened = self.ctx.tasks.call(lambda s: _audited_notes(s, load_notes(s, entry.id), entry.id))
        except MentorDeskError as exc:  # e.g. a mentor's server login, to whom notes are write-only
            from app.ui.errors import show_error

            show_error(self, exc)
            return None
        dialog = EntryDialog(entry, opened.notes, self)
        dialog.opened = opened  # the notes and version a save is checked against
        dialog.delete_button.clicked.connect(lambda: self.delete_entry(entry.id, dialog))
        dialog.save_button.clicked.connect(lambda: self.save_notes(entry, dialog.notes.toPlainText(), dialog))
        dialog.setModal(False)
        dialog.show()
        return dialog

    def show_pair(self, assignment_id: uuid.UUID | None) -> None:
        """The pair's own view: the Entries tab with only that pair's sessions (double-click one for its notes)."""
        self.pair_filter = assignment_id
        self.all_pairs_button.setVisible(assignment_id is not None)
        self.tabs.setCurrentIndex(0)
        self.reload_entries()

    def save_notes(self, entry: Any, notes: str, dialog: QDialog | None = None, *, overwrite: bool = False) -> None:
        """Save only the notes, checked against the version the dialog opened: if someone saved the
        entry since, ask Reload / Overwrite / Cancel (app/ui/errors.ask_stale)."""
        from app.errors import StaleRecordError
        from app.services.timelogs.logs import EntryInput, update_entry

        opened = getattr(dialog, "opened", None)
        loaded = EntryInput(entry.assignment_id, entry.date, entry.minutes, entry.activity, list(entry.topics),
                            entry.release_time, opened.notes if opened is not None else None)
        change = dataclasses.replace(loaded, notes=notes)
        version = opened.version if opened is not None else None
        today = max(dt.date.today(), entry.date)

        def failed(exc: BaseException, details: str) -> None:
            if isinstance(exc, StaleRecordError) and dialog is not None:
                self.status.setText(self.tr("Notes not saved: someone else changed this entry."))
                from app.ui.errors import ask_stale

                dialog.stale_box = ask_stale(  # type: ignore[attr-defined]
                    dialog, exc, reload=lambda: self._reload_notes(entry, dialog),
                    overwrite=lambda: self.save_notes(entry, notes, dialog, overwrite=True),
                    cancel=lambda: self.status.setText(self.tr("Notes not saved: your edits are still there.")))
                return
            from app.ui.errors import show_error

            show_error(self, exc, details)

        self.ctx.tasks.run(lambda s: update_entry(s, entry.id, change, loaded=loaded, version=version,
                                                  overwrite=overwrite, today=today),
                           on_success=lambda _r: (self.status.setText(self.tr("Notes saved.")),
                                                  dialog.accept() if dialog is not None else None),
                           on_error=failed)

    def _reload_notes(self, entry: Any, dialog: QDialog) -> None:
        """Show the notes as saved now (dropping the edits), with their version."""
        from app.services.timelogs.logs import load_notes

        opened = self.ctx.tasks.call(lambda s: load_notes(s, entry.id))
        dialog.opened = opened  # type: ignore[attr-defined]
        dialog.notes.setPlainText(opened.notes)  # type: ignore[attr-defined]
        self.status.setText(self.tr("Showing the notes as saved now."))

    def delete_entry(self, entry_id: uuid.UUID, dialog: QDialog | None = None) -> None:
        from app.services.timelogs.logs import delete_entry

        self.ctx.tasks.run(lambda s: delete_entry(s, entry_id),
                           on_success=lambda _r: (self.status.setText(self.tr("Entry deleted.")),
                                                  dialog.accept() if dialog is not None else None))

    def export_entries(self, path: str | None = None) -> None:
        from app.services.timelogs.logs import export_entries

        if path is None:
            path = save_path(self, self.tr("Export time logs"), f"timelogs-{self.ctx.year_label}.csv",
                             self.tr("CSV (*.csv);;Excel (*.xlsx)"))
            if not path:
                return
        flt = self._filter()
        self.ctx.tasks.run(lambda s: export_entries(s, flt, path), write=False,
                           on_success=lambda p: self._wrote(self.tr("Wrote %1 (notes are never exported)")
                                                            .replace("%1", str(p)), path))

    def import_file(self, path: str | None = None) -> ImportDialog | None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import time logs"), "",
                                                  self.tr("CSV or Excel (*.csv *.xlsx)"))
            if not path:
                return None
        dialog = ImportDialog(self, path)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def edit_topics(self) -> TopicsDialog:
        from app.services.timelogs.logs import set_topics, topics

        dialog = TopicsDialog(self.ctx.tasks.call(topics), self)

        def save() -> None:
            names = dialog.topics()
            self.ctx.tasks.run(lambda s: set_topics(s, names),
                               on_success=lambda saved: self.quick.topic_model.setStringList(saved))

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def export_hours(self, path: str | None = None) -> None:
        from app.services.timelogs.hours import write_hours_report

        if path is None:
            path = save_path(self, self.tr("Hours report"), f"hours-{self.ctx.year_label}.pdf",
                             self.tr("PDF (*.pdf);;CSV (*.csv);;JSON (*.json)"))
            if not path:
                return
        year = self.ctx.year_label
        self.ctx.tasks.run(lambda s: write_hours_report(s, year, path), write=False,
                           on_success=lambda p: self._wrote(self.tr("Wrote %1").replace("%1", str(p)), path))

    def print_record(self, path: str | None = None) -> None:
        """The selected educator's "Record of mentoring hours" (603 CMR 7.04(2)(c)(4)), as a PDF."""
        from app.services.timelogs.hours import write_hours_record

        row = self.educators_table.currentRow()
        item = self.educators_table.item(row, 0) if row >= 0 else None
        if item is None:
            self.status.setText(self.tr("Choose an educator in the list first."))
            return
        educator_id, name = item.data(Qt.ItemDataRole.UserRole), item.text()
        if path is None:
            path = save_path(self, self.tr("Record of mentoring hours"),
                             f"mentoring-hours-{name.replace(' ', '-')}.pdf", self.tr("PDF (*.pdf)"))
            if not path:
                return
        year = self.ctx.year_label
        from app.services.years import parse_label

        as_of = dt.date(parse_label(year) + 1, 6, 30)
        def write(session: Any) -> Any:
            from app.services.audit.trail import record_file

            written = write_hours_record(session, educator_id, path, as_of=as_of)
            record_file(session, "record of hours", confidential=False)  # hours and topics, no notes
            return written

        self.ctx.tasks.run(write, write=False,
                           on_success=lambda p: self._wrote(self.tr("Wrote %1").replace("%1", str(p)), path))

    def _wrote(self, text: str, path: str) -> None:
        self.status.setText(text)
        offer_open_folder(self, path)


def _audited_notes(session: Any, opened: Any, entry_id: uuid.UUID) -> Any:
    """Opening an entry shows its confidential notes: the audit trail records it (issue 18)."""
    from app.services.audit.trail import record_read

    record_read(session, "time_log", [entry_id])
    return opened
