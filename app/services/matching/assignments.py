"""Assignments: saving proposed pairs, ending and reassigning (hold-harmless), and the two-week rule.

603 CMR 7.12(2)(b): every beginning teacher has a trained mentor within the first two weeks of the
school year, or of the date of hire when hired later. Administrators count from their own start:
603 CMR 7.13 and 004, "Induction Programs for Administrators": "All beginning administrators assigned a
mentor within the first two weeks of working (or, where applicable, date of hire)".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator, InductionEnrollment, School, SchoolYear
from app.models.matching import MentorTraining
from app.services.matching.eligibility import assignment_start
from app.services.roster.educators import on_staff_at_start
from app.errors import FieldProblem, ValidationError

TWO_WEEKS = dt.timedelta(days=14)
CITE_TWO_WEEKS = "603 CMR 7.12(2)(b); 603 CMR 7.13 (a trained mentor within the first two weeks)"


@dataclass(frozen=True)
class SavedPair:
    assignment_id: uuid.UUID
    mentor_employee_id: str
    mentee_employee_id: str
    start_date: dt.date


def create_assignment(session: Session, year: SchoolYear, mentor_id: uuid.UUID, mentee_id: uuid.UUID, *,
                      start: dt.date, fill_team: bool = True) -> Assignment:
    """One new assignment; refuses a mentee who already has an active mentor this year. The mentor
    (and the evaluator, when known) joins the mentee's support team for the year (603 CMR 7.12(2)(c));
    `fill_team=False`: the caller fills the teams of many at once (support_teams.fill_from_assignments)."""
    if mentor_id == mentee_id:
        raise ValidationError([FieldProblem("mentor", "", "cannot mentor themselves")])
    for other in session.scalars(select(Assignment).where(Assignment.mentee_id == mentee_id,
                                                          Assignment.school_year_id == year.id)):
        if other.end_date is None or other.end_date >= start:
            mentee = session.get(Educator, mentee_id)
            name = mentee.full_name if mentee else str(mentee_id)
            raise ValidationError([FieldProblem("mentee", name, "already has an active mentor this year; "
                                                                "end or reassign that assignment first")])
    row = Assignment(mentor_id=mentor_id, mentee_id=mentee_id, school_year_id=year.id, start_date=start)
    session.add(row)
    session.flush()
    if fill_team:
        _fill_team(session, year, mentee_id)
    return row


def _fill_team(session: Session, year: SchoolYear, mentee_id: uuid.UUID) -> None:
    """The support team follows the assignment (no button needed): support_teams.fill_for_mentee."""
    from app.services.matching.support_teams import fill_for_mentee

    fill_for_mentee(session, year, mentee_id)


def apply_pairs(session: Session, year_label: str, pairs: Iterable[tuple[uuid.UUID, uuid.UUID]], *,
                today: dt.date | None = None) -> list[SavedPair]:
    """Save (mentor id, mentee id) pairs as assignments starting today or the first day of school
    (or the mentee's hire date, if later).

    Locks that the pairs fulfil are removed (the assignment now holds the pair)."""
    from app.models.matching import MatchRule
    from app.services.matching.support_teams import fill_from_assignments
    from app.services.years import ensure_year

    year, _ = ensure_year(session, year_label)
    start = assignment_start(year, today)
    saved = []
    pairs = list(pairs)
    for mentor_id, mentee_id in pairs:
        mentee = session.get(Educator, mentee_id)
        begins = max(start, mentee.hire_date) if mentee and mentee.hire_date else start  # a later hire: from then
        row = create_assignment(session, year, mentor_id, mentee_id, start=begins, fill_team=False)
        for rule in session.scalars(select(MatchRule).where(MatchRule.kind == "lock", MatchRule.mentee_id == mentee_id,
                                                            MatchRule.school_year_id == year.id)):
            rule.tombstone()
        saved.append(SavedPair(row.id, session.get(Educator, mentor_id).employee_id, mentee.employee_id, begins))
    session.flush()
    fill_from_assignments(session, year_label, [mentee_id for _mentor_id, mentee_id in pairs])
    return saved


def apply_proposal(session: Session, proposal, *, today: dt.date | None = None) -> list[SavedPair]:  # type: ignore[no-untyped-def]
    """Save every proposed pair; a proposal made without a saved pool first saves the pool it used."""
    if proposal.implicit_pool:
        from app.services.matching.eligibility import fill_pool

        fill_pool(session, proposal.year_label)
    return apply_pairs(session, proposal.year_label, [(p.mentor.id, p.mentee.id) for p in proposal.pairs],
                       today=today)


def end_assignment(session: Session, assignment_id: uuid.UUID, *, reason: str, on: dt.date | None = None,
                   private_reason: str | None = None) -> Assignment:
    from app.models.vocab import ASSIGNMENT_END_REASONS

    if reason not in ASSIGNMENT_END_REASONS:
        raise ValidationError([FieldProblem("end_reason", reason, "must be one of " + ", ".join(ASSIGNMENT_END_REASONS))])
    row = session.get(Assignment, assignment_id)
    if row is None:
        raise ValidationError([FieldProblem("assignment", str(assignment_id), "no longer exists")])
    on = on or dt.date.today()
    if on < row.start_date:
        on = row.start_date
    row.end_date, row.end_reason = on, reason
    if private_reason:
        row.private_reason = private_reason
    session.flush()
    _fill_team(session, session.get(SchoolYear, row.school_year_id), row.mentee_id)
    return row


def reassign(session: Session, assignment_id: uuid.UUID, *, new_mentor_id: uuid.UUID | None = None,
             hold_harmless: bool = True, private_reason: str | None = None, on: dt.date | None = None) -> uuid.UUID | None:
    """End an assignment and (optionally) start one with another mentor the next day.

    Hold-harmless (004): the reason stays private to the coordinator, the history is kept (the old
    row is ended, never removed), no one is penalized, and the same pair is never proposed again.
    Returns the new assignment's id, if one was made.
    """
    from app.services.matching.rules import exclude_pair

    row = session.get(Assignment, assignment_id)
    if row is None:
        raise ValidationError([FieldProblem("assignment", str(assignment_id), "no longer exists")])
    if new_mentor_id is not None and new_mentor_id == row.mentor_id:
        raise ValidationError([FieldProblem("mentor", "", "choose a different mentor")])
    on = on or dt.date.today()
    end_assignment(session, assignment_id, reason="hold_harmless" if hold_harmless else "reassigned", on=on,
                   private_reason=private_reason)
    if hold_harmless:
        exclude_pair(session, None, row.mentor_id, row.mentee_id, private_reason)
    if new_mentor_id is None:
        return None
    year = session.get(SchoolYear, row.school_year_id)
    new = create_assignment(session, year, new_mentor_id, row.mentee_id, start=row.end_date + dt.timedelta(days=1))
    return new.id


@dataclass(frozen=True)
class AssignmentInfo:
    id: uuid.UUID
    mentor_id: uuid.UUID
    mentor_name: str
    mentor_employee_id: str
    mentee_id: uuid.UUID
    mentee_name: str
    mentee_employee_id: str
    school: str | None
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str | None


def list_assignments(session: Session, year_label: str, *, include_ended: bool = False) -> list[AssignmentInfo]:
    from sqlalchemy.orm import aliased

    from app.models import School
    from app.services.years import ensure_year

    year, _ = ensure_year(session, year_label)
    mentor, mentee = aliased(Educator), aliased(Educator)
    query = (select(Assignment.id, Assignment.mentor_id, mentor.first_name, mentor.last_name, mentor.employee_id,
                    Assignment.mentee_id, mentee.first_name, mentee.last_name, mentee.employee_id, School.name,
                    Assignment.start_date, Assignment.end_date, Assignment.end_reason)
             .join(mentor, Assignment.mentor_id == mentor.id).join(mentee, Assignment.mentee_id == mentee.id)
             .outerjoin(School, mentee.school_id == School.id).where(Assignment.school_year_id == year.id))
    if not include_ended:
        query = query.where(Assignment.end_date.is_(None))
    out = [AssignmentInfo(r[0], r[1], f"{r[2]} {r[3]}", r[4], r[5], f"{r[6]} {r[7]}", r[8], r[9], r[10], r[11], r[12])
           for r in session.execute(query).all()]
    out.sort(key=lambda a: (a.mentee_name, a.start_date))
    return out


# --- the two-week rule -------------------------------------------------------------------------


@dataclass(frozen=True)
class TwoWeekStatus:
    """Where one beginning educator stands against the two-week rule."""

    educator_id: uuid.UUID
    employee_id: str
    name: str
    school: str | None
    counted_from: dt.date  # the first day of school, or the hire date if later
    deadline: dt.date
    mentor_name: str | None  # the trained mentor, if any
    met_on: dt.date | None  # when a trained mentor was first in place
    state: str  # "met", "met late", "due", "overdue"
    days: int  # days left (due), days overdue (overdue), days late (met late)

    @property
    def text(self) -> str:
        where = f" ({self.school})" if self.school else ""
        if self.state == "met":
            return f"{self.name}{where}: trained mentor {self.mentor_name} since {self.met_on.isoformat()}"
        if self.state == "met late":
            return f"{self.name}{where}: mentor {self.mentor_name} {self.days} day{'s' if self.days != 1 else ''} late"
        if self.state == "overdue":
            return f"{self.name}{where}: {self.days} day{'s' if self.days != 1 else ''} overdue (due {self.deadline.isoformat()})"
        return f"{self.name}{where}: {self.days} day{'s' if self.days != 1 else ''} left (due {self.deadline.isoformat()})"


def counted_from(role: str, hire_date: dt.date | None, year: SchoolYear) -> dt.date:
    """The day the two weeks start. Teachers: the first day of school, or the hire date if later
    (603 CMR 7.12(2)(b); 004: "within the first two weeks of the school year (or, where applicable,
    date of hire)"). Administrators: their first day of working (603 CMR 7.13; 004: "within the first
    two weeks of working"), which is the hire date, or July 1 (the year's start) for someone hired
    earlier who takes up the role this year; the first day of school when no hire date is known."""
    if role == "administrator":
        return max(year.window_start, hire_date) if hire_date else year.first_day
    return max(year.first_day, hire_date) if hire_date else year.first_day


def two_week_status(session: Session, year_label: str, today: dt.date | None = None) -> list[TwoWeekStatus]:
    """Every beginning educator of the year against the two-week rule, counted from `counted_from`."""
    from app.services.years import ensure_year

    year, _ = ensure_year(session, year_label)
    today = today or dt.date.today()
    trained: dict[uuid.UUID, dt.date] = {}
    for educator_id, done in session.execute(select(MentorTraining.educator_id, MentorTraining.completed_on).where(
            MentorTraining.completed_on.is_not(None))).all():
        trained[educator_id] = min(trained.get(educator_id, done), done)
    by_mentee: dict[uuid.UUID, list] = {}
    for a in session.execute(select(Assignment.mentee_id, Assignment.mentor_id, Assignment.start_date,
                                    Assignment.end_date, Educator.first_name, Educator.last_name,
                                    Educator.mentor_trained_on)
                             .join(Educator, Assignment.mentor_id == Educator.id)
                             .where(Assignment.school_year_id == year.id)).all():
        by_mentee.setdefault(a.mentee_id, []).append(a)
    rows = session.execute(select(Educator.id, Educator.employee_id, Educator.first_name, Educator.last_name,
                                  Educator.hire_date, Educator.exit_date, Educator.role, School.name)
                           .join(InductionEnrollment, InductionEnrollment.educator_id == Educator.id)
                           .outerjoin(School, Educator.school_id == School.id)
                           .where(InductionEnrollment.school_year_id == year.id,
                                  InductionEnrollment.status == "beginning")).all()
    out = []
    for e in rows:
        if not on_staff_at_start(e.exit_date, year):
            continue
        start = counted_from(e.role, e.hire_date, year)
        deadline = start + TWO_WEEKS
        in_place = []  # (since when a trained mentor was in place, whether still current, mentor name)
        for a in by_mentee.get(e.id, []):
            dates = [d for d in (a.mentor_trained_on, trained.get(a.mentor_id)) if d]
            if not dates:
                continue
            since = max(a.start_date, min(dates))
            if since > today or (a.end_date is not None and since > a.end_date):
                continue
            in_place.append((since, a.end_date is None or a.end_date >= today, f"{a.first_name} {a.last_name}"))
        current = [p for p in in_place if p[1]]
        met_on = min(p[0] for p in in_place) if in_place else None
        mentor_name = min(current)[2] if current else None
        school = e.name
        if met_on is not None and current:
            late = (met_on - deadline).days
            state, days = ("met", 0) if late <= 0 else ("met late", late)
        elif today > deadline:
            state, days = "overdue", (today - deadline).days
        else:
            state, days = "due", (deadline - today).days
        out.append(TwoWeekStatus(e.id, e.employee_id, f"{e.first_name} {e.last_name}", school, start, deadline,
                                 mentor_name, met_on,
                                 state, days))
    out.sort(key=lambda s: (s.state not in ("overdue", "due"), s.deadline, s.name))
    return out


def two_week_card(session: Session, year_label: str, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Dashboard card: beginning educators without a trained mentor, days left or overdue."""
    from app.services.attention import AttentionCard, AttentionItem

    statuses = two_week_status(session, year_label, today)
    waiting = [s for s in statuses if s.state in ("due", "overdue")]
    items = [AttentionItem(s.text, s.educator_id, s.state == "overdue") for s in waiting]
    if not statuses:
        summary = "No beginning educators this year."
    elif not waiting:
        summary = f"All {len(statuses)} beginning educators have a trained mentor."
    else:
        overdue = sum(1 for s in waiting if s.state == "overdue")
        summary = (f"{len(waiting)} of {len(statuses)} beginning educators have no trained mentor"
                   + (f"; {overdue} past the two-week deadline" if overdue else ""))
    return AttentionCard("two_week_rule", "Beginning educators without a trained mentor", CITE_TWO_WEEKS, items,
                         summary, "matching")
