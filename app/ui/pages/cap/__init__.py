"""The CAP page (supervising practitioners): page.py holds the page and says how it works; each panel of a
candidate's screen has its own module (cycle_panel, observation_form, evidence, ratings), built from the
drafted-form widgets in drafted.py."""

from app.ui.pages.cap.page import CapPage

__all__ = ["CapPage"]
