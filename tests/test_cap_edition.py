"""The CAP edition of a placement is the one in force for its practicum year, unless overridden with a
reason; the edition's unconfirmed points are printed on the forms that depend on them.

DOMAIN.md, "CAP in detail": "Editions: the guidelines changed in 2016, 2019 and 2024 (the 2024 guidelines,
released June 2024, apply from school year 2025-26 ...). Keep each edition as data; a placement says which
edition it follows." Each edition file says from and to which school year it applies (2019: to 2024-25).
"""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from app.errors import ValidationError
from app.services import cap
from app.services.cap import forms, rubrics
from tests.cap_fixtures import make_candidate, make_world


@pytest.mark.parametrize(("edition", "year", "in_force"), [
    ("2019", "2018-2019", False),  # the year before it starts
    ("2019", "2019-2020", True),  # its first year
    ("2019", "2024-2025", True),  # its last year
    ("2019", "2025-2026", False),  # the year after
    ("2024", "2024-2025", False),
    ("2024", "2025-2026", True),
    ("2024", "2026-2027", True),
])
def test_each_edition_says_its_years(edition, year, in_force):
    assert rubrics.get(edition).in_force(year) is in_force


def test_another_edition_is_refused_unless_a_reason_is_given(session):
    _, sp, _, org = make_world(session)
    start, end = dt.date(2027, 1, 20), dt.date(2027, 5, 7)
    with pytest.raises(ValidationError) as caught:
        make_candidate(session, org, sp, edition="2019", year_label="2026-2027", start=start, end=end)
    problem = caught.value.problems[0]
    assert problem.field == "edition"
    assert problem.reason == ("the CAP 2019 edition applies from 2019-2020 to 2024-2025, not in 2026-2027 "
                              "(the 2024 edition is in force); give a reason to use it anyway")
    _, placement = make_candidate(session, org, sp, edition="2019", year_label="2026-2027", start=start, end=end,
                                  number="C-002", edition_reason="a program still on the 2019 forms")
    assert placement.edition == "2019"
    assert cap.edition_override(session, placement.id) == {"edition": "2019", "year": "2026-2027",
                                                          "reason": "a program still on the 2019 forms"}
    _, current = make_candidate(session, org, sp, year_label="2026-2027", start=start, end=end, number="C-003")
    assert current.edition == "2024" and cap.edition_override(session, current.id) is None


def test_the_demo_never_uses_an_edition_two_years_gone(session):
    from app.services.demo.district import build_demo

    build_demo(session, size="small", seed=3, year_label="2026-2027")
    rows = cap.my_candidates(session, "2026-2027")
    assert rows and {r.edition for r in rows} == {"2024"}


def text_of(path) -> str:  # type: ignore[no-untyped-def]
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_forms_print_the_unconfirmed_points_and_the_override(session, tmp_path):
    _, sp, _, org = make_world(session)
    _, p2024 = make_candidate(session, org, sp)  # 2025-2026: the 2024 edition, with unconfirmed points
    _, p2019 = make_candidate(session, org, sp, edition="2019", number="C-002", first="Ben",
                              edition_reason="last year's cohort finishing")
    assert rubrics.get("2024").unconfirmed and not rubrics.get("2019").unconfirmed
    summative = text_of(forms.assessment_form(session, p2024.id, "summative", tmp_path / "s.pdf"))
    assert "Not confirmed by the state for the CAP 2024 edition, and used for the readiness thresholds" in summative
    assert "readiness thresholds (not found" in summative
    for path in (forms.cap_form(session, p2024.id, tmp_path / "c.pdf"),
                 forms.candidate_summary(session, p2024.id, tmp_path / "o.pdf")):
        assert "Not confirmed by the state for the CAP 2024 edition" in text_of(path)
    older = text_of(forms.cap_form(session, p2019.id, tmp_path / "c19.pdf"))
    assert "Not confirmed" not in older
    assert "used in 2025-2026, outside its years: last year's cohort finishing" in older
