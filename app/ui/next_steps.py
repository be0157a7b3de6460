"""The next step after work (issue 17): a line with links saying what is left to do, e.g. after a roster
import "2 beginning educators need a mentor -> Matching; 1 trained teacher is not in the mentor pool -> Add".
Used by the import wizard's last page and the Matching page."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

MATCHING, ADD = "matching", "add-to-pool"


def next_steps_html(steps: Any, *, matching_link: bool = True) -> str:
    parts = []
    if steps.need_mentor and matching_link:
        text = (f"{steps.need_mentor} beginning educator needs a mentor" if steps.need_mentor == 1
                else f"{steps.need_mentor} beginning educators need a mentor")
        parts.append(f"{text} &rarr; <a href='{MATCHING}'>Matching</a>")
    outside = len(steps.outside_pool)
    if outside:
        text = ("1 trained teacher is not in the mentor pool" if outside == 1
                else f"{outside} trained teachers are not in the mentor pool")
        names = ", ".join(name for _id, name in steps.outside_pool[:5]) + ("…" if outside > 5 else "")
        parts.append(f"{text} ({names}) &rarr; <a href='{ADD}'>Add</a>")
    return "; ".join(parts)


class NextStepsLabel(QLabel):
    """The line itself: Matching opens the page; Add puts the trained teachers in this year's pool (as the
    Mentors page's "Fill the pool" does), then the line is worked out again."""

    def __init__(self, ctx: Any, parent: QWidget | None = None, *, matching_link: bool = True,
                 on_added: Any = None, on_matching: Any = None):
        super().__init__(parent)
        self.ctx, self.matching_link = ctx, matching_link
        self.on_added, self.on_matching = on_added, on_matching
        self.steps: Any = None
        self.setWordWrap(True)
        self.setAccessibleName(self.tr("What to do next"))
        self.linkActivated.connect(self._link)
        self.hide()

    def load(self) -> None:
        from app.services.matching.next_steps import next_steps

        year = self.ctx.year_label
        self.ctx.tasks.run(lambda s: next_steps(s, year), on_success=self.show_steps, write=False)

    def show_steps(self, steps: Any) -> None:
        self.steps = steps
        html = next_steps_html(steps, matching_link=self.matching_link)
        self.setText(html)
        self.setVisible(bool(html))

    def _link(self, link: str) -> None:
        if link == MATCHING:
            if self.on_matching is not None:
                self.on_matching()
            window = self.parentWidget()  # up through the wizard to the page that opened it, and its window
            while window is not None and not hasattr(window, "show_area"):
                window = window.parentWidget()
            if window is None:
                from PySide6.QtWidgets import QApplication

                window = next((w for w in QApplication.topLevelWidgets()
                               if hasattr(w, "show_area") and w.isVisible()), None)
            if window is not None:
                window.show_area("matching")
        elif link == ADD and self.steps is not None:
            from app.services.matching.eligibility import fill_pool

            year = self.ctx.year_label

            def added(count: int) -> None:
                self.load()
                if self.on_added is not None:
                    self.on_added(count)

            self.ctx.tasks.run(lambda s: fill_pool(s, year), on_success=added)
