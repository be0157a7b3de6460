"""CAP ratings: each rater's levels by element and stage, calibration of SP against PS, element
results and readiness to teach (the edition's thresholds, rubrics.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, ValidationError
from app.models import derived_id
from app.models.cap import (
    RATERS,
    RATING_STAGES,
    CapRating,
)
from app.services.cap.placements import (
    Loaded,
    _assign,
    _placement,
    edition_of,
)
from app.services.cap.rubrics import DIMENSIONS, Edition

# ----------------------------------------------------------------------------------------------
# Ratings, calibration, readiness


def set_rating(session: Session, placement_id: uuid.UUID, *, stage: str, rater: str, element_code: str,
               quality: str | None, scope: str | None, consistency: str | None,
               rationale: str | None = None, version: int | None = None, overwrite: bool = False) -> None:
    """Rate one element on the three dimensions at the formative or summative step (upsert). With
    `version` (the rating's when it was shown; versions.MISSING if there was none) a rating someone
    else saved since is refused (StaleRecordError) unless `overwrite`."""
    changes = {"quality": quality, "scope": scope, "consistency": consistency}
    if rationale is not None:
        changes["rationale"] = rationale
    _write_rating(session, placement_id, stage, rater, element_code, changes, version, overwrite)


RATER_TEXT = {"sp": "the SP", "ps": "the PS", "joint": "the SP and PS together"}


def _check_rating(rubric: Edition, stage: str, rater: str, element_code: str, levels: Mapping[str, str | None]
                  ) -> None:
    rubric.element(element_code)
    problems = []
    if stage not in RATING_STAGES:
        problems.append(FieldProblem("stage", stage, "formative or summative"))
    if rater not in RATERS:
        problems.append(FieldProblem("rater", rater, "sp, ps or joint"))
    for dim, level in levels.items():
        if dim in DIMENSIONS and level is not None and level not in rubric.rating_levels:
            problems.append(FieldProblem(dim, level, f"not a rating level of the CAP {rubric.edition} edition; "
                                         "its levels: " + ", ".join(rubric.rating_levels)))
    if problems:
        raise ValidationError(problems)


def _write_rating(session: Session, placement_id: uuid.UUID, stage: str, rater: str, element_code: str,
                  changes: Mapping[str, str | None], version: int | None, overwrite: bool) -> None:
    """Write `changes` (dimension or rationale -> value) onto one rating as it is now, made if new."""
    from app.services.versions import locking, refuse_if_changed

    _check_rating(edition_of(session, placement_id), stage, rater, element_code, changes)
    row = session.scalars(locking(select(CapRating).where(
        CapRating.placement_id == placement_id, CapRating.stage == stage, CapRating.rater == rater,
        CapRating.element_code == element_code)).execution_options(include_deleted=True)).first()
    if row is not None:
        what = f"{_placement(session, placement_id).candidate.name}'s {stage} rating of {element_code}"
        refuse_if_changed(session, row, version, f"{what} by {RATER_TEXT[rater]}", overwrite=overwrite)
    if row is None:
        # one logical rating, one id: the same rating entered on two laptops merges field by field
        row = CapRating(id=derived_id("cap_rating", f"{placement_id}:{stage}:{rater}:{element_code}"),
                        placement_id=placement_id, stage=stage, rater=rater, element_code=element_code)
        session.add(row)
    row.deleted_at = None  # rated again after a removal: the same rating (its id is derived)
    for name, value in changes.items():
        _assign(row, name, value)
    session.flush()


def load_ratings(session: Session, placement_id: uuid.UUID, stage: str, rater: str) -> Loaded:
    """The Ratings tab's grid for one step and rater: per element, its levels and its rating's version
    (an element never rated has none: versions.MISSING)."""
    rows = session.execute(select(CapRating.element_code, CapRating.quality, CapRating.scope, CapRating.consistency,
                                  CapRating.version, CapRating.deleted_at)
                           .where(CapRating.placement_id == placement_id, CapRating.stage == stage,
                                  CapRating.rater == rater).execution_options(include_deleted=True))
    values, versions = {}, {}
    for code, quality, scope, consistency, version, deleted_at in rows:
        versions[code] = version  # a removed rating too: rating it again changes that record
        if deleted_at is None:
            values[code] = {"quality": quality, "scope": scope, "consistency": consistency}
    return Loaded(values, versions)


def save_ratings(session: Session, placement_id: uuid.UUID, *, stage: str, rater: str,
                 ratings: Mapping[str, Mapping[str, str | None]], loaded: Loaded, overwrite: bool = False) -> None:
    """The Ratings tab's save (element -> dimension -> level). Each element's rating is its own record:
    only the dimensions the person changed since `loaded` (load_ratings) are written, onto the rating
    as it is now. A rating someone else saved since is refused (StaleRecordError; nothing is saved)
    unless `overwrite`."""
    from app.services.versions import MISSING

    # one rating save per candidate at a time, so two first ratings of an element cannot both insert it
    _placement(session, placement_id, lock=True)
    for code, levels in ratings.items():
        opened = loaded.values.get(code) or EMPTY
        changes = {dim: level for dim, level in levels.items() if level != opened.get(dim)}
        if changes:
            _write_rating(session, placement_id, stage, rater, code, changes, loaded.versions.get(code, MISSING),
                          overwrite)


Ratings = dict[tuple[str, str, str], dict[str, str | None]]  # (stage, rater, element) -> dimension -> level


def _ratings(session: Session, placement_id: uuid.UUID) -> Ratings:
    rows = session.execute(select(CapRating.stage, CapRating.rater, CapRating.element_code, CapRating.quality,
                                  CapRating.scope, CapRating.consistency)
                           .where(CapRating.placement_id == placement_id, CapRating.deleted_at.is_(None)))
    return {(s, r, e): {"quality": q, "scope": sc, "consistency": c} for s, r, e, q, sc, c in rows}


EMPTY = {"quality": None, "scope": None, "consistency": None}


@dataclass(frozen=True)
class CalibrationRow:
    code: str
    name: str
    sp: dict[str, str | None]
    ps: dict[str, str | None]
    joint: dict[str, str | None]
    differences: tuple[str, ...]  # dimensions where SP and PS (both rated) disagree


def calibration(session: Session, placement_id: uuid.UUID, stage: str) -> list[CalibrationRow]:
    """SP's and PS's separate judgments side by side, with the dimensions where they differ."""
    rubric = edition_of(session, placement_id)
    ratings = _ratings(session, placement_id)
    rows = []
    for element in rubric.elements:
        sp = ratings.get((stage, "sp", element.code), EMPTY)
        ps = ratings.get((stage, "ps", element.code), EMPTY)
        joint = ratings.get((stage, "joint", element.code), EMPTY)
        diffs = tuple(d for d in DIMENSIONS if sp[d] and ps[d] and sp[d] != ps[d])
        rows.append(CalibrationRow(element.code, element.name, dict(sp), dict(ps), dict(joint), diffs))
    return rows


@dataclass(frozen=True)
class ElementResult:
    code: str
    name: str
    formative: dict[str, str | None]
    summative: dict[str, str | None]
    threshold: dict[str, str]
    met: bool | None  # every summative dimension reaches its threshold; None when not rated
    short: tuple[str, ...]  # e.g. "quality Needs Improvement (needs Proficient)"


def element_results(rubric: Edition, ratings: Ratings) -> list[ElementResult]:
    results = []
    for element in rubric.elements:
        formative = dict(ratings.get(("formative", "joint", element.code), EMPTY))
        summative = dict(ratings.get(("summative", "joint", element.code), EMPTY))
        short = []
        reached = []
        for dim in rubric.dimensions:
            ok = rubric.reaches(summative.get(dim), element.threshold[dim])
            reached.append(ok)
            if ok is False:
                unknown = "" if summative[dim] in rubric.rating_levels else "; not a level of this edition"
                short.append(f"{dim} {summative[dim]} (needs {element.threshold[dim]}{unknown})")
            elif ok is None:
                short.append(f"{dim} not rated")
        if all(r is None for r in reached):
            met = None
        else:
            met = all(r is True for r in reached)
        results.append(ElementResult(element.code, element.name, formative, summative, dict(element.threshold),
                                     met, tuple(short)))
    return results


def ready_to_teach(summative_complete: bool, results: list[ElementResult]) -> bool | None:
    """True only when the summative step is complete and every element is met; False when complete and one
    is not; None before (issue 8)."""
    if not summative_complete:
        return None
    return all(r.met is True for r in results)

