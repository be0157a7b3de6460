"""The Time Logs page: page.py holds the page (entries, totals, hours); quick_entry is the keyboard-first
form, entries the lazy table model, dialogs the entry, import and topics dialogs."""

from app.ui.pages.timelogs.page import TimeLogsPage

__all__ = ["TimeLogsPage"]
