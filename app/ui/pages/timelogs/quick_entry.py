"""Quick entry: log a session from the keyboard in seconds.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QDate,
    QEvent,
    QStringListModel,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.ui.dates import DateEdit
from app.ui.pages.timelogs.entries import (
    PRESETS,
    GroupChoice,
    group_choices,
)

if TYPE_CHECKING:
    from app.ui.pages.timelogs.page import TimeLogsPage


class QuickDateEdit(DateEdit):
    """A date field that one Tab leaves (a QDateEdit tabs through its month, day and year first):
    the quick entry's "Tab, the date is today, Tab". A whole date can be typed (12/4/2026, 12/4/26, ISO);
    arrows still move between and edit the parts."""

    def __init__(self) -> None:
        super().__init__(leave_on_tab=True)


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
        # An editable box keeps Enter (QComboBox accepts it to commit the typed text), so Enter right after
        # Tab into the duration never reached the form: this filter saves instead (issue 17). The box has
        # the keyboard (its line edit's focus proxy); the line edit too, for keys sent to it.
        self.duration.installEventFilter(self)
        self.duration.lineEdit().installEventFilter(self)

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
        """Enter in the pair's completion list (where the keyboard goes while it is open) picks; Enter in
        the duration's text saves, as Enter anywhere else in the form does."""
        if event.type() == QEvent.Type.KeyPress and event.key() in (  # type: ignore[attr-defined]
                Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if watched is self.pair.completer().popup():
                self.pick_pair()
                return True
            if watched in (self.duration, self.duration.lineEdit()) and not self.duration.view().isVisible():
                self.save()
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
        from app.services.timelogs.imports import parse_duration

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
        self.date.setMaximumDate(QDate.currentDate())  # the app may have stayed open past midnight
        self.date.setDate(QDate.currentDate())  # the next session is today's unless another date is typed
        self.pair.setFocus()

    def duplicate(self, key: tuple[Any, ...], text: str) -> None:
        self.pending_duplicate = key
        self._problem(text + " " + self.tr("Press Enter again to save it anyway."), self.pair)

    def failed(self, text: str) -> None:
        self.pending_duplicate = None
        self._problem(text, self.pair)


# --- the page ---------------------------------------------------------------------------------------


