"""Where exports go, as good desktop software does it (issue 17): the save dialog opens in Documents the
first time and in the last folder used after that (remembered in the app's QSettings), and every export
ends with a small note offering to open the folder it went to."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

LAST_FOLDER_KEY = "export/last_folder"


def _settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "MentorDesk", "MentorDesk")


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def start_folder() -> Path:
    """The last folder an export went to, if it still exists; else Documents."""
    last = _settings().value(LAST_FOLDER_KEY, "", type=str)
    if last and Path(last).is_dir():
        return Path(last)
    return documents_folder()


def remember_folder(folder: Path) -> None:
    settings = _settings()
    settings.setValue(LAST_FOLDER_KEY, str(folder))
    settings.sync()


def save_path(parent: QWidget | None, title: str, file_name: str, file_filter: str = "") -> str:
    """The save dialog, opened in start_folder() with file_name suggested; "" when cancelled. The chosen
    folder is remembered for the next export."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start_folder() / file_name), file_filter)
    if path:
        remember_folder(Path(path).parent)
    return path


def folder_path(parent: QWidget | None, title: str) -> str:
    """The folder dialog, opened in start_folder(); "" when cancelled; the choice is remembered."""
    folder = QFileDialog.getExistingDirectory(parent, title, str(start_folder()))
    if folder:
        remember_folder(Path(folder))
    return folder


def open_folder(folder: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def offer_open_folder(parent: QWidget | None, path: str | Path, what: str = "") -> QMessageBox:
    """A note that does not block ("Saved <file>. [Open folder] [Close]"); Open folder shows the folder in
    the system's file manager. Returned so a caller (or a test) can reach its buttons."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(what or QMessageBox.tr("Saved"))
    box.setText(QMessageBox.tr("Saved %1 in %2.").replace("%1", path.name).replace("%2", str(folder)))
    button = box.addButton(QMessageBox.tr("Open folder"), QMessageBox.ButtonRole.ActionRole)
    button.setObjectName("open_folder")
    button.setToolTip(QMessageBox.tr("Show the folder in the file manager"))
    close = box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(close)
    button.clicked.connect(lambda _=False: open_folder(folder))
    box.setModal(False)
    box.show()
    return box
