"""Controlled vocabularies shared by models, validation, imports and the UI.

The values are public: import files and scripts use them (DESIGN.md, "Public import formats").
"""

from __future__ import annotations

ROLES = ("teacher", "administrator", "specialist")

# 603 CMR 7.04. "Preliminary" is the older name of Provisional; Emergency licenses (2020 law)
# are no longer issued but still appear in rosters; Military Spouse is a current type.
LICENSE_TYPES = ("Provisional", "Initial", "Professional", "Temporary", "Emergency", "Military Spouse")
LICENSE_ALIASES = {"preliminary": "Provisional", "prelim": "Provisional", "prof": "Professional"}

# 603 CMR 35 summative performance ratings, best first.
RATINGS = ("Exemplary", "Proficient", "Needs Improvement", "Unsatisfactory")
RATING_ALIASES = {"ni": "Needs Improvement", "needsimprovement": "Needs Improvement", "u": "Unsatisfactory"}

INDUCTION_STATUSES = ("beginning", "incoming", "none")

# Grade levels in order; spans like "9-12", "PK-2", "K;1;2" and "All" expand over this list.
GRADES = ("PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")

ASSIGNMENT_END_REASONS = (
    "completed",
    "reassigned",
    "mentor_left",
    "mentee_left",
    "hold_harmless",
    "other",
)

MENTOR_STATUSES = ("active", "training_pending", "inactive")

# Mentors who are not the district's current staff (004, "Mentor Selection": "recruiting recently retired
# effective teachers who meet the above criteria"; "Induction Programs for Administrators": "hiring
# retired administrators to serve as mentors"; "Mentor Assignment and Compensation": "Smaller districts
# may consider partnering with neighboring districts to share mentoring resources"). NULL: district staff.
EXTERNAL_KINDS = ("retired", "other_district")
EXTERNAL_LABELS = {"retired": "Retired educator", "other_district": "Another district's staff"}

# Whom a time log's release time freed (603 CMR 7.12(2)(d): "release time for mentor and beginning teacher"
# is a required component of an induction program). No release time is NULL.
RELEASE_CODES = ("mentor", "mentee", "both")

# Public activity codes for time logs (DESIGN.md).
ACTIVITY_CODES = (
    "observed_mentee",
    "mentee_observed",
    "co_teaching",
    "pre_conference",
    "post_conference",
    "planning",
    "data_analysis",
    "video_analysis",
    "goal_setting",
    "meeting",
    "other",
)
