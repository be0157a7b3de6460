"""The unlock dialog shown at start when the database is encrypted (issue 18) and neither a passphrase
file nor the OS keyring opens it: the passphrase or the recovery key, typed hidden; a wrong one says so
and lets the person try again; Cancel quits without opening anything."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
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
