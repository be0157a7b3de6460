"""The Candidate Assessment of Performance (CAP) for student teachers: placements and the five-step
cycle, observations and evidence, ratings and readiness, progress, the printed forms, SP drafts, the
edition's rubrics and the early-literacy rules.

May import: roster and the shared plumbing. Reports and demo may import it.
This module is the package's API: `from app.services import cap; cap.summary(...)`. Its parts import
each other directly, never through this facade.
"""

from app.services.cap.observation import (
    EvidenceItem,
    ObservationCounts,
    ObservationInfo,
    add_evidence,
    add_observation,
    delete_evidence,
    early_literacy_required,
    evidence,
    evidence_by_category,
    load_observation,
    observation_detail,
    observation_values,
    observations,
    owed_observations,
    save_evidence,
    save_observation_evidence,
    save_quick_observation,
)
from app.services.cap.placements import (
    SURVEY_INSTRUMENTS,
    Loaded,
    add_candidate,
    add_placement,
    complete_step,
    day_text,
    edition_of,
    edition_override,
    ensure_organization,
    find_placements,
    hours_requirements,
    load_goals,
    log_hours,
    record_meeting,
    record_survey,
    remove_hours_requirement,
    set_candidate_hours,
    set_goals,
    set_hours_requirement,
    start_step,
    survey_instrument_for,
)
from app.services.cap.progress import (
    CandidateRow,
    CandidateSummary,
    add_candidate_with_placement,
    educator_choices,
    goals,
    my_candidates,
    organization_names,
    record_post_conference,
    summaries,
    summary,
    supervising_practitioners,
)
from app.services.cap.ratings import (
    CalibrationRow,
    calibration,
    element_results,
    load_ratings,
    save_ratings,
    set_rating,
)

