"""Candidate Assessment of Performance (CAP): the practicum of a teacher candidate (seeds 000, 001;
DOMAIN.md "CAP in detail").

A sponsoring organization (the preparation program) sends candidates; each candidate has a placement
with a supervising practitioner (SP, an educator of the district) and a program supervisor (PS, a named
person of the program), under one CAP guideline edition. The five-step cycle, observations, evidence,
ratings, practicum hours and student feedback surveys hang off the placement.

Evidence, feedback, goals and ratings are personnel and student-education records: deferred, marked
confidential, and never read by the principal roster or the state report.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Tracked, enum_column
from app.models.district import School, SchoolYear
from app.models.people import Educator

CONFIDENTIAL = {"confidential": True}
RATING_LEVEL_LENGTH = 40  # the levels themselves come from the edition file (resources/cap), checked by the service
STEP_STATUSES = ("not_started", "in_progress", "complete")
OBSERVATION_KINDS = ("announced", "unannounced")
OBSERVERS = ("sp", "ps", "both")
OBSERVATION_STATUSES = ("planned", "held", "feedback_given")
EVIDENCE_CATEGORIES = ("observation", "student_learning", "student_feedback", "goal_progress", "artifacts")
RATING_STAGES = ("formative", "summative")
RATERS = ("sp", "ps", "joint")


class CapOrganization(Tracked, Base):
    """A sponsoring organization (educator preparation program provider)."""

    __tablename__ = "cap_organization"

    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    org_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    contact_email: Mapped[str | None] = mapped_column(String(200), nullable=True)


class CapHoursRequirement(Tracked, Base):
    """Practicum hours a license sought requires (a settings table; 603 CMR 7.04(4), editable)."""

    __tablename__ = "cap_hours_requirement"

    license_field: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)  # "*" = default
    hours: Mapped[int] = mapped_column(Integer, nullable=False)
    full_responsibility_hours: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class CapCandidate(Tracked, Base):
    """A teacher candidate in the practicum."""

    __tablename__ = "cap_candidate"

    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cap_organization.id"), nullable=False, index=True)
    candidate_number: Mapped[str | None] = mapped_column(String(40), nullable=True)  # program's / state's id
    mepid: Mapped[str | None] = mapped_column(String(8), nullable=True, index=True)  # 8 digits, leading zeros kept
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    program: Mapped[str] = mapped_column(String(200), nullable=False)
    license_field: Mapped[str] = mapped_column(String(120), nullable=False)
    license_grades: Mapped[str] = mapped_column(String(20), nullable=False)
    practicum_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    practicum_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    # None: the hours the license field requires in the cap_hours_requirement table (followed as the table
    # changes); a number: overridden for this candidate.
    hours_required: Mapped[int | None] = mapped_column(Integer, nullable=True)

    organization: Mapped[CapOrganization] = relationship()

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def license_sought(self) -> str:
        return f"{self.license_field} {self.license_grades}".strip()


class CapPlacement(Tracked, Base):
    """A candidate's practicum placement with an SP and a PS, under one CAP edition."""

    __tablename__ = "cap_placement"

    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cap_candidate.id"), nullable=False, index=True)
    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    sp_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    school_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("school.id"), nullable=True)
    grade: Mapped[str | None] = mapped_column(String(20), nullable=True)
    subject: Mapped[str | None] = mapped_column(String(120), nullable=True)
    ps_name: Mapped[str] = mapped_column(String(200), nullable=False)
    ps_email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    edition: Mapped[str] = mapped_column(String(8), nullable=False)
    professional_practice_goal: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True,
                                                                   info=CONFIDENTIAL)
    student_learning_goal: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True, info=CONFIDENTIAL)
    # Placed with an SP who did not meet every criterion (603 CMR 7.02; 001 job description): the
    # coordinator's reason, who gave it and when (services/cap/supervisors.py). None: no override given.
    sp_override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    sp_override_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    sp_override_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    candidate: Mapped[CapCandidate] = relationship()
    school_year: Mapped[SchoolYear] = relationship()
    sp: Mapped[Educator] = relationship()
    school: Mapped[School | None] = relationship()


class CapStep(Tracked, Base):
    """One of the five steps of the cycle; steps 2, 4 and 5 close with a three-way meeting."""

    __tablename__ = "cap_step"

    placement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cap_placement.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)  # 1-5
    status: Mapped[str] = enum_column(STEP_STATUSES, "cap_step_status", nullable=False, default="not_started")
    due_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    completed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    meeting_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # the three-way meeting


class CapObservation(Tracked, Base):
    """A classroom observation of the candidate by the SP, the PS or both."""

    __tablename__ = "cap_observation"

    placement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cap_placement.id"), nullable=False, index=True)
    kind: Mapped[str] = enum_column(OBSERVATION_KINDS, "cap_observation_kind", nullable=False)
    observer: Mapped[str] = enum_column(OBSERVERS, "cap_observer", nullable=False)
    observed_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    focus_elements: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    pre_conference_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    post_conference_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = enum_column(OBSERVATION_STATUSES, "cap_observation_status", nullable=False,
                                      default="planned")
    early_literacy: Mapped[bool] = mapped_column(Boolean(), nullable=False, default=False)
    # the Early Literacy Observation Form's look-fors seen (ids from resources/cap/early_literacy.json)
    look_fors: Mapped[list[str] | None] = mapped_column(JSON, nullable=True, deferred=True, info=CONFIDENTIAL)
    reinforcement: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True, info=CONFIDENTIAL)
    refinement: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True, info=CONFIDENTIAL)


class CapEvidence(Tracked, Base):
    """Evidence for one element in one of the five categories (from an observation or not)."""

    __tablename__ = "cap_evidence"

    placement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cap_placement.id"), nullable=False, index=True)
    observation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cap_observation.id"), nullable=True,
                                                             index=True)
    element_code: Mapped[str] = mapped_column(String(20), nullable=False)
    category: Mapped[str] = enum_column(EVIDENCE_CATEGORIES, "cap_evidence_category", nullable=False)
    collected_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, deferred=True, info=CONFIDENTIAL)


class CapRating(Tracked, Base):
    """A rating of one element at the formative or summative step by the SP, the PS, or both jointly."""

    __tablename__ = "cap_rating"

    placement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cap_placement.id"), nullable=False, index=True)
    stage: Mapped[str] = enum_column(RATING_STAGES, "cap_rating_stage", nullable=False)
    rater: Mapped[str] = enum_column(RATERS, "cap_rater", nullable=False)
    element_code: Mapped[str] = mapped_column(String(20), nullable=False)
    # levels of the placement's edition (rating_levels in resources/cap/cap_<edition>.json), checked by
    # services/cap.set_rating; no CHECK constraint, so a program can rename or add levels in the file
    quality: Mapped[str | None] = mapped_column(String(RATING_LEVEL_LENGTH), nullable=True, deferred=True,
                                                info=CONFIDENTIAL)
    scope: Mapped[str | None] = mapped_column(String(RATING_LEVEL_LENGTH), nullable=True, deferred=True,
                                              info=CONFIDENTIAL)
    consistency: Mapped[str | None] = mapped_column(String(RATING_LEVEL_LENGTH), nullable=True, deferred=True,
                                                    info=CONFIDENTIAL)
    rationale: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True, info=CONFIDENTIAL)


class CapHours(Tracked, Base):
    """Practicum time logged for a candidate (integer minutes)."""

    __tablename__ = "cap_hours"

    placement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cap_placement.id"), nullable=False, index=True)
    worked_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    full_responsibility: Mapped[bool] = mapped_column(Boolean(), nullable=False, default=False)


class CapSurvey(Tracked, Base):
    """Student feedback survey results for a candidate (summary figures, never a student's answers)."""

    __tablename__ = "cap_survey"

    placement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cap_placement.id"), nullable=False, index=True)
    instrument: Mapped[str] = mapped_column(String(60), nullable=False)  # grades 3-5, grades 6-12, K-2 protocol
    given_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    respondents: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    summary: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict, deferred=True,  # type: ignore[type-arg]
                                          info=CONFIDENTIAL)


class SpPoolEntry(Tracked, Base):
    """An educator's interest in serving as a supervising practitioner for one school year (603 CMR 7.02;
    001 job description, "Interest by educator"). The principal's recommendation is a
    PrincipalRecommendation (models/matching.py); SP training is SpTraining."""

    __tablename__ = "sp_pool"
    __table_args__ = (UniqueConstraint("educator_id", "school_year_id"),)

    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    interested: Mapped[bool] = mapped_column(Boolean(), nullable=False, default=True)
    recorded_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)


class SpTraining(Tracked, Base):
    """One supervising-practitioner training (000: SPs are required to be trained; the preparation program
    trains them). `completed_on` None: enrolled, not finished. Hours as integer minutes."""

    __tablename__ = "sp_training"

    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    completed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    provider: Mapped[str | None] = mapped_column(String(200), nullable=True)
    minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
