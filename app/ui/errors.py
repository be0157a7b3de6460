"""Errors people can act on: domain errors as a plain message; anything unexpected logged with
its traceback to the log file and shown as a short dialog with "Copy details"."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import MentorDeskError
from app.logs import setup_logging as setup_logging  # the log the command line writes too (app/logs.py)

log = logging.getLogger("mentordesk")


def show_error(parent: QWidget | None, exc: BaseException, details: str = "") -> None:
    from app.services.server.access import AccessDeniedError

    if isinstance(exc, AccessDeniedError):  # the server's refusal, made plain by the task runner
        _show_refusal(parent, str(exc))
        return
    if isinstance(exc, MentorDeskError):
        QMessageBox.warning(parent, QApplication.translate("errors", "MentorDesk"), str(exc))
        return
    details = technical(exc, details)
    log.error("unexpected error\n%s", details)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QApplication.translate("errors", "Something went wrong"))
    box.setText(QApplication.translate("errors", "MentorDesk could not finish what you asked. Your saved work is safe."))
    box.setInformativeText(QApplication.translate(
        "errors", "Try again. If it happens again, send the log (Help > Open the log folder) to whoever supports "
                  "MentorDesk in your district; \"Show Details\" has what they need."))
    box.setDetailedText(details)  # behind the box's own "Show Details..." button
    copy = box.addButton(QApplication.translate("errors", "Copy details"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is copy:
        QApplication.clipboard().setText(details)


# SQLAlchemy prints a failed statement's values ("[parameters: ('Ana', ...)]"): names and notes, never
# for the screen or the log. The statement itself (column names) is kept for whoever supports the app.
_PARAMETERS = re.compile(r"\[parameters: [^\n]*")


def technical(exc: BaseException, details: str = "") -> str:
    """What went wrong for a developer: the error and its traceback, without any statement's values."""
    text = details or f"{type(exc).__name__}: {exc}"
    return _PARAMETERS.sub("[parameters: not shown]", text)


def said(exc: BaseException, details: str = "") -> str:
    """What the line beside a form says about a failed job: a domain error's own message; anything
    else (a programming error, whose text is Python's) a plain sentence, its details to the log."""
    if isinstance(exc, MentorDeskError):
        return str(exc)
    log.error("unexpected error\n%s", technical(exc, details))
    return QApplication.translate("errors", "That did not work: MentorDesk hit an unexpected problem and changed "
                                            "nothing. The log has the details (Help > Open the log folder).")


# The refusals on screen, by text: a page that loads several things it may not read says so once.
open_refusals: dict[str, QMessageBox] = {}


def _show_refusal(parent: QWidget | None, text: str) -> None:
    log.info("refused by the server: %s", text)
    if text in open_refusals:
        return
    box = QMessageBox(QMessageBox.Icon.Warning, QApplication.translate("errors", "Not available with your login"),
                      text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(lambda _result: open_refusals.pop(text, None))
    box.destroyed.connect(lambda *_: open_refusals.pop(text, None))
    open_refusals[text] = box
    box.open()  # not exec'd: the window goes on (and the other loads finish) while it is shown


def ask_stale(parent: QWidget, exc: BaseException, *, reload: Callable[[], None], overwrite: Callable[[], None],
              cancel: Callable[[], None] | None = None) -> QMessageBox:
    """Someone else saved the record since it was opened ("changed by X at 10:42"): Reload (take
    theirs, drop my edits), Overwrite (save mine over theirs) or Cancel (keep editing). Every form
    with optimistic locking asks this one way. Opened, not exec'd, so the event loop (and a test)
    goes on while it waits; the box's reload_button, overwrite_button and cancel_button are there
    for tests."""
    tr = lambda text: QApplication.translate("errors", text)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Changed by someone else"))
    box.setText(str(exc))
    box.setInformativeText(tr("Reload shows their version and drops your edits. "
                              "Overwrite saves your version over theirs."))
    box.reload_button = box.addButton(tr("Reload"), QMessageBox.ButtonRole.AcceptRole)  # type: ignore[attr-defined]
    box.overwrite_button = box.addButton(tr("Overwrite"), QMessageBox.ButtonRole.DestructiveRole)  # type: ignore[attr-defined]
    box.cancel_button = box.addButton(QMessageBox.StandardButton.Cancel)  # type: ignore[attr-defined]

    def answered(button: object) -> None:
        if button is box.reload_button:  # type: ignore[attr-defined]
            reload()
        elif button is box.overwrite_button:  # type: ignore[attr-defined]
            overwrite()
        elif cancel is not None:
            cancel()

    box.buttonClicked.connect(answered)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


def install_excepthook() -> None:
    import traceback

    def hook(exc_type, exc, tb):  # type: ignore[no-untyped-def]
        details = technical(exc, "".join(traceback.format_exception(exc_type, exc, tb)))
        log.error("uncaught exception\n%s", details)
        if QApplication.instance() is not None:
            show_error(None, exc, details)

    sys.excepthook = hook
