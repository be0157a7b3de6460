"""File > Audit trail… (issue 18, item 4: "`mentordesk audit ...` and a window view"): the entries of the
audit trail (when, what was done, to what, how many rows, the app user, the OS user, the computer), newest
last, an optional "since" day, and a Verify button that walks the hash chain and says the result in one
line. It reads through the same service functions as `mentordesk audit` (app/services/audit/received.py
`listing` and `verify_all`): ids, counts and names of tables or files, never a value. On a coordinator's
laptop in a device sync group, the trails received from the other devices are listed too, with the
device's enrolled name in the Device column (this laptop's own entries show its own name), and Verify
checks each device's chain.

The window has no notion of who is the coordinator (the role of a laptop lives in sync, app/services/sync),
so the view is open to whoever has the database open, as `mentordesk audit` is."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.ui.dates import DateEdit, us_date, us_moment

if TYPE_CHECKING:
    from app.services.audit.received import Chain
    from app.services.audit.trail import Entry, Verdict
    from app.ui.main_window import MainWindow

COLUMNS = ("When", "Action", "What", "Rows", "Confidential", "App user", "OS user", "Computer", "Device")
DEVICE_COLUMN = COLUMNS.index("Device")  # the sync device whose trail it is: shown in a device group only

# The trail's action codes (trail.py and its callers) in plain words; an unknown code is shown unchanged.
ACTIONS = {
    "insert": "Added", "update": "Changed", "delete": "Removed", "read": "Opened in the window",
    "export": "File written", "report": "Report written (command line)", "decrypt": "Plain copy written",
    "rekey": "Key changed", "unlock-failed": "Wrong passphrase", "sync setup": "Sync group started",
    "sync invite": "Invitation written", "sync join": "Joined a sync group", "sync enrol": "Device enrolled",
    "sync revoke": "Device revoked",
}


def action_text(action: str) -> str:
    return ACTIONS.get(action, action)


def what_text(what: str) -> str:
    """`time_log_entry` -> `time log entry` (table names are stored as they are in the database)."""
    return what.replace("_", " ")


def when_text(at: str) -> str:
    """The stored UTC time stamp in local time, the US way: `12/4/2026 3:05 PM`."""
    return us_moment(dt.datetime.fromisoformat(at))


def rows_text(entry: Entry) -> str:
    if entry.action == "unlock-failed":
        return f"{entry.count} wrong"
    return str(entry.count) if entry.count else ""


def verdict_text(verdict: Verdict) -> str:
    """One plain line, as `mentordesk audit --verify` prints it."""
    if not verdict.ok:
        problem = verdict.problem or "audit trail broken"
        return problem[:1].upper() + problem[1:] + "."
    if not verdict.count:
        return "The audit trail is empty: nothing to check yet."
    return (f"The audit trail is intact: {verdict.count} entries, none altered or removed. The newest is "
            f"number {verdict.head_id}, fingerprint {verdict.head_hash} (note it to notice a later removal).")


def chains_text(chains: list[Chain]) -> str:
    """This laptop's verdict, then one line per device whose trail it received."""
    lines = [verdict_text(chains[0].verdict)] if chains else []
    for chain in chains[1:]:
        v = chain.verdict
        if not v.ok:
            problem = v.problem or f"audit trail of {chain.device} broken"
            lines.append(problem[:1].upper() + problem[1:] + ".")
        else:
            lines.append(f"The audit trail of {chain.device} is intact: {v.count} entries; the newest is number "
                         f"{v.head_id}, fingerprint {v.head_hash[:16]}.")
    return "\n".join(lines)


class AuditDialog(QDialog):
    """The trail in a table, the since filter and Verify; opened, not exec'd, so a test goes on."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(self.tr("Audit trail"))
        self.resize(1100, 600)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "Who added, changed, opened, exported or decrypted confidential data, when and on which computer. "
            "The trail holds ids and counts, never the notes or ratings themselves."))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        bar = QHBoxLayout()
        self.only_since = QCheckBox(self.tr("Only entries since"))
        self.since = DateEdit(dt.date.today() - dt.timedelta(days=30))
        self.since.setEnabled(False)
        self.since.setAccessibleName(self.tr("Show entries on or after this day"))
        self.show_button = QPushButton(self.tr("Show"))
        self.verify_button = QPushButton(self.tr("Verify"))
        self.verify_button.setToolTip(self.tr("Check that no entry was altered or removed"))
        bar.addWidget(self.only_since)
        bar.addWidget(self.since)
        bar.addWidget(self.show_button)
        bar.addStretch(1)
        bar.addWidget(self.verify_button)
        layout.addLayout(bar)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(self.tr("Audit trail entries, oldest first"))
        layout.addWidget(self.table, 1)

        self.count = QLabel()
        layout.addWidget(self.count)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy the fingerprint
        self.verdict.setAccessibleName(self.tr("Result of the check"))
        layout.addWidget(self.verdict)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(lambda: self.reject())
        layout.addWidget(buttons)

        self.only_since.toggled.connect(lambda on: self._since_toggled(on))
        self.show_button.clicked.connect(lambda: self.load())
        self.verify_button.clicked.connect(lambda: self.verify())
        self.load()

    def _since_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.load()

    def since_day(self) -> dt.date | None:
        if not self.only_since.isChecked():
            return None
        return self.since.date().toPython()  # type: ignore[no-any-return]

    def load(self) -> None:
        from app.services.audit import received

        since = self.since_day()
        self.window_.ctx.tasks.run(lambda s: received.listing(s.connection(), since), write=False,
                                   on_success=lambda found: self._show(found, since))

    def _show(self, found: list[Entry], since: dt.date | None) -> None:
        self.table.setRowCount(len(found))
        for row, entry in enumerate(found):
            cells = (when_text(entry.at), action_text(entry.action), what_text(entry.what), rows_text(entry),
                     "Yes" if entry.confidential else "No", entry.actor, entry.os_user, entry.device,
                     entry.sync_device or "")
            for column, value in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.setColumnHidden(DEVICE_COLUMN, not any(e.sync_device for e in found))
        if since is not None:
            self.count.setText(self.tr("%1 entries since %2").replace("%1", str(len(found)))
                               .replace("%2", us_date(since)))
        else:
            self.count.setText(self.tr("%1 entries").replace("%1", str(len(found))))
        if found:
            self.table.scrollToBottom()

    def verify(self) -> None:
        from app.services.audit import received

        self.verdict.setText(self.tr("Checking…"))
        self.window_.ctx.tasks.run(lambda s: received.verify_all(s.connection()), write=False,
                                   on_success=lambda chains: self.verdict.setText(chains_text(chains)))


def open_audit(window: MainWindow) -> Any:
    """File > Audit trail…, opened beside the window."""
    dialog = AuditDialog(window)
    window.audit_dialog = dialog  # type: ignore[attr-defined]  # for tests, and so it is not collected
    dialog.open()
    return dialog
