"""Ratings by element and stage, for the SP, the PS and jointly, with calibration.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import StaleRecordError
from app.services import cap
from app.services.cap import rubrics as cap_rubrics
from app.ui.errors import ask_stale, show_error

if TYPE_CHECKING:
    from app.ui.pages.cap.page import CapPage


class RatingsPanel(QWidget):
    """Enter ratings per element and dimension; the calibration view sets SP and PS side by side."""

    def __init__(self, page: "CapPage"):
        super().__init__()
        self.page = page
        self.placement_id: uuid.UUID | None = None
        self.edition = ""
        self.levels: tuple[str, ...] = ()
        self.combos: dict[tuple[str, str], QComboBox] = {}
        self.base: cap.Loaded | None = None  # the grid's ratings as opened, with their versions (a save's check)
        self.stale_box: Any = None  # the "changed by X at 10:42" question, while it is open
        layout = QVBoxLayout(self)
        pick = QHBoxLayout()
        self.stage = QComboBox()
        self.stage.addItem(self.tr("Formative"), "formative")
        self.stage.addItem(self.tr("Summative"), "summative")
        self.stage.setAccessibleName(self.tr("Assessment step"))
        self.rater = QComboBox()
        self.rater.addItem(self.tr("SP and PS together (the rating)"), "joint")
        self.rater.addItem(self.tr("SP's own judgment"), "sp")
        self.rater.addItem(self.tr("PS's own judgment"), "ps")
        self.rater.setAccessibleName(self.tr("Whose rating"))
        self.save_button = QPushButton(self.tr("Save ratings"))
        self.save_button.clicked.connect(lambda: self.save())  # not clicked(bool) into `overwrite`
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Ratings save status"))
        for w in (self.stage, self.rater, self.save_button):
            pick.addWidget(w)
        pick.addWidget(self.message, 1)
        layout.addLayout(pick)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        layout.addWidget(self.grid_host)
        layout.addWidget(QLabel(self.tr("<b>Calibration</b>: SP and PS side by side; differences are marked")))
        self.calibration = QTableWidget(0, 3)
        self.calibration.setHorizontalHeaderLabels([self.tr("Element"), self.tr("SP (Q / S / C)"),
                                                    self.tr("PS (Q / S / C)")])
        self.calibration.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.calibration.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.calibration.setAccessibleName(self.tr("Calibration of SP and PS ratings"))
        self.calibration.verticalHeader().setVisible(False)
        layout.addWidget(self.calibration)
        self.stage.currentIndexChanged.connect(lambda _i: (self._load_grid(), self._fill_calibration()))
        self.rater.currentIndexChanged.connect(lambda _i: self._load_grid())
        self._calibration: dict[str, list[cap.CalibrationRow]] = {}

    def show_summary(self, s: cap.CandidateSummary, calibration: dict[str, list[cap.CalibrationRow]]) -> None:
        rubric = cap_rubrics.get(s.edition)
        self._calibration = calibration
        changed = self.placement_id != s.placement_id
        self.placement_id = s.placement_id
        if self.edition != s.edition:  # the grid follows the edition's elements and levels
            changed = True
            self.edition = s.edition
            self.levels = rubric.rating_levels
            while self.grid.count():
                item = self.grid.takeAt(0)
                if item.widget() is not None:
                    item.widget().hide()
                item.widget().deleteLater()
            self.combos = {}
            for c, dim in enumerate(rubric.dimensions):
                self.grid.addWidget(QLabel(f"<b>{dim.capitalize()}</b>"), 0, c + 1)
            for r, element in enumerate(rubric.elements):
                self.grid.addWidget(QLabel(f"{element.code} {element.name}"), r + 1, 0)
                for c, dim in enumerate(rubric.dimensions):
                    combo = QComboBox()
                    combo.addItem("", None)
                    for level in rubric.rating_levels:
                        combo.addItem(level, level)
                    combo.setAccessibleName(f"{element.code} {dim}")
                    self.grid.addWidget(combo, r + 1, c + 1)
                    self.combos[(element.code, dim)] = combo
        if changed:
            self.message.setText("")
        # ratings chosen and not saved yet stay (checked against what they were chosen over)
        if changed or self.base is None or self.values() == self.base.values:
            self._load_grid()
        self._fill_calibration()

    def values(self) -> dict[str, dict[str, str | None]]:
        """The grid: element -> dimension -> level (None: not rated)."""
        codes = sorted({code for code, _ in self.combos})
        return {code: {dim: self.combos[(code, dim)].currentData() for dim in ("quality", "scope", "consistency")}
                for code in codes}

    def _load_grid(self) -> None:
        """The chosen step's and rater's ratings as saved now, and their versions."""
        if self.placement_id is None:
            return
        placement_id, stage, rater = self.placement_id, self.stage.currentData(), self.rater.currentData()
        loaded = self.page.ctx.tasks.call(lambda s: cap.load_ratings(s, placement_id, stage, rater))
        for (code, dim), combo in self.combos.items():
            combo.setCurrentIndex(max(0, combo.findData((loaded.values.get(code) or {}).get(dim))))
        # the base as the grid shows it: a level the edition no longer has shows blank and stays unless changed
        self.base = cap.Loaded(self.values(), loaded.versions)

    def _fill_calibration(self) -> None:
        rows = self._calibration.get(self.stage.currentData(), [])
        self.calibration.setRowCount(len(rows))
        for r, row in enumerate(rows):
            mark = " \u26a0 " + self.tr("differ: ") + ", ".join(row.differences) if row.differences else ""
            texts = [f"{row.code}{mark}", " / ".join(row.sp[d] or "-" for d in ("quality", "scope", "consistency")),
                     " / ".join(row.ps[d] or "-" for d in ("quality", "scope", "consistency"))]
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if row.differences:
                    item.setBackground(Qt.GlobalColor.yellow)
                    item.setForeground(Qt.GlobalColor.black)
                self.calibration.setItem(r, c, item)

    def save(self, overwrite: bool = False) -> None:
        """Save the ratings changed in the grid; each element's rating is its own record (cap.save_ratings)."""
        if self.placement_id is None or self.base is None:
            return
        stage, rater, placement_id = self.stage.currentData(), self.rater.currentData(), self.placement_id
        values, loaded = self.values(), self.base

        def done(_result: object) -> None:
            if (self.placement_id, self.stage.currentData(), self.rater.currentData()) == (placement_id, stage, rater):
                self._load_grid()  # the new versions
            self.message.setText(self.tr("Ratings saved."))

        def failed(exc: BaseException, details: str) -> None:
            if not isinstance(exc, StaleRecordError):
                show_error(self, exc, details)
                return
            self.message.setText(self.tr("Not saved: someone else changed a rating."))
            self.stale_box = ask_stale(self, exc, reload=self.reload, overwrite=lambda: self.save(overwrite=True),
                                       cancel=lambda: self.message.setText(self.tr("Not saved: your ratings are "
                                                                                   "still here.")))

        self.page.ctx.tasks.run(lambda s: cap.save_ratings(s, placement_id, stage=stage, rater=rater, ratings=values,
                                                           loaded=loaded, overwrite=overwrite),
                                on_success=done, on_error=failed)

    def reload(self) -> None:
        self._load_grid()
        self.message.setText(self.tr("Showing the ratings as saved now."))


class ElementList(QListWidget):
    """The elements as check boxes: Up/Down move, Space ticks; Tab leaves."""

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Space and self.currentItem() is not None:
            item = self.currentItem()
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)


