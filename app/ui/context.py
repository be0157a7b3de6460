"""What every page gets: the task runner (the only way to the database), the chosen school year,
and the remembered window settings."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal

from app.ui.tasks import TaskRunner


class AppContext(QObject):
    year_changed = Signal(str)

    def __init__(self, tasks: TaskRunner, year_label: str, parent: QObject | None = None):
        super().__init__(parent)
        self.tasks = tasks
        self._year_label = year_label
        # Ini format under paths.config_dir() (set in application.make_qapp), never the registry.
        self.settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "MentorDesk", "MentorDesk")

    @property
    def year_label(self) -> str:
        return self._year_label

    def set_year(self, label: str) -> None:
        if label != self._year_label:
            self._year_label = label
            self.year_changed.emit(label)
