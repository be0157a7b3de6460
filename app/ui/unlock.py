"""The unlock dialog shown at start when the database is encrypted (issue 18) and neither a passphrase
file nor the OS keyring opens it: the passphrase or the recovery key, typed hidden; a wrong one says so
and lets the person try again; Cancel quits without opening anything.

A new database is encrypted (issue 18): its key is kept by the OS keyring when there is one; otherwise the
first start asks for a passphrase (typed twice). Either way the recovery key is shown once, to print."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app import dbkeys


class UnlockDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.db_path = db_path
        self.setWindowTitle("Unlock MentorDesk")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{db_path.name} is encrypted. Type its passphrase, or the recovery key you printed."))
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("passphrase or recovery key")
        layout.addWidget(self.secret)
        self.problem = QLabel("")
        self.problem.setStyleSheet("color: #b00020")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock")
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _try(self) -> None:
        if dbkeys.unlock(self.db_path, self.secret.text()):
            self.secret.clear()
            self.accept()
            return
        self.secret.clear()
        self.problem.setText("That passphrase or recovery key does not open this database. Try again.")


def unlock_at_start(db_path: Path | None) -> bool:
    """True when the database may be opened: plain, already unlocked, or unlocked in the dialog."""
    if db_path is None or not dbkeys.needs_secret(db_path):
        return True
    return UnlockDialog(db_path).exec() == QDialog.DialogCode.Accepted


class NewPassphraseDialog(QDialog):
    """A passphrase for a new encrypted database, typed twice (no OS keyring on this computer)."""

    def __init__(self, db_path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Protect the new database")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        text = QLabel(f"MentorDesk keeps {db_path.name} encrypted. This computer has no keyring to keep its key, "
                      f"so choose a passphrase (at least {dbkeys.MIN_PASSPHRASE} characters). You will type it "
                      "each time MentorDesk starts.")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.first = QLineEdit()
        self.second = QLineEdit()
        for box, hint in ((self.first, "passphrase"), (self.second, "the same passphrase again")):
            box.setEchoMode(QLineEdit.EchoMode.Password)
            box.setPlaceholderText(hint)
            layout.addWidget(box)
        self.problem = QLabel("")
        self.problem.setStyleSheet("color: #b00020")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _try(self) -> None:
        if len(self.first.text()) < dbkeys.MIN_PASSPHRASE:
            self.problem.setText(f"Use at least {dbkeys.MIN_PASSPHRASE} characters.")
        elif self.first.text() != self.second.text():
            self.problem.setText("The two passphrases differ. Type them again.")
            self.second.clear()
        else:
            self.accept()

    def passphrase(self) -> str:
        return self.first.text()


def ask_new_passphrase(db_path: Path) -> str | None:
    """The chosen passphrase, or None when the person cancelled (nothing is created)."""
    dialog = NewPassphraseDialog(db_path)
    return dialog.passphrase() if dialog.exec() == QDialog.DialogCode.Accepted else None


def recovery_key_box(recovery: str, kept_by: str, parent: QWidget | None = None) -> QMessageBox:
    """The recovery key of a new encrypted database, shown this once, selectable to copy or print."""
    box = QMessageBox(parent)
    box.setWindowTitle("Your recovery key")
    box.setIcon(QMessageBox.Icon.Information)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(f"<p>Your new database is encrypted; its key is kept {html.escape(kept_by)}.</p><p>Recovery key:</p>"
                f"<p style='white-space: nowrap; font-family: monospace; font-size: large'><b>{html.escape(recovery)}</b></p>")
    box.setInformativeText("Print it or write it down and keep it somewhere safe: it opens the database if the "
                           "passphrase or this computer is lost. MentorDesk shows it only this once.")
    box.setTextInteractionFlags(box.textInteractionFlags() | Qt.TextInteractionFlag.TextSelectableByMouse)
    return box
