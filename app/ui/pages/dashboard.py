"""Dashboard: what needs attention this school year, one card per check (services/attention.py),
each with a way to the area where it is fixed. With no checks yet, a welcome that says what to do."""

from __future__ import annotations

import html
import uuid
from typing import Any

from PySide6 import QtCore  # Qt read at use: importing it builds ~100 enums (~50 ms) before the first paint
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.ui.dates import us_dates_in
from app.ui.pages.base import Page
from app.ui.widgets import quiet

STATUS_TEXT = {"overdue": ("Overdue", "#b00020"), "warning": ("Needs attention", "#8a6d00"), "ok": ("All good", "#2e7d32")}
ITEMS_SHOWN = 5


def area_title(key: str) -> str:
    from app.ui.main_window import AREAS

    return next((a.title for a in AREAS if a.key == key), key.capitalize())


def _load(session: Any, year: str) -> tuple[str, Any, list[Any]]:
    from app.services import attention, settings
    from app.services.roster.people_list import people_summary

    return settings.get(session, "district_name"), people_summary(session, year), attention.collect(session, year)


def next_steps(summary: Any, year: str) -> list[tuple[str, str]]:
    """Plain next steps for a district with no attention checks yet: (text, area)."""
    if summary.staff == 0:
        return [("Import your staff roster from People (Import roster…), or add educators one by one.", "people")]
    steps = []
    if summary.beginning == 0:
        steps.append((f"No beginning teachers are marked for {year}: check induction status in People, or "
                      f"import the roster for {year}.", "people"))
    else:
        steps.append((f"{summary.beginning} beginning teacher{'s' if summary.beginning != 1 else ''} in {year}: each needs a trained mentor "
                      "(603 CMR 7.12). Check their details in People.", "people"))
    steps.append((f"Check the first day of school for {year} in Settings: deadlines count from it.", "settings"))
    return steps


class DashboardPage(Page):
    title = "Dashboard"

    def __init__(self, ctx, parent: QWidget | None = None):  # type: ignore[no-untyped-def]
        super().__init__(ctx, parent)
        self.cards: list[Any] = []
        self.go_buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.counts = QLabel()
        self.counts.setAccessibleName(self.tr("District at a glance"))
        layout.addWidget(self.heading)
        layout.addWidget(self.counts)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(self.body)
        layout.addWidget(area, 1)

    def refresh(self) -> None:
        year = self.ctx.year_label
        self.ctx.tasks.run(lambda s: _load(s, year), on_success=self._loaded, write=False)

    def _loaded(self, result: tuple[str, Any, list[Any]]) -> None:
        district, summary, cards = result
        year = self.ctx.year_label
        self.cards = cards
        self.heading.setText(f"<h2>{html.escape(district)} · {year}</h2>")
        self.counts.setText(self.tr("%1 schools · %2 staff · %3 beginning and %4 incoming educators in %5")
                            .replace("%1", str(summary.schools)).replace("%2", str(summary.staff))
                            .replace("%3", str(summary.beginning)).replace("%4", str(summary.incoming))
                            .replace("%5", year))
        self._clear()
        if cards and summary.staff:  # with no one on the roster, cards would only say "all good"
            for card in cards:
                self.body_layout.addWidget(self._card(card))
        else:
            self.body_layout.addWidget(self._welcome(summary, year))
        self.body_layout.addStretch(1)

    def _clear(self) -> None:
        self.go_buttons = {}
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)  # gone from the page now, not at the next event loop turn
                widget.deleteLater()

    def _go_button(self, area: str, key: str) -> QPushButton:
        button = QPushButton(self.tr("Go to %1").replace("%1", self.tr(area_title(area))))
        button.setAccessibleName(self.tr("Go to %1").replace("%1", self.tr(area_title(area))))
        button.clicked.connect(lambda: self._go(area))
        self.go_buttons[key] = button
        return button

    def _go(self, area: str) -> None:
        window = self.window()
        if hasattr(window, "show_area"):
            window.show_area(area)

    def _card(self, card: Any) -> QFrame:
        frame = QFrame()
        frame.setObjectName(f"card_{card.key}")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setAccessibleName(card.title)
        box = QVBoxLayout(frame)
        status, color = STATUS_TEXT[card.status]
        top = QHBoxLayout()
        top.addWidget(QLabel(f"<b>{html.escape(card.title)}</b>"), 1)
        top.addWidget(QLabel(f"<span style='color:{color}'>{self.tr(status)}</span> · "
                             + (self.tr("%n to look at", "", len(card.items)).replace("%n", str(len(card.items)))
                                if card.items else self.tr("nothing to do"))))
        box.addLayout(top)
        if card.summary:
            summary = QLabel(card.summary)
            summary.setTextFormat(QtCore.Qt.TextFormat.PlainText)
            summary.setWordWrap(True)
            box.addWidget(summary)
        for item in card.items[:ITEMS_SHOWN]:
            box.addWidget(self._item_label(item))
        if len(card.items) > ITEMS_SHOWN:
            box.addWidget(QLabel(self.tr("…and %1 more").replace("%1", str(len(card.items) - ITEMS_SHOWN))))
        bottom = QHBoxLayout()
        bottom.addWidget(quiet(QLabel(card.citation)), 1)
        if card.area:
            bottom.addWidget(self._go_button(card.area, card.key))
        box.addLayout(bottom)
        return frame

    def _item_label(self, item: Any) -> QLabel:
        """An item about one person links to that person in People."""
        if item.educator_id is None:
            return QLabel("• " + html.escape(us_dates_in(item.text)))
        label = QLabel(f"• <a href='{item.educator_id}'>{html.escape(us_dates_in(item.text))}</a>")
        label.setAccessibleName(self.tr("Open %1 in People").replace("%1", item.text))
        label.linkActivated.connect(lambda link: self.open_person(uuid.UUID(link)))
        return label

    def open_person(self, educator_id: uuid.UUID) -> None:
        window = self.window()
        if hasattr(window, "show_area"):
            window.show_area("people").show_educator(educator_id)

    def _welcome(self, summary: Any, year: str) -> QFrame:
        frame = QFrame()
        frame.setObjectName("welcome")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(frame)
        box.addWidget(QLabel(f"<b>{self.tr('Welcome to MentorDesk')}</b>"))
        self.steps: list[QLabel] = []
        for index, (text, area) in enumerate(next_steps(summary, year)):
            row = QHBoxLayout()
            label = QLabel(self.tr(text))
            label.setWordWrap(True)
            self.steps.append(label)
            row.addWidget(label, 1)
            row.addWidget(self._go_button(area, f"step{index}"))
            box.addLayout(row)
        return frame
