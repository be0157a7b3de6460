"""File > Restore from backup… (issue 19): the backups of the open database file with when they were made
(US dates) and their size; the chosen one, once confirmed, is put in place of the database (the current
file is kept aside, app/dbfiles.py `restore`), brought up to this version of MentorDesk if it is older,
and the window reloads everything it shows from it.

Also the offer made at start when the database fails its check after an unclean shutdown
(`offer_restore_at_start`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import dbfiles
from app.errors import DatabaseError

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

REASONS = {"before-upgrade": "Before an upgrade", "before-restore": "Before a restore"}


def when_text(when: dt.datetime) -> str:
    """12/4/2026 3:05 PM."""
    hour = when.hour % 12 or 12
    return f"{when.month}/{when.day}/{when.year} {hour}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"


def size_text(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


def reason_text(reason: str) -> str:
    return REASONS.get(reason, reason.replace("-", " ").capitalize())


class RestoreDialog(QDialog):
    """The list of backups and a Restore… button; opened, not exec'd (the confirmation too), so the
    window and a test go on while it is shown. `confirm` is the open confirmation box, for tests."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(self.tr("Restore from backup"))
        self.confirm: QMessageBox | None = None
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Made on"), self.tr("Why"), self.tr("Size")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(self.tr("Backups of this database, newest first"))
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = buttons.addButton(self.tr("Restore…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setToolTip(self.tr("Put the chosen backup in place of the database"))
        self.restore_button.clicked.connect(lambda: self.ask())
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(lambda: self.restore_button.setEnabled(self.chosen() is not None))
        self.resize(620, 360)
        self.backups: list[dbfiles.Backup] = []
        self.fill()

    def fill(self) -> None:
        path = self.window_.ctx.tasks.database.path
        self.backups = dbfiles.backups(path) if path is not None else []
        if path is None:
            self.intro.setText(self.tr("This database is on a server, which keeps its own backups."))
        elif not self.backups:
            self.intro.setText(self.tr("There are no backups of this database yet. MentorDesk makes one before "
                                       "every upgrade."))
        else:
            self.intro.setText(self.tr("Choose a backup to put in place of the database. The current database "
                                       "is kept beside it, so nothing is deleted."))
        self.table.setRowCount(len(self.backups))
        for row, backup in enumerate(self.backups):
            for column, text in enumerate((when_text(backup.when), reason_text(backup.reason),
                                           size_text(backup.size))):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        if self.backups:
            self.table.selectRow(0)
        self.restore_button.setEnabled(bool(self.backups))

    def chosen(self) -> dbfiles.Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def ask(self) -> QMessageBox | None:
        backup = self.chosen()
        if backup is None:
            return None
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Restore from backup"))
        box.setText(self.tr("Restore the backup made on %1?").replace("%1", when_text(backup.when)))
        box.setInformativeText(self.tr("Everything saved since then will no longer show. The current database "
                                       "is kept beside it, so you can go back to it."))
        box.restore_button = box.addButton(self.tr("Restore"), QMessageBox.ButtonRole.AcceptRole)  # type: ignore[attr-defined]
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: self.restore(backup) if button is box.restore_button else None)  # type: ignore[attr-defined]
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.confirm = box
        return box

    def restore(self, backup: dbfiles.Backup) -> bool:
        try:
            text = restore_and_reopen(self.window_, backup.path)
        except Exception as exc:  # noqa: BLE001 - said in one line; an unexpected one's details to the log
            from app.ui.errors import said

            self.message.setText(f"<span style='color:#b3261e'>{said(exc)}</span>")
            self.fill()
            return False
        self.window_.statusBar().showMessage(text, 20000)
        self.accept()
        return True


def restore_and_reopen(window: MainWindow, backup: Path) -> str:
    """Put `backup` in place of the window's database, bring it to this version, and reload the window.
    Returns what to tell the user."""
    from app import db
    from app.services.district.overview import start_info

    tasks = window.ctx.tasks
    database = tasks.database
    path = database.path
    if path is None:
        raise DatabaseError("This database is on a server, which keeps its own backups.")
    tasks.wait()  # nothing of the window is writing while the file is swapped
    database.engine.dispose()  # its connections closed (the window still has the file open: its marker stays)
    with database._write_lock:
        used, aside = dbfiles.restore(path, backup)
        db.upgrade_on_open(database.engine)  # an older backup is brought to this version (itself backed up first)
    _empty, years, _current = tasks.call(start_info, write=True)
    window.set_years(years)
    tasks.data_changed.emit()  # every page reloads from the restored file
    made = next((b.when for b in dbfiles.backups(path) if b.path == used), None)
    text = window.tr("Restored the backup made on %1.").replace("%1", when_text(made) if made else used.name)
    if aside is not None:
        text += " " + window.tr("The database it replaced is kept as %1.").replace("%1", aside.name)
    return text


def offer_restore_at_start(parent: QWidget | None, path: Path, problem: str) -> Any:
    """At start, the database failed its check: offer its newest good backup. Returns the backup
    restored, or None (the user chose to quit, or there is none)."""
    backup = dbfiles.latest_good_backup(path)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(box.tr("MentorDesk"))
    if backup is None:
        box.setText(box.tr("The database %1 is damaged (%2), and there is no backup of it.")
                    .replace("%1", str(path)).replace("%2", problem))
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        return None
    box.setText(box.tr("The database %1 is damaged (%2). MentorDesk was not closed properly last time.")
                .replace("%1", str(path)).replace("%2", problem))
    box.setInformativeText(box.tr("Restore the backup made on %1? The damaged file is kept beside it.")
                           .replace("%1", when_text(backup.when)))
    restore = box.addButton(box.tr("Restore the backup"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(box.tr("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        return None
    dbfiles.restore(path, backup.path)
    return backup
