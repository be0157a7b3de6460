"""The time logs' activities as people read them (one place: the log form, the filters, the
imports and the printed record of hours all use these labels, never the codes)."""

from __future__ import annotations

ACTIVITY_LABELS: dict[str, str] = {
    "observed_mentee": "Observed the mentee teach",
    "mentee_observed": "Mentee observed a lesson",
    "co_teaching": "Co-teaching",
    "pre_conference": "Pre-observation conference",
    "post_conference": "Post-observation conference",
    "planning": "Planning lessons",
    "data_analysis": "Analysing student data",
    "video_analysis": "Video analysis",
    "goal_setting": "Goal setting",
    "meeting": "Meeting",
    "other": "Other",
}
