"""Locks and exclusions: pairs the coordinator fixes or forbids, which every proposal respects.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, ValidationError
from app.models.matching import MatchRule
from app.services.matching.solver import (
    PersonInfo,
)

# --- locks and exclusions ----------------------------------------------------------------------


def _rule(session: Session, kind: str, mentor_id: uuid.UUID, mentee_id: uuid.UUID,
          year_id: uuid.UUID | None) -> MatchRule | None:
    query = select(MatchRule).where(MatchRule.kind == kind, MatchRule.mentor_id == mentor_id,
                                    MatchRule.mentee_id == mentee_id)
    query = query.where(MatchRule.school_year_id.is_(None) if year_id is None else MatchRule.school_year_id == year_id)
    return session.scalars(query).first()


def lock_pair(session: Session, year_label: str, mentor_id: uuid.UUID, mentee_id: uuid.UUID) -> None:
    """This pair stays in every proposal until unlocked; the mentee's other locks go."""
    from app.services.years import ensure_year

    year, _ = ensure_year(session, year_label)
    if mentor_id == mentee_id:
        raise ValidationError([FieldProblem("mentor", "", "cannot mentor themselves")])
    for r in session.scalars(select(MatchRule).where(MatchRule.kind == "lock", MatchRule.mentee_id == mentee_id,
                                                     MatchRule.school_year_id == year.id)):
        if r.mentor_id != mentor_id:
            r.tombstone()
    for r in session.scalars(select(MatchRule).where(MatchRule.kind == "exclude", MatchRule.mentee_id == mentee_id,
                                                     MatchRule.mentor_id == mentor_id,
                                                     MatchRule.school_year_id == year.id)):
        r.tombstone()  # a lock on a pair excluded this year replaces the exclusion
    if _rule(session, "lock", mentor_id, mentee_id, year.id) is None:
        session.add(MatchRule(kind="lock", mentor_id=mentor_id, mentee_id=mentee_id, school_year_id=year.id))
    session.flush()


def unlock_pair(session: Session, year_label: str, mentor_id: uuid.UUID, mentee_id: uuid.UUID) -> None:
    from app.services.years import ensure_year

    year, _ = ensure_year(session, year_label)
    rule = _rule(session, "lock", mentor_id, mentee_id, year.id)
    if rule is not None:
        rule.tombstone()
        session.flush()


def exclude_pair(session: Session, year_label: str | None, mentor_id: uuid.UUID, mentee_id: uuid.UUID,
                 private_reason: str | None = None) -> None:
    """Never propose this pair (this year, or with `year_label` None every year: hold-harmless)."""
    from app.services.years import ensure_year

    year_id = ensure_year(session, year_label)[0].id if year_label else None
    for r in session.scalars(select(MatchRule).where(MatchRule.kind == "lock", MatchRule.mentee_id == mentee_id,
                                                     MatchRule.mentor_id == mentor_id)):
        if year_id is None or r.school_year_id == year_id:
            r.tombstone()
    if _rule(session, "exclude", mentor_id, mentee_id, year_id) is None:
        session.add(MatchRule(kind="exclude", mentor_id=mentor_id, mentee_id=mentee_id, school_year_id=year_id,
                              private_reason=private_reason))
    session.flush()


@dataclass(frozen=True)
class RuleInfo:
    id: uuid.UUID
    kind: str
    mentor: PersonInfo
    mentee: PersonInfo
    every_year: bool


def list_rules(session: Session, year_label: str) -> list[RuleInfo]:
    from app.services.years import ensure_year

    year, _ = ensure_year(session, year_label)
    rows = session.scalars(select(MatchRule).where(
        (MatchRule.school_year_id == year.id) | (MatchRule.school_year_id.is_(None))))
    return [RuleInfo(r.id, r.kind, PersonInfo.of(r.mentor), PersonInfo.of(r.mentee), r.school_year_id is None)
            for r in rows]


def remove_rule(session: Session, rule_id: uuid.UUID) -> None:
    rule = session.get(MatchRule, rule_id)
    if rule is not None:
        rule.tombstone()
        session.flush()


