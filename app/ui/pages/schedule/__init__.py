"""The Schedule page: page.py holds the page (calendar, agenda, filters); week_view draws the week, and the
event, support team, bell schedule, attendance and calendar-file dialogs have their own modules."""

from app.ui.pages.schedule.page import SchedulePage

__all__ = ["SchedulePage"]
