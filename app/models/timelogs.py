"""Mentoring time logs (000: mentors are "often responsible for documenting time/topics discussed").

A `TimeLog` belongs to one assignment (a mentor-mentee pair for a school year). A group session
with several mentees is a `TimeLogGroup` plus one `TimeLog` per mentee that points to it, so the
session's time counts for each mentee (and every figure is a plain sum over `time_log` rows).
`mentor_id` and `mentee_id` are copied from the assignment when the entry is made: an assignment's
people never change (a reassignment ends the row and starts another), and the hours queries,
which must follow the educator across pairs and years (603 CMR 7.04(2)(c)(4)), then read one table.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Tracked, enum_column
from app.models.people import Assignment
from app.models.vocab import ACTIVITY_CODES, RELEASE_CODES

MIN_MINUTES = 5
MAX_MINUTES = 600


class TimeLogGroup(Tracked, Base):
    """A group mentoring session (004: group mentoring is allowed): one mentor, several mentees."""

    __tablename__ = "time_log_group"

    mentor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    title: Mapped[str | None] = mapped_column(String(200), nullable=True)


class TimeLog(Tracked, Base):
    """Time a mentor and a mentee spent together on one day, with what they did."""

    __tablename__ = "time_log"
    # Covering indexes for the hours totals (services/timelogs/hours.py): a year's totals for every mentee
    # read only the index, never the table (200,000 entries; see benchmarks/timelogs.py).
    __table_args__ = (
        # release_time last (revision 0012): the release totals per mentee read the same index, and per mentor
        # the mentor totals index (group_id: a group session counts once for its mentor).
        Index("ix_time_log_mentee_totals", "mentee_id", "deleted_at", "date", "minutes", "activity", "release_time"),
        Index("ix_time_log_mentor_totals", "mentor_id", "group_id", "deleted_at", "date", "minutes", "release_time"),
        Index("ix_time_log_assignment_totals", "assignment_id", "deleted_at", "date", "minutes", "activity"),
        Index("ix_time_log_date_deleted_at", "date", "deleted_at"),
        # The Time Logs list (issue 17, item 9; revision 0018): a page of entries read in (date, id) order,
        # stopping after 200, instead of reading and sorting every entry of the page's last date
        # (docs/timelog-scrolling.md).
        Index("ix_time_log_date_id", "date", "id"),
    )

    assignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assignment.id"), nullable=False)
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("time_log_group.id"), nullable=True, index=True)
    mentor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    mentee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)  # 5 to 600 (services/timelogs/logs.py)
    activity: Mapped[str] = enum_column(ACTIVITY_CODES, "time_log_activity", nullable=False)
    topics: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # Whom the session's release time freed: mentor, mentee or both; NULL for none (603 CMR 7.12(2)(d)).
    # A yes/no flag before revision 0012 (a "yes" became "both").
    release_time: Mapped[str | None] = enum_column(RELEASE_CODES, "time_log_release", nullable=True)
    # Private to the pair (000, 004: the relationship is confidential and non-evaluative): deferred
    # so no list loads it, marked so server logins other than the coordinator's cannot read it, and
    # never written to any export, printed roster or report.
    notes: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True, info={"confidential": True})
    entered_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    computer: Mapped[str | None] = mapped_column(String(120), nullable=True)

    assignment: Mapped[Assignment] = relationship()
    group: Mapped[TimeLogGroup | None] = relationship()
