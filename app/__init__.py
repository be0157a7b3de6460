"""MentorDesk: local-first induction, mentoring and CAP tracking for Massachusetts districts."""

__version__ = "0.1.0"
