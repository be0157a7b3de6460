"""US dates on screen (issue 17): M/D/YYYY in every date field and table, whatever the system locale
(under the C locale Qt's default shows `7 12 2026`), and date fields that accept a date typed whole:
`12/4/2026`, `12/4/26` or ISO `2026-12-04` (a plain QDateEdit walks its month, day and year sections
as you type, so `12/4/2026` lands `04/2026` in the next field)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6 import QtCore  # Qt read at use: importing it builds ~100 enums before the first paint
from PySide6.QtCore import QDate
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QDateEdit, QWidget

from app.services import vocabulary
from app.services.vocabulary import us_date

DISPLAY_FORMAT = "M/d/yyyy"

_US = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_ISO_IN_TEXT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def us_moment(moment: dt.datetime) -> str:
    """A time stamp as the window writes it, in local time: `12/4/2026 3:05 PM`."""
    return vocabulary.us_moment(moment.astimezone())


def us_dates_in(text: str) -> str:
    """A sentence from a service with its ISO dates written the US way (`due 2025-09-29` -> `due 9/29/2025`)."""
    def repl(m: re.Match[str]) -> str:
        try:
            return us_date(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return m.group(0)
    return _ISO_IN_TEXT.sub(repl, text)


def parse_typed_date(text: str) -> dt.date | None:
    """`12/4/2026`, `12/4/26` (20YY), `12-4-2026`, `2026-12-04`: the date; anything else (or half typed): None."""
    m = _ISO.match(text)
    if m:
        year, month, day = (int(g) for g in m.groups())
    else:
        m = _US.match(text)
        if not m:
            return None
        month, day, year = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class DateEdit(QDateEdit):
    """A date field showing M/D/YYYY that takes a whole typed date: digits and separators typed into it
    are collected and read when they make a date (each keystroke, so Enter right after typing saves that
    date); leaving the field shows the date it holds. Arrows and the calendar popup work as before.
    leave_on_tab: one Tab leaves the field (QDateEdit's Tab walks month, day and year first)."""

    def __init__(self, date: Any = None, parent: QWidget | None = None, *, leave_on_tab: bool = False):
        super().__init__(parent)
        self.setDisplayFormat(DISPLAY_FORMAT)
        self.setCalendarPopup(True)
        self.leave_on_tab = leave_on_tab
        self._typed: str | None = None
        if date is not None:
            self.setDate(date if isinstance(date, QDate) else QDate(date.year, date.month, date.day))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        Qt = QtCore.Qt  # noqa: N806 - Qt's name
        text = event.text()
        if text and text in "0123456789/-." and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._typed = (self._typed or "") + text
            self._show_typed()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Backspace and self._typed is not None:
            self._typed = self._typed[:-1]
            self._show_typed()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self._typed is not None:
            self._typed = None
            self.setDate(self.date())
            self.lineEdit().setText(self.textFromDateTime(self.dateTime()))
            event.accept()
            return
        self._finish()
        super().keyPressEvent(event)

    def _show_typed(self) -> None:
        typed = self._typed or ""
        day = parse_typed_date(typed)
        if day is not None and QDate(day.year, day.month, day.day) != self.date():
            self.setDate(QDate(day.year, day.month, day.day))
        self.lineEdit().setText(typed)

    def _finish(self) -> None:
        if self._typed is None:
            return
        self._typed = None
        self.lineEdit().setText(self.textFromDateTime(self.dateTime()))

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        self._finish()
        super().focusOutEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        self._typed = None
        super().focusInEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt's names
        if self.leave_on_tab:
            self._finish()
            return QWidget.focusNextPrevChild(self, next)
        return super().focusNextPrevChild(next)


def fix_date_formats(root: QWidget) -> None:
    """Every date field under root (dialogs built elsewhere) shown M/D/YYYY."""
    for edit in root.findChildren(QDateEdit):
        if edit.displayFormat() != DISPLAY_FORMAT and "h" not in edit.displayFormat():
            edit.setDisplayFormat(DISPLAY_FORMAT)
