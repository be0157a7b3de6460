"""District settings with typed defaults. One place reads and writes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Setting, derived_id


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    label: str
    help: str = ""


TOPIC_HELP = ("603 CMR 44: content, pedagogy, ELL, students with disabilities or elective; printed on the PDP "
              "certificates (mentordesk report pdp).")

SPECS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("district_name", "My District", "District name"),
        SettingSpec("time_zone", "America/New_York", "Time zone", "Used for display, scheduling and calendar files."),
        SettingSpec(
            "mentor_rating_required",
            True,
            "Mentors must be rated Proficient or Exemplary",
            "004 recommends it and 000 'encourages' it for mentors; off makes it a recommendation only.",
        ),
        SettingSpec(
            "allow_training_pending",
            True,
            "Mentors with training pending may be assigned (flagged)",
            "603 CMR 7.02: trained, or will complete district training.",
        ),
        SettingSpec(
            "military_spouse_license_status",
            "incoming",
            "New hires with a Military Spouse license and no prior induction are",
            "The district's choice: beginning, incoming, or needs a decision. Newer than 004 (2015); the holder "
            "is licensed in another state, as a Temporary license holder, whom 004 counts as incoming.",
        ),
        SettingSpec(
            "refresher_past_due",
            "flag",
            "A mentor whose training refresher is past due is",
            "flag: still assignable, flagged in the pool, in proposals and on the dashboard; block: not "
            "assignable until the refresher is recorded (004, Mentor Training: \"a refresher component "
            "for experienced mentors\").",
        ),
        SettingSpec(
            "room_proximity",
            "floor",
            "Classrooms near one another: rooms are numbered by",
            "floor: the room number's hundreds are the floor (214 is on floor 2); wing: the letters before the "
            "number are the wing (B-214 is in wing B); wing and floor: both; off: rooms say nothing. Matching "
            "prefers a mentor on the mentee's floor or wing of the same building, after subject, grade and "
            "building (004, Mentor Assignment: \"classrooms located near one another\").",
        ),
        SettingSpec("match_incoming", False, "Match incoming educators too", "Recommended, not required (004)."),
        SettingSpec("default_mentor_capacity", 1, "Default mentees per mentor"),
        SettingSpec(
            "match_weights",
            None,
            "Matching weights (blank: the regulations' order)",
            "Blank matches by subject, then grade, then building, then the same floor or wing, then planning "
            "period, then the mentee's focus areas among the mentor's strengths, then balanced load, each "
            "strictly before the next (004). A district may give weights instead, e.g. {\"subject\": 3, "
            "\"grade\": 2, \"building\": 4, \"proximity\": 1, \"planning\": 1, \"focus\": 1, \"load\": 1} "
            "(a criterion left out weighs nothing); matching as many mentees as possible always comes first.",
        ),
        SettingSpec("stale_pair_weeks", 3, "Flag pairs with no log entry for this many weeks"),
        SettingSpec("coordinator_name", "", "Induction coordinator's name",
                    "Names the organizer of calendar files (blank: the district's induction program)."),
        SettingSpec("coordinator_email", "", "Induction coordinator's email",
                    "The organizer of calendar files (RFC 5546); blank: calendar files name no organizer."),
        SettingSpec("backup_keep", 10, "Backups kept",
                    "The newest backups of the database kept in its backups folder; one a month is also "
                    "kept for a year. Older ones are deleted: they hold the same confidential data."),
        SettingSpec(
            "emergency_license_status",
            "beginning",
            "New hires with an Emergency license and no prior induction are",
            "The district's choice: beginning, incoming, or needs a decision (listed on the dashboard). "
            "The Emergency license is newer than 004 (2015), whose table covers Provisional, Initial, "
            "Professional and Temporary; 004 says \"induction is required in the first year of "
            "employment (regardless of license type)\", hence beginning by default.",
        ),
        SettingSpec(
            "state_report_submitted",
            None,
            "State report submitted (by school year)",
            "The day each year's induction and mentoring report went to DESE, e.g. {\"2025-2026\": "
            "\"YYYY-MM-DD\"} (the day as year-month-day); until then the dashboard counts down to July 31 "
            "from June 1 (004, Reporting).",
        ),
        SettingSpec("csv_plain_utf8", False, "CSV files in plain UTF-8 (no byte-order mark)",
                    "Off: exported CSV files start with a UTF-8 byte-order mark, so Excel shows \"José\", not "
                    "\"JosÃ©\". On: for tools that expect plain UTF-8."),
        SettingSpec("orientation_grace_days", 14, "Days after a later hire date to attend orientation",
                    "603 CMR 7.12(2)(a): orientation before the first day; a later hire within this many days."),
        SettingSpec("no_school_days", None, "No-school days",
                    "Vacations, PD and other days without school, e.g. \"11/25/2026-11/27/2026 Thanksgiving recess; "
                    "3/12/2027 PD day\" (or `mentordesk import no-school-days FILE`). \"Propose times\" skips them "
                    "and Massachusetts holidays; a meeting saved on one is flagged."),
        SettingSpec("release_time_promised", True, "The district's policy promises release time to pairs",
                    "603 CMR 7.12(2)(d): release time for mentor and beginning teacher. On, the dashboard lists "
                    "active pairs with no release time logged this school year."),
        SettingSpec("agreement_reminder_days", 60, "Remind this many days before a partnership agreement ends",
                    "001 Partnership Toolkit (the compact, the data sharing agreement): the dashboard lists "
                    "agreements whose last day is this near, and ended ones not yet renewed."),
        SettingSpec("pdp_min_hours", 10, "Minimum hours in a topic for mentors' PDPs",
                    "603 CMR 44: 1 clock hour = 1 PDP, an activity must total at least 10 hours in a topic "
                    "(mentoring; mentor training)."),
        SettingSpec("mentor_pdp_cap", 0, "Most PDPs a mentor earns in a school year (0: no cap)",
                    "The district's policy; supervising practitioners follow DESE's caps (20 for serving, 10 for "
                    "training, a calendar year)."),
        # What the district (or the sponsoring organization) offers supervising practitioners: 000,
        # "Incentives and Opportunities for Supervising Practitioners and Mentors" (stipends, PDPs, graduate
        # course vouchers, release time, public recognition...). Shown where SPs are chosen and in the reports
        # (services/cap/incentives.py).
        SettingSpec("sp_incentives_from", "sponsoring organization", "SP incentives come from",
                    "district, sponsoring organization, or both. 000: \"Ed prep programs often provide incentives "
                    "including PDPs or vouchers for graduate courses (varies by program)\"."),
        SettingSpec("sp_stipend", 0, "SP stipend per candidate ($; 0: none)",
                    "000, Additional Rewards: \"Stipends/monetary compensation\"."),
        SettingSpec("sp_pdps", True, "Supervising practitioners earn PDPs",
                    "DESE memo to sponsoring organizations, December 2015: up to 20 PDPs a calendar year for "
                    "serving and up to 10 for SP training of at least 6 hours (mentordesk report pdp)."),
        SettingSpec("sp_course_voucher", "", "SP graduate course voucher (blank: none)",
                    "000, Ongoing Learning Opportunities: \"Voucher for graduate courses\", e.g. \"one 3-credit "
                    "course at the partner university\"."),
        SettingSpec("sp_release_time", False, "Supervising practitioners get release time",
                    "000, Additional Rewards: \"Release time\"; \"Release from school duty schedule\"."),
        SettingSpec("sp_recognition", False, "Supervising practitioners are publicly recognized",
                    "000, Additional Rewards: \"Public recognition\"; 003: \"formal leadership opportunities and "
                    "recognition for individuals who serve as Supervising Practitioners\"."),
        SettingSpec("sp_other_incentives", "", "Other SP incentives (blank: none)",
                    "000 lists more: an extra personal day, credits toward salary steps, university library or "
                    "parking access, advisory councils, free conference attendance."),
        SettingSpec("pipeline_projections", None, "Projected openings (pipeline needs)",
                    "001, Defining Pipeline Needs Activity: \"How many teachers are needed, in which grade-levels/"
                    "subject areas?\" Typed as \"2027-2028 Mathematics 9-12: 2; 2028-2029 Elementary 1-6: 1\" "
                    "(school year, subject, grades, openings); planned exits on the roster are added "
                    "(mentordesk report pipeline)."),
        *(SettingSpec(f"pdp_topic_{kind}", "pedagogy", f"PDP topic area: {label}", TOPIC_HELP)
          for kind, label in (("mentoring", "mentoring"), ("mentor_training", "mentor training"),
                              ("sp_supervision", "serving as supervising practitioner"),
                              ("sp_training", "supervising practitioner training"))),
    )
}


def get(session: Session, key: str) -> Any:
    spec = SPECS.get(key)
    row = session.scalars(select(Setting).where(Setting.key == key)).one_or_none()
    if row is not None:
        return row.value
    return spec.default if spec else None


def set_value(session: Session, key: str, value: Any) -> None:
    row = session.scalars(select(Setting).where(Setting.key == key)).one_or_none()
    if row is None:
        session.add(Setting(id=derived_id("setting", key), key=key, value=value))
    elif row.value != value:
        row.value = value
    session.flush()


def get_all(session: Session) -> dict[str, Any]:
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    values = {key: spec.default for key, spec in SPECS.items()}
    values.update(stored)
    return values
