"""Support teams, bell schedules and events (orientation, support-team meetings, peer groups...).

603 CMR 7.12(2)(c) / 7.13: a support team of at least the mentor and an administrator qualified to
evaluate. 004: the support team meets the beginning teacher before the school year; the coordinator
"maintains meeting schedules ... and ensures that these are followed" and leads peer groups.

An `Event` is one meeting or a recurring series: `starts_at` is the first occurrence (UTC), the
recurrence is expanded in the district's time zone (services/scheduling/), so a 3:15 pm meeting
stays at 3:15 pm across the daylight-saving changes. `exdates` are the local dates of skipped
occurrences. Attendance is recorded per occurrence after the fact.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Tracked, UTCDateTime, enum_column
from app.models.district import School, SchoolYear
from app.models.people import Educator

TEAM_ROLES = ("mentor", "evaluator", "department_chair", "instructional_coach", "other")
EVENT_KINDS = ("orientation", "support_team", "peer_group", "mentor_training", "three_way", "observation", "other")
EVENT_STATUSES = ("scheduled", "held", "cancelled")
RECURRENCES = ("weekly", "biweekly", "monthly")


class SupportTeamMember(Tracked, Base):
    """One member of a mentee's support team for a school year (an educator, or a named outsider)."""

    __tablename__ = "support_team_member"

    mentee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("educator.id"), nullable=True, index=True)
    outside_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str] = enum_column(TEAM_ROLES, "support_team_role", nullable=False)
    from_assignment: Mapped[bool] = mapped_column(Boolean(), nullable=False, default=False)

    mentee: Mapped[Educator] = relationship(foreign_keys=[mentee_id])
    member: Mapped[Educator | None] = relationship(foreign_keys=[member_id])


class BellPeriod(Tracked, Base):
    """One period of a school's bell schedule (times are local wall-clock times)."""

    __tablename__ = "bell_period"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(20), nullable=False)  # matches Educator.planning_periods
    starts: Mapped[dt.time] = mapped_column(Time(), nullable=False)
    ends: Mapped[dt.time] = mapped_column(Time(), nullable=False)

    school: Mapped[School] = relationship()


class Event(Tracked, Base):
    """A meeting, or a recurring series of meetings."""

    __tablename__ = "event"

    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    kind: Mapped[str] = enum_column(EVENT_KINDS, "event_kind", nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    school_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("school.id"), nullable=True, index=True)
    # The beginning educator a support-team meeting or three-way meeting is about.
    mentee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("educator.id"), nullable=True, index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = enum_column(EVENT_STATUSES, "event_status", nullable=False, default="scheduled")
    recurrence: Mapped[str | None] = enum_column(RECURRENCES, "event_recurrence", nullable=True)
    repeat_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # local date, inclusive
    exdates: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)  # ISO local dates skipped
    # RFC 5545 SEQUENCE: raised whenever the time, recurrence or status changes.
    sequence: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The coordinator's own notes: never exported to calendars, rosters or reports.
    notes: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True, info={"confidential": True})

    school_year: Mapped[SchoolYear] = relationship()
    school: Mapped[School | None] = relationship()
    mentee: Mapped[Educator | None] = relationship(foreign_keys=[mentee_id])
    attendees: Mapped[list["EventAttendee"]] = relationship(
        primaryjoin="and_(EventAttendee.event_id == Event.id, "
                                            "EventAttendee.deleted_at.is_(None))", viewonly=True)


class EventAttendee(Tracked, Base):
    """Someone invited to an event: an educator, or a named outsider (e.g. a program supervisor)."""

    __tablename__ = "event_attendee"
    # Covering index for the conflict check and "my events": a person's events read from the index alone.
    __table_args__ = (Index("ix_event_attendee_person", "educator_id", "deleted_at", "event_id"),)

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("event.id"), nullable=False, index=True)
    educator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("educator.id"), nullable=True)
    outside_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    outside_email: Mapped[str | None] = mapped_column(String(200), nullable=True)

    event: Mapped[Event] = relationship()
    educator: Mapped[Educator | None] = relationship()


class EventAttendance(Tracked, Base):
    """Whether an attendee was there, for one occurrence (its local date), recorded after the fact."""

    __tablename__ = "event_attendance"
    __table_args__ = (UniqueConstraint("attendee_id", "occurrence_date"),)

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("event.id"), nullable=False, index=True)
    attendee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("event_attendee.id"), nullable=False)
    occurrence_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    present: Mapped[bool] = mapped_column(Boolean(), nullable=False, default=True)
