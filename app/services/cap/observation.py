"""CAP observations and evidence: recording, editing and checking observations against the
edition's rules, evidence by element and category, the observation minimums and what is still owed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, UsageError, ValidationError
from app.models import derived_id
from app.models.cap import (
    EVIDENCE_CATEGORIES,
    OBSERVATION_KINDS,
    OBSERVATION_STATUSES,
    OBSERVERS,
    CapEvidence,
    CapObservation,
)
from app.services.cap import literacy as cap_literacy
from app.services.cap.placements import (
    HELD,
    Loaded,
    _assign,
    _placement,
    _problem,
    changed_fields,
    day_text,
    edition_of,
    start_step,
    surveys,
    us_day,
)
from app.services.cap.rubrics import Edition

# ----------------------------------------------------------------------------------------------
# Observations and evidence


def add_observation(session: Session, placement_id: uuid.UUID, *, kind: str, observer: str, observed_on: dt.date,
                    minutes: int | None = None, focus: Iterable[str] = (), status: str = "planned",
                    pre_conference_on: dt.date | None = None, post_conference_on: dt.date | None = None,
                    early_literacy: bool = False, reinforcement: str | None = None,
                    refinement: str | None = None, look_fors: Iterable[str] = (),
                    today: dt.date | None = None) -> uuid.UUID:
    rubric = edition_of(session, placement_id)
    _check_observation(rubric, kind, observer, status, minutes, focus)
    _check_dates(_placement(session, placement_id).start_date, status, observed_on, pre_conference_on,
                 post_conference_on, today or dt.date.today())
    look_fors = _check_early_literacy(session, placement_id, early_literacy, look_fors)
    row = CapObservation(placement_id=placement_id, kind=kind, observer=observer, observed_on=observed_on,
                         minutes=minutes, focus_elements=list(focus), status=status,
                         pre_conference_on=pre_conference_on, post_conference_on=post_conference_on,
                         early_literacy=early_literacy, reinforcement=reinforcement, refinement=refinement,
                         look_fors=look_fors or None)
    session.add(row)
    session.flush()
    if status in HELD:
        start_step(session, placement_id, 3)
    return row.id


def early_literacy_required(session: Session, placement_id: uuid.UUID) -> bool:
    placement = _placement(session, placement_id)
    return cap_literacy.form().required(placement.candidate.license_field, placement.candidate.license_grades,
                                        placement.school_year.label)


def _check_early_literacy(session: Session, placement_id: uuid.UUID, early_literacy: bool,
                          look_fors: Iterable[str], was_on: bool = False) -> list[str]:
    """Only a license that requires the Early Literacy Observation Form gets one (an observation that
    already has it keeps it); its look-fors are the file's (resources/cap/early_literacy.json). Returns
    the look-fors to store (none without the form)."""
    look_fors = list(dict.fromkeys(look_fors or ()))
    if not early_literacy:
        return []
    form = cap_literacy.form()
    if not was_on and not early_literacy_required(session, placement_id):
        placement = _placement(session, placement_id)
        raise _problem("early_literacy", placement.candidate.license_sought,
                       f"the {form.title} is for {form.rule_text()}; this candidate's license sought is not one")
    problems = []
    for look_for_id in look_fors:
        try:
            form.look_for(look_for_id)
        except UsageError as exc:
            problems.append(FieldProblem("look_fors", look_for_id, str(exc)))
    if problems:
        raise ValidationError(problems)
    return look_fors


def _check_observation(rubric: Edition, kind: str, observer: str, status: str, minutes: int | None,
                       focus: Iterable[str]) -> None:
    problems = []
    if kind not in OBSERVATION_KINDS:
        problems.append(FieldProblem("kind", kind, "announced or unannounced"))
    if observer not in OBSERVERS:
        problems.append(FieldProblem("observer", observer, "sp, ps or both"))
    if status not in OBSERVATION_STATUSES:
        problems.append(FieldProblem("status", status, "planned, held or feedback_given"))
    if minutes is not None and not 5 <= minutes <= 600:
        problems.append(FieldProblem("minutes", str(minutes), "between 5 and 600 minutes"))
    codes = {e.code for e in rubric.elements}
    for code in focus:
        if code not in codes:
            problems.append(FieldProblem("focus", code, f"not an element of the {rubric.edition} edition"))
    if problems:
        raise ValidationError(problems)


def _check_dates(practicum_start: dt.date, status: str, observed_on: dt.date, pre_on: dt.date | None,
                 post_on: dt.date | None, today: dt.date) -> None:
    """An observation's dates: none before the practicum starts; "held" (or feedback given) only once
    its day has come; a pre-conference before (or on) the day observed, a post-conference after (or on) it.
    DOMAIN.md, "CAP in detail": "Announced observations have a pre- and a post-observation conference."
    """
    problems = []
    if observed_on < practicum_start:
        problems.append(FieldProblem("observed_on", day_text(observed_on),
                                     f"is before the practicum starts ({day_text(practicum_start)})"))
    if status in HELD and observed_on > today:
        problems.append(FieldProblem("status", status, f"cannot be held yet: the observation is on "
                                                       f"{day_text(observed_on)}, after today; plan it instead"))
    if pre_on is not None and pre_on > observed_on:
        problems.append(FieldProblem("pre_conference_on", day_text(pre_on), "is after the observation"))
    if post_on is not None and post_on < observed_on:
        problems.append(FieldProblem("post_conference_on", day_text(post_on), "is before the observation"))
    if problems:
        raise ValidationError(problems)


def _observation_what(session: Session, row: CapObservation, code: str | None = None) -> str:
    """How a stale save names the observation: "The observation of Ana Silva on 3 March"."""
    candidate = _placement(session, row.placement_id).candidate.name
    observation = f"observation of {candidate} on {day_text(row.observed_on)}"
    return f"The evidence for {code} in the {observation}" if code else f"The {observation}"


def _observation(session: Session, observation_id: uuid.UUID, *, version: int | None = None,
                 overwrite: bool = False) -> CapObservation:
    """An observation; with `version` (as the page showed it) it is locked and refused
    (StaleRecordError) if someone saved it since, unless `overwrite`."""
    from app.services.versions import locked, refuse_if_changed

    row = session.get(CapObservation, observation_id) if version is None else locked(session, CapObservation,
                                                                                       observation_id)
    if row is None:
        raise UsageError(f"no observation {observation_id}")
    refuse_if_changed(session, row, version, _observation_what(session, row), overwrite=overwrite)
    return row


def update_observation(session: Session, observation_id: uuid.UUID, *, version: int | None = None,
                       overwrite: bool = False, today: dt.date | None = None, **changes: object) -> None:
    row = _observation(session, observation_id, version=version, overwrite=overwrite)
    allowed = {"kind", "observer", "observed_on", "minutes", "status", "pre_conference_on", "post_conference_on",
               "early_literacy", "reinforcement", "refinement", "focus_elements", "look_fors"}
    for key in changes:
        if key not in allowed:
            raise UsageError(f"cannot change {key} of an observation")
    merged = {k: getattr(row, k) for k in ("kind", "observer", "status", "minutes", "focus_elements")}
    merged.update({k: v for k, v in changes.items() if k in merged})
    _check_observation(edition_of(session, row.placement_id), merged["kind"], merged["observer"],  # type: ignore[arg-type]
                       merged["status"], merged["minutes"], merged["focus_elements"])  # type: ignore[arg-type]
    dated = {k: changes.get(k, getattr(row, k)) for k in ("observed_on", "pre_conference_on", "post_conference_on")}
    _check_dates(_placement(session, row.placement_id).start_date, merged["status"], dated["observed_on"],  # type: ignore[arg-type]
                 dated["pre_conference_on"], dated["post_conference_on"], today or dt.date.today())  # type: ignore[arg-type]
    if "early_literacy" in changes or "look_fors" in changes:
        early = bool(changes.get("early_literacy", row.early_literacy))
        kept = changes["look_fors"] if "look_fors" in changes else (row.look_fors or [])
        changes["look_fors"] = _check_early_literacy(session, row.placement_id, early, kept,  # type: ignore[arg-type]
                                                     was_on=row.early_literacy) or None
    for key, value in changes.items():
        _assign(row, key, list(value) if key == "focus_elements" else value)  # type: ignore[call-overload]
    session.flush()
    if row.status in HELD:
        start_step(session, row.placement_id, 3)


def save_observation_evidence(session: Session, observation_id: uuid.UUID, notes: Mapping[str, str]) -> None:
    """Evidence notes per element from one observation (category 'observation'); an emptied note is removed."""
    observation = session.get(CapObservation, observation_id)
    if observation is None:
        raise UsageError(f"no observation {observation_id}")
    rubric = edition_of(session, observation.placement_id)
    existing = {e.element_code: e for e in session.scalars(
        select(CapEvidence).where(CapEvidence.observation_id == observation_id)
        .execution_options(include_deleted=True))}
    for code, note in notes.items():
        rubric.element(code)
        text = (note or "").strip()
        row = existing.get(code)
        if not text:
            if row is not None and row.deleted_at is None:
                row.tombstone()
            continue
        if row is not None and row.deleted_at is not None:  # emptied, then typed again: the same row
            row.deleted_at = None
        if row is None:
            session.add(CapEvidence(id=derived_id("cap_evidence", f"{observation_id}:{code}"),
                                    placement_id=observation.placement_id, observation_id=observation_id,
                                    element_code=code, category="observation",
                                    collected_on=observation.observed_on, note=text))
        elif row.note != text:
            row.note = text
    session.flush()


def add_evidence(session: Session, placement_id: uuid.UUID, *, element_code: str, category: str, note: str,
                 collected_on: dt.date, observation_id: uuid.UUID | None = None) -> uuid.UUID:
    rubric = edition_of(session, placement_id)
    _check_evidence(rubric, [element_code], category, note, collected_on)
    row = CapEvidence(placement_id=placement_id, observation_id=observation_id, element_code=element_code,
                      category=category, note=note.strip(), collected_on=collected_on)
    session.add(row)
    session.flush()
    return row.id


def _check_evidence(rubric: Edition, codes: list[str], category: str, note: str, collected_on: object) -> None:
    problems = []
    if category not in EVIDENCE_CATEGORIES:
        problems.append(FieldProblem("category", category, "one of: " + ", ".join(EVIDENCE_CATEGORIES)))
    if not codes:
        problems.append(FieldProblem("elements", "", "choose at least one element"))
    known = {e.code for e in rubric.elements}
    for code in codes:
        if code not in known:
            problems.append(FieldProblem("elements", code, f"not an element of the {rubric.edition} edition; "
                                         "elements: " + ", ".join(e.code for e in rubric.elements)))
    if not (note or "").strip():
        problems.append(FieldProblem("note", "", "write the evidence (what was seen, or a summary)"))
    if not isinstance(collected_on, dt.date):
        problems.append(FieldProblem("collected_on", str(collected_on or ""), "give the date"))
    if problems:
        raise ValidationError(problems)


EVIDENCE_FIELDS = ("category", "collected_on", "note")  # a saved piece's own fields (its element is its key)


def _evidence_what(row: CapEvidence) -> str:
    return f"The evidence for {row.element_code} of {day_text(row.collected_on)}" + (
        " (removed since)" if row.deleted_at is not None else "")


def _evidence_piece(session: Session, evidence_id: uuid.UUID) -> CapEvidence | None:
    """A piece of evidence as committed now, locked, removed or not (removing one is a change to it)."""
    from app.services.versions import locking

    return session.scalars(locking(select(CapEvidence).where(CapEvidence.id == evidence_id))
                           .execution_options(include_deleted=True)).first()


def _edit_evidence(session: Session, placement_id: uuid.UUID, evidence_id: uuid.UUID, new: Mapping[str, Any],
                   codes: list[str], loaded: Loaded | None, overwrite: bool) -> CapEvidence | None:
    """Save the editor's changes to a saved piece: the fields changed since `loaded` (all without
    it), or its removal when its element was unticked. A piece someone else saved or removed since
    is refused (StaleRecordError) unless `overwrite`, which brings a removed piece back. Returns the
    piece while its element stays ticked."""
    from app.services.versions import MISSING, refuse_if_changed

    row = _evidence_piece(session, evidence_id)
    if row is None or row.placement_id != placement_id or (row.deleted_at is not None and loaded is None):
        raise UsageError(f"no evidence {evidence_id} for this candidate")
    if row.observation_id is not None:
        raise _problem("evidence", row.element_code, "evidence from an observation is edited in that observation")
    kept = row.element_code in codes
    changed = set(EVIDENCE_FIELDS) if loaded is None else changed_fields(new, loaded.values, EVIDENCE_FIELDS)
    if loaded is not None and (changed or not kept or row.deleted_at is not None):
        refuse_if_changed(session, row, loaded.versions.get("evidence", MISSING), _evidence_what(row),
                          overwrite=overwrite)
    if not kept:  # the element was unticked: this piece goes, the chosen elements get theirs
        row.tombstone()
        return None
    row.deleted_at = None  # removed by someone else, and the person chose Overwrite: theirs again
    for name in changed:
        _assign(row, name, new[name])
    return row


def save_evidence(session: Session, placement_id: uuid.UUID, values: Mapping[str, object],
                  evidence_id: uuid.UUID | None = None, *, loaded: Loaded | None = None,
                  overwrite: bool = False) -> list[uuid.UUID]:
    """The CAP page's evidence editor in one unit of work: a piece of evidence in one of the five
    categories for one or more elements (one row per element, the same text and date). Editing a saved
    piece (`evidence_id`) changes it in place; elements added while editing get rows of their own, and an
    element unticked while editing removes that piece. Observation notes are kept with their observation
    (the quick observation form), not here. With `loaded` (what the editor opened: EvidenceItem.loaded)
    only the fields the person changed are written, and a piece someone else saved since is refused
    (StaleRecordError) unless `overwrite`."""
    collected_on = values.get("collected_on")
    if isinstance(collected_on, str) and collected_on:
        try:
            collected_on = dt.date.fromisoformat(collected_on)
        except ValueError:
            raise _problem("collected_on", collected_on, "a date as YYYY-MM-DD") from None
    category = str(values.get("category") or "")
    note = str(values.get("note") or "")
    codes = list(dict.fromkeys(str(c) for c in (values.get("elements") or ())))  # type: ignore[attr-defined]
    rubric = edition_of(session, placement_id)
    _check_evidence(rubric, codes, category, note, collected_on)
    made: list[uuid.UUID] = []
    if evidence_id is not None:
        new = {"category": category, "collected_on": collected_on, "note": note.strip()}
        kept = _edit_evidence(session, placement_id, evidence_id, new, codes, loaded, overwrite)
        if kept is not None:
            codes.remove(kept.element_code)
            made.append(kept.id)
        session.flush()
    for code in codes:
        made.append(add_evidence(session, placement_id, element_code=code, category=category, note=note,
                                 collected_on=collected_on))  # type: ignore[arg-type]
    return made


def delete_evidence(session: Session, evidence_id: uuid.UUID, *, version: int | None = None,
                    overwrite: bool = False) -> None:
    """Remove a piece of evidence (tombstoned, so every laptop learns of it). `version`: the piece's
    as the list showed it (EvidenceItem.version): if someone saved it since, StaleRecordError unless
    `overwrite`, so nobody removes an edit they have not seen."""
    from app.services.versions import refuse_if_changed

    row = _evidence_piece(session, evidence_id)
    if row is None or row.deleted_at is not None:
        raise UsageError(f"no evidence {evidence_id}")
    if row.observation_id is not None:
        raise _problem("evidence", row.element_code, "evidence from an observation is edited in that observation")
    refuse_if_changed(session, row, version, _evidence_what(row), overwrite=overwrite)
    row.tombstone()
    session.flush()


@dataclass(frozen=True)
class EvidenceItem:
    element_code: str
    category: str
    collected_on: dt.date
    note: str
    observation_id: uuid.UUID | None
    id: uuid.UUID | None = None
    version: int | None = None

    def loaded(self) -> Loaded:
        """The piece as the evidence editor opens it (values and version from the same read)."""
        return Loaded({"category": self.category, "elements": [self.element_code],
                       "collected_on": self.collected_on.isoformat(), "note": self.note},
                      {"evidence": self.version or 0})


def evidence(session: Session, placement_id: uuid.UUID) -> list[EvidenceItem]:
    rows = session.execute(select(CapEvidence.element_code, CapEvidence.category, CapEvidence.collected_on,
                                  CapEvidence.note, CapEvidence.observation_id, CapEvidence.id, CapEvidence.version)
                           .where(CapEvidence.placement_id == placement_id, CapEvidence.deleted_at.is_(None))
                           .order_by(CapEvidence.collected_on, CapEvidence.element_code))
    return [EvidenceItem(*r) for r in rows]


def evidence_by_category(session: Session, placement_id: uuid.UUID) -> dict[str, dict[str, int]]:
    """Per element, how many pieces of evidence in each of the five categories. Each student feedback
    survey recorded for the candidate (record_survey) counts as a piece of student feedback for every
    element: the surveys ask about the candidate's teaching as a whole."""
    counts: dict[str, dict[str, int]] = {}
    for item in evidence(session, placement_id):
        counts.setdefault(item.element_code, {c: 0 for c in EVIDENCE_CATEGORIES})[item.category] += 1
    survey_count = len(surveys(session, placement_id))
    if survey_count:
        for element in edition_of(session, placement_id).elements:
            counts.setdefault(element.code, {c: 0 for c in EVIDENCE_CATEGORIES})["student_feedback"] += survey_count
    return counts


# ----------------------------------------------------------------------------------------------
# Observation minimums and what is owed


@dataclass(frozen=True)
class ObservationCounts:
    announced: int
    unannounced: int
    by_sp: int
    by_ps: int
    total: int


def _matches(kind: str, observer: str, req_kind: str, req_observer: str) -> bool:
    kind_ok = req_kind == "any" or kind == req_kind
    if req_observer == "any":
        observer_ok = True
    else:
        observer_ok = observer == req_observer or observer == "both"
    return kind_ok and observer_ok


def owed_observations(rubric: Edition, held: list[tuple[str, str]]) -> list[str]:
    """What is still owed against the edition's minimums, most specific first, without double-counting:
    each owed observation also counts toward the broader minimums ('1 unannounced observation by the SP')."""
    virtual: list[tuple[str, str]] = []
    owed = []
    ordered = sorted(rubric.minimums, key=lambda m: (m.kind == "any") + (m.observer == "any"))
    for minimum in ordered:
        have = sum(_matches(k, o, minimum.kind, minimum.observer) for k, o in held)
        have += sum(_matches(k, o, minimum.kind, minimum.observer) for k, o in virtual
                    if k != "any" or minimum.kind == "any")
        missing = minimum.count - have
        if missing <= 0:
            continue
        virtual += [(minimum.kind, minimum.observer)] * missing
        kind_word = "" if minimum.kind == "any" else f"{minimum.kind} "
        by = {"sp": " by the SP", "ps": " by the PS"}.get(minimum.observer, "")
        owed.append(f"{missing} {kind_word}observation{'s' if missing > 1 else ''}{by}")
    return owed


@dataclass(frozen=True)
class ObservationInfo:
    id: uuid.UUID
    kind: str
    observer: str
    observed_on: dt.date
    minutes: int | None
    status: str
    focus: tuple[str, ...]
    pre_conference_on: dt.date | None
    post_conference_on: dt.date | None
    early_literacy: bool
    look_fors: tuple[str, ...] = ()
    version: int | None = None  # as read: a save from the page is checked against it

    @property
    def observer_text(self) -> str:
        return {"sp": "SP", "ps": "PS", "both": "SP and PS"}[self.observer]


def observations(session: Session, placement_id: uuid.UUID) -> list[ObservationInfo]:
    rows = session.execute(select(CapObservation.id, CapObservation.kind, CapObservation.observer,
                                  CapObservation.observed_on, CapObservation.minutes, CapObservation.status,
                                  CapObservation.focus_elements, CapObservation.pre_conference_on,
                                  CapObservation.post_conference_on, CapObservation.early_literacy,
                                  CapObservation.look_fors, CapObservation.version)
                           .where(CapObservation.placement_id == placement_id, CapObservation.deleted_at.is_(None))
                           .order_by(CapObservation.observed_on, CapObservation.created_at))
    return [ObservationInfo(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6] or ()), r[7], r[8], bool(r[9]),
                            tuple(r[10] or ()), r[11]) for r in rows]


def observation_counts(items: list[ObservationInfo]) -> ObservationCounts:
    held = [o for o in items if o.status in HELD]
    return ObservationCounts(
        announced=sum(o.kind == "announced" for o in held),
        unannounced=sum(o.kind == "unannounced" for o in held),
        by_sp=sum(o.observer in ("sp", "both") for o in held),
        by_ps=sum(o.observer in ("ps", "both") for o in held),
        total=len(held),
    )


def owed_conferences(rubric: Edition, items: list[ObservationInfo], today: dt.date) -> list[str]:
    """Conferences the edition asks for (`pre_conference_for`, `post_conference_for`) and not recorded:
    before a planned observation, after a held one; and an announced observation held without its
    pre-conference is flagged (it can no longer be held first, but it must not pass as complete)."""
    owed = []
    for o in items:
        if o.kind in rubric.pre_conference_for and o.pre_conference_on is None:
            if o.status == "planned" and o.observed_on >= today:
                owed.append(f"the pre-conference before the {us_day(o.observed_on)} observation")
            elif o.status in HELD:
                owed.append(f"the {us_day(o.observed_on)} {o.kind} observation was held without a pre-conference")
        if o.status in HELD and o.kind in rubric.post_conference_for and o.post_conference_on is None:
            owed.append(f"the post-conference of the {us_day(o.observed_on)} observation")
    return owed

@dataclass(frozen=True)
class ObservationDetail:
    info: ObservationInfo
    reinforcement: str
    refinement: str
    evidence: dict[str, str]  # element code -> note


def observation_detail(session: Session, observation_id: uuid.UUID) -> ObservationDetail:
    row = session.get(CapObservation, observation_id)
    if row is None:
        raise UsageError(f"no observation {observation_id}")
    info = next(o for o in observations(session, row.placement_id) if o.id == observation_id)
    notes = {code: note for code, note in session.execute(
        select(CapEvidence.element_code, CapEvidence.note)
        .where(CapEvidence.observation_id == observation_id, CapEvidence.deleted_at.is_(None)))}
    return ObservationDetail(info, row.reinforcement or "", row.refinement or "", notes)


OBSERVATION_FIELDS = ("kind", "observer", "observed_on", "minutes", "status", "pre_conference", "post_conference",
                      "early_literacy", "look_fors", "reinforcement", "refinement")  # the quick form's, not evidence


def load_observation(session: Session, observation_id: uuid.UUID) -> Loaded:
    """A saved observation as the quick form opens it (observation_values), with the versions of the
    observation ("observation") and of each element's evidence ("evidence:I-A-1"; removed ones too:
    typing again where someone removed evidence changes that record)."""
    # the versions are read before the values: a save landing in between then looks changed (asks),
    # never the other way round (a change shown as already seen, then silently overwritten)
    versions = {"observation": _observation(session, observation_id).version}
    versions |= {f"evidence:{code}": version for code, version in session.execute(
        select(CapEvidence.element_code, CapEvidence.version).where(CapEvidence.observation_id == observation_id)
        .execution_options(include_deleted=True))}
    return Loaded(observation_values(session, observation_id), versions)


def _merge_observation(session: Session, observation_id: uuid.UUID, values: Mapping[str, Any], loaded: Loaded,
                       overwrite: bool) -> dict[str, Any]:
    """The form's values as they will be saved: what the person changed since `loaded` over the
    observation as saved now. A record they changed (the observation's own fields, an element's
    evidence) that someone else saved since is refused first (StaleRecordError), unless `overwrite`."""
    from app.services.versions import MISSING, locked, locking, refuse_if_changed

    row = locked(session, CapObservation, observation_id)  # saves of one observation go one at a time
    if row is None:
        raise UsageError(f"no observation {observation_id}")
    changed = changed_fields(values, loaded.values, OBSERVATION_FIELDS)
    if changed:
        refuse_if_changed(session, row, loaded.versions.get("observation", MISSING), _observation_what(session, row),
                          overwrite=overwrite)
    typed, opened = dict(values.get("evidence") or {}), dict(loaded.values.get("evidence") or {})
    codes = changed_fields(typed, opened, set(typed) | set(opened))
    query = select(CapEvidence).where(CapEvidence.observation_id == observation_id)
    rows = {e.element_code: e for e in session.scalars(locking(query).execution_options(include_deleted=True))}
    for code in sorted(codes & set(rows)):
        refuse_if_changed(session, rows[code], loaded.versions.get(f"evidence:{code}", MISSING),
                          _observation_what(session, row, code), overwrite=overwrite)
    now = observation_values(session, observation_id)
    evidence = {**now["evidence"], **{code: typed.get(code, "") for code in codes}}  # type: ignore[dict-item]
    return {**now, **{name: values.get(name) for name in changed}, "evidence": evidence}


def save_quick_observation(session: Session, placement_id: uuid.UUID, values: Mapping[str, object],
                           observation_id: uuid.UUID | None = None, *, loaded: Loaded | None = None,
                           overwrite: bool = False) -> uuid.UUID:
    """The CAP page's quick observation form in one unit of work: the observation (new, or the one being
    edited), its conferences, the feedback and the evidence per element (the elements with evidence become
    the focus elements; an emptied element's evidence is removed). Editing with `loaded` (what the form
    opened: load_observation) writes only what the person changed, and refuses a record someone else
    saved since (StaleRecordError) unless `overwrite`; a change they made elsewhere stands."""
    if observation_id is not None and loaded is not None:
        values = _merge_observation(session, observation_id, values, loaded, overwrite)
    observed_on = values.get("observed_on")
    if isinstance(observed_on, str):
        observed_on = dt.date.fromisoformat(observed_on)
    if not isinstance(observed_on, dt.date):
        raise _problem("observed_on", observed_on, "give the observation's date")
    typed = {code: str(text or "") for code, text in dict(values.get("evidence") or {}).items()}  # type: ignore[call-overload]
    notes = {code: text for code, text in typed.items() if text.strip()}
    kind = str(values.get("kind") or "announced")
    minutes = values.get("minutes")
    previous = session.get(CapObservation, observation_id) if observation_id else None

    def conference(flag: str, existing: dt.date | None) -> dt.date | None:
        if not values.get(flag) or (flag == "pre_conference" and kind != "announced"):
            return None
        return existing or observed_on  # type: ignore[return-value]

    fields = dict(
        kind=kind, observer=str(values.get("observer") or "sp"), observed_on=observed_on,
        minutes=int(minutes) if minutes else None, status=str(values.get("status") or "held"),  # type: ignore[call-overload]
        pre_conference_on=conference("pre_conference", previous.pre_conference_on if previous else None),
        post_conference_on=conference("post_conference", previous.post_conference_on if previous else None),
        early_literacy=bool(values.get("early_literacy")),
        look_fors=[str(i) for i in (values.get("look_fors") or ())],  # type: ignore[attr-defined]
        reinforcement=str(values.get("reinforcement") or "").strip() or None,
        refinement=str(values.get("refinement") or "").strip() or None)
    if previous is None:
        observation_id = add_observation(session, placement_id, focus=list(notes), **fields)  # type: ignore[arg-type]
    else:
        update_observation(session, previous.id, focus_elements=list(notes), **fields)
        observation_id = previous.id
    save_observation_evidence(session, observation_id, typed)
    return observation_id


def observation_values(session: Session, observation_id: uuid.UUID) -> dict[str, object]:
    """An observation as the quick form's values (to edit it: a planned one becomes held, evidence added)."""
    detail = observation_detail(session, observation_id)
    o = detail.info
    return {"kind": o.kind, "observer": o.observer, "observed_on": o.observed_on.isoformat(),
            "minutes": o.minutes, "status": o.status, "pre_conference": o.pre_conference_on is not None,
            "post_conference": o.post_conference_on is not None, "early_literacy": o.early_literacy,
            "look_fors": list(o.look_fors), "evidence": dict(detail.evidence), "reinforcement": detail.reinforcement,
            "refinement": detail.refinement}

