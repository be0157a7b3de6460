"""Partners' contacts and agreements (001: the Partnership Compact and the Data Sharing Agreement), with the
expiry reminder on the dashboard.

An agreement is in force from `starts_on` through `ends_on` (its last day counts). The reminder (setting
`agreement_reminder_days`, default 60) lists each agreement whose last day is 0 to N days away, and each one
already ended that no later agreement of the same kind with the same partner replaces (overdue): 001,
"Secure sustainable funding" and the compact's "multi-year plan" keep a partnership's agreements current.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, ValidationError
from app.models.partnership import AGREEMENT_KINDS, PartnerContact, PartnershipAgreement
from app.models.reporting import Partnership
from app.services import settings
from app.services.partnership.toolkit import AGREEMENT_LABELS, AGREEMENT_SOURCE
from app.services.vocabulary import us_date

CITATION = AGREEMENT_SOURCE


def _required(problems: list[FieldProblem], name: str, value: str | None, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        problems.append(FieldProblem(name, "", "is required"))
    elif len(value) > limit:
        problems.append(FieldProblem(name, "", f"longer than {limit} characters"))
    return value


def _optional(problems: list[FieldProblem], name: str, value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        problems.append(FieldProblem(name, "", f"longer than {limit} characters"))
    return value or None


# --- contacts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactData:
    id: uuid.UUID | None
    partnership_id: uuid.UUID
    name: str
    title: str = ""
    email: str = ""
    phone: str = ""

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "email": self.email, "phone": self.phone}


def _contact(row: PartnerContact) -> ContactData:
    return ContactData(row.id, row.partnership_id, row.name, row.title or "", row.email or "", row.phone or "")


def list_contacts(session: Session, partnership_id: uuid.UUID | None = None) -> list[ContactData]:
    query = select(PartnerContact).where(PartnerContact.deleted_at.is_(None)).order_by(PartnerContact.name)
    if partnership_id is not None:
        query = query.where(PartnerContact.partnership_id == partnership_id)
    return [_contact(r) for r in session.scalars(query)]


def save_contact(session: Session, data: ContactData) -> ContactData:
    problems: list[FieldProblem] = []
    name = _required(problems, "name", data.name, 200)
    title = _optional(problems, "title", data.title, 200)
    email = _optional(problems, "email", data.email, 200)
    if email and "@" not in email:
        problems.append(FieldProblem("email", "", "is not an email address"))
    phone = _optional(problems, "phone", data.phone, 40)
    if session.get(Partnership, data.partnership_id) is None:
        problems.append(FieldProblem("partner", "", "is not a recorded partner"))
    if problems:
        raise ValidationError(problems)
    row = session.get(PartnerContact, data.id) if data.id else None
    if row is None:
        row = PartnerContact(partnership_id=data.partnership_id, name=name)
        session.add(row)
    row.partnership_id, row.name, row.title, row.email, row.phone = data.partnership_id, name, title, email, phone
    session.flush()
    return _contact(row)


def delete_contact(session: Session, contact_id: uuid.UUID) -> None:
    row = session.get(PartnerContact, contact_id)
    if row is not None:
        row.tombstone()
        session.flush()


# --- agreements -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementData:
    id: uuid.UUID | None
    partnership_id: uuid.UUID
    kind: str
    title: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    signed_by: str = ""
    signed_on: dt.date | None = None
    parties: str = ""
    data_elements: tuple[str, ...] = field(default_factory=tuple)
    purposes: str = ""
    notes: str = ""
    partner: str = ""  # the partner's name (read only)

    @property
    def kind_label(self) -> str:
        return AGREEMENT_LABELS.get(self.kind, self.kind)

    def days_left(self, today: dt.date) -> int | None:
        """Days until the last day in force (0: today is the last day; negative: ended)."""
        return None if self.ends_on is None else (self.ends_on - today).days

    def state(self, today: dt.date) -> str:
        """'not yet in force', 'in force', 'ended', or 'no end date'."""
        if self.starts_on and today < self.starts_on:
            return "not yet in force"
        if self.ends_on is None:
            return "no end date"
        return "in force" if today <= self.ends_on else "ended"

    def as_json(self, today: dt.date) -> dict[str, object]:
        return {"partner": self.partner, "kind": self.kind, "title": self.title,
                "starts_on": self.starts_on.isoformat() if self.starts_on else None,
                "ends_on": self.ends_on.isoformat() if self.ends_on else None,
                "signed_by": self.signed_by, "signed_on": self.signed_on.isoformat() if self.signed_on else None,
                "parties": self.parties, "data_elements": list(self.data_elements), "purposes": self.purposes,
                "state": self.state(today), "days_left": self.days_left(today)}


def _agreement(row: PartnershipAgreement, partner: str) -> AgreementData:
    return AgreementData(row.id, row.partnership_id, row.kind, row.title, row.starts_on, row.ends_on,
                         row.signed_by or "", row.signed_on, row.parties or "", tuple(row.data_elements or ()),
                         row.purposes or "", row.notes or "", partner)


def list_agreements(session: Session, partnership_id: uuid.UUID | None = None) -> list[AgreementData]:
    query = (select(PartnershipAgreement, Partnership.name)
             .join(Partnership, Partnership.id == PartnershipAgreement.partnership_id)
             .where(PartnershipAgreement.deleted_at.is_(None), Partnership.deleted_at.is_(None)))
    if partnership_id is not None:
        query = query.where(PartnershipAgreement.partnership_id == partnership_id)
    rows = [_agreement(a, name) for a, name in session.execute(query)]
    return sorted(rows, key=lambda a: (a.partner.lower(), a.kind, a.ends_on or dt.date.max, a.title))


def save_agreement(session: Session, data: AgreementData) -> AgreementData:
    problems: list[FieldProblem] = []
    title = _required(problems, "title", data.title, 200)
    if data.kind not in AGREEMENT_KINDS:
        problems.append(FieldProblem("kind", "", f"must be one of {', '.join(AGREEMENT_LABELS.values())}"))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.append(FieldProblem("ends_on", "", "is before the start date"))
    signed_by = _optional(problems, "signed_by", data.signed_by, 400)
    elements = [e.strip() for e in data.data_elements if e and e.strip()]
    partner = session.get(Partnership, data.partnership_id)
    if partner is None or partner.deleted_at is not None:
        problems.append(FieldProblem("partner", "", "is not a recorded partner"))
    if problems:
        raise ValidationError(problems)
    row = session.get(PartnershipAgreement, data.id) if data.id else None
    if row is None:
        row = PartnershipAgreement(partnership_id=data.partnership_id, kind=data.kind, title=title)
        session.add(row)
    row.partnership_id, row.kind, row.title = data.partnership_id, data.kind, title
    row.starts_on, row.ends_on, row.signed_by, row.signed_on = data.starts_on, data.ends_on, signed_by, data.signed_on
    row.parties, row.data_elements = (data.parties or "").strip() or None, elements
    row.purposes, row.notes = (data.purposes or "").strip() or None, (data.notes or "").strip() or None
    session.flush()
    return _agreement(row, partner.name if partner else "")


def delete_agreement(session: Session, agreement_id: uuid.UUID) -> None:
    row = session.get(PartnershipAgreement, agreement_id)
    if row is not None:
        row.tombstone()
        session.flush()


# --- the reminder -----------------------------------------------------------------------------------


def needing_renewal(agreements: list[AgreementData], today: dt.date, days: int) -> list[AgreementData]:
    """Agreements whose last day is 0..`days` days away, and ended ones no later agreement of the same kind
    with the same partner replaces. Soonest first."""
    out = []
    for a in agreements:
        left = a.days_left(today)
        if left is None:
            continue
        if 0 <= left <= days:
            out.append(a)
        elif left < 0 and not any(b is not a and b.partnership_id == a.partnership_id and b.kind == a.kind
                                  and (b.ends_on is None or b.ends_on > a.ends_on) for b in agreements):
            out.append(a)
    return sorted(out, key=lambda a: (a.ends_on, a.partner.lower()))


def reminder_text(a: AgreementData, today: dt.date) -> str:
    left = a.days_left(today) or 0
    when = us_date(a.ends_on) if a.ends_on else ""
    if left < 0:
        return f"{a.partner}: {a.kind_label.lower()} \"{a.title}\" ended on {when}"
    if left == 0:
        return f"{a.partner}: {a.kind_label.lower()} \"{a.title}\" ends today ({when})"
    return f"{a.partner}: {a.kind_label.lower()} \"{a.title}\" ends on {when} ({left} day{'s' if left != 1 else ''})"


def expiry_card(session: Session, year_label: str, *, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Dashboard card: agreements ending within `agreement_reminder_days` days, or ended and not renewed.
    None when no agreement is recorded."""
    from app.services.attention import AttentionCard, AttentionItem

    today = today or dt.date.today()
    agreements = list_agreements(session)
    if not agreements:
        return None
    days = int(settings.get(session, "agreement_reminder_days"))
    due = needing_renewal(agreements, today, days)
    items = [AttentionItem(reminder_text(a, today), None, overdue=(a.days_left(today) or 0) < 0) for a in due]
    summary = (f"{len(due)} partnership agreement{'s' if len(due) != 1 else ''} to renew" if due
               else f"No partnership agreement ends in the next {days} days")
    return AttentionCard("partnership_agreements", "Partnership agreements to renew", CITATION, items, summary,
                         "partnership")
