"""Support teams: per beginning educator and school year, the members and their roles.

603 CMR 7.12(2)(c) (teachers) and 7.13 (administrators): a support team of at least the mentor and
an administrator qualified to evaluate. 004: the mentoring relationship is non-evaluative, so the
evaluator must not be the mentor. The team is filled from the mentor assignment and the evaluator
link (or the school's principal) where it can be; the coordinator adds the rest.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator, InductionEnrollment, SchoolYear, derived_id
from app.models.matching import EvaluatorLink
from app.models.scheduling import TEAM_ROLES, SupportTeamMember
from app.errors import FieldProblem, ValidationError
from app.services.years import ensure_year

CITE_TEAM = "603 CMR 7.12(2)(c); 7.13 (support team: at least the mentor and an administrator qualified to evaluate)"
CITE_NON_EVALUATIVE = "004 (the mentoring relationship is non-evaluative: the evaluator is not the mentor)"

ROLE_LABELS = {"mentor": "Mentor", "evaluator": "Evaluator", "department_chair": "Department chair",
               "instructional_coach": "Instructional coach", "other": "Other"}


@dataclass(frozen=True)
class TeamMember:
    id: uuid.UUID
    mentee_id: uuid.UUID
    member_id: uuid.UUID | None
    name: str
    role: str
    is_administrator: bool
    from_assignment: bool
    staff_role: str = ""  # the member's role on the roster (teacher, administrator, specialist), if on staff

    @property
    def text(self) -> str:
        # 004, "Support Team": "Other members of the team might include ... specialized instructional
        # support personnel": a specialist on the roster is named so on the team, not as "other".
        if self.role == "other" and self.staff_role == "specialist":
            return f"{self.name} (specialized instructional support)"
        return f"{self.name} ({ROLE_LABELS[self.role].lower()})"


@dataclass(frozen=True)
class TeamCheck:
    key: str  # has_mentor | has_evaluator | evaluator_not_mentor
    met: bool
    reason: str
    citation: str


def _member(row: SupportTeamMember, people: dict[uuid.UUID, Educator]) -> TeamMember:
    person = people.get(row.member_id) if row.member_id else None
    name = person.full_name if person else (row.outside_name or "(unnamed)")
    return TeamMember(row.id, row.mentee_id, row.member_id, name, row.role,
                      bool(person and person.role == "administrator"), row.from_assignment,
                      person.role if person else "")


def teams(session: Session, year_label: str, mentee_ids: list[uuid.UUID] | None = None
          ) -> dict[uuid.UUID, list[TeamMember]]:
    """Each mentee's team for the year (mentor first, then evaluator, then the rest)."""
    year, _ = ensure_year(session, year_label)
    query = select(SupportTeamMember).where(SupportTeamMember.school_year_id == year.id)
    rows = list(session.scalars(query))
    if mentee_ids is not None:
        wanted = set(mentee_ids)
        rows = [r for r in rows if r.mentee_id in wanted]
    ids = {r.member_id for r in rows if r.member_id}
    people = {e.id: e for e in session.scalars(select(Educator).where(Educator.id.in_(ids)))} if ids else {}
    out: dict[uuid.UUID, list[TeamMember]] = {}
    for row in rows:
        out.setdefault(row.mentee_id, []).append(_member(row, people))
    for members in out.values():
        members.sort(key=lambda m: (TEAM_ROLES.index(m.role), m.name))
    return out


def team(session: Session, year_label: str, mentee_id: uuid.UUID) -> list[TeamMember]:
    return teams(session, year_label, [mentee_id]).get(mentee_id, [])


def check_team(members: list[TeamMember]) -> list[TeamCheck]:
    """The regulation's checks on one team, each with its reason and citation."""
    mentors = {m.member_id or m.name for m in members if m.role == "mentor"}
    evaluators = [m for m in members if m.role == "evaluator"]
    admin_evaluators = [m for m in evaluators if m.is_administrator]
    checks = [TeamCheck("has_mentor", bool(mentors),
                        "has a mentor" if mentors else "no mentor on the support team", CITE_TEAM)]
    if admin_evaluators:
        checks.append(TeamCheck("has_evaluator", True, f"evaluator {admin_evaluators[0].name}", CITE_TEAM))
    elif evaluators:
        checks.append(TeamCheck("has_evaluator", False,
                                f"evaluator {evaluators[0].name} is not an administrator", CITE_TEAM))
    else:
        checks.append(TeamCheck("has_evaluator", False, "no evaluator (an administrator) on the support team",
                                CITE_TEAM))
    both = [m for m in evaluators if (m.member_id or m.name) in mentors]
    checks.append(TeamCheck("evaluator_not_mentor", not both,
                            f"{both[0].name} is both mentor and evaluator" if both else "evaluator is not the mentor",
                            CITE_NON_EVALUATIVE))
    return checks


def problems(members: list[TeamMember]) -> list[str]:
    return [c.reason for c in check_team(members) if not c.met]


def add_member(session: Session, year_label: str, mentee_id: uuid.UUID, role: str, *,
               member_id: uuid.UUID | None = None, outside_name: str | None = None,
               from_assignment: bool = False) -> uuid.UUID:
    year, _ = ensure_year(session, year_label)
    outside_name = (outside_name or "").strip() or None
    if role not in TEAM_ROLES:
        raise ValidationError([FieldProblem("role", role, f"use one of {', '.join(TEAM_ROLES)}")])
    if (member_id is None) == (outside_name is None):
        raise ValidationError([FieldProblem("member", outside_name or "",
                                            "a support-team member is an educator or a named outsider")])
    if member_id == mentee_id:
        raise ValidationError([FieldProblem("member", "", "an educator cannot be on their own support team")])
    for row in session.scalars(select(SupportTeamMember).where(SupportTeamMember.school_year_id == year.id,
                                                               SupportTeamMember.mentee_id == mentee_id,
                                                               SupportTeamMember.role == role)):
        if (member_id and row.member_id == member_id) or (outside_name and row.outside_name == outside_name):
            return row.id  # already there: adding twice changes nothing
    row_id = uuid.uuid4()
    if member_id is not None:  # the same id on every laptop; a removed member who comes back is revived
        row_id = derived_id("support_team_member", f"{year.label}:{mentee_id}:{member_id}:{role}")
        old = session.get(SupportTeamMember, row_id, execution_options={"include_deleted": True})
        if old is not None:
            old.deleted_at = None
            old.from_assignment = from_assignment
            session.flush()
            return old.id
    row = SupportTeamMember(id=row_id, mentee_id=mentee_id, school_year_id=year.id, member_id=member_id,
                            outside_name=outside_name, role=role, from_assignment=from_assignment)
    session.add(row)
    return row.id


def remove_member(session: Session, row_id: uuid.UUID) -> None:
    row = session.get(SupportTeamMember, row_id)
    if row is not None:
        row.tombstone()
        session.flush()


def _current_assignments(session: Session, year: SchoolYear) -> dict[uuid.UUID, Assignment]:
    found: dict[uuid.UUID, Assignment] = {}
    for a in session.scalars(select(Assignment).where(Assignment.school_year_id == year.id)
                             .order_by(Assignment.start_date)):
        if a.end_date is None or a.mentee_id not in found or found[a.mentee_id].end_date is not None:
            found[a.mentee_id] = a
    return found


def _is_principal(e: Any) -> bool:  # an Educator, or a row of its columns
    return (e.role == "administrator" and e.school_id is not None and e.exit_date is None
            and (e.position or "").strip().lower() == "principal")


def _principals(session: Session) -> dict[uuid.UUID, uuid.UUID]:
    """school id -> its principal, where the roster names exactly one (position "Principal")."""
    by_school: dict[uuid.UUID, list[uuid.UUID]] = {}
    for e in session.scalars(select(Educator).where(Educator.role == "administrator")):
        if _is_principal(e):
            by_school.setdefault(e.school_id, []).append(e.id)
    return {school: ids[0] for school, ids in by_school.items() if len(ids) == 1}


def _fill_one(session: Session, year: SchoolYear, mentee_id: uuid.UUID, mentor_id: uuid.UUID | None,
              evaluator: uuid.UUID | None, rows: list[SupportTeamMember],
              every: dict[uuid.UUID, SupportTeamMember]) -> int:
    """One mentee's team from their current mentor and evaluator; `rows` are the team's current
    members, `every` the year's member rows by id, removed ones included (a member who comes back is
    revived, not duplicated). Returns how many members were added."""
    for row in rows:
        if row.role == "mentor" and row.from_assignment and row.member_id != mentor_id:
            row.tombstone()  # reassigned (hold-harmless) or ended: the assignment no longer holds them
    wanted = []
    if mentor_id:
        wanted.append(("mentor", mentor_id))
    if evaluator and evaluator != mentor_id and evaluator != mentee_id:
        wanted.append(("evaluator", evaluator))
    added = 0
    for role, member_id in wanted:
        if any(r.role == role and r.member_id == member_id and r.deleted_at is None for r in rows):
            continue
        if role == "evaluator" and any(r.role == "evaluator" and r.deleted_at is None for r in rows):
            continue  # the coordinator chose an evaluator already
        row_id = derived_id("support_team_member", f"{year.label}:{mentee_id}:{member_id}:{role}")
        if row_id in every:
            every[row_id].deleted_at = None
            every[row_id].from_assignment = True
        else:
            row = SupportTeamMember(id=row_id, mentee_id=mentee_id, school_year_id=year.id, member_id=member_id,
                                    role=role, from_assignment=True)
            session.add(row)
            every[row_id] = row
        added += 1
    return added


def fill_for_mentee(session: Session, year: SchoolYear, mentee_id: uuid.UUID) -> int:
    """Keep one mentee's support team in step with their assignment: called whenever an assignment
    is made or ended, so the team (and the team-complete card) follows without a button. The
    current mentor joins (a replaced one leaves); the evaluator (the evaluator link, else the
    school's principal) joins unless the coordinator chose one. Running it twice changes nothing."""
    mentor_id = session.scalars(select(Assignment.mentor_id).where(
        Assignment.school_year_id == year.id, Assignment.mentee_id == mentee_id, Assignment.end_date.is_(None))
        .order_by(Assignment.start_date.desc())).first()
    evaluator = session.scalars(select(EvaluatorLink.evaluator_id).where(
        EvaluatorLink.school_year_id == year.id, EvaluatorLink.educator_id == mentee_id)).first()
    if evaluator is None:
        school = select(Educator.school_id).where(Educator.id == mentee_id).scalar_subquery()
        principals = [r.id for r in session.execute(
            select(Educator.id, Educator.role, Educator.school_id, Educator.exit_date, Educator.position)
            .where(Educator.role == "administrator", Educator.school_id == school)) if _is_principal(r)]
        evaluator = principals[0] if len(principals) == 1 else None
    every = {row.id: row for row in session.scalars(
        select(SupportTeamMember).where(SupportTeamMember.school_year_id == year.id,
                                        SupportTeamMember.mentee_id == mentee_id)
        .execution_options(include_deleted=True))}
    rows = [row for row in every.values() if row.deleted_at is None]
    added = _fill_one(session, year, mentee_id, mentor_id, evaluator, rows, every)
    session.flush()
    return added


def fill_from_assignments(session: Session, year_label: str, mentee_ids: list[uuid.UUID] | None = None) -> int:
    """Add each enrolled educator's current mentor (and evaluator: the evaluator link, else the
    school's principal) to the support team; a mentor who was replaced leaves the team. Returns how
    many members were added. Running it twice changes nothing. Assignments made one at a time fill
    the team as they are made (fill_for_mentee); many at once (Apply all, an import) fill the teams
    of their `mentee_ids` here in one pass; without them this catches up older data."""
    year, _ = ensure_year(session, year_label)
    if mentee_ids is None:
        query = (select(Educator).join(InductionEnrollment, InductionEnrollment.educator_id == Educator.id)
                 .where(InductionEnrollment.school_year_id == year.id))
    else:
        query = select(Educator).where(Educator.id.in_(set(mentee_ids)))
    enrolled = {e.id: e for e in session.scalars(query)}
    current = _current_assignments(session, year)
    evaluators = {link.educator_id: link.evaluator_id for link in session.scalars(
        select(EvaluatorLink).where(EvaluatorLink.school_year_id == year.id))}
    principals = _principals(session)
    existing: dict[uuid.UUID, list[SupportTeamMember]] = {}
    every = {}  # including removed ones, by id: a member who comes back is revived, not duplicated
    for row in session.scalars(select(SupportTeamMember).where(SupportTeamMember.school_year_id == year.id)
                               .execution_options(include_deleted=True)):
        every[row.id] = row
        if row.deleted_at is None:
            existing.setdefault(row.mentee_id, []).append(row)
    added = 0
    for mentee_id, mentee in sorted(enrolled.items(), key=lambda kv: kv[1].employee_id):
        assignment = current.get(mentee_id)
        mentor_id = assignment.mentor_id if assignment and assignment.end_date is None else None
        evaluator = evaluators.get(mentee_id) or (principals.get(mentee.school_id) if mentee.school_id else None)
        added += _fill_one(session, year, mentee_id, mentor_id, evaluator, existing.get(mentee_id, []), every)
    session.flush()
    return added
