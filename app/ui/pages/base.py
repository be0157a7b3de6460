"""The base of every sidebar page: refreshes when data changes, but only while it is shown."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.context import AppContext


class Page(QWidget):
    title = "Page"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.tasks.data_changed.connect(self._on_data_changed)
        ctx.year_changed.connect(self._on_data_changed)

    def activate(self) -> None:
        """Called when the page is shown."""
        if self._stale:
            self._stale = False
            self.refresh()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.activate()

    def refresh(self) -> None:
        """Reload what the page shows (through ctx.tasks)."""

    def _on_data_changed(self, *_args: object) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True


class ComingPage(Page):
    """An area not built yet says plainly what is coming (no dead buttons)."""

    def __init__(self, ctx: AppContext, title: str, coming: str, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.title = title
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{title}</h2>")
        text = QLabel(self.tr("Coming in a later version: ") + coming)
        text.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addStretch(1)
