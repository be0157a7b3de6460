"""What every CAP panel is built from: a form that journals a draft as it is typed (DraftedForm), a
date field, a clickable label, and the loaders the page runs off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from app.errors import DatabaseBusyError, StaleRecordError
from app.services import cap
from app.services.cap import drafts as cap_drafts
from app.ui.dates import DateEdit, us_moment
from app.ui.errors import ask_stale

if TYPE_CHECKING:
    from app.ui.pages.cap.page import CapPage



DRAFT_DELAY_MS = 400
EVERYONE = "__all__"
STATUS_MARK = {"complete": "\u2713", "in_progress": "\u25b6", "not_started": "\u25cb"}


class ClickLabel(QLabel):
    """A wrapping label beside a check box; clicking the text ticks the box (the box takes the keyboard)."""

    def __init__(self, text: str, box: QCheckBox):
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)

    def mousePressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        self.box.toggle()
        self.box.setFocus()


class DateField(DateEdit):
    """A date field that Tab leaves (QDateEdit's Tab walks month, day, year first), showing M/D/YYYY and
    taking a whole typed date (12/4/2026, 12/4/26, ISO); Left/Right move between the parts."""

    def __init__(self) -> None:
        super().__init__(QDate.currentDate(), leave_on_tab=True)


# --- data for the page (runs on the database worker; returns plain data) ----------------------------

def _load_list(year: str, sp: str | None):  # type: ignore[no-untyped-def]
    def fn(session):  # type: ignore[no-untyped-def]
        sps = cap.supervising_practitioners(session, year)
        rows = cap.my_candidates(session, year, uuid.UUID(sp) if sp else None)
        return sps, rows
    return fn


def _load_candidate(placement_id: uuid.UUID):  # type: ignore[no-untyped-def]
    def fn(session):  # type: ignore[no-untyped-def]
        s = cap.summary(session, placement_id)
        calibration = {stage: cap.calibration(session, placement_id, stage) for stage in ("formative", "summative")}
        evidence = cap.evidence(session, placement_id)
        from app.services.audit.trail import record_read

        record_read(session, "cap_evidence", [e.id for e in evidence])  # the audit trail (issue 18)
        return s, calibration, cap.load_goals(session, placement_id), evidence
    return fn


def _empty(layout: Any) -> None:
    """Take every widget out of a layout and delete it (a form rebuilt for another rubric)."""
    while layout.count():
        widget = layout.takeAt(0).widget()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()


class DraftedForm(QWidget):
    """A CAP form saved as you type: after a short pause in typing its values are journaled on this
    computer (cap_drafts) with what they were typed over, and restored when the form opens again,
    so nothing typed is lost to a closed window, a crash or someone else's save."""

    saved = Signal()
    RESTORED = "Restored your unsaved draft from "

    def __init__(self, page: "CapPage"):
        super().__init__()
        self.page = page
        self.placement_id: uuid.UUID | None = None
        self.base: cap.Loaded | None = None  # what the form opened of a saved record (a save's check)
        self.stale_box: Any = None  # the "changed by X at 10:42" question, while it is open
        self.edition = ""
        self._restoring = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DRAFT_DELAY_MS)
        self.timer.timeout.connect(self.save_draft)

    # what each form defines
    @property
    def record_id(self) -> uuid.UUID | None:  # the saved record being edited; None: a new one
        raise NotImplementedError

    @property
    def draft_key(self) -> str:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def set_values(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def is_empty(self) -> bool:
        raise NotImplementedError

    def start_new(self) -> None:  # leave the saved record: the form is for a new one
        raise NotImplementedError

    # -- the row of draft status and buttons ---------------------------------------------------------

    def _action_row(self, what: str, other: QPushButton) -> QHBoxLayout:
        """Draft status, another action and "Save <what> (Ctrl+S)"; Ctrl+S and Ctrl+Enter save."""
        row = QHBoxLayout()
        self.draft_label = QLabel("")
        self.draft_label.setWordWrap(True)
        self.draft_label.setAccessibleName(self.tr("Draft status"))
        self.save_button = QPushButton(self.tr("Save %s (Ctrl+S)") % what)
        self.save_button.setAccessibleName(self.tr("Save %s") % what)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.draft_label, 1)
        row.addWidget(other)
        row.addWidget(self.save_button)
        for sequence in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)
        return row

    # -- drafts --------------------------------------------------------------------------------------

    def changed(self, *_args: object) -> None:
        if self._restoring or self.placement_id is None:
            return
        self.timer.start()  # debounced: the draft is written after a short pause in typing
        self.draft_label.setText(self.tr("Typing..."))

    def save_draft(self) -> None:
        self.timer.stop()
        if self.placement_id is None:
            return
        if self.is_empty():
            cap_drafts.discard_draft(self.draft_key)
            self.draft_label.setText("")
            return
        cap_drafts.save_draft(self.draft_key, self.values(), base=self.base.to_json() if self.base else None)
        self.draft_label.setText(self.tr("Draft saved on this computer at ") + dt.datetime.now().strftime("%H:%M:%S"))

    def flush(self) -> None:
        """Write a pending draft now (the form is hidden, the candidate changes or the window closes)."""
        if self.timer.isActive():
            self.save_draft()

    def restore_draft(self) -> None:
        data = cap_drafts.load_draft(self.draft_key)
        if data:
            self.set_values(data)
            base = cap_drafts.load_base(self.draft_key)
            if base is not None and self.record_id is not None:
                self.base = cap.Loaded.from_json(base)  # saved as changes to what it was typed over
            when = cap_drafts.saved_at(self.draft_key)
            stamp = us_moment(when) if when else ""
            self.draft_label.setText(self.tr(self.RESTORED) + stamp)

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        self.flush()
        super().hideEvent(event)

    # -- saving --------------------------------------------------------------------------------------

    def _save(self, store: Any, values: dict[str, Any], overwrite: bool, what: str, saved: str) -> None:
        """Save `values` on the worker with `store(session, placement, values, record, loaded=,
        overwrite=)`, a service of app.services.cap. The draft is kept until the database has the
        record (or the person chooses Reload); a record someone else changed meanwhile asks whether
        to reload or overwrite."""
        placement_id, record_id, key, loaded = self.placement_id, self.record_id, self.draft_key, self.base
        cap_drafts.save_draft(key, values, base=loaded.to_json() if loaded else None)

        def done(_result: object) -> None:
            cap_drafts.discard_draft(key)
            if self.placement_id == placement_id and self.record_id == record_id:
                self.start_new()  # with a new record's draft, if one was left
                if not self.draft_label.text():
                    self.draft_label.setText(saved)
            self.saved.emit()

        def failed(exc: BaseException, details: str) -> None:
            if isinstance(exc, StaleRecordError) and self.record_id == record_id:
                self.draft_label.setText(self.tr("Not saved: someone else changed this ") + what
                                         + self.tr(" (your draft is kept)."))
                self.stale_box = ask_stale(self, exc, reload=self.reload, overwrite=lambda: self.save(overwrite=True),
                                           cancel=lambda: self.draft_label.setText(
                                               self.tr("Not saved: your edits and their draft are kept.")))
                return
            self._failed(exc, details)

        self.page.ctx.tasks.run(lambda s: store(s, placement_id, values, record_id, loaded=loaded, overwrite=overwrite),
                                on_success=done, on_error=failed)

    def _failed(self, exc: BaseException, details: str) -> None:
        from app.ui.errors import said

        if isinstance(exc, DatabaseBusyError):  # says itself that what was typed is still here (issue 19)
            self.draft_label.setText(str(exc))
            return
        self.draft_label.setText(self.tr("Not saved (your draft is kept): ") + said(exc, details))


