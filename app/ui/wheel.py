"""No wheel changes to a combo box or spin box the user has not chosen (issue 17: scrolling the People
form with the mouse wheel silently changed an induction status). An application-wide event filter:
such widgets take the focus by click or Tab only (not by the wheel), and a wheel event over one that
has no focus is passed on, so the form around it scrolls instead."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget

_WHEEL = QEvent.Type.Wheel
_POLISH = QEvent.Type.Polish
_GUARDED = (QComboBox, QAbstractSpinBox)


def _guarded(obj: QObject) -> QWidget | None:
    """The combo or spin box that obj is, or is part of (a spin box's line edit)."""
    if isinstance(obj, _GUARDED):
        return obj  # type: ignore[return-value]
    parent = obj.parent() if isinstance(obj, QWidget) else None
    return parent if isinstance(parent, _GUARDED) else None


class WheelGuard(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.armed = False  # focus policies are changed only after the first paint (see arm)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == _WHEEL:
            widget = _guarded(obj)
            if widget is not None and not widget.hasFocus():
                event.ignore()  # Qt offers an ignored wheel event to the parents: the scroll area scrolls
                return True
        elif kind == _POLISH and self.armed and isinstance(obj, _GUARDED):
            _no_wheel_focus(obj)  # type: ignore[arg-type]
        return False

    def arm(self) -> None:
        """Reading or setting a focus policy builds PySide6's Qt namespace (~50 ms), so widgets made
        before the first paint are fixed just after it, and every later one when it is polished."""
        from PySide6.QtWidgets import QApplication

        if not self.armed:
            self.armed = True
            for widget in QApplication.allWidgets():
                if isinstance(widget, _GUARDED):
                    _no_wheel_focus(widget)


def _no_wheel_focus(widget: QWidget) -> None:
    from PySide6.QtCore import Qt

    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # else the wheel gives it the focus, then turns it


def install(app: QObject) -> WheelGuard:
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard


def arm() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        install(app).arm()
