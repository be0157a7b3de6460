"""Clicking through the real window as a new user would: every page, every tab, the first row of every
table and list, every enabled button (with qtbot.mouseClick, which sends clicked(False) like a person) and
every action of a button's menu. Dialogs are recorded and answered "Cancel": the modal ones through
patched exec / static functions, the ones opened with open()/show() by closing every window that is
not the main window after each click, and any modal loop Qt starts by itself by a timer.

Recorded: every dialog (class, title, minimum size), every error shown (app.ui.errors.show_error), every
unexpected exception (sys.excepthook), every page or tab that makes the window's minimum size larger than
a 1366x768 laptop screen (1366x728 available under a 40-px taskbar)."""

from __future__ import annotations

import re
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QToolButton,
    QWidget,
)

SCREEN_W, SCREEN_H = 1366, 728  # a 1366x768 laptop with a 40-px taskbar

# Buttons not clicked: each would block or end the crawl, not reveal a bug. Keep this tiny.
SKIP = {
    "Quit",  # a menu action that closes the window
}


@dataclass
class Crawl:
    dialogs: list[tuple[str, str, int, int]] = field(default_factory=list)  # (where, title, min w, min h)
    errors: list[str] = field(default_factory=list)  # unexpected errors shown or raised
    messages: list[str] = field(default_factory=list)  # plain domain messages shown (not failures)
    too_big: list[str] = field(default_factory=list)
    clicked: list[str] = field(default_factory=list)
    where: str = ""
    qtbot: Any = None  # set: the buttons inside each modal dialog are clicked too, before it is cancelled
    in_dialog: bool = False
    accept: bool = False  # the second pass: dialogs accepted with their defaults where that is safe
    folder: Any = None  # the second pass: where a save dialog's file goes (a temporary folder)
    accepted: list[str] = field(default_factory=list)  # dialogs the second pass accepted
    saved: list[str] = field(default_factory=list)  # paths the second pass gave a save dialog

    def dialog(self, widget: QWidget, title: str = "") -> None:
        hint = widget.minimumSizeHint() if widget is not None else None
        width = max(hint.width(), widget.minimumWidth()) if hint is not None else 0
        height = max(hint.height(), widget.minimumHeight()) if hint is not None else 0
        self.dialogs.append((self.where, title or (widget.windowTitle() if widget is not None else ""),
                             width, height))
        if width > SCREEN_W or height > SCREEN_H:
            self.too_big.append(f"dialog {title or widget.windowTitle()!r} at {self.where}: {width}x{height}")


def _label(button: QAbstractButton) -> str:
    return (button.text() or button.toolTip() or button.accessibleName() or button.objectName()).replace("&", "")


def patch_dialogs(monkeypatch: Any, crawl: Crawl) -> None:
    """Every way the app asks the user, answered "Cancel" (or an empty path) and recorded."""

    def rejected(self: QDialog) -> int:
        crawl.dialog(self)
        if crawl.accept:
            return accept_dialog(self, crawl)
        if crawl.qtbot is not None and not crawl.in_dialog and not isinstance(self, _STANDARD):
            crawl.in_dialog = True
            try:
                inside_dialog(self, crawl)
            finally:
                crawl.in_dialog = False
        return int(QDialog.DialogCode.Rejected)

    for cls in (QDialog, QMessageBox, QInputDialog, QFileDialog):
        if "exec" in cls.__dict__ or cls is QDialog:
            monkeypatch.setattr(cls, "exec", rejected)

    def box(kind: str):  # type: ignore[no-untyped-def]
        def ask(parent: Any, title: str, text: str = "", buttons: Any = None, *_a: Any, **_k: Any) -> Any:
            crawl.dialogs.append((crawl.where, f"{kind}: {title}", 0, 0))
            if kind == "critical":
                crawl.errors.append(f"{crawl.where}: critical box {title!r}: {text}")
            elif kind == "warning":
                crawl.messages.append(f"{crawl.where}: {text}")
            if kind == "question":
                if crawl.accept and not DESTRUCTIVE.search(f"{title} {text}"):
                    crawl.accepted.append(f"{crawl.where}: question {title!r}")
                    return QMessageBox.StandardButton.Yes
                return QMessageBox.StandardButton.Cancel
            return QMessageBox.StandardButton.Ok
        return staticmethod(ask)

    for kind in ("question", "warning", "information", "critical", "about"):
        monkeypatch.setattr(QMessageBox, kind, box(kind))

    def no_path(*_a: Any, **_k: Any) -> tuple[str, str]:
        crawl.dialogs.append((crawl.where, "file dialog", 0, 0))
        return "", ""

    def save_path(parent: Any = None, caption: str = "", directory: str = "", filt: str = "",
                  *_a: Any, **k: Any) -> tuple[str, str]:
        """The second pass: the file the dialog suggests, in the temporary folder."""
        crawl.dialogs.append((crawl.where, f"save dialog {caption}", 0, 0))
        if not crawl.accept:
            return "", ""
        from pathlib import Path

        name = Path(k.get("dir", directory) or "saved").name or "saved"
        path = Path(crawl.folder) / f"{len(crawl.saved):03d}-{name}"
        crawl.saved.append(str(path))
        return str(path), filt

    def folder_path(*_a: Any, **_k: Any) -> str:
        crawl.dialogs.append((crawl.where, "folder dialog", 0, 0))
        if not crawl.accept:
            return ""
        from pathlib import Path

        path = Path(crawl.folder) / f"{len(crawl.saved):03d}-folder"
        path.mkdir(parents=True, exist_ok=True)
        crawl.saved.append(str(path))
        return str(path)

    def item(parent: Any, title: str, label: str, items: Any = (), current: int = 0, *_a: Any, **_k: Any) -> Any:
        crawl.dialogs.append((crawl.where, "input getItem", 0, 0))
        items = list(items)
        if crawl.accept and items:
            crawl.accepted.append(f"{crawl.where}: item {title!r}")
            return items[min(max(current, 0), len(items) - 1)], True
        return "", False

    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: crawl.dialogs.append((crawl.where, f"opened {url}", 0, 0)) or True))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(no_path))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_path))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(folder_path))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(item))
    for name, empty in (("getText", ""), ("getInt", 0), ("getDouble", 0.0),
                        ("getMultiLineText", "")):
        monkeypatch.setattr(QInputDialog, name,
                            staticmethod(lambda *a, _e=empty, _n=name, **k: (
                                crawl.dialogs.append((crawl.where, f"input {_n}", 0, 0)), (_e, False))[1]))


_STANDARD = (QMessageBox, QInputDialog, QFileDialog)

# Questions the second pass does not answer "Yes": each would throw away data the rest of the crawl uses.
DESTRUCTIVE = re.compile(r"delet|remov|discard|erase|restore|overwrite|replace|quit|withdraw|reset", re.IGNORECASE)


def accept_dialog(dialog: QDialog, crawl: Crawl) -> int:
    """The second pass: a modal dialog shown and its OK/Save button clicked with what it shows by default.
    A message box answers its default button (Yes only when the question is not destructive). The result is
    what the dialog itself decided (its own checks may keep it open: then it counts as cancelled)."""
    from PySide6.QtWidgets import QDialogButtonBox

    if isinstance(dialog, QMessageBox):
        default = dialog.defaultButton()
        if default is not None and not DESTRUCTIVE.search(dialog.text() + dialog.windowTitle()):
            crawl.accepted.append(f"{crawl.where}: message {dialog.windowTitle()!r}")
            return int(dialog.standardButton(default))
        return int(QMessageBox.StandardButton.Cancel)
    if isinstance(dialog, _STANDARD):
        return int(QDialog.DialogCode.Rejected)
    dialog.setResult(int(QDialog.DialogCode.Rejected))
    dialog.show()
    QApplication.processEvents()
    for box in dialog.findChildren(QDialogButtonBox):
        for button in box.buttons():
            role = box.buttonRole(button)
            if role in (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole) \
                    and button.isEnabled() and button.isVisible():
                crawl.accepted.append(f"{crawl.where}: dialog {dialog.windowTitle()!r} > {_label(button)!r}")
                crawl.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
                QApplication.processEvents()
                error_text_on_screen(dialog, crawl) if _alive(dialog) else None
                break
        else:
            continue
        break
    if not _alive(dialog):
        return int(QDialog.DialogCode.Accepted)
    result = dialog.result()
    dialog.hide()
    return int(result)


def inside_dialog(dialog: QDialog, crawl: Crawl) -> None:
    """A modal dialog's own buttons (not OK/Save/Cancel), clicked while it is shown; then it is hidden."""
    from PySide6.QtWidgets import QDialogButtonBox

    where = crawl.where
    dialog.show()
    QApplication.processEvents()
    select_first_rows(dialog)
    for button in dialog.findChildren(QPushButton):
        if not _alive(button) or not button.isVisible() or not button.isEnabled():
            continue
        if isinstance(button.parent(), QDialogButtonBox) or _label(button) in SKIP:
            continue
        crawl.where = f"{where} > dialog {dialog.windowTitle()!r} > {_label(button)!r}"
        crawl.clicked.append(crawl.where)
        crawl.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        QApplication.processEvents()
        error_text_on_screen(dialog, crawl)
    crawl.where = where
    if _alive(dialog):
        dialog.hide()


def patch_errors(monkeypatch: Any, crawl: Crawl) -> None:
    """show_error records instead of showing; an unexpected exception anywhere is recorded."""
    from app.errors import MentorDeskError
    from app.ui import errors

    def record(parent: Any, exc: BaseException, details: str = "") -> None:
        if isinstance(exc, MentorDeskError) and not isinstance(exc.__cause__, (TypeError, AttributeError)):
            crawl.messages.append(f"{crawl.where}: {exc}")
        else:
            crawl.errors.append(f"{crawl.where}: {type(exc).__name__}: {exc}\n{details}")

    monkeypatch.setattr(errors, "show_error", record)
    for name, module in list(sys.modules.items()):
        if name.startswith("app.ui") and getattr(module, "show_error", None) is not None:
            monkeypatch.setattr(module, "show_error", record)

    def hook(exc_type: Any, exc: BaseException, tb: Any) -> None:
        crawl.errors.append(f"{crawl.where}: uncaught " + "".join(traceback.format_exception(exc_type, exc, tb)))

    monkeypatch.setattr(sys, "excepthook", hook)


def close_other_windows(window: QWidget, crawl: Crawl) -> None:
    """Dialogs opened with open()/show() and popups: recorded, then closed."""
    popup = QApplication.activePopupWidget()
    while popup is not None:
        popup.close()
        popup = QApplication.activePopupWidget()
    for widget in QApplication.topLevelWidgets():
        if widget is window or not widget.isVisible() or not widget.isWindow():
            continue
        if widget.windowType() in (Qt.WindowType.ToolTip, Qt.WindowType.Popup):
            widget.close()
            continue
        crawl.dialog(widget)
        if crawl.accept and isinstance(widget, QDialog) and not isinstance(widget, _STANDARD):
            accept_dialog(widget, crawl)
        if not _alive(widget):
            continue
        if isinstance(widget, QDialog):
            widget.reject()
        widget.close()


def safety_timer(crawl: Crawl) -> QTimer:
    """Modal loops Qt starts itself (a tool button's menu): closed after a moment."""
    timer = QTimer()
    timer.setInterval(200)

    def close_modal() -> None:
        modal = QApplication.activeModalWidget() or QApplication.activePopupWidget()
        if modal is not None:
            crawl.dialog(modal, f"modal {type(modal).__name__} {modal.windowTitle()}")
            modal.close()

    timer.timeout.connect(close_modal)
    timer.start()
    return timer


# What Python, not a person, says: an exception's text put in a label by an error handler.
PYTHON_TEXT = re.compile(r"Traceback|object has no attribute|argument after \*\*|positional argument|"
                         r"unexpected keyword|not bool|NoneType|\[SQL:|\[parameters:|[A-Z][a-z]+Error:")


def error_text_on_screen(window: QWidget, crawl: Crawl) -> None:
    for widget in window.findChildren(QLabel) + window.findChildren(QPlainTextEdit):
        if not _alive(widget) or not widget.isVisible():
            continue
        text = widget.text() if isinstance(widget, QLabel) else widget.toPlainText()
        if PYTHON_TEXT.search(text):
            crawl.errors.append(f"{crawl.where}: on screen: {text[:300]}")


def _alive(widget: QWidget) -> bool:
    return shiboken6.isValid(widget)


def select_first_rows(root: QWidget) -> None:
    for view in root.findChildren(QAbstractItemView):
        if not _alive(view) or not view.isVisible() or view.model() is None:
            continue
        if view.model().rowCount() > 0 and not view.currentIndex().isValid():
            view.setCurrentIndex(view.model().index(0, 0))
    QApplication.processEvents()


def check_size(window: QWidget, crawl: Crawl) -> None:
    hint = window.minimumSizeHint()
    width = max(hint.width(), window.minimumWidth())
    height = max(hint.height(), window.minimumHeight())
    if width > SCREEN_W or height > SCREEN_H:
        crawl.too_big.append(f"window at {crawl.where}: minimum {width}x{height}")
    if window.width() > SCREEN_W or window.height() > SCREEN_H:
        crawl.too_big.append(f"window at {crawl.where}: grew to {window.width()}x{window.height()}")


def click_everything(qtbot: Any, window: QWidget, root: QWidget, crawl: Crawl, done: set[int]) -> None:
    """Every visible enabled button under root, once; after each, the dialogs it opened are closed."""
    for button in root.findChildren(QAbstractButton):
        if not isinstance(button, (QPushButton, QToolButton)) or not _alive(button) or id(button) in done:
            continue
        if not button.isVisible() or not button.isEnabled() or _label(button) in SKIP:
            continue
        done.add(id(button))
        where = crawl.where
        crawl.where = f"{where} > {_label(button)!r}"
        crawl.clicked.append(crawl.where)
        menu = button.menu()
        if menu is not None:
            for action in menu.actions():
                if action.isEnabled() and not action.isSeparator() and action.text().replace("&", "") not in SKIP:
                    crawl.where = f"{where} > {_label(button)!r} > {action.text()!r}"
                    action.trigger()
                    close_other_windows(window, crawl)
        else:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(button.width() // 2,
                                                                          button.height() // 2))
        QApplication.processEvents()
        error_text_on_screen(window, crawl)
        close_other_windows(window, crawl)
        crawl.where = where


def trigger_menus(window: Any, crawl: Crawl) -> None:
    """Every enabled action of the menu bar (Quit excepted), as a person choosing it."""
    for top in window.menuBar().actions():
        for action in top.menu().actions():
            text = action.text().replace("&", "")
            if action.isSeparator() or not action.isEnabled() or text in SKIP:
                continue
            crawl.where = f"menu {top.text().replace('&', '')} > {text}"
            crawl.clicked.append(crawl.where)
            action.trigger()
            QApplication.processEvents()
            error_text_on_screen(window, crawl)
            check_size(window, crawl)
            close_other_windows(window, crawl)


def visit_tabs(qtbot: Any, window: QWidget, root: QWidget, crawl: Crawl, done: set[int]) -> None:
    """Every tab of every tab widget under root (nested ones too), first rows selected, buttons clicked."""
    where = crawl.where
    select_first_rows(root)
    check_size(window, crawl)
    click_everything(qtbot, window, root, crawl, done)
    for tabs in root.findChildren(QTabWidget):
        if not _alive(tabs) or not tabs.isVisible() or id(tabs) in done:
            continue
        done.add(id(tabs))
        for index in range(tabs.count()):
            if not tabs.isTabEnabled(index):
                continue
            tabs.setCurrentIndex(index)
            QApplication.processEvents()
            crawl.where = f"{where} / tab {tabs.tabText(index).replace('&', '')!r}"
            visit_tabs(qtbot, window, tabs.widget(index), crawl, done)
    crawl.where = where
