"""A rating that breaks a rule is refused with every problem named: field, value and the rule (the CAP
rubric's stages, raters and rating levels of the edition; 2024 CAP guidelines). Found by the mutation
trial on cap/ratings.py: no test looked at these messages, so any of them could have been wrong."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.services import cap
from tests.cap_fixtures import make_candidate, make_world


def test_a_bad_rating_names_each_field_its_value_and_the_rule_and_saves_nothing(session):
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp, field="Mathematics", grades="8-12")
    rubric = cap.edition_of(session, placement.id)
    code = rubric.elements[0].code
    with pytest.raises(ValidationError) as exc:
        cap.set_rating(session, placement.id, stage="final", rater="principal", element_code=code,
                       quality="Great", scope=None, consistency=rubric.rating_levels[0])
    levels = ", ".join(rubric.rating_levels)
    assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [
        ("stage", "final", "formative or summative"),
        ("rater", "principal", "sp, ps or joint"),
        ("quality", "Great", f"not a rating level of the CAP {rubric.edition} edition; its levels: {levels}"),
    ]
    assert set(cap.summary(session, placement.id).elements[0].summative.values()) <= {None}  # nothing saved
    # The same element with good values is saved and read back.
    cap.set_rating(session, placement.id, stage="summative", rater="joint", element_code=code,
                   quality=rubric.rating_levels[-1], scope=None, consistency=None)
    assert cap.summary(session, placement.id).elements[0].summative["quality"] == rubric.rating_levels[-1]
