"""The demo district: the sizes the issue names, deterministic, and only on an empty database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.models import Educator, InductionEnrollment, MentorProfile, School, SchoolYear
from app.services.demo.roster import demo_roster


@pytest.mark.slow
def test_district_demo_has_the_promised_shape(run_cli, database):
    code, out, _ = run_cli("demo", "--size", "district", "--seed", "7", "--year", "2025-2026")
    assert code == 0 and "2025-2026" in out
    with database.read() as s:
        assert s.scalar(select(func.count(School.id))) == 12
        assert s.scalar(select(func.count(Educator.id))) == 900
        beginning = s.scalar(select(func.count(InductionEnrollment.id)).join(Educator).join(SchoolYear).where(
            InductionEnrollment.status == "beginning", Educator.role == "teacher", SchoolYear.label == "2025-2026"))
        trained = s.scalar(select(func.count(Educator.id)).where(Educator.mentor_trained_on.is_not(None)))
        assert 55 <= beginning <= 90, beginning  # the issue: about 70 beginning teachers
        assert 120 <= trained <= 190, trained  # about 150 trained mentors
        assert s.scalar(select(func.count(MentorProfile.id))) >= trained
        # Every school has its principal, and every beginning teacher was hired in the year.
        principals = s.scalars(select(Educator).where(Educator.position == "Principal")).all()
        assert {p.school_id for p in principals} == set(s.scalars(select(School.id)))
        assert len(principals) == 12
        # (earlier years' enrollments, the teachers past induction, were beginning in their own hire year)
        hires = s.scalars(select(Educator.hire_date).join(InductionEnrollment).join(SchoolYear).where(
            InductionEnrollment.status == "beginning", SchoolYear.label == "2025-2026")).all()
        outside = [h for h in hires if h is None or not dt.date(2025, 7, 1) <= h <= dt.date(2026, 6, 30)]
        assert len(hires) >= beginning and not outside, outside


def test_same_seed_same_district_other_seed_other_district():
    assert demo_roster("small", 3, "2025-2026") == demo_roster("small", 3, "2025-2026")
    assert demo_roster("small", 3, "2025-2026") != demo_roster("small", 4, "2025-2026")
    assert len(demo_roster("small", 3, "2025-2026")) == 120


def test_demo_refuses_a_database_that_has_people(run_cli):
    assert run_cli("demo", "--size", "small")[0] == 0
    code, _, err = run_cli("demo", "--size", "small")
    assert code == 2 and "empty database" in err


def test_demo_roster_round_trips_through_the_importer(tmp_path, run_cli, database):
    """The generator writes the public format: the importer takes every row."""
    import csv

    from app.services.roster.educators import ROSTER_FIELDS

    path = tmp_path / "demo.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, ROSTER_FIELDS)
        writer.writeheader()
        writer.writerows(demo_roster("small", 2, "2025-2026"))
    code, out, err = run_cli("import", "roster", path, "--year", "2025-2026")
    assert code == 0, err
    assert "120 new" in out
