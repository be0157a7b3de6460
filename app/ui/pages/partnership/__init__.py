"""The Partnership page (the student-teaching partnership toolkit): page.py holds the page and its tabs,
dialogs.py the forms it opens."""

from app.ui.pages.partnership.page import PartnershipPage

__all__ = ["PartnershipPage"]
