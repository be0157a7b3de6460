"""The menu bar: File (import and export the roster, open the data folder, restore a backup, the audit trail, quit), Go (every page with
its Ctrl+number, and Ctrl+L to log time from anywhere), Help (keyboard shortcuts, about, the log folder).
Every action is connected through a lambda that takes no `checked` argument (issue 17)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QUrl,  # not Qt: the menus are built before the first paint (see main_window)
)
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from app import paths

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

# What the keyboard does where; the Help menu shows it. Page-level keys are defined by the pages.
PAGE_KEYS = (
    ("Anywhere", "Ctrl+1 … Ctrl+9, Ctrl+0, Ctrl+Shift+1", "go to a page (the Go menu lists them)"),
    ("Anywhere", "Ctrl+L", "log a mentoring session (Time Logs, quick entry)"),
    ("Anywhere", "Ctrl+Q", "quit"),
    ("People", "Ctrl+I / Ctrl+E / Ctrl+N", "import the roster / export it / add an educator"),
    ("Matching", "Ctrl+Return / Ctrl+K / Ctrl+D / Ctrl+M", "accept / lock / exclude / move the selected pair"),
    ("Matching", "Ctrl+Shift+A", "apply all proposals"),
    ("Time Logs", "Enter", "save the session being typed"),
    ("Schedule", "Ctrl+N", "new event"),
    ("CAP", "Ctrl+O / Ctrl+E", "to the observation form / to the evidence"),
    ("CAP", "Ctrl+S or Ctrl+Enter", "save the observation or evidence being typed"),
    ("Reports", "Ctrl+W", "why this number? (the rows behind a figure)"),
)


def _action(menu: QMenu, text: str, slot: Callable[[], object], shortcut: str = "", tip: str = "") -> QAction:
    action = menu.addAction(text)
    if shortcut:
        action.setShortcuts([QKeySequence(shortcut)])  # setShortcut(...) builds the Qt namespace (~50 ms) before the first paint
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def data_folder(window: MainWindow) -> Path:
    """The folder of the open SQLite file; for a server database, MentorDesk's own data folder."""
    url = window.ctx.tasks.database.url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.split("///", 1)[1]).parent
    return paths.data_dir()


def open_folder(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def area_shortcut(index: int) -> str:
    """Ctrl+1 ... Ctrl+9, Ctrl+0 for the first ten areas; Ctrl+Shift+1 ... for the ones after them."""
    return f"Ctrl+{(index + 1) % 10}" if index < 10 else f"Ctrl+Shift+{index - 9}"


def build_menus(window: MainWindow, areas: Sequence[Any]) -> dict[str, QAction]:
    """The window's menu bar; `areas` are the sidebar's (main_window.AREAS). Returns the actions by a
    short key (for tests)."""
    tr = window.tr
    bar = window.menuBar()
    actions: dict[str, QAction] = {}

    file = bar.addMenu(tr("&File"))
    actions["import"] = _action(file, tr("&Import roster…"), lambda: window.show_area("people").import_roster(),
                                tip=tr("Import a staff roster from CSV or Excel (People)"))
    actions["export"] = _action(file, tr("&Export roster…"), lambda: window.show_area("people").export_roster(),
                                tip=tr("Export the staff roster to CSV or Excel (People)"))
    file.addSeparator()
    actions["data_folder"] = _action(file, tr("Open the &data folder"), lambda: open_folder(data_folder(window)),
                                     tip=tr("Show the folder that holds the database in the file manager"))
    actions["restore"] = _action(file, tr("&Restore from backup…"), lambda: open_restore(window),
                                 tip=tr("Put a backup in place of the database (the current one is kept aside)"))
    actions["audit"] = _action(file, tr("&Audit trail…"), lambda: open_audit(window),
                               tip=tr("Who added, opened, exported or decrypted confidential data, and when"))
    file.addSeparator()
    actions["quit"] = _action(file, tr("&Quit"), window.close, "Ctrl+Q")
    actions["quit"].setMenuRole(QAction.MenuRole.QuitRole)

    go = bar.addMenu(tr("&Go"))
    for index, area in enumerate(areas):
        actions[f"go_{area.key}"] = _action(go, f"{tr(area.title)}", lambda k=area.key: window.show_area(k),
                                            area_shortcut(index))
    go.addSeparator()
    actions["log_time"] = _action(go, tr("&Log time"), window.log_time, "Ctrl+L",
                                  tip=tr("Log a mentoring session (Time Logs, quick entry)"))

    help_menu = bar.addMenu(tr("&Help"))
    actions["shortcuts"] = _action(help_menu, tr("&Keyboard shortcuts"), lambda: show_shortcuts(window), "F1")
    actions["log_folder"] = _action(help_menu, tr("Open the &log folder"), lambda: open_folder(paths.log_dir()),
                                    tip=tr("The log holds what went wrong, for support; it holds no names"))
    help_menu.addSeparator()
    actions["about"] = _action(help_menu, tr("&About MentorDesk"), lambda: show_about(window))
    actions["about"].setMenuRole(QAction.MenuRole.AboutRole)
    return actions


def open_restore(window: MainWindow) -> Any:
    """File > Restore from backup…: the list of backups (app/ui/restore.py), opened beside the window."""
    from app.ui.restore import RestoreDialog

    dialog = RestoreDialog(window)
    window.restore_dialog = dialog  # type: ignore[attr-defined]  # for tests, and so it is not collected
    dialog.open()
    return dialog


def open_audit(window: MainWindow) -> Any:
    """File > Audit trail… (app/ui/audit_view.py)."""
    from app.ui.audit_view import open_audit as open_view

    return open_view(window)


def shortcuts_html() -> str:
    rows = "".join(f"<tr><td>{where}</td><td><b>{keys}</b></td><td>{what}</td></tr>" for where, keys, what in PAGE_KEYS)
    return f"<table cellspacing='6'><tr><th align='left'>Where</th><th align='left'>Keys</th>" \
           f"<th align='left'>What</th></tr>{rows}</table>"


def show_shortcuts(window: MainWindow) -> QMessageBox:
    from PySide6.QtCore import Qt

    box = QMessageBox(window)
    box.setWindowTitle(window.tr("Keyboard shortcuts"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(shortcuts_html())
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.exec()
    return box


def show_about(window: MainWindow) -> None:
    from app import __version__

    QMessageBox.about(window, window.tr("About MentorDesk"), window.tr(
        "<h3>MentorDesk %1</h3><p>Teacher induction and mentoring (603 CMR 7.12) and the Candidate Assessment "
        "of Performance for Massachusetts districts, kept on this computer.</p><p>Data: %2<br>Log: %3</p>")
        .replace("%1", __version__).replace("%2", str(data_folder(window))).replace("%3", str(paths.log_dir())))
