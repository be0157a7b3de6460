"""The partnerships registry (state report item (h) for teachers, (i) for administrators; 002, 003):
other districts, professional associations and institutions of higher education."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.reporting import PARTNER_KINDS, Partnership
from app.errors import FieldProblem, ValidationError
from app.services.vocabulary import parse_choice


@dataclass(frozen=True)
class PartnershipData:
    id: uuid.UUID | None
    name: str
    kind: str
    purpose: str = ""
    since: dt.date | None = None

    def as_json(self) -> dict[str, str | None]:
        return {"name": self.name, "kind": self.kind, "purpose": self.purpose,
                "since": self.since.isoformat() if self.since else None}


def list_partnerships(session: Session, as_of: dt.date | None = None) -> list[PartnershipData]:
    """Partnerships, those begun after `as_of` (the end of a report year) left out."""
    rows = session.scalars(select(Partnership).order_by(Partnership.kind, Partnership.name))
    return [PartnershipData(p.id, p.name, p.kind, p.purpose or "", p.since) for p in rows
            if as_of is None or p.since is None or p.since <= as_of]


def save_partnership(session: Session, data: PartnershipData) -> PartnershipData:
    problems = []
    if not data.name.strip():
        problems.append(FieldProblem("name", "", "is required"))
    elif len(data.name) > 200:
        problems.append(FieldProblem("name", data.name[:40], "longer than 200 characters"))
    try:
        kind = parse_choice(data.kind, PARTNER_KINDS)
    except ValueError as exc:
        problems.append(FieldProblem("kind", data.kind, str(exc)))
        kind = None
    if not kind and not problems:
        problems.append(FieldProblem("kind", "", f"is required: one of {', '.join(PARTNER_KINDS)}"))
    if problems:
        raise ValidationError(problems)
    row = session.get(Partnership, data.id) if data.id else None
    if row is None:
        row = Partnership(name=data.name.strip(), kind=kind)
        session.add(row)
    row.name, row.kind, row.purpose, row.since = data.name.strip(), kind, data.purpose or None, data.since
    session.flush()
    return PartnershipData(row.id, row.name, row.kind, row.purpose or "", row.since)


def delete_partnership(session: Session, partnership_id: uuid.UUID) -> None:
    row = session.get(Partnership, partnership_id)
    if row is not None:
        row.tombstone()
        session.flush()
