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
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    QStringListModel,
    QTimer,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.pages.base import Page

PRESETS = ("15 min", "30 min", "45 min", "1 h", "1 h 30 min", "2 h")


class GroupChoice:
    """A group session (004: group mentoring): one mentor with every mentee they have today."""

    def __init__(self, mentor: str, pairs: list[Any]):
        self.pairs = pairs
        self.label = f"Group: {mentor} with " + ", ".join(p.mentee for p in pairs)


def group_choices(pairs: list[Any], today: dt.date) -> list[GroupChoice]:
    by_mentor: dict[Any, list[Any]] = {}
    for p in pairs:
        if p.start <= today <= p.end:
            by_mentor.setdefault(p.mentor_id, []).append(p)
    return [GroupChoice(group[0].mentor, group) for group in by_mentor.values() if len(group) > 1]
PAGE_SIZE = 200  # rows per fetch: a page of SQL plus its layout stays well under a frame budget


# --- data for the page (runs on the database worker; returns plain data) ----------------------------


def _load_form(session, year: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from app.services import timelogs

    return {"pairs": timelogs.pair_options(session, year), "topics": timelogs.topics(session),
            "activities": list(timelogs.ACTIVITY_LABELS.items())}


def _load_totals(session, year: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from app.services import hours, timelogs

    return {"pairs": timelogs.pair_summaries(session, year),
            "educators": hours.educator_hours(session, year, include_idle=True)}


# --- the lazy list of entries -----------------------------------------------------------------------


class _SortItem(QTableWidgetItem):
    """A cell that sorts by a number (hours, counts, dates) while showing text."""

    def __init__(self, text: str, key: float):
        super().__init__(text)
        self.key = key

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.key < getattr(other, "key", float("-inf"))


def _item(value: object, key: float | None = None) -> QTableWidgetItem:
    return QTableWidgetItem(str(value)) if key is None else _SortItem(str(value), key)


class EntriesModel(QAbstractTableModel):
    """Entries fetched a page at a time (canFetchMore/fetchMore): holds only what was scrolled to."""

    COLUMNS = ("Date", "Mentee", "Mentor", "Minutes", "Activity", "Topics", "Release time", "Entered by")
    SORT_KEYS = {0: "date", 3: "minutes", 4: "activity"}

    def __init__(self, fetch_page, count, parent: Any = None):  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._fetch_page = fetch_page  # (after_row_or_None, limit, sort, descending) -> list[EntryRow]
        self._count = count  # () -> int
        self.rows: list[Any] = []
        self.total = 0
        self.sort_key, self.descending = "date", True

    def reload(self) -> None:
        self.beginResetModel()
        self.total = self._count()
        self.rows = self._fetch_page(None, PAGE_SIZE, self.sort_key, self.descending) if self.total else []
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if parent.isValid():
            return
        more = self._fetch_page(self.rows[-1] if self.rows else None, PAGE_SIZE, self.sort_key, self.descending)
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return f"{row.date:%m/%d/%Y}"
        if column == 1:
            return row.mentee + (" (group)" if row.group else "")
        if column == 2:
            return row.mentor
        if column == 3:
            return str(row.minutes)
        if column == 4:
            return row.activity.replace("_", " ")
        if column == 5:
            return "; ".join(row.topics)
        if column == 6:
            return "yes" if row.release_time else ""
        return row.entered_by

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS.get(column)
        if key is None:
            return
        self.sort_key, self.descending = key, order == Qt.SortOrder.DescendingOrder
        self.reload()


class ProgressDelegate(QStyledItemDelegate):
    """Draws the 50-hour progress as a bar (the value in the cell's UserRole, 0..1, or None)."""

    def paint(self, painter, option, index) -> None:  # type: ignore[no-untyped-def]
        value = index.data(Qt.ItemDataRole.UserRole)
        if value is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect.adjusted(2, 3, -2, -3))
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(round(value * 1000))
        bar.text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        bar.textVisible = True
        bar.state = option.state
        style = option.widget.style() if option.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)


# --- quick entry ----------------------------------------------------------------------------------


class QuickDateEdit(QDateEdit):
    """A date field that one Tab leaves (a QDateEdit tabs through its month, day and year first):
    the quick entry's "Tab, the date is today, Tab". Arrows, typing and "/" still move between and
    edit the sections."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt's names
        return QWidget.focusNextPrevChild(self, next)


class QuickEntry(QGroupBox):
    """The form: Enter anywhere in it saves (and clears for the next session); Enter in the pair's
    completion list only picks the pair."""

    def __init__(self, page: "TimeLogsPage"):
        super().__init__(page.tr("Log a session (Ctrl+L)"))
        self.page = page
        self.pairs: list[Any] = []
        self.pending_duplicate: tuple[Any, ...] | None = None

        self.pair = QLineEdit()
        self.pair.setAccessibleName(self.tr("Pair (mentee and mentor)"))
        self.pair.setPlaceholderText(self.tr("Type a mentee's or mentor's name"))
        self.pair_model = QStringListModel(self)
        completer = QCompleter(self.pair_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.pair.setCompleter(completer)
        completer.popup().installEventFilter(self)  # after the completer's own filter: this one runs first

        self.date = QuickDateEdit()
        self.date.setAccessibleName(self.tr("Date"))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("MM/dd/yyyy")
        self.date.setDate(QDate.currentDate())
        self.date.setMaximumDate(QDate.currentDate())

        self.duration = QComboBox()
        self.duration.setEditable(True)
        self.duration.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.duration.addItems(PRESETS)
        self.duration.setCurrentIndex(PRESETS.index("30 min"))  # index and text: Down goes on to 45 min
        self.duration.setAccessibleName(self.tr("Duration"))
        self.duration.setToolTip(self.tr("Minutes (45), hours and minutes (1:30) or hours (1.5 hours); "
                                         "5 to 600 minutes"))

        self.activity = QComboBox()
        self.activity.setAccessibleName(self.tr("Activity"))

        self.topics = QLineEdit()
        self.topics.setAccessibleName(self.tr("Topics"))
        self.topics.setPlaceholderText(self.tr("Topics, separated by ;"))
        self.topic_model = QStringListModel(self)
        topic_completer = QCompleter(self.topic_model, self)
        topic_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        topic_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.topics.setCompleter(topic_completer)

        self.release = QCheckBox(self.tr("Release time"))
        self.release.setAccessibleName(self.tr("Release time used"))
        self.notes = QLineEdit()
        self.notes.setAccessibleName(self.tr("Confidential notes"))
        self.notes.setPlaceholderText(self.tr("Confidential notes: shown only in this entry's detail view"))

        self.save_button = QPushButton(self.tr("Save (Enter)"))
        self.save_button.setAccessibleName(self.tr("Save the session"))
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Quick entry message"))

        grid = QFormLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.pair, 3)
        top.addWidget(self.date, 1)
        top.addWidget(self.duration, 1)
        top.addWidget(self.activity, 2)
        grid.addRow(self.tr("Pair, date, duration, activity"), top)
        bottom = QHBoxLayout()
        bottom.addWidget(self.topics, 2)
        bottom.addWidget(self.release)
        bottom.addWidget(self.notes, 2)
        bottom.addWidget(self.save_button)
        grid.addRow(self.tr("Topics, release, notes"), bottom)
        grid.addRow(self.message)
        for widget in (self.pair, self.date, self.duration, self.activity, self.topics, self.release, self.notes,
                       self.save_button):
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        QWidget.setTabOrder(self.pair, self.date)
        QWidget.setTabOrder(self.date, self.duration)
        QWidget.setTabOrder(self.duration, self.activity)
        QWidget.setTabOrder(self.activity, self.topics)
        QWidget.setTabOrder(self.topics, self.release)
        QWidget.setTabOrder(self.release, self.notes)
        QWidget.setTabOrder(self.notes, self.save_button)

    def set_choices(self, pairs: list[Any], topics: list[str], activities: list[tuple[str, str]]) -> None:
        self.pairs = [*pairs, *group_choices(pairs, dt.date.today())]
        self.pair_model.setStringList([p.label for p in self.pairs])
        self.topic_model.setStringList(topics)
        current = self.activity.currentData()
        self.activity.clear()
        for code, label in activities:
            self.activity.addItem(label, code)
        index = self.activity.findData(current or "meeting")
        self.activity.setCurrentIndex(max(0, index))

    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Enter in the pair's completion list (where the keyboard goes while it is open) picks."""
        if (event.type() == QEvent.Type.KeyPress and watched is self.pair.completer().popup()
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):  # type: ignore[attr-defined]
            self.pick_pair()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            if self.pair.completer().popup().isVisible() and self.pair.hasFocus():
                self.pick_pair()  # the list is open: Enter chooses from it, it does not save
            else:
                self.save()
            return
        super().keyPressEvent(event)

    def pick_pair(self) -> None:
        """Take the pair highlighted in the completion list (or the one the typed text names), close
        the list and move on to the date. Never saves: Enter in the form does."""
        popup = self.pair.completer().popup()
        index = popup.currentIndex()
        if index.isValid():
            self.pair.setText(index.data(Qt.ItemDataRole.DisplayRole))
        popup.hide()
        if self.chosen_pair() is not None:
            self.message.clear()
            self.date.setFocus(Qt.FocusReason.TabFocusReason)

    def chosen_pair(self) -> Any | None:
        text = " ".join(self.pair.text().split()).lower()
        if not text:
            return None
        exact = [p for p in self.pairs if p.label.lower() == text]
        if exact:
            return exact[0]
        matches = [p for p in self.pairs if text in p.label.lower()]
        singles = [p for p in matches if not isinstance(p, GroupChoice)]
        if len(singles) == 1:
            return singles[0]  # a name picks the pair; a group is chosen by typing "group"
        return matches[0] if len(matches) == 1 else None

    def save(self) -> None:
        from app.services.timelog_import import parse_duration

        pair = self.chosen_pair()
        if pair is None:
            self._problem(self.tr("Choose a pair from the list (type part of a name)."), self.pair)
            return
        try:
            minutes = parse_duration(self.duration.currentText())
        except ValueError as exc:
            self._problem(self.tr("Duration: ") + str(exc), self.duration)
            return
        day = self.date.date().toPython()
        activity = self.activity.currentData()
        topics = [t.strip() for t in self.topics.text().split(";") if t.strip()]
        if isinstance(pair, GroupChoice):
            key = (tuple(p.assignment_id for p in pair.pairs), day, minutes, activity)
            self.page.save_group(pair, day, minutes, activity, topics, self.release.isChecked(), self.notes.text(),
                                 allow_duplicate=self.pending_duplicate == key)
            return
        key = (pair.assignment_id, day, minutes, activity)
        allow = self.pending_duplicate == key
        self.page.save_entry(pair, day, minutes, activity, topics, self.release.isChecked(), self.notes.text(),
                             allow_duplicate=allow)

    def _problem(self, text: str, widget: QWidget) -> None:
        self.message.setText(f"<span style='color:#b3261e'>{text}</span>")
        widget.setFocus()

    def saved(self, text: str) -> None:
        self.pending_duplicate = None
        self.message.setText(text)
        self.pair.clear()
        self.topics.clear()
        self.notes.clear()
        self.release.setChecked(False)
        self.duration.setCurrentIndex(PRESETS.index("30 min"))
        self.pair.setFocus()

    def duplicate(self, key: tuple[Any, ...], text: str) -> None:
        self.pending_duplicate = key
        self._problem(text + " " + self.tr("Press Enter again to save it anyway."), self.pair)

    def failed(self, text: str) -> None:
        self.pending_duplicate = None
        self._problem(text, self.pair)


# --- the page ---------------------------------------------------------------------------------------


class EntryDialog(QDialog):
    """One entry's own detail view: the only place its confidential notes are shown."""

    def __init__(self, row: Any, notes: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Session of %1 with %2").replace("%1", row.mentee).replace("%2", row.mentor))
        layout = QFormLayout(self)
        layout.addRow(self.tr("Date"), QLabel(f"{row.date:%m/%d/%Y}"))
        layout.addRow(self.tr("Minutes"), QLabel(str(row.minutes)))
        layout.addRow(self.tr("Activity"), QLabel(row.activity.replace("_", " ")))
        layout.addRow(self.tr("Topics"), QLabel("; ".join(row.topics)))
        layout.addRow(self.tr("Entered by"), QLabel(row.entered_by))
        self.notes = QPlainTextEdit(notes)
        self.notes.setAccessibleName(self.tr("Confidential notes"))
        layout.addRow(self.tr("Confidential notes"), self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton(self.tr("Save notes"), QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setAccessibleName(self.tr("Save the confidential notes"))
        self.delete_button = buttons.addButton(self.tr("Delete entry"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.setAccessibleName(self.tr("Delete this entry"))
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.opened: Any = None  # services.timelogs.EntryNotes: the notes and version opened
        self.stale_box: Any = None  # the "changed by X at 10:42" question, while it is open


FIELD_LABELS = (
    ("mentor_employee_id", "Mentor (employee id, email or name)"),
    ("mentee_employee_id", "Mentee (employee id, email or name)"),
    ("date", "Date of the session"),
    ("minutes", "Duration (45, 45 min, 1:30, 1.5 hours)"),
    ("hours", "Duration in hours"),
    ("activity", "Activity"),
    ("topics", "Topics"),
    ("release_time", "Release time (yes/no)"),
    ("notes", "Confidential notes"),
)


class ImportDialog(QDialog):
    """Import time logs from CSV or XLSX (the public format or a Google/Microsoft Forms export):
    map the columns (remembered for files with the same headers), check, then import."""

    def __init__(self, page: "TimeLogsPage", path: str):
        super().__init__(page)
        from pathlib import Path

        self.page = page
        self.path = path
        self.report: Any = None
        self.setWindowTitle(self.tr("Import time logs: ") + Path(path).name)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.boxes: dict[str, QComboBox] = {}
        for field, label in FIELD_LABELS:
            box = QComboBox()
            box.setAccessibleName(self.tr(label))
            self.boxes[field] = box
            form.addRow(self.tr(label), box)
        layout.addLayout(form)
        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)
        self.result.setAccessibleName(self.tr("Import result"))
        layout.addWidget(self.result, 1)
        buttons = QHBoxLayout()
        self.check_button = QPushButton(self.tr("Check (nothing written)"))
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        self.errors_button = QPushButton(self.tr("Save rejected rows…"))
        self.errors_button.setEnabled(False)
        self.errors_button.clicked.connect(lambda: self.save_errors())
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        for button in (self.check_button, self.import_button, self.errors_button, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.resize(640, 620)
        from app.services.timelog_import import mapping_for

        self.page.ctx.tasks.run(lambda s: mapping_for(s, path), on_success=self._mapped, write=False,
                                on_error=lambda exc, _d: self.intro.setText(str(exc)))

    def _mapped(self, result: tuple[list[str], dict[str, str], bool]) -> None:
        columns, mapping, remembered = result
        for field, box in self.boxes.items():
            box.clear()
            box.addItem(self.tr("(not in this file)"), None)
            for column in columns:
                box.addItem(column, column)
            box.setCurrentIndex(max(0, box.findData(mapping.get(field))))
        self.intro.setText(self.tr("Using the column mapping remembered for these headers. ") if remembered else
                           self.tr("Choose the column for each field; the mapping is remembered for files with the "
                                   "same headers. A Timestamp column (when the form was sent) is not used."))

    def mapping(self) -> dict[str, str]:
        return {field: box.currentData() for field, box in self.boxes.items() if box.currentData()}

    def run(self, *, dry_run: bool) -> None:
        from app.services.timelog_import import import_timelogs

        mapping, path = self.mapping(), self.path

        def work(session, progress, cancel):  # type: ignore[no-untyped-def]
            return import_timelogs(session, path, mapping=mapping, dry_run=dry_run, progress=progress, cancel=cancel)

        self.result.setPlainText(self.tr("Working…"))
        self.page.ctx.tasks.run(work, with_progress=True, write=not dry_run, on_success=self._done,
                                on_error=lambda exc, _d: self.result.setPlainText(str(exc)))

    def _done(self, report: Any) -> None:
        self.report = report
        lines = [*report.notes, report.summary()]
        lines += [f"line {r.line}: {r.reason}" for r in report.rejected[:200]]
        lines += [f"line {w.line}: {w.message}" for w in report.warnings[:50]]
        self.result.setPlainText("\n".join(lines))
        self.errors_button.setEnabled(bool(report.rejected))

    def save_errors(self, out: str | None = None) -> None:
        from app.services.tabular import write_errors

        if self.report is None:
            return
        if out is None:
            out, _ = QFileDialog.getSaveFileName(self, self.tr("Save rejected rows"), "timelog-errors.csv",
                                                 self.tr("CSV (*.csv)"))
            if not out:
                return
        write_errors(self.report, out)


class TopicsDialog(QDialog):
    """The district's list of mentoring topics (seeded from 004), one per line."""

    def __init__(self, topics: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mentoring topics"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("One topic per line. Mentors pick from this list; entries keep the topics "
                                         "they were saved with.")))
        self.editor = QPlainTextEdit("\n".join(topics))
        self.editor.setAccessibleName(self.tr("Topics, one per line"))
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def topics(self) -> list[str]:
        return [line.strip() for line in self.editor.toPlainText().splitlines() if line.strip()]


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
        log_shortcut = QShortcut(QKeySequence("Ctrl+L"), self)  # active while the page is shown
        log_shortcut.activated.connect(lambda: self.quick.pair.setFocus(Qt.FocusReason.ShortcutFocusReason))

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
        from app.services.timelogs import ACTIVITY_LABELS

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
        self.model = EntriesModel(self._fetch_page, self._count, self)
        self.view = QTableView()
        self.view.setAccessibleName(self.tr("Time-log entries"))
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda index: self.open_entry(index.row()))
        layout.addWidget(self.view)
        self.entries_label = QLabel()
        layout.addWidget(self.entries_label)
        return tab

    # --- loading ------------------------------------------------------------------------------------

    def _filter(self):  # type: ignore[no-untyped-def]
        from app.services.timelogs import EntryFilter

        days = self.period_filter.currentData()
        since = dt.date.today() - dt.timedelta(days=days - 1) if days else None
        return EntryFilter(self.ctx.year_label, activity=self.activity_filter.currentData(), text=self.search.text(),
                           date_from=since, assignment_id=self.pair_filter)

    def _fetch_page(self, after: Any, limit: int, sort: str, descending: bool) -> list[Any]:
        from app.services.timelogs import list_entries

        flt = self._filter()
        return self.ctx.tasks.call(lambda s: list_entries(s, flt, after=after, limit=limit, sort=sort,
                                                          descending=descending))

    def _count(self) -> int:
        from app.services.timelogs import count_entries

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
                      f"{t.last_date:%m/%d/%Y}" if t.last_date else self.tr("nothing logged"))
            for c, value in enumerate(values):
                self.pairs_table.setItem(r, c, _item(value, (t.hours, t.observations, t.entries)[c - 3] if 3 <= c <= 5
                                                     else (t.last_date.toordinal() if c == 6 and t.last_date else None)))
            self.pairs_table.item(r, 0).setData(Qt.ItemDataRole.UserRole, s.pair.assignment_id)
        self.pairs_table.resizeColumnsToContents()
        self.pairs_table.setSortingEnabled(True)
        people = data["educators"]
        self.educators_table.setSortingEnabled(False)
        self.educators_table.setRowCount(len(people))
        for r, h in enumerate(people):
            values = (h.name, h.employee_id, h.school, f"{h.hours:.1f}", h.observations)
            for c, value in enumerate(values):
                self.educators_table.setItem(r, c, _item(value, (h.hours, h.observations)[c - 3] if c >= 3 else None))
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

    def save_entry(self, pair: Any, day: dt.date, minutes: int, activity: str, topics: list[str], release: bool,
                   notes: str, *, allow_duplicate: bool = False) -> None:
        from app.services.errors import ValidationError
        from app.services.timelogs import DuplicateEntryError, EntryInput, add_entry

        entry = EntryInput(pair.assignment_id, day, minutes, activity, topics, release, notes or None)
        key = (pair.assignment_id, day, minutes, activity)

        def failed(exc: BaseException, details: str) -> None:
            if isinstance(exc, DuplicateEntryError):
                self.quick.duplicate(key, str(exc))
            elif isinstance(exc, ValidationError):
                self.quick.failed("; ".join(f"{p.field}: {p.reason}" for p in exc.problems))
            else:
                from app.ui.errors import show_error

                show_error(self, exc, details)

        def done(_entry_id: uuid.UUID) -> None:
            self.quick.saved(self.tr("Saved: %1, %2 minutes on %3.").replace("%1", pair.label)
                             .replace("%2", str(minutes)).replace("%3", f"{day:%m/%d/%Y}"))

        self.ctx.tasks.run(lambda s: add_entry(s, entry, allow_duplicate=allow_duplicate), on_success=done,
                           on_error=failed)

    def save_group(self, group: GroupChoice, day: dt.date, minutes: int, activity: str, topics: list[str],
                   release: bool, notes: str, *, allow_duplicate: bool = False) -> None:
        """One session with several mentees of a mentor: the time counts for each of them. A session
        any of them already has (same date, minutes, activity) is a duplicate: warned, as for one pair."""
        from app.services.errors import ValidationError
        from app.services.timelogs import DuplicateEntryError, EntryInput, add_group_session

        ids = [p.assignment_id for p in group.pairs]
        entry = EntryInput(ids[0], day, minutes, activity, topics, release, notes or None)
        key = (tuple(ids), day, minutes, activity)

        def failed(exc: BaseException, details: str) -> None:
            if isinstance(exc, DuplicateEntryError):
                self.quick.duplicate(key, str(exc))
            elif isinstance(exc, ValidationError):
                self.quick.failed("; ".join(f"{p.field}: {p.reason}" for p in exc.problems))
            else:
                from app.ui.errors import show_error

                show_error(self, exc, details)

        self.ctx.tasks.run(lambda s: add_group_session(s, ids, entry, allow_duplicate=allow_duplicate),
                           on_error=failed,
                           on_success=lambda _ids: self.quick.saved(
                               self.tr("Saved: %1, %2 minutes on %3 (counts for each mentee).")
                               .replace("%1", group.label).replace("%2", str(minutes))
                               .replace("%3", f"{day:%m/%d/%Y}")))

    def open_entry(self, row: int) -> EntryDialog | None:
        """The entry's own detail view, with its confidential notes."""
        from app.services.errors import MentorDeskError
        from app.services.timelogs import load_notes

        if not 0 <= row < len(self.model.rows):
            return None
        entry = self.model.rows[row]
        try:
            opened = self.ctx.tasks.call(lambda s: load_notes(s, entry.id))
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
        from app.services.errors import StaleRecordError
        from app.services.timelogs import EntryInput, update_entry

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
        from app.services.timelogs import load_notes

        opened = self.ctx.tasks.call(lambda s: load_notes(s, entry.id))
        dialog.opened = opened  # type: ignore[attr-defined]
        dialog.notes.setPlainText(opened.notes)  # type: ignore[attr-defined]
        self.status.setText(self.tr("Showing the notes as saved now."))

    def delete_entry(self, entry_id: uuid.UUID, dialog: QDialog | None = None) -> None:
        from app.services.timelogs import delete_entry

        self.ctx.tasks.run(lambda s: delete_entry(s, entry_id),
                           on_success=lambda _r: (self.status.setText(self.tr("Entry deleted.")),
                                                  dialog.accept() if dialog is not None else None))

    def export_entries(self, path: str | None = None) -> None:
        from app.services.timelogs import export_entries

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export time logs"), f"timelogs-{self.ctx.year_label}.csv",
                                                  self.tr("CSV (*.csv);;Excel (*.xlsx)"))
            if not path:
                return
        flt = self._filter()
        self.ctx.tasks.run(lambda s: export_entries(s, flt, path), write=False,
                           on_success=lambda p: self.status.setText(self.tr("Wrote %1 (notes are never exported)")
                                                                    .replace("%1", str(p))))

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
        from app.services.timelogs import set_topics, topics

        dialog = TopicsDialog(self.ctx.tasks.call(topics), self)

        def save() -> None:
            names = dialog.topics()
            self.ctx.tasks.run(lambda s: set_topics(s, names),
                               on_success=lambda saved: self.quick.topic_model.setStringList(saved))

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def export_hours(self, path: str | None = None) -> None:
        from app.services.hours import write_hours_report

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Hours report"), f"hours-{self.ctx.year_label}.pdf",
                                                  self.tr("PDF (*.pdf);;CSV (*.csv);;JSON (*.json)"))
            if not path:
                return
        year = self.ctx.year_label
        self.ctx.tasks.run(lambda s: write_hours_report(s, year, path), write=False,
                           on_success=lambda p: self.status.setText(self.tr("Wrote %1").replace("%1", str(p))))

    def print_record(self, path: str | None = None) -> None:
        """The selected educator's "Record of mentoring hours" (603 CMR 7.04(2)(c)(4)), as a PDF."""
        from app.services.hours import write_hours_record

        row = self.educators_table.currentRow()
        item = self.educators_table.item(row, 0) if row >= 0 else None
        if item is None:
            self.status.setText(self.tr("Choose an educator in the list first."))
            return
        educator_id, name = item.data(Qt.ItemDataRole.UserRole), item.text()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Record of mentoring hours"),
                                                  f"mentoring-hours-{name.replace(' ', '-')}.pdf", self.tr("PDF (*.pdf)"))
            if not path:
                return
        year = self.ctx.year_label
        from app.services.years import parse_label

        as_of = dt.date(parse_label(year) + 1, 6, 30)
        self.ctx.tasks.run(lambda s: write_hours_record(s, educator_id, path, as_of=as_of), write=False,
                           on_success=lambda p: self.status.setText(self.tr("Wrote %1").replace("%1", str(p))))
