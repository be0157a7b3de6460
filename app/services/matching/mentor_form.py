"""The Mentors page's form for one educator and year: willingness and capacity (the mentor profile)
and incentives (stipend, PDPs, release time), saved with optimistic locking.

A save carries the versions the person loaded and only the fields they changed: a change someone
else saved to another field stands, and a change to a record someone saved since it was loaded is
refused with who and when ("changed by alice at 10:42"), unless the person chooses to overwrite.
The rules and the writing are eligibility's (`save_profile`, `save_incentive`); this module decides
what to write."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Educator, MentorProfile
from app.models.matching import MentorIncentive
from app.errors import FieldProblem, ValidationError
from app.services.versions import MISSING

PROFILE_FIELDS = ("willing", "capacity")
INCENTIVE_FIELDS = ("stipend_dollars", "pdps", "release_hours")


@dataclass(frozen=True)
class MentorForm:
    educator_id: uuid.UUID
    year_label: str
    name: str
    profile_version: int  # MISSING when the educator was not in the year's pool
    incentive_version: int  # MISSING when no incentive was recorded
    fields: dict[str, Any]


def _rows(session: Session, year_label: str, educator_id: uuid.UUID, *, lock: bool = False
          ) -> tuple[MentorProfile | None, MentorIncentive | None]:
    from app.services.years import ensure_year

    year, _ = ensure_year(session, year_label)
    out = []
    for cls in (MentorProfile, MentorIncentive):
        query = select(cls).where(cls.educator_id == educator_id, cls.school_year_id == year.id)
        if lock:  # nobody saves these rows between the version check and this save (FOR UPDATE on a server)
            query = query.with_for_update().execution_options(populate_existing=True)
        out.append(session.scalars(query).one_or_none())
    return out[0], out[1]  # type: ignore[return-value]


def _values(profile: MentorProfile | None, incentive: MentorIncentive | None, default_capacity: int) -> dict[str, Any]:
    cents = incentive.stipend_cents if incentive is not None else None
    minutes = incentive.release_minutes if incentive is not None else None
    return {
        "willing": profile.willing if profile is not None else True,
        "capacity": profile.capacity if profile is not None else default_capacity,
        "stipend_dollars": cents / 100 if cents is not None else None,
        "pdps": incentive.pdps if incentive is not None else None,
        "release_hours": minutes / 60 if minutes is not None else None,
    }


def load_mentor_form(session: Session, year_label: str, educator_id: uuid.UUID) -> MentorForm:
    from app.services import settings

    educator = session.get(Educator, educator_id)
    if educator is None:
        raise ValidationError([FieldProblem("educator", str(educator_id), "no longer exists")])
    profile, incentive = _rows(session, year_label, educator_id)
    default_capacity = int(settings.get(session, "default_mentor_capacity"))
    return MentorForm(educator_id, year_label, educator.full_name,
                      profile.version if profile is not None else MISSING,
                      incentive.version if incentive is not None else MISSING,
                      _values(profile, incentive, default_capacity))


def _refuse_if_changed(session: Session, row: Any, loaded: int, what: str, overwrite: bool) -> None:
    from app.services.versions import refuse_if_changed

    if row is not None:
        refuse_if_changed(session, row, loaded, what, overwrite=overwrite)


def save_mentor_form(session: Session, form: MentorForm, changes: dict[str, Any], *,
                     overwrite: bool = False) -> MentorForm:
    """Write `changes` (field -> new value, only what the person changed) over the records as they
    are now. StaleRecordError if a record whose fields changed was saved by someone else since
    `form` was loaded, unless `overwrite`. Returns the form as saved."""
    from app.services.matching.eligibility import save_incentive, save_profile

    unknown = set(changes) - set(PROFILE_FIELDS) - set(INCENTIVE_FIELDS)
    if unknown:
        raise ValueError(f"not fields of the mentor form: {sorted(unknown)}")
    profile, incentive = _rows(session, form.year_label, form.educator_id, lock=True)
    touches_profile = any(f in changes for f in PROFILE_FIELDS)
    touches_incentive = any(f in changes for f in INCENTIVE_FIELDS)
    if touches_profile:
        _refuse_if_changed(session, profile, form.profile_version,
                           f"{form.name}'s place in the {form.year_label} mentor pool", overwrite)
    if touches_incentive:
        _refuse_if_changed(session, incentive, form.incentive_version,
                           f"{form.name}'s {form.year_label} incentives", overwrite)
    now = {**_values(profile, incentive, form.fields.get("capacity", 1)), **changes}
    if touches_profile:
        save_profile(session, form.year_label, form.educator_id, willing=bool(now["willing"]),
                     capacity=int(now["capacity"]))
    if touches_incentive:
        save_incentive(session, form.year_label, form.educator_id, stipend_dollars=now["stipend_dollars"],
                       pdps=now["pdps"], release_hours=now["release_hours"],
                       notes=incentive.notes if incentive is not None else None)  # its notes are not this form's
    session.flush()
    return load_mentor_form(session, form.year_label, form.educator_id)
